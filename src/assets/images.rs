//! Reading the images a document names: format and pixel size from the header only.
//!
//! JPEG pixels are never decoded: the PDF embeds the JPEG bytes unchanged and the EPUB copies
//! the file, so only the header and the stream's integrity are checked. Other formats are
//! decoded once here, which proves they are readable (failing late would leave no file and
//! line) and gives the PDF form ([`crate::assets::picture`]) from that one decode. Files
//! are prepared in parallel, once per distinct content (the same photo under 40 names is
//! decoded once).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use rayon::prelude::*;

use crate::assets::picture::{self, Digest, Picture};
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

    /// The `image` crate's name for the format, to decode or measure with it.
    pub(crate) fn decoder(self) -> image::ImageFormat {
        match self {
            ImageFormat::Jpeg => image::ImageFormat::Jpeg,
            ImageFormat::Png => image::ImageFormat::Png,
            ImageFormat::Gif => image::ImageFormat::Gif,
            ImageFormat::Webp => image::ImageFormat::WebP,
        }
    }
}

/// A readable image, ready for either writer.
#[derive(Debug, Clone)]
pub struct ImageAsset {
    /// Same as `ImageRef::key`.
    pub key: String,
    pub format: ImageFormat,
    /// Size as displayed, in pixels: after the EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation (1–8; 1 = as stored). Phone cameras store pictures sideways and
    /// record how to turn them; a reader expects them upright.
    pub orientation: u8,
    pub bytes: Arc<[u8]>,
    /// SHA-256 of `bytes`.
    pub digest: Digest,
    /// The form the PDF embeds, shared by every name with the same content.
    pub picture: Picture,
    /// Where the document first uses it (for warnings about how it prints).
    pub first_use: Option<SourcePos>,
}

impl ImageAsset {
    /// Whether the stored pixels are turned a quarter (width and height swap on display).
    pub fn is_transposed(&self) -> bool {
        self.orientation >= 5
    }
}

/// All images of a document, keyed by `ImageRef::key` (sorted, so iteration is deterministic).
pub type ImageSet = BTreeMap<String, ImageAsset>;

/// Reads and checks every image the document names. Each file is read once however often it
/// is used; a problem is reported at its first use.
pub fn load_images(doc: &Document) -> (ImageSet, Vec<Diagnostic>) {
    let mut first_use: BTreeMap<&str, (&ImageRef, &SourcePos)> = BTreeMap::new();
    // A remote picture that could not be fetched has no file (already reported): the
    // writers draw a placeholder for it.
    for article in &doc.articles {
        visit_figures(&article.blocks, &mut |i, p| add_use(&mut first_use, i, p));
        for note in &article.footnotes {
            visit_figures(&note.blocks, &mut |i, p| add_use(&mut first_use, i, p));
        }
    }
    // Read and fingerprint every file, then prepare each distinct content once.
    type Read<'a> = (
        &'a ImageRef,
        &'a SourcePos,
        Result<(Arc<[u8]>, Digest), Diagnostic>,
    );
    let read: Vec<Read<'_>> = first_use
        .into_par_iter()
        .map(|(_, (image, pos))| {
            let bytes = read_file(image).map(|b| {
                let d = picture::digest(&b);
                (b, d)
            });
            (image, pos, bytes)
        })
        .collect();
    let mut distinct: BTreeMap<Digest, (&str, Arc<[u8]>)> = BTreeMap::new();
    for (image, _, r) in &read {
        if let Ok((bytes, d)) = r {
            distinct
                .entry(*d)
                .or_insert((image.key.as_str(), bytes.clone()));
        }
    }
    let prepared: BTreeMap<Digest, Result<ImageAsset, Diagnostic>> = distinct
        .into_par_iter()
        .map(|(d, (key, bytes))| (d, probe_known(key, bytes, d)))
        .collect();
    let mut set = ImageSet::new();
    let mut diags = Vec::new();
    for (image, pos, r) in read {
        let asset = r.and_then(|(bytes, d)| match &prepared[&d] {
            Ok(asset) => Ok(ImageAsset {
                key: image.key.clone(),
                bytes,
                first_use: Some(pos.clone()),
                ..asset.clone()
            }),
            // Same content, so the same fault: say it under this file's own name.
            Err(_) => probe(&image.key, bytes),
        });
        match asset {
            Ok(asset) => {
                set.insert(asset.key.clone(), asset);
            }
            Err(d) => diags.push(d.at(pos)),
        }
    }
    (set, diags)
}

