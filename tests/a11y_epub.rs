//! EPUB accessibility: the package states EPUB Accessibility 1.1 conformance, Ace by DAISY
//! finds no violation in the sample or in a large mixed bulletin, and a picture without
//! alt text is reported with its file and line (an error under `--strict`/`--pdfua`).

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read_entry(epub: &Path, name: &str) -> String {
    let file = std::fs::File::open(epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut entry = zip.by_name(name).unwrap();
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// Ace by DAISY (`ace-cli` or `ace` from npm `@daisy/ace-cli`), or `None` with a skip
/// message locally; in CI a missing Ace is a failure.
fn ace() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FOLIO_ACE") {
        return Some(PathBuf::from(p));
    }
    for name in ["ace-cli", "ace"] {
        let found = Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(PathBuf::from(name));
        }
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "Ace by DAISY is needed in CI: `bash .ci/run` installs it (npm @daisy/ace-cli + Debian chromium)"
    );
    eprintln!(
        "SKIP: Ace by DAISY not found (npm i -g @daisy/ace-cli, with PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium)"
    );
    None
}

/// Runs Ace on `epub` and returns its violations as `impact: rule in file`.
fn ace_violations(ace: &Path, epub: &Path, report_dir: &Path) -> Vec<String> {
    let mut cmd = Command::new(ace);
    cmd.args(["-s", "-f", "-o"])
        .arg(report_dir)
        .arg(epub)
        .env("PUPPETEER_SKIP_DOWNLOAD", "1");
    if std::env::var_os("PUPPETEER_EXECUTABLE_PATH").is_none() {
        cmd.env("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium");
    }
    let out = cmd.output().expect("run ace");
    let report = std::fs::read_to_string(report_dir.join("report.json")).unwrap_or_else(|e| {
        panic!(
            "Ace wrote no report ({e}):\n{}{}",
            stdout(&out),
            stderr(&out)
        )
    });
    let report: serde_json::Value = serde_json::from_str(&report).expect("Ace JSON");
    let mut found = Vec::new();
    for doc in report["assertions"].as_array().expect("assertions") {
        let url = doc["earl:testSubject"]["url"].as_str().unwrap_or("?");
        for a in doc["assertions"].as_array().into_iter().flatten() {
            let impact = a["earl:test"]["earl:impact"].as_str().unwrap_or("?");
            let rule = a["earl:test"]["dct:title"].as_str().unwrap_or("?");
            found.push(format!("{impact}: {rule} in {url}"));
        }
    }
    found
}

fn assert_no_serious(found: &[String], what: &str) {
    let bad: Vec<&String> = found
        .iter()
        .filter(|v| {
            ["critical", "serious", "moderate"]
                .iter()
                .any(|i| v.starts_with(i))
        })
        .collect();
    assert!(bad.is_empty(), "Ace on {what}:\n{bad:#?}");
}

#[test]
fn package_claims_epub_accessibility() {
    let dir = build_sample("a11y-epub-meta", "epub");
    let epub = dir.join("bulletin.epub");
    let opf = read_entry(&epub, "OEBPS/content.opf");
    for needed in [
        "<package version=\"3.0\" xml:lang=\"zh-CN\"",
        "<meta property=\"schema:accessMode\">textual</meta>",
        "<meta property=\"schema:accessMode\">visual</meta>",
        "<meta property=\"schema:accessModeSufficient\">textual</meta>",
        "<meta property=\"schema:accessibilityFeature\">structuralNavigation</meta>",
        "<meta property=\"schema:accessibilityFeature\">tableOfContents</meta>",
        "<meta property=\"schema:accessibilityFeature\">alternativeText</meta>",
        "<meta property=\"schema:accessibilityFeature\">readingOrder</meta>",
        "<meta property=\"schema:accessibilityFeature\">displayTransformability</meta>",
        "<meta property=\"schema:accessibilityHazard\">none</meta>",
        "<meta property=\"schema:accessibilitySummary\">",
        "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>",
    ] {
        assert!(opf.contains(needed), "content.opf lacks {needed}:\n{opf}");
    }
    assert!(
        !opf.contains("certifiedBy"),
        "certifiedBy without a certifier"
    );

    let nav = read_entry(&epub, "OEBPS/nav.xhtml");
    assert!(nav.contains("lang=\"zh-CN\""), "{nav}");
    assert!(nav.contains("role=\"doc-toc\""), "{nav}");
    assert!(
        nav.contains("<nav epub:type=\"landmarks\" aria-label="),
        "{nav}"
    );

    let article = read_entry(&epub, "OEBPS/a-03-library-gpu-room.xhtml");
    assert!(article.contains("role=\"doc-chapter\""), "{article}");
    assert!(article.contains("aria-labelledby=\"article-title\""));
    assert!(article.contains("<h1 class=\"article-title\" id=\"article-title\">"));
    assert!(article.contains("<th scope=\"col\""), "{article}");
    let chinese = read_entry(&epub, "OEBPS/a-02-opening-ceremony.xhtml");
    assert!(
        chinese.contains("<span lang=\"en\" xml:lang=\"en\">GPU</span>"),
        "English inside Chinese is not marked"
    );
}

