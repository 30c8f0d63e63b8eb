//! Archive copies are laid out by the `article` template, through the same engine as
//! `folio build --template article`: the document is titled after the article, and the
//! compact head above it names the publication (the bulletin's title) and the date.

mod archive_common;
mod support;

use archive_common::*;
use support::*;

#[test]
fn an_archive_copy_is_the_article_template_titled_after_its_article() {
    let dir = tmp("archive-template");
    let content = dir.join("content");
    archive_common::content(&content, 2);
    let out = dir.join("out");
    ok(&archive(&content, &out, &[]));

    // a000.md is English; its head names the publication before the article's title.
    let pdf = out.join(
        article_path(0)
            .trim_start_matches("articles/")
            .replace(".md", ".pdf"),
    );
    let pdf_s = pdf.to_str().unwrap();
    let info = stdout(&tool("pdfinfo", &[pdf_s]));
    let title = info
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .map(str::trim)
        .unwrap_or_default();
    assert_eq!(title, "Archive article 0", "{info}");

    let page1 = pdf_text(&pdf, Some((1, 1)));
    let publication = page1
        .find("Archive test")
        .expect("the head names the publication");
    let heading = page1
        .find("Archive article 0")
        .expect("the article's title is printed");
    assert!(
        publication < heading,
        "head first, then the article:\n{page1}"
    );
    // The publication is named once, in the head: not as the title, not on a contents page.
    assert_eq!(page1.matches("Archive test").count(), 1, "{page1}");
    assert!(
        !page1.contains("Contents") && !page1.contains("目录"),
        "{page1}"
    );

    // The same engine as `folio build`: the text of an archive copy and of a one-article
    // build with the article template is the same.
    let single = dir.join("single");
    std::fs::create_dir_all(single.join("articles")).unwrap();
    std::fs::write(
        single.join("bulletin.toml"),
        "title = \"Archive test\"\nlanguage = \"zh-CN\"\ndate = \"2023-09-01\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(single.join("images")).unwrap();
    for p in pictures_of(0) {
        std::fs::copy(
            content.join(format!("images/p{p}.jpg")),
            single.join(format!("images/p{p}.jpg")),
        )
        .unwrap();
    }
    // `build` reads articles/ flat: the article moves up, its picture paths with it.
    let text = std::fs::read_to_string(content.join(article_path(0))).unwrap();
    let up = "../".repeat(article_path(0).matches('/').count());
    std::fs::write(
        single.join("articles/a000.md"),
        text.replace(&format!("{up}images/"), "../images/"),
    )
    .unwrap();
    let built = dir.join("built");
    let o = folio_cmd(&[
        "build",
        single.to_str().unwrap(),
        "-o",
        built.to_str().unwrap(),
        "--template",
        "article",
        "--format",
        "pdf",
    ])
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let built_text = pdf_text(&built.join("bulletin.pdf"), None);
    let archived_text = pdf_text(&pdf, None);
    // The build's document is titled after the bulletin; the body below the head is the same.
    let body = |t: &str| t[t.find("Archive article 0").unwrap()..].to_owned();
    assert_eq!(body(&archived_text), body(&built_text));
}
