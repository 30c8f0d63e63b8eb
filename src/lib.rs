//! folio: Markdown articles in, a print-ready PDF bulletin and an EPUB 3 out.
//!
//! The pipeline, one module per stage:
//! `content` (read the folder into the `model`) → `assets` (fonts, images) → `layout`
//! (pages of positioned glyphs) → `pdf`; and `model` → `epub`. The writers never see
//! Markdown and never see each other. [`build`] and [`check`] run it; the CLI in `main.rs`
//! only parses arguments and prints what these return.

mod a11y;
pub mod archive;
pub mod assets;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod epub;
pub mod fontlist;
pub mod json;
pub(crate) mod labels;
pub mod layout;
pub(crate) mod links;
pub mod model;
pub mod output;
pub mod pdf;
pub mod progress;
pub(crate) mod readfile;
pub mod starter;
pub mod template;
pub mod text;
pub mod theme;
pub mod timestamp;
pub mod watch;

use std::path::PathBuf;

use assets::fonts::{FontBook, FontSources};
use diagnostics::{Diagnostic, Diagnostics, Error};
use layout::Geometry;
use model::Document;

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub pdf: bool,
    pub epub: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            pdf: true,
            epub: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The content folder (`bulletin.toml`, `articles/`, `images/`).
    pub content_dir: PathBuf,
    /// Where `bulletin.pdf` and `bulletin.epub` go.
    pub out_dir: PathBuf,
    pub formats: Formats,
    /// Extra font folders, tried before the bundled fonts.
    pub font_dirs: Vec<PathBuf>,
    /// The bundled fonts (the repository's `fonts/`).
    pub bundled_fonts: PathBuf,
    /// May installed system fonts fill characters the others lack?
    pub system_fonts: bool,
    /// Turn warnings about uncovered characters into errors.
    pub strict: bool,
    /// `SOURCE_DATE_EPOCH`: the time written into the outputs.
    pub source_date_epoch: Option<i64>,
    /// Claim PDF/UA-1 in the PDF; refuse to write it if the claim would be false.
    pub pdfua: bool,
    /// Where fetched remote pictures are kept (default `.folio-cache/` beside the content
    /// folder).
    pub cache_dir: Option<PathBuf>,
    /// Use only cached remote pictures; never touch the network.
    pub offline: bool,
    /// Time allowed for fetching one remote picture.
    pub fetch_timeout: std::time::Duration,
    /// Largest remote picture accepted, in bytes.
    pub fetch_max_bytes: u64,
    /// `--template`: overrides `template` in bulletin.toml (a built-in name or a file
    /// relative to the content folder).
    pub template: Option<String>,
    /// `--bleed`: millimetres of bleed with crop marks, overriding `[print] bleed`.
    pub bleed_mm: Option<f32>,
    /// `--max-dpi`: overrides `max_dpi` in `bulletin.toml`.
    pub max_dpi: Option<u32>,
    /// The PDF/A level the PDF claims (checked by krilla while writing); off by default.
    pub pdfa: pdf::PdfA,
}

impl Options {
    pub fn new(content_dir: impl Into<PathBuf>, out_dir: impl Into<PathBuf>) -> Self {
        Options {
            content_dir: content_dir.into(),
            out_dir: out_dir.into(),
            formats: Formats::default(),
            font_dirs: Vec::new(),
            bundled_fonts: assets::fonts::default_bundled_dir(),
            system_fonts: true,
            strict: false,
            source_date_epoch: None,
            pdfua: false,
            cache_dir: None,
            offline: false,
            fetch_timeout: std::time::Duration::from_secs(20),
            fetch_max_bytes: 25 * 1024 * 1024,
            template: None,
            bleed_mm: None,
            max_dpi: None,
            pdfa: pdf::PdfA::Off,
        }
    }
}

