//! One article as a document of its own: its metadata, its layout and its two files.
//!
//! The layout switch lives in [`layout_single`] alone, so that it can be replaced by the
//! `article` template (one article, compact head, no contents page) when that lands.

use std::collections::HashMap;

use crate::assets::fonts::FontBook;
use crate::assets::images::ImageSet;
use crate::config::Config;
use crate::layout::article::ArticleLayout;
use crate::layout::flow::paginate;
use crate::layout::inline::StyledText;
use crate::layout::page::{Item, LinkTarget, OutlineEntry, Page, Pages};
use crate::layout::paragraph::{Align, ParagraphStyle, set_paragraph};
use crate::layout::{Geometry, Laid};
use crate::model::{Article, Document, Meta};
use crate::theme::Theme;

/// A document holding one article; the bulletin's metadata fills only what the article
/// does not say (date, publisher).
pub(crate) fn single_document(config: &Config, article: Article) -> Document {
    let meta = Meta {
        title: article.title.clone(),
        subtitle: article.subtitle.clone(),
        volume: None,
        issue: None,
        date: article.date.clone().or_else(|| config.meta.date.clone()),
        lang: article.lang.clone(),
        publisher: config.meta.publisher.clone(),
        editor: None,
        authors: article.author.iter().cloned().collect(),
    };
    Document {
        meta,
        articles: vec![article],
    }
}

/// Lays out a one-article document: no masthead and no contents page; the article's own
/// head opens page 1 and every page carries its number.
pub(crate) fn layout_single(
    doc: &Document,
    book: &FontBook,
    images: &ImageSet,
    theme: &Theme,
    g: Geometry,
) -> Laid {
    let mut missing = Vec::new();
    let mut anchors: HashMap<String, (usize, f32)> = HashMap::new();
    let mut outline = Vec::new();
    let mut pages = Vec::new();
    for article in &doc.articles {
        let mut l = ArticleLayout::new(book, theme, images, g.text_width, g.text_height, article);
        let frags = l.article(article);
        missing.append(&mut l.missing);
        for placed in paginate(frags, g.text_height) {
            let index = pages.len();
            let mut page = Page {
                items: Vec::new(),
                number: index as u32 + 1,
            };
            for p in placed {
                let y = g.top + p.y;
                for a in &p.fragment.anchors {
                    anchors.insert(a.name.clone(), (index, y));
                    if let Some((title, level)) = &a.outline {
                        outline.push(OutlineEntry {
                            title: title.clone(),
                            level: *level,
                            page: index,
                            y,
                        });
                    }
                }
                for mut item in p.fragment.items {
                    item.translate(g.left, y);
                    page.items.push(item);
                }
            }
            folio(&mut page, doc, book, theme, &g);
            pages.push(page);
        }
    }
    for page in &mut pages {
        for item in &mut page.items {
            if let Item::Link { target, .. } = item
                && let LinkTarget::Anchor(name) = target
            {
                let &(page, y) = anchors.get(name.as_str()).unwrap_or(&(0, 0.0));
                *target = LinkTarget::Position { page, y };
            }
        }
    }
    missing.sort();
    missing.dedup();
    Laid {
        pages: Pages {
            width: g.width,
            height: g.height,
            pages,
            outline,
        },
        missing,
    }
}

/// The page number, centred under the text block.
fn folio(page: &mut Page, doc: &Document, book: &FontBook, theme: &Theme, g: &Geometry) {
    let style = &theme.running;
    let text = StyledText::plain(&page.number.to_string(), style);
    let lang = doc.meta.lang.as_str();
    let set = set_paragraph(
        &text,
        &ParagraphStyle::new(style, g.text_width, Align::Center, lang),
        book,
    );
    let y = g.top + g.text_height + theme.footer_offset * 0.5;
    for mut item in set.lines.into_iter().take(1).flat_map(|l| l.items) {
        item.translate(g.left, y);
        page.items.push(item);
    }
}
