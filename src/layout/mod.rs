//! Layout: the document model, fonts and images in; positioned pages out.
//!
//! The template ([`crate::template`]) decides the document's shape: articles are set in
//! parallel, then paginated one after another or each from a new (or right-hand) page; the
//! front matter (masthead, cover, contents) is set with the final page numbers, pages are
//! numbered (roman for a book's front matter), running heads and folios are added, and
//! internal link targets are resolved to page positions.

pub mod article;
pub mod bleed;
pub mod flow;
mod front;
pub mod inline;
pub mod page;
pub mod paragraph;
mod table;
pub mod tags;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::assets::fonts::FontBook;
use crate::assets::images::ImageSet;
use crate::diagnostics::Diagnostic;
use crate::labels::Labels;
use crate::links::{LinkIndex, Target};
use crate::model::Document;
use crate::template::{DocumentKind, Front, Notes, RunningHead, Start, Template, TitleAlign};
use crate::theme::{TextStyle, Theme};

use article::{ArticleLayout, Missing, article_anchor};
use flow::{Columns, Fragment, Placed, paginate, paginate_columns};
use front::FrontLayout;
use inline::StyledText;
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
    /// Each page that holds article text, where its text begins (for the EPUB page list).
    pub page_marks: Vec<page::PageMark>,
}

/// Lays out `doc` as the bulletin template does, with `theme` for its look.
pub fn layout_document(
    doc: &Document,
    book: &FontBook,
    images: &ImageSet,
    theme: &Theme,
    geometry: Geometry,
) -> Laid {
    let mut template = Template::builtin("bulletin").unwrap_or_else(|| unreachable!());
    template.theme = theme.clone();
    layout_with_template(doc, book, images, &template, geometry)
}

/// One page before its furniture is added.
struct Sheet {
    placed: Vec<Placed>,
    /// Front matter (numbered separately when the template asks for roman numbers).
    front: bool,
    /// The article the running head names.
    article: Option<usize>,
    /// An article starts on this page (book heads are left off such pages).
    opens: bool,
    /// The page carries no head and no folio (a cover, a blank left-hand page).
    bare: bool,
}

impl Sheet {
    fn new(placed: Vec<Placed>, front: bool) -> Sheet {
        Sheet {
            placed,
            front,
            article: None,
            opens: false,
            bare: false,
        }
    }
}