#[derive(Debug)]
pub struct Report {
    /// Files written (empty for `check`).
    pub written: Vec<PathBuf>,
    pub pages: usize,
    pub articles: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Everything that happens before writing, shared by `build` and `check`.
struct Prepared {
    document: Document,
    images: assets::images::ImageSet,
    book: FontBook,
    laid: Option<layout::Laid>,
    diags: Diagnostics,
    /// `--pdfua`: claim PDF/UA-1 in the PDF.
    pdfua: bool,
    /// Pictures printed finer than this are downsampled in the PDF.
    max_dpi: Option<u32>,
    /// The kind of document: the EPUB opens with the same front matter as the PDF.
    template: template::Template,
    /// `[typography] emphasis`, for the EPUB's stylesheet.
    emphasis: theme::EmphasisStyle,
}

fn prepare(opts: &Options, need_layout: bool) -> Result<Prepared, Error> {
    let loaded = content::load(&opts.content_dir)?;
    let mut diags = Diagnostics::new();
    diags.extend(loaded.warnings);
    let mut document = loaded.document;
    let config = loaded.config;
    diags.extend(links::LinkIndex::new(&document).check(&document));

    a11y::report_missing_alt(&document, opts.strict || opts.pdfua, &mut diags);
    let mut remote = assets::remote::RemoteOptions::new(
        opts.cache_dir
            .clone()
            .unwrap_or_else(|| assets::remote::default_cache_dir(&opts.content_dir)),
    );
    remote.offline = opts.offline;
    remote.timeout = opts.fetch_timeout;
    remote.max_bytes = opts.fetch_max_bytes;
    remote.strict = opts.strict;
    diags.extend(assets::remote::fetch_remote(&mut document, &remote));

    let (mut images, image_problems) = assets::images::load_images(&document);
    diags.extend(image_problems);
    // A book's cover picture, from bulletin.toml.
    let mut cover_key = None;
    if let Some((dest, line)) = &config.cover {
        let pos = model::SourcePos {
            file: config::CONFIG_FILE.into(),
            line: *line,
        };
        match content::cover_image(&opts.content_dir, dest)
            .and_then(|image| assets::images::load_one(&image, &pos))
        {
            Ok(asset) => {
                cover_key = Some(asset.key.clone());
                images.insert(asset.key.clone(), asset);
            }
            Err(d) => diags.push(d.at(&pos)),
        }
    }
    if diags.has_errors() {
        return Err(Error::Input(diags.into_vec()));
    }

    let mut font_dirs = opts.font_dirs.clone();
    font_dirs.extend(config.font_dirs.iter().cloned());
    let mut book = FontBook::load(&FontSources {
        bundled_dir: opts.bundled_fonts.clone(),
        user_dirs: font_dirs,
        system_fallback: opts.system_fonts,
        picks: config.typography.picks(),
    })?;
    book.cover(&document.used_chars());

    let mut template = choose_template(opts, &config)?;
    config.typography.apply(&mut template.theme);
    if let Some(n) = config.columns {
        template.document.columns = n;
    }
    template.cover = cover_key;
    template.bleed_mm = opts
        .bleed_mm
        .or(config.bleed_mm)
        .filter(|mm| *mm > 0.0)
        .unwrap_or(0.0);
    let laid = need_layout.then(|| {
        let p = &config.page;
        let m = p.margins;
        let geometry =
            Geometry::from_mm(p.width_mm, p.height_mm, [m.top, m.right, m.bottom, m.left]);
        let mut laid = layout::layout_with_template(&document, &book, &images, &template, geometry);
        if let Some(mm) = opts.bleed_mm.or(config.bleed_mm).filter(|mm| *mm > 0.0) {
            layout::bleed::apply_bleed(&mut laid.pages, mm);
        }
        laid
    });
    let max_dpi = opts.max_dpi.or(config.max_dpi);
    if let Some(laid) = &laid {
        report_missing(&laid.missing, opts.strict, &mut diags);
        diags.extend(synthetic_bold_notices(&laid.pages, &book));
        diags.extend(laid.warnings.iter().cloned());
        diags.extend(pdf::pictures::low_resolution(&laid.pages, &images, max_dpi));
    }
    if diags.has_errors() {
        return Err(Error::Input(diags.into_vec()));
    }
    Ok(Prepared {
        document,
        images,
        book,
        laid,
        diags,
        pdfua: opts.pdfua,
        max_dpi,
        template,
        emphasis: config.typography.emphasis,
    })
}

/// `--template`, else `template = …` in bulletin.toml, else the bulletin.
fn choose_template(opts: &Options, config: &config::Config) -> Result<template::Template, Error> {
    let choice = match (&opts.template, &config.template) {
        (Some(name), _) => Some((name.clone(), 0)),
        (None, Some((name, line))) => Some((name.clone(), *line)),
        (None, None) => None,
    };
    match choice {
        Some((name, line)) => {
            template::Template::choose(&name, &opts.content_dir, line).map_err(Error::Input)
        }
        None => Ok(template::Template::builtin("bulletin")
            .expect("templates/bulletin.toml is complete (checked by the template tests)")),
    }
}

/// A notice for each face that had to be emboldened synthetically (bold text in a font of
/// one weight), so the author knows the bold is drawn, not designed.
fn synthetic_bold_notices(pages: &layout::page::Pages, book: &FontBook) -> Vec<Diagnostic> {
    let mut faces = std::collections::BTreeSet::new();
    for page in &pages.pages {
        for item in &page.items {
            if let layout::page::Item::Text(run) = item
                && run.embolden
            {
                faces.insert(run.face);
            }
        }
    }
    faces
        .into_iter()
        .map(|id| {
            let face = book.face(id);
            Diagnostic::warning(format!(
                "bold text in “{}” ({}) is emboldened synthetically: the font has no bold weight",
                face.name,
                face.path.display()
            ))
            .with_help("add the family's bold face to the font folder for a designed bold")
        })
        .collect()
}

/// One finding per character and place, so the author can fix each occurrence.
fn report_missing(missing: &[layout::article::Missing], strict: bool, diags: &mut Diagnostics) {
    for m in missing {
        let message = format!(
            "no font has the character `{}` (U+{:04X}); it would print as an empty box",
            m.ch, m.ch as u32
        );
        diags.push(
            Diagnostic::strict_or_warning(strict, message)
                .at(&m.pos)
                .with_help(
                    "add a font that covers it with --font-dir or [fonts] dirs in bulletin.toml",
                ),
        );
    }
}

/// Reads, checks and lays out everything, but writes nothing.
pub fn check(opts: &Options) -> Result<Report, Error> {
    let p = prepare(opts, true)?;
    Ok(Report {
        written: Vec::new(),
        pages: p.laid.as_ref().map_or(0, |l| l.pages.pages.len()),
        articles: p.document.articles.len(),
        warnings: p.diags.into_vec(),
    })
}

/// Builds the requested outputs. Either every requested file is written or none is.
pub fn build(opts: &Options) -> Result<Report, Error> {
    // The EPUB's page list comes from the PDF's pages, so an EPUB alone is laid out too.
    let p = prepare(opts, opts.formats.pdf || opts.formats.epub)?;
    let stamp = opts.source_date_epoch.or_else(|| {
        p.document
            .meta
            .date
            .as_deref()
            .and_then(timestamp::from_date)
    });
    // Each output goes to its temporary file as soon as it is made, so its bytes are
    // dropped before the other is done (the EPUB is zipped straight into its file); both
    // are renamed into place together, or neither.
    let pdf_path = opts.out_dir.join("bulletin.pdf");
    let epub_path = opts.out_dir.join("bulletin.epub");
    let mut wanted = Vec::new();
    if p.laid.is_some() && opts.formats.pdf {
        wanted.push(pdf_path.as_path());
    }
    if opts.formats.epub {
        wanted.push(epub_path.as_path());
    }
    output::prepare(&wanted)?;
    let (pdf, epub) = rayon::join(
        || {
            p.laid
                .as_ref()
                .filter(|_| opts.formats.pdf)
                .map(|laid| {
                    let bytes = write_pdf(&p, laid, stamp, opts.pdfa)?;
                    output::stage_with(&pdf_path, |f| {
                        std::io::Write::write_all(f, &bytes).map_err(|source| Error::Write {
                            path: pdf_path.clone(),
                            source,
                        })
                    })
                })
                .transpose()
        },
        || {
            opts.formats
                .epub
                .then(|| output::stage_with(&epub_path, |f| write_epub(&p, stamp, f)))
                .transpose()
        },
    );
    let (pdf, epub) = (pdf?, epub?);
    let mut files = Vec::new();
    let mut staged = Vec::new();
    for (path, s) in [(pdf_path, pdf), (epub_path, epub)] {
        if let Some(s) = s {
            files.push(path);
            staged.push(s);
        }
    }
    output::commit(staged)?;
    Ok(Report {
        written: files,
        pages: p.laid.as_ref().map_or(0, |l| l.pages.pages.len()),
        articles: p.document.articles.len(),
        warnings: p.diags.into_vec(),
    })
}

fn write_pdf(
    p: &Prepared,
    laid: &layout::Laid,
    stamp: Option<i64>,
    pdfa: pdf::PdfA,
) -> Result<Vec<u8>, Error> {
    let info = pdf::PdfInfo {
        pdfa,
        pdfua: p.pdfua,
        max_dpi: p.max_dpi.map(|d| d as f32),
        ..pdf_info(&p.document.meta, stamp)
    };
    pdf::write_pdf(&laid.pages, &p.book, &p.images, &info)
}

/// The document information both `build` and `archive` write, from the document's metadata.
fn pdf_info(m: &model::Meta, stamp: Option<i64>) -> pdf::PdfInfo {
    let mut authors = m.authors.clone();
    if authors.is_empty() {
        authors.extend(m.editor.iter().cloned());
    }
    pdf::PdfInfo {
        title: m.title.clone(),
        subject: m.subtitle.clone(),
        authors,
        lang: m.lang.as_str().to_owned(),
        keywords: Vec::new(),
        created_unix: stamp,
        max_dpi: None,
        pdfa: pdf::PdfA::Off,
        pdfua: false,
    }
}

/// Zips the EPUB straight into `file` (through a buffer).
fn write_epub(p: &Prepared, stamp: Option<i64>, file: &mut std::fs::File) -> Result<(), Error> {
    // The page list of the printed PDF, when there is one.
    let marks = p.laid.as_ref().map_or(&[][..], |l| &l.page_marks[..]);
    let front = epub::FrontMatter::of(&p.template, p.template.cover.as_deref());
    let out = std::io::BufWriter::with_capacity(1 << 18, file);
    let out = epub_into(
        &p.document,
        &p.images,
        &p.book,
        stamp,
        marks,
        (p.emphasis, &front),
        out,
    )?;
    out.into_inner()
        .map_err(|e| Error::Epub(format!("writing the book: {}", e.error())))?;
    Ok(())
}

/// The EPUB of a document, with the primary face of each family embedded, Chinese emphasis
/// in the bulletin's style and the opening pages the front matter asks for (the archive's:
/// an article's compact head).
fn epub_bytes(
    document: &Document,
    images: &assets::images::ImageSet,
    book: &FontBook,
    stamp: Option<i64>,
    marks: &[layout::page::PageMark],
    look: (theme::EmphasisStyle, &epub::FrontMatter<'_>),
) -> Result<Vec<u8>, Error> {
    let out = std::io::Cursor::new(Vec::new());
    Ok(epub_into(document, images, book, stamp, marks, look, out)?.into_inner())
}

/// [`epub_bytes`] into `out`, which it returns, with Chinese emphasis in the style the
/// bulletin chose and the template's front matter.
fn epub_into<W: std::io::Write + std::io::Seek>(
    document: &Document,
    images: &assets::images::ImageSet,
    book: &FontBook,
    stamp: Option<i64>,
    marks: &[layout::page::PageMark],
    (emphasis, front): (theme::EmphasisStyle, &epub::FrontMatter<'_>),
    out: W,
) -> Result<W, Error> {
    use assets::fonts::{Family, FontStyle};
    let families = [
        (Family::Serif, "Folio Serif"),
        (Family::Sans, "Folio Sans"),
        (Family::Mono, "Folio Mono"),
    ];
    let fonts: Vec<epub::EpubFont<'_>> = families
        .iter()
        .flat_map(|&(family, name)| {
            [false, true].into_iter().filter_map(move |bold| {
                let face = book.face(book.primary(FontStyle { family, bold }));
                // A family of one weight declares no bold face: the reading system then
                // emboldens the regular one, as the PDF does, rather than show it as bold.
                (!bold || face.bold).then(|| epub::EpubFont {
                    family: name,
                    bold,
                    data: face.data(),
                })
            })
        })
        .chain(book.emoji().map(|id| epub::EpubFont {
            family: "Folio Emoji",
            bold: false,
            data: book.face(id).data(),
        }))
        // The Kai face of `emphasis = "kai"` (the font book resolved it, or made it the
        // serif when there is none): embedded so that the emphasis does not depend on a
        // Kai font the reading system may not have.
        .chain(
            (emphasis == theme::EmphasisStyle::Kai)
                .then(|| {
                    let regular = FontStyle {
                        family: Family::Kai,
                        bold: false,
                    };
                    let id = book.primary(regular);
                    let serif = book.primary(FontStyle {
                        family: Family::Serif,
                        bold: false,
                    });
                    (id != serif).then(|| epub::EpubFont {
                        family: "Folio Kai",
                        bold: false,
                        data: book.face(id).data(),
                    })
                })
                .flatten(),
        )
        .collect();
    let opts = epub::EpubOptions {
        modified_unix: stamp.unwrap_or(0),
        emphasis,
    };
    epub::write_epub_into(document, images, &fonts, &opts, marks, front, out)
}
