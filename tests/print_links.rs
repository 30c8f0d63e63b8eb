//! Internal links (`[x](#id)`) in both outputs, and a link to nowhere.

mod support;

use support::*;

const FIRST: &str = "---\ntitle: \"First\"\n---\n\n## Details {#details}\n\n\
See [below](#details) and [the other](#elsewhere) and [the article](#second).\n\n\
A [missing one](#nowhere) here.\n";
const SECOND: &str =
    "---\ntitle: \"Second\"\n---\n\nIntro.\n\n## Elsewhere {#elsewhere}\n\nText.\n";

#[test]
fn internal_links_resolve_in_pdf_and_epub_and_a_missing_target_warns() {
    let (content, out) = write_book(
        "print_links",
        "title = \"Links\"\nlanguage = \"en\"\n",
        &[("first.md", FIRST), ("second.md", SECOND)],
    );
    let run = folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&run);
    assert!(
        err.contains("articles/first.md:9:") && err.contains("`#nowhere` leads nowhere"),
        "{err}"
    );
    assert_eq!(err.matches("leads nowhere").count(), 1, "{err}");

    let pdf = out.join("bulletin.pdf");
    let text = pdf_text(&pdf, None)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("A missing one here."), "{text}");
    // Page 1 is the masthead and contents, First is on page 2, Second on page 3.
    let links = pdf_links(&pdf);
    let from_article: Vec<usize> = links.iter().filter(|l| l.0 == 2).map(|l| l.1).collect();
    assert_eq!(from_article, [2, 3, 3], "{links:?}");
    assert!(links.iter().all(|l| l.1 != 0 && l.1 != 1), "{links:?}");

    let book = std::fs::File::open(out.join("bulletin.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(book).unwrap();
    let mut xhtml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("OEBPS/first.xhtml").unwrap(), &mut xhtml)
        .unwrap();
    for href in [
        "href=\"#details\"",
        "href=\"second.xhtml#elsewhere\"",
        "href=\"second.xhtml\"",
    ] {
        assert!(xhtml.contains(href), "{href} missing in {xhtml}");
    }
    assert!(!xhtml.contains("nowhere"), "{xhtml}");
    assert!(xhtml.contains("missing one"), "{xhtml}");

    assert_epubcheck_clean(&out.join("bulletin.epub"), "the book with links");
}
