//! A Markdown body → model blocks.
//!
//! pulldown-cmark produces a flat stream of events; this module folds it into the tree of
//! [`Block`]s and [`Inline`]s that the writers consume. Along the way it applies the
//! Chinese-aware fixes from [`super::cjk`], lifts images out of paragraphs into figures,
//! numbers footnotes, derives heading ids, and reports what it cannot render (raw HTML,
//! footnotes without definitions) with the line it is on.

use std::collections::{HashMap, HashSet};
use std::iter::Peekable;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};

use super::asides;
use super::attrs;
use super::cjk;
use super::footnotes::{
    footnote_definitions, label_key, number_footnotes, warn_undefined_footnotes,
};
use super::html;
use super::ids;
use super::inlines::{
    Node, Picture, Segment, Wrap, has_content, images_as_text, split_at_images, trim_edges,
};
use super::paths::{Roots, resolve_image};
use super::source::LineIndex;
use crate::diagnostics::Diagnostic;
use crate::model::{
    Align, AsideKind, Block, Definition, Footnote, ImageRef, Inline, Lang, ListItem, SourcePos,
    plain_text,
};

/// The Markdown dialect: CommonMark plus GFM tables, footnotes, strikethrough, task lists and
/// alerts (`> [!NOTE]`), definition lists, and `{#id}` heading attributes.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

/// One article body and where it sits.
pub(crate) struct BodyInput<'a> {
    /// The Markdown after the front matter.
    pub text: &'a str,
    /// File lines before `text`.
    pub line_offset: u32,
    /// The file, relative to the content folder, for positions and messages.
    pub file: Arc<str>,
    /// Absolute folder of the Markdown file (image paths are relative to it first).
    pub md_dir: &'a Path,
    pub roots: &'a Roots,
    /// The article's language (alert titles are in it).
    pub lang: &'a Lang,
}

/// The converted body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Body {
    pub blocks: Vec<Block>,
    pub footnotes: Vec<Footnote>,
}

mod autolink;
mod html_convert;

use html_convert::HtmlStop;

/// `\newpage` (LaTeX habit) alone in a paragraph: a page break.
fn is_newpage(nodes: &[Node]) -> bool {
    let mut text = String::new();
    for node in nodes {
        match node {
            Node::Leaf(Inline::Text(t), _) => text.push_str(t),
            _ => return false,
        }
    }
    text.trim() == "\\newpage"
}

/// The classes a picture's attribute block may carry.
const IMAGE_CLASSES: &[&str] = &["decorative", "bleed"];

/// Deepest nesting of quotes, lists and inline markup that is kept as structure. Real
/// articles nest a few levels; hostile input can nest thousands, which would overflow the
/// stack here and in every later stage that walks the tree. Deeper content is kept as text.
const MAX_DEPTH: usize = 48;

/// Parser events with their byte ranges in the (patched) body.
pub(crate) type Events<'e> = Vec<(Event<'e>, Range<usize>)>;

/// Converts a Markdown body. Problems go to `diags`; the result holds everything that could
/// be converted.
pub(crate) fn parse_body(input: &BodyInput<'_>, diags: &mut Vec<Diagnostic>) -> Body {
    let patched = cjk::emphasis_sentinels(input.text, options());
    let text = patched.as_deref().unwrap_or(input.text);
    let mut events: Events<'_> = Parser::new_ext(text, options())
        .into_offset_iter()
        .collect();
    if patched.is_some() {
        strip_sentinels(&mut events);
    }
    let lines = LineIndex::new(text);
    let pos = |offset: usize| SourcePos {
        file: input.file.clone(),
        line: input.line_offset.saturating_add(lines.line(offset)),
    };
    let definitions = footnote_definitions(&events);
    warn_undefined_footnotes(text, &events, &definitions, &pos, diags);
    let events = cjk::resolve_soft_breaks(events);
    let numbers = number_footnotes(&events);
    let mut conv = Converter {
        events: events.into_iter().peekable(),
        input,
        pos: &pos,
        diags,
        numbers,
        definitions: HashMap::new(),
        heading_ids: HashSet::new(),
        headings: 0,
        task: None,
        html_warned: HashSet::new(),
        html_open: Vec::new(),
        html_pending: Vec::new(),
        in_link: 0,
        depth: 0,
        too_deep_warned: false,
    };
    let blocks = conv.blocks();
    let footnotes = conv.finish_footnotes();
    Body { blocks, footnotes }
}

/// Removes the emphasis sentinels from text. Code is left alone: sentinels are only ever
/// inserted next to literal delimiter runs in text, never in code.
fn strip_sentinels(events: &mut Events<'_>) {
    let mut code_depth = 0usize;
    for (event, _) in events.iter_mut() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Text(t) if code_depth == 0 && t.contains(cjk::SENTINEL) => {
                *t = CowStr::from(t.replace(cjk::SENTINEL, ""));
            }
            _ => {}
        }
    }
    events.retain(|(e, _)| !matches!(e, Event::Text(t) if t.is_empty()));
}

fn is_inline_event(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::TaskListMarker(_) => true,
        Event::Start(tag) => super::cjk::is_inline_tag(tag),
        _ => false,
    }
}

