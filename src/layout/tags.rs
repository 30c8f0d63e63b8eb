//! What each placed thing *is*, for the tagged PDF's structure tree: layout knows which
//! block a line or picture came from; the PDF writer builds the tree from these marks.
//!
//! A fragment lists [`TagSpan`]s: ranges of its items and the path of structure elements
//! (outermost first) they belong to. Text and pictures inside a span become marked
//! content of the path's last element; anything not in a span, and rules, backgrounds and
//! dots even inside one, are artifacts (running heads, folios, emphasis dots, grids).

use std::ops::Range;
use std::sync::Arc;

/// A structure element's kind, as PDF names them.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// One article.
    Sect,
    /// A heading, level 1–6, with its text as the title.
    H(u8, String),
    P,
    /// A list; `true` when numbered.
    L(bool),
    LI,
    Lbl,
    LBody,
    Table,
    TR,
    /// A header cell (column scope).
    TH,
    TD,
    BlockQuote,
    /// A group of blocks with no more specific role (alert boxes, centred text).
    Div,
    Code,
    /// A picture, with its text alternative.
    Figure(String),
    Caption,
    /// A footnote's text.
    Note,
    /// The contents list and its entries.
    TOC,
    TOCI,
}

/// One element on a path: `id` is unique in the document, so the same element can be
/// continued from fragment to fragment and page to page.
#[derive(Debug, Clone, PartialEq)]
pub struct TagNode {
    pub id: u64,
    pub role: Role,
    /// The element's language when it differs from the document's.
    pub lang: Option<String>,
}

/// A range of a fragment's (or page's) items and the elements they belong to. An empty
/// path marks the items as artifacts on purpose (a decorative picture), so that no
/// enclosing block claims them.
#[derive(Debug, Clone, PartialEq)]
pub struct TagSpan {
    pub items: Range<usize>,
    pub path: Arc<[TagNode]>,
}

/// Hands out element ids: article `n`'s ids never meet another article's, whatever the
/// order articles are laid out in (they are laid out in parallel).
#[derive(Debug, Clone, Default)]
pub struct TagIds {
    base: u64,
    next: u64,
}

impl TagIds {
    /// Ids for the `n`th article; `None` for the front page.
    pub fn for_article(n: Option<usize>) -> TagIds {
        let slot = n.map_or(0, |n| n as u64 + 1);
        TagIds {
            base: slot << 32,
            next: 0,
        }
    }

    pub fn node(&mut self, role: Role) -> TagNode {
        self.next += 1;
        TagNode {
            id: self.base | self.next,
            role,
            lang: None,
        }
    }
}

/// `path` followed by `leaf`, as a span path.
pub fn path_with(path: &[TagNode], leaf: TagNode) -> Arc<[TagNode]> {
    path.iter().cloned().chain(std::iter::once(leaf)).collect()
}
