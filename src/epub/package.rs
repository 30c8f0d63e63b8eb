//! Putting the book together with epub-builder: package metadata, manifest, spine, nav.
//!
//! What epub-builder 0.8.2 writes on its own, and how each part is kept reproducible and
//! valid:
//! - `mimetype` first and stored, then `META-INF/container.xml` and Apple's display
//!   options (`specified-fonts`: honour the embedded fonts). Zip entries get the zip
//!   crate's fixed 1980-01-01 timestamp, as long as its `time` feature stays off.
//! - `content.opf` with `dcterms:modified` and `dc:identifier` filled from the clock and
//!   a random UUID unless set, so both are always set here.
//! - `nav.xhtml` (toc + landmarks) and `toc.ncx` from the entries added with content;
//!   landmarks come from each content's reference type and title.
//! - It escapes titles, authors, descriptions and labels itself, but not the content of
//!   `MetadataOpfV3`, which is therefore escaped here.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::io::{Cursor, Seek, Write};
use std::str::FromStr;
use std::sync::Arc;

use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement, ZipLibrary,
};

use crate::diagnostics::Error;

use super::COVER_IMAGE;
use super::pages::{CONTENTS_PAGE, COVER_PAGE};
use super::subset::EmbeddedFont;
use super::xml;

/// Everything that goes into the book, already written.
pub(crate) struct Book {
    pub title: String,
    pub description: Option<String>,
    pub creators: Vec<String>,
    pub publisher: Option<String>,
    /// `YYYY-MM-DD`, already checked.
    pub issued: Option<String>,
    pub lang: String,
    pub uuid: String,
    pub modified: String,
    pub toc_name: String,
    pub cover_label: String,
    pub stylesheet: String,
    pub fonts: Vec<EmbeddedFont>,
    /// Path inside the book, media type, bytes (the source file as it is).
    pub images: Vec<(String, &'static str, Arc<[u8]>)>,
    pub cover_svg: String,
    pub cover_page: String,
    pub contents_page: String,
    pub articles: Vec<BookArticle>,
    /// EPUB Accessibility metadata, `(property, value)`, unescaped.
    pub accessibility: Vec<(String, String)>,
}

pub(crate) struct BookArticle {
    pub file: String,
    pub xhtml: String,
    /// Nav entry, with the article's outline as children.
    pub toc: TocElement,
}

fn epub_err(e: impl Display) -> Error {
    Error::Epub(e.to_string())
}

/// epub-builder takes the timestamp and the identifier as `chrono` and `uuid` values;
/// folio depends on neither. Both types parse their own text form, so the values are made
/// here as text and handed over through `FromStr`, typed by the setter they go to.
fn parsed<T>(text: &str, what: &str) -> Result<T, Error>
where
    T: FromStr,
    T::Err: Display,
{
    text.parse()
        .map_err(|e| Error::Epub(format!("invalid {what} `{text}`: {e}")))
}

/// Rewrites the text of a package file epub-builder wrote from its own template (see
/// `repack`): the entry's name and its text in, the text to store out.
pub(crate) type Patch<'a> = &'a dyn Fn(&str, String) -> Result<String, Error>;

/// Writes the EPUB file into `out`, which it returns. Entries named in `patched` go
/// through `patch`.
pub(crate) fn assemble<W: Write + Seek>(
    book: Book,
    patched: &[&str],
    patch: Patch<'_>,
    out: W,
) -> Result<W, Error> {
    let mut b = EpubBuilder::new(ZipLibrary::new().map_err(epub_err)?).map_err(epub_err)?;
    b.epub_version(EpubVersion::V30);
    b.set_generator(concat!("folio ", env!("CARGO_PKG_VERSION")));
    b.set_lang(book.lang);
    b.set_title(book.title);
    for creator in book.creators {
        b.add_author(creator);
    }
    if let Some(description) = book.description {
        b.add_description(description);
    }
    b.set_toc_name(book.toc_name.clone());
    b.set_uuid(parsed(&book.uuid, "identifier")?);
    b.set_modified_date(parsed(&book.modified, "modification time")?);
    // epub-builder has no publisher or issue date of its own; DCMI terms as `meta` are
    // the EPUB 3 way to state them.
    if let Some(publisher) = book.publisher {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(
            "dcterms:publisher".to_owned(),
            xml::text(&publisher),
        )));
    }
    if let Some(issued) = book.issued {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(
            "dcterms:issued".to_owned(),
            xml::text(&issued),
        )));
    }
    for (property, value) in &book.accessibility {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(
            property.clone(),
            xml::text(value),
        )));
    }

    b.stylesheet(book.stylesheet.as_bytes()).map_err(epub_err)?;
    // Pictures and fonts go in empty here and are stored with their real bytes by
    // `store_binaries`: epub-builder deflates every entry, and deflating a JPEG costs
    // most of the book's time to save about 1 %.
    let mut binaries: BTreeMap<String, &[u8]> = BTreeMap::new();
    for font in &book.fonts {
        b.add_resource(&font.href, &[][..], font.media_type)
            .map_err(epub_err)?;
        binaries.insert(format!("OEBPS/{}", font.href), font.bytes.as_slice());
    }
    for (href, media_type, bytes) in &book.images {
        b.add_resource(href, &[][..], *media_type)
            .map_err(epub_err)?;
        binaries.insert(format!("OEBPS/{href}"), bytes);
    }
    b.add_cover_image(COVER_IMAGE, book.cover_svg.as_bytes(), "image/svg+xml")
        .map_err(epub_err)?;

    b.add_content(
        EpubContent::new(COVER_PAGE, book.cover_page.as_bytes())
            .title(book.cover_label)
            .reftype(ReferenceType::Cover),
    )
    .map_err(epub_err)?;
    b.add_content(
        EpubContent::new(CONTENTS_PAGE, book.contents_page.as_bytes())
            .title(book.toc_name)
            .reftype(ReferenceType::Toc),
    )
    .map_err(epub_err)?;
    for (i, article) in book.articles.iter().enumerate() {
        let mut content = EpubContent::new(article.file.as_str(), article.xhtml.as_bytes());
        content.toc = article.toc.clone();
        if i == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        b.add_content(content).map_err(epub_err)?;
    }

    let mut text_only = Vec::new();
    b.generate(&mut text_only).map_err(epub_err)?;
    finish(&text_only, &binaries, patched, patch, out)
}

