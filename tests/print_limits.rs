//! Content past the page's limits still prints whole, with a warning naming its place:
//! a table row taller than a page, quotes nested 16 and 60 deep on A5, a 500-column table.

mod support;

use support::*;

/// `w0000` … `w1499`: the words of the long row.
fn row_word(w: &str) -> bool {
    w.len() == 5 && w.starts_with('w') && w[1..].bytes().all(|b| b.is_ascii_digit())
}

fn words(text: &str) -> std::collections::HashSet<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn tall_rows_deep_quotes_and_wide_tables_keep_all_their_text_and_warn() {
    let cells = (0..1500)
        .map(|i| format!("w{i:04}"))
        .collect::<Vec<_>>()
        .join(" ");
    let table = format!(
        "---\ntitle: \"Tall row\"\n---\n\nIntro.\n\n| Name | Notes |\n|---|---|\n\
         | short | one |\n| long | {cells} |\n| after | end |\n"
    );
    let mut deep = String::from("---\ntitle: \"Deep\"\n---\n\n");
    for level in 1..=16 {
        let marks = "> ".repeat(level);
        deep.push_str(&format!("{marks}Level{level} quote text.\n{marks}\n"));
    }
    deep.push_str(&format!("\n{}Sixty deep words survive.\n", "> ".repeat(60)));
    let wide = format!(
        "---\ntitle: \"Wide\"\n---\n\n| {} |\n|{}\n| {} |\n",
        (0..500)
            .map(|i| format!("C{i}"))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(500),
        (0..500)
            .map(|i| format!("v{i}"))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    let (content, out) = write_book(
        "print_limits",
        "title = \"Limits\"\nlanguage = \"en\"\n[page]\nsize = \"A5\"\n",
        &[("deep.md", &deep), ("table.md", &table), ("wide.md", &wide)],
    );
    let run = folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&run);
    // Indentation stops where 12 em would be left: on A5 that is before level 16.
    assert!(
        err.contains("articles/deep.md:") && err.contains("less than 12 em"),
        "{err}"
    );
    assert!(
        err.contains("articles/wide.md:5:") && err.contains("500 columns"),
        "{err}"
    );

    let pdf = out.join("bulletin.pdf");
    let all = words(&pdf_text(&pdf, None));
    let mut expected: Vec<String> = (0..1500).map(|i| format!("w{i:04}")).collect();
    expected.extend((1..=16).map(|l| format!("Level{l}")));
    expected.extend(["Sixty", "deep", "words", "survive."].map(String::from));
    expected.extend((0..500).map(|i| format!("C{i}")));
    expected.extend((0..500).map(|i| format!("v{i}")));
    expected.extend(["after", "end"].map(String::from));
    let lost: Vec<&String> = expected.iter().filter(|w| !all.contains(*w)).collect();
    assert!(lost.is_empty(), "missing from the PDF: {lost:?}");

    // The long row runs over at least three pages, each with the header row above it;
    // no page ends on the header alone.
    let pages: usize = stdout(&tool("pdfinfo", &[pdf.to_str().unwrap()]))
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let mut row_pages = 0;
    for n in 1..=pages {
        let text = pdf_text(&pdf, Some((n, n)));
        let page = words(&text);
        if page.contains("w0750") || page.contains("w0001") || page.contains("w1499") {
            row_pages += 1;
        }
        if page.iter().any(|w| row_word(w)) {
            assert!(
                page.contains("Name") && page.contains("Notes"),
                "page {n}: {text}"
            );
        }
        if let Some(at) = text.find("Notes") {
            let after = &text[at + "Notes".len()..];
            assert!(
                after
                    .split_whitespace()
                    .any(|w| row_word(w) || ["short", "one", "long", "after", "end"].contains(&w)),
                "page {n} ends with the header row alone: {text}"
            );
        }
    }
    assert!(row_pages >= 3, "the long row is on {row_pages} pages");
}
