//! One XHTML content document per article, written straight from the document model.
//!
//! The writer tracks the text style the stylesheet gives each element (heading, strong,
//! code …) and records every character it writes under that style, which is what the font
//! subsetting works from.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Align, Article, AsideKind, Block, Definition, Inline, ListItem, Styled};

use super::plan::{ArticlePlan, BookPlan, MAX_NESTING, TITLE_ID};
use super::usage::{CharUsage, TextStyle};
use super::xml;
use crate::labels::Labels;

/// The frame every content document shares. `lang` must already be a valid tag; `title`
/// is plain text.
pub(crate) fn document(lang: &str, title: &str, body_class: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"",
    );
    xml::push_attr(&mut out, lang);
    out.push_str("\" lang=\"");
    xml::push_attr(&mut out, lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
    // An empty <title> is invalid.
    let title = xml::label(title);
    xml::push_text(&mut out, if title.is_empty() { "Untitled" } else { &title });
    out.push_str(
        "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body class=\"",
    );
    xml::push_attr(&mut out, body_class);
    out.push_str("\">\n");
    out.push_str(body);
    out.push_str("</body>\n</html>\n");
    out
}

/// Where a printed page begins: the top-level block, the page's label, and inside the
/// block the count of non-blank characters before the page's first words and those words.
pub(crate) type PageMarkAt<'a> = (usize, &'a str, Option<(usize, &'a str)>);

/// Writes `article` as a complete XHTML document.
pub(crate) fn article_document(
    article: &Article,
    index: usize,
    plan: &ArticlePlan,
    book: &BookPlan<'_>,
    usage: &mut CharUsage,
    // Written at the top of the article: the article template's compact head, or "".
    lead_in: &str,
    // (top-level block, printed page label, where inside the block): where printed pages
    // begin in this article (see `PageMark`).
    page_marks: &[PageMarkAt<'_>],
) -> String {
    let labels = Labels::for_lang(&plan.lang);
    let mut w = ArticleWriter {
        out: String::with_capacity(4096),
        usage,
        plan,
        book,
        article,
        index,
        labels,
        style: TextStyle::BODY,
        in_link: false,
        linkable_refs: linkable_refs(article),
        refs_seen: BTreeMap::new(),
    };
    // The title names the section for assistive technology (ARIA landmarks).
    w.raw(&format!(
        "<section epub:type=\"chapter\" role=\"doc-chapter\" class=\"article\" aria-labelledby=\"{TITLE_ID}\">\n"
    ));
    // A page that begins with the article (its head or first block) is marked before the
    // head; a later one before the block it begins in, or at its first word when it
    // begins inside the block.
    let mark = |w: &mut ArticleWriter<'_, '_>, i: usize| {
        for (_, label, _) in page_marks.iter().filter(|(b, _, l)| *b == i && l.is_none()) {
            w.raw(&super::pagelist::marker(label));
        }
    };
    mark(&mut w, 0);
    w.raw(lead_in);
    w.header();
    for (i, block) in article.blocks.iter().enumerate() {
        if i > 0 {
            mark(&mut w, i);
        }
        let start = w.out.len();
        w.block(block, 0, None);
        let inside: Vec<(usize, &str, String)> = page_marks
            .iter()
            .filter(|(b, _, _)| *b == i)
            .filter_map(|(_, label, lead)| {
                let (before, words) = (*lead)?;
                // Within a line of text: no line break after the marker.
                let marker = super::pagelist::marker(label).trim_end().to_owned();
                Some((before, words, marker))
            })
            .collect();
        if !inside.is_empty() {
            let marks: Vec<(usize, &str, &str)> = inside
                .iter()
                .map(|(before, words, marker)| (*before, *words, marker.as_str()))
                .collect();
            let missed = super::pagemarks::insert_at_words(&mut w.out, start, &marks);
            // Words not found (text the two writers spell differently): before the block.
            let before: String = missed.iter().map(|m| format!("{m}\n")).collect();
            w.out.insert_str(start, &before);
        }
    }
    w.footnotes();
    w.raw("</section>\n");
    let body = w.out;
    document(&plan.lang, &plan.label, "article-page", &body)
}

struct ArticleWriter<'a, 'd> {
    out: String,
    usage: &'a mut CharUsage,
    plan: &'a ArticlePlan,
    book: &'a BookPlan<'d>,
    article: &'a Article,
    /// The article's position in the book, for resolving internal links.
    index: usize,
    labels: Labels,
    /// The style the stylesheet gives the element being written.
    style: TextStyle,
    /// Inside `<a>`, where another link would be invalid.
    in_link: bool,
    /// Footnotes whose first reference is written with an id (a back-link can target it).
    linkable_refs: BTreeSet<u32>,
    /// References written so far, per footnote, to give repeated ones their own ids.
    refs_seen: BTreeMap<u32, u32>,
}

/// What goes at the start of a first paragraph.
#[derive(Clone, Copy)]
enum Lead {
    /// A task-list box, checked or not.
    Task(bool),
    /// A footnote's number, linking back to its reference.
    Footnote(u32),
}

impl ArticleWriter<'_, '_> {
    fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Writes text shown in the current style. In a Chinese, Japanese or Korean article,
    /// English words are marked `lang="en"` so a screen reader switches voice for them.
    fn text(&mut self, s: &str) {
        self.usage.record(self.style, s);
        if !self.article.lang.is_cjk() || self.style.is_mono() {
            xml::push_text(&mut self.out, s);
            return;
        }
        let mut last = 0;
        for run in latin_runs(s) {
            xml::push_text(&mut self.out, &s[last..run.start]);
            self.out.push_str("<span lang=\"en\" xml:lang=\"en\">");
            xml::push_text(&mut self.out, &s[run.clone()]);
            self.out.push_str("</span>");
            last = run.end;
        }
        xml::push_text(&mut self.out, &s[last..]);
    }

    fn attr(&mut self, s: &str) {
        xml::push_attr(&mut self.out, s);
    }

    /// Runs `f` with the stylesheet's style for a nested element.
    fn styled(&mut self, style: TextStyle, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.style, style);
        f(self);
        self.style = saved;
    }

    fn header(&mut self) {
        let article = self.article;
        self.raw(&format!(
            "<header class=\"article-header\">\n<h1 class=\"article-title\" id=\"{TITLE_ID}\">"
        ));
        self.styled(TextStyle::HEADING, |w| w.text(&article.title));
        self.raw("</h1>\n");
        if let Some(subtitle) = article.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
            self.raw("<p class=\"article-subtitle\">");
            self.styled(TextStyle::SANS, |w| w.text(subtitle));
            self.raw("</p>\n");
        }
        let author = article.author.as_deref().filter(|s| !s.trim().is_empty());
        let date = article.date.as_deref().filter(|s| !s.trim().is_empty());
        if author.is_some() || date.is_some() {
            self.raw("<p class=\"byline\">");
            self.styled(TextStyle::SANS, |w| {
                if let Some(author) = author {
                    w.raw("<span class=\"author\">");
                    w.text(author);
                    w.raw("</span>");
                }
                if author.is_some() && date.is_some() {
                    w.text(" · ");
                }
                if let Some(date) = date {
                    if xml::is_iso_date(date) {
                        w.raw("<time datetime=\"");
                        w.attr(date);
                        w.raw("\">");
                        w.text(&crate::timestamp::display_date(date, article.lang.is_cjk()));
                        w.raw("</time>");
                    } else {
                        w.text(date);
                    }
                }
            });
            self.raw("</p>\n");
        }
        self.raw("</header>\n");
    }

    fn blocks(&mut self, blocks: &[Block], depth: usize) {
        for block in blocks {
            self.block(block, depth, None);
        }
    }

    fn block(&mut self, block: &Block, depth: usize, lead: Option<Lead>) {
        if depth > MAX_NESTING {
            self.raw("<p>");
            self.text(&flat_block_text(block));
            self.raw("</p>\n");
            return;
        }
        match block {
            Block::Heading { level, content, .. } => self.heading(block, *level, content),
            Block::Paragraph { content, .. } => self.paragraph(content, lead),
            Block::List { start, items, .. } => self.list(*start, items, depth),
            Block::Quote { blocks, .. } => {
                self.raw("<blockquote>\n");
                self.blocks(blocks, depth + 1);
                self.raw("</blockquote>\n");
            }
            Block::Code { lang, text, .. } => self.code_block(lang.as_deref(), text),
            Block::Table {
                align, head, rows, ..
            } => self.table(align, head, rows),
            Block::Rule { .. } => self.raw("<hr/>\n"),
            Block::Figure { image, alt, .. } => self.figure(image, alt),
            Block::Aside {
                kind,
                title,
                blocks,
                ..
            } => self.aside(*kind, title, blocks, depth),
            Block::Centered { blocks, .. } => {
                self.raw("<div class=\"center\">\n");
                self.blocks(blocks, depth + 1);
                self.raw("</div>\n");
            }
            Block::Definitions { items, .. } => self.definitions(items, depth),
            // A reflowable book has no pages to break.
            Block::PageBreak { .. } => {}
        }
    }

    /// Alerts are `<aside role="note">` with their label as the first paragraph; a
    /// `<details>` stays a details element, written open.
    fn aside(&mut self, kind: AsideKind, title: &[Inline], blocks: &[Block], depth: usize) {
        if kind == AsideKind::Details {
            self.raw("<details open=\"open\">\n<summary>");
            let style = self.style.bold();
            self.styled(style, |w| w.inlines(title, depth + 1));
            self.raw("</summary>\n");
            self.blocks(blocks, depth + 1);
            self.raw("</details>\n");
            return;
        }
        self.raw(&format!(
            "<aside class=\"alert alert-{}\" role=\"note\">\n<p class=\"alert-title\">",
            kind.name()
        ));
        let style = self.style.bold();
        self.styled(style, |w| w.inlines(title, depth + 1));
        self.raw("</p>\n");
        self.blocks(blocks, depth + 1);
        self.raw("</aside>\n");
    }

    fn definitions(&mut self, items: &[Definition], depth: usize) {
        self.raw("<dl>\n");
        for item in items {
            self.raw("<dt>");
            let style = self.style.bold();
            self.styled(style, |w| w.inlines(&item.term, depth + 1));
            self.raw("</dt>\n");
            for detail in &item.details {
                self.raw("<dd>");
                self.blocks(detail, depth + 1);
                self.raw("</dd>\n");
            }
        }
        self.raw("</dl>\n");
    }

    fn heading(&mut self, block: &Block, level: u8, content: &[Inline]) {
        let planned = self.plan.heading(block).cloned();
        let tag_level = planned
            .as_ref()
            .map_or_else(|| level.clamp(1, 5) + 1, |h| h.level);
        self.raw(&format!("<h{tag_level}"));
        if let Some(h) = &planned {
            self.raw(" id=\"");
            self.attr(&h.id);
            self.raw("\"");
        }
        self.raw(">");
        self.styled(TextStyle::HEADING, |w| w.inlines(content, 0));
        self.raw(&format!("</h{tag_level}>\n"));
    }

    fn paragraph(&mut self, content: &[Inline], lead: Option<Lead>) {
        self.raw("<p>");
        if let Some(lead) = lead {
            self.lead(lead);
        }
        self.inlines(content, 0);
        self.raw("</p>\n");
    }

    fn lead(&mut self, lead: Lead) {
        match lead {
            Lead::Task(done) => {
                self.raw("<span class=\"task-box\" role=\"img\" aria-label=\"");
                let label = self.labels.task(done);
                self.attr(label);
                self.raw("\">");
                self.text(if done { "\u{25A3}" } else { "\u{25A1}" });
                self.raw("</span> ");
            }
            Lead::Footnote(number) => {
                let label = format!("{number}.");
                if self.linkable_refs.contains(&number) {
                    self.raw(&format!(
                        "<a class=\"footnote-back\" role=\"doc-backlink\" href=\"#fnref-{number}\">"
                    ));
                    self.text(&label);
                    self.raw("</a> ");
                } else {
                    self.raw("<span class=\"footnote-back\">");
                    self.text(&label);
                    self.raw("</span> ");
                }
            }
        }
    }

    /// Writes `blocks` with `lead` at the start of the first one: inside it when it is a
    /// paragraph, else in a paragraph of its own.
    fn blocks_with_lead(&mut self, blocks: &[Block], depth: usize, lead: Lead) {
        match blocks.split_first() {
            Some((first @ Block::Paragraph { .. }, rest)) => {
                self.block(first, depth, Some(lead));
                self.blocks(rest, depth);
            }
            _ => {
                self.raw("<p>");
                self.lead(lead);
                self.raw("</p>\n");
                self.blocks(blocks, depth);
            }
        }
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem], depth: usize) {
        let tag = if start.is_some() { "ol" } else { "ul" };
        match start {
            Some(n) if n != 1 => self.raw(&format!("<ol start=\"{n}\">\n")),
            _ => self.raw(&format!("<{tag}>\n")),
        }
        for item in items {
            match item.task {
                Some(done) => {
                    self.raw("<li class=\"task\">");
                    self.blocks_with_lead(&item.blocks, depth + 1, Lead::Task(done));
                }
                None => {
                    self.raw("<li>");
                    self.blocks(&item.blocks, depth + 1);
                }
            }
            self.raw("</li>\n");
        }
        self.raw(&format!("</{tag}>\n"));
    }

    fn code_block(&mut self, lang: Option<&str>, text: &str) {
        self.raw("<pre><code");
        let class: String = lang
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
            .collect();
        if !class.is_empty() {
            self.raw(&format!(" class=\"language-{class}\""));
        }
        self.raw(">");
        let text = text.strip_suffix('\n').unwrap_or(text);
        let style = self.style.mono();
        self.styled(style, |w| w.text(text));
        self.raw("</code></pre>\n");
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) {
        self.raw("<div class=\"table-wrap\">\n<table>\n");
        if !head.is_empty() {
            self.raw("<thead>\n<tr>");
            let style = self.style.bold();
            self.styled(style, |w| {
                for (i, cell) in head.iter().enumerate() {
                    w.cell("th scope=\"col\"", align.get(i), cell);
                }
            });
            self.raw("</tr>\n</thead>\n");
        }
        if !rows.is_empty() {
            self.raw("<tbody>\n");
            for row in rows {
                self.raw("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    self.cell("td", align.get(i), cell);
                }
                self.raw("</tr>\n");
            }
            self.raw("</tbody>\n");
        }
        self.raw("</table>\n</div>\n");
    }

    fn cell(&mut self, tag: &str, align: Option<&Align>, content: &[Inline]) {
        let class = match align {
            Some(Align::Left) => " class=\"al-l\"",
            Some(Align::Center) => " class=\"al-c\"",
            Some(Align::Right) => " class=\"al-r\"",
            Some(Align::None) | None => "",
        };
        self.raw(&format!("<{tag}{class}>"));
        self.inlines(content, 0);
        let name = tag.split(' ').next().unwrap_or(tag);
        self.raw(&format!("</{name}>"));
    }

    fn figure(&mut self, picture: &crate::model::ImageRef, alt: &str) {
        let key = picture.key.as_str();
        let Some(image) = self.book.image(key) else {
            // Not planned: a remote picture that could not be fetched (reported), or past
            // the nesting limit. A framed box keeps the words.
            self.raw("<div class=\"missing-picture\"><p>");
            self.text(if alt.trim().is_empty() { key } else { alt });
            self.raw("</p></div>\n");
            return;
        };
        let (href, mut width, mut height) =
            (image.href.clone(), image.asset.width, image.asset.height);
        // `<img width height>`: shown at that size (never larger than the picture), keeping
        // its shape.
        let asked = picture
            .asked_width(width, height)
            .map(|w| (w.round() as u32).max(1));
        if let Some(w) = asked.filter(|&w| w < width) {
            height = ((height as u64 * w as u64 + width as u64 / 2) / width as u64).max(1) as u32;
            width = w;
        }
        // `{.bleed}`: printed edge to edge, shown across the whole screen width.
        self.raw(if picture.bleed {
            "<figure class=\"bleed\">\n<img src=\""
        } else {
            "<figure>\n<img src=\""
        });
        self.attr(&href);
        self.raw("\" alt=\"");
        self.attr(&xml::label(alt));
        if picture.decorative {
            // The author marked it decorative: assistive technology skips it.
            self.raw("\" role=\"presentation");
        }
        self.raw(&format!("\" width=\"{width}\" height=\"{height}\"/>\n"));
        if !alt.trim().is_empty() {
            self.raw("<figcaption>");
            self.styled(TextStyle::SANS, |w| w.text(alt));
            self.raw("</figcaption>\n");
        }
        self.raw("</figure>\n");
    }

    fn inlines(&mut self, items: &[Inline], depth: usize) {
        if depth > MAX_NESTING {
            let mut flat = String::new();
            push_flat_inlines(items, &mut flat);
            self.text(&flat);
            return;
        }
        for item in items {
            match item {
                Inline::Text(t) => self.text(t),
                Inline::Emph(content) => {
                    let han = is_mostly_han(content);
                    let emphasis = self.book.emphasis;
                    if han {
                        // Chinese emphasis, never a slanted hanzi: dots beside the
                        // characters (`text-emphasis: dot` draws U+2022 in the element's
                        // font), or Kai or bold as the bulletin chooses (see css.rs).
                        if emphasis == crate::theme::EmphasisStyle::Dots {
                            self.usage.record(self.style, "\u{2022}");
                        }
                        self.raw("<em class=\"dots\">");
                    } else {
                        self.raw("<em>");
                    }
                    if han && emphasis == crate::theme::EmphasisStyle::Bold {
                        let style = self.style.bold();
                        self.styled(style, |w| w.inlines(content, depth + 1));
                    } else if han && emphasis == crate::theme::EmphasisStyle::Kai {
                        let style = self.style.kai();
                        self.styled(style, |w| w.inlines(content, depth + 1));
                    } else {
                        self.inlines(content, depth + 1);
                    }
                    self.raw("</em>");
                }
                Inline::Strong(content) => {
                    self.raw("<strong>");
                    let style = self.style.bold();
                    self.styled(style, |w| w.inlines(content, depth + 1));
                    self.raw("</strong>");
                }
                Inline::Strike(content) => {
                    self.raw("<del>");
                    self.inlines(content, depth + 1);
                    self.raw("</del>");
                }
                Inline::Code(code) => {
                    self.raw("<code>");
                    let style = self.style.mono();
                    self.styled(style, |w| w.text(code));
                    self.raw("</code>");
                }
                Inline::Link { url, content } => self.link(url, content, depth),
                Inline::FootnoteRef { number } => self.noteref(*number),
                Inline::LineBreak => self.raw("<br/>"),
                Inline::Styled(look, content) => self.styled_inline(look, content, depth),
            }
        }
    }

    fn styled_inline(&mut self, look: &Styled, content: &[Inline], depth: usize) {
        let tag = match look {
            Styled::Underline => "u",
            Styled::Subscript => "sub",
            Styled::Superscript => "sup",
            Styled::Keyboard => "kbd",
            Styled::Mark => "mark",
            Styled::Small => "small",
            Styled::Abbr(title) => {
                self.raw("<abbr title=\"");
                self.attr(title);
                self.raw("\">");
                self.inlines(content, depth + 1);
                self.raw("</abbr>");
                return;
            }
        };
        self.raw(&format!("<{tag}>"));
        if *look == Styled::Keyboard {
            let style = self.style.mono();
            self.styled(style, |w| w.inlines(content, depth + 1));
        } else {
            self.inlines(content, depth + 1);
        }
        self.raw(&format!("</{tag}>"));
    }

    fn link(&mut self, url: &str, content: &[Inline], depth: usize) {
        let href = match crate::links::fragment(url) {
            Some(fragment) => self.book.internal_href(self.index, fragment),
            None => safe_href(url),
        };
        match href {
            Some(href) if !self.in_link => {
                self.raw("<a href=\"");
                self.attr(&href);
                self.raw("\">");
                self.in_link = true;
                self.inlines(content, depth + 1);
                self.in_link = false;
                self.raw("</a>");
            }
            _ => self.inlines(content, depth + 1),
        }
    }

    /// `<sup><a epub:type="noteref" …>N</a></sup>`. A second reference to the same note gets
    /// its own id; the back-link returns to the first.
    fn noteref(&mut self, number: u32) {
        let exists =
            usize::try_from(number).is_ok_and(|n| n >= 1 && n <= self.article.footnotes.len());
        let seen = self.refs_seen.entry(number).or_insert(0);
        *seen += 1;
        let id = if *seen == 1 {
            format!("fnref-{number}")
        } else {
            format!("fnref-{number}-{seen}")
        };
        let digits = number.to_string();
        self.raw("<sup class=\"noteref\">");
        if !exists {
            self.text(&digits);
        } else if self.in_link {
            self.raw(&format!("<span id=\"{id}\">"));
            self.text(&digits);
            self.raw("</span>");
        } else {
            self.raw(&format!(
                "<a epub:type=\"noteref\" role=\"doc-noteref\" id=\"{id}\" href=\"#fn-{number}\">"
            ));
            self.text(&digits);
            self.raw("</a>");
        }
        self.raw("</sup>");
    }

    fn footnotes(&mut self) {
        let article = self.article;
        if article.footnotes.is_empty() {
            return;
        }
        self.raw(
            "<section epub:type=\"footnotes\" role=\"doc-endnotes\" class=\"footnotes\" aria-label=\"",
        );
        let label = self.labels.notes();
        self.attr(label);
        self.raw("\">\n");
        for (i, note) in article.footnotes.iter().enumerate() {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            self.raw(&format!(
                "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-{number}\" class=\"footnote\">\n"
            ));
            self.blocks_with_lead(&note.blocks, 0, Lead::Footnote(number));
            self.raw("</aside>\n");
        }
        self.raw("</section>\n");
    }
}

