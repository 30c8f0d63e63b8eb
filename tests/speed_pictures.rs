//! Every picture path, end to end: PNG (opaque, with alpha, interlaced, 16-bit, palette),
//! WebP (lossy, lossless), animated GIF (first frame), JPEG (CMYK, progressive). Each one
//! is built into a PDF and an EPUB; the PDF page is rendered and its colours checked (red
//! on the left, blue on the right, nothing that alpha hides or later GIF frames show);
//! the EPUB stores each picture untouched; JPEG bytes pass into the PDF unchanged unless
//! `--max-dpi` asks for fewer pixels.

mod support;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use support::*;

const RED: [u8; 3] = [220, 30, 30];
const BLUE: [u8; 3] = [30, 30, 220];
const GREEN: [u8; 3] = [30, 200, 30];
const W: u32 = 200;
const H: u32 = 120;

/// Red left half, blue right half.
fn halves(x: u32) -> [u8; 3] {
    if x < W / 2 { RED } else { BLUE }
}

// --- a minimal PNG writer for what the `image` crate cannot write (Adam7, palette) ---

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// zlib with stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = data.chunks(65535).collect();
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        out.extend_from_slice(&(c.len() as u16).to_le_bytes());
        out.extend_from_slice(&(!(c.len() as u16)).to_le_bytes());
        out.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn png(color_type: u8, interlaced: bool, palette: Option<&[u8]>, idat_raw: &[u8]) -> Vec<u8> {
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = W.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&H.to_be_bytes());
    ihdr.extend_from_slice(&[8, color_type, 0, 0, u8::from(interlaced)]);
    chunk(&mut out, b"IHDR", &ihdr);
    if let Some(p) = palette {
        chunk(&mut out, b"PLTE", p);
    }
    chunk(&mut out, b"IDAT", &zlib_stored(idat_raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// An interlaced (Adam7) RGB PNG of `halves`.
fn interlaced_png() -> Vec<u8> {
    const PASSES: [(u32, u32, u32, u32); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        for y in (y0..H).step_by(dy as usize) {
            let xs: Vec<u32> = (x0..W).step_by(dx as usize).collect();
            if xs.is_empty() {
                continue;
            }
            raw.push(0);
            let _ = y;
            for x in xs {
                raw.extend_from_slice(&halves(x));
            }
        }
    }
    png(2, true, None, &raw)
}

/// A palette PNG: index 0 red, 1 blue.
fn palette_png() -> Vec<u8> {
    let mut raw = Vec::new();
    for _ in 0..H {
        raw.push(0);
        raw.extend((0..W).map(|x| u8::from(x >= W / 2)));
    }
    let palette = [RED, BLUE].concat();
    png(3, false, Some(&palette), &raw)
}

fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

fn rgb_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(W, H, |x, _| image::Rgb(halves(x)));
    encode(img.into(), image::ImageFormat::Png)
}

/// Left red, right green but fully transparent: the page must show white there.
fn alpha_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(W, H, |x, _| {
        if x < W / 2 {
            image::Rgba([RED[0], RED[1], RED[2], 255])
        } else {
            image::Rgba([GREEN[0], GREEN[1], GREEN[2], 0])
        }
    });
    encode(img.into(), image::ImageFormat::Png)
}

fn png16() -> Vec<u8> {
    let wide = |c: [u8; 3]| image::Rgb(c.map(|v| v as u16 * 257));
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(W, H, |x, _| wide(halves(x)));
    encode(
        image::DynamicImage::ImageRgb16(img),
        image::ImageFormat::Png,
    )
}

fn lossless_webp() -> Vec<u8> {
    let img = image::RgbImage::from_fn(W, H, |x, _| image::Rgb(halves(x)));
    encode(img.into(), image::ImageFormat::WebP)
}

/// Frame 1 red/blue, frame 2 all green: only the first frame is printed.
fn animated_gif() -> Vec<u8> {
    use image::codecs::gif::GifEncoder;
    let first = image::RgbaImage::from_fn(W, H, |x, _| {
        let [r, g, b] = halves(x);
        image::Rgba([r, g, b, 255])
    });
    let second =
        image::RgbaImage::from_pixel(W, H, image::Rgba([GREEN[0], GREEN[1], GREEN[2], 255]));
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        enc.encode_frames([image::Frame::new(first), image::Frame::new(second)])
            .unwrap();
    }
    out
}

