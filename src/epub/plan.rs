//! Decisions made once, before any file is written: each article's file name, each
//! heading's id and level, each image's name inside the book, the outline for the nav.
//!
//! The article writer and the navigation both read this plan, so a link in the nav always
//! points at an id that exists.

use std::collections::{BTreeMap, BTreeSet};

use crate::assets::images::{ImageAsset, ImageSet};
use crate::diagnostics::Error;
use crate::links::{LinkIndex, Target};
use crate::model::{Article, Block, Document, plain_text};

use super::xml;

/// Blocks nested deeper than this (quotes in lists in quotes …) are written as plain text,
/// which keeps recursion bounded whatever the input.
pub(crate) const MAX_NESTING: usize = 32;

/// The id of each article's title (`h1`), which names its section; no heading takes it.
pub(crate) const TITLE_ID: &str = "article-title";

/// File stems the book uses for its own pages.
const RESERVED_STEMS: [&str; 5] = ["cover", "contents", "nav", "toc", "stylesheet"];

pub(crate) struct BookPlan<'d> {
    /// The book's language tag, repaired or `und`.
    pub lang: String,
    pub articles: Vec<ArticlePlan>,
    /// Images used by the document, by `ImageRef::key`.
    pub images: BTreeMap<String, PlannedImage<'d>>,
    /// Where `#fragment` links lead (shared with the PDF layout).
    pub links: LinkIndex,
    /// How Chinese emphasis is shown (as in the PDF).
    pub emphasis: crate::theme::EmphasisStyle,
}

pub(crate) struct PlannedImage<'d> {
    /// Path inside the book, e.g. `images/img-001.jpg`.
    pub href: String,
    pub asset: &'d ImageAsset,
}

pub(crate) struct ArticlePlan {
    /// e.g. `01-mid-year-work-meeting.xhtml`.
    pub file: String,
    pub lang: String,
    /// The article's entry in the nav and contents page.
    pub label: String,
    /// Id and output level of every heading, by the heading block's address.
    headings: BTreeMap<*const Block, PlannedHeading>,
    /// Headings that become nested nav entries (output levels 2 and 3).
    pub outline: Vec<OutlineEntry>,
    /// The XML id written for each of the author's heading ids (the first heading that
    /// has it), for internal links.
    ids: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub(crate) struct PlannedHeading {
    pub id: String,
    /// `h2` … `h6`: the article title is the only `h1`.
    pub level: u8,
}

#[derive(Debug, Clone)]
pub(crate) struct OutlineEntry {
    pub level: u8,
    pub id: String,
    pub label: String,
}

impl ArticlePlan {
    pub(crate) fn heading(&self, block: &Block) -> Option<&PlannedHeading> {
        self.headings.get(&std::ptr::from_ref(block))
    }

    /// The id written for the heading the author called `id`, if it was written with one.
    pub(crate) fn heading_id(&self, id: &str) -> Option<&str> {
        self.ids.get(id).map(String::as_str)
    }
}

impl<'d> BookPlan<'d> {
    pub(crate) fn new(doc: &'d Document, images: &'d ImageSet) -> Result<Self, Error> {
        let lang = xml::language_tag(doc.meta.lang.as_str()).unwrap_or_else(|| "und".to_owned());
        let mut stems: BTreeSet<String> = RESERVED_STEMS.iter().map(|s| (*s).to_owned()).collect();
        let articles = doc
            .articles
            .iter()
            .enumerate()
            .map(|(index, article)| plan_article(article, index, &lang, &mut stems))
            .collect();
        Ok(BookPlan {
            lang,
            articles,
            images: plan_images(doc, images)?,
            links: LinkIndex::new(doc),
            emphasis: Default::default(),
        })
    }

    pub(crate) fn image(&self, key: &str) -> Option<&PlannedImage<'d>> {
        self.images.get(key)
    }

    /// The `href` an internal link `#fragment` written in article `from` gets: the id in
    /// the same file, or the other chapter's file (and id). `None` if it leads nowhere.
    pub(crate) fn internal_href(&self, from: usize, fragment: &str) -> Option<String> {
        let (article, id) = match self.links.resolve(from, fragment)? {
            Target::Article(n) => (n, None),
            Target::Heading { article, id } => (article, Some(id)),
        };
        let plan = self.articles.get(article)?;
        let id = id.as_deref().and_then(|id| plan.heading_id(id));
        Some(match (article == from, id) {
            (true, Some(id)) => format!("#{id}"),
            (false, Some(id)) => format!("{}#{id}", plan.file),
            (_, None) => plan.file.clone(),
        })
    }
}

