//! The document model: the one contract between reading the input and writing any output.
//!
//! Everything here is plain data. The Markdown reader produces it; the PDF layout and the EPUB
//! writer consume it, and neither of them ever sees Markdown. Every block keeps the file and
//! line it came from so that later stages (font coverage, images) can report problems in terms
//! the author can act on.

use std::path::PathBuf;
use std::sync::Arc;

/// Where something came from: a file (relative to the content folder, for display) and a
/// 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourcePos {
    pub file: Arc<str>,
    pub line: u32,
}

impl std::fmt::Display for SourcePos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A BCP 47 language tag such as `zh-CN` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lang(pub String);

impl Lang {
    /// Chinese, Japanese and Korean text is set with CJK conventions (first-line indent, no
    /// spaces at soft breaks).
    pub fn is_cjk(&self) -> bool {
        let primary = self.0.split(['-', '_']).next().unwrap_or("");
        matches!(primary.to_ascii_lowercase().as_str(), "zh" | "ja" | "ko")
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The whole bulletin, in reading order.
#[derive(Debug, Clone)]
pub struct Document {
    pub meta: Meta,
    pub articles: Vec<Article>,
}

/// Bulletin-level metadata (from `bulletin.toml`).
#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub volume: Option<u32>,
    pub issue: Option<u32>,
    /// The running issue number since the first (总第 M 期), beside `issue` in a year.
    pub total_issue: Option<u32>,
    /// ISO date `YYYY-MM-DD`, as written.
    pub date: Option<String>,
    pub lang: Lang,
    pub publisher: Option<String>,
    pub editor: Option<String>,
    pub authors: Vec<String>,
    /// The publication a single article comes from (its bulletin's title), when the
    /// document is one article and `title` is the article's: the `article` template's
    /// compact head names it.
    pub publication: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Article {
    /// A stable, unique, file-name-safe identifier derived from the source file name
    /// (`a-01-mid-year-work-meeting`: an XML id must start with a letter). Used for anchors
    /// and EPUB file names.
    pub id: String,
    /// The Markdown file, relative to the content folder.
    pub source: Arc<str>,
    pub title: String,
    pub subtitle: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub lang: Lang,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub blocks: Vec<Block>,
    /// In order of first reference; `Inline::FootnoteRef::number` indexes this from 1.
    pub footnotes: Vec<Footnote>,
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub label: String,
    /// 1-based, in order of first reference within the article.
    pub number: u32,
    pub blocks: Vec<Block>,
    pub pos: SourcePos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading {
        /// 1..=6 as in Markdown; the article title is not a heading block.
        level: u8,
        /// Unique within the article (explicit `{#id}` or derived from the text).
        id: String,
        content: Vec<Inline>,
        pos: SourcePos,
    },
    Paragraph {
        content: Vec<Inline>,
        pos: SourcePos,
    },
    List {
        /// `Some(start)` for an ordered list.
        start: Option<u64>,
        items: Vec<ListItem>,
        pos: SourcePos,
    },
    Quote {
        blocks: Vec<Block>,
        pos: SourcePos,
    },
    Code {
        lang: Option<String>,
        text: String,
        pos: SourcePos,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        pos: SourcePos,
    },
    Rule {
        pos: SourcePos,
    },
    /// A picture on its own: scaled to the text width, alt text as the caption.
    Figure {
        image: ImageRef,
        alt: String,
        pos: SourcePos,
    },
    /// A titled box: a GitHub alert (`> [!NOTE]`) or an HTML `<details>` (printed open).
    /// The title is decided by the reader (the alert label in the article's language, or the
    /// `<summary>`), so both writers only paint it.
    Aside {
        kind: AsideKind,
        title: Vec<Inline>,
        blocks: Vec<Block>,
        pos: SourcePos,
    },
    /// Blocks set centred (`<center>`, `<div align="center">`, `<p align="center">`).
    Centered {
        blocks: Vec<Block>,
        pos: SourcePos,
    },
    /// A definition list: terms, each with one or more definitions.
    Definitions {
        items: Vec<Definition>,
        pos: SourcePos,
    },
    /// A forced page break (`<!-- pagebreak -->`, `\newpage`); the PDF starts a new page,
    /// the EPUB (reflowable) ignores it.
    PageBreak {
        pos: SourcePos,
    },
}

/// What a titled box is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsideKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
    /// `<details>`/`<summary>`.
    Details,
}

impl AsideKind {
    /// The lower-case name, used as the EPUB class and in messages.
    pub fn name(self) -> &'static str {
        match self {
            AsideKind::Note => "note",
            AsideKind::Tip => "tip",
            AsideKind::Important => "important",
            AsideKind::Warning => "warning",
            AsideKind::Caution => "caution",
            AsideKind::Details => "details",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub term: Vec<Inline>,
    pub details: Vec<Vec<Block>>,
}

impl Block {
    /// The block sequences directly inside this block (list items, quote, box, definitions),
    /// for walkers that look for figures or headings anywhere.
    pub fn children(&self) -> Vec<&[Block]> {
        match self {
            Block::List { items, .. } => items.iter().map(|i| i.blocks.as_slice()).collect(),
            Block::Quote { blocks, .. }
            | Block::Aside { blocks, .. }
            | Block::Centered { blocks, .. } => vec![blocks.as_slice()],
            Block::Definitions { items, .. } => items
                .iter()
                .flat_map(|d| d.details.iter().map(Vec::as_slice))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn pos(&self) -> &SourcePos {
        match self {
            Block::Heading { pos, .. }
            | Block::Paragraph { pos, .. }
            | Block::List { pos, .. }
            | Block::Quote { pos, .. }
            | Block::Code { pos, .. }
            | Block::Table { pos, .. }
            | Block::Rule { pos }
            | Block::Figure { pos, .. }
            | Block::Aside { pos, .. }
            | Block::Centered { pos, .. }
            | Block::Definitions { pos, .. }
            | Block::PageBreak { pos } => pos,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ListItem {
    /// `Some(checked)` for a GFM task-list item.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Code(String),
    Link {
        url: String,
        content: Vec<Inline>,
    },
    /// A reference to `Article::footnotes[number - 1]`.
    FootnoteRef {
        number: u32,
    },
    /// A hard line break.
    LineBreak,
    /// Text in a look of its own (from inline HTML: `<u>`, `<sub>`, `<kbd>`, …).
    Styled(Styled, Vec<Inline>),
}

/// The looks of [`Inline::Styled`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Styled {
    Underline,
    Subscript,
    Superscript,
    Keyboard,
    Mark,
    Small,
    /// An abbreviation with its expansion (shown by the EPUB, not printed).
    Abbr(String),
}

/// An image file named by the input, already resolved and checked to lie inside the content
/// folder. Its bytes are read by the resolve stage, not here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageRef {
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Path relative to the content folder with `/` separators, for messages and as a
    /// stable key.
    pub key: String,
    /// The width the author asked for (`<img width="120">`), in CSS pixels (1/96 inch): the
    /// picture is shown no wider than this.
    pub width: Option<u32>,
    /// The height asked for (`<img height="80">`), in CSS pixels: the picture is shown no
    /// taller than this. With both, it fits inside both and keeps its shape.
    pub height: Option<u32>,
    /// Decorative, as the author said (`![](x.jpg){.decorative}`, or `<img alt=""
    /// role="presentation">`): no text alternative is wanted; the EPUB hides it from
    /// assistive technology and the tagged PDF makes it an artifact.
    pub decorative: bool,
    /// `{.bleed}`: printed edge to edge across the page and into the bleed.
    pub bleed: bool,
}

impl ImageRef {
    /// The width, in CSS pixels, that `<img width height>` asks for a `w` × `h` pixel picture.
    pub fn asked_width(&self, w: u32, h: u32) -> Option<f32> {
        let by_height = self.height.map(|y| y as f32 * w as f32 / h.max(1) as f32);
        match (self.width.map(|x| x as f32), by_height) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Concatenates the plain text of inlines (for outlines, alt text, ids, search).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Styled(_, c) => {
                push_plain(c, out)
            }
            Inline::Link { content, .. } => push_plain(content, out),
            Inline::FootnoteRef { .. } => {}
            Inline::LineBreak => out.push(' '),
        }
    }
}

impl Document {
    /// Every character the document's text uses (for font coverage and subsetting).
    pub fn used_chars(&self) -> std::collections::BTreeSet<char> {
        let mut set = std::collections::BTreeSet::new();
        let m = &self.meta;
        let meta_strings = [&m.title]
            .into_iter()
            .chain(m.subtitle.as_ref())
            .chain(m.date.as_ref())
            .chain(m.publisher.as_ref())
            .chain(m.editor.as_ref())
            .chain(m.authors.iter())
            .chain(m.publication.as_ref());
        for s in meta_strings {
            set.extend(s.chars());
        }
        for a in &self.articles {
            let strings = [&a.title]
                .into_iter()
                .chain(a.subtitle.as_ref())
                .chain(a.date.as_ref())
                .chain(a.author.as_ref());
            for s in strings {
                set.extend(s.chars());
            }
            blocks_chars(&a.blocks, &mut set);
            for n in &a.footnotes {
                blocks_chars(&n.blocks, &mut set);
            }
        }
        set
    }
}

fn blocks_chars(blocks: &[Block], set: &mut std::collections::BTreeSet<char>) {
    for b in blocks {
        match b {
            Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                set.extend(plain_text(content).chars())
            }
            Block::List { items, .. } => {
                for i in items {
                    blocks_chars(&i.blocks, set);
                }
            }
            Block::Quote { blocks, .. } => blocks_chars(blocks, set),
            Block::Code { text, .. } => set.extend(text.chars()),
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    set.extend(plain_text(cell).chars());
                }
            }
            Block::Rule { .. } | Block::PageBreak { .. } => {}
            Block::Figure { alt, .. } => set.extend(alt.chars()),
            Block::Aside { title, blocks, .. } => {
                set.extend(plain_text(title).chars());
                blocks_chars(blocks, set);
            }
            Block::Centered { blocks, .. } => blocks_chars(blocks, set),
            Block::Definitions { items, .. } => {
                for d in items {
                    set.extend(plain_text(&d.term).chars());
                    for b in &d.details {
                        blocks_chars(b, set);
                    }
                }
            }
        }
    }
}
