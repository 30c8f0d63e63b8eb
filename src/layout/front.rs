//! The pages before and around the articles, set from the template's choice: the 简报
//! masthead with the contents below it, a book's cover and contents pages, or the compact
//! head of a single article.

use crate::assets::fonts::FontBook;
use crate::labels::Labels;
use crate::model::{Document, SourcePos};
use crate::theme::{TextStyle, Theme};

use super::article::{Missing, article_anchor};
use super::flow::Fragment;
use super::inline::{SpanStyle, StyledText};
use super::page::{Item, LinkTarget};
use super::paragraph::{self, Align, ParagraphStyle, set_paragraph};
use super::tags::{self, Role, TagIds, TagNode};

/// The first page: masthead and the table of contents.
pub(crate) struct FrontLayout<'a> {
    pub book: &'a FontBook,
    pub theme: &'a Theme,
    pub width: f32,
    pub lang: &'a str,
    pub missing: &'a mut Vec<Missing>,
    /// Structure element ids of the front matter (tagged PDF).
    pub tags: TagIds,
}

/// Marks every item of `frags` as content of one new `leaf` element under `parents`.
fn tag_all(frags: &mut [Fragment], parents: &[TagNode], leaf: TagNode) {
    let path = tags::path_with(parents, leaf);
    for f in frags.iter_mut().filter(|f| !f.items.is_empty()) {
        f.tags = vec![tags::TagSpan {
            items: 0..f.items.len(),
            path: path.clone(),
        }];
    }
}