/// Byte ranges of English phrases inside other text: from a word of at least two ASCII
/// letters to the last letter of the phrase, across spaces, digits and ASCII punctuation.
fn latin_runs(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut letters_in_word = 0;
    let mut has_word = false;
    for (i, c) in s.char_indices() {
        if c.is_ascii_alphabetic() {
            start.get_or_insert(i);
            letters_in_word += 1;
            has_word |= letters_in_word >= 2;
            end = i + 1;
        } else if start.is_some() && (c.is_ascii_digit() || c == ' ' || c.is_ascii_punctuation()) {
            letters_in_word = 0;
        } else {
            if let (Some(st), true) = (start, has_word) {
                out.push(st..end);
            }
            start = None;
            has_word = false;
            letters_in_word = 0;
        }
    }
    if let (Some(st), true) = (start, has_word) {
        out.push(st..end);
    }
    out
}

/// Whether emphasised text is Chinese rather than Latin: at least as many hanzi as
/// letters. Decided per run, because a Chinese article may emphasise an English sentence.
fn is_mostly_han(content: &[Inline]) -> bool {
    let mut text = String::new();
    push_flat_inlines(content, &mut text);
    let han = text.chars().filter(|&c| is_han(c)).count();
    let latin = text
        .chars()
        .filter(|c| c.is_alphabetic() && !is_han(*c))
        .count();
    han > 0 && han >= latin
}

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Footnotes whose first reference the writer will give an id: every reference within the
/// nesting limits gets one (as `<a>`, or `<span>` inside a link).
fn linkable_refs(article: &Article) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    scan_blocks(&article.blocks, 0, &mut out);
    for note in &article.footnotes {
        scan_blocks(&note.blocks, 0, &mut out);
    }
    out
}

