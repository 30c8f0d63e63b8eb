//! Pictures as printed: a phone photo stored sideways (EXIF orientation 6) prints upright.

mod support;

use std::io::Cursor;
use std::path::PathBuf;

use support::*;

/// A 400×200 JPEG, red on the left half and blue on the right, tagged "turn 90° clockwise".
fn sideways_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 200, |x, _| {
        if x < 200 {
            image::Rgb([220, 0, 0])
        } else {
            image::Rgb([0, 0, 220])
        }
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    // Exif APP1: little-endian TIFF, one IFD entry: Orientation (0x0112) SHORT = 6.
    let mut app1 =
        b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0".to_vec();
    let len = (app1.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.append(&mut app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn a_sideways_phone_photo_prints_upright() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("orientation");
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::create_dir_all(content.join("images")).unwrap();
    std::fs::write(content.join("images/phone photo.jpg"), sideways_photo()).unwrap();
    std::fs::write(content.join("bulletin.toml"), "title = \"Test\"\n").unwrap();
    std::fs::write(
        content.join("articles/a.md"),
        "---\ntitle: Photo\n---\n\n![](<../images/phone photo.jpg>)\n",
    )
    .unwrap();
    let out = root.join("out");
    build_pdf(&content, &out, &[]);

    // The photo is on page 2 (page 1 is the masthead). Render it and find the picture.
    let png = root.join("page");
    let pdf = out.join("bulletin.pdf");
    let r = tool(
        "pdftoppm",
        &[
            "-f",
            "2",
            "-l",
            "2",
            "-r",
            "30",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    assert!(r.status.success());
    let page = image::open(root.join("page.png")).unwrap().to_rgb8();
    let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0, u32::MAX, 0);
    let mut reds = Vec::new();
    let mut blues = Vec::new();
    for (x, y, p) in page.enumerate_pixels() {
        let [r, g, b] = p.0;
        let red = r > 195 && g < 60 && b < 60; // not the accent rule (176, 30, 35)
        let blue = b > 195 && r < 60 && g < 60;
        if red || blue {
            top = top.min(y);
            bottom = bottom.max(y);
            left = left.min(x);
            right = right.max(x);
        }
        if red {
            reds.push(y);
        }
        if blue {
            blues.push(y);
        }
    }
    assert!(!reds.is_empty() && !blues.is_empty(), "picture not found");
    assert!(
        bottom - top > right - left,
        "printed sideways: {}×{}",
        right - left,
        bottom - top
    );
    let mean = |v: &[u32]| v.iter().map(|&y| y as f64).sum::<f64>() / v.len() as f64;
    assert!(
        mean(&reds) < mean(&blues),
        "the stored left half (red) belongs on top"
    );
}