fn jpeg_with(progressive: bool, cmyk: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.set_progressive(progressive);
    if cmyk {
        // Ink amounts (0 = none) for an RGB colour; the encoder stores them the Adobe way.
        let ink = |c: [u8; 3]| -> [u8; 4] {
            let k = 255 - c.iter().max().copied().unwrap() as u32;
            let ch = |v: u8| ((255 - v as u32 - k) * 255 / (255 - k)) as u8;
            [ch(c[0]), ch(c[1]), ch(c[2]), k as u8]
        };
        let data: Vec<u8> = (0..H)
            .flat_map(|_| (0..W).flat_map(|x| ink(halves(x))))
            .collect();
        enc.encode(&data, W as u16, H as u16, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
    } else {
        let data: Vec<u8> = (0..H).flat_map(|_| (0..W).flat_map(halves)).collect();
        enc.encode(&data, W as u16, H as u16, jpeg_encoder::ColorType::Rgb)
            .unwrap();
    }
    out
}

fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let committed =
        |name: &str| std::fs::read(repo().join("tests/fixtures/speed").join(name)).unwrap();
    vec![
        ("png-rgb.png", rgb_png()),
        ("png-alpha.png", alpha_png()),
        ("png-interlaced.png", interlaced_png()),
        ("png-16bit.png", png16()),
        ("png-palette.png", palette_png()),
        ("webp-lossy.webp", committed("halves-lossy.webp")),
        ("webp-lossless.webp", lossless_webp()),
        ("gif-animated.gif", animated_gif()),
        ("jpeg-cmyk.jpg", jpeg_with(false, true)),
        ("jpeg-progressive.jpg", jpeg_with(true, false)),
    ]
}

/// A content folder with one article per picture; each article's body names its picture.
fn content(name: &str, pictures: &[(&str, Vec<u8>)]) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::create_dir_all(content.join("images")).unwrap();
    std::fs::write(content.join("bulletin.toml"), "title = \"Pictures\"\n").unwrap();
    for (i, (file, bytes)) in pictures.iter().enumerate() {
        std::fs::write(content.join("images").join(file), bytes).unwrap();
        let tag = file.replace('.', "-");
        std::fs::write(
            content.join("articles").join(format!("{i:02}.md")),
            format!("---\ntitle: Picture {i}\n---\n\nmarker{tag}\n\n![](../images/{file})\n"),
        )
        .unwrap();
    }
    root
}

fn build(root: &Path, extra: &[&str]) -> (PathBuf, String) {
    let out = root.join("out");
    let mut args = vec![
        "build",
        root.join("content").to_str().unwrap().to_owned().leak() as &str,
        "-o",
        out.to_str().unwrap().to_owned().leak(),
    ];
    args.extend_from_slice(extra);
    let o = folio_ok(&args);
    (out, stderr(&o))
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let o = tool(
        "pdftotext",
        &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    );
    stdout(&o)
}

