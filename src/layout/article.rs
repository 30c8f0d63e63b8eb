//! An article's blocks into fragments at a given text width.

use crate::assets::fonts::FontBook;
use crate::assets::images::ImageSet;
use crate::diagnostics::Diagnostic;
use crate::labels::Labels;
use crate::model::{Article, Block, Definition, ImageRef, Inline, ListItem, SourcePos, plain_text};
use crate::text::script::is_cjk;
use crate::theme::{TextStyle, Theme};

use super::flow::{Anchor, Fragment};
use super::inline::{InlineContext, SpanStyle, StyledText, footnote_anchor, push_inlines};
use super::page::Item;
use super::paragraph::{Align, Line, ParagraphStyle, set_paragraph};
use super::table;
use super::tags::{Role, TagIds, TagNode, TagSpan, path_with};

/// A character no font has, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Missing {
    pub ch: char,
    pub pos: SourcePos,
}

pub struct ArticleLayout<'a> {
    pub book: &'a FontBook,
    pub theme: &'a Theme,
    pub images: &'a ImageSet,
    /// Text block width and height.
    pub width: f32,
    pub height: f32,
    pub(crate) lang: String,
    pub(crate) prefix: String,
    pub missing: Vec<Missing>,
    /// Structure element ids for the tagged PDF.
    pub(crate) tags: TagIds,
    /// The containers (article, list, item, quote …) around the block being laid out.
    tag_stack: Vec<TagNode>,
    /// The article's language, when it differs from the bulletin's.
    pub(crate) article_lang: Option<String>,
    /// The article's highest Markdown heading level: it becomes H2 under the title's H1.
    top_heading: u8,
    /// Limits the layout met (deep nesting, wide tables), with file and line.
    pub warnings: Vec<Diagnostic>,
    /// Deep nesting is warned about once per article.
    deep_warned: bool,
    /// How the title, subtitle and byline are aligned (the template's choice).
    pub title_align: Align,
    /// With several columns, `width` is a column's and the head spans this width.
    pub head_width: Option<f32>,
    /// Notes at the foot of the page where they are referenced, not at the article end.
    pub foot_notes: bool,
    /// Notes already set at a page foot.
    attached: std::collections::BTreeSet<u32>,
    /// The page's width and the print bleed, in points, for `{.bleed}` pictures (a page
    /// width of 0: such pictures are set in the text block).
    pub page_width: f32,
    pub bleed: f32,
}

/// Indentation stops growing where it would leave less than this many ems of measure:
/// deeper quotes and lists are set at the same indent rather than off the page.
const MIN_MEASURE_EM: f32 = 12.0;

/// Anchor name of an article's start.
pub fn article_anchor(article: &Article) -> String {
    format!("{}:", article.id)
}

impl<'a> ArticleLayout<'a> {
    pub fn new(
        book: &'a FontBook,
        theme: &'a Theme,
        images: &'a ImageSet,
        width: f32,
        height: f32,
        article: &Article,
    ) -> Self {
        ArticleLayout {
            book,
            theme,
            images,
            width,
            height,
            lang: article.lang.as_str().to_owned(),
            prefix: article_anchor(article),
            missing: Vec::new(),
            tags: TagIds::default(),
            tag_stack: Vec::new(),
            article_lang: None,
            top_heading: top_heading(&article.blocks),
            warnings: Vec::new(),
            deep_warned: false,
            title_align: Align::Left,
            head_width: None,
            foot_notes: false,
            attached: Default::default(),
            page_width: 0.0,
            bleed: 0.0,
        }
    }

    /// The current containers followed by `leaf`.
    pub(crate) fn tag_path(&self, leaf: &[TagNode]) -> std::sync::Arc<[TagNode]> {
        self.tag_stack.iter().chain(leaf).cloned().collect()
    }

    /// Marks every item of the fragments not marked yet as content of a new `role`
    /// element inside the current containers.
    fn tag_leaf(&mut self, frags: &mut [Fragment], role: Role) {
        let path = path_with(&self.tag_stack, self.tags.node(role));
        for f in frags
            .iter_mut()
            .filter(|f| f.tags.is_empty() && !f.items.is_empty())
        {
            f.tags.push(TagSpan {
                items: 0..f.items.len(),
                path: path.clone(),
            });
        }
    }

    /// Runs `f` inside a new container element.
    fn in_container<R>(&mut self, role: Role, f: impl FnOnce(&mut Self) -> R) -> R {
        let node = self.tags.node(role);
        self.tag_stack.push(node);
        let r = f(self);
        self.tag_stack.pop();
        r
    }

