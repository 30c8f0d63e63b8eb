//! The bundled sample, built once, checked as a reader and a printer would check the PDF.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use support::*;

fn sample() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| build_sample("sample-pdf", "pdf").join("bulletin.pdf"))
}

fn text(pdf: &Path) -> String {
    let out = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success());
    stdout(&out)
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_font_is_embedded_and_subset() {
    let out = tool("pdffonts", &[sample().to_str().unwrap()]);
    let listing = stdout(&out);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(
        rows.len() >= 3,
        "expected serif, sans and mono fonts:\n{listing}"
    );
    for row in rows {
        let name = row.split_whitespace().next().unwrap();
        // Subset fonts are named with a six-letter tag: ABCDEF+Name.
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "not subset: {row}"
        );
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        // ... emb sub uni object ID
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "not embedded/subset/unicode: {row}"
        );
    }
}

#[test]
fn text_extracts_chinese_and_english() {
    let all = text(sample());
    // Only line ends are removed: a space inside the Chinese would break search.
    let joined: String = all.chars().filter(|c| *c != '\n').collect();
    assert!(
        joined.contains("学校深入推进学习贯彻习近平新时代中国特色社会主义思想主题教育"),
        "seed Chinese sentence missing or spaced out"
    );
    let flat = squeeze(&all);
    for sentence in [
        "The meeting was held simultaneously in Zhongguancun and Liangxiang campuses, and Vice President Wei Yiming presided over the meeting",
        "On the morning of August 31, the Beijing Institute of Technology held the mid-year work in 2023",
        "Zhang Jun, secretary of the Party Committee, made a concluding speech",
    ] {
        assert!(
            flat.contains(sentence),
            "missing English sentence: {sentence}"
        );
    }
    // Bold inside Chinese, fixed by the CJK emphasis rule, comes out as plain text.
    assert!(joined.contains("“双一流”建设"));
}

#[test]
fn no_printed_line_breaks_a_chinese_rule() {
    let lines = printed_lines(sample());
    assert!(lines.len() > 100, "too few lines: {}", lines.len());
    for l in &lines {
        let first = l.text.chars().next().unwrap();
        let last = l.text.chars().last().unwrap();
        assert!(
            !"，。、；：？！）」』》".contains(first),
            "page {} line starts with {first}: {}",
            l.page,
            l.text
        );
        assert!(
            !"（「『《“".contains(last),
            "page {} line ends with {last}: {}",
            l.page,
            l.text
        );
    }
}

#[test]
fn qpdf_finds_no_problems() {
    let out = tool("qpdf", &["--check", sample().to_str().unwrap()]);
    let report = stdout(&out);
    assert!(
        out.status.success(),
        "qpdf --check failed:\n{report}{}",
        stderr(&out)
    );
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "{report}"
    );
    assert!(!report.contains("WARNING"), "{report}");
}

#[test]
fn metadata_pages_and_bookmarks() {
    let info = stdout(&tool("pdfinfo", &[sample().to_str().unwrap()]));
    assert!(
        info.contains("北京理工大学新闻简报"),
        "title missing:\n{info}"
    );
    assert!(
        info.contains("595.276 x 841.89") || info.contains("595.28 x 841.89"),
        "not A4:\n{info}"
    );
    let pages = page_count(&info);
    assert!(pages >= 5, "{pages} pages");
    // The bookmark tree, flattened by Python's json module as "depth|page|title" lines.
    let json = stdout(&tool(
        "qpdf",
        &["--json", "--json-key=outlines", sample().to_str().unwrap()],
    ));
    let script = r#"
import json, sys
def walk(nodes, d):
    for n in nodes:
        print(f"{d}|{n['destpageposfrom1']}|{n['title']}")
        walk(n['kids'], d + 1)
walk(json.load(sys.stdin)['outlines'], 0)
"#;
    let mut py = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    py.stdin.take().unwrap().write_all(json.as_bytes()).unwrap();
    let tree = String::from_utf8(py.wait_with_output().unwrap().stdout).unwrap();
    let find = |title: &str| -> (u32, u32) {
        let line = tree
            .lines()
            .find(|l| l.ends_with(&format!("|{title}")))
            .unwrap_or_else(|| panic!("no bookmark `{title}`:\n{tree}"));
        let mut parts = line.splitn(3, '|');
        (
            parts.next().unwrap().parse().unwrap(),
            parts.next().unwrap().parse().unwrap(),
        )
    };
    let (depth, article_page) = find("2023 级本科生开学典礼隆重举行");
    assert_eq!(depth, 0);
    assert_eq!(find("典礼现场").0, 1, "{tree}");
    assert_eq!(find("新生数据").0, 2, "### nests under ##:\n{tree}");
    assert_eq!(find("师生寄语").0, 1, "{tree}");
    assert!(find("典礼现场").1 >= article_page);
    assert_eq!(
        find("Beijing Institute of Technology held the 2023 mid-year work").0,
        0
    );
}

#[test]
fn contents_page_lists_articles_with_their_page_numbers() {
    let pdf = sample().to_str().unwrap().to_owned();
    let first = stdout(&tool(
        "pdftotext",
        &["-f", "1", "-l", "1", "-layout", &pdf, "-"],
    ));
    assert!(first.contains("目录"), "{first}");
    // Each article's title appears on the page the contents say.
    for title in [
        "2023 级本科生开学典礼隆重举行",
        "Beijing Institute of Technology held",
    ] {
        let line = first
            .lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("{title} not in contents:\n{first}"));
        let page: u32 = line
            .split_whitespace()
            .last()
            .unwrap()
            .parse()
            .expect("page number at line end");
        let p = page.to_string();
        let there = stdout(&tool("pdftotext", &["-f", &p, "-l", &p, &pdf, "-"]));
        assert!(
            squeeze(&there).contains(title),
            "{title} not on page {page}"
        );
    }
}

#[test]
fn every_page_has_a_folio() {
    let pdf = sample().to_str().unwrap().to_owned();
    let info = stdout(&tool("pdfinfo", &[&pdf]));
    let pages = page_count(&info);
    for p in 1..=pages {
        let s = p.to_string();
        let t = stdout(&tool("pdftotext", &["-f", &s, "-l", &s, &pdf, "-"]));
        assert!(
            t.lines().any(|l| l.trim() == s),
            "page {p} has no page number"
        );
    }
}

#[test]
fn images_are_embedded_sharp() {
    let out = stdout(&tool("pdfimages", &["-list", sample().to_str().unwrap()]));
    let rows: Vec<&str> = out.lines().skip(2).collect();
    // Four JPEG photos (passed through as DCT) and the PNG emblem (with its soft mask).
    assert!(
        rows.iter().filter(|r| r.contains(" jpeg ")).count() >= 4,
        "{out}"
    );
    for row in rows.iter().filter(|r| r.contains(" image ")) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let x_ppi: f64 = cols[12].parse().unwrap();
        assert!(x_ppi >= 150.0, "image printed at {x_ppi} ppi: {row}");
    }
}

/// The page count from `pdfinfo` output.
fn page_count(info: &str) -> u32 {
    let line = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .expect("pdfinfo prints Pages:");
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a page count")
}