impl FrontLayout<'_> {
    /// `frags` as one top-level structure element of `role`.
    fn tagged(&mut self, mut frags: Vec<Fragment>, role: Role) -> Vec<Fragment> {
        let node = self.tags.node(role);
        tag_all(&mut frags, &[], node);
        frags
    }

    /// A line of front-matter text, tagged as a paragraph.
    fn para(&mut self, text: &str, style: &TextStyle, align: Align, gap: f32) -> Vec<Fragment> {
        let frags = self.block(text, style, align, gap);
        self.tagged(frags, Role::P)
    }

    fn block(&mut self, text: &str, style: &TextStyle, align: Align, gap: f32) -> Vec<Fragment> {
        let styled = StyledText::plain(text, style);
        self.styled_block(&styled, style, align, gap, self.width)
    }

    fn styled_block(
        &mut self,
        styled: &StyledText,
        style: &TextStyle,
        align: Align,
        gap: f32,
        width: f32,
    ) -> Vec<Fragment> {
        let para = ParagraphStyle::new(style, width, align, self.lang);
        let set = set_paragraph(styled, &para, self.book);
        let pos = SourcePos {
            file: "bulletin.toml".into(),
            line: 1,
        };
        for &at in &set.missing {
            if let Some(ch) = styled.text[at..].chars().next() {
                self.missing.push(Missing {
                    ch,
                    pos: pos.clone(),
                });
            }
        }
        let n = set.lines.len();
        set.lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| Fragment {
                height: l.height,
                items: l.items,
                gap_before: if i == 0 { gap } else { 0.0 },
                keep_with_next: i + 1 < n,
                ..Default::default()
            })
            .collect()
    }

    /// The title on one line: on a narrow page it shrinks (to 60 % at most) rather than
    /// leaving a character alone on a second line.
    fn title_line(&mut self, title: &str, style: &TextStyle, align: Align) -> Vec<Fragment> {
        let mut title_style = style.clone();
        let natural = paragraph::measure(
            &StyledText::plain(title, &title_style),
            self.lang,
            self.book,
        )
        .0;
        if natural > self.width {
            title_style.size *= (self.width / natural).max(0.6) * 0.999;
        }
        let frags = self.block(title, &title_style, align, 0.0);
        self.tagged(frags, Role::H(1, title.to_owned()))
    }

    /// "第 3 卷　第 17 期　2023年9月1日　publisher".
    fn info_line(doc: &Document) -> Option<String> {
        let m = &doc.meta;
        let labels = Labels::for_lang(m.lang.as_str());
        let mut info: Vec<String> = labels.issue(m).into_iter().collect();
        if let Some(d) = &m.date {
            info.push(crate::timestamp::display_date(d, m.lang.is_cjk()));
        }
        if let Some(p) = &m.publisher {
            info.push(p.clone());
        }
        (!info.is_empty()).then(|| info.join(labels.separator()))
    }

    /// The accent rule under a masthead or head: thick and thin, or thin only.
    fn rule(&self, double: bool) -> Fragment {
        let t = self.theme;
        let rule_h = 1.2 * t.body.size;
        let line = |y: f32, width: f32| Item::Line {
            x0: 0.0,
            y0: y,
            x1: self.width,
            y1: y,
            width,
            color: t.accent,
        };
        let mut items = vec![line(rule_h * 0.4, if double { 2.0 } else { 0.8 })];
        if double {
            items.push(line(rule_h * 0.4 + 3.0, 0.5));
        }
        Fragment {
            height: rule_h,
            items,
            gap_before: 0.4 * t.body.size,
            ..Default::default()
        }
    }

    /// The 简报 masthead: name large, subtitle, the issue line, publisher left and date
    /// right, a double rule.
    pub(crate) fn masthead(&mut self, doc: &Document) -> Vec<Fragment> {
        let t = self.theme;
        let m = &doc.meta;
        let labels = Labels::for_lang(m.lang.as_str());
        let mut out = self.title_line(&m.title, &t.masthead_title, Align::Center);
        if let Some(sub) = &m.subtitle {
            out.extend(self.para(sub, &t.masthead_subtitle, Align::Center, 0.4 * t.body.size));
        }
        if let Some(issue) = labels.issue(m) {
            out.extend(self.para(&issue, &t.masthead_info, Align::Center, 0.8 * t.body.size));
        }
        let date = m
            .date
            .as_deref()
            .map(|d| crate::timestamp::display_date(d, m.lang.is_cjk()));
        out.extend(self.imprint(m.publisher.as_deref(), date.as_deref()));
        out.push(self.rule(true));
        out
    }

    /// Publisher at the left and date at the right of one line (each its own paragraph
    /// for the tagged PDF); one under the other when they do not share a line.
    fn imprint(&mut self, publisher: Option<&str>, date: Option<&str>) -> Vec<Fragment> {
        let t = self.theme;
        let gap = 0.6 * t.body.size;
        let left = publisher.map(|p| self.para(p, &t.masthead_info, Align::Left, gap));
        let right = date.map(|d| self.para(d, &t.masthead_info, Align::Right, gap));
        let (Some(left), Some(right)) = (left.clone(), right.clone()) else {
            return left.into_iter().chain(right).flatten().collect();
        };
        let line_width = |frags: &[Fragment]| {
            frags
                .iter()
                .flat_map(|f| &f.items)
                .filter_map(|i| match i {
                    Item::Text(run) => Some((
                        run.x,
                        run.x + run.glyphs.iter().map(|g| g.advance).sum::<f32>(),
                    )),
                    _ => None,
                })
                .fold((f32::MAX, 0.0f32), |(a, b), (x0, x1)| {
                    (a.min(x0), b.max(x1))
                })
        };
        let (_, left_end) = line_width(&left);
        let (right_start, _) = line_width(&right);
        if left.len() != 1 || right.len() != 1 || left_end + t.body.size > right_start {
            return left.into_iter().chain(right).collect();
        }
        let mut line = Fragment {
            gap_before: gap,
            ..Default::default()
        };
        for part in left.into_iter().chain(right) {
            let base = line.items.len();
            line.tags
                .extend(part.tags.into_iter().map(|span| tags::TagSpan {
                    items: base + span.items.start..base + span.items.end,
                    path: span.path,
                }));
            line.items.extend(part.items);
            line.height = line.height.max(part.height);
        }
        vec![line]
    }

    /// A cover page: the title a third of the way down, subtitle, rule, issue line.
    pub(crate) fn cover(&mut self, doc: &Document, height: f32) -> Vec<Fragment> {
        let t = self.theme;
        let m = &doc.meta;
        let mut out = vec![Fragment {
            height: height * 0.28,
            ..Default::default()
        }];
        out.extend(self.title_line(&m.title, &t.masthead_title, Align::Center));
        if let Some(sub) = &m.subtitle {
            out.extend(self.para(sub, &t.masthead_subtitle, Align::Center, 0.8 * t.body.size));
        }
        let mut rule = self.rule(false);
        rule.gap_before = 1.5 * t.body.size;
        out.push(rule);
        if let Some(info) = Self::info_line(doc) {
            out.extend(self.para(&info, &t.masthead_info, Align::Center, 0.8 * t.body.size));
        }
        chain_all(&mut out);
        out
    }

    /// A compact head above a single article: the publication's name and issue line.
    pub(crate) fn compact_head(&mut self, doc: &Document) -> Vec<Fragment> {
        let t = self.theme;
        let m = &doc.meta;
        // A single article's document is titled after the article; the head names where
        // it was published.
        let name = m.publication.as_deref().unwrap_or(&m.title);
        let mut out = self.title_line(name, &t.masthead_title, Align::Left);
        if let Some(info) = Self::info_line(doc) {
            out.extend(self.para(&info, &t.masthead_info, Align::Left, 0.2 * t.body.size));
        }
        out.push(self.rule(false));
        if let Some(last) = out.last_mut() {
            last.height += 0.8 * t.body.size;
        }
        chain_all(&mut out);
        out
    }

    /// The contents heading and one entry per article, with its start page.
    pub(crate) fn contents(&mut self, doc: &Document, starts: &[u32]) -> Vec<Fragment> {
        let t = self.theme;
        let labels = Labels::for_lang(doc.meta.lang.as_str());
        let heading = self.block(
            labels.contents(),
            &t.toc_heading,
            Align::Left,
            1.2 * t.body.size,
        );
        let mut out = self.tagged(heading, Role::H(2, labels.contents().to_owned()));
        let toc = [self.tags.node(Role::TOC)];
        if let Some(f) = out.last_mut() {
            f.keep_with_next = true;
        }
        for (article, page) in doc.articles.iter().zip(starts) {
            let mut entry = [self.toc_entry(
                &article.title,
                article.author.as_deref(),
                *page,
                &article_anchor(article),
            )];
            let item = self.tags.node(Role::TOCI);
            tag_all(&mut entry, &toc, item);
            out.extend(entry);
        }
        // Each entry's text and its link annotation in one Link element.
        tags::mark_links(&mut out, &mut self.tags, &|_| false);
        out
    }

    /// 责任编辑 and 撰稿 (editor and writers), if `bulletin.toml` names them.
    pub(crate) fn credits(&mut self, doc: &Document) -> Vec<Fragment> {
        let t = self.theme;
        let m = &doc.meta;
        let labels = Labels::for_lang(m.lang.as_str());
        let editor: Vec<String> = [
            m.editor.as_ref().map(|e| labels.editor(e)),
            (!m.authors.is_empty()).then(|| labels.authors(&m.authors)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if editor.is_empty() {
            return Vec::new();
        }
        self.para(
            &editor.join(labels.separator()),
            &t.masthead_info,
            Align::Left,
            1.5 * t.body.size,
        )
    }

    /// Title, dot leaders and the page number, linked to the article.
    fn toc_entry(
        &mut self,
        title: &str,
        author: Option<&str>,
        page: u32,
        anchor: &str,
    ) -> Fragment {
        let t = self.theme;
        let style = &t.toc_entry;
        let number = page.to_string();
        let number_w = 3.0 * style.size;
        let mut label = StyledText::plain(title, style);
        if let Some(a) = author {
            let mut s = SpanStyle::from(&t.byline);
            s.size = style.size * 0.85;
            label.push("　", &s);
            label.push(a, &s);
        }
        let title_w = self.width - number_w - 1.0 * style.size;
        let frags = self.styled_block(&label, style, Align::Left, 0.0, title_w);
        let mut items = Vec::new();
        let mut height = 0.0;
        let mut last_end: f32 = 0.0;
        let n = frags.len();
        for (i, f) in frags.into_iter().enumerate() {
            for mut item in f.items {
                if let (Item::Text(r), true) = (&item, i + 1 == n) {
                    last_end = last_end.max(r.x + r.glyphs.iter().map(|g| g.advance).sum::<f32>());
                }
                item.translate(0.0, height);
                items.push(item);
            }
            height += f.height;
        }
        let last_top = height - style.size * style.leading;
        let leader_y =
            last_top + (style.size * style.leading - style.size) / 2.0 + 0.85 * style.size;
        let mut num = self.block(&number, style, Align::Right, 0.0);
        if let Some(f) = num.first_mut() {
            for mut item in std::mem::take(&mut f.items) {
                item.translate(0.0, last_top);
                items.push(item);
            }
        }
        // Dot leaders on a fixed grid, so the dots of every entry line up vertically.
        let step = 0.5 * style.size;
        let first = ((last_end + 0.6 * style.size) / step).ceil() as i32;
        let last = ((self.width - number_w + 0.5 * style.size) / step).floor() as i32;
        for k in first..=last {
            items.push(Item::Dot {
                x: k as f32 * step,
                y: leader_y - 0.1 * style.size,
                radius: 0.055 * style.size,
                color: t.toc_entry.color,
            });
        }
        items.push(Item::Link {
            x: 0.0,
            y: 0.0,
            width: self.width,
            height,
            target: LinkTarget::Anchor(anchor.to_owned()),
        });
        Fragment {
            height,
            items,
            ..Default::default()
        }
    }
}

/// Keeps a whole block on one page.
fn chain_all(frags: &mut [Fragment]) {
    let n = frags.len();
    for f in frags.iter_mut().take(n.saturating_sub(1)) {
        f.keep_with_next = true;
    }
}