fn page_count(pdf: &Path) -> usize {
    let o = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    stdout(&o)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

fn render(pdf: &Path, page: usize, dir: &Path) -> image::RgbImage {
    let p = page.to_string();
    let prefix = dir.join(format!("page-{page}"));
    let o = tool(
        "pdftoppm",
        &[
            "-f",
            &p,
            "-l",
            &p,
            "-r",
            "50",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "pdftoppm: {}", stderr(&o));
    image::open(prefix.with_extension("png")).unwrap().to_rgb8()
}

/// Pixels within `tol` of `c`: their count and mean x.
fn find(page: &image::RgbImage, c: [u8; 3], tol: i32) -> (usize, f64) {
    find_where(page, |p| {
        p.iter()
            .zip(c)
            .all(|(&a, b)| (a as i32 - b as i32).abs() <= tol)
    })
}

/// Pixels that pass `test`: their count and mean x.
fn find_where(page: &image::RgbImage, test: impl Fn([u8; 3]) -> bool) -> (usize, f64) {
    let mut n = 0usize;
    let mut sx = 0f64;
    for (x, _, p) in page.enumerate_pixels() {
        if test(p.0) {
            n += 1;
            sx += x as f64;
        }
    }
    (n, if n > 0 { sx / n as f64 } else { 0.0 })
}

#[test]
fn every_picture_path_prints_its_colours_upright() {
    let pictures = fixtures();
    let root = content("speed-pictures", &pictures);
    let (out, _) = build(&root, &[]);
    let pdf = out.join("bulletin.pdf");
    let check = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(check.status.success(), "qpdf --check: {}", stdout(&check));
    let pages = page_count(&pdf);
    for (file, _) in &pictures {
        let marker = format!("marker{}", file.replace('.', "-"));
        let page = (1..=pages)
            .find(|&p| page_text(&pdf, p).contains(&marker))
            .unwrap_or_else(|| panic!("no page shows `{marker}`"));
        let img = render(&pdf, page, &root);
        let (reds, red_x) = find(&img, RED, 45);
        // Poppler turns CMYK ink into RGB with a press-like curve: blue ink comes out
        // darker and less saturated, so for blue only the hue is checked.
        let (blues, blue_x) = find_where(&img, |[r, g, b]| {
            b > 100 && b as i32 > r as i32 + 60 && b as i32 > g as i32 + 60
        });
        let (greens, _) = find(&img, GREEN, 45);
        // At 50 dpi a 200×120 picture printed at 150 dpi covers about 66×40 pixels.
        if *file == "png-alpha.png" {
            assert!(reds > 500, "{file}: red half missing ({reds} px)");
            assert_eq!(greens, 0, "{file}: the transparent half shows");
            continue;
        }
        assert!(
            reds > 500 && blues > 500,
            "{file}: picture missing (red {reds}, blue {blues})"
        );
        assert!(
            red_x < blue_x,
            "{file}: mirrored (red at x {red_x:.0}, blue at {blue_x:.0})"
        );
        assert_eq!(greens, 0, "{file}: shows a later frame or a wrong colour");
    }

    // Same bytes on one thread or two.
    let (one, _) = build(&root, &["--jobs", "1"]);
    let pdf1 = std::fs::read(one.join("bulletin.pdf")).unwrap();
    let epub1 = std::fs::read(one.join("bulletin.epub")).unwrap();
    let root2 = content("speed-pictures-2", &pictures);
    let (two, _) = build(&root2, &["--jobs", "2"]);
    assert!(
        pdf1 == std::fs::read(two.join("bulletin.pdf")).unwrap(),
        "PDF differs between --jobs 1 and 2"
    );
    assert!(
        epub1 == std::fs::read(two.join("bulletin.epub")).unwrap(),
        "EPUB differs between --jobs 1 and 2"
    );
}

#[test]
fn the_epub_stores_each_picture_as_it_came() {
    let pictures = fixtures();
    let root = content("speed-epub", &pictures);
    let (out, _) = build(&root, &["--format", "epub"]);
    let bytes = std::fs::read(out.join("bulletin.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    assert_eq!(zip.by_index(0).unwrap().name(), "mimetype");
    assert_eq!(
        zip.by_index(0).unwrap().compression(),
        zip::CompressionMethod::Stored
    );
    let mut stored = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_owned();
        let method = f.compression();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name.ends_with(".xhtml") || name.ends_with(".css") || name.ends_with(".opf") {
            assert_eq!(
                method,
                zip::CompressionMethod::Deflated,
                "{name} should be deflated"
            );
        }
        if name.contains("/images/img-") || name.contains("/fonts/") {
            assert_eq!(
                method,
                zip::CompressionMethod::Stored,
                "{name} should be stored"
            );
        }
        stored.push(data);
    }
    for (file, source) in &pictures {
        assert!(
            stored.contains(source),
            "{file} is not in the book byte for byte"
        );
    }
}

/// `pdfimages -list` rows: (width, height, encoding, size in bytes).
fn image_list(pdf: &Path) -> Vec<(u32, u32, String, u64)> {
    let o = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(o.status.success());
    stdout(&o)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            if c.get(2) != Some(&"image") {
                return None;
            }
            let size = c[14];
            let n: f64 = size
                .trim_end_matches(|ch: char| ch.is_alphabetic())
                .parse()
                .ok()?;
            let mult = match size.chars().last()? {
                'K' => 1024.0,
                'M' => 1024.0 * 1024.0,
                'B' => 1.0,
                _ => 1.0,
            };
            Some((
                c[3].parse().ok()?,
                c[4].parse().ok()?,
                c[8].to_owned(),
                (n * mult) as u64,
            ))
        })
        .collect()
}

#[test]
fn a_lossy_webp_costs_the_pdf_about_its_own_size() {
    let photo = std::fs::read(repo().join("tests/fixtures/speed/photo-lossy.webp")).unwrap();
    let root = content("speed-webp-size", &[("photo.webp", photo.clone())]);
    let (out, _) = build(&root, &["--format", "pdf"]);
    let list = image_list(&out.join("bulletin.pdf"));
    assert_eq!(list.len(), 1, "{list:?}");
    let (w, h, enc, size) = &list[0];
    assert_eq!((*w, *h, enc.as_str()), (480, 320, "jpeg"));
    assert!(
        (*size as f64) <= 1.5 * photo.len() as f64,
        "the WebP ({} bytes) became {size} bytes in the PDF",
        photo.len()
    );
}

#[test]
fn jpegs_pass_through_unless_the_dpi_cap_asks_for_fewer_pixels() {
    // 2400 px printed across the text width (170 mm ≈ 6.7 in) is about 360 dpi; 300 px
    // prints at 150 dpi.
    let big_img = image::RgbImage::from_fn(2400, 1440, |x, _| {
        image::Rgb(if x < 1200 { RED } else { BLUE })
    });
    let big_png = encode(big_img.clone().into(), image::ImageFormat::Png);
    let big = encode(big_img.into(), image::ImageFormat::Jpeg);
    let small = jpeg_with(true, false);
    let root = content(
        "speed-dpi",
        &[
            ("big.jpg", big.clone()),
            ("small.jpg", small.clone()),
            ("big.png", big_png),
        ],
    );

    let extracted = |out: &Path| -> Vec<Vec<u8>> {
        let prefix = out.join("x");
        let o = tool(
            "pdfimages",
            &[
                "-j",
                out.join("bulletin.pdf").to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        );
        assert!(o.status.success());
        let mut files: Vec<PathBuf> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .collect();
        files.sort();
        files.iter().map(|p| std::fs::read(p).unwrap()).collect()
    };

    let (out, warnings) = build(&root, &["--format", "pdf"]);
    let jpegs = extracted(&out);
    assert!(
        jpegs.contains(&big) && jpegs.contains(&small),
        "JPEGs changed without a cap"
    );
    assert!(!warnings.contains("prints at"), "{warnings}");

    let (capped, warnings) = build(&root, &["--format", "pdf", "--max-dpi", "200"]);
    let list = image_list(&capped.join("bulletin.pdf"));
    assert!(
        list.iter()
            .filter(|(w, _, _, _)| (1000..1600).contains(w))
            .count()
            == 2
            && !list.iter().any(|(w, _, _, _)| *w == 2400),
        "big JPEG and PNG not both downsampled: {list:?}"
    );
    let jpegs = extracted(&capped);
    assert!(jpegs.contains(&small), "a JPEG under the cap changed");
    assert!(!jpegs.contains(&big));
    assert!(!warnings.contains("prints at"), "{warnings}");

    // A cap under 150 dpi prints soft pictures: each is named, with its file and line.
    let (_, warnings) = build(&root, &["--format", "pdf", "--max-dpi", "100"]);
    assert!(
        warnings.contains("articles/00.md:7")
            && warnings.contains("big.jpg")
            && warnings.contains("100 dpi"),
        "{warnings}"
    );
}

/// The concatenated IDAT data of a PNG file.
fn idat(png: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        if &png[at + 4..at + 8] == b"IDAT" {
            out.extend_from_slice(&png[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    out
}

/// Each image XObject of the PDF: its raw (still compressed) data, its PNG predictor (if
/// any) and whether it has a soft mask.
fn image_streams(pdf: &Path) -> Vec<(Vec<u8>, Option<i64>, bool)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict.get(b"Subtype").and_then(|v| v.as_name()).ok() == Some(&b"Image"[..])
                && s.dict.get(b"SMaskInData").is_err()
        })
        .map(|s| {
            let predictor = s
                .dict
                .get(b"DecodeParms")
                .and_then(|p| p.as_dict())
                .and_then(|p| p.get(b"Predictor"))
                .and_then(|p| p.as_i64())
                .ok();
            (s.content.clone(), predictor, s.dict.get(b"SMask").is_ok())
        })
        .collect()
}

#[test]
fn opaque_png_data_is_embedded_as_it_is_and_alpha_becomes_a_soft_mask() {
    let pictures = fixtures();
    let root = content("speed-png-passthrough", &pictures);
    let (out, _) = build(&root, &["--format", "pdf"]);
    let streams = image_streams(&out.join("bulletin.pdf"));
    let file = |name: &str| &pictures.iter().find(|(f, _)| *f == name).unwrap().1;
    // 8-bit RGB, 16-bit and palette PNGs, not interlaced and opaque: their zlib data is
    // the image stream, byte for byte, read through a PNG predictor.
    for name in ["png-rgb.png", "png-16bit.png", "png-palette.png"] {
        let data = idat(file(name));
        assert!(!data.is_empty(), "{name}: no IDAT");
        let found = streams.iter().find(|(c, _, _)| *c == data);
        assert!(
            matches!(found, Some((_, Some(p), _)) if *p >= 10),
            "{name}: its IDAT data is not an image stream with a PNG predictor"
        );
    }
    // Interlaced rows cannot be read through a predictor: decoded and deflated again.
    let interlaced = idat(file("png-interlaced.png"));
    assert!(streams.iter().all(|(c, _, _)| *c != interlaced));
    // Alpha is split out into a soft mask.
    assert!(
        streams.iter().any(|(_, _, smask)| *smask),
        "no picture has a soft mask"
    );
    let check = tool(
        "qpdf",
        &["--check", out.join("bulletin.pdf").to_str().unwrap()],
    );
    assert!(check.status.success(), "qpdf --check: {}", stdout(&check));
}
