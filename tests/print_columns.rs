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
    build_pdf(&content, &out, &[]);
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

/// Grey pixels of a page rendered at 72 dpi (1 px = 1 pt): (width, pixels).
fn gray_page(pdf: &Path, page: usize) -> (usize, Vec<u8>) {
    let (w, _, px) = render_gray(pdf, page, 72, &pdf.with_file_name(format!("page-{page}")));
    (w, px)
}

#[test]
fn wide_tables_span_page_breaks_start_pages_and_headings_keep_in_their_column() {
    let body = "新学期伊始，学校各部门围绕立德树人根本任务，认真谋划本学期重点工作，\
                确保各项任务落到实处。"
        .repeat(10);
    let mut article = String::from("---\ntitle: 两栏排版检验\n---\n\n");
    for i in 0..5 {
        article.push_str(&format!("{body}\n\n## 小标题{i}\n\n{body}\n\n"));
    }
    article.push_str("| 表头甲 | 表头乙说明文字 | 表头丙说明文字 | 表头丁 |\n|---|---|---|---|\n");
    for r in 0..6 {
        article.push_str(&format!(
            "| 行{r} | 这一列写得相当长以便超过一栏的宽度 | 另一列也写得相当长的说明文字 | 末列{r} |\n"
        ));
    }
    article.push_str(&format!(
        "\n{body}\n\n![会场全景](../images/Wechat%20picture%20_20230901114436_1.jpg)\n\n{body}\n\n<!-- pagebreak -->\n\n分页之后{body}\n"
    ));
    let (content, out) = write_book(
        "print_columns_blocks",
        "title = \"两栏\"\ncolumns = 2\n",
        &[("01-columns.md", &article)],
    );
    copy_dir(&repo().join("content/images"), &content.join("images"));
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf,epub",
    ]);
    let pdf = out.join("bulletin.pdf");
    let boxes = word_boxes(&pdf);
    let mid = 297.6;

    // The e-book's page list: a page that begins inside a paragraph is marked at the
    // words that open its first column.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("bulletin.epub")).unwrap()).unwrap();
    let mut xhtml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/a-01-columns.xhtml").unwrap(),
        &mut xhtml,
    )
    .unwrap();
    let mut inside = 0;
    for part in xhtml.split("<span epub:type=\"pagebreak\"").skip(1) {
        let label: usize = part
            .split("aria-label=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        let after = &part[part.find("</span>").unwrap() + "</span>".len()..];
        if after.starts_with('\n') {
            continue;
        }
        inside += 1;
        let visible: String = after
            .split('<')
            .map(|s| s.split_once('>').map_or(s, |(_, t)| t))
            .collect::<String>()
            .split_whitespace()
            .collect::<String>()
            .chars()
            .take(6)
            .collect();
        let first = boxes
            .iter()
            .filter(|w| w.page == label && w.y_max > 50.0 && w.y_max < 770.0 && w.x_max < mid)
            // A continued table's repeated header row is not where the page's text begins.
            .filter(|w| !w.text.starts_with("表头"))
            .min_by(|a, b| a.y_max.total_cmp(&b.y_max))
            .unwrap();
        assert!(
            first.text.starts_with(&visible) || visible.starts_with(&first.text),
            "page {label} begins with `{}`; its marker stands before `{visible}`",
            first.text
        );
    }
    assert!(inside >= 2, "{inside} pages marked inside a paragraph");

    // The wide table spans the columns: its header row's first cell is left of the gutter
    // and its last right of it, on one line.
    let find = |text: &str| {
        boxes
            .iter()
            .find(|w| w.text.contains(text))
            .unwrap_or_else(|| panic!("`{text}` not printed"))
    };
    let (first, last) = (find("表头甲"), find("表头丁"));
    assert_eq!(first.page, last.page);
    assert!(
        (first.y_max - last.y_max).abs() < 2.0,
        "header row on one line"
    );
    assert!(
        first.x_max < mid - 8.0 && last.x_min > mid + 8.0,
        "the table spans the gutter"
    );
    assert!(
        gutter_ink(&pdf, first.page, mid) > 0,
        "its grid crosses the gutter"
    );

    // `<!-- pagebreak -->`: what follows opens a new page.
    let after = find("分页之后");
    let first_on_page = boxes
        .iter()
        .filter(|w| w.page == after.page && w.y_max > 50.0 && w.y_max < 770.0)
        .filter(|w| w.x_max < mid)
        .min_by(|a, b| {
            a.y_max
                .total_cmp(&b.y_max)
                .then(a.x_min.total_cmp(&b.x_min))
        })
        .unwrap();
    assert!(
        first_on_page.text.contains("分页之后"),
        "{}",
        first_on_page.text
    );

    // A heading never ends its column: text follows it in the same column and page.
    for w in boxes.iter().filter(|w| w.text.starts_with("小标题")) {
        let left = w.x_max < mid;
        let below = boxes.iter().any(|o| {
            o.page == w.page && o.y_min > w.y_max && o.y_max < 770.0 && (o.x_max < mid) == left
        });
        assert!(
            below,
            "heading `{}` ends a column on page {}",
            w.text, w.page
        );
    }

    // No text is set over a picture: each body word's box is mostly white paper.
    let pages = boxes.iter().map(|w| w.page).max().unwrap();
    for page in 1..=pages {
        let (width, px) = gray_page(&pdf, page);
        for w in boxes.iter().filter(|w| w.page == page) {
            let (x0, x1) = (w.x_min.ceil() as usize, w.x_max.floor() as usize);
            let (y0, y1) = (w.y_min.ceil() as usize, w.y_max.floor() as usize);
            let mut dark = 0;
            let mut all = 0;
            for y in y0..y1 {
                for x in x0..x1 {
                    all += 1;
                    dark += usize::from(px[y * width + x] < 200);
                }
            }
            assert!(
                all == 0 || dark * 10 < all * 7,
                "`{}` on page {page} is set over a picture ({dark}/{all} dark)",
                w.text
            );
        }
    }
    let text = squash(&pdf_text(&pdf, None));
    // Nothing lost: 13 paragraphs of ten sentences, each with one 确.
    assert_eq!(text.matches('确').count(), 13 * 10);
    assert!(text.contains("末列5") && text.contains("会场全景"));
}