fn add_use<'a>(
    first_use: &mut BTreeMap<&'a str, (&'a ImageRef, &'a SourcePos)>,
    image: &'a ImageRef,
    pos: &'a SourcePos,
) {
    if !image.path.as_os_str().is_empty() {
        first_use.entry(image.key.as_str()).or_insert((image, pos));
    }
}

pub(crate) fn visit_figures<'a>(
    blocks: &'a [Block],
    f: &mut impl FnMut(&'a ImageRef, &'a SourcePos),
) {
    for block in blocks {
        match block {
            Block::Figure { image, pos, .. } => f(image, pos),
            other => {
                for blocks in other.children() {
                    visit_figures(blocks, f);
                }
            }
        }
    }
}

/// Reads and checks one picture named outside the articles (a book's cover).
pub(crate) fn load_one(image: &ImageRef, pos: &SourcePos) -> Result<ImageAsset, Diagnostic> {
    let bytes = read_file(image)?;
    let asset = probe(&image.key, bytes)?;
    Ok(ImageAsset {
        key: image.key.clone(),
        first_use: Some(pos.clone()),
        ..asset
    })
}

fn read_file(image: &ImageRef) -> Result<Arc<[u8]>, Diagnostic> {
    let bytes = read_picture(&image.path).map_err(|e| {
        Diagnostic::error(format!("cannot read image `{}`: {e}", image.key)).with_help(e.help())
    })?;
    Ok(bytes.into())
}

/// Identifies and checks an image held in memory.
pub fn probe(key: &str, bytes: Arc<[u8]>) -> Result<ImageAsset, Diagnostic> {
    let digest = picture::digest(&bytes);
    probe_known(key, bytes, digest)
}

/// [`probe`] for bytes whose digest is already known (hashing 100 MB of photos twice
/// costs more than a tenth of a second).
fn probe_known(key: &str, bytes: Arc<[u8]>, digest: Digest) -> Result<ImageAsset, Diagnostic> {
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
    check_decoded_size(key, &bytes, format)?;
    let reader = image::ImageReader::with_format(Cursor::new(&bytes[..]), format.decoder());
    let orientation = if format == ImageFormat::Jpeg {
        jpeg_orientation(&bytes).unwrap_or(1)
    } else {
        1
    };
    let (width, height, picture) = if format == ImageFormat::Jpeg {
        check_jpeg_stream(&bytes).map_err(|w| corrupt(w.into()))?;
        let (w, h) = reader
            .into_dimensions()
            .map_err(|e| corrupt(e.to_string()))?;
        (w, h, Picture::Jpeg(bytes.clone()))
    } else if let Some(jpeg) = picture::lossy_webp_as_jpeg(&bytes) {
        let jpeg = jpeg.map_err(corrupt)?;
        (jpeg.1, jpeg.2, jpeg.0)
    } else {
        // Decoded only to prove it readable; the PDF writer decodes it again while
        // writing, so the pixels of every picture are never held at once.
        let decoded = reader.decode().map_err(|e| corrupt(e.to_string()))?;
        (
            decoded.width(),
            decoded.height(),
            Picture::Encoded(format, bytes.clone()),
        )
    };
    if width == 0 || height == 0 {
        return Err(corrupt("it has no pixels".into()));
    }
    let (width, height) = if orientation >= 5 {
        (height, width)
    } else {
        (width, height)
    };
    Ok(ImageAsset {
        key: key.to_owned(),
        format,
        width,
        height,
        orientation,
        bytes,
        digest,
        picture,
        first_use: None,
    })
}

/// A picture's bytes, with its format checked from the first bytes before the rest is read:
/// a 1.5 GB file named `.jpg` that is no picture costs 64 bytes, not 1.5 GB.
fn read_picture(path: &std::path::Path) -> Result<Vec<u8>, crate::readfile::Problem> {
    let header = |h: &[u8]| match image::guess_format(h) {
        Ok(_) => Ok(()),
        Err(_) => Err("it is not a picture (unknown file format)".to_owned()),
    };
    crate::readfile::read(path, crate::readfile::Kind::Picture, Some(&header))
}

