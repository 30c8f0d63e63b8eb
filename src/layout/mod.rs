//! Layout: the document model, fonts and images in; positioned pages out.
//!
//! Articles are laid out in parallel (each starts on a new page, so they are independent),
//! then the front page with the table of contents is set, pages are numbered, running heads
//! and folios are added, and internal link targets are resolved to page positions.

pub mod article;
pub mod flow;
pub mod inline;
pub mod page;
pub mod paragraph;
mod table;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::assets::fonts::FontBook;
use crate::assets::images::ImageSet;
use crate::model::{Document, SourcePos};
use crate::theme::{TextStyle, Theme};

use article::{ArticleLayout, Missing, article_anchor};
use flow::{Anchor, Fragment, Placed, paginate};
use inline::{SpanStyle, StyledText};
use page::{Item, LinkTarget, OutlineEntry, Page, Pages};
use paragraph::{Align, ParagraphStyle, set_paragraph};

const MM: f32 = 72.0 / 25.4;

/// Page geometry in points.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub top: f32,
    pub text_width: f32,
    pub text_height: f32,
}

impl Geometry {
    /// From the page size and margins (top, right, bottom, left) in millimetres.
    pub fn from_mm(width: f32, height: f32, [top, right, bottom, left]: [f32; 4]) -> Geometry {
        Geometry {
            width: width * MM,
            height: height * MM,
            left: left * MM,
            top: top * MM,
            text_width: (width - left - right) * MM,
            text_height: (height - top - bottom) * MM,
        }
    }
}

#[derive(Debug)]
pub struct Laid {
    pub pages: Pages,
    /// Characters no font covers, where they occur (sorted, deduplicated).
    pub missing: Vec<Missing>,
}

