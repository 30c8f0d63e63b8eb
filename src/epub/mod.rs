//! EPUB 3 output: the document model written as a reflowable e-book with subset fonts.
//!
//! The book holds a generated SVG cover, a title-and-contents page, one XHTML file per
//! article, the images under safe names, and each bundled face cut down to the characters
//! it shows. The output depends only on the inputs: no clock, no random identifier, no
//! hash-map order, no thread count; two runs give the same bytes.
//!
//! Files: `plan` (names and ids), `xhtml` (articles), `pages` (cover and contents pages),
//! `cover` (cover picture), `nav` (navigation entries), `css` (stylesheet), `usage`,
//! `fonts` and `subset` (which characters each face needs, and cutting it down), `ident`
//! (identifier and timestamp), `package` (epub-builder), `xml` (escaping and value
//! syntax); the book's own words come from the shared `crate::labels`.

mod access;
mod cover;
mod css;
mod fonts;
mod ident;
mod nav;
mod package;
mod pagelist;
mod pagemarks;
mod pages;
mod plan;
mod repack;
mod subset;
mod usage;
mod xhtml;
mod xml;

#[cfg(test)]
mod tests;

use crate::assets::images::ImageSet;
use crate::diagnostics::Error;
use crate::model::Document;

use crate::labels::Labels;
use fonts::FontSet;
use ident::Identity;
use package::{Book, BookArticle};
use plan::BookPlan;
use usage::CharUsage;

/// Where the generated cover picture goes inside the book.
const COVER_IMAGE: &str = "images/cover.svg";

/// One font face to embed. `family` is "Folio Serif" (body), "Folio Sans" (headings,
/// titles, captions) or "Folio Mono" (code); `data` is the whole font file (TrueType or
/// OpenType); the book gets a subset of it.
#[derive(Clone, Copy)]
pub struct EpubFont<'a> {
    pub family: &'a str,
    pub bold: bool,
    pub data: &'a [u8],
}

/// Shows the size, not megabytes of font data.
impl std::fmt::Debug for EpubFont<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EpubFont")
            .field("family", &self.family)
            .field("bold", &self.bold)
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .finish()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct EpubOptions {
    /// The book's `dcterms:modified`, in seconds since 1970-01-01 UTC: from
    /// `SOURCE_DATE_EPOCH` or the bulletin's date, never the clock.
    pub modified_unix: i64,
    /// How Chinese emphasis is shown: dots, Kai or bold, as in the PDF.
    pub emphasis: crate::theme::EmphasisStyle,
}

/// Writes `doc` as an EPUB 3 file and returns its bytes.
///
/// `images` must hold every image the document uses (see
/// [`crate::assets::images::load_images`]). Faces nothing is shown in are left out.
pub fn write_epub(
    doc: &Document,
    images: &ImageSet,
    fonts: &[EpubFont],
    opts: &EpubOptions,
) -> Result<Vec<u8>, Error> {
    write_epub_with_pages(doc, images, fonts, opts, &[])
}

/// The book's opening pages, as the template chose them for print: the bulletin's
/// masthead look on the title page with the contents, a book's cover then its contents,
/// or an article's compact head and no contents page.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FrontMatter<'a> {
    pub front: crate::template::Front,
    /// A contents page (else the navigation document alone lists the articles).
    pub contents: bool,
    /// The template's accent colour (the masthead's red, the cover's ground).
    pub accent: crate::theme::Rgb,
    /// The cover picture, by its key in the image set (`cover` in bulletin.toml).
    pub cover_image: Option<&'a str>,
}

impl<'a> FrontMatter<'a> {
    /// What `template` prints before the articles, for the e-book.
    pub fn of(template: &crate::template::Template, cover_image: Option<&'a str>) -> Self {
        FrontMatter {
            front: template.document.front,
            contents: template.document.contents,
            accent: template.theme.accent,
            cover_image,
        }
    }