fn plan_article(
    article: &Article,
    index: usize,
    book_lang: &str,
    stems: &mut BTreeSet<String>,
) -> ArticlePlan {
    // Names may differ only in case on disk, so uniqueness is checked case-insensitively.
    let wanted = if xml::is_safe_file_stem(&article.id) {
        article.id.clone()
    } else {
        format!("article-{:02}", index + 1)
    };
    let stem = unique(&wanted, |s| stems.contains(&s.to_ascii_lowercase()));
    stems.insert(stem.to_ascii_lowercase());

    let mut all = Vec::new();
    for_each_heading(&article.blocks, 0, &mut |block, depth| {
        all.push((block, depth, true))
    });
    for note in &article.footnotes {
        for_each_heading(&note.blocks, 0, &mut |block, depth| {
            all.push((block, depth, false))
        });
    }
    let min_level = all
        .iter()
        .filter_map(|(b, _, _)| heading_level(b))
        .min()
        .unwrap_or(1);

    let mut allocator = IdAllocator::default();
    allocator.taken.insert(TITLE_ID.to_owned());
    let mut headings = BTreeMap::new();
    let mut outline = Vec::new();
    let mut ids = BTreeMap::new();
    for (ordinal, (block, depth, in_body)) in all.into_iter().enumerate() {
        let Block::Heading {
            level, id, content, ..
        } = block
        else {
            continue;
        };
        let level = ((*level).clamp(1, 6).saturating_sub(min_level) + 2).min(6);
        let model_id = id;
        let id = allocator.claim(id, ordinal + 1);
        let label = xml::label(&plain_text(content));
        if in_body && depth == 0 && level <= 3 && !label.is_empty() {
            outline.push(OutlineEntry {
                level,
                id: id.clone(),
                label,
            });
        }
        ids.entry(model_id.clone()).or_insert_with(|| id.clone());
        headings.insert(std::ptr::from_ref(block), PlannedHeading { id, level });
    }

    let title = xml::label(&article.title);
    ArticlePlan {
        file: format!("{stem}.xhtml"),
        lang: xml::language_tag(article.lang.as_str()).unwrap_or_else(|| book_lang.to_owned()),
        label: if title.is_empty() { stem } else { title },
        headings,
        outline,
        ids,
    }
}

fn heading_level(block: &Block) -> Option<u8> {
    match block {
        Block::Heading { level, .. } => Some((*level).clamp(1, 6)),
        _ => None,
    }
}

/// Visits headings in document order, with their nesting depth, down to [`MAX_NESTING`].
fn for_each_heading<'a>(blocks: &'a [Block], depth: usize, f: &mut impl FnMut(&'a Block, usize)) {
    if depth > MAX_NESTING {
        return;
    }
    for block in blocks {
        match block {
            Block::Heading { .. } => f(block, depth),
            other => {
                for blocks in other.children() {
                    for_each_heading(blocks, depth + 1, f);
                }
            }
        }
    }
}

/// Ids within one article. Footnotes own the `fn-` and `fnref-` prefixes.
#[derive(Default)]
struct IdAllocator {
    taken: BTreeSet<String>,
}

impl IdAllocator {
    /// The author's id if it is a plain ASCII name (`h-` in front if it starts with a
    /// digit or a footnote prefix), else `sec-N`; made unique.
    fn claim(&mut self, wanted: &str, ordinal: usize) -> String {
        let prefixed = format!("h-{wanted}");
        let base = if xml::is_ascii_ncname(wanted)
            && !wanted.starts_with("fn-")
            && !wanted.starts_with("fnref-")
        {
            wanted.to_owned()
        } else if xml::is_ascii_ncname(&prefixed) {
            prefixed
        } else {
            format!("sec-{ordinal}")
        };
        let id = unique(&base, |s| self.taken.contains(s));
        self.taken.insert(id.clone());
        id
    }
}

/// `base`, or `base-2`, `base-3` … whichever is free first.
fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2u64..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken(s))
        .unwrap_or_else(|| base.to_owned())
}

/// Names every used image `images/img-NNN.ext`, numbered in key order. The authors' file
/// names (spaces, hanzi) never reach the book.
fn plan_images<'d>(
    doc: &'d Document,
    images: &'d ImageSet,
) -> Result<BTreeMap<String, PlannedImage<'d>>, Error> {
    let mut used: BTreeMap<&str, &str> = BTreeMap::new();
    for article in &doc.articles {
        let mut visit = |key: &'d str| {
            used.entry(key).or_insert(&*article.source);
        };
        for_each_figure(&article.blocks, 0, &mut visit);
        for note in &article.footnotes {
            for_each_figure(&note.blocks, 0, &mut visit);
        }
    }
    let mut out = BTreeMap::new();
    for (n, (key, source)) in used.into_iter().enumerate() {
        if crate::assets::remote::is_remote(key) && !images.contains_key(key) {
            // Not fetched (reported): the writer draws a placeholder.
            continue;
        }
        let asset = images.get(key).ok_or_else(|| {
            Error::Epub(format!(
                "image `{key}` (used in {source}) was not loaded; load every image with \
                 `assets::images::load_images` first"
            ))
        })?;
        let href = format!("images/img-{:03}.{}", n + 1, asset.format.extension());
        out.insert(key.to_owned(), PlannedImage { href, asset });
    }
    Ok(out)
}

fn for_each_figure<'a>(blocks: &'a [Block], depth: usize, f: &mut impl FnMut(&'a str)) {
    if depth > MAX_NESTING {
        return;
    }
    for block in blocks {
        match block {
            Block::Figure { image, .. } => f(&image.key),
            other => {
                for blocks in other.children() {
                    for_each_figure(blocks, depth + 1, f);
                }
            }
        }
    }
}