    pub fn article(&mut self, article: &Article) -> Vec<Fragment> {
        let mut sect = self.tags.node(Role::Sect);
        sect.lang = self.article_lang.clone();
        self.tag_stack = vec![sect];
        let mut out = self.article_body(article);
        self.tag_stack.clear();
        let notes: std::collections::HashSet<String> = article
            .footnotes
            .iter()
            .map(|n| footnote_anchor(&self.prefix, n.number))
            .collect();
        super::tags::mark_links(&mut out, &mut self.tags, &|name| notes.contains(name));
        out
    }

    fn article_body(&mut self, article: &Article) -> Vec<Fragment> {
        let mut out = Vec::new();
        let t = self.theme;
        // With columns, the head is set across all of them.
        let column_width = self.width;
        if let Some(w) = self.head_width {
            self.width = w;
        }
        let pos = SourcePos {
            file: article.source.clone(),
            line: 1,
        };
        let mut title = self.text_block(
            &StyledText::plain(&article.title, &t.article_title),
            &t.article_title,
            0.0,
            self.title_align,
            &pos,
        );
        if let Some(first) = title.first_mut() {
            first.anchors.push(Anchor {
                name: self.prefix.clone(),
                outline: Some((article.title.clone(), 0)),
            });
        }
        chain(&mut title);
        self.tag_leaf(&mut title, Role::H(1, article.title.clone()));
        out.extend(title);
        if let Some(sub) = &article.subtitle {
            let mut f = self.text_block(
                &StyledText::plain(sub, &t.article_subtitle),
                &t.article_subtitle,
                0.0,
                self.title_align,
                &pos,
            );
            chain(&mut f);
            set_gap(&mut f, 0.2 * t.body.size);
            self.tag_leaf(&mut f, Role::P);
            out.extend(f);
        }
        let date = article
            .date
            .as_deref()
            .map(|d| crate::timestamp::display_date(d, article.lang.is_cjk()));
        let byline: Vec<&str> = [date.as_deref(), article.author.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !byline.is_empty() {
            let mut f = self.text_block(
                &StyledText::plain(&byline.join("　"), &t.byline),
                &t.byline,
                0.0,
                self.title_align,
                &pos,
            );
            chain(&mut f);
            set_gap(&mut f, 0.3 * t.body.size);
            self.tag_leaf(&mut f, Role::P);
            out.extend(f);
        }
        out.push(Fragment {
            height: 0.9 * t.body.size,
            items: vec![Item::Line {
                x0: 0.0,
                y0: 0.4 * t.body.size,
                x1: self.width,
                y1: 0.4 * t.body.size,
                width: 0.8,
                color: t.accent,
            }],
            gap_before: 0.3 * t.body.size,
            ..Default::default()
        });
        // The head never ends a page without the text after it.
        for f in &mut out {
            f.keep_with_next = true;
            f.span = self.head_width.is_some();
        }
        self.width = column_width;
        for (i, block) in article.blocks.iter().enumerate() {
            let start = out.len();
            self.block(block, 0.0, &mut out);
            let mut offset = 0;
            for f in &mut out[start..] {
                f.source = Some((0, i));
                f.block_offset = offset;
                offset += fragment_text(f)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .count();
            }
        }
        if self.foot_notes {
            self.attach_notes(article, &mut out);
        }
        if !article.footnotes.is_empty() {
            self.footnotes(article, &mut out);
        }
        out
    }

    fn blocks(&mut self, blocks: &[Block], indent: f32, out: &mut Vec<Fragment>) {
        for block in blocks {
            self.block(block, indent, out);
        }
    }

    fn block(&mut self, block: &Block, indent: f32, out: &mut Vec<Fragment>) {
        let start = out.len();
        match block {
            Block::List { start: n, .. } => self.in_container(Role::L(n.is_some()), |l| {
                l.block_untagged(block, indent, out)
            }),
            Block::Quote { .. } => {
                self.in_container(Role::BlockQuote, |l| l.block_untagged(block, indent, out))
            }
            Block::Table { .. } => {
                self.in_container(Role::Table, |l| l.block_untagged(block, indent, out))
            }
            // Boxes and centred blocks group their text; what their inner blocks did not
            // tag themselves (box titles, terms, plain lines) is one paragraph of the group.
            Block::Aside { .. } | Block::Centered { .. } | Block::Definitions { .. } => self
                .in_container(Role::Div, |l| {
                    let inner = out.len();
                    l.block_untagged(block, indent, out);
                    l.tag_leaf(&mut out[inner..], Role::P);
                }),
            _ => self.block_untagged(block, indent, out),
        }
        let role = match block {
            Block::Heading { level, content, .. } => {
                let level = (*level).clamp(1, 6).saturating_sub(self.top_heading) + 2;
                Role::H(level.min(6), plain_text(content))
            }
            Block::Code { .. } => Role::Code,
            // Rules are decoration; containers tagged their content already.
            Block::Rule { .. }
            | Block::List { .. }
            | Block::Quote { .. }
            | Block::Table { .. }
            | Block::Aside { .. }
            | Block::Centered { .. }
            | Block::Definitions { .. }
            | Block::PageBreak { .. } => {
                return;
            }
            Block::Paragraph { .. } | Block::Figure { .. } => Role::P,
        };
        self.tag_leaf(&mut out[start..], role);
    }

    fn block_untagged(&mut self, block: &Block, indent: f32, out: &mut Vec<Fragment>) {
        let t = self.theme;
        let gap = t.paragraph_gap * t.body.size;
        match block {
            Block::Heading {
                level,
                id,
                content,
                pos,
            } => {
                let style = &t.headings[(*level as usize).saturating_sub(1).min(3)];
                let mut text = self.styled(content, style);
                strip_links(&mut text);
                let mut frags = self.text_block(&text, style, indent, Align::Left, pos);
                chain(&mut frags);
                if let Some(last) = frags.last_mut() {
                    last.keep_with_next = true;
                }
                set_gap(&mut frags, t.heading_above * t.body.size);
                if let Some(first) = frags.first_mut() {
                    first.anchors.push(Anchor {
                        name: format!("{}{id}", self.prefix),
                        outline: Some((plain_text(content), *level)),
                    });
                }
                out.extend(frags);
                out.push(Fragment {
                    height: t.heading_below * t.body.size,
                    keep_with_next: true,
                    ..Default::default()
                });
            }
            Block::Paragraph { content, pos } => {
                let text = self.styled(content, &t.body);
                let cjk_para =
                    crate::model::Lang(self.lang.clone()).is_cjk() || starts_cjk(content);
                let first_indent = if cjk_para {
                    t.cjk_indent * t.body.size
                } else {
                    0.0
                };
                let mut frags =
                    self.paragraph(&text, &t.body, indent, first_indent, Align::Justify, pos);
                set_gap(&mut frags, gap);
                out.extend(frags);
            }
            Block::List {
                start, items, pos, ..
            } => {
                for (n, item) in items.iter().enumerate() {
                    let marker = match (item.task, start) {
                        (Some(true), _) => "▣".to_owned(),
                        (Some(false), _) => "□".to_owned(),
                        (None, Some(s)) => format!("{}.", s + n as u64),
                        (None, None) => if indent > 0.0 { "◦" } else { "•" }.to_owned(),
                    };
                    self.in_container(Role::LI, |l| l.list_item(item, &marker, indent, pos, out));
                }
            }
            Block::Quote { blocks, pos } => {
                let inner = self.nest(indent, pos);
                let mut frags = Vec::new();
                self.blocks(blocks, inner, &mut frags);
                // Drawn one indent step left of the text: beyond the minimum measure the
                // bars of deeper levels coincide.
                let bar_x = inner - (t.block_indent - 0.6) * t.body.size;
                for (i, f) in frags.iter_mut().enumerate() {
                    let top = if i == 0 { 0.0 } else { -f.gap_before };
                    f.items.push(Item::Rect {
                        x: bar_x,
                        y: top,
                        width: 2.0,
                        height: f.height - top,
                        color: t.rule_color,
                    });
                }
                set_gap(&mut frags, gap);
                out.extend(frags);
            }
            Block::Code { text, pos, .. } => self.code(text, indent, pos, out),
            Block::Table {
                align,
                head,
                rows,
                pos,
            } => {
                let frags = table::table(self, align, head, rows, indent, pos);
                out.extend(frags);
            }
            Block::Rule { .. } => out.push(Fragment {
                height: t.body.size,
                gap_before: gap,
                items: vec![Item::Line {
                    x0: indent + self.width * 0.3,
                    y0: 0.5 * t.body.size,
                    x1: self.width * 0.7,
                    y1: 0.5 * t.body.size,
                    width: 0.6,
                    color: t.rule_color,
                }],
                ..Default::default()
            }),
            Block::Figure { image, alt, pos } => self.figure(image, alt, indent, pos, out),
            Block::Aside {
                title, blocks, pos, ..
            } => self.aside(title, blocks, indent, pos, out),
            Block::Centered { blocks, .. } => {
                for block in blocks {
                    match block {
                        Block::Paragraph { content, pos } => {
                            let text = self.styled(content, &t.body);
                            let mut frags =
                                self.paragraph(&text, &t.body, indent, 0.0, Align::Center, pos);
                            set_gap(&mut frags, gap);
                            out.extend(frags);
                        }
                        other => self.block(other, indent, out),
                    }
                }
            }
            Block::Definitions { items, pos } => self.definitions(items, indent, pos, out),
            Block::PageBreak { .. } => out.push(Fragment {
                page_break: true,
                ..Default::default()
            }),
        }
    }

    /// A titled box (alert or details): the title in bold sans, the content indented, a
    /// tinted ground and an accent bar down the left edge.
    fn aside(
        &mut self,
        title: &[Inline],
        blocks: &[Block],
        indent: f32,
        pos: &SourcePos,
        out: &mut Vec<Fragment>,
    ) {
        let t = self.theme;
        let pad = 0.6 * t.body.size;
        let inner = indent + pad + 0.4 * t.body.size;
        let mut title_style = t.headings[3].clone();
        title_style.color = t.accent;
        let mut text = self.styled(title, &title_style);
        strip_links(&mut text);
        let mut frags = vec![Fragment {
            height: pad,
            gap_before: t.paragraph_gap * t.body.size,
            keep_with_next: true,
            ..Default::default()
        }];
        let mut head = self.text_block(&text, &title_style, inner, Align::Left, pos);
        chain(&mut head);
        if let Some(last) = head.last_mut() {
            last.keep_with_next = true;
        }
        frags.extend(head);
        let mut body = Vec::new();
        for block in blocks {
            match block {
                // Box paragraphs are not indented: the box already sets them apart.
                Block::Paragraph { content, pos } => {
                    let text = self.styled(content, &t.body);
                    let mut f = self.paragraph(&text, &t.body, inner, 0.0, Align::Justify, pos);
                    set_gap(&mut f, 0.3 * t.body.size);
                    body.extend(f);
                }
                other => self.block(other, inner, &mut body),
            }
        }
        // The box's right edge stays inside the text block.
        frags.extend(body);
        frags.push(Fragment {
            height: pad,
            ..Default::default()
        });
        for (i, f) in frags.iter_mut().enumerate() {
            let top = if i == 0 { 0.0 } else { -f.gap_before };
            f.items.insert(
                0,
                Item::Rect {
                    x: indent,
                    y: top,
                    width: self.width - indent,
                    height: f.height - top,
                    color: t.code_background,
                },
            );
            f.items.insert(
                1,
                Item::Rect {
                    x: indent,
                    y: top,
                    width: 2.5,
                    height: f.height - top,
                    color: t.accent,
                },
            );
        }
        out.extend(frags);
    }

    /// Terms in bold, each definition indented under its term.
    fn definitions(
        &mut self,
        items: &[Definition],
        indent: f32,
        pos: &SourcePos,
        out: &mut Vec<Fragment>,
    ) {
        let t = self.theme;
        let inner = indent + t.block_indent * t.body.size;
        for item in items {
            let mut style = t.body.clone();
            style.font.bold = true;
            let text = self.styled(&item.term, &style);
            let mut term = self.text_block(&text, &style, indent, Align::Left, pos);
            chain(&mut term);
            if let Some(last) = term.last_mut() {
                last.keep_with_next = true;
            }
            set_gap(&mut term, t.paragraph_gap * t.body.size);
            out.extend(term);
            for detail in &item.details {
                for (i, block) in detail.iter().enumerate() {
                    match block {
                        Block::Paragraph { content, pos } => {
                            let text = self.styled(content, &t.body);
                            let mut f =
                                self.paragraph(&text, &t.body, inner, 0.0, Align::Justify, pos);
                            set_gap(
                                &mut f,
                                if i == 0 {
                                    0.15 * t.body.size
                                } else {
                                    0.4 * t.body.size
                                },
                            );
                            out.extend(f);
                        }
                        other => self.block(other, inner, out),
                    }
                }
            }
        }
    }

    /// The indent one level inside `indent`, unless that would leave less than the minimum
    /// measure: then the same indent, and a warning (once per article) naming the place.
    fn nest(&mut self, indent: f32, pos: &SourcePos) -> f32 {
        let t = self.theme;
        let wanted = indent + t.block_indent * t.body.size;
        let min_measure = (MIN_MEASURE_EM * t.body.size).min(self.width);
        let limit = (self.width - min_measure).max(0.0);
        if wanted <= limit {
            return wanted;
        }
        if !self.deep_warned {
            self.deep_warned = true;
            self.warnings.push(
                Diagnostic::warning(format!(
                    "quotes or lists nested this deep would leave less than {MIN_MEASURE_EM} em \
                     of text width; deeper levels are set at the same indent"
                ))
                .at(pos)
                .with_help("flatten the nesting"),
            );
        }
        // Still a step deeper than `indent` if there is room at all, never past the limit.
        limit.max(indent).min(wanted)
    }

    fn list_item(
        &mut self,
        item: &ListItem,
        marker: &str,
        indent: f32,
        list_pos: &SourcePos,
        out: &mut Vec<Fragment>,
    ) {
        let t = self.theme;
        let inner = self.nest(indent, list_pos);
        let mut frags = Vec::new();
        let body = self.tags.node(Role::LBody);
        self.tag_stack.push(body);
        for (i, block) in item.blocks.iter().enumerate() {
            match block {
                // List paragraphs are not indented and sit close together.
                Block::Paragraph { content, pos } => {
                    let text = self.styled(content, &t.body);
                    let mut f = self.paragraph(&text, &t.body, inner, 0.0, Align::Justify, pos);
                    set_gap(
                        &mut f,
                        if i == 0 {
                            0.15 * t.body.size
                        } else {
                            t.paragraph_gap * t.body.size
                        },
                    );
                    self.tag_leaf(&mut f, Role::P);
                    frags.extend(f);
                }
                other => self.block(other, inner, &mut frags),
            }
        }
        self.tag_stack.pop();
        let lbl = path_with(&self.tag_stack, self.tags.node(Role::Lbl));
        let Some(first) = frags.first_mut() else {
            return;
        };
        let marker_start = first.items.len();
        let pos = SourcePos {
            file: "".into(),
            line: 0,
        };
        // Bullets from the sans face: the Song face's bullet is barely visible.
        let mut marker_style = t.body.clone();
        marker_style.font.family = crate::assets::fonts::Family::Sans;
        let marker_lines = self.lines(
            &StyledText::plain(marker, &marker_style),
            &t.body,
            t.block_indent * t.body.size * 0.8,
            0.0,
            Align::Right,
            &pos,
        );
        // One indent step left of the text, which is `indent` unless nesting hit the limit.
        let marker_x = inner - t.block_indent * t.body.size;
        if let Some(line) = marker_lines.into_iter().next() {
            for mut item in line.items {
                item.translate(marker_x, 0.0);
                first.items.push(item);
            }
        }
        // The marker is read first: its span goes before the body's.
        first.tags.insert(
            0,
            TagSpan {
                items: marker_start..first.items.len(),
                path: lbl,
            },
        );
        out.extend(frags);
    }

    fn code(&mut self, code: &str, indent: f32, pos: &SourcePos, out: &mut Vec<Fragment>) {
        let t = self.theme;
        let pad = 0.6 * t.code.size;
        let inner = indent + pad;
        let width = self.width - indent;
        let style = &t.code;
        let text = code.replace('\t', "    ");
        let mut frags = Vec::new();
        frags.push(Fragment {
            height: pad,
            gap_before: t.paragraph_gap * t.body.size,
            keep_with_next: true,
            ..Default::default()
        });
        for (n, line) in text.split('\n').enumerate() {
            let line_pos = SourcePos {
                file: pos.file.clone(),
                line: pos.line + 1 + n as u32,
            };
            let styled = StyledText::plain(if line.is_empty() { " " } else { line }, style);
            let para = ParagraphStyle {
                width: self.width - inner - pad,
                first_indent: 0.0,
                align: Align::Left,
                pitch: style.size * style.leading,
                size: style.size,
                lang: "en",
                preformatted: true,
            };
            let set = set_paragraph(&styled, &para, self.book);
            self.note_missing(&styled.text, &set.missing, &line_pos);
            for l in set.lines {
                frags.push(self.line_fragment(l, inner, 0.0, false));
            }
        }
        frags.push(Fragment {
            height: pad,
            ..Default::default()
        });
        for f in &mut frags {
            f.items.insert(
                0,
                Item::Rect {
                    x: indent,
                    y: 0.0,
                    width,
                    height: f.height,
                    color: t.code_background,
                },
            );
        }
        out.extend(frags);
    }

    fn figure(
        &mut self,
        image: &ImageRef,
        alt: &str,
        indent: f32,
        pos: &SourcePos,
        out: &mut Vec<Fragment>,
    ) {
        let key = image.key.as_str();
        let image_ref = image;
        let t = self.theme;
        let Some(image) = self.images.get(key) else {
            // A remote picture that could not be fetched (reported with its line).
            self.placeholder(alt, key, indent, pos, out);
            return;
        };
        // `<img width height>` in CSS pixels (0.75 pt): the author's size, never larger.
        let asked = image_ref
            .asked_width(image.width, image.height)
            .map(|px| px * 0.75);
        // Never enlarge past 150 dpi: a small picture stretched to the full width prints soft.
        let natural = image.width as f32 / 150.0 * 72.0;
        // With columns, a picture much wider than a column spans them all.
        let span_width = self
            .head_width
            .filter(|_| indent == 0.0 && natural > self.width * 1.2);
        let avail = span_width.unwrap_or(self.width - indent);
        let mut w = avail.min(natural).min(asked.unwrap_or(f32::MAX));
        let mut h = w * image.height as f32 / image.width as f32;
        let max_h = self.height * t.max_image_height;
        if h > max_h {
            w *= max_h / h;
            h = max_h;
        }
        let mut x = indent + (avail - w) / 2.0;
        // `{.bleed}`: as wide as the page and into the bleed on both sides (placed at the
        // page edge when the page is assembled), if the page is tall enough for it.
        let edge = (image_ref.bleed && indent == 0.0 && self.page_width > 0.0)
            .then(|| {
                let ew = self.page_width + 2.0 * self.bleed;
                (ew, ew * image.height as f32 / image.width as f32)
            })
            .filter(|(_, eh)| *eh <= max_h);
        if let Some((ew, eh)) = edge {
            (x, w, h) = (-ew, ew, eh);
        }
        let (avail, span_width) = match edge {
            Some(_) => (self.head_width.unwrap_or(self.width), self.head_width),
            None => (avail, span_width),
        };
        // Picture and caption are one unbreakable fragment that may float to the next page.
        let mut items = vec![Item::Image {
            key: key.to_owned(),
            x,
            y: 0.0,
            width: w,
            height: h,
        }];
        let mut height = h;
        // A decorative picture is an artifact (an empty path), not a Figure.
        let path = if image_ref.decorative {
            std::sync::Arc::from([])
        } else {
            path_with(
                &self.tag_stack,
                self.tags.node(Role::Figure(alt.to_owned())),
            )
        };
        let mut tags = vec![TagSpan { items: 0..1, path }];
        if !alt.is_empty() {
            height += 0.3 * t.body.size;
            let caption = StyledText::plain(alt, &t.caption);
            for line in self.lines(&caption, &t.caption, avail, 0.0, Align::Center, pos) {
                for mut item in line.items {
                    item.translate(indent, height);
                    items.push(item);
                }
                height += line.height;
            }
            tags.push(TagSpan {
                items: 1..items.len(),
                path: path_with(&self.tag_stack, self.tags.node(Role::Caption)),
            });
        }
        out.push(Fragment {
            height: height + 0.4 * t.body.size,
            tags,
            items,
            gap_before: 0.8 * t.body.size,
            // A spanning picture is placed where it falls, across the balanced columns.
            float: span_width.is_none(),
            span: span_width.is_some(),
            ..Default::default()
        });
    }

    /// A framed box with the picture's alt text (or its address) where a picture that could
    /// not be had would go.
    fn placeholder(
        &mut self,
        alt: &str,
        key: &str,
        indent: f32,
        pos: &SourcePos,
        out: &mut Vec<Fragment>,
    ) {
        let t = self.theme;
        let avail = self.width - indent;
        let w = avail * 0.6;
        let x = indent + (avail - w) / 2.0;
        let pad = t.body.size;
        let label = if alt.trim().is_empty() { key } else { alt };
        let caption = StyledText::plain(label, &t.caption);
        let lines = self.lines(&caption, &t.caption, w - 2.0 * pad, 0.0, Align::Center, pos);
        let text_h: f32 = lines.iter().map(|l| l.height).sum();
        let h = (text_h + 2.0 * pad).max(4.0 * t.body.size);
        let mut items = Vec::new();
        let mut y = (h - text_h) / 2.0;
        for line in lines {
            let height = line.height;
            for mut item in line.items {
                item.translate(x + pad, y);
                items.push(item);
            }
            y += height;
        }
        let (x1, y1) = (x + w, h);
        for (a, b, c, d) in [
            (x, 0.0, x1, 0.0),
            (x1, 0.0, x1, y1),
            (x1, y1, x, y1),
            (x, y1, x, 0.0),
        ] {
            items.push(Item::Line {
                x0: a,
                y0: b,
                x1: c,
                y1: d,
                width: 0.8,
                color: t.rule_color,
            });
        }
        out.push(Fragment {
            height: h + 0.4 * t.body.size,
            items,
            gap_before: 0.8 * t.body.size,
            ..Default::default()
        });
    }

    fn footnotes(&mut self, article: &Article, out: &mut Vec<Fragment>) {
        if article
            .footnotes
            .iter()
            .all(|n| self.attached.contains(&n.number))
        {
            return;
        }
        let t = self.theme;
        let heading = Labels::for_lang(article.lang.as_str()).notes();
        out.push(Fragment {
            height: 0.8 * t.body.size,
            gap_before: 1.2 * t.body.size,
            keep_with_next: true,
            items: vec![Item::Line {
                x0: 0.0,
                y0: 0.4 * t.body.size,
                x1: self.width * 0.3,
                y1: 0.4 * t.body.size,
                width: 0.5,
                color: t.rule_color,
            }],
            ..Default::default()
        });
        let mut label = self.text_block(
            &StyledText::plain(heading, &t.headings[3]),
            &t.headings[3],
            0.0,
            Align::Left,
            &SourcePos {
                file: article.source.clone(),
                line: 1,
            },
        );
        chain(&mut label);
        if let Some(last) = label.last_mut() {
            last.keep_with_next = true;
        }
        self.tag_leaf(&mut label, Role::P);
        out.extend(label);
        for note in &article.footnotes {
            if self.attached.contains(&note.number) {
                continue;
            }
            out.extend(self.note_fragments(note));
        }
    }

    /// One note's text ("3. …") as fragments, its first carrying the note's anchor.
    fn note_fragments(&mut self, note: &crate::model::Footnote) -> Vec<Fragment> {
        let t = self.theme;
        let style = &t.footnote;
        let mut text = StyledText::default();
        let base = SpanStyle::from(style);
        text.push(&format!("{}. ", note.number), &base);
        let mut frags = Vec::new();
        let note_node = self.tags.node(Role::Note);
        self.tag_stack.push(note_node);
        for (i, block) in note.blocks.iter().enumerate() {
            match block {
                Block::Paragraph { content, pos } => {
                    let mut para = if i == 0 {
                        text.clone()
                    } else {
                        StyledText::default()
                    };
                    let ctx = InlineContext {
                        link_color: t.link_color,
                        anchor_prefix: &self.prefix,
                        emphasis: t.emphasis,
                    };
                    push_inlines(content, &base, &ctx, &mut para);
                    let mut f = self.paragraph(&para, style, 0.0, 0.0, Align::Justify, pos);
                    self.tag_leaf(&mut f, Role::P);
                    frags.extend(f);
                }
                other => self.block(other, t.block_indent * t.body.size, &mut frags),
            }
        }
        self.tag_stack.pop();
        if let Some(first) = frags.first_mut() {
            first.anchors.push(Anchor {
                name: footnote_anchor(&self.prefix, note.number),
                outline: None,
            });
        }
        set_gap(&mut frags, 0.2 * t.body.size);
        frags
    }

    /// Footnotes at the page foot: each note rides with the line holding its first
    /// reference mark. Notes whose mark is not linked (in a heading) stay endnotes.
    fn attach_notes(&mut self, article: &Article, out: &mut [Fragment]) {
        let names: std::collections::HashMap<String, usize> = article
            .footnotes
            .iter()
            .enumerate()
            .map(|(i, n)| (footnote_anchor(&self.prefix, n.number), i))
            .collect();
        for f in out.iter_mut() {
            let refs: Vec<usize> = f
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Link {
                        target: super::page::LinkTarget::Anchor(name),
                        ..
                    } => names.get(name).copied(),
                    _ => None,
                })
                .collect();
            for i in refs {
                let note = &article.footnotes[i];
                if self.attached.insert(note.number) {
                    let frags = self.note_fragments(note);
                    f.notes.extend(frags);
                }
            }
        }
    }

    pub(crate) fn styled(&self, content: &[Inline], style: &TextStyle) -> StyledText {
        let mut text = StyledText::default();
        let ctx = InlineContext {
            link_color: self.theme.link_color,
            anchor_prefix: &self.prefix,
            emphasis: self.theme.emphasis,
        };
        push_inlines(content, &SpanStyle::from(style), &ctx, &mut text);
        text
    }

    /// Sets text into lines, recording characters no font has.
    pub(crate) fn lines(
        &mut self,
        text: &StyledText,
        style: &TextStyle,
        width: f32,
        first_indent: f32,
        align: Align,
        pos: &SourcePos,
    ) -> Vec<Line> {
        let para = ParagraphStyle {
            first_indent,
            ..ParagraphStyle::new(style, width, align, &self.lang)
        };
        let set = set_paragraph(text, &para, self.book);
        self.note_missing(&text.text, &set.missing, pos);
        set.lines
    }

    fn note_missing(&mut self, text: &str, missing: &[usize], pos: &SourcePos) {
        for &at in missing {
            if let Some(ch) = text[at..].chars().next() {
                self.missing.push(Missing {
                    ch,
                    pos: pos.clone(),
                });
            }
        }
    }

    /// A paragraph's lines as fragments with orphan and widow control: the first two and
    /// last two lines of a paragraph stay together.
    fn paragraph(
        &mut self,
        text: &StyledText,
        style: &TextStyle,
        indent: f32,
        first_indent: f32,
        align: Align,
        pos: &SourcePos,
    ) -> Vec<Fragment> {
        let lines = self.lines(text, style, self.width - indent, first_indent, align, pos);
        let n = lines.len();
        lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let keep = n <= 3 && i + 1 < n || n > 3 && (i == 0 || i + 2 == n);
                self.line_fragment(l, indent, 0.0, keep)
            })
            .collect()
    }

    /// Lines of display text (titles, captions): not justified, kept together.
    fn text_block(
        &mut self,
        text: &StyledText,
        style: &TextStyle,
        indent: f32,
        align: Align,
        pos: &SourcePos,
    ) -> Vec<Fragment> {
        let lines = self.lines(text, style, self.width - indent, 0.0, align, pos);
        lines
            .into_iter()
            .map(|l| self.line_fragment(l, indent, 0.0, false))
            .collect()
    }

    fn line_fragment(&self, line: Line, indent: f32, gap: f32, keep: bool) -> Fragment {
        let mut items = line.items;
        for item in &mut items {
            item.translate(indent, 0.0);
        }
        Fragment {
            height: line.height,
            items,
            gap_before: gap,
            keep_with_next: keep,
            ..Default::default()
        }
    }
}

