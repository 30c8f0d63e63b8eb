//! `folio archive`: a broken article is recorded and skipped; the others are exported.

mod archive_common;

use archive_common::*;

#[test]
fn two_broken_articles_among_fifty_are_recorded_with_file_and_line() {
    let dir = tmp("archive-failures");
    let content = dir.join("content");
    archive_common::content(&content, 50);
    // Broken front matter (an unclosed list) and a picture that does not exist.
    let bad_front = article_path(7);
    std::fs::write(
        content.join(&bad_front),
        "---\ntitle: \"Broken\"\ntags: [one, two\n---\n\nText.\n",
    )
    .unwrap();
    let bad_picture = article_path(23);
    std::fs::write(
        content.join(&bad_picture),
        "---\ntitle: \"No picture\"\n---\n\nText.\n\n![gone](/images/nope.jpg)\n",
    )
    .unwrap();

    let out = dir.join("out");
    let o = archive(&content, &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = summary(&o);
    assert_eq!((s["built"], s["failed"]), (48.0, 2.0));

    let pdfs = tree(&out, false)
        .into_keys()
        .filter(|k| k.ends_with(".pdf"))
        .count();
    let epubs = tree(&out, false)
        .into_keys()
        .filter(|k| k.ends_with(".epub"))
        .count();
    assert_eq!((pdfs, epubs), (48, 48));

    let records = manifest(&out);
    assert_eq!(records.len(), 50);
    let failed: Vec<&serde_json::Value> =
        records.iter().filter(|r| r["status"] == "failed").collect();
    assert_eq!(failed.len(), 2);
    let error_of = |source: &str| {
        failed
            .iter()
            .find(|r| r["source"] == source)
            .unwrap_or_else(|| panic!("{source} not recorded as failed"))["error"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let e = error_of(&bad_front);
    assert!(e.starts_with(&format!("{bad_front}:4:")), "{e}");
    assert!(e.contains("front matter"), "{e}");
    let e = error_of(&bad_picture);
    assert!(e.starts_with(&format!("{bad_picture}:7:")), "{e}");
    assert!(e.contains("nope.jpg"), "{e}");
    for r in &failed {
        assert!(r["outputs"].as_array().unwrap().is_empty());
    }

    // Fixing one and rerunning retries the failures only.
    write_article(&content, 7, "");
    let o = archive(&content, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let s = summary(&o);
    assert_eq!((s["built"], s["failed"], s["reused"]), (1.0, 1.0, 48.0));

    // --fail-fast stops starting new articles after the first failure.
    let fast = dir.join("fast");
    let o = archive(&content, &fast, &["--fail-fast", "--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1));
    let s = summary(&o);
    assert_eq!(s["failed"], 1.0);
    assert_eq!(s["built"] + s["failed"] + s["skipped"], 50.0);
    let sorted: Vec<String> = {
        let mut v: Vec<String> = (0..50).map(article_path).collect();
        v.sort();
        v
    };
    let position = sorted.iter().position(|p| *p == bad_picture).unwrap();
    assert_eq!(
        s["built"], position as f64,
        "one thread stops right at the failure"
    );
}
