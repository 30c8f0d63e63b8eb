//! Pages → PDF with krilla. The writer only paints what layout placed: it makes no layout
//! decisions and knows nothing of Markdown or EPUB.
//!
//! krilla subsets each font to the glyphs used, writes ToUnicode maps from each glyph's
//! cluster text (so copy and search return the source text), and embeds JPEG bytes as they
//! are. Output depends only on the input: no clock, no random ids.

pub(crate) mod pictures;
mod tagging;

use std::num::NonZeroU32;

use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::tagging::{Artifact, ArtifactType, ContentTag, SpanTag, TagTree};
use krilla::text::{GlyphId, KrillaGlyph};

use crate::assets::fonts::FontBook;
use crate::assets::images::ImageSet;
use crate::diagnostics::Error;
use crate::layout::page::{Item, LinkTarget, OutlineEntry, Pages, TextRun};
use crate::theme::Rgb;

/// Document information written into the PDF.
#[derive(Debug, Clone, Default)]
pub struct PdfInfo {
    pub title: String,
    pub subject: Option<String>,
    pub authors: Vec<String>,
    pub lang: String,
    pub keywords: Vec<String>,
    /// Seconds since the epoch (from `SOURCE_DATE_EPOCH` or the bulletin date).
    pub created_unix: Option<i64>,
    /// Claim PDF/UA-1: krilla validates the file and refuses to write a false claim.
    pub pdfua: bool,
    /// Pictures printed finer than this many dots per inch are downsampled to it.
    pub max_dpi: Option<f32>,
    /// The PDF/A conformance to claim (and have krilla check); `Off` claims nothing.
    pub pdfa: PdfA,
}

/// A PDF/A conformance level. krilla's validator checks every requirement it can while
/// writing, so folio fails with the list of violations rather than write a false claim.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum PdfA {
    #[default]
    Off,
    A2b,
    A2u,
    A3u,
}

