//! What each placed thing *is*, for the tagged PDF's structure tree: layout knows which
//! block a line or picture came from; the PDF writer builds the tree from these marks.
//!
//! A fragment lists [`TagSpan`]s: ranges of its items and the path of structure elements
//! (outermost first) they belong to. Text and pictures inside a span become marked
//! content of the path's last element; anything not in a span, and rules, backgrounds and
//! dots even inside one, are artifacts (running heads, folios, emphasis dots, grids).

use std::ops::Range;
use std::sync::Arc;

use super::flow::Fragment;
use super::page::{Item, LinkTarget};

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
    /// A link: its text and its annotation, inside the element holding the text.
    Link,
    /// A footnote's reference mark in the text (holding the `Link` to its `Note`).
    Reference,
}

impl Role {
    /// Inline elements live inside a block element, among its text: they are placed in
    /// the tree where their first text is, not where their span is declared.
    pub fn is_inline(&self) -> bool {
        matches!(self, Role::Link | Role::Reference)
    }
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

/// Gives each link's text a `Link` element of its own inside the element holding the text
/// (inside a `Reference` when it is a footnote's mark, which `is_note` tells by the link's
/// anchor) and tags the link's annotation with the same element, so a screen reader finds
/// the link text and the link together. The lines of one link in a row continue one
/// element. Link text is found by place: layout ends a text run where a link ends.
pub(crate) fn mark_links(frags: &mut [Fragment], ids: &mut TagIds, is_note: &dyn Fn(&str) -> bool) {
    let mut open = None;
    for f in frags {
        mark_fragment(f, ids, is_note, &mut open);
        if !f.notes.is_empty() {
            mark_links(&mut f.notes, ids, is_note);
        }
    }
}

/// The link element last given text: its parent's id, its target and its path.
type OpenLink = Option<(u64, LinkTarget, Arc<[TagNode]>)>;

fn mark_fragment(
    f: &mut Fragment,
    ids: &mut TagIds,
    is_note: &dyn Fn(&str) -> bool,
    open: &mut OpenLink,
) {
    // Link rectangles: item index, x0, x1, y0, y1, target.
    let rects: Vec<(usize, [f32; 4], &LinkTarget)> = f
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            Item::Link {
                x,
                y,
                width,
                height,
                target,
            } => Some((i, [*x, *x + *width, *y, *y + *height], target)),
            _ => None,
        })
        .collect();
    // Each item's element path: the last span covering it wins, as in the PDF writer.
    let mut path_of: Vec<Option<&Arc<[TagNode]>>> = vec![None; f.items.len()];
    for span in &f.tags {
        for slot in path_of
            .iter_mut()
            .take(span.items.end)
            .skip(span.items.start)
        {
            *slot = Some(&span.path);
        }
    }
    let mut link_of_rect: Vec<Option<Arc<[TagNode]>>> = vec![None; rects.len()];
    let mut spans = Vec::new();
    const EPS: f32 = 0.5;
    for (i, item) in f.items.iter().enumerate() {
        let Item::Text(run) = item else { continue };
        let Some(path) = path_of[i].filter(|p| !p.is_empty()) else {
            continue;
        };
        let parent = path[path.len() - 1].id;
        let x1 = run.x + run.glyphs.iter().map(|g| g.advance).sum::<f32>();
        let inside = rects.iter().position(|(_, r, _)| {
            run.x >= r[0] - EPS && x1 <= r[1] + EPS && run.y >= r[2] && run.y <= r[3]
        });
        let Some(k) = inside else {
            // Other text of the same element ends the link.
            if open.as_ref().is_some_and(|(p, _, _)| *p == parent) {
                *open = None;
            }
            continue;
        };
        let target = rects[k].2;
        let link = match (&link_of_rect[k], open.as_ref()) {
            (Some(link), _) => link.clone(),
            (None, Some((p, t, link))) if *p == parent && t == target => link.clone(),
            _ => {
                let note = matches!(target, LinkTarget::Anchor(name) if is_note(name));
                let mut nodes: Vec<TagNode> = path.to_vec();
                if note {
                    nodes.push(ids.node(Role::Reference));
                }
                nodes.push(ids.node(Role::Link));
                nodes.into()
            }
        };
        link_of_rect[k] = Some(link.clone());
        *open = Some((parent, target.clone(), link.clone()));
        spans.push(TagSpan {
            items: i..i + 1,
            path: link,
        });
    }
    for ((i, _, _), link) in rects.iter().zip(link_of_rect) {
        if let Some(path) = link {
            spans.push(TagSpan {
                items: *i..*i + 1,
                path,
            });
        }
    }
    f.tags.extend(spans);
}

/// After some of a page's items were removed (`kept[i]` is false for a removed item), moves
/// the spans onto the items left, dropping spans left empty.
pub(crate) fn keep_items(spans: &mut Vec<TagSpan>, kept: &[bool]) {
    if kept.iter().all(|&k| k) {
        return;
    }
    // new_index[i]: how many kept items come before old item i.
    let mut new_index = Vec::with_capacity(kept.len() + 1);
    let mut n = 0;
    for &k in kept {
        new_index.push(n);
        n += usize::from(k);
    }
    new_index.push(n);
    let at = |i: usize| new_index[i.min(kept.len())];
    for span in spans.iter_mut() {
        span.items = at(span.items.start)..at(span.items.end);
    }
    spans.retain(|s| !s.items.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_removed_items() {
        let path: Arc<[TagNode]> = Arc::from([]);
        let span = |items: Range<usize>| TagSpan {
            items,
            path: path.clone(),
        };
        let mut spans = vec![span(0..3), span(2..3), span(3..5)];
        keep_items(&mut spans, &[true, true, false, true, true]);
        let ranges: Vec<Range<usize>> = spans.iter().map(|s| s.items.clone()).collect();
        assert_eq!(ranges, [0..2, 2..4]);
    }
}