/// Lays out `doc` as `template` says: its front matter, where articles start, its running
/// heads and page numbers, its look. `folio archive` calls this with the `article`
/// template for single-article copies.
pub fn layout_with_template(
    doc: &Document,
    book: &FontBook,
    images: &ImageSet,
    template: &Template,
    geometry: Geometry,
) -> Laid {
    let g = geometry;
    let kind = &template.document;
    let theme = &template.theme;
    let gap = kind.column_gap_mm * MM;
    let count = kind.columns.max(1) as usize;
    let column_width = (g.text_width - gap * (count - 1) as f32) / count as f32;
    let cols = Columns {
        count,
        step: column_width + gap,
    };
    let title_align = match kind.title_align {
        TitleAlign::Left => Align::Left,
        TitleAlign::Center => Align::Center,
    };
    type ArticleFlow = (Vec<Fragment>, Vec<Missing>, Vec<Diagnostic>);
    let articles: Vec<ArticleFlow> = doc
        .articles
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let mut l = ArticleLayout::new(book, theme, images, column_width, g.text_height, a);
            l.tags = tags::TagIds::for_article(Some(i));
            if a.lang != doc.meta.lang {
                l.article_lang = Some(a.lang.as_str().to_owned());
            }
            l.title_align = title_align;
            l.head_width = (cols.count > 1).then_some(g.text_width);
            l.foot_notes = kind.notes == Notes::Foot;
            let frags = l.article(a);
            (frags, l.missing, l.warnings)
        })
        .collect();
    let mut warnings = Vec::new();
    let mut missing: Vec<Missing> = Vec::new();
    let mut flows = Vec::with_capacity(articles.len());
    for (i, (mut frags, m, w)) in articles.into_iter().enumerate() {
        missing.extend(m);
        warnings.extend(w);
        for f in &mut frags {
            if let Some(source) = &mut f.source {
                source.0 = i;
            }
        }
        flows.push(frags);
    }

    // Front matter. Its length depends only on the number of entries, so it is set once
    // with stand-in page numbers to count its pages, then again with the real ones.
    let meta_lang = doc.meta.lang.as_str().to_owned();
    let mut front_missing = Vec::new();
    let mut front_l = FrontLayout {
        book,
        theme,
        width: g.text_width,
        lang: &meta_lang,
        missing: &mut front_missing,
        tags: tags::TagIds::for_article(None),
    };
    let front_sheets = |front_l: &mut FrontLayout<'_>, starts: &[u32]| -> Vec<Sheet> {
        let mut sheets = Vec::new();
        match kind.front {
            Front::Masthead => {
                let mut frags = front_l.masthead(doc);
                if kind.contents {
                    frags.extend(front_l.contents(doc, starts));
                }
                frags.extend(front_l.credits(doc));
                sheets.extend(
                    paginate(frags, g.text_height)
                        .into_iter()
                        .map(|p| Sheet::new(p, true)),
                );
            }
            Front::Cover => {
                let mut frags = front_l.cover(doc, g.text_height);
                frags.extend(front_l.credits(doc));
                for (n, p) in paginate(frags, g.text_height).into_iter().enumerate() {
                    let mut sheet = Sheet::new(p, true);
                    sheet.bare = n == 0;
                    sheets.push(sheet);
                }
                if kind.contents {
                    if kind.start == Start::RightPage && sheets.len() % 2 == 1 {
                        let mut blank = Sheet::new(Vec::new(), true);
                        blank.bare = true;
                        sheets.push(blank);
                    }
                    let frags = front_l.contents(doc, starts);
                    sheets.extend(
                        paginate(frags, g.text_height)
                            .into_iter()
                            .map(|p| Sheet::new(p, true)),
                    );
                }
            }
            // The compact head opens the article flow instead.
            Front::Head => {}
        }
        // The first article on a right-hand page: the blank before it is front matter.
        if kind.start == Start::RightPage && sheets.len() % 2 == 1 {
            let mut blank = Sheet::new(Vec::new(), true);
            blank.bare = true;
            sheets.push(blank);
        }
        sheets
    };
    let probe = front_sheets(&mut front_l, &vec![999; doc.articles.len()]);
    let front_count = probe.len();
    front_l.missing.clear();

    // The articles' pages.
    let head = (kind.front == Front::Head).then(|| front_l.compact_head(doc));
    let head = head.map(|mut h| {
        for f in &mut h {
            f.span = true;
        }
        h
    });
    let body = body_sheets(
        doc,
        flows,
        head,
        kind,
        front_count,
        theme,
        (g.text_height, cols),
    );
    let first_body_number = |index: usize| -> u32 {
        if kind.roman_front {
            (index - front_count) as u32 + 1
        } else {
            index as u32 + 1
        }
    };
    let mut starts = vec![0u32; doc.articles.len()];
    let mut seen = vec![false; doc.articles.len()];
    for (i, sheet) in body.iter().enumerate() {
        if let Some(a) = sheet.article
            && sheet.opens
            && !seen[a]
        {
            seen[a] = true;
            starts[a] = first_body_number(front_count + i);
        }
    }
    let front = front_sheets(&mut front_l, &starts);
    debug_assert_eq!(front.len(), front_count);
    missing.extend(front_missing);

    let mut anchors: HashMap<String, (usize, f32)> = HashMap::new();
    let mut outline = Vec::new();
    let mut pages = Vec::with_capacity(front.len() + body.len());
    let mut page_marks = Vec::new();
    let right = g.width - g.left - g.text_width;
    for (index, sheet) in front.into_iter().chain(body).enumerate() {
        // Mirrored margins: a left-hand (even) page has its wider margin on the right.
        let left = if kind.mirrored && index % 2 == 1 {
            right
        } else {
            g.left
        };
        let (number, roman) = if kind.roman_front && sheet.front {
            (index as u32 + 1, true)
        } else {
            (first_body_number(index), false)
        };
        let mut page = Page {
            items: Vec::new(),
            number,
            roman,
            tags: Vec::new(),
        };
        if let Some(&(article, block)) =
            sheet.placed.iter().find_map(|p| p.fragment.source.as_ref())
        {
            page_marks.push(page::PageMark {
                label: if roman {
                    roman_numeral(number)
                } else {
                    number.to_string()
                },
                article,
                block,
            });
        }
        for p in sheet.placed {
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
            let base = page.items.len();
            for span in &p.fragment.tags {
                page.tags.push(tags::TagSpan {
                    items: base + span.items.start..base + span.items.end,
                    path: span.path.clone(),
                });
            }
            for mut item in p.fragment.items {
                item.translate(left + p.x, y);
                page.items.push(item);
            }
        }
        if !sheet.bare {
            // The compact head of the article template already names the publication.
            let under_head = kind.front == Front::Head && index == front_count;
            let head = match (kind.running_head, sheet.article) {
                (_, None) | (RunningHead::None, _) => Head::None,
                _ if under_head => Head::None,
                (RunningHead::Bulletin, Some(a)) => Head::Bulletin(&doc.articles[a].title),
                (RunningHead::Book, Some(_)) if sheet.opens => Head::None,
                (RunningHead::Book, Some(_)) if index % 2 == 1 => Head::Even(&doc.meta.title),
                (RunningHead::Book, Some(a)) => Head::Odd(&doc.articles[a].title),
            };
            running_furniture(&mut page, doc, head, book, theme, &g, left);
        }
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
            boxes: None,
        },
        missing,
        warnings,
        page_marks,
    }
}

