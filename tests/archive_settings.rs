//! `folio archive` takes the settings `folio build` takes: the bulletin's `[typography]`
//! sets the archive copies' body text as it sets the bulletin's, `--pdfua` claims PDF/UA,
//! and an option that cannot apply to an archive copy is named, not silently dropped.

mod archive_common;
mod support;

use std::path::Path;

use archive_common::*;
use support::*;

/// The height of the body's words on page 1 of the English article (the first paragraph's
/// words, below the heading), as pdftotext measures them.
fn body_word_height(pdf: &Path) -> f64 {
    let words = word_boxes(pdf);
    let word = words
        .iter()
        .find(|w| w.page == 1 && w.text == "institute")
        .expect("the first paragraph is on page 1");
    word.y_max - word.y_min
}

fn english_pdf(out: &Path) -> std::path::PathBuf {
    out.join(
        article_path(0)
            .trim_start_matches("articles/")
            .replace(".md", ".pdf"),
    )
}

#[test]
fn archive_copies_follow_the_bulletins_typography() {
    let dir = tmp("archive-settings-typography");
    let content = dir.join("content");
    archive_common::content(&content, 1);
    let out = dir.join("out");
    ok(&archive(&content, &out, &["--format", "pdf"]));
    let before = body_word_height(&english_pdf(&out));

    let toml = std::fs::read_to_string(content.join("bulletin.toml")).unwrap();
    std::fs::write(
        content.join("bulletin.toml"),
        format!("{toml}[typography]\nbody_size = 14\n"),
    )
    .unwrap();
    // The configuration is an input of every article: changing it rebuilds the copy.
    let rerun = archive(&content, &out, &["--format", "pdf"]);
    ok(&rerun);
    assert_eq!(summary(&rerun)["built"], 1.0, "{}", stderr(&rerun));
    let after = body_word_height(&english_pdf(&out));
    // The article template's body is smaller than 14 pt; a word box scales with the size.
    assert!(
        after > before * 1.1,
        "body_size = 14 must enlarge the body text: {before:.2} pt → {after:.2} pt"
    );
}

#[test]
fn archive_claims_pdfua_when_asked_and_names_options_it_cannot_use() {
    let dir = tmp("archive-settings-pdfua");
    let content = dir.join("content");
    archive_common::content(&content, 1);
    let out = dir.join("out");
    let o = archive(
        &content,
        &out,
        &["--format", "pdf", "--pdfua", "--template", "report"],
    );
    ok(&o);
    assert!(
        stderr(&o).contains("--template is ignored by `folio archive`"),
        "{}",
        stderr(&o)
    );
    let pdf = english_pdf(&out);
    let qdf = tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    let qdf = String::from_utf8_lossy(&qdf.stdout);
    assert!(
        qdf.contains("<pdfuaid:part>1</pdfuaid:part>"),
        "no PDF/UA claim"
    );
    assert!(
        qdf.contains("<pdfaid:part>2</pdfaid:part>"),
        "PDF/A-2 is kept"
    );
}