    /// The bulletin's: masthead, contents.
    pub fn bulletin() -> Self {
        let t = crate::template::Template::builtin("bulletin")
            .unwrap_or_else(|| unreachable!("templates/bulletin.toml is built in"));
        FrontMatter::of(&t, None)
    }
}

/// [`write_epub`], with a page list of the printed PDF: a `pagebreak` marker where each
/// printed page begins and a `page-list` nav (`marks` from the layout).
pub fn write_epub_with_pages(
    doc: &Document,
    images: &ImageSet,
    fonts: &[EpubFont],
    opts: &EpubOptions,
    marks: &[crate::layout::page::PageMark],
) -> Result<Vec<u8>, Error> {
    let out = write_epub_into(
        doc,
        images,
        fonts,
        opts,
        marks,
        &FrontMatter::bulletin(),
        std::io::Cursor::new(Vec::new()),
    )?;
    Ok(out.into_inner())
}

/// [`write_epub_with_pages`] into `out` (a file: the book is never whole in memory),
/// which it returns, opening with the front matter the template chose.
pub(crate) fn write_epub_into<W: std::io::Write + std::io::Seek>(
    doc: &Document,
    images: &ImageSet,
    fonts: &[EpubFont],
    opts: &EpubOptions,
    marks: &[crate::layout::page::PageMark],
    front: &FrontMatter<'_>,
    out: W,
) -> Result<W, Error> {
    let modified = ident::format_timestamp(opts.modified_unix)?;
    let font_set = FontSet::new(fonts)?;
    let mut plan = BookPlan::new(doc, images)?;
    plan.emphasis = opts.emphasis;
    // The cover picture is no article's: it gets a name of its own.
    if let Some(key) = front.cover_image
        && !plan.images.contains_key(key)
        && let Some(asset) = images.get(key)
    {
        let href = format!("images/cover-photo.{}", asset.format.extension());
        plan.images
            .insert(key.to_owned(), plan::PlannedImage { href, asset });
    }
    let labels = Labels::for_lang(&plan.lang);
    let meta = &doc.meta;

    let mut usage = CharUsage::default();
    let cover_photo = front
        .cover_image
        .and_then(|key| plan.images.get(key))
        .map(|img| img.href.as_str());
    let cover_svg = cover::cover_svg(doc, &plan.lang, &font_set, front, cover_photo);
    let cover_page = pages::cover_page(doc, &plan);
    let contents_page = pages::contents_page(doc, &plan, &mut usage, front);
    // The article template's compact head opens the first article.
    let compact_head = if front.front == crate::template::Front::Head {
        pages::compact_head(doc, &plan, &mut usage)
    } else {
        String::new()
    };
    let articles: Vec<BookArticle> = doc
        .articles
        .iter()
        .zip(&plan.articles)
        .enumerate()
        .map(|(index, (article, planned))| BookArticle {
            file: planned.file.clone(),
            xhtml: xhtml::article_document(
                article,
                index,
                planned,
                &plan,
                &mut usage,
                if index == 0 { &compact_head } else { "" },
                &marks
                    .iter()
                    .filter(|m| m.article == index)
                    .map(|m| {
                        let lead = m.lead.as_ref().map(|(n, w)| (*n, w.as_str()));
                        (m.block, m.label.as_str(), lead)
                    })
                    .collect::<Vec<_>>(),
            ),
            toc: nav::article_entry(planned, &mut usage),
        })
        .collect();
    nav::record_nav_page(
        &mut usage,
        labels.contents(),
        &[labels.cover(), labels.contents()],
    );

    let embedded = subset::embed_fonts(&font_set, &font_set.assign(&usage))?;
    let stylesheet = css::stylesheet(&embedded, opts.emphasis) + &pages::front_css(front);

    let images: Vec<(String, &'static str, std::sync::Arc<[u8]>)> = plan
        .images
        .values()
        .map(|img| {
            (
                img.href.clone(),
                img.asset.format.media_type(),
                img.asset.bytes.clone(),
            )
        })
        .collect();

    let mut identity = Identity::new();
    for field in [
        Some(meta.title.as_str()),
        meta.subtitle.as_deref(),
        meta.date.as_deref(),
        meta.publisher.as_deref(),
        meta.editor.as_deref(),
        Some(plan.lang.as_str()),
    ] {
        identity.add(field.unwrap_or("").as_bytes());
    }
    identity.add(&[
        u8::from(meta.volume.is_some()),
        u8::from(meta.issue.is_some()),
    ]);
    identity.add(&meta.volume.unwrap_or(0).to_le_bytes());
    identity.add(&meta.issue.unwrap_or(0).to_le_bytes());
    for author in &meta.authors {
        identity.add(author.as_bytes());
    }
    for article in &articles {
        identity.add(article.file.as_bytes());
        identity.add(article.xhtml.as_bytes());
    }
    // A picture stands in the identity by its SHA-256, computed once when it was loaded:
    // hashing its bytes again here was 3 % of `folio archive`'s time.
    for img in plan.images.values() {
        identity.add(img.href.as_bytes());
        identity.add(&img.asset.digest);
    }

    let title = xml::label(&meta.title);
    let creators: Vec<String> = [
        meta.authors.iter().map(|a| xml::label(a)).collect(),
        meta.editor.iter().map(|e| xml::label(e)).collect(),
        meta.publisher.iter().map(|p| xml::label(p)).collect(),
    ]
    .into_iter()
    .map(|names: Vec<String>| {
        names
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
    })
    .find(|names| !names.is_empty())
    .unwrap_or_default();

    let book_lang = plan.lang.clone();
    // The page list cites the printed bulletin folio writes from the same layout.
    let page_source = format!("{} (PDF)", meta.title);
    let page_list: Vec<pagelist::PageEntry> = marks
        .iter()
        .filter_map(|m| {
            Some(pagelist::PageEntry {
                label: m.label.clone(),
                file: plan.articles.get(m.article)?.file.clone(),
            })
        })
        .collect();
    let words = repack::NavWords {
        lang: &book_lang,
        landmarks: labels.landmarks(),
        page_source: (!page_list.is_empty()).then_some(page_source.as_str()),
    };
    let patch = |name: &str, text: String| repack::fix(name, text, &words, &page_list);
    package::assemble(
        Book {
            title: if title.is_empty() {
                labels.contents().to_owned()
            } else {
                title
            },
            description: meta
                .subtitle
                .as_deref()
                .map(xml::label)
                .filter(|s| !s.is_empty()),
            creators,
            publisher: meta
                .publisher
                .as_deref()
                .map(xml::label)
                .filter(|s| !s.is_empty()),
            issued: meta.date.clone().filter(|d| xml::is_iso_date(d)),
            lang: plan.lang.clone(),
            uuid: identity.uuid(),
            modified,
            toc_name: labels.contents().to_owned(),
            cover_label: labels.cover().to_owned(),
            stylesheet,
            fonts: embedded,
            images,
            cover_svg,
            cover_page,
            contents_page,
            articles,
            accessibility: access::metadata(
                access::Contents {
                    has_images: !plan.images.is_empty(),
                    has_tables: doc.articles.iter().any(|a| has_table(&a.blocks)),
                    has_page_list: !page_list.is_empty(),
                },
                None,
            ),
        },
        &repack::PATCHED,
        &patch,
        out,
    )
}

/// Whether any table is among `blocks`, however nested.
fn has_table(blocks: &[crate::model::Block]) -> bool {
    use crate::model::Block;
    let mut stack: Vec<&Block> = blocks.iter().collect();
    while let Some(block) = stack.pop() {
        match block {
            Block::Table { .. } => return true,
            Block::Quote { blocks, .. } => stack.extend(blocks),
            Block::List { items, .. } => stack.extend(items.iter().flat_map(|i| &i.blocks)),
            _ => {}
        }
    }
    false
}
