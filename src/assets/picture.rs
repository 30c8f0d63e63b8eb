//! Pictures in the form the PDF embeds them, prepared once per distinct file.
//!
//! PDF can carry a JPEG as it is (DCT), but not PNG, GIF or WebP. So:
//! - JPEG (baseline, progressive, CMYK) passes through untouched;
//! - lossy WebP becomes a JPEG at the quality it was encoded with: both are 4:2:0 DCT
//!   codecs, so the JPEG is about the size of the WebP, where raw pixels would be ten
//!   times larger;
//! - everything else (PNG of any depth or palette, interlaced or not; GIF, first frame;
//!   lossless or translucent WebP) is handed to krilla as the file it is: krilla decodes
//!   it while writing, in parallel, and keeps only the deflated samples, so a build never
//!   holds every picture's pixels at once;
//! - a picture downsampled for `--max-dpi` becomes pixels with the alpha split out
//!   (opaque alpha dropped), deflated by the PDF writer.
//!
//! The writers paint from this; nothing here knows about pages. EXIF orientation is not
//! applied to the pixels: layout decides how a picture is turned, the PDF writer turns it.

use std::sync::Arc;

use image::DynamicImage;

use crate::assets::images::ImageFormat;

/// The SHA-256 of a file's bytes: the same photo under two names is one picture.
pub type Digest = [u8; 32];

pub fn digest(bytes: &[u8]) -> Digest {
    use sha2::{Digest as _, Sha256};
    Sha256::digest(bytes).into()
}

/// A picture ready to be embedded.
#[derive(Clone)]
pub enum Picture {
    /// JPEG bytes, embedded as they are.
    Jpeg(Arc<[u8]>),
    /// A PNG, GIF or WebP file, decoded by the PDF writer.
    Encoded(ImageFormat, Arc<[u8]>),
    Pixels(Arc<Pixels>),
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Picture::Jpeg(b) => write!(f, "Jpeg(<{} bytes>)", b.len()),
            Picture::Encoded(format, b) => write!(f, "{format:?}(<{} bytes>)", b.len()),
            Picture::Pixels(p) => write!(f, "Pixels({}×{})", p.width, p.height),
        }
    }
}

/// Uncompressed samples, channels interleaved, 16-bit samples big-endian (as PDF wants).
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    /// Grey (1 channel) rather than RGB (3).
    pub gray: bool,
    pub sixteen_bit: bool,
    pub color: Vec<u8>,
    /// One sample per pixel, same depth as `color`; `None` when fully opaque.
    pub alpha: Option<Vec<u8>>,
    /// Identifies the samples (the source file's digest, plus the size after any
    /// downsampling), so the PDF writer never hashes pixels.
    pub id: Digest,
}

/// Whether a WebP file can go the JPEG way: lossy, not animated, no alpha.
fn webp_lossy_opaque(b: &[u8]) -> Option<&[u8]> {
    if b.len() < 20 || &b[..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        return None;
    }
    let mut at = 12;
    let mut vp8 = None;
    while at + 8 <= b.len() {
        let tag = &b[at..at + 4];
        let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().ok()?) as usize;
        let body = b.get(at + 8..(at + 8).checked_add(len)?.min(b.len()))?;
        match tag {
            b"VP8 " => vp8 = Some(body),
            b"VP8L" | b"ALPH" | b"ANIM" | b"ANMF" => return None,
            _ => {}
        }
        at += 8 + len + (len & 1);
    }
    vp8
}