impl PdfA {
    /// The name used on the command line and in messages (`2u`, `off`).
    pub fn parse(s: &str) -> Option<PdfA> {
        Some(match s.to_ascii_lowercase().as_str() {
            "off" | "none" => PdfA::Off,
            "2b" => PdfA::A2b,
            "2u" => PdfA::A2u,
            "3u" => PdfA::A3u,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PdfA::Off => "off",
            PdfA::A2b => "PDF/A-2b",
            PdfA::A2u => "PDF/A-2u",
            PdfA::A3u => "PDF/A-3u",
        }
    }

    fn archival(self) -> Option<krilla::configure::Archival> {
        use krilla::configure::Archival;
        Some(match self {
            PdfA::Off => return None,
            PdfA::A2b => Archival::A2_B,
            PdfA::A2u => Archival::A2_U,
            PdfA::A3u => Archival::A3_U,
        })
    }

    fn configuration(self) -> krilla::configure::Configuration {
        use krilla::configure::ConfigurationBuilder;
        let Some(archival) = self.archival() else {
            return Default::default();
        };
        ConfigurationBuilder::new()
            .with_archival_validator(archival)
            .finish()
            // Each PDF/A level alone always has a valid version range.
            .unwrap_or_default()
    }
}

/// The horizontal shear of synthetic oblique text (about 12°).
const OBLIQUE: f32 = 0.21;

/// The threads krilla's deferred work runs on: decoding and deflating pictures, deflating
/// each page's content stream while the next page is drawn. Sized like the build's pool
/// when first used; `None` if no thread could be started.
fn pdf_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .thread_name(|i| format!("folio-pdf-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Writes the PDF of `pages`. The output does not depend on the number of threads: krilla
/// puts every deferred part in its place, whichever thread made it.
///
/// krilla (feature `rayon`) spawns its deferred work on the rayon pool of the thread that
/// drives the document, and while waiting for a part it runs *any* pending job of that
/// pool. Driven from the build's pool, that wait would start other articles of
/// `folio archive` in the middle of this one (so `--fail-fast` started articles after the
/// first failure). So the document is driven on a pool of its own, entered from a plain
/// thread: the caller blocks without stealing work, and a wait inside the PDF pool only
/// ever runs PDF work. (A panic in krilla's deferred work aborts the process, rayon's
/// default for spawned work, rather than leave the wait hanging.)
pub fn write_pdf(
    pages: &Pages,
    book: &FontBook,
    images: &ImageSet,
    info: &PdfInfo,
) -> Result<Vec<u8>, Error> {
    let Some(pool) = pdf_pool() else {
        return write_document(pages, book, images, info);
    };
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("folio-pdf".into())
            .spawn_scoped(scope, || {
                pool.install(|| write_document(pages, book, images, info))
            })
            .map_err(|e| Error::Pdf(format!("cannot start the PDF writer: {e}")))?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn write_document(
    pages: &Pages,
    book: &FontBook,
    images: &ImageSet,
    info: &PdfInfo,
) -> Result<Vec<u8>, Error> {
    let mut settings = krilla::SerializeSettings {
        // The structure tree comes from what layout tagged (see `tagging`).
        enable_tagging: true,
        configuration: info.pdfa.configuration(),
        ..Default::default()
    };
    if info.pdfua {
        // PDF/UA-1 together with the PDF/A level asked for, if any: both claims in XMP.
        let mut builder = krilla::configure::ConfigurationBuilder::new()
            .with_accessibility_validator(krilla::configure::Accessibility::UA1);
        if let Some(archival) = info.pdfa.archival() {
            builder = builder.with_archival_validator(archival);
        }
        settings.configuration = builder
            .finish()
            .map_err(|e| Error::Pdf(format!("PDF/UA-1 cannot be configured: {e:?}")))?;
    }
    let mut tree = tagging::TreeBuilder::default();
    let mut document = Document::new_with(settings);
    let embedded = pictures::embed(pages, images, info.max_dpi, info.pdfa == PdfA::Off)?;
    let size = Size::from_wh(pages.width, pages.height)
        .ok_or_else(|| Error::Pdf("page size is zero".into()))?;
    for (page_index, page) in pages.pages.iter().enumerate() {
        // Which element each item belongs to. Block elements are created in span order
        // (reading order: a list item's label before its body); links where their text is.
        let mut path_of: Vec<Option<&[crate::layout::tags::TagNode]>> =
            vec![None; page.items.len()];
        let mut lang_of: Vec<&str> = vec![info.lang.as_str(); page.items.len()];
        for span in &page.tags {
            tree.declare_blocks(&span.path);
            let lang = span
                .path
                .iter()
                .rev()
                .find_map(|n| n.lang.as_deref())
                .unwrap_or(info.lang.as_str());
            for slot in lang_of
                .iter_mut()
                .take(span.items.end)
                .skip(span.items.start)
            {
                *slot = lang;
            }
            for slot in path_of
                .iter_mut()
                .take(span.items.end)
                .skip(span.items.start)
            {
                *slot = Some(&span.path);
            }
        }
        let style = if page.roman {
            NumberingStyle::LowerRoman
        } else {
            NumberingStyle::Arabic
        };
        let label = PageLabel::new(Some(style), None, NonZeroU32::new(page.number));
        let mut settings = PageSettings::new(size).with_page_label(label);
        if let Some(b) = &pages.boxes {
            let rect = |r: [f32; 4]| krilla::geom::Rect::from_xywh(r[0], r[1], r[2], r[3]);
            settings = settings
                .with_trim_box(rect(b.trim))
                .with_bleed_box(rect(b.bleed));
        }
        let mut pdf_page = document.start_page_with(settings);
        let mut links = Vec::new();
        {
            let mut surface = pdf_page.surface();
            for (item_index, item) in page.items.iter().enumerate() {
                let element = path_of[item_index]
                    .and_then(|p| tree.declare(p))
                    .filter(|&e| !tree.is_repeat(e, page_index));
                let content = match (item, element) {
                    (Item::Text(run), Some(_)) => ContentTag::Span(
                        SpanTag::empty()
                            .with_lang(tagging::run_lang(&run.text, lang_of[item_index])),
                    ),
                    (Item::Image { .. }, Some(_)) => ContentTag::Other,
                    // Running heads above the middle, folios below.
                    (Item::Text(run), None) => {
                        ContentTag::Artifact(Artifact::with_kind(if run.y < pages.height / 2.0 {
                            ArtifactType::Header
                        } else {
                            ArtifactType::PageNumber
                        }))
                    }
                    // Rules, backgrounds, grids, emphasis dots and leaders.
                    _ => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)),
                };
                let is_link = matches!(item, Item::Link { .. });
                let id = (!is_link).then(|| surface.start_tagged(content));
                match item {
                    Item::Text(run) => draw_text(&mut surface, run, book),
                    Item::Image {
                        key,
                        x,
                        y,
                        width,
                        height,
                    } => {
                        let image = embedded
                            .get(key.as_str())
                            .cloned()
                            .ok_or_else(|| Error::Pdf(format!("image `{key}` was not loaded")))?;
                        let orientation = images.get(key).map_or(1, |a| a.orientation);
                        let (place, stored) = orient(orientation, *width, *height);
                        if let Some(sz) = Size::from_wh(stored.0, stored.1) {
                            surface.push_transform(&Transform::from_translate(*x, *y));
                            surface.push_transform(&place);
                            surface.draw_image(image, sz);
                            surface.pop();
                            surface.pop();
                        }
                    }
                    Item::Rect {
                        x,
                        y,
                        width,
                        height,
                        color,
                    } => {
                        if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                            let mut pb = PathBuilder::new();
                            pb.push_rect(rect);
                            if let Some(path) = pb.finish() {
                                surface.set_fill(Some(fill(*color)));
                                surface.set_stroke(None);
                                surface.draw_path(&path);
                            }
                        }
                    }
                    Item::Line {
                        x0,
                        y0,
                        x1,
                        y1,
                        width,
                        color,
                    } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x0, *y0);
                        pb.line_to(*x1, *y1);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                paint: rgb::Color::new(color.0, color.1, color.2).into(),
                                width: *width,
                                ..Default::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                    Item::Dot {
                        x,
                        y,
                        radius,
                        color,
                    } => {
                        if let Some(path) = circle(*x, *y, *radius) {
                            surface.set_fill(Some(fill(*color)));
                            surface.set_stroke(None);
                            surface.draw_path(&path);
                        }
                    }
                    Item::Link {
                        x,
                        y,
                        width,
                        height,
                        target,
                    } => {
                        // A link in a repeated table header is still a link: its
                        // annotation joins the header cell's element.
                        let element = path_of[item_index].and_then(|p| tree.declare(p));
                        links.push((*x, *y, *width, *height, target, element));
                    }
                }
                if let Some(id) = id {
                    surface.end_tagged();
                    if let (Some(e), false) = (element, matches!(content, ContentTag::Artifact(_)))
                    {
                        tree.add_content(e, page_index, id);
                    }
                }
            }
            surface.finish();
        }
        for (x, y, w, h, target, element) in links {
            let Some(rect) = Rect::from_xywh(x, y, w, h) else {
                continue;
            };
            // A link's description for assistive technology: where it goes.
            let alt = match target {
                LinkTarget::Url(url) => url.clone(),
                LinkTarget::Position { page, .. } => format!("page {}", page + 1),
                LinkTarget::Anchor(a) => a.clone(),
            };
            let target = match target {
                LinkTarget::Url(url) => Target::Action(LinkAction::new(url.clone()).into()),
                LinkTarget::Position { page, y } => {
                    Target::Destination(XyzDestination::new(*page, Point::from_xy(0.0, *y)).into())
                }
                LinkTarget::Anchor(_) => continue,
            };
            let annotation = Annotation::new_link(LinkAnnotation::new(rect, target), Some(alt));
            match element {
                Some(e) => {
                    let id = pdf_page.add_tagged_annotation(annotation);
                    tree.add_link(e, id);
                }
                None => pdf_page.add_annotation(annotation),
            }
        }
        pdf_page.finish();
    }
    let mut tag_tree = TagTree::new().with_lang(Some(info.lang.clone()));
    for node in tree.finish() {
        tag_tree.push(node);
    }
    document.set_tag_tree(tag_tree);
    document.set_outline(outline(&pages.outline));
    document.set_metadata(metadata(info));
    document.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => {
            let list: Vec<String> = errors.iter().map(|(e, _)| format!("{e:?}")).collect();
            let claims: Vec<&str> = [
                (info.pdfa != PdfA::Off).then(|| info.pdfa.name()),
                info.pdfua.then_some("PDF/UA-1"),
            ]
            .into_iter()
            .flatten()
            .collect();
            Error::Pdf(format!(
                "the PDF would not conform to {}, so it was not written: {}; \
                 use --pdfa off (or leave out --pdfua) to write it without the claim",
                claims.join(" and "),
                list.join("; ")
            ))
        }
        e => Error::Pdf(format!("{e:?}")),
    })
}