/// Folds the event stream into blocks. One instance per article body.
struct Converter<'a, 'e, 'p> {
    events: Peekable<std::vec::IntoIter<(Event<'e>, Range<usize>)>>,
    input: &'a BodyInput<'a>,
    pos: &'p dyn Fn(usize) -> SourcePos,
    diags: &'a mut Vec<Diagnostic>,
    /// Footnote number by label key, in order of first reference.
    numbers: HashMap<String, u32>,
    /// Converted definitions by label key: (label as written, position, blocks).
    definitions: HashMap<String, (String, SourcePos, Vec<Block>)>,
    heading_ids: HashSet<String>,
    headings: usize,
    /// The task-list marker of the list item being read, if any.
    task: Option<bool>,
    /// HTML tag names already reported (one warning per name and article).
    html_warned: HashSet<String>,
    /// HTML elements opened by one HTML block and closed by a later one, with the nesting
    /// depth they were opened at: the Markdown between them is their content.
    html_open: Vec<(String, usize)>,
    /// What followed the end tag that closed the innermost open element, in the same block.
    html_pending: Vec<html::Piece>,
    /// Inside a link: bare URLs are not made links again.
    in_link: usize,
    /// Current nesting of containers and inline markup; see [`MAX_DEPTH`].
    depth: usize,
    too_deep_warned: bool,
}

