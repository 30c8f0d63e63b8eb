//! `folio archive`: nested folders, PDF/A, the manifest's hashes, and what a rerun rebuilds.

mod archive_common;
mod support;

use std::path::Path;

use archive_common::*;
use sha2::{Digest, Sha256};

const N: u32 = 12;

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The sources the last run rebuilt: those whose journal entry is new. Read from the
/// summary count and, to name them, from the output files' modification times.
fn rebuilt(
    out: &Path,
    before: &std::collections::BTreeMap<String, std::time::SystemTime>,
) -> Vec<String> {
    let mut changed: Vec<String> = mtimes(out)
        .into_iter()
        .filter(|(k, t)| k.ends_with(".pdf") && before.get(k) != Some(t))
        .map(|(k, _)| k)
        .collect();
    changed.sort();
    changed
}

fn mtimes(out: &Path) -> std::collections::BTreeMap<String, std::time::SystemTime> {
    tree(out, false)
        .into_keys()
        .map(|k| {
            let t = std::fs::metadata(out.join(&k)).unwrap().modified().unwrap();
            (k, t)
        })
        .collect()
}

#[test]
fn archive_writes_pdfa_and_epub_per_article_and_rebuilds_only_what_changed() {
    let dir = tmp("archive-incremental");
    let content = dir.join("content");
    let out = dir.join("out");
    archive_common::content(&content, N);

    let first = archive(&content, &out, &[]);
    ok(&first);
    let s = summary(&first);
    assert_eq!((s["built"], s["failed"], s["reused"]), (N as f64, 0.0, 0.0));

    // Nested folders: OUT mirrors the path inside articles/.
    for i in 0..N {
        let stem = article_path(i)
            .trim_start_matches("articles/")
            .trim_end_matches(".md")
            .to_owned();
        for ext in ["pdf", "epub"] {
            assert!(
                out.join(format!("{stem}.{ext}")).is_file(),
                "{stem}.{ext} missing"
            );
        }
    }

    // The manifest: one line per article, sorted, hashes and sizes that match the files.
    let records = manifest(&out);
    assert_eq!(records.len(), N as usize);
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted);
    for r in &records {
        assert_eq!(r["status"], "ok");
        assert!(r["pages"].as_u64().unwrap() >= 1);
        for o in r["outputs"].as_array().unwrap() {
            let bytes = std::fs::read(out.join(o["path"].as_str().unwrap())).unwrap();
            assert_eq!(o["sha256"].as_str().unwrap(), sha(&bytes));
            assert_eq!(o["bytes"].as_u64().unwrap(), bytes.len() as u64);
        }
        let inputs = r["inputs"].as_array().unwrap();
        let source = r["source"].as_str().unwrap();
        let md = std::fs::read(content.join(source)).unwrap();
        assert_eq!(inputs[0]["path"], source);
        assert_eq!(inputs[0]["sha256"].as_str().unwrap(), sha(&md));
        for input in inputs {
            let path = input["path"].as_str().unwrap();
            if path.starts_with("images/") || path == "bulletin.toml" {
                let bytes = std::fs::read(content.join(path)).unwrap();
                assert_eq!(input["sha256"].as_str().unwrap(), sha(&bytes), "{path}");
            }
        }
        assert!(
            inputs
                .iter()
                .any(|i| i["path"].as_str().unwrap().starts_with("font:"))
        );
        assert!(
            inputs
                .iter()
                .any(|i| i["path"].as_str().unwrap().starts_with("folio@"))
        );
    }
    let csv = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert_eq!(csv.lines().count(), N as usize + 1);

    // PDF/A-2u: the XMP says part 2, conformance U; the catalog has an output intent;
    // qpdf finds nothing wrong.
    let pdf = out.join(format!(
        "{}.pdf",
        article_path(0)
            .trim_start_matches("articles/")
            .trim_end_matches(".md")
    ));
    let qdf = dir.join("qdf.pdf");
    let o = support::tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", support::stderr(&o));
    let text = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(
        text.contains("<pdfaid:part>2</pdfaid:part>"),
        "no pdfaid:part 2"
    );
    assert!(text.contains("<pdfaid:conformance>U</pdfaid:conformance>"));
    assert!(text.contains("/OutputIntents"), "no output intent");
    assert!(text.contains("/GTS_PDFA1"));
    assert!(text.contains("<dc:title>"), "XMP has no title");
    for f in tree(&out, false).keys().filter(|k| k.ends_with(".pdf")) {
        let o = support::tool("qpdf", &["--check", out.join(f).to_str().unwrap()]);
        assert!(
            o.status.success(),
            "qpdf --check {f}: {}",
            support::stdout(&o)
        );
    }

    // A rerun with nothing changed rebuilds nothing and leaves every byte as it was.
    let before = tree(&out, false);
    let times = mtimes(&out);
    let again = archive(&content, &out, &[]);
    ok(&again);
    let s = summary(&again);
    assert_eq!((s["built"], s["reused"]), (0.0, N as f64));
    assert_same_tree(&before, &tree(&out, false));
    assert!(rebuilt(&out, &times).is_empty());

    // Touching one article's text rebuilds exactly that one.
    write_article(&content, 4, " One more sentence.");
    let times = mtimes(&out);
    let o = archive(&content, &out, &[]);
    ok(&o);
    assert_eq!(summary(&o)["built"], 1.0);
    let stem4 = article_path(4)
        .trim_start_matches("articles/")
        .replace(".md", ".pdf");
    assert_eq!(rebuilt(&out, &times), vec![stem4]);

    // Replacing a shared photo rebuilds exactly the articles that show it.
    let users: Vec<String> = (0..N)
        .filter(|&i| pictures_of(i).contains(&2))
        .map(|i| {
            article_path(i)
                .trim_start_matches("articles/")
                .replace(".md", ".pdf")
        })
        .collect();
    assert!(users.len() >= 2 && users.len() < N as usize);
    std::fs::write(content.join("images/p2.jpg"), jpeg(99)).unwrap();
    let times = mtimes(&out);
    let o = archive(&content, &out, &[]);
    ok(&o);
    assert_eq!(summary(&o)["built"], users.len() as f64);
    let mut users = users;
    users.sort();
    assert_eq!(rebuilt(&out, &times), users);

    // An output altered or removed behind folio's back is made again.
    let victim = out.join(&users[0]);
    std::fs::write(&victim, b"not a pdf").unwrap();
    let o = archive(&content, &out, &[]);
    ok(&o);
    assert_eq!(summary(&o)["built"], 1.0);
    assert!(std::fs::read(&victim).unwrap().starts_with(b"%PDF"));

    // The same run on one thread and on two gives the same bytes.
    let one = dir.join("jobs1");
    let two = dir.join("jobs2");
    ok(&archive(&content, &one, &["--jobs", "1"]));
    ok(&archive(&content, &two, &["--jobs", "2"]));
    assert_same_tree(&tree(&one, false), &tree(&two, false));
    assert_same_tree(&tree(&one, false), &tree(&out, false));

    // A sample of the EPUBs pass epubcheck with no errors and no warnings.
    for i in [0, 1, 5] {
        let epub = one.join(
            article_path(i)
                .trim_start_matches("articles/")
                .replace(".md", ".epub"),
        );
        support::assert_epubcheck_clean(&epub, &epub.display().to_string());
    }
}

