//! Typography read back from the PDF: hyphenated words stay searchable, right-to-left
//! words print in visual order, justified English lines stay tight, and the Chinese line
//! rules hold.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const ENGLISH: &str = "Consolidate the advantages of school development with the effectiveness of thematic education and learning. The international cooperation programme strengthens interdisciplinary laboratories, accelerates infrastructure construction, and improves the efficiency of resource utilisation across the Zhongguancun and Liangxiang campuses. Representatives of democratic parties, retired faculty representatives and student representatives attended the comprehensive administrative meeting.";

fn write_book(name: &str) -> (PathBuf, PathBuf) {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(
        content.join("bulletin.toml"),
        "title = \"排版测试\"\ndate = \"2023-09-01\"\nlanguage = \"zh-CN\"\n[page]\nsize = \"A5\"\n",
    )
    .unwrap();
    std::fs::write(
        content.join("articles/01-en.md"),
        format!("---\ntitle: \"Typography\"\nlang: en\n---\n\n{ENGLISH}\n\n{ENGLISH}\n"),
    )
    .unwrap();
    std::fs::write(
        content.join("articles/02-zh.md"),
        "---\ntitle: \"双向文字\"\n---\n\n他说 مرحبا بالعالم 然后离开了会场。\n\n```\nif (a === b) { return a !== c; }\n```\n",
    )
    .unwrap();
    let out = root.join("out");
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    (content, out.join("bulletin.pdf"))
}

fn text_of(pdf: &Path) -> String {
    let out = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success());
    stdout(&out)
}

#[test]
fn hyphenated_words_are_found_whole_and_lines_are_tight() {
    let (_, pdf) = write_book("typo-hyphen");
    let lines = printed_lines(&pdf);
    let words: Vec<&str> = ENGLISH
        .split(' ')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    // Some printed line ends inside a word, with a drawn hyphen: hyphenation happened…
    let broken = lines.iter().any(|l| {
        let last = l.text.rsplit(' ').next().unwrap_or("");
        last.strip_suffix('-').is_some_and(|part| {
            part.len() >= 2 && !words.contains(&part) && words.iter().any(|w| w.starts_with(part))
        })
    });
    assert!(broken, "no hyphenated line: {lines:#?}");
    // …and the extracted text holds every word whole, as a viewer's search sees it.
    let text = text_of(&pdf).replace('\n', " ");
    for w in &words {
        assert!(
            text.contains(w),
            "`{w}` is not found whole in the text layer"
        );
    }
}

#[test]
fn arabic_words_print_right_to_left() {
    let (_, pdf) = write_book("typo-bidi");
    let out = tool(
        "pdftotext",
        &["-bbox", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    );
    let html = stdout(&out);
    let x_of = |needle: char| -> f64 {
        let line = html
            .lines()
            .find(|l| l.contains("<word") && l.contains(needle))
            .unwrap_or_else(|| panic!("no word with {needle} in\n{html}"));
        let key = "xMin=\"";
        let s = line.find(key).unwrap() + key.len();
        line[s..].split('"').next().unwrap().parse().unwrap()
    };
    // مرحبا (first in reading order, holds ح) sits right of بالعالم (holds ع).
    assert!(x_of('ح') > x_of('ع'), "Arabic printed in logical order");
}
