//! Accessibility checks on the document model, shared by both writers: a picture without
//! a text alternative is reported with its file and line.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Block, Document};

/// One finding per picture without alt text. `strict` (`--strict` or `--pdfua`) makes it an
/// error: a tagged PDF claiming PDF/UA, or an EPUB claiming WCAG AA, would be false.
pub(crate) fn report_missing_alt(doc: &Document, strict: bool, diags: &mut Diagnostics) {
    for article in &doc.articles {
        let mut stack: Vec<&Block> = article
            .blocks
            .iter()
            .chain(article.footnotes.iter().flat_map(|n| &n.blocks))
            .rev()
            .collect();
        while let Some(block) = stack.pop() {
            match block {
                // A decorative picture needs no text alternative: the author said so.
                Block::Figure { alt, pos, image } if alt.trim().is_empty() && !image.decorative => {
                    let message = format!(
                        "the picture `{}` has no alt text; screen-reader users get nothing for it",
                        image.key
                    );
                    diags.push(
                        Diagnostic::strict_or_warning(strict, message)
                            .at(pos)
                            .with_help(
                                "describe it between the brackets: ![what the picture shows](…), \
                                 or mark a picture that only decorates: ![](…){.decorative}",
                            ),
                    );
                }
                // Pictures inside quotes, lists, boxes, centred blocks and definitions.
                _ => stack.extend(
                    block
                        .children()
                        .into_iter()
                        .rev()
                        .flat_map(|c| c.iter().rev()),
                ),
            }
        }
    }
}