fn scan_blocks(blocks: &[Block], depth: usize, out: &mut BTreeSet<u32>) {
    if depth > MAX_NESTING {
        return;
    }
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                scan_inlines(content, 0, out);
            }
            Block::List { items, .. } => {
                for item in items {
                    scan_blocks(&item.blocks, depth + 1, out);
                }
            }
            Block::Quote { blocks, .. } => scan_blocks(blocks, depth + 1, out),
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    scan_inlines(cell, 0, out);
                }
            }
            Block::Aside { title, .. } => {
                scan_inlines(title, 0, out);
                for blocks in block.children() {
                    scan_blocks(blocks, depth + 1, out);
                }
            }
            Block::Definitions { items, .. } => {
                for item in items {
                    scan_inlines(&item.term, 0, out);
                    for blocks in &item.details {
                        scan_blocks(blocks, depth + 1, out);
                    }
                }
            }
            Block::Centered { blocks, .. } => scan_blocks(blocks, depth + 1, out),
            Block::Code { .. }
            | Block::Rule { .. }
            | Block::Figure { .. }
            | Block::PageBreak { .. } => {}
        }
    }
}

fn scan_inlines(items: &[Inline], depth: usize, out: &mut BTreeSet<u32>) {
    if depth > MAX_NESTING {
        return;
    }
    for item in items {
        match item {
            Inline::FootnoteRef { number } => {
                out.insert(*number);
            }
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Styled(_, c) => {
                scan_inlines(c, depth + 1, out);
            }
            Inline::Link { content, .. } => scan_inlines(content, depth + 1, out),
            Inline::Text(_) | Inline::Code(_) | Inline::LineBreak => {}
        }
    }
}