/// The articles' pages, each starting where the template says. `front_count` pages come
/// before them (right-hand pages are odd counted from the first page).
fn body_sheets(
    doc: &Document,
    flows: Vec<Vec<Fragment>>,
    head: Option<Vec<Fragment>>,
    kind: &DocumentKind,
    front_count: usize,
    theme: &Theme,
    (height, cols): (f32, Columns),
) -> Vec<Sheet> {
    let mut sheets: Vec<Sheet> = Vec::new();
    if kind.start == Start::Continuous {
        // One flow: each article's title follows the previous article after a gap.
        let mut all = head.unwrap_or_default();
        for (i, mut frags) in flows.into_iter().enumerate() {
            if let Some(first) = frags.first_mut()
                && (i > 0 || !all.is_empty())
            {
                first.gap_before = 2.5 * theme.body.size;
            }
            all.extend(frags);
        }
        let openers: HashMap<String, usize> = doc
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (article_anchor(a), i))
            .collect();
        let mut current = None;
        for placed in paginate_columns(all, height, cols) {
            let opened: Vec<usize> = placed
                .iter()
                .flat_map(|p| &p.fragment.anchors)
                .filter_map(|a| openers.get(&a.name).copied())
                .collect();
            let mut sheet = Sheet::new(placed, false);
            sheet.opens = !opened.is_empty();
            // The head names the article at the page top, or the first one opening here.
            sheet.article = if opened.is_empty() {
                current
            } else {
                current.or(opened.first().copied())
            };
            if let Some(&last) = opened.last() {
                current = Some(last);
            }
            // A page that begins with an article's title is named after it.
            if let Some(first) = sheet.placed.first()
                && let Some(a) = first
                    .fragment
                    .anchors
                    .iter()
                    .find_map(|a| openers.get(&a.name))
            {
                sheet.article = Some(*a);
            }
            sheets.push(sheet);
        }
        return sheets;
    }
    let mut head = head;
    for (i, frags) in flows.into_iter().enumerate() {
        if kind.start == Start::RightPage && (front_count + sheets.len()) % 2 == 1 {
            let mut blank = Sheet::new(Vec::new(), false);
            blank.bare = true;
            sheets.push(blank);
        }
        let frags = match head.take() {
            Some(mut h) => {
                h.extend(frags);
                h
            }
            None => frags,
        };
        for (n, placed) in paginate_columns(frags, height, cols)
            .into_iter()
            .enumerate()
        {
            let mut sheet = Sheet::new(placed, false);
            sheet.article = Some(i);
            sheet.opens = n == 0;
            sheets.push(sheet);
        }
    }
    sheets
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
        let mut kept = Vec::with_capacity(page.items.len());
        page.items.retain_mut(|item| {
            let keep = match item {
                Item::Link { target, .. } => match target {
                    LinkTarget::Anchor(name) => match find(name) {
                        Some((page, y)) => {
                            *target = LinkTarget::Position { page, y };
                            true
                        }
                        None => false,
                    },
                    _ => true,
                },
                _ => true,
            };
            kept.push(keep);
            keep
        });
        // The tags count items: they follow the removal.
        tags::keep_items(&mut page.tags, &kept);
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

