//! `columns = 2`: body text in two columns with a gutter, heads across both, the last page
//! of the document balanced. Read from `pdftotext -bbox` word boxes.

mod support;

use std::path::{Path, PathBuf};

use support::*;

/// (page, xMin, xMax, yMax, word).
type Word = (usize, f64, f64, f64, String);

/// Every word's box.
fn words(pdf: &Path) -> Vec<Word> {
    word_boxes(pdf)
        .into_iter()
        .map(|w| (w.page, w.x_min, w.x_max, w.y_max, w.text))
        .collect()
}

#[test]
fn two_columns_with_a_gutter_and_a_balanced_last_page() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("print_columns");
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    copy_dir(&repo().join("content"), &content);
    let config = content.join("bulletin.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("columns = 2\n{toml}")).unwrap();
    let out = root.join("out");
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    let pdf = out.join("bulletin.pdf");
    let words = words(&pdf);
    // A4, 20 mm margins: the text block is 56.7–538.6 pt, its middle 297.6 pt; the gutter
    // is 6 mm (17 pt). A line-end full-width mark is set in half an em but its box (as
    // pdftotext reports it) is a whole em: half an em of slack on the right.
    let (left, right, mid) = (56.0, 539.5 + 5.5, 297.6);
    let pages = words.iter().map(|w| w.0).max().unwrap();
    let mut two_column_pages = 0;
    for page in 2..=pages {
        // Body words: below the running head, above the folio.
        let body: Vec<_> = words
            .iter()
            .filter(|w| w.0 == page && w.3 > 90.0 && w.3 < 770.0)
            .collect();
        let in_left = body.iter().filter(|w| w.2 < mid - 8.0).count();
        let in_right = body.iter().filter(|w| w.1 > mid + 8.0).count();
        let crossing: Vec<_> = body
            .iter()
            .filter(|w| w.1 < mid - 8.0 && w.2 > mid + 8.0)
            .collect();
        assert!(
            body.iter().all(|w| w.1 >= left && w.2 <= right),
            "page {page}: a word outside the text block"
        );
        if in_left > 50 && in_right > 50 {
            two_column_pages += 1;
            // Only spanning heads (article titles, bylines) may cross the gutter.
            assert!(crossing.len() < 20, "page {page}: {crossing:?}");
        }
    }
    assert!(two_column_pages >= 4, "{two_column_pages} two-column pages");

    // The last page is balanced: its two columns end within two lines of each other.
    let last: Vec<_> = words
        .iter()
        .filter(|w| w.0 == pages && w.3 < 770.0)
        .collect();
    let bottom =
        |f: &dyn Fn(&&&Word) -> bool| last.iter().filter(f).map(|w| w.3).fold(0.0f64, f64::max);
    let lb = bottom(&|w| w.2 < mid - 8.0);
    let rb = bottom(&|w| w.1 > mid + 8.0);
    assert!(lb > 0.0 && rb > 0.0, "both columns used on the last page");
    assert!((lb - rb).abs() < 40.0, "unbalanced: {lb} vs {rb}");

    // A picture wider than a column spans both: the gutter of the first article page is
    // painted where its photos are, while on a page of text only it stays white.
    let painted = |page: usize| gutter_ink(&pdf, page, mid);
    assert!(painted(2) > 500, "no picture crosses the gutter on page 2");
    let text_only = (3..=pages)
        .find(|&p| painted(p) == 0)
        .expect("a page whose gutter is white");
    assert!(text_only > 2);

    // Nothing lost: the last words of the last article are there.
    let text = squash(&pdf_text(&pdf, None));
    assert!(text.contains("校园网"), "{text}");
}

/// Non-white pixels in a 6 pt wide strip down the middle of the page (rendered at 72 dpi).
fn gutter_ink(pdf: &Path, page: usize, mid: f64) -> usize {
    let prefix = pdf.with_file_name(format!("gutter-{page}"));
    let out = tool(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "72",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            "-x",
            &((mid - 3.0) as u32).to_string(),
            "-y",
            "90",
            "-W",
            "6",
            "-H",
            "680",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pgm = std::fs::read(format!("{}.pgm", prefix.display())).unwrap();
    // P5 header: four whitespace-separated fields, then one byte per pixel.
    let mut at = 0;
    for _ in 0..4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
    }
    pgm[at + 1..].iter().filter(|&&p| p < 240).count()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}
