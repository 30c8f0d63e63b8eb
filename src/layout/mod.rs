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
use crate::diagnostics::Diagnostic;
use crate::labels::Labels;
use crate::links::{LinkIndex, Target};
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
    /// Limits the layout met (deep nesting, wide tables), in document order.
    pub warnings: Vec<Diagnostic>,
}

/// One article's pages, the characters no font had and the limits it met.
type ArticlePages = (Vec<Vec<Placed>>, Vec<Missing>, Vec<Diagnostic>);

pub fn layout_document(
    doc: &Document,
    book: &FontBook,
    images: &ImageSet,
    theme: &Theme,
    geometry: Geometry,
) -> Laid {
    let g = geometry;
    let articles: Vec<ArticlePages> = doc
        .articles
        .par_iter()
        .map(|a| {
            let mut l = ArticleLayout::new(book, theme, images, g.text_width, g.text_height, a);
            let frags = l.article(a);
            (paginate(frags, g.text_height), l.missing, l.warnings)
        })
        .collect();
    let mut warnings = Vec::new();

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
    for (pages, _, _) in &articles {
        starts.push(next as u32 + 1);
        next += pages.len();
    }
    front_l.missing.clear();
    let front = paginate(front_l.front_page(doc, &starts), g.text_height);

    let mut all: Vec<(Vec<Placed>, Option<usize>)> = front.into_iter().map(|p| (p, None)).collect();
    for (i, (pages, m, w)) in articles.into_iter().enumerate() {
        missing.extend(m);
        warnings.extend(w);
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
    resolve_links(&mut pages, &anchors, doc);
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
        warnings,
    }
}

/// Turns anchor names into page positions. An author's `#fragment` that is not a heading
/// of its own article is looked up book-wide ([`crate::links`]); a link that leads nowhere
/// (already warned about with its file and line) keeps its text and loses the link.
fn resolve_links(pages: &mut [Page], anchors: &HashMap<String, (usize, f32)>, doc: &Document) {
    let index = LinkIndex::new(doc);
    let article_of: HashMap<&str, usize> = doc
        .articles
        .iter()
        .enumerate()
        .map(|(n, a)| (a.id.as_str(), n))
        .collect();
    let find = |name: &str| -> Option<(usize, f32)> {
        if let Some(&at) = anchors.get(name) {
            return Some(at);
        }
        // Article ids are `[a-z0-9-]`: the first `:` ends the prefix.
        let (article, fragment) = name.split_once(':')?;
        let from = *article_of.get(article)?;
        let target = match index.resolve(from, fragment)? {
            Target::Article(n) => article_anchor(&doc.articles[n]),
            Target::Heading { article, id } => {
                format!("{}{id}", article_anchor(&doc.articles[article]))
            }
        };
        anchors.get(&target).copied()
    };
    for page in pages {
        page.items.retain_mut(|item| {
            let Item::Link { target, .. } = item else {
                return true;
            };
            let LinkTarget::Anchor(name) = target else {
                return true;
            };
            match find(name) {
                Some((page, y)) => {
                    *target = LinkTarget::Position { page, y };
                    true
                }
                None => false,
            }
        });
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
    let mut styled = StyledText::plain(text, style);
    // A running head never wraps: it is shortened with an ellipsis instead.
    let mut keep = text.chars().count();
    while keep > 1 && paragraph::measure(&styled, lang, book).0 > width {
        keep -= 1;
        let short: String = text.chars().take(keep).collect();
        styled = StyledText::plain(&format!("{}…", short.trim_end()), style);
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
    Labels::for_lang(m.lang.as_str()).running_title(&m.title, m.issue)
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
        let labels = Labels::for_lang(m.lang.as_str());
        let mut info: Vec<String> = labels.issue(m.volume, m.issue).into_iter().collect();
        if let Some(d) = &m.date {
            info.push(crate::timestamp::display_date(d, cjk));
        }
        if let Some(p) = &m.publisher {
            info.push(p.clone());
        }
        if !info.is_empty() {
            out.extend(self.block(
                &info.join(labels.separator()),
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
        let mut head = self.block(
            labels.contents(),
            &t.toc_heading,
            Align::Left,
            1.2 * t.body.size,
        );
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
            m.editor.as_ref().map(|e| labels.editor(e)),
            (!m.authors.is_empty()).then(|| labels.authors(&m.authors)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !editor.is_empty() {
            out.extend(self.block(
                &editor.join(labels.separator()),
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