/// How to paint a stored picture so that it shows upright in a `w` × `h` box: the
/// transform, and the size to draw the stored pixels at. EXIF orientations 5–8 store the
/// picture turned a quarter, so it is drawn at `h` × `w` and turned into place.
fn orient(orientation: u8, w: f32, h: f32) -> (Transform, (f32, f32)) {
    // Transform::from_row(sx, ky, kx, sy, tx, ty): x' = sx·x + kx·y + tx, y' = ky·x + sy·y + ty.
    let m = |sx, ky, kx, sy, tx, ty| Transform::from_row(sx, ky, kx, sy, tx, ty);
    match orientation {
        2 => (m(-1.0, 0.0, 0.0, 1.0, w, 0.0), (w, h)),
        3 => (m(-1.0, 0.0, 0.0, -1.0, w, h), (w, h)),
        4 => (m(1.0, 0.0, 0.0, -1.0, 0.0, h), (w, h)),
        5 => (m(0.0, 1.0, 1.0, 0.0, 0.0, 0.0), (h, w)),
        6 => (m(0.0, 1.0, -1.0, 0.0, w, 0.0), (h, w)),
        7 => (m(0.0, -1.0, -1.0, 0.0, w, h), (h, w)),
        8 => (m(0.0, -1.0, 1.0, 0.0, 0.0, h), (h, w)),
        _ => (Transform::identity(), (w, h)),
    }
}