/// The words of a block too deeply nested to write as structure, gathered without
/// recursion.
fn flat_block_text(block: &Block) -> String {
    let mut out = String::new();
    let mut stack: Vec<&Block> = vec![block];
    while let Some(block) = stack.pop() {
        let before = out.len();
        match block {
            Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                push_flat_inlines(content, &mut out);
            }
            Block::List { items, .. } => {
                stack.extend(items.iter().rev().flat_map(|i| i.blocks.iter().rev()));
            }
            Block::Quote { blocks, .. } => stack.extend(blocks.iter().rev()),
            Block::Code { text, .. } => out.push_str(text),
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    push_flat_inlines(cell, &mut out);
                    out.push(' ');
                }
            }
            Block::Rule { .. } | Block::PageBreak { .. } => {}
            Block::Figure { alt, .. } => out.push_str(alt),
            Block::Aside { title, blocks, .. } => {
                push_flat_inlines(title, &mut out);
                stack.extend(blocks.iter().rev());
            }
            Block::Centered { blocks, .. } => stack.extend(blocks.iter().rev()),
            Block::Definitions { items, .. } => {
                for item in items {
                    push_flat_inlines(&item.term, &mut out);
                    out.push(' ');
                }
                stack.extend(
                    items
                        .iter()
                        .rev()
                        .flat_map(|i| i.details.iter().rev().flat_map(|d| d.iter().rev())),
                );
            }
        }
        if out.len() > before {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

/// Plain text of inlines, without recursion.
fn push_flat_inlines(items: &[Inline], out: &mut String) {
    let mut stack: Vec<&Inline> = items.iter().rev().collect();
    while let Some(item) = stack.pop() {
        match item {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Styled(_, c) => {
                stack.extend(c.iter().rev())
            }
            Inline::Link { content, .. } => stack.extend(content.iter().rev()),
            Inline::FootnoteRef { .. } => {}
            Inline::LineBreak => out.push(' '),
        }
    }
}

/// The link target if it is an external `http`, `https` or `mailto` URL, made a valid URL
/// (spaces, non-ASCII and other unsafe characters percent-encoded). Anything else
/// (relative paths, `javascript:`, `file:`) is not linked.
pub(crate) fn safe_href(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest_start = ["https://", "http://", "mailto:"]
        .iter()
        .find(|scheme| lower.starts_with(**scheme))
        .map(|scheme| scheme.len())?;
    if url.len() <= rest_start {
        return None;
    }
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escaped_percent = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let keep =
            b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b) || escaped_percent;
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_runs_in_chinese() {
        let s = "使用 Open Access 模式，共 3 篇；AI 与 x 无关";
        let runs: Vec<&str> = latin_runs(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(runs, ["Open Access", "AI"]);
        assert!(latin_runs("全是中文").is_empty());
    }

    #[test]
    fn hrefs() {
        assert_eq!(
            safe_href(" https://example.com/a b?q=中 ").as_deref(),
            Some("https://example.com/a%20b?q=%E4%B8%AD")
        );
        assert_eq!(
            safe_href("HTTP://x/%41%g").as_deref(),
            Some("HTTP://x/%41%25g")
        );
        assert_eq!(safe_href("mailto:a@b.c").as_deref(), Some("mailto:a@b.c"));
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href("../02-other.md"), None);
        assert_eq!(safe_href("https://"), None);
        assert_eq!(safe_href("a\"b"), None);
    }
}
