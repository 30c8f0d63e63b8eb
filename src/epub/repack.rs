//! Fixes to the two files epub-builder writes from its own fixed templates, applied while
//! the book is zipped: the package and the navigation document must state their
//! language, the navigation's `nav` landmarks need ARIA roles and names (EPUB
//! Accessibility 1.1, checked by Ace), and the navigation gains the printed page list.
//! Every other entry is copied byte for byte, in order, with its compression and (fixed)
//! timestamp, so the book stays reproducible.

use crate::diagnostics::Error;

use super::pagelist::{PageEntry, with_page_list};
use super::xml;

const OPF: &str = "OEBPS/content.opf";
const NAV: &str = "OEBPS/nav.xhtml";

/// What the patched files need to say.
pub(crate) struct NavWords<'a> {
    pub lang: &'a str,
    pub landmarks: &'a str,
    /// The printed edition the page list follows (`dc:source` and EPUB 3.3's
    /// `pageBreakSource`, which EPUB Accessibility 1.1 and Ace ask for whenever a book
    /// carries page breaks); `None` without a page list.
    pub page_source: Option<&'a str>,
}

/// The entries `fix` rewrites.
pub(crate) const PATCHED: [&str; 2] = [OPF, NAV];

/// The fixed text of entry `name` (one of [`PATCHED`]), with the page list's nav added to
/// the navigation document when there is one. Called once per entry while the book is
/// zipped (`package::assemble`), so the book is written once.
pub(crate) fn fix(
    name: &str,
    text: String,
    words: &NavWords<'_>,
    page_list: &[PageEntry],
) -> Result<String, Error> {
    match name {
        OPF => patch_opf(&text, words),
        NAV => {
            let nav = patch_nav(&text, words)?;
            Ok(if page_list.is_empty() {
                nav
            } else {
                with_page_list(&nav, page_list)
            })
        }
        _ => Ok(text),
    }
}

/// Replaces `from` by `to` exactly once; a template that changed is an error, not a book
/// that silently loses its accessibility markup.
fn replace_once(text: &str, from: &str, to: &str, file: &str) -> Result<String, Error> {
    if text.matches(from).count() != 1 {
        return Err(Error::Epub(format!(
            "epub-builder's {file} changed: `{from}` not found once"
        )));
    }
    Ok(text.replacen(from, to, 1))
}

fn patch_opf(text: &str, words: &NavWords<'_>) -> Result<String, Error> {
    let mut lang = String::new();
    xml::push_attr(&mut lang, words.lang);
    let text = replace_once(
        text,
        "<package version=\"3.0\" ",
        &format!("<package version=\"3.0\" xml:lang=\"{lang}\" "),
        OPF,
    )?;
    let Some(source) = words.page_source else {
        return Ok(text);
    };
    let mut escaped = String::new();
    xml::push_attr(&mut escaped, source);
    replace_once(
        &text,
        "</metadata>",
        &format!(
            "<dc:source>{escaped}</dc:source>\n<meta property=\"pageBreakSource\">{escaped}</meta>\n</metadata>"
        ),
        OPF,
    )
}

fn patch_nav(text: &str, words: &NavWords<'_>) -> Result<String, Error> {
    let mut lang = String::new();
    xml::push_attr(&mut lang, words.lang);
    let mut landmarks = String::new();
    xml::push_attr(&mut landmarks, words.landmarks);
    let text = replace_once(
        text,
        "xmlns:epub=\"http://www.idpf.org/2007/ops\">",
        &format!(
            "xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">"
        ),
        NAV,
    )?;
    let text = replace_once(
        &text,
        "<nav epub:type = \"toc\" id=\"toc\">",
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">",
        NAV,
    )?;
    replace_once(
        &text,
        "<nav epub:type = \"landmarks\">",
        &format!("<nav epub:type=\"landmarks\" aria-label=\"{landmarks}\">"),
        NAV,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_template_is_an_error() {
        let words = NavWords {
            lang: "en",
            landmarks: "Landmarks",
            page_source: None,
        };
        assert!(patch_opf("<package version=\"2.0\">", &words).is_err());
        let opf = patch_opf("<package version=\"3.0\" xmlns=\"x\">", &words).unwrap();
        assert_eq!(opf, "<package version=\"3.0\" xml:lang=\"en\" xmlns=\"x\">");
    }
}