/// A circle from four cubic Béziers (the usual 0.5523 handle length).
fn circle(cx: f32, cy: f32, r: f32) -> Option<krilla::geom::Path> {
    let k = 0.552_284_8 * r;
    let mut pb = PathBuilder::new();
    pb.move_to(cx + r, cy);
    pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    pb.close();
    pb.finish()
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        ..Default::default()
    }
}

/// The glyph to draw for glyph `id`. A character no font has was shaped to `.notdef` (glyph
/// 0), which PDF viewers give no text (krilla writes no ToUnicode entry for glyph 0, so the
/// character vanished from copy and search) and PDF/A forbids. It is drawn as the face's
/// white square □ instead (or `?`), carrying the character's own text: krilla maps the
/// glyph to that text, and to `/ActualText` wherever the same glyph stands for other text.
fn visible_glyph(face: &crate::assets::fonts::Face, id: u16) -> u32 {
    if id != 0 {
        return u32::from(id);
    }
    let f = face.shaper();
    f.glyph_index('\u{25A1}')
        .or_else(|| f.glyph_index('?'))
        .map_or(0, |g| u32::from(g.0))
}

fn draw_text(surface: &mut krilla::surface::Surface<'_>, run: &TextRun, book: &FontBook) {
    let face = book.face(run.face);
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .map(|g| KrillaGlyph {
            glyph_id: GlyphId::new(visible_glyph(face, g.id)),
            text_range: g.range.clone(),
            // krilla wants em units.
            x_advance: g.advance / run.size,
            x_offset: g.x_offset / run.size,
            y_offset: g.y_offset / run.size,
            y_advance: 0.0,
            location: None,
        })
        .collect();
    surface.set_fill(Some(fill(run.color)));
    surface.set_stroke(run.embolden.then(|| Stroke {
        paint: rgb::Color::new(run.color.0, run.color.1, run.color.2).into(),
        width: run.size * crate::assets::fonts::SYNTHETIC_BOLD_EM,
        line_join: krilla::paint::LineJoin::Round,
        ..Default::default()
    }));
    if run.oblique {
        // Shear around the baseline origin so the run stays in place.
        surface.push_transform(&Transform::from_row(
            1.0,
            0.0,
            -OBLIQUE,
            1.0,
            OBLIQUE * run.y,
            0.0,
        ));
    }
    surface.draw_glyphs(
        Point::from_xy(run.x, run.y),
        &glyphs,
        face.pdf_font().clone(),
        &run.text,
        run.size,
        false,
    );
    if run.oblique {
        surface.pop();
    }
}