#[test]
fn ace_finds_no_violation() {
    let Some(ace) = ace() else { return };
    let sample = build_sample("a11y-epub-ace", "epub").join("bulletin.epub");
    let found = ace_violations(&ace, &sample, &tmp("a11y-ace-report-sample"));
    assert_no_serious(&found, "the sample");

    let content = large_bulletin("a11y-large-content", 8);
    let out = tmp("a11y-large-out");
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "epub",
    ]);
    let large = out.join("bulletin.epub");
    let found = ace_violations(&ace, &large, &tmp("a11y-ace-report-large"));
    assert_no_serious(&found, "a 33-article bulletin");

    assert_epubcheck_clean(&large, "the large bulletin");
}

#[test]
fn a_picture_without_alt_text_is_reported() {
    let content = tmp("a11y-no-alt");
    copy_dir(&repo().join("content"), &content);
    let article = content.join("articles/04-network-upgrade-notice.md");
    let text = std::fs::read_to_string(&article).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("![网络与信息技术中心标识（示意）]"))
        .unwrap()
        + 1;
    std::fs::write(
        &article,
        text.replace("![网络与信息技术中心标识（示意）]", "![]"),
    )
    .unwrap();
    let place = format!("articles/04-network-upgrade-notice.md:{line}:");

    let out_dir = tmp("a11y-no-alt-out");
    let out = folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("warning: {place}")) && err.contains("no alt text"),
        "{err}"
    );
    assert!(out_dir.join("bulletin.epub").exists());

    for flag in ["--strict", "--pdfua"] {
        let out_dir = tmp(&format!("a11y-no-alt-out{flag}"));
        let out = folio(&[
            "build",
            content.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            flag,
        ]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{flag}: {err}");
        assert!(err.contains(&format!("error: {place}")), "{flag}: {err}");
        assert!(
            files_in(&out_dir).is_empty(),
            "{flag} wrote {:?}",
            files_in(&out_dir)
        );
    }
}

