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
    let out = build_sample_with("print_bleed", "pdf", &["--bleed", "3mm"]);
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
    build_pdf(&content, &out2, &[]);
    assert_eq!(boxes(&out2.join("bulletin.pdf"))[1], trim);

    let plain = build_sample("print_bleed_none", "pdf").join("bulletin.pdf");
    assert_eq!(boxes(&plain)[1].len(), 0, "no TrimBox without bleed");
    assert_eq!(dark_pixels_in_corner(&plain, corner), 0);

    let bad = folio(&["build", "content", "-o", "/nonexistent", "--bleed", "3cm"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("millimetres"), "{}", stderr(&bad));
}

/// Grey levels of page `page` rendered at 72 dpi (1 px = 1 pt): (width, height, pixels).
fn gray72(pdf: &Path, page: usize) -> (usize, usize, Vec<u8>) {
    render_gray(pdf, page, 72, &pdf.with_extension(format!("gray-{page}")))
}

#[test]
fn the_report_cover_picture_reaches_the_bleed_edge() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("print_bleed_cover");
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    copy_dir(&repo().join("content"), &content);
    std::fs::copy(
        content.join("images/Wechat picture _20230901114436_1.jpg"),
        content.join("images/cover.jpg"),
    )
    .unwrap();
    let config = content.join("bulletin.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("cover = \"images/cover.jpg\"\n{toml}")).unwrap();
    let out = root.join("out");
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--template",
        "report",
        "--bleed",
        "3mm",
    ]);
    let pdf = out.join("bulletin.pdf");
    let [media, trim, bleed] = boxes(&pdf);
    let (w, h, px) = gray72(&pdf, 1);
    assert!((w as f64 - media[2]).abs() <= 1.0 && (h as f64 - media[3]).abs() <= 1.0);
    let at = |x: f64, y_from_bottom: f64| {
        let (x, y) = (x as usize, h - 1 - y_from_bottom as usize);
        px[y * w + x]
    };
    // Along the foot of the cover: inside the bleed (left, right, below the trim) the
    // picture is painted; a point beyond the bleed is white sheet.
    let (left, right, bottom) = (bleed[0] + 0.8, bleed[2] - 0.8, bleed[1] + 0.8);
    let dark = |v: u8| v < 235;
    let rows = [bottom, bottom + 20.0, bottom + 60.0];
    let painted: usize = rows
        .iter()
        .map(|&y| usize::from(dark(at(left, y))) + usize::from(dark(at(right, y))))
        .sum();
    assert!(
        painted >= 4,
        "the picture does not reach the side bleed: {painted}/6"
    );
    let across: usize = (0..20)
        .map(|i| trim[0] + (trim[2] - trim[0]) * f64::from(i) / 20.0)
        .filter(|&x| dark(at(x, bottom)))
        .count();
    assert!(
        across >= 12,
        "the picture does not reach the foot bleed: {across}/20"
    );
    // Beyond the bleed (between it and the crop marks) nothing is painted.
    for &y in &rows {
        assert!(
            !dark(at(bleed[0] - 3.0, y)),
            "painted beyond the bleed at {y}"
        );
    }
    assert!(
        trim[1] - bleed[1] > 8.0 && trim[1] - bleed[1] < 9.0,
        "{trim:?} {bleed:?}"
    );

    // The e-book's cover shows the same picture, stored beside the generated cover.
    let list = stdout(&tool(
        "unzip",
        &["-l", out.join("bulletin.epub").to_str().unwrap()],
    ));
    assert!(list.contains("OEBPS/images/cover-photo.jpg"), "{list}");

    // A cover that is not there is an error naming bulletin.toml's line.
    std::fs::write(&config, format!("cover = \"images/nope.jpg\"\n{toml}")).unwrap();
    let bad = folio(&["check", content.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("bulletin.toml:1"), "{}", stderr(&bad));
}

#[test]
fn a_picture_marked_bleed_runs_into_the_bleed_on_both_sides() {
    let text = "新学期开学，校园里一片繁忙景象。".repeat(12);
    let article = format!(
        "---\ntitle: 出血图片\n---\n\n{text}\n\n![开学典礼会场](../images/Wechat%20picture%20_20230901114436_1.jpg){{.bleed}}\n\n{text}\n"
    );
    let (content, out) = write_book(
        "print_bleed_photo",
        "title = \"出血测试\"\n",
        &[("01-bleed.md", &article)],
    );
    copy_dir(&repo().join("content/images"), &content.join("images"));
    build_pdf(&content, &out, &["--bleed", "3mm"]);
    let pdf = out.join("bulletin.pdf");
    let [_, trim, bleed] = boxes(&pdf);
    let pages = pdf_page_labels(&pdf).len();
    // Rows (1 pt each) where both side bleeds are painted: the photo crosses the page.
    let mut rows = 0;
    let mut beyond = 0;
    for page in 1..=pages {
        let (w, h, px) = gray72(&pdf, page);
        let at = |x: f64, y: usize| px[y * w + x as usize];
        for y in (h - trim[3] as usize)..(h - trim[1] as usize) {
            if at(bleed[0] + 0.8, y) < 235 && at(bleed[2] - 0.8, y) < 235 {
                rows += 1;
                beyond += usize::from(at(bleed[0] - 3.0, y) < 235);
            }
        }
    }
    assert!(rows > 100, "{rows} rows of picture across the page");
    assert_eq!(beyond, 0, "painted beyond the bleed");
    // The text around it is all there.
    let text_out: String = pdf_text(&pdf, None).split_whitespace().collect();
    assert_eq!(text_out.matches("新学期开学").count(), 24, "{text_out}");
    assert!(text_out.contains("开学典礼会场"), "the caption");

    // The e-book shows it across the whole width.
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "epub",
    ]);
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("bulletin.epub")).unwrap()).unwrap();
    let mut xhtml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/a-01-bleed.xhtml").unwrap(),
        &mut xhtml,
    )
    .unwrap();
    assert!(xhtml.contains("<figure class=\"bleed\">"), "{xhtml}");
}