/// Builds the nested bookmark tree from the flat, levelled list.
fn outline(entries: &[OutlineEntry]) -> Outline {
    fn node(e: &OutlineEntry) -> OutlineNode {
        OutlineNode::new(
            e.title.clone(),
            XyzDestination::new(e.page, Point::from_xy(0.0, e.y)),
        )
    }
    // Stack of (level, node); a node is attached to its parent when it is popped.
    fn attach(stack: &mut Vec<(u8, OutlineNode)>, root: &mut Outline) {
        if let Some((_, n)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.push_child(n),
                None => root.push_child(n),
            }
        }
    }
    let mut root = Outline::new();
    let mut stack: Vec<(u8, OutlineNode)> = Vec::new();
    for e in entries {
        while stack.last().is_some_and(|(l, _)| *l >= e.level) {
            attach(&mut stack, &mut root);
        }
        let open = e.level == 0;
        stack.push((e.level, node(e).with_open(open)));
    }
    while !stack.is_empty() {
        attach(&mut stack, &mut root);
    }
    root
}

fn metadata(info: &PdfInfo) -> Metadata {
    let mut m = Metadata::new()
        .title(info.title.clone())
        .language(info.lang.clone())
        .creator("folio".to_owned())
        .producer(format!("folio {}", env!("CARGO_PKG_VERSION")));
    if !info.authors.is_empty() {
        m = m.authors(info.authors.clone());
    }
    if let Some(s) = &info.subject {
        m = m.description(s.clone());
    }
    if !info.keywords.is_empty() {
        m = m.keywords(info.keywords.clone());
    }
    if let Some(t) = info.created_unix {
        let (y, mo, d, h, mi, s) = crate::timestamp::civil(t);
        m = m.creation_date(
            DateTime::new(y as u16)
                .month(mo)
                .day(d)
                .hour(h)
                .minute(mi)
                .second(s)
                .utc_offset_hour(0)
                .utc_offset_minute(0),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::orient;

    /// Where the stored picture's corners land, (top-left, top-right, bottom-left).
    fn corners(o: u8, w: f32, h: f32) -> [(f32, f32); 3] {
        let (t, (sw, sh)) = orient(o, w, h);
        let map = |x: f32, y: f32| {
            let r = |v: f32| (v * 100.0).round() / 100.0;
            (
                r(t.sx() * x + t.kx() * y + t.tx()),
                r(t.ky() * x + t.sy() * y + t.ty()),
            )
        };
        [map(0.0, 0.0), map(sw, 0.0), map(0.0, sh)]
    }

    #[test]
    fn exif_orientations_put_the_picture_upright_inside_its_box() {
        let (w, h) = (30.0, 20.0);
        // EXIF 6: the stored top-left is shown at the top-right (turn 90° clockwise).
        assert_eq!(corners(6, w, h), [(w, 0.0), (w, h), (0.0, 0.0)]);
        // EXIF 8: stored top-left shown bottom-left (turn 90° counter-clockwise).
        assert_eq!(corners(8, w, h), [(0.0, h), (0.0, 0.0), (w, h)]);
        assert_eq!(corners(3, w, h), [(w, h), (0.0, h), (w, 0.0)]);
        for o in 1..=8 {
            for (x, y) in corners(o, w, h) {
                assert!(
                    (0.0..=w).contains(&x) && (0.0..=h).contains(&y),
                    "EXIF {o} leaves the box"
                );
            }
        }
    }
}
