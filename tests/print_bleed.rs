//! `--bleed 3mm` / `[print] bleed`: the sheet grows, TrimBox and BleedBox are written, crop
//! marks are drawn outside the bleed.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const MM: f64 = 72.0 / 25.4;

/// MediaBox, TrimBox and BleedBox of the first page, as `qpdf --json` reads them.
fn boxes(pdf: &Path) -> [Vec<f64>; 3] {
    let script = r#"
import json, sys
d = json.load(sys.stdin)
o = d["qpdf"][1]
v = o["obj:" + d["pages"][0]["object"]]["value"]
for k in ("/MediaBox", "/TrimBox", "/BleedBox"):
    print(" ".join(str(x) for x in v.get(k, [])))
"#;
    let json = tool("qpdf", &["--json", pdf.to_str().unwrap()]);
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &json.stdout).unwrap();
    let out = stdout(&child.wait_with_output().unwrap());
    let mut lines = out
        .lines()
        .map(|l| l.split_whitespace().map(|n| n.parse().unwrap()).collect());
    [(); 3].map(|_| lines.next().unwrap_or_default())
}

/// Dark pixels in the top-left `size`×`size` pt corner of page 1, rendered at 288 dpi
/// (the marks are hairlines).
fn dark_pixels_in_corner(pdf: &Path, size: u32) -> usize {
    let size = size * 4;
    let prefix = pdf.with_extension("corner");
    let out = tool(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "288",
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            &size.to_string(),
            "-H",
            &size.to_string(),
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pgm = std::fs::read(format!("{}.pgm", prefix.display())).unwrap();
    // P5 header: magic, width, height, maxval, then one byte per pixel.
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    pgm[at + 1..].iter().filter(|&&p| p < 160).count()
}

#[test]
fn bleed_grows_the_sheet_writes_boxes_and_draws_crop_marks() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("print_bleed");
    let _ = std::fs::remove_dir_all(&out);
    folio_ok(&[
        "build",
        "content",
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--bleed",
        "3mm",
    ]);
    let pdf = out.join("bulletin.pdf");
    let [media, trim, bleed] = boxes(&pdf);
    assert_eq!(trim.len(), 4, "no TrimBox");
    assert_eq!(bleed.len(), 4, "no BleedBox");
    // The trim is A4; the bleed box is 3 mm larger on every side; the sheet larger still.
    assert!((trim[2] - trim[0] - 210.0 * MM).abs() < 0.1, "{trim:?}");
    assert!((trim[3] - trim[1] - 297.0 * MM).abs() < 0.1, "{trim:?}");
    for (t, b, sign) in [
        (trim[0], bleed[0], 1.0),
        (trim[1], bleed[1], 1.0),
        (trim[2], bleed[2], -1.0),
        (trim[3], bleed[3], -1.0),
    ] {
        assert!(
            ((t - b) * sign - 3.0 * MM).abs() < 0.05,
            "{trim:?} {bleed:?}"
        );
    }
    assert!(media[0] < bleed[0] && media[2] > bleed[2], "{media:?}");
    // Crop marks in the corner; nothing there without --bleed.
    // The marks continue the trim edges: the corner up to just past the trim holds them.
    let corner = (trim[0] - media[0]).ceil() as u32 + 2;
    assert!(dark_pixels_in_corner(&pdf, corner) > 10, "no crop marks");
    let text = pdf_text(&pdf, None);
    assert!(text.contains("目录"));
    let qpdf = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(qpdf.status.success(), "{}", stdout(&qpdf));

    // The same from bulletin.toml.
    let root = out.with_file_name("print_bleed_toml");
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    copy_dir(&repo().join("content"), &content);
    let config = content.join("bulletin.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{toml}\n[print]\nbleed = 3\n")).unwrap();
    let out2 = root.join("out");
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    assert_eq!(boxes(&out2.join("bulletin.pdf"))[1], trim);

    let plain = build_sample("print_bleed_none", "pdf").join("bulletin.pdf");
    assert_eq!(boxes(&plain)[1].len(), 0, "no TrimBox without bleed");
    assert_eq!(dark_pixels_in_corner(&plain, corner), 0);

    let bad = folio(&["build", "content", "-o", "/nonexistent", "--bleed", "3cm"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("millimetres"), "{}", stderr(&bad));
}
