//! The EPUB's page list: a marker where each printed page of the PDF begins and a
//! `page-list` nav leading to them.

mod support;

use std::io::Read;
use std::path::Path;

use support::*;

fn epub_file(epub: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Visible text of an XHTML fragment, tags dropped, whitespace squashed.
fn text_of(xhtml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xhtml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
}

/// The text of page `page` inside the text block (A4, 22 mm top and bottom margins).
fn body_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = tool(
        "pdftotext",
        &[
            "-f",
            &n,
            "-l",
            &n,
            "-x",
            "0",
            "-y",
            "60",
            "-W",
            "595",
            "-H",
            "720",
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    stdout(&out)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn page_list_points_where_each_printed_page_begins() {
    let out = build_sample("print_pagelist", "pdf,epub");
    let pdf = out.join("bulletin.pdf");
    let epub = out.join("bulletin.epub");
    let nav = epub_file(&epub, "OEBPS/nav.xhtml");
    let list = nav
        .split("<nav epub:type=\"page-list\"")
        .nth(1)
        .expect("a page-list nav")
        .split("</nav>")
        .next()
        .unwrap();
    let entries: Vec<(String, String, String)> = list
        .split("<a href=\"")
        .skip(1)
        .map(|e| {
            let href = e.split('"').next().unwrap();
            let (file, id) = href.split_once('#').unwrap();
            let label = e.split('>').nth(1).unwrap().split('<').next().unwrap();
            (file.to_owned(), id.to_owned(), label.to_owned())
        })
        .collect();
    // Page 1 is the masthead and contents; every other page holds article text.
    let pages = pdf_page_labels(&pdf).len();
    let labels: Vec<String> = entries.iter().map(|e| e.2.clone()).collect();
    let expected: Vec<String> = (2..=pages).map(|p| p.to_string()).collect();
    assert_eq!(labels, expected);
    let mut inside = 0;
    for (file, id, label) in &entries {
        let xhtml = epub_file(&epub, &format!("OEBPS/{file}"));
        let marker = format!("id=\"{id}\"");
        let at = xhtml
            .find(&marker)
            .unwrap_or_else(|| panic!("{id} missing in {file}"));
        assert!(xhtml[..at].ends_with("epub:type=\"pagebreak\" role=\"doc-pagebreak\" "));
        // The page's first words (the text block only, below the running head) come
        // after its marker: the marker stands before the block where the page begins.
        let end = at + xhtml[at..].find("</span>").unwrap() + "</span>".len();
        let page: usize = label.parse().unwrap();
        let first: String = squash(&body_text(&pdf, page)).chars().take(8).collect();
        assert!(
            text_of(&xhtml[end..]).contains(&first),
            "page {page} begins with `{first}`, not found after its marker in {file}"
        );
        // A page that begins inside a paragraph is marked there, at its first word: the
        // text right after the marker is the page's first line.
        if !xhtml[end..].starts_with('\n') {
            inside += 1;
            let after: String = text_of(&xhtml[end..]).chars().take(6).collect();
            assert!(
                first.starts_with(&after),
                "page {page} begins with `{first}`, its marker inside a block stands before `{after}`"
            );
        }
    }
    assert!(inside >= 1, "{inside} pages marked inside a paragraph");

    // An EPUB built alone has the same page list (and bytes) as one built with the PDF.
    let alone = build_sample("print_pagelist_alone", "epub").join("bulletin.epub");
    assert!(std::fs::read(&alone).unwrap() == std::fs::read(&epub).unwrap());
}