#[test]
fn pdfa_off_writes_no_claim_and_build_takes_pdfa_too() {
    let dir = tmp("archive-pdfa-off");
    let content = dir.join("content");
    archive_common::content(&content, 3);
    let out = dir.join("out");
    ok(&archive(
        &content,
        &out,
        &["--pdfa", "off", "--format", "pdf"],
    ));
    let pdf = std::fs::read(
        out.join(
            article_path(0)
                .trim_start_matches("articles/")
                .replace(".md", ".pdf"),
        ),
    )
    .unwrap();
    assert!(!String::from_utf8_lossy(&pdf).contains("pdfaid"));
    assert!(tree(&out, false).keys().all(|k| !k.ends_with(".epub")));

    let built = dir.join("built");
    let o = folio_cmd(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        built.to_str().unwrap(),
        "--pdfa",
        "2b",
        "--format",
        "pdf",
    ])
    .output()
    .unwrap();
    ok(&o);
    let qdf = dir.join("qdf.pdf");
    support::tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            built.join("bulletin.pdf").to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(text.contains("<pdfaid:part>2</pdfaid:part>"));
    assert!(text.contains("<pdfaid:conformance>B</pdfaid:conformance>"));

    let bad = archive(&content, &out, &["--pdfa", "9z"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(support::stderr(&bad).contains("--pdfa takes 2b, 2u, 3u or off"));
}