/// The e-book's fonts keep their OpenType layout tables, map every character the book
/// shows, and stay small: at most 10 % above the 160,936 bytes the sample's fonts took
/// when subset without layout tables (allsorts).
#[test]
fn fonts_keep_layout_tables_and_cover_the_text() {
    let dir = build_sample("a11y-epub-fonts", "epub");
    let epub = dir.join("bulletin.epub");
    let file = std::fs::File::open(&epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let mut fonts = Vec::new();
    let mut text = String::new();
    for name in &names {
        let mut bytes = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut bytes).unwrap();
        if name.ends_with(".ttf") || name.ends_with(".otf") {
            fonts.push((name.clone(), bytes));
        } else if name.ends_with(".xhtml") && !name.ends_with("nav.xhtml") {
            let doc = String::from_utf8(bytes).unwrap();
            let tree = roxmltree::Document::parse_with_options(
                &doc,
                roxmltree::ParsingOptions {
                    allow_dtd: true,
                    ..Default::default()
                },
            )
            .unwrap();
            let body = tree.descendants().find(|n| n.has_tag_name("body")).unwrap();
            for node in body.descendants().filter(|n| n.is_text()) {
                text.push_str(node.text().unwrap());
            }
        }
    }
    let total: usize = fonts.iter().map(|(_, b)| b.len()).sum();
    assert!(total <= 177_030, "fonts take {total} bytes");
    let faces: Vec<(String, ttf_parser::Face<'_>)> = fonts
        .iter()
        .map(|(n, b)| {
            (
                n.clone(),
                ttf_parser::Face::parse(b, 0).expect("font parses"),
            )
        })
        .collect();
    for (name, face) in &faces {
        let tables = face.tables();
        assert!(tables.gsub.is_some(), "{name} lost GSUB");
        let gpos = tables.gpos.unwrap_or_else(|| panic!("{name} lost GPOS"));
        // Every lookup reads back as a real positioning lookup (a mislabelled extension
        // lookup would make browsers reject the font).
        for lookup in gpos.lookups {
            assert!(!lookup.subtables.is_empty(), "{name}: an empty GPOS lookup");
            for i in 0..lookup.subtables.len() {
                assert!(
                    lookup
                        .subtables
                        .get::<ttf_parser::gpos::PositioningSubtable>(i)
                        .is_some(),
                    "{name}: GPOS subtable {i} does not parse"
                );
            }
        }
        if !name.contains("mono") {
            assert!(
                gpos.features
                    .into_iter()
                    .any(|f| f.tag == ttf_parser::Tag::from_bytes(b"kern")),
                "{name}: no kern feature"
            );
        }
    }
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        assert!(
            faces
                .iter()
                .any(|(_, f)| f.glyph_index(c).is_some_and(|g| g.0 != 0)),
            "no embedded font maps {c:?} (U+{:04X})",
            u32::from(c)
        );
    }
}

/// A picture the author marked decorative (`{.decorative}`, or HTML `alt=""` with
/// `role="presentation"`) is hidden from assistive technology with `alt=""` and
/// `role="presentation"` and raises no missing-alt warning; a described picture keeps its
/// alt text; a picture with neither is still reported. epubcheck and Ace accept the book.
#[test]
fn decorative_pictures_are_presentation() {
    let (content, out) = write_book(
        "a11y-epub-decorative",
        "title = \"Pictures 图片\"\nlanguage = \"zh-CN\"\n",
        &[(
            "01-pictures.md",
            "---\ntitle: 图片\n---\n\n正文。\n\n\
             ![](../images/emblem.png){.decorative}\n\n\
             <img src=\"../images/emblem.png\" alt=\"\" role=\"presentation\">\n\n\
             ![校徽](../images/emblem.png)\n\n\
             ![](../images/emblem.png)\n",
        )],
    );
    std::fs::create_dir_all(content.join("images")).unwrap();
    std::fs::copy(
        repo().join("content/images/emblem.png"),
        content.join("images/emblem.png"),
    )
    .unwrap();
    let run = folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "epub",
    ]);
    // Only the last picture (line 13) is reported.
    let err = stderr(&run);
    assert_eq!(err.matches("no alt text").count(), 1, "{err}");
    assert!(err.contains("articles/01-pictures.md:13:"), "{err}");

    let epub = out.join("bulletin.epub");
    let page = read_entry(&epub, "OEBPS/a-01-pictures.xhtml");
    let imgs: Vec<&str> = page
        .split("<img ")
        .skip(1)
        .map(|s| s.split("/>").next().unwrap())
        .collect();
    assert_eq!(imgs.len(), 4, "{page}");
    for img in &imgs[..2] {
        assert!(
            img.contains("alt=\"\" role=\"presentation\""),
            "not decorative: {img}"
        );
    }
    assert!(imgs[2].contains("alt=\"校徽\"") && !imgs[2].contains("role="));
    assert!(imgs[3].contains("alt=\"\"") && !imgs[3].contains("role="));

    assert_epubcheck_clean(&epub, "the decorative pictures");
    if let Some(ace) = ace() {
        let found = ace_violations(&ace, &epub, &tmp("a11y-ace-report-decorative"));
        assert_no_serious(&found, "the decorative pictures");
    }
}