/// The text a fragment shows, in the order its runs were set (a line's words).
pub(crate) fn fragment_text(f: &Fragment) -> String {
    f.items
        .iter()
        .filter_map(|item| match item {
            Item::Text(run) => Some(run.text.as_str()),
            _ => None,
        })
        .collect()
}

/// The smallest heading level among `blocks`, however nested (1 when there is none).
fn top_heading(blocks: &[Block]) -> u8 {
    let mut stack: Vec<&Block> = blocks.iter().collect();
    let mut top = u8::MAX;
    while let Some(block) = stack.pop() {
        match block {
            Block::Heading { level, .. } => top = top.min((*level).clamp(1, 6)),
            Block::Quote { blocks, .. } => stack.extend(blocks),
            Block::List { items, .. } => stack.extend(items.iter().flat_map(|i| &i.blocks)),
            _ => {}
        }
    }
    if top == u8::MAX { 1 } else { top }
}

/// Keeps all but the last fragment with their successor.
fn chain(frags: &mut [Fragment]) {
    let n = frags.len();
    for f in frags.iter_mut().take(n.saturating_sub(1)) {
        f.keep_with_next = true;
    }
}

fn set_gap(frags: &mut [Fragment], gap: f32) {
    if let Some(first) = frags.first_mut() {
        first.gap_before = gap;
    }
}

fn strip_links(text: &mut StyledText) {
    for span in &mut text.spans {
        span.style.link = None;
    }
}

/// Chinese paragraphs get the two-em indent; decided by the first real character.
fn starts_cjk(content: &[Inline]) -> bool {
    plain_text(content)
        .chars()
        .find(|c| !c.is_whitespace())
        .is_some_and(is_cjk)
}