/// The quality (0–100) a lossy WebP was encoded with, estimated from its base quantizer,
/// on the scale libwebp's encoder and JPEG encoders share. The header fields before the
/// quantizer are coded at probability ½, so they read as plain bits (MSB first).
fn webp_quality(vp8: &[u8]) -> Option<u8> {
    // Frame tag (3 bytes), start code 9D 01 2A, width and height (4 bytes).
    if vp8.len() < 10 || vp8[3..6] != [0x9D, 0x01, 0x2A] {
        return None;
    }
    let bits = &vp8[10..];
    let mut pos = 0usize;
    let mut get = |n: usize| -> Option<u32> {
        let mut v = 0;
        for _ in 0..n {
            let byte = *bits.get(pos >> 3)?;
            v = (v << 1) | u32::from(byte & (0x80 >> (pos & 7)) != 0);
            pos += 1;
        }
        Some(v)
    };
    get(2)?; // colour space, clamping
    let mut q = None;
    if get(1)? == 1 {
        // Segmentation: with absolute values, the segments' mean quantizer stands in
        // (libwebp spreads its segments around the quantizer the quality asked for).
        let update_map = get(1)?;
        if get(1)? == 1 {
            let absolute = get(1)?;
            let mut sum = 0;
            for _ in 0..4 {
                if get(1)? == 1 {
                    let v = get(7)?;
                    if get(1)? == 0 {
                        sum += v;
                    }
                }
            }
            if absolute == 1 {
                q = Some(sum / 4);
            }
            for _ in 0..4 {
                if get(1)? == 1 {
                    get(7)?;
                }
            }
        }
        if update_map == 1 {
            for _ in 0..3 {
                if get(1)? == 1 {
                    get(8)?;
                }
            }
        }
    }
    get(10)?; // filter type, level, sharpness
    if get(1)? == 1 && get(1)? == 1 {
        for _ in 0..8 {
            if get(1)? == 1 {
                get(6)?;
            }
        }
    }
    get(2)?; // partitions
    let base = get(7)?;
    let q = q.unwrap_or(base).min(127) as f64;
    let linear = (127.0 - q) * 100.0 / 127.0;
    // The encoder's quality curve is steep below 80.
    let quality = if linear < 80.0 {
        (linear / 80.0).powf(1.0 / 0.38) * 80.0
    } else {
        linear
    };
    Some(quality.round().clamp(30.0, 95.0) as u8)
}