/// Refuses, before decoding, a picture whose pixels would not fit the decoder's memory limit,
/// saying its size in pixels and the limit (the decoder alone says "Memory limit exceeded").
fn check_decoded_size(key: &str, bytes: &[u8], format: ImageFormat) -> Result<(), Diagnostic> {
    use image::ImageDecoder;
    if format == ImageFormat::Jpeg {
        return Ok(()); // embedded as it is, never decoded
    }
    let reader = image::ImageReader::with_format(Cursor::new(bytes), format.decoder());
    let Ok(decoder) = reader.into_decoder() else {
        return Ok(()); // the decode that follows reports what is wrong
    };
    let (w, h) = decoder.dimensions();
    let needed = decoder.total_bytes();
    let limit = image::Limits::default().max_alloc.unwrap_or(u64::MAX);
    if needed <= limit {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "image `{key}` is {w} × {h} pixels, which needs {} of memory to decode; folio \
         decodes pictures up to {}",
        crate::readfile::human_size(needed),
        crate::readfile::human_size(limit)
    ))
    .with_help(
        "scale it down (a full-page picture needs no more than about 3000 pixels on the \
         long side), or save it as JPEG, which is embedded without decoding",
    ))
}

/// The EXIF orientation tag (0x0112) of a JPEG, from its APP1 segment, if present and valid.
fn jpeg_orientation(b: &[u8]) -> Option<u8> {
    let mut i = 2;
    while i + 4 <= b.len() && b[i] == 0xFF {
        let marker = b[i + 1];
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        if marker == 0xDA || len < 2 {
            return None;
        }
        let segment = b.get(i + 4..i + 2 + len)?;
        if marker == 0xE1 && segment.starts_with(b"Exif\0\0") {
            return exif_orientation(&segment[6..]);
        }
        i += 2 + len;
    }
    None
}

/// Reads the orientation from a TIFF structure (the body of an Exif segment).
fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let s: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(s)
        } else {
            u16::from_be_bytes(s)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let s: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    (0..count.min(512)).find_map(|n| {
        let entry = ifd + 2 + 12 * n;
        // Tag 0x0112, type SHORT: the value sits in the entry itself.
        (u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3)
            .then(|| u16_at(entry + 8))
            .flatten()
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| (1..=8).contains(v))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A real JPEG with an Exif APP1 segment carrying `orientation` spliced in after SOI.
    fn jpeg_with_orientation(
        width: u32,
        height: u32,
        orientation: u16,
        big_endian: bool,
    ) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .unwrap();
        let u16b = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u32b = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut tiff = if big_endian {
            b"MM".to_vec()
        } else {
            b"II".to_vec()
        };
        tiff.extend_from_slice(&u16b(42));
        tiff.extend_from_slice(&u32b(8));
        tiff.extend_from_slice(&u16b(1));
        tiff.extend_from_slice(&u16b(0x0112));
        tiff.extend_from_slice(&u16b(3));
        tiff.extend_from_slice(&u32b(1));
        tiff.extend_from_slice(&u16b(orientation));
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&u32b(0));
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn exif_orientation_swaps_the_displayed_size() {
        for big_endian in [false, true] {
            let sideways = jpeg_with_orientation(40, 20, 6, big_endian);
            let asset = probe("a.jpg", sideways.into()).unwrap();
            assert_eq!((asset.orientation, asset.width, asset.height), (6, 20, 40));
            assert!(asset.is_transposed());
        }
        let upside_down = probe("b.jpg", jpeg_with_orientation(40, 20, 3, false).into()).unwrap();
        assert_eq!(
            (
                upside_down.orientation,
                upside_down.width,
                upside_down.height
            ),
            (3, 40, 20)
        );
        let nonsense = probe("c.jpg", jpeg_with_orientation(40, 20, 77, false).into()).unwrap();
        assert_eq!(nonsense.orientation, 1);
    }

    #[test]
    fn truncated_jpeg_is_refused() {
        let whole = jpeg_with_orientation(40, 20, 1, false);
        let cut = &whole[..whole.len() - 10];
        let err = probe("d.jpg", cut.to_vec().into()).unwrap_err();
        assert!(err.message.contains("truncated"), "{}", err.message);
    }
}