pub fn layout_document(
    doc: &Document,
    book: &FontBook,
    images: &ImageSet,
    theme: &Theme,
    geometry: Geometry,
) -> Laid {
    let g = geometry;
    let articles: Vec<(Vec<Vec<Placed>>, Vec<Missing>)> = doc
        .articles
        .par_iter()
        .map(|a| {
            let mut l = ArticleLayout::new(book, theme, images, g.text_width, g.text_height, a);
            let frags = l.article(a);
            (paginate(frags, g.text_height), l.missing)
        })
        .collect();

    let mut missing: Vec<Missing> = Vec::new();
    // The front page: masthead and contents. Its length depends only on the entries, so
    // it is set once with the final page numbers, which are known by counting.
    let meta_lang = doc.meta.lang.as_str().to_owned();
    let mut front_l = FrontLayout {
        book,
        theme,
        width: g.text_width,
        lang: &meta_lang,
        missing: &mut missing,
    };
    let probe = front_l.front_page(doc, &vec![999; doc.articles.len()]);
    let front_pages = paginate(probe, g.text_height).len();
    let mut starts = Vec::new();
    let mut next = front_pages;
    for (pages, _) in &articles {
        starts.push(next as u32 + 1);
        next += pages.len();
    }
    front_l.missing.clear();
    let front = paginate(front_l.front_page(doc, &starts), g.text_height);

    let mut all: Vec<(Vec<Placed>, Option<usize>)> = front.into_iter().map(|p| (p, None)).collect();
    for (i, (pages, m)) in articles.into_iter().enumerate() {
        missing.extend(m);
        all.extend(pages.into_iter().map(|p| (p, Some(i))));
    }

    let mut anchors: HashMap<String, (usize, f32)> = HashMap::new();
    let mut outline = Vec::new();
    let mut pages = Vec::with_capacity(all.len());
    for (index, (placed, article)) in all.into_iter().enumerate() {
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
        let head = article.map(|i| doc.articles[i].title.as_str());
        running_furniture(&mut page, doc, head, book, theme, &g);
        pages.push(page);
    }
    for page in &mut pages {
        for item in &mut page.items {
            if let Item::Link { target, .. } = item
                && let LinkTarget::Anchor(name) = target
            {
                *target = match anchors.get(name.as_str()) {
                    Some(&(page, y)) => LinkTarget::Position { page, y },
                    // A link to nowhere (a footnote with no text was warned about).
                    None => LinkTarget::Position { page: 0, y: 0.0 },
                };
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

/// Sets one line of running text. Characters no font has are reported where the same text
/// is set in full (the article title, the masthead), not here.
fn one_line(
    text: &str,
    style: &TextStyle,
    width: f32,
    align: Align,
    lang: &str,
    book: &FontBook,
) -> Vec<Item> {
    // A running head never wraps: it is shortened with an ellipsis instead. The longest
    // prefix that fits is found by binary search over character boundaries, so a very long
    // title costs a few measurements per page, not one per character (issue #11).
    let shortened = |keep: usize| -> StyledText {
        let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
        StyledText::plain(&format!("{}…", text[..end].trim_end()), style)
    };
    let fits = |s: &StyledText| paragraph::measure(s, lang, book).0 <= width;
    let mut styled = StyledText::plain(text, style);
    let count = text.chars().count();
    // No visible character is narrower than a quarter em, so at most this many can fit;
    // longer texts are not measured whole (zero-width marks only make the cut earlier).
    let most = ((width / (style.size * 0.25)).ceil() as usize).saturating_add(8);
    if count > 1 && (count > most || !fits(&styled)) {
        // Invariant: `lo` characters fit (or lo == 1, the floor); `hi` characters do not.
        let (mut lo, mut hi) = (1, count.min(most + 1));
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(&shortened(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        styled = shortened(lo);
    }
    let set = set_paragraph(
        &styled,
        &ParagraphStyle::new(style, width, align, lang),
        book,
    );
    set.lines
        .into_iter()
        .take(1)
        .flat_map(|l| l.items)
        .collect()
}

/// Running head (bulletin title left, article title right, a rule) and the folio.
fn running_furniture(
    page: &mut Page,
    doc: &Document,
    article_title: Option<&str>,
    book: &FontBook,
    theme: &Theme,
    g: &Geometry,
) {
    let style = &theme.running;
    let lang = doc.meta.lang.as_str();
    let pitch = style.size * style.leading;
    if let Some(title) = article_title {
        let y = g.top - theme.header_offset * 0.5 - pitch;
        let left = running_left(doc);
        let half = g.text_width * 0.48;
        for (text, align, x) in [
            (left.as_str(), Align::Left, g.left),
            (title, Align::Right, g.left + g.text_width - half),
        ] {
            for mut item in one_line(text, style, half, align, lang, book) {
                item.translate(x, y);
                page.items.push(item);
            }
        }
        let rule_y = g.top - theme.header_offset * 0.5 + 2.0;
        page.items.push(Item::Line {
            x0: g.left,
            y0: rule_y,
            x1: g.left + g.text_width,
            y1: rule_y,
            width: 0.4,
            color: theme.rule_color,
        });
    }
    let y = g.top + g.text_height + theme.footer_offset * 0.5;
    for mut item in one_line(
        &page.number.to_string(),
        style,
        g.text_width,
        Align::Center,
        lang,
        book,
    ) {
        item.translate(g.left, y);
        page.items.push(item);
    }
}

fn running_left(doc: &Document) -> String {
    let m = &doc.meta;
    match (m.volume, m.issue) {
        (_, Some(i)) if doc.meta.lang.is_cjk() => format!("{}　第 {i} 期", m.title),
        (_, Some(i)) => format!("{} · No. {i}", m.title),
        _ => m.title.clone(),
    }
}

/// The first page: masthead and the table of contents.
struct FrontLayout<'a> {
    book: &'a FontBook,
    theme: &'a Theme,
    width: f32,
    lang: &'a str,
    missing: &'a mut Vec<Missing>,
}

impl FrontLayout<'_> {
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
                anchors: Vec::new(),
                float: false,
                repeat: None,
            })
            .collect()
    }

    fn front_page(&mut self, doc: &Document, starts: &[u32]) -> Vec<Fragment> {
        let t = self.theme;
        let m = &doc.meta;
        let cjk = m.lang.is_cjk();
        let mut out = Vec::new();
        // A masthead is one line: on a narrow page the title shrinks (to 60 % at most)
        // rather than leaving a character alone on a second line.
        let mut title_style = t.masthead_title.clone();
        let natural = paragraph::measure(
            &StyledText::plain(&m.title, &title_style),
            self.lang,
            self.book,
        )
        .0;
        if natural > self.width {
            title_style.size *= (self.width / natural).max(0.6) * 0.999;
        }
        out.extend(self.block(&m.title, &title_style, Align::Center, 0.0));
        if let Some(sub) = &m.subtitle {
            out.extend(self.block(sub, &t.masthead_subtitle, Align::Center, 0.4 * t.body.size));
        }
        let mut info = Vec::new();
        match (m.volume, m.issue, cjk) {
            (Some(v), Some(i), true) => info.push(format!("第 {v} 卷　第 {i} 期")),
            (None, Some(i), true) => info.push(format!("第 {i} 期")),
            (Some(v), Some(i), false) => info.push(format!("Vol. {v}, No. {i}")),
            (None, Some(i), false) => info.push(format!("No. {i}")),
            _ => {}
        }
        if let Some(d) = &m.date {
            info.push(crate::timestamp::display_date(d, cjk));
        }
        if let Some(p) = &m.publisher {
            info.push(p.clone());
        }
        if !info.is_empty() {
            out.extend(self.block(
                &info.join("　"),
                &t.masthead_info,
                Align::Center,
                0.8 * t.body.size,
            ));
        }
        let rule_h = 1.2 * t.body.size;
        out.push(Fragment {
            height: rule_h,
            items: vec![
                Item::Line {
                    x0: 0.0,
                    y0: rule_h * 0.4,
                    x1: self.width,
                    y1: rule_h * 0.4,
                    width: 2.0,
                    color: t.accent,
                },
                Item::Line {
                    x0: 0.0,
                    y0: rule_h * 0.4 + 3.0,
                    x1: self.width,
                    y1: rule_h * 0.4 + 3.0,
                    width: 0.5,
                    color: t.accent,
                },
            ],
            gap_before: 0.4 * t.body.size,
            ..Default::default()
        });
        let heading = if cjk { "目录" } else { "Contents" };
        let mut head = self.block(heading, &t.toc_heading, Align::Left, 1.2 * t.body.size);
        if let Some(f) = head.last_mut() {
            f.keep_with_next = true;
        }
        out.extend(head);
        for (article, page) in doc.articles.iter().zip(starts) {
            out.push(self.toc_entry(
                &article.title,
                article.author.as_deref(),
                *page,
                &article_anchor(article),
            ));
        }
        let editor: Vec<String> = [
            m.editor.as_ref().map(|e| {
                if cjk {
                    format!("责任编辑：{e}")
                } else {
                    format!("Editor: {e}")
                }
            }),
            (!m.authors.is_empty()).then(|| {
                if cjk {
                    format!("撰稿：{}", m.authors.join("、"))
                } else {
                    format!("Writers: {}", m.authors.join(", "))
                }
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !editor.is_empty() {
            out.extend(self.block(
                &editor.join("　"),
                &t.masthead_info,
                Align::Left,
                1.5 * t.body.size,
            ));
        }
        out
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
            gap_before: 0.0,
            keep_with_next: false,
            anchors: Vec::<Anchor>::new(),
            float: false,
            repeat: None,
        }
    }
}
