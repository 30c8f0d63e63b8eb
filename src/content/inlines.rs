//! Inline content between the event stream and the model: a small tree that can still hold
//! images, so that a paragraph can be cut into text and figures wherever its images are.

use crate::model::{Inline, Styled};

/// Inline content before images are lifted out of it.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Text, code, a footnote reference or a line break, with its line.
    Leaf(Inline, u32),
    Wrap(Wrap, Vec<Node>),
    Image(Picture),
}

/// A picture as the Markdown or HTML asked for it, before its file is resolved: one
/// record from the inline tree to the figure, so a new attribute is added in one place.
#[derive(Debug, Clone)]
pub(crate) struct Picture {
    pub(crate) dest: String,
    pub(crate) alt: String,
    pub(crate) line: u32,
    /// `<img width>`, CSS pixels.
    pub(crate) width: Option<u32>,
    /// `<img height>`, CSS pixels.
    pub(crate) height: Option<u32>,
    /// `{.decorative}` or `role="presentation"` (see [`crate::model::ImageRef`]).
    pub(crate) decorative: bool,
    /// `{.bleed}` (see [`crate::model::ImageRef`]).
    pub(crate) bleed: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Wrap {
    Emph,
    Strong,
    Strike,
    Link(String),
    Styled(Styled),
}

impl Wrap {
    fn apply(&self, content: Vec<Inline>) -> Inline {
        match self {
            Wrap::Emph => Inline::Emph(content),
            Wrap::Strong => Inline::Strong(content),
            Wrap::Strike => Inline::Strike(content),
            Wrap::Link(url) => Inline::Link {
                url: url.clone(),
                content,
            },
            Wrap::Styled(look) => Inline::Styled(look.clone(), content),
        }
    }
}

/// A paragraph cut at its images.
#[derive(Debug)]
pub(crate) enum Segment {
    /// Inlines and the line of the first of them.
    Text(Vec<Inline>, Option<u32>),
    Figure(Picture),
}

/// Cuts inline content at every image, however deeply nested: `*a ![i](x) b*` becomes
/// `Emph[a]`, figure, `Emph[b]`.
pub(crate) fn split_at_images(nodes: Vec<Node>) -> Vec<Segment> {
    fn push(out: &mut Vec<Segment>, inline: Inline, line: Option<u32>) {
        if let Some(Segment::Text(v, first)) = out.last_mut() {
            v.push(inline);
            if first.is_none() {
                *first = line;
            }
        } else {
            out.push(Segment::Text(vec![inline], line));
        }
    }
    let mut out = Vec::new();
    for node in nodes {
        match node {
            Node::Leaf(inline, line) => push(&mut out, inline, Some(line)),
            Node::Image(picture) => out.push(Segment::Figure(picture)),
            Node::Wrap(wrap, children) => {
                let parts = split_at_images(children);
                if parts.is_empty() {
                    push(&mut out, wrap.apply(Vec::new()), None);
                }
                for part in parts {
                    match part {
                        Segment::Text(v, line) => push(&mut out, wrap.apply(v), line),
                        figure => out.push(figure),
                    }
                }
            }
        }
    }
    out
}

/// Inline content where images cannot stand (headings, table cells, alt text): each image
/// becomes its alt text. Returns whether any image was replaced.
pub(crate) fn images_as_text(nodes: Vec<Node>, replaced: &mut bool) -> Vec<Inline> {
    let mut out = Vec::new();
    for node in nodes {
        match node {
            Node::Leaf(inline, _) => out.push(inline),
            Node::Wrap(wrap, children) => out.push(wrap.apply(images_as_text(children, replaced))),
            Node::Image(picture) => {
                *replaced = true;
                out.push(Inline::Text(picture.alt));
            }
        }
    }
    merge_text(&mut out);
    out
}

/// Joins adjacent texts and drops empty ones, at every level.
fn merge_text(inlines: &mut Vec<Inline>) {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for mut inline in inlines.drain(..) {
        match &mut inline {
            Inline::Text(t) if t.is_empty() => continue,
            Inline::Text(t) => {
                if let Some(Inline::Text(prev)) = out.last_mut() {
                    prev.push_str(t);
                    continue;
                }
            }
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Styled(_, c) => {
                merge_text(c)
            }
            Inline::Link { content, .. } => merge_text(content),
            _ => {}
        }
        out.push(inline);
    }
    *inlines = out;
}

/// Drops leading and trailing whitespace and line breaks of a paragraph cut from a larger one
/// (`text ![img](x) more` leaves `text ` and ` more`).
pub(crate) fn trim_edges(inlines: &mut Vec<Inline>) {
    while matches!(inlines.first(), Some(Inline::LineBreak)) {
        inlines.remove(0);
    }
    while matches!(inlines.last(), Some(Inline::LineBreak)) {
        inlines.pop();
    }
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_owned();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_owned();
    }
    merge_text(inlines);
}

/// Whether inlines show anything at all.
pub(crate) fn has_content(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Text(t) => !t.trim().is_empty(),
        Inline::Code(_) | Inline::FootnoteRef { .. } => true,
        Inline::LineBreak => false,
        Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Styled(_, c) => {
            has_content(c)
        }
        Inline::Link { content, .. } => has_content(content),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inline::*;

    fn leaf(s: &str) -> Node {
        Node::Leaf(Text(s.to_owned()), 1)
    }

    fn image(alt: &str, line: u32) -> Node {
        Node::Image(Picture {
            dest: format!("{alt}.png"),
            alt: alt.to_owned(),
            line,
            width: None,
            height: None,
            decorative: false,
            bleed: false,
        })
    }

    #[test]
    fn images_split_nested_wrappers() {
        let nodes = vec![
            leaf("a "),
            Node::Wrap(Wrap::Emph, vec![leaf("b "), image("i", 2), leaf(" c")]),
            leaf(" d"),
        ];
        let segments = split_at_images(nodes);
        assert_eq!(segments.len(), 3, "{segments:?}");
        let Segment::Text(first, Some(1)) = &segments[0] else {
            panic!("{segments:?}")
        };
        assert_eq!(
            first,
            &vec![Text("a ".into()), Emph(vec![Text("b ".into())])]
        );
        assert!(matches!(&segments[1], Segment::Figure(p) if p.line == 2));
        let Segment::Text(last, _) = &segments[2] else {
            panic!()
        };
        assert_eq!(
            last,
            &vec![Emph(vec![Text(" c".into())]), Text(" d".into())]
        );
    }

    #[test]
    fn images_as_alt_text() {
        let mut replaced = false;
        let out = images_as_text(vec![leaf("Logo "), image("校徽", 1)], &mut replaced);
        assert!(replaced);
        assert_eq!(out, vec![Text("Logo 校徽".into())]);
    }

    #[test]
    fn trimming_and_blankness() {
        let mut v = vec![
            LineBreak,
            Text("  x ".into()),
            Text("y  ".into()),
            LineBreak,
        ];
        trim_edges(&mut v);
        assert_eq!(v, vec![Text("x y".into())]);
        assert!(!has_content(&[Text("  ".into()), LineBreak, Emph(vec![])]));
        assert!(has_content(&[FootnoteRef { number: 1 }]));
        assert!(has_content(&[Code(String::new())]));
    }
}
