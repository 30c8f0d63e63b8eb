//! Footnotes at the foot of the page holding their reference (the report template), and a
//! note too long for one page continuing at the next page's foot.

mod support;
use support::*;

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

fn page_count(pdf: &std::path::Path) -> usize {
    stdout(&tool("pdfinfo", &[pdf.to_str().unwrap()]))
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[test]
fn every_footnote_is_on_the_page_of_its_reference() {
    let out = build_sample_with("print_footnotes", "pdf", &["--template", "report"]);
    let pdf = out.join("bulletin.pdf");
    let pages: Vec<String> = (1..=page_count(&pdf))
        .map(|p| squash(&pdf_text(&pdf, Some((p, p)))))
        .collect();
    // (words just before the reference mark, the note's opening words), from the sample.
    let notes = [
        ("4,186人", "数据截至2023年8月29日"),
        ("跑通自己的第一个模型", "预约方式见本期"),
        ("everySundaynight", "Copyresultstoyourpersonalclouddrive"),
        ("servicedeskonthefirstfloor", "Open08:30–17:00onweekdays"),
    ];
    for (reference, note) in notes {
        let at = pages
            .iter()
            .position(|p| p.contains(reference))
            .unwrap_or_else(|| panic!("reference `{reference}` not found"));
        assert!(
            pages[at].contains(note),
            "note `{note}` is not on page {} with its reference: {}",
            at + 1,
            pages[at]
        );
        assert_eq!(
            pages.iter().filter(|p| p.contains(note)).count(),
            1,
            "`{note}` printed once"
        );
    }
    // No endnotes section: the 注释 heading is gone.
    assert!(!pages.iter().any(|p| p.contains("注释")));
}

#[test]
fn a_long_note_continues_at_the_next_page_foot() {
    let long: Vec<String> = (0..2500).map(|i| format!("n{i:04}")).collect();
    let body: Vec<String> = (0..400).map(|i| format!("b{i:03}")).collect();
    let article = format!(
        "---\ntitle: \"Notes\"\n---\n\nFirst words carry the mark[^long] and go on {}.\n\n\
         [^long]: {}\n",
        body.join(" "),
        long.join(" ")
    );
    let (content, out) = write_book(
        "print_footnotes_long",
        "title = \"Long\"\nlanguage = \"en\"\ntemplate = \"report\"\n",
        &[("a.md", &article)],
    );
    build_pdf(&content, &out, &[]);
    let pdf = out.join("bulletin.pdf");
    let pages: Vec<String> = (1..=page_count(&pdf))
        .map(|p| pdf_text(&pdf, Some((p, p))))
        .collect();
    let mark = pages
        .iter()
        .position(|p| p.contains("carry the mark"))
        .unwrap();
    assert!(pages[mark].contains("n0000"), "the note begins on its page");
    assert!(
        !pages[mark].contains("n2499"),
        "a note this long continues on a later page"
    );
    let all: std::collections::HashSet<&str> = pages
        .iter()
        .flat_map(|p| p.split_whitespace())
        .map(|w| w.trim_end_matches('.'))
        .collect();
    let lost: Vec<&String> = long
        .iter()
        .chain(&body)
        .filter(|w| !all.contains(w.as_str()))
        .collect();
    assert!(lost.is_empty(), "lost: {lost:?}");
}