/// Encodes 8-bit RGB as a 4:2:0 JPEG.
fn encode_jpeg(rgb: &[u8], width: u32, height: u32, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = (
        u16::try_from(width).map_err(|_| "too wide for JPEG")?,
        u16::try_from(height).map_err(|_| "too tall for JPEG")?,
    );
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    // Optimised Huffman tables would save about 5 % of the size for a third more time.
    enc.encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// An opaque, still, lossy WebP as a JPEG at the quality it was encoded with, with its
/// pixel size; `None` for any other file. Decoded with libwebp, which is several times
/// faster than the pure-Rust decoder on the photos newsletters are full of.
pub(crate) fn lossy_webp_as_jpeg(source: &[u8]) -> Option<Result<(Picture, u32, u32), String>> {
    let vp8 = webp_lossy_opaque(source)?;
    let quality = webp_quality(vp8).unwrap_or(85);
    Some((|| {
        let decoded = webp::Decoder::new(source)
            .decode()
            .ok_or("the WebP data is damaged")?;
        let (w, h) = (decoded.width(), decoded.height());
        if w == 0 || h == 0 || decoded.is_alpha() || decoded.len() != (w * h * 3) as usize {
            return Err("unexpected WebP layout".to_owned());
        }
        let jpeg = encode_jpeg(&decoded, w, h, quality)?;
        Ok((Picture::Jpeg(jpeg.into()), w, h))
    })())
}

/// Splits decoded pixels into colour and alpha at their own depth.
fn pixels(decoded: DynamicImage, id: Digest) -> Pixels {
    let (width, height) = (decoded.width(), decoded.height());
    let sixteen = |v: &[u16]| v.iter().flat_map(|s| s.to_be_bytes()).collect::<Vec<u8>>();
    let split8 = |raw: &[u8], n: usize| {
        let mut color = Vec::with_capacity(raw.len() / n * (n - 1));
        let mut alpha = Vec::with_capacity(raw.len() / n);
        for px in raw.chunks_exact(n) {
            color.extend_from_slice(&px[..n - 1]);
            alpha.push(px[n - 1]);
        }
        let opaque = alpha.iter().all(|&a| a == 255);
        (color, (!opaque).then_some(alpha))
    };
    let split16 = |raw: &[u16], n: usize| {
        let mut color = Vec::with_capacity(raw.len() / n * (n - 1) * 2);
        let mut alpha = Vec::with_capacity(raw.len() / n * 2);
        for px in raw.chunks_exact(n) {
            for s in &px[..n - 1] {
                color.extend_from_slice(&s.to_be_bytes());
            }
            alpha.extend_from_slice(&px[n - 1].to_be_bytes());
        }
        let opaque = raw.chunks_exact(n).all(|px| px[n - 1] == u16::MAX);
        (color, (!opaque).then_some(alpha))
    };
    let (gray, sixteen_bit, color, alpha) = match decoded {
        DynamicImage::ImageLuma8(i) => (true, false, i.into_raw(), None),
        DynamicImage::ImageLumaA8(i) => {
            let (c, a) = split8(i.as_raw(), 2);
            (true, false, c, a)
        }
        DynamicImage::ImageRgb8(i) => (false, false, i.into_raw(), None),
        DynamicImage::ImageRgba8(i) => {
            let (c, a) = split8(i.as_raw(), 4);
            (false, false, c, a)
        }
        DynamicImage::ImageLuma16(i) => (true, true, sixteen(i.as_raw()), None),
        DynamicImage::ImageLumaA16(i) => {
            let (c, a) = split16(i.as_raw(), 2);
            (true, true, c, a)
        }
        DynamicImage::ImageRgb16(i) => (false, true, sixteen(i.as_raw()), None),
        DynamicImage::ImageRgba16(i) => {
            let (c, a) = split16(i.as_raw(), 4);
            (false, true, c, a)
        }
        other => {
            let rgba = other.into_rgba8();
            let (c, a) = split8(rgba.as_raw(), 4);
            (false, false, c, a)
        }
    };
    Pixels {
        width,
        height,
        gray,
        sixteen_bit,
        color,
        alpha,
        id,
    }
}

impl Picture {
    /// Pixel size as stored (before any EXIF turn).
    pub fn stored_size(&self) -> Option<(u32, u32)> {
        match self {
            Picture::Jpeg(b) => dimensions(b, image::ImageFormat::Jpeg),
            Picture::Encoded(format, b) => dimensions(b, format.decoder()),
            Picture::Pixels(p) => Some((p.width, p.height)),
        }
    }

    /// The same picture scaled down to fit `width` × `height` stored pixels (never up).
    /// A JPEG stays a JPEG (re-encoded at `jpeg_quality`); pixels stay pixels.
    pub fn downsampled(&self, width: u32, height: u32, jpeg_quality: u8) -> Result<Self, String> {
        use image::imageops::FilterType;
        let (width, height) = (width.max(1), height.max(1));
        match self {
            Picture::Jpeg(bytes) => {
                let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
                    .map_err(|e| e.to_string())?;
                if img.width() <= width && img.height() <= height {
                    return Ok(self.clone());
                }
                let small = img.resize_exact(width, height, FilterType::Triangle);
                let rgb = small.into_rgb8();
                let jpeg = encode_jpeg(rgb.as_raw(), rgb.width(), rgb.height(), jpeg_quality)?;
                Ok(Picture::Jpeg(jpeg.into()))
            }
            Picture::Encoded(format, bytes) => {
                let img = image::load_from_memory_with_format(bytes, format.decoder())
                    .map_err(|e| e.to_string())?;
                if img.width() <= width && img.height() <= height {
                    return Ok(self.clone());
                }
                let small = img.resize_exact(width, height, FilterType::Triangle);
                let mut id = digest(bytes);
                id[..4].copy_from_slice(&width.to_le_bytes());
                id[4..8].copy_from_slice(&height.to_le_bytes());
                Ok(Picture::Pixels(Arc::new(pixels(small, id))))
            }
            Picture::Pixels(p) => {
                if p.width <= width && p.height <= height {
                    return Ok(self.clone());
                }
                let img = p.to_dynamic().ok_or("inconsistent pixel buffer")?;
                let small = img.resize_exact(width, height, FilterType::Triangle);
                let mut id = p.id;
                id[..4].copy_from_slice(&width.to_le_bytes());
                id[4..8].copy_from_slice(&height.to_le_bytes());
                Ok(Picture::Pixels(Arc::new(pixels(small, id))))
            }
        }
    }
}

fn dimensions(bytes: &[u8], format: image::ImageFormat) -> Option<(u32, u32)> {
    image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
        .into_dimensions()
        .ok()
}

impl Pixels {
    /// Back to an `image` buffer (for resampling).
    fn to_dynamic(&self) -> Option<DynamicImage> {
        let (w, h) = (self.width, self.height);
        let n = if self.gray { 1 } else { 3 };
        if self.sixteen_bit {
            let c: Vec<u16> = self
                .color
                .chunks_exact(2)
                .map(|s| u16::from_be_bytes([s[0], s[1]]))
                .collect();
            let a: Option<Vec<u16>> = self.alpha.as_ref().map(|a| {
                a.chunks_exact(2)
                    .map(|s| u16::from_be_bytes([s[0], s[1]]))
                    .collect()
            });
            let merged = merge(&c, a.as_deref(), n);
            Some(match (self.gray, a.is_some()) {
                (true, false) => {
                    DynamicImage::ImageLuma16(image::ImageBuffer::from_raw(w, h, merged)?)
                }
                (true, true) => {
                    DynamicImage::ImageLumaA16(image::ImageBuffer::from_raw(w, h, merged)?)
                }
                (false, false) => {
                    DynamicImage::ImageRgb16(image::ImageBuffer::from_raw(w, h, merged)?)
                }
                (false, true) => {
                    DynamicImage::ImageRgba16(image::ImageBuffer::from_raw(w, h, merged)?)
                }
            })
        } else {
            let merged = merge(&self.color, self.alpha.as_deref(), n);
            Some(match (self.gray, self.alpha.is_some()) {
                (true, false) => {
                    DynamicImage::ImageLuma8(image::ImageBuffer::from_raw(w, h, merged)?)
                }
                (true, true) => {
                    DynamicImage::ImageLumaA8(image::ImageBuffer::from_raw(w, h, merged)?)
                }
                (false, false) => {
                    DynamicImage::ImageRgb8(image::ImageBuffer::from_raw(w, h, merged)?)
                }
                (false, true) => {
                    DynamicImage::ImageRgba8(image::ImageBuffer::from_raw(w, h, merged)?)
                }
            })
        }
    }
}

/// Interleaves `n`-channel colour with an optional alpha channel.
fn merge<T: Copy>(color: &[T], alpha: Option<&[T]>, n: usize) -> Vec<T> {
    match alpha {
        None => color.to_vec(),
        Some(a) => color
            .chunks_exact(n)
            .zip(a)
            .flat_map(|(c, &a)| c.iter().copied().chain(std::iter::once(a)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quality_of_a_lossy_webp_is_read_from_its_quantizer() {
        // Written by libwebp at quality 75 and 80.
        let photo = include_bytes!("../../tests/fixtures/speed/photo-lossy.webp");
        let q = webp_quality(webp_lossy_opaque(photo).unwrap()).unwrap();
        assert!((65..=85).contains(&q), "{q}");
        let flat = include_bytes!("../../tests/fixtures/speed/halves-lossy.webp");
        let q = webp_quality(webp_lossy_opaque(flat).unwrap()).unwrap();
        assert!((70..=90).contains(&q), "{q}");
        // Lossless files go the pixel way.
        let mut lossless = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(4, 4))
            .write_to(
                &mut std::io::Cursor::new(&mut lossless),
                image::ImageFormat::WebP,
            )
            .unwrap();
        assert!(webp_lossy_opaque(&lossless).is_none());
    }

    #[test]
    fn opaque_alpha_is_dropped_and_translucent_alpha_is_split() {
        let opaque = image::RgbaImage::from_pixel(3, 2, image::Rgba([10, 20, 30, 255]));
        let p = pixels(DynamicImage::ImageRgba8(opaque), [0; 32]);
        assert_eq!((p.color.len(), p.alpha.is_none()), (18, true));
        let clear = image::RgbaImage::from_pixel(3, 2, image::Rgba([10, 20, 30, 7]));
        let p = pixels(DynamicImage::ImageRgba8(clear), [0; 32]);
        assert_eq!(p.color[..3], [10, 20, 30]);
        assert_eq!(p.alpha.as_deref(), Some(&[7u8; 6][..]));
        let deep = image::ImageBuffer::<image::Rgb<u16>, _>::from_pixel(
            1,
            1,
            image::Rgb([0x0102, 0, 0xFFFF]),
        );
        let p = pixels(DynamicImage::ImageRgb16(deep), [0; 32]);
        assert_eq!(p.color, [1, 2, 0, 0, 0xFF, 0xFF]);
        assert!(p.sixteen_bit);
    }

    #[test]
    fn downsampling_keeps_depth_alpha_and_a_distinct_id() {
        let img = image::RgbaImage::from_pixel(40, 20, image::Rgba([200, 0, 0, 100]));
        let pic = Picture::Pixels(Arc::new(pixels(DynamicImage::ImageRgba8(img), [9; 32])));
        let small = pic.downsampled(10, 5, 90).unwrap();
        let Picture::Pixels(p) = &small else { panic!() };
        assert_eq!((p.width, p.height), (10, 5));
        assert_eq!(p.alpha.as_ref().map(Vec::len), Some(50));
        assert_ne!(p.id, [9; 32]);
        assert_eq!(small.stored_size(), Some((10, 5)));
    }
}
