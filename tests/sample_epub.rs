//! The bundled sample as an EPUB, validated by epubcheck 5.

mod support;

use support::*;

#[test]
fn epubcheck_reports_nothing() {
    let dir = build_sample("sample-epub", "epub");
    let epub = dir.join("bulletin.epub");
    assert!(
        !dir.join("bulletin.pdf").exists(),
        "--format epub wrote a PDF"
    );
    assert_epubcheck_clean(&epub, "the sample");

    // Fonts are inside and subset: far smaller than the bundled files.
    let listing = stdout(&tool("unzip", &["-l", epub.to_str().unwrap()]));
    let fonts: Vec<(u64, &str)> = listing
        .lines()
        .filter(|l| l.ends_with(".ttf") || l.ends_with(".otf"))
        .map(|l| (l.split_whitespace().next().unwrap().parse().unwrap(), l))
        .collect();
    assert!(fonts.len() >= 2, "no fonts embedded:\n{listing}");
    for (size, line) in fonts {
        assert!(size < 1_500_000, "font not subset: {line}");
    }
}
