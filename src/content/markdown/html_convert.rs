//! HTML in a Markdown body → model blocks and inlines: the safe subset rendered, scripts and
//! embeds dropped, unknown tags reduced to their text with one warning per tag name.

use super::Converter;
use crate::content::html::{self, Class, Look, Node as HNode, Piece, Tag, Tok};
use crate::content::inlines::{Node, Picture, Wrap, images_as_text, trim_edges};
use crate::model::{AsideKind, Block, Inline, plain_text};

/// How reading inline HTML ended.
pub(super) enum HtmlStop {
    /// Keep reading.
    Go,
    /// The awaited end tag came.
    Closed,
    /// The enclosing Markdown container ended first.
    Ended,
}

impl Converter<'_, '_, '_> {
    /// One inline HTML event (a single tag or comment). An element's start tag reads the
    /// Markdown inlines up to its end tag as its content.
    pub(super) fn inline_html(
        &mut self,
        h: &str,
        loose: bool,
        close: Option<&str>,
        line: u32,
        nodes: &mut Vec<Node>,
    ) -> HtmlStop {
        for tok in html::tokens(h) {
            match tok {
                Tok::Comment(_) => {}
                Tok::Text(t) => nodes.push(Node::Leaf(Inline::Text(t), line)),
                Tok::End(name) => {
                    if close == Some(name.as_str()) {
                        return HtmlStop::Closed;
                    }
                }
                Tok::Start(tag, self_closing) => {
                    let class = html::classify(&tag);
                    match class {
                        Class::Break => nodes.push(Node::Leaf(Inline::LineBreak, line)),
                        Class::Image => self.html_image(&tag, None, line, nodes),
                        Class::Rule => {}
                        _ if self_closing => {}
                        _ if self.too_deep(line) => {}
                        _ => {
                            self.depth += 1;
                            let linked = class == Class::Link;
                            self.in_link += usize::from(linked);
                            let (children, ended) = self.inlines_until(loose, Some(&tag.name));
                            self.in_link -= usize::from(linked);
                            self.depth -= 1;
                            self.html_inline_element(&tag, class, children, line, nodes);
                            if ended {
                                return HtmlStop::Ended;
                            }
                        }
                    }
                }
            }
        }
        HtmlStop::Go
    }

    /// An inline element with its content already converted.
    fn html_inline_element(
        &mut self,
        tag: &Tag,
        class: Class,
        children: Vec<Node>,
        line: u32,
        nodes: &mut Vec<Node>,
    ) {
        match class {
            Class::Look(look) => nodes.push(Node::Wrap(wrap(look), children)),
            Class::Link => match tag.attr("href").and_then(safe_link) {
                Some(url) => nodes.push(Node::Wrap(Wrap::Link(url), children)),
                None => nodes.extend(children),
            },
            Class::Code => {
                let text = plain_text(&images_as_text(children, &mut false));
                nodes.push(Node::Leaf(Inline::Code(text), line));
            }
            Class::Dropped => self.warn_dropped(&tag.name, line),
            Class::Unknown { .. } => {
                self.warn_unknown(&tag.name, line);
                nodes.extend(children);
            }
            _ => nodes.extend(children),
        }
    }

    fn html_image(&mut self, tag: &Tag, caption: Option<String>, line: u32, nodes: &mut Vec<Node>) {
        let Some(src) = tag.attr("src").map(str::trim).filter(|s| !s.is_empty()) else {
            return;
        };
        let alt = caption.unwrap_or_else(|| tag.attr("alt").unwrap_or("").trim().to_owned());
        // `width="120"` or `width="120px"`; percentages and nonsense are ignored.
        let pixels = |name: &str| {
            let value = tag.attr(name).map(|w| w.trim().trim_end_matches("px"));
            value.and_then(|w| w.parse::<u32>().ok()).filter(|&w| w > 0)
        };
        // `alt=""` with `role="presentation"` (or `none`): the author says it only decorates.
        let decorative = alt.is_empty()
            && tag
                .attr("role")
                .is_some_and(|r| matches!(r.trim(), "presentation" | "none"));
        nodes.push(Node::Image(Picture {
            dest: src.to_owned(),
            alt,
            line,
            width: pixels("width"),
            height: pixels("height"),
            decorative,
            bleed: false,
        }));
    }

    /// An HTML block. Returns true when it closed the element the enclosing
    /// [`Converter::blocks_scoped`] reads the content of; what followed the end tag is then in
    /// `html_pending`.
    pub(super) fn html_block(&mut self, html: &str, line: u32, out: &mut Vec<Block>) -> bool {
        let pieces = html::pieces(html::tokens(html));
        self.html_pieces(pieces, line, out)
    }

    fn html_pieces(&mut self, pieces: Vec<Piece>, line: u32, out: &mut Vec<Block>) -> bool {
        let mut pieces = std::collections::VecDeque::from(pieces);
        while let Some(piece) = pieces.pop_front() {
            match piece {
                Piece::Node(node) => self.html_nodes_blocks(vec![node], line, out),
                Piece::Close(name) => {
                    if self.html_open.last() == Some(&(name, self.depth)) {
                        self.html_pending = pieces.into_iter().collect();
                        return true;
                    }
                }
                Piece::Open(tag, children) => {
                    let (title, children) = split_summary(&tag, children);
                    let mut inner = Vec::new();
                    self.html_nodes_blocks(children, line, &mut inner);
                    if self.too_deep(line) {
                        // Kept as text, not as a container.
                        out.extend(inner);
                        continue;
                    }
                    self.depth += 1;
                    self.html_open.push((tag.name.clone(), self.depth));
                    // Later opens are nested in this one.
                    let rest = pieces.drain(..).collect();
                    if !self.html_pieces(rest, line, &mut inner) {
                        inner.extend(self.blocks_scoped(true));
                    }
                    self.html_open.pop();
                    self.depth -= 1;
                    self.html_container(&tag, title, inner, line, out);
                    pieces = std::mem::take(&mut self.html_pending).into();
                }
            }
        }
        false
    }

    /// Nodes at block level: runs of inline content become paragraphs.
    fn html_nodes_blocks(&mut self, nodes: Vec<HNode>, line: u32, out: &mut Vec<Block>) {
        let mut run: Vec<Node> = Vec::new();
        for node in nodes {
            match node {
                HNode::Comment(c) => {
                    if html::is_pagebreak_comment(&c) {
                        self.flush_run(&mut run, line, out);
                        out.push(Block::PageBreak {
                            pos: self.at_line(line),
                        });
                    }
                }
                HNode::Elem(tag, children)
                    if matches!(
                        html::classify(&tag),
                        Class::Block | Class::Rule | Class::Unknown { block: true }
                    ) =>
                {
                    self.flush_run(&mut run, line, out);
                    self.html_block_element(tag, children, line, out);
                }
                node => self.html_inline_node(node, line, &mut run),
            }
        }
        self.flush_run(&mut run, line, out);
    }

    fn flush_run(&mut self, run: &mut Vec<Node>, line: u32, out: &mut Vec<Block>) {
        if !run.is_empty() {
            self.push_paragraph(std::mem::take(run), line, out);
        }
    }

    fn html_block_element(
        &mut self,
        tag: Tag,
        children: Vec<HNode>,
        line: u32,
        out: &mut Vec<Block>,
    ) {
        match tag.name.as_str() {
            "hr" => out.push(Block::Rule {
                pos: self.at_line(line),
            }),
            "table" => self.html_table(children, line, out),
            "figure" => {
                let caption = children.iter().find_map(|c| match c {
                    HNode::Elem(t, cc) if t.name == "figcaption" => {
                        Some(html::collapse_space(&html::text_of(cc)).trim().to_owned())
                    }
                    _ => None,
                });
                let mut nodes = Vec::new();
                let mut rest = Vec::new();
                for child in children {
                    match child {
                        HNode::Elem(t, _) if t.name == "img" => {
                            self.html_image(&t, caption.clone(), line, &mut nodes)
                        }
                        HNode::Elem(t, _) if t.name == "figcaption" && caption.is_some() => {}
                        other => rest.push(other),
                    }
                }
                if nodes.is_empty() {
                    // No picture: the caption is an ordinary paragraph.
                    self.html_nodes_blocks(rest, line, out);
                } else {
                    self.push_paragraph(nodes, line, out);
                    self.html_nodes_blocks(rest, line, out);
                }
            }
            _ => {
                if let html::Class::Unknown { .. } = html::classify(&tag) {
                    self.warn_unknown(&tag.name, line);
                }
                let (title, children) = split_summary(&tag, children);
                let mut inner = Vec::new();
                if tag.name == "summary" {
                    // A summary outside details: a bold line.
                    let mut run = Vec::new();
                    for c in children {
                        self.html_inline_node(c, line, &mut run);
                    }
                    self.push_paragraph(vec![Node::Wrap(Wrap::Strong, run)], line, &mut inner);
                } else {
                    self.html_nodes_blocks(children, line, &mut inner);
                }
                self.html_container(&tag, title, inner, line, out);
            }
        }
    }

    /// Wraps converted content in what the element means.
    fn html_container(
        &mut self,
        tag: &Tag,
        title: Option<Vec<Inline>>,
        blocks: Vec<Block>,
        line: u32,
        out: &mut Vec<Block>,
    ) {
        let pos = self.at_line(line);
        if tag.name == "details" {
            let title = title.unwrap_or_else(|| {
                vec![Inline::Text(
                    crate::content::asides::label(AsideKind::Details, self.input.lang).to_owned(),
                )]
            });
            out.push(Block::Aside {
                kind: AsideKind::Details,
                title,
                blocks,
                pos,
            });
        } else if tag.name == "blockquote" {
            out.push(Block::Quote { blocks, pos });
        } else if tag.centered() {
            if !blocks.is_empty() {
                out.push(Block::Centered { blocks, pos });
            }
        } else {
            out.extend(blocks);
        }
    }

    fn html_inline_node(&mut self, node: HNode, line: u32, run: &mut Vec<Node>) {
        match node {
            HNode::Text(t) => run.push(Node::Leaf(Inline::Text(html::collapse_space(&t)), line)),
            HNode::Comment(_) => {}
            HNode::Elem(tag, children) => {
                let class = html::classify(&tag);
                match class {
                    Class::Break => run.push(Node::Leaf(Inline::LineBreak, line)),
                    Class::Image => self.html_image(&tag, None, line, run),
                    _ => {
                        let mut inner = Vec::new();
                        if self.depth < super::MAX_DEPTH {
                            self.depth += 1;
                            for child in children {
                                self.html_inline_node(child, line, &mut inner);
                            }
                            self.depth -= 1;
                        }
                        self.html_inline_element(&tag, class, inner, line, run);
                    }
                }
            }
        }
    }

    /// A simple HTML table: rows of `th`/`td` cells; the first row is the head.
    fn html_table(&mut self, children: Vec<HNode>, line: u32, out: &mut Vec<Block>) {
        let mut rows: Vec<Vec<Vec<Inline>>> = Vec::new();
        let mut stack: Vec<HNode> = children.into_iter().rev().collect();
        while let Some(node) = stack.pop() {
            let HNode::Elem(tag, children) = node else {
                continue;
            };
            match tag.name.as_str() {
                "tr" => {
                    let mut row = Vec::new();
                    for cell in children {
                        if let HNode::Elem(t, cc) = cell
                            && matches!(t.name.as_str(), "td" | "th")
                        {
                            let mut nodes = Vec::new();
                            for c in cc {
                                self.html_inline_node(c, line, &mut nodes);
                            }
                            let mut content = self.no_images(nodes, "a table cell", line);
                            trim_edges(&mut content);
                            row.push(content);
                        }
                    }
                    rows.push(row);
                }
                "thead" | "tbody" | "tfoot" => stack.extend(children.into_iter().rev()),
                "caption" => {
                    let text = html::collapse_space(&html::text_of(&children));
                    if !text.trim().is_empty() {
                        out.push(Block::Paragraph {
                            content: vec![Inline::Strong(vec![Inline::Text(
                                text.trim().to_owned(),
                            )])],
                            pos: self.at_line(line),
                        });
                    }
                }
                _ => {}
            }
        }
        if rows.is_empty() {
            return;
        }
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut rows = rows.into_iter();
        let mut head = rows.next().unwrap_or_default();
        head.resize_with(columns, Vec::new);
        let rows = rows
            .map(|mut r| {
                r.resize_with(columns, Vec::new);
                r
            })
            .collect();
        out.push(Block::Table {
            align: vec![crate::model::Align::None; columns],
            head,
            rows,
            pos: self.at_line(line),
        });
    }

    fn warn_unknown(&mut self, name: &str, line: u32) {
        if self.html_warned.insert(name.to_owned()) {
            self.warn(
                line,
                format!("HTML <{name}> is not supported; its text is kept without the tag"),
                "use Markdown, or one of the supported tags (u, sub, sup, kbd, mark, small, abbr, br, img, div/p align=center, details, figure, table)",
            );
        }
    }

    fn warn_dropped(&mut self, name: &str, line: u32) {
        if self.html_warned.insert(name.to_owned()) {
            self.warn(
                line,
                format!("HTML <{name}> is left out with its content"),
                "scripts, styles, embeds and forms cannot be printed; remove them",
            );
        }
    }
}

fn wrap(look: Look) -> Wrap {
    match look {
        Look::Emph => Wrap::Emph,
        Look::Strong => Wrap::Strong,
        Look::Strike => Wrap::Strike,
        Look::Styled(s) => Wrap::Styled(s),
    }
}

/// `http`, `https`, `mailto` and in-document links; `javascript:` and the like are not links.
fn safe_link(href: &str) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    (lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || href.starts_with('#'))
    .then(|| href.to_owned())
}

/// A `<details>`'s `<summary>` (as inlines) and its other children.
fn split_summary(tag: &Tag, children: Vec<HNode>) -> (Option<Vec<Inline>>, Vec<HNode>) {
    if tag.name != "details" {
        return (None, children);
    }
    let mut title = None;
    let mut rest = Vec::new();
    for child in children {
        match child {
            HNode::Elem(t, cc) if t.name == "summary" && title.is_none() => {
                let text = html::collapse_space(&html::text_of(&cc)).trim().to_owned();
                title = Some(vec![Inline::Text(text)]);
            }
            other => rest.push(other),
        }
    }
    (title, rest)
}
