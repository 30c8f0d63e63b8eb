//! Real-world Markdown: inline and block HTML, bare URLs, alerts, definition lists and page
//! breaks, checked on the built PDF (pdftotext, qpdf) and EPUB (XHTML, epubcheck).

mod support;

use std::path::PathBuf;

use support::*;

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/input_constructs")
}

fn build(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let out = folio_ok(&[
        "build",
        fixture().to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert!(
        !err.contains("warning"),
        "the fixture builds without a warning:\n{err}"
    );
    dir
}

/// The article's XHTML from the EPUB.
fn article_xhtml(epub: &std::path::Path) -> String {
    let file = std::fs::File::open(epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut found = None;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        if entry.name().ends_with(".xhtml")
            && std::io::Read::read_to_string(&mut entry, &mut text).is_ok()
            && text.contains("本期要点在此")
        {
            found = Some(text);
        }
    }
    found.expect("an XHTML file with the article")
}

#[test]
fn every_construct_prints_in_the_pdf() {
    let dir = build("input_markdown_pdf");
    let pdf = dir.join("bulletin.pdf");
    let text = stdout(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    for want in [
        "H2O",
        "x2",
        "本期要点在此",
        "Ctrl",
        "注意",
        "提示",
        "重要",
        "警告",
        "小心",
        "会议改在三楼",
        "术语",
        "这是术语的定义",
        "居中的段落",
        "展开阅读",
        "折叠里的内容",
        "校徽图",
        "房间",
        "坏链接",
        "https://www.bit.edu.cn/",
        "www.example.com",
        "news@bit.edu.cn",
    ] {
        assert!(
            text.contains(want),
            "`{want}` missing from the PDF text:\n{text}"
        );
    }
    for unwanted in [
        "<u>",
        "<sub>",
        "[!NOTE]",
        "<!--",
        "pagebreak",
        "\\newpage",
        "编者注",
    ] {
        assert!(!text.contains(unwanted), "`{unwanted}` printed:\n{text}");
    }
    // Both page breaks start a new page: each following line opens its page.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let page_of = |s: &str| pages.iter().position(|p| p.contains(s)).unwrap();
    let first = page_of("新的一页。");
    assert!(page_of("再新的一页。") == first + 1, "{text}");
    assert!(page_of("术语") < first);
    // Bare URLs are link annotations.
    let qdf = dir.join("qdf.pdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    for uri in [
        "/URI (https://www.bit.edu.cn/)",
        "/URI (http://www.example.com)",
        "/URI (mailto:news@bit.edu.cn)",
    ] {
        assert!(raw.contains(uri), "no link annotation {uri}");
    }
    assert!(
        !raw.contains("javascript"),
        "a javascript: link reached the PDF"
    );
    // <img width="100">: 100 CSS px = 75 pt, so the 600-pixel picture prints at 576 ppi;
    // <img height="50"> scales it likewise to 37.5 pt, 1152 ppi.
    let images = stdout(&tool("pdfimages", &["-list", pdf.to_str().unwrap()]));
    let ppi: Vec<u32> = images
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .map(|l| l.split_whitespace().nth(12).unwrap().parse().unwrap())
        .collect();
    assert_eq!(ppi, [576, 1152], "{images}");
    let check = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(check.status.success(), "{}", stdout(&check));
}

#[test]
fn every_construct_is_markup_in_the_epub() {
    let dir = build("input_markdown_epub");
    let epub = dir.join("bulletin.epub");
    let x = article_xhtml(&epub);
    for want in [
        "H<sub>2</sub>O",
        "x<sup>2</sup>",
        "<u>本期要点在此</u>",
        "<kbd>Ctrl</kbd>",
        "<mark>高亮</mark>",
        "<abbr title=\"World Wide Web\">",
        "<aside class=\"alert alert-note\" role=\"note\">",
        "<dl>",
        "<dt>",
        "<dd>",
        "<details open=\"open\">",
        "<div class=\"center\">",
        // The bare URL is a link; its Latin text carries its language inside Chinese prose.
        "<a href=\"https://www.bit.edu.cn/\"><span lang=\"en\" xml:lang=\"en\">https://www.bit.edu.cn</span>/</a>",
        "<a href=\"mailto:news@bit.edu.cn\">",
        "<figcaption>",
        // <img width="100"> of a 600 × 600 picture.
        "width=\"100\" height=\"100\"",
        // <img height="50"> of the same picture.
        "width=\"50\" height=\"50\"",
        "<table>",
    ] {
        assert!(x.contains(want), "`{want}` missing from the XHTML:\n{x}");
    }
    let lower = x.to_ascii_lowercase();
    for unwanted in [
        "<script",
        "javascript:",
        "onclick",
        "onerror",
        "&lt;u&gt;",
        "[!note]",
    ] {
        assert!(!lower.contains(unwanted), "`{unwanted}` in the XHTML:\n{x}");
    }
    assert_epubcheck_clean(&epub, "the every-construct fixture");
}

#[test]
fn scripts_and_unknown_tags_are_reported_once_with_their_line() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("input_markdown_bad_html");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src/articles")).unwrap();
    std::fs::write(
        dir.join("src/bulletin.toml"),
        "title = \"T\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/articles/a.md"),
        "# A\n\nSome <font color=red>red</font> and <font>more</font> text.\n\n<script>\ndocument.write('<b>x</b>')\n</script>\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n<marquee>moving</marquee>\n",
    )
    .unwrap();
    let out = folio_ok(&[
        "build",
        dir.join("src").to_str().unwrap(),
        "-o",
        dir.join("out").to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(err.matches("<font>").count(), 1, "{err}");
    assert!(err.contains("articles/a.md:3:"), "{err}");
    assert!(
        err.contains("articles/a.md:5:") && err.contains("<script>"),
        "{err}"
    );
    assert!(
        err.contains("<iframe>") && err.contains("<marquee>"),
        "{err}"
    );
    let x = article_text(&dir.join("out/bulletin.epub"));
    assert!(x.contains("red") && x.contains("moving"), "text kept: {x}");
    let lower = x.to_ascii_lowercase();
    assert!(
        !lower.contains("document.write") && !lower.contains("<iframe") && !lower.contains("evil")
    );
}

fn article_text(epub: &std::path::Path) -> String {
    let file = std::fs::File::open(epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().ends_with(".xhtml") {
            std::io::Read::read_to_string(&mut entry, &mut all).unwrap();
        }
    }
    all
}