/// What the running head of a page carries.
enum Head<'a> {
    None,
    /// Bulletin name and issue left, this article's title right.
    Bulletin(&'a str),
    /// A book's left-hand page: the book's title at the outer (left) edge.
    Even(&'a str),
    /// A book's right-hand page: the chapter's title at the outer (right) edge.
    Odd(&'a str),
}

/// The running head (with a rule under it) and the folio.
fn running_furniture(
    page: &mut Page,
    doc: &Document,
    head: Head<'_>,
    book: &FontBook,
    theme: &Theme,
    g: &Geometry,
    left: f32,
) {
    let style = &theme.running;
    let lang = doc.meta.lang.as_str();
    let pitch = style.size * style.leading;
    let y = g.top - theme.header_offset * 0.5 - pitch;
    let half = g.text_width * 0.48;
    let full = g.text_width;
    let bulletin_left;
    let parts: Vec<(&str, Align, f32, f32)> = match head {
        Head::None => Vec::new(),
        Head::Bulletin(title) => {
            bulletin_left = running_left(doc);
            vec![
                (bulletin_left.as_str(), Align::Left, left, half),
                (title, Align::Right, left + full - half, half),
            ]
        }
        Head::Even(title) => vec![(title, Align::Left, left, full)],
        Head::Odd(title) => vec![(title, Align::Right, left, full)],
    };
    if !parts.is_empty() {
        for (text, align, x, width) in parts {
            for mut item in one_line(text, style, width, align, lang, book) {
                item.translate(x, y);
                page.items.push(item);
            }
        }
        let rule_y = g.top - theme.header_offset * 0.5 + 2.0;
        page.items.push(Item::Line {
            x0: left,
            y0: rule_y,
            x1: left + g.text_width,
            y1: rule_y,
            width: 0.4,
            color: theme.rule_color,
        });
    }
    let y = g.top + g.text_height + theme.footer_offset * 0.5;
    let folio = if page.roman {
        roman_numeral(page.number)
    } else {
        page.number.to_string()
    };
    for mut item in one_line(&folio, style, g.text_width, Align::Center, lang, book) {
        item.translate(left, y);
        page.items.push(item);
    }
}

/// Lower-case roman numerals (front matter page numbers).
fn roman_numeral(mut n: u32) -> String {
    const DIGITS: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

fn running_left(doc: &Document) -> String {
    let m = &doc.meta;
    Labels::for_lang(m.lang.as_str()).running_title(&m.title, m.issue)
}