impl Converter<'_, '_, '_> {
    fn line(&self, offset: usize) -> u32 {
        (self.pos)(offset).line
    }

    fn at_line(&self, line: u32) -> SourcePos {
        SourcePos {
            file: self.input.file.clone(),
            line,
        }
    }

    fn warn(&mut self, line: u32, message: String, help: &str) {
        self.diags.push(
            Diagnostic::warning(message)
                .at(&self.at_line(line))
                .with_help(help),
        );
    }

    /// Blocks until the end of the enclosing container (its `End` is consumed) or of input.
    fn blocks(&mut self) -> Vec<Block> {
        self.blocks_scoped(false)
    }

    /// With `html_scope`, the content of an HTML element left open by an HTML block: stops
    /// at the HTML block that closes it, or before the end of the enclosing container.
    fn blocks_scoped(&mut self, html_scope: bool) -> Vec<Block> {
        let mut out = Vec::new();
        loop {
            let Some((event, range)) = self.events.peek() else {
                return out;
            };
            if html_scope && matches!(event, Event::End(_)) {
                return out;
            }
            if is_inline_event(event) {
                // Text directly in a container: a tight list item's paragraph.
                let start = range.start;
                let line = self.line(start);
                let nodes = self.inlines(true);
                self.push_paragraph(nodes, line, &mut out);
                continue;
            }
            let Some((event, range)) = self.events.next() else {
                return out;
            };
            match event {
                Event::End(_) => return out,
                Event::Start(Tag::HtmlBlock) => {
                    let line = self.line(range.start);
                    let html = self.collect_text();
                    if self.html_block(&html, line, &mut out) && html_scope {
                        return out;
                    }
                }
                Event::Start(tag) => self.block(tag, range, &mut out),
                Event::Rule => out.push(Block::Rule {
                    pos: (self.pos)(range.start),
                }),
                Event::Html(html) => {
                    let line = self.line(range.start);
                    if self.html_block(&html, line, &mut out) && html_scope {
                        return out;
                    }
                }
                _ => {}
            }
        }
    }

    fn block(&mut self, tag: Tag<'_>, range: Range<usize>, out: &mut Vec<Block>) {
        let pos = (self.pos)(range.start);
        if self.too_deep(pos.line) {
            let text = self.container_text();
            if !text.trim().is_empty() {
                out.push(Block::Paragraph {
                    content: vec![Inline::Text(text)],
                    pos,
                });
            }
            return;
        }
        self.depth += 1;
        self.block_at_depth(tag, pos, out);
        self.depth -= 1;
    }

    /// True (with one warning per article) when nesting one level deeper is not allowed.
    fn too_deep(&mut self, line: u32) -> bool {
        if self.depth < MAX_DEPTH {
            return false;
        }
        if !self.too_deep_warned {
            self.too_deep_warned = true;
            self.warn(
                line,
                format!("nesting deeper than {MAX_DEPTH} levels is kept as plain text"),
                "flatten the nested quotes, lists or emphasis",
            );
        }
        true
    }

    /// The plain text of a construct up to its matching end, without recursion.
    fn container_text(&mut self) -> String {
        let mut text = String::new();
        let mut depth = 1usize;
        for (event, _) in self.events.by_ref() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        text
    }

    fn block_at_depth(&mut self, tag: Tag<'_>, pos: SourcePos, out: &mut Vec<Block>) {
        match tag {
            Tag::Paragraph => {
                let nodes = self.inlines(false);
                if is_newpage(&nodes) {
                    out.push(Block::PageBreak { pos });
                } else {
                    self.push_paragraph(nodes, pos.line, out);
                }
            }
            Tag::Heading { level, id, .. } => {
                let nodes = self.inlines(false);
                let content = self.no_images(nodes, "a heading", pos.line);
                let id = self.heading_id(id.as_deref(), &content, pos.line);
                out.push(Block::Heading {
                    level: level as u8,
                    id,
                    content,
                    pos,
                });
            }
            Tag::BlockQuote(None) => {
                let blocks = self.blocks();
                out.push(Block::Quote { blocks, pos });
            }
            Tag::BlockQuote(Some(kind)) => {
                let kind = match kind {
                    BlockQuoteKind::Note => AsideKind::Note,
                    BlockQuoteKind::Tip => AsideKind::Tip,
                    BlockQuoteKind::Important => AsideKind::Important,
                    BlockQuoteKind::Warning => AsideKind::Warning,
                    BlockQuoteKind::Caution => AsideKind::Caution,
                };
                let title = vec![Inline::Text(
                    asides::label(kind, self.input.lang).to_owned(),
                )];
                let blocks = self.blocks();
                out.push(Block::Aside {
                    kind,
                    title,
                    blocks,
                    pos,
                });
            }
            Tag::DefinitionList => {
                let items = self.definitions();
                out.push(Block::Definitions { items, pos });
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(|w| {
                            w.trim_start_matches('{')
                                .trim_start_matches('.')
                                .trim_end_matches('}')
                        })
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                let mut text = self.collect_text();
                if text.ends_with('\n') {
                    text.pop();
                }
                out.push(Block::Code { lang, text, pos });
            }
            Tag::HtmlBlock => {
                let html = self.collect_text();
                self.html_block(&html, pos.line, out);
            }
            Tag::List(start) => {
                let items = self.list_items();
                out.push(Block::List { start, items, pos });
            }
            Tag::Item => {
                // An item outside a list cannot happen; keep its content rather than lose it.
                let blocks = self.blocks();
                out.extend(blocks);
            }
            Tag::FootnoteDefinition(label) => self.footnote_definition(&label, pos),
            Tag::Table(align) => out.push(self.table(&align, pos)),
            _ => self.skip_container(),
        }
    }

    /// Inline nodes up to the end of the enclosing inline container (consumed). With `loose`,
    /// stops before the first block-level event instead (text directly in a list item).
    fn inlines(&mut self, loose: bool) -> Vec<Node> {
        self.inlines_until(loose, None).0
    }

    /// Like [`Self::inlines`], but with `close`, stops early at that inline HTML end tag
    /// (`</u>`). Also says whether the enclosing container ended (so an HTML element left
    /// open ends with it).
    fn inlines_until(&mut self, loose: bool, close: Option<&str>) -> (Vec<Node>, bool) {
        let mut nodes = Vec::new();
        loop {
            if loose {
                match self.events.peek() {
                    Some((event, _)) if is_inline_event(event) => {}
                    _ => return (nodes, true),
                }
            }
            let Some((event, range)) = self.events.next() else {
                return (nodes, true);
            };
            let line = self.line(range.start);
            let leaf = |inline| Node::Leaf(inline, line);
            match event {
                Event::Text(t) if self.in_link == 0 => autolink::push_text(&t, line, &mut nodes),
                Event::Text(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                    nodes.push(leaf(Inline::Text(t.into_string())));
                }
                Event::Code(t) => nodes.push(leaf(Inline::Code(t.into_string()))),
                Event::InlineHtml(h) | Event::Html(h) => {
                    match self.inline_html(&h, loose, close, line, &mut nodes) {
                        HtmlStop::Go => {}
                        HtmlStop::Closed => return (nodes, false),
                        HtmlStop::Ended => return (nodes, true),
                    }
                }
                Event::SoftBreak => nodes.push(leaf(Inline::Text(" ".to_owned()))),
                Event::HardBreak => nodes.push(leaf(Inline::LineBreak)),
                Event::FootnoteReference(label) => {
                    let inline = match self.numbers.get(&label_key(&label)) {
                        Some(&number) => Inline::FootnoteRef { number },
                        None => Inline::Text(format!("[^{label}]")),
                    };
                    nodes.push(leaf(inline));
                }
                Event::TaskListMarker(checked) => self.task = Some(checked),
                Event::Start(_) if self.too_deep(line) => {
                    nodes.push(leaf(Inline::Text(self.container_text())));
                }
                Event::Start(tag) => {
                    self.depth += 1;
                    self.inline_container(tag, line, &mut nodes);
                    self.depth -= 1;
                }
                Event::End(_) => return (nodes, true),
                Event::Rule => {}
            }
        }
    }

    /// Emphasis, links, images: their content, nested.
    fn inline_container(&mut self, tag: Tag<'_>, line: u32, nodes: &mut Vec<Node>) {
        match tag {
            Tag::Emphasis => nodes.push(Node::Wrap(Wrap::Emph, self.inlines(false))),
            Tag::Strong => nodes.push(Node::Wrap(Wrap::Strong, self.inlines(false))),
            Tag::Strikethrough => nodes.push(Node::Wrap(Wrap::Strike, self.inlines(false))),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let url = if link_type == LinkType::Email && !dest_url.starts_with("mailto:") {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.into_string()
                };
                self.in_link += 1;
                let content = self.inlines(false);
                self.in_link -= 1;
                nodes.push(Node::Wrap(Wrap::Link(url), content));
            }
            Tag::Image { dest_url, .. } => {
                let children = self.inlines(false);
                let alt = plain_text(&images_as_text(children, &mut false))
                    .trim()
                    .to_owned();
                let (decorative, bleed, rest) = self.image_attrs(&alt, line);
                nodes.push(Node::Image(Picture {
                    dest: dest_url.into_string(),
                    alt,
                    line,
                    width: None,
                    height: None,
                    decorative,
                    bleed,
                }));
                // The text after the attribute block.
                match rest {
                    Some(rest) if self.in_link == 0 => autolink::push_text(&rest, line, nodes),
                    Some(rest) => nodes.push(Node::Leaf(Inline::Text(rest), line)),
                    None => {}
                }
            }
            // Superscript/subscript are not enabled; keep their text if they appear.
            Tag::Superscript | Tag::Subscript => nodes.extend(self.inlines(false)),
            _ => self.skip_container(),
        }
    }

    /// A definition list: each title with the definitions after it.
    fn definitions(&mut self) -> Vec<Definition> {
        let mut items: Vec<Definition> = Vec::new();
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::Start(Tag::DefinitionListTitle) => {
                    let line = self.line(range.start);
                    let nodes = self.inlines(false);
                    let mut term = self.no_images(nodes, "a definition term", line);
                    trim_edges(&mut term);
                    items.push(Definition {
                        term,
                        details: Vec::new(),
                    });
                }
                Event::Start(Tag::DefinitionListDefinition) => {
                    let blocks = self.blocks();
                    match items.last_mut() {
                        Some(item) => item.details.push(blocks),
                        None => items.push(Definition {
                            term: Vec::new(),
                            details: vec![blocks],
                        }),
                    }
                }
                Event::End(_) => break,
                _ => {}
            }
        }
        items
    }

    /// The text of a code or HTML block, verbatim, up to its end.
    fn collect_text(&mut self) -> String {
        let mut text = String::new();
        for (event, _) in self.events.by_ref() {
            match event {
                Event::Text(t) | Event::Html(t) | Event::Code(t) => text.push_str(&t),
                Event::End(_) => break,
                _ => {}
            }
        }
        text
    }

    /// Skips a construct we do not model, up to its matching end.
    fn skip_container(&mut self) {
        self.container_text();
    }

    /// A paragraph, cut at its images: text before and after become paragraphs (unless
    /// blank) and each image a figure.
    fn push_paragraph(&mut self, nodes: Vec<Node>, line: u32, out: &mut Vec<Block>) {
        for segment in split_at_images(nodes) {
            match segment {
                Segment::Text(mut content, first) => {
                    trim_edges(&mut content);
                    if has_content(&content) {
                        out.push(Block::Paragraph {
                            content,
                            pos: self.at_line(first.unwrap_or(line)),
                        });
                    }
                }
                Segment::Figure(Picture {
                    dest,
                    alt,
                    line,
                    width,
                    height,
                    decorative,
                    bleed,
                }) => {
                    let md_dir = self.input.md_dir;
                    match resolve_image(&dest, md_dir, self.input.roots) {
                        Ok(image) => out.push(Block::Figure {
                            image: ImageRef {
                                width,
                                height,
                                decorative,
                                bleed,
                                ..image
                            },
                            alt,
                            pos: self.at_line(line),
                        }),
                        Err(problem) => self.diags.push(
                            Diagnostic::error(problem.message)
                                .at(&self.at_line(line))
                                .with_help(problem.help),
                        ),
                    }
                }
            }
        }
    }

    /// The attribute block right after an image (`![](x.jpg){.decorative}`), taken out of
    /// the text that follows; returns whether the picture is decorative, and the text after
    /// the block. Attributes folio does not use are warned about (and do not print either).
    fn image_attrs(&mut self, alt: &str, line: u32) -> (bool, bool, Option<String>) {
        let Some((Event::Text(text), _)) = self.events.peek() else {
            return (false, false, None);
        };
        let Some((attrs, rest)) = attrs::leading(text) else {
            return (false, false, None);
        };
        let rest = Some(rest.to_owned()).filter(|r| !r.is_empty());
        self.events.next();
        let unknown: Vec<String> = attrs
            .classes
            .iter()
            .filter(|c| !IMAGE_CLASSES.contains(&c.as_str()))
            .map(|c| format!(".{c}"))
            .chain(attrs.id.iter().map(|id| format!("#{id}")))
            .chain(attrs.pairs.iter().map(|(k, v)| format!("{k}={v}")))
            .collect();
        if !unknown.is_empty() {
            self.warn(
                line,
                format!(
                    "folio does not use `{}` on a picture; it is ignored",
                    unknown.join(" ")
                ),
                "pictures take {.decorative} (a picture that only decorates) and {.bleed} (printed edge to edge)",
            );
        }
        let decorative = attrs.has_class("decorative");
        let bleed = attrs.has_class("bleed");
        if decorative && !alt.is_empty() {
            self.warn(
                line,
                "a picture marked {.decorative} has alt text; it is kept as the picture's description and caption".to_owned(),
                "leave the brackets empty for a decorative picture: ![](…){.decorative}",
            );
            return (false, bleed, rest);
        }
        (decorative, bleed, rest)
    }

    /// Inline content where an image cannot go: images become their alt text, with a warning.
    fn no_images(&mut self, nodes: Vec<Node>, place: &str, line: u32) -> Vec<Inline> {
        let mut replaced = false;
        let content = images_as_text(nodes, &mut replaced);
        if replaced {
            self.warn(
                line,
                format!("an image in {place} cannot be shown; its alt text is used instead"),
                "put the image on its own line, outside the heading or table",
            );
        }
        content
    }

    /// The heading's id: an explicit `{#id}` if valid, else a slug of its text; unique within
    /// the article and always a valid XML id.
    fn heading_id(&mut self, explicit: Option<&str>, content: &[Inline], line: u32) -> String {
        self.headings += 1;
        let base = match explicit {
            Some(id) if ids::is_xml_id(id) => id.to_owned(),
            Some(id) => {
                let fixed = ids::xml_safe(&ids::heading_slug(id), "h-");
                self.warn(
                    line,
                    format!("heading id `{id}` is not a valid XML id; using `{fixed}`"),
                    "ids start with a letter or `_` and contain no spaces",
                );
                fixed
            }
            None => {
                let slug = ids::heading_slug(&plain_text(content));
                if slug.is_empty() {
                    format!("h-{}", self.headings)
                } else {
                    ids::xml_safe(&slug, "h-")
                }
            }
        };
        let id = ids::unique(&base, &mut self.heading_ids);
        if explicit.is_some() && id != base {
            self.warn(
                line,
                format!(
                    "heading id `{base}` is used twice in this article; this one becomes `{id}`"
                ),
                "give each heading a different {#id}",
            );
        }
        id
    }

    fn list_items(&mut self) -> Vec<ListItem> {
        let mut items = Vec::new();
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::Item) => {
                    let outer = self.task.take();
                    let blocks = self.blocks();
                    let task = std::mem::replace(&mut self.task, outer);
                    items.push(ListItem { task, blocks });
                }
                Event::End(_) => break,
                _ => {}
            }
        }
        items
    }

    fn table(&mut self, align: &[Alignment], pos: SourcePos) -> Block {
        let mut head = Vec::new();
        let mut rows = Vec::new();
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::TableHead) => head = self.table_cells(),
                Event::Start(Tag::TableRow) => rows.push(self.table_cells()),
                Event::End(_) => break,
                _ => {}
            }
        }
        // GFM pads short rows and drops extra cells; make sure every row has one cell per
        // column whatever the parser did.
        let columns = align.len();
        head.resize_with(columns, Vec::new);
        for row in &mut rows {
            row.resize_with(columns, Vec::new);
        }
        let align = align
            .iter()
            .map(|a| match a {
                Alignment::None => Align::None,
                Alignment::Left => Align::Left,
                Alignment::Center => Align::Center,
                Alignment::Right => Align::Right,
            })
            .collect();
        Block::Table {
            align,
            head,
            rows,
            pos,
        }
    }

    fn table_cells(&mut self) -> Vec<Vec<Inline>> {
        let mut cells = Vec::new();
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::Start(Tag::TableCell) => {
                    let line = self.line(range.start);
                    let nodes = self.inlines(false);
                    let mut cell = self.no_images(nodes, "a table cell", line);
                    trim_edges(&mut cell);
                    cells.push(cell);
                }
                Event::End(_) => break,
                _ => {}
            }
        }
        cells
    }

    fn footnote_definition(&mut self, label: &str, pos: SourcePos) {
        let outer_task = self.task.take();
        let blocks = self.blocks();
        self.task = outer_task;
        let key = label_key(label);
        if self.definitions.contains_key(&key) {
            self.warn(
                pos.line,
                format!("footnote `[^{label}]` is defined twice; the first definition is used"),
                "remove or rename one of the definitions",
            );
            return;
        }
        self.definitions
            .insert(key, (label.to_owned(), pos, blocks));
    }

    /// Footnotes in order of first reference; warns about definitions nobody references.
    fn finish_footnotes(&mut self) -> Vec<Footnote> {
        let mut numbered: Vec<(&String, &u32)> = self.numbers.iter().collect();
        numbered.sort_by_key(|&(_, n)| *n);
        let mut footnotes = Vec::with_capacity(numbered.len());
        for (key, &number) in numbered {
            let (label, pos, blocks) = self.definitions.remove(key).unwrap_or_else(|| {
                // A reference whose definition was inside something we skip: keep the
                // numbering dense anyway.
                (key.clone(), self.at_line(1), Vec::new())
            });
            footnotes.push(Footnote {
                label,
                number,
                blocks,
                pos,
            });
        }
        let mut unused: Vec<_> = self.definitions.drain().map(|(_, v)| v).collect();
        unused.sort_by_key(|(_, pos, _)| pos.line);
        for (label, pos, _) in unused {
            self.diags.push(
                Diagnostic::warning(format!(
                    "footnote `[^{label}]` is never referenced; it is left out"
                ))
                .at(&pos)
                .with_help(format!(
                    "refer to it in the text as [^{label}], or delete it"
                )),
            );
        }
        footnotes
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Inline::*;

    /// Converts `md` as the body of `articles/t.md` in a temporary content folder.
    pub(crate) fn convert(md: &str) -> (Body, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("articles")).unwrap();
        let roots = Roots::new(dir.path()).unwrap();
        convert_in(md, &roots, 0)
    }

    pub(crate) fn convert_in(md: &str, roots: &Roots, line_offset: u32) -> (Body, Vec<Diagnostic>) {
        let md_dir = roots.abs.join("articles");
        let lang = Lang("zh-CN".to_owned());
        let input = BodyInput {
            text: md,
            line_offset,
            file: Arc::from("articles/t.md"),
            md_dir: &md_dir,
            roots,
            lang: &lang,
        };
        let mut diags = Vec::new();
        let body = parse_body(&input, &mut diags);
        (body, diags)
    }

    /// The inlines of the first paragraph of `md`.
    pub(crate) fn para(md: &str) -> Vec<Inline> {
        let (body, _) = convert(md);
        match body.blocks.into_iter().next() {
            Some(Block::Paragraph { content, .. }) => content,
            other => panic!("expected a paragraph, got {other:?}"),
        }
    }

    fn t(s: &str) -> Inline {
        Text(s.to_owned())
    }

    #[test]
    fn basic_inlines_are_merged() {
        assert_eq!(
            para("a *b* **c** ~~d~~ `e` [f](http://x) <https://y>\\\ng"),
            vec![
                t("a "),
                Emph(vec![t("b")]),
                t(" "),
                Strong(vec![t("c")]),
                t(" "),
                Strike(vec![t("d")]),
                t(" "),
                Code("e".into()),
                t(" "),
                Link {
                    url: "http://x".into(),
                    content: vec![t("f")]
                },
                t(" "),
                Link {
                    url: "https://y".into(),
                    content: vec![t("https://y")]
                },
                LineBreak,
                t("g"),
            ]
        );
        assert_eq!(
            para("<a@b.cn>"),
            vec![Link {
                url: "mailto:a@b.cn".into(),
                content: vec![t("a@b.cn")]
            }]
        );
        // Entities and escapes come out as one text.
        assert_eq!(para("a &amp; \\* b"), vec![t("a & * b")]);
    }

    #[test]
    fn block_positions_are_absolute_lines() {
        let (body, _) = convert_in(
            "\n# Title\n\ntext\n\n> quote\n\n---\n",
            &Roots::new(tempfile::tempdir().unwrap().path()).unwrap(),
            6,
        );
        let lines: Vec<u32> = body.blocks.iter().map(|b| b.pos().line).collect();
        assert_eq!(lines, [8, 10, 12, 14]);
        assert!(
            body.blocks
                .iter()
                .all(|b| &*b.pos().file == "articles/t.md")
        );
    }

    #[test]
    fn headings_get_unique_valid_ids() {
        let (body, diags) = convert(
            "# 典礼现场\n\n## 典礼现场\n\n## How to book {#how-to-book}\n\n## 2023 年\n\n## ？！\n\n## X {#how-to-book}\n\n## Y {#1bad}\n",
        );
        let ids: Vec<(u8, String)> = body
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, id, .. } => Some((*level, id.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            ids,
            [
                (1, "典礼现场".to_owned()),
                (2, "典礼现场-2".to_owned()),
                (2, "how-to-book".to_owned()),
                (2, "h-2023-年".to_owned()),
                (2, "h-5".to_owned()),
                (2, "how-to-book-2".to_owned()),
                (2, "h-1bad".to_owned()),
            ]
        );
        assert_eq!(diags.len(), 2, "{diags:?}");
        for (_, id) in &ids {
            assert!(ids::is_xml_id(id), "{id}");
        }
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference() {
        let md = "A[^b] B[^a] C[^b] D[^missing].\n\n[^a]: Note A.\n[^b]: Note B.\n[^unused]: Never used.\n";
        let (body, diags) = convert(md);
        let Block::Paragraph { content, .. } = &body.blocks[0] else {
            panic!("{:?}", body.blocks)
        };
        assert_eq!(
            content,
            &vec![
                t("A"),
                FootnoteRef { number: 1 },
                t(" B"),
                FootnoteRef { number: 2 },
                t(" C"),
                FootnoteRef { number: 1 },
                t(" D[^missing]."),
            ]
        );
        assert_eq!(body.blocks.len(), 1, "definitions are not blocks");
        let labels: Vec<(&str, u32, u32)> = body
            .footnotes
            .iter()
            .map(|f| (f.label.as_str(), f.number, f.pos.line))
            .collect();
        assert_eq!(labels, [("b", 1, 4), ("a", 2, 3)]);
        let Block::Paragraph { content, .. } = &body.footnotes[0].blocks[0] else {
            panic!()
        };
        assert_eq!(content, &vec![t("Note B.")]);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("[^missing]") && diags[0].line == Some(1));
        assert!(diags[1].message.contains("[^unused]") && diags[1].line == Some(5));
        assert!(diags.iter().all(|d| !d.is_error()));
    }

    #[test]
    fn escaped_footnote_syntax_is_not_reported() {
        let (_, diags) = convert("Literal \\[^x] here.\n");
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn code_blocks_are_verbatim() {
        let (body, _) = convert("```sh title=x\nquota -s\n**不是强调**\n\n```\n\n    indented\n");
        let Block::Code { lang, text, .. } = &body.blocks[0] else {
            panic!()
        };
        assert_eq!(lang.as_deref(), Some("sh"));
        assert_eq!(text, "quota -s\n**不是强调**\n");
        let Block::Code { lang, text, .. } = &body.blocks[1] else {
            panic!()
        };
        assert_eq!((lang, text.as_str()), (&None, "indented"));
    }

    #[test]
    fn html_safe_subset_is_rendered() {
        let (body, diags) = convert(
            "H<sub>2</sub>O x<sup>2</sup> <u>要点</u> <kbd>Ctrl</kbd> a<br>b <font color=red>红</font> <span>s</span>\n\n<div>\nhi\n</div>\n\n<!-- note -->\n\nd <!-- c --> e <a href=\"javascript:alert(1)\" onclick=\"x()\">link</a>\n",
        );
        let Block::Paragraph { content, .. } = &body.blocks[0] else {
            panic!()
        };
        use crate::model::Styled;
        assert_eq!(
            content,
            &vec![
                t("H"),
                Styled(Styled::Subscript, vec![t("2")]),
                t("O x"),
                Styled(Styled::Superscript, vec![t("2")]),
                t(" "),
                Styled(Styled::Underline, vec![t("要点")]),
                t(" "),
                Styled(Styled::Keyboard, vec![t("Ctrl")]),
                t(" a"),
                LineBreak,
                t("b 红 s"),
            ]
        );
        let Block::Paragraph { content, .. } = &body.blocks[1] else {
            panic!()
        };
        assert_eq!(content, &vec![t("hi")]);
        let Block::Paragraph { content, .. } = &body.blocks[2] else {
            panic!()
        };
        assert_eq!(content, &vec![t("d  e link")]);
        assert_eq!(body.blocks.len(), 3, "{:?}", body.blocks);
        // One warning, for <font>, with its line.
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("<font>") && diags[0].line == Some(1));
    }

    #[test]
    fn html_blocks_span_markdown() {
        let (body, diags) = convert(
            "<div align=\"center\">\n\n**居中**\n\n</div>\n\n<details>\n<summary>更多</summary>\n\n内容\n\n</details>\n\n<p align=center>短 <b>句</b></p>\n\n<!-- pagebreak -->\n\n\\newpage\n\n<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>\n\n<script>alert('x<y')</script>\n\nafter\n",
        );
        let kinds: Vec<String> = body
            .blocks
            .iter()
            .map(|b| match b {
                Block::Centered { blocks, .. } => format!("C{}", blocks.len()),
                Block::Aside { title, blocks, .. } => {
                    format!("A:{}:{}", plain_text(title), blocks.len())
                }
                Block::PageBreak { .. } => "B".into(),
                Block::Table { rows, head, .. } => format!("T{}x{}", head.len(), rows.len()),
                Block::Paragraph { content, .. } => format!("P:{}", plain_text(content)),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds, ["C1", "A:更多:1", "C1", "B", "B", "T2x1", "P:after"]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("<script>"));
    }

    #[test]
    fn alerts_and_definitions() {
        let (body, diags) = convert("> [!NOTE]\n> 请注意。\n\n术语\n: 定义一\n: 定义二\n");
        assert!(diags.is_empty(), "{diags:?}");
        let Block::Aside {
            kind,
            title,
            blocks,
            ..
        } = &body.blocks[0]
        else {
            panic!("{:?}", body.blocks)
        };
        assert_eq!(
            (*kind, plain_text(title).as_str(), blocks.len()),
            (AsideKind::Note, "注意", 1)
        );
        let Block::Definitions { items, .. } = &body.blocks[1] else {
            panic!("{:?}", body.blocks)
        };
        assert_eq!(plain_text(&items[0].term), "术语");
        assert_eq!(items[0].details.len(), 2);
    }

    #[test]
    fn lists_and_tasks() {
        let (body, _) = convert(
            "- [x] done\n- [ ] todo\n  - nested\n- plain\n\n3. three\n4. four\n\n- [x] loose\n\n  more\n",
        );
        let Block::List { start, items, .. } = &body.blocks[0] else {
            panic!()
        };
        assert_eq!(*start, None);
        let tasks: Vec<_> = items.iter().map(|i| i.task).collect();
        assert_eq!(tasks, [Some(true), Some(false), None]);
        assert!(matches!(items[1].blocks[1], Block::List { .. }));
        let Block::List { items: nested, .. } = &items[1].blocks[1] else {
            panic!()
        };
        assert_eq!(nested[0].task, None);
        let Block::List { start, .. } = &body.blocks[1] else {
            panic!()
        };
        assert_eq!(*start, Some(3));
        let Block::List { items, .. } = &body.blocks[2] else {
            panic!()
        };
        assert_eq!(items[0].task, Some(true));
        assert_eq!(items[0].blocks.len(), 2);
    }

    #[test]
    fn hostile_nesting_is_flattened_not_a_stack_overflow() {
        let md = format!(
            "{} deep\n\n{}x{}\n\n{}x\n",
            ">".repeat(20_000),
            "*a ".repeat(5_000),
            " a*".repeat(5_000),
            "- ".repeat(3_000)
        );
        // Run on a small stack, as rayon workers have, to prove the depth is bounded.
        let (body, diags) = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || convert(&md))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(body.blocks.len(), 3);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("nesting"));
    }

    #[test]
    fn hostile_html_nesting_is_bounded() {
        let md = format!(
            "{}deep\n\n<p>{}x\n",
            "<div>\n\n".repeat(5_000),
            "<span><b>".repeat(5_000)
        );
        let (body, _) = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || convert(&md))
            .unwrap()
            .join()
            .unwrap();
        let text = format!("{:?}", body.blocks);
        assert!(text.contains("deep") && text.contains('x'));
    }

    /// Random soups of Markdown syntax, CJK and punctuation must never panic.
    #[test]
    fn random_input_never_panics() {
        const PIECES: &[&str] = &[
            "*",
            "**",
            "_",
            "__",
            "~~",
            "~",
            "`",
            "```",
            "\\",
            "\n",
            "\n\n",
            " ",
            "“",
            "”",
            "中",
            "文",
            "，",
            "。",
            "a",
            "1",
            "[",
            "]",
            "(",
            ")",
            "![",
            "](",
            "<",
            ">",
            "#",
            "- ",
            "1. ",
            "> ",
            "|",
            "---",
            "[^",
            "]:",
            "{#",
            "}",
            "&amp;",
            "<!--",
            "-->",
            "%20",
            "<u>",
            "</u>",
            "<div>",
            "</div>",
            "<details>",
            "<br>",
            "<sub>",
            "<!-- pagebreak -->",
            "<script>",
            "</script>",
            "\u{2E4E}",
            "\u{FE00}",
            "한",
            "\t",
            "    ",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..400 {
            let len = (next() % 60) as usize;
            let md: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let (body, _) = convert(&md);
            let dump = format!("{body:?}");
            assert!(
                !dump.contains(cjk::SENTINEL) || md.contains(cjk::SENTINEL),
                "{md:?}"
            );
        }
    }

    #[test]
    fn images_in_headings_become_alt_text() {
        let (body, diags) = convert("## Logo ![校徽](x.png) here\n");
        let Block::Heading { content, id, .. } = &body.blocks[0] else {
            panic!()
        };
        assert_eq!(content, &vec![t("Logo 校徽 here")]);
        assert_eq!(id, "logo-校徽-here");
        assert_eq!(diags.len(), 1);
        assert!(!diags[0].is_error());
    }

    #[test]
    fn tables() {
        let (body, _) = convert("| Room | Seats |\n|:-----|------:|\n| A | 24 |\n| B |\n");
        let Block::Table {
            align, head, rows, ..
        } = &body.blocks[0]
        else {
            panic!()
        };
        assert_eq!(align, &[Align::Left, Align::Right]);
        assert_eq!(head, &vec![vec![t("Room")], vec![t("Seats")]]);
        assert_eq!(rows[0], vec![vec![t("A")], vec![t("24")]]);
        assert_eq!(rows[1], vec![vec![t("B")], vec![]]);
    }
    /// `{.decorative}` after a picture marks it and never prints; `role="presentation"`
    /// with an empty alt does the same in HTML; anything else stays an ordinary picture.
    #[test]
    fn decorative_pictures() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("articles")).unwrap();
        std::fs::write(dir.path().join("articles/x.png"), "x").unwrap();
        let roots = Roots::new(dir.path()).unwrap();
        let md = "![](x.png){.decorative}\n\n\
                  ![](x.png){.decorative} after\n\n\
                  ![](x.png)\n\n\
                  <img src=\"x.png\" alt=\"\" role=\"presentation\">\n\n\
                  ![Gate](x.png){.decorative}\n\n\
                  ![](x.png){.shiny #id k=v}\n\n\
                  ![](x.png) {.decorative}\n";
        let (body, diags) = convert_in(md, &roots, 0);
        let shape: Vec<String> = body
            .blocks
            .iter()
            .map(|b| match b {
                Block::Figure { image, alt, pos } => {
                    format!("{}:{alt}:{}", pos.line, image.decorative)
                }
                Block::Paragraph { content, pos } => {
                    format!("{}:P:{}", pos.line, plain_text(content))
                }
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "1::true",
                "3::true",
                "3:P:after",
                "5::false",
                "7::true",
                "9:Gate:false",
                "11::false",
                "13::false",
                "13:P:{.decorative}",
            ]
        );
        let messages: Vec<String> = diags
            .iter()
            .map(|d| format!("{}:{}", d.line.unwrap_or(0), d.message))
            .collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].starts_with("9:") && messages[0].contains("has alt text"));
        assert!(
            messages[1].starts_with("11:") && messages[1].contains("`.shiny #id k=v`"),
            "{messages:#?}"
        );
    }
}