/// The one pass that writes the final zip from the text-only archive epub-builder made:
/// every entry keeps its place; text entries are copied as they are (still deflated,
/// `mimetype` first and stored), except those named in `patched`, which are inflated, run
/// through `patch` and deflated again; each entry named in `binaries` gets those bytes,
/// stored. Entries get the zip crate's fixed 1980-01-01 timestamp, as long as its `time`
/// feature stays off. Written straight into `out` (the temporary output file, or memory).
fn finish<W: Write + Seek>(
    archive: &[u8],
    binaries: &BTreeMap<String, &[u8]>,
    patched: &[&str],
    patch: Patch<'_>,
    out: W,
) -> Result<W, Error> {
    use std::io::Read;
    let zerr = |e: zip::result::ZipError| Error::Epub(format!("packing the book: {e}"));
    let ioerr = |e: std::io::Error| Error::Epub(format!("packing the book: {e}"));
    let mut reader = zip::ZipArchive::new(Cursor::new(archive)).map_err(zerr)?;
    let mut writer = zip::ZipWriter::new(out);
    writer.set_comment("");
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..reader.len() {
        let name = reader.by_index_raw(i).map_err(zerr)?.name().to_owned();
        if let Some(bytes) = binaries.get(&name) {
            let big = bytes.len() >= u32::MAX as usize;
            writer
                .start_file(name, stored.large_file(big))
                .map_err(zerr)?;
            writer.write_all(bytes).map_err(ioerr)?;
        } else if patched.contains(&name.as_str()) {
            let mut entry = reader.by_index(i).map_err(zerr)?;
            let mut text = String::new();
            entry
                .read_to_string(&mut text)
                .map_err(|e| Error::Epub(format!("packing the book: {name}: {e}")))?;
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(entry.compression())
                .last_modified_time(entry.last_modified().unwrap_or_default());
            drop(entry);
            let text = patch(&name, text)?;
            writer.start_file(name, options).map_err(zerr)?;
            writer.write_all(text.as_bytes()).map_err(ioerr)?;
        } else {
            let entry = reader.by_index_raw(i).map_err(zerr)?;
            writer.raw_copy_file(entry).map_err(zerr)?;
        }
    }
    writer.finish().map_err(zerr)
}
