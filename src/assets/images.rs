//! Reading the images a document names: format and pixel size from the header only.
//!
//! JPEG pixels are never decoded: the PDF embeds the JPEG bytes unchanged and the EPUB copies
//! the file, so only the header and the stream's integrity are checked. Other formats are
//! decoded once here to prove they are readable, because the PDF writer must decode them
//! anyway (PNG alpha becomes a soft mask) and failing late would leave no file and line.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::{Block, Document, ImageRef, SourcePos};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl ImageFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Webp => "image/webp",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
        }
    }
}

/// A readable image, ready for either writer.
#[derive(Debug, Clone)]
pub struct ImageAsset {
    /// Same as `ImageRef::key`.
    pub key: String,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    pub bytes: Arc<[u8]>,
}

/// All images of a document, keyed by `ImageRef::key` (sorted, so iteration is deterministic).
pub type ImageSet = BTreeMap<String, ImageAsset>;

/// Reads and checks every image the document names. Each file is read once however often it
/// is used; a problem is reported at its first use.
pub fn load_images(doc: &Document) -> (ImageSet, Vec<Diagnostic>) {
    let mut first_use: BTreeMap<&str, (&ImageRef, &SourcePos)> = BTreeMap::new();
    for article in &doc.articles {
        visit_figures(&article.blocks, &mut |image, pos| {
            first_use.entry(image.key.as_str()).or_insert((image, pos));
        });
        for note in &article.footnotes {
            visit_figures(&note.blocks, &mut |image, pos| {
                first_use.entry(image.key.as_str()).or_insert((image, pos));
            });
        }
    }
    let results: Vec<Result<ImageAsset, Diagnostic>> = first_use
        .into_par_iter()
        .map(|(_, (image, pos))| load_one(image).map_err(|d| d.at(pos)))
        .collect();
    let mut set = ImageSet::new();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(asset) => {
                set.insert(asset.key.clone(), asset);
            }
            Err(d) => diags.push(d),
        }
    }
    (set, diags)
}

fn visit_figures<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a ImageRef, &'a SourcePos)) {
    for block in blocks {
        match block {
            Block::Figure { image, pos, .. } => f(image, pos),
            Block::Quote { blocks, .. } => visit_figures(blocks, f),
            Block::List { items, .. } => {
                for item in items {
                    visit_figures(&item.blocks, f);
                }
            }
            _ => {}
        }
    }
}

fn load_one(image: &ImageRef) -> Result<ImageAsset, Diagnostic> {
    let bytes = std::fs::read(&image.path).map_err(|e| {
        Diagnostic::error(format!("cannot read image `{}`: {e}", image.key))
            .with_help("check that the file exists and is readable")
    })?;
    probe(&image.key, bytes.into())
}

/// Identifies and checks an image held in memory.
pub fn probe(key: &str, bytes: Arc<[u8]>) -> Result<ImageAsset, Diagnostic> {
    let corrupt = |why: String| {
        Diagnostic::error(format!("image `{key}` is not a readable picture: {why}"))
            .with_help("re-export it as JPEG or PNG, or remove the reference")
    };
    let format = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
        Ok(image::ImageFormat::Png) => ImageFormat::Png,
        Ok(image::ImageFormat::Gif) => ImageFormat::Gif,
        Ok(image::ImageFormat::WebP) => ImageFormat::Webp,
        Ok(other) => {
            return Err(corrupt(format!(
                "{other:?} images are not supported (use JPEG, PNG, GIF or WebP)"
            )));
        }
        Err(_) => return Err(corrupt("unknown file format".into())),
    };
    let reader = image::ImageReader::with_format(Cursor::new(&bytes[..]), to_image_format(format));
    let (width, height) = if format == ImageFormat::Jpeg {
        check_jpeg_stream(&bytes).map_err(|w| corrupt(w.into()))?;
        reader
            .into_dimensions()
            .map_err(|e| corrupt(e.to_string()))?
    } else {
        let decoded = reader.decode().map_err(|e| corrupt(e.to_string()))?;
        (decoded.width(), decoded.height())
    };
    if width == 0 || height == 0 {
        return Err(corrupt("it has no pixels".into()));
    }
    Ok(ImageAsset {
        key: key.to_owned(),
        format,
        width,
        height,
        bytes,
    })
}

fn to_image_format(f: ImageFormat) -> image::ImageFormat {
    match f {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Gif => image::ImageFormat::Gif,
        ImageFormat::Webp => image::ImageFormat::WebP,
    }
}

/// Walks the JPEG marker segments up to the scan and checks the file ends with EOI, which
/// catches truncated downloads without decoding a single pixel.
fn check_jpeg_stream(b: &[u8]) -> Result<(), &'static str> {
    if b.len() < 4 || b[0] != 0xFF || b[1] != 0xD8 {
        return Err("missing JPEG start marker");
    }
    let mut i = 2;
    let mut saw_frame = false;
    loop {
        // Skip fill bytes before a marker.
        while i < b.len() && b[i] == 0xFF && i + 1 < b.len() && b[i + 1] == 0xFF {
            i += 1;
        }
        if i + 4 > b.len() || b[i] != 0xFF {
            return Err("damaged JPEG header");
        }
        let marker = b[i + 1];
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        if len < 2 || i + 2 + len > b.len() {
            return Err("truncated JPEG header");
        }
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            saw_frame = true;
        }
        if marker == 0xDA {
            break;
        }
        i += 2 + len;
    }
    if !saw_frame {
        return Err("no frame header before the image data");
    }
    // Some writers pad after EOI; accept trailing zero bytes.
    let end = b.iter().rposition(|&x| x != 0).unwrap_or(0);
    if end < 1 || b[end - 1] != 0xFF || b[end] != 0xD9 {
        return Err("the file is truncated (no end-of-image marker)");
    }
    Ok(())
}
