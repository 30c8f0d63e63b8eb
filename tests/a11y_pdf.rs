//! The tagged PDF: its structure tree, read back with a PDF library, lists the sample's
//! headings in order with every figure's alt text; running heads and folios are artifacts;
//! `--pdfua` claims PDF/UA-1 only when krilla's validator agrees.

mod support;

use std::path::Path;

use lopdf::content::Content;
use lopdf::{Document, Object};

use support::*;

/// One structure element: depth, type, and its /T, /Alt and /Lang.
#[derive(Debug)]
struct Element {
    depth: usize,
    kind: String,
    title: Option<String>,
    alt: Option<String>,
    lang: Option<String>,
}

fn text(doc: &Document, o: &Object) -> Option<String> {
    let o = match o {
        Object::Reference(r) => doc.get_object(*r).ok()?,
        o => o,
    };
    match o {
        Object::String(bytes, _) => Some(
            lopdf::decode_text_string(o)
                .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned()),
        ),
        _ => None,
    }
}

fn walk(doc: &Document, o: &Object, depth: usize, out: &mut Vec<Element>) {
    let o = match o {
        Object::Reference(r) => match doc.get_object(*r) {
            Ok(o) => o,
            Err(_) => return,
        },
        o => o,
    };
    match o {
        Object::Array(items) => {
            for item in items {
                walk(doc, item, depth, out);
            }
        }
        Object::Dictionary(d) => {
            let Ok(kind) = d.get(b"S").and_then(Object::as_name) else {
                return; // a marked-content or object reference
            };
            out.push(Element {
                depth,
                kind: String::from_utf8_lossy(kind).into_owned(),
                title: d.get(b"T").ok().and_then(|t| text(doc, t)),
                alt: d.get(b"Alt").ok().and_then(|t| text(doc, t)),
                lang: d.get(b"Lang").ok().and_then(|t| text(doc, t)),
            });
            if let Ok(k) = d.get(b"K") {
                walk(doc, k, depth + 1, out);
            }
        }
        _ => {}
    }
}

fn structure(pdf: &Path) -> (Document, Vec<Element>) {
    let doc = Document::load(pdf).expect("PDF parses");
    let catalog = doc.catalog().expect("catalog");
    let marked = catalog
        .get(b"MarkInfo")
        .and_then(|m| doc.dereference(m).map(|(_, o)| o))
        .and_then(Object::as_dict)
        .and_then(|m| m.get(b"Marked"))
        .and_then(Object::as_bool);
    assert_eq!(marked.ok(), Some(true), "MarkInfo /Marked is not true");
    assert!(catalog.get(b"Lang").is_ok(), "no document /Lang");
    let root = catalog
        .get(b"StructTreeRoot")
        .and_then(|r| doc.dereference(r).map(|(_, o)| o.clone()))
        .expect("StructTreeRoot");
    let k = root.as_dict().unwrap().get(b"K").expect("/K").clone();
    let mut out = Vec::new();
    walk(&doc, &k, 0, &mut out);
    (doc, out)
}

/// `(heading text, markdown level)` of an article file, title first.
fn markdown_headings(file: &Path) -> Vec<String> {
    let source = std::fs::read_to_string(file).unwrap();
    let mut out = Vec::new();
    for line in source.lines() {
        if let Some(title) = line.strip_prefix("title: ") {
            out.push(title.trim().trim_matches('"').to_owned());
        } else if line.starts_with('#') {
            let text = line.trim_start_matches('#').trim();
            let text = text.split(" {#").next().unwrap().trim();
            out.push(text.to_owned());
        }
    }
    out
}

#[test]
fn structure_tree_follows_the_articles() {
    let dir = build_sample("a11y-pdf-tags", "pdf");
    let pdf = dir.join("bulletin.pdf");
    let info = stdout(&tool("pdfinfo", &[pdf.to_str().unwrap()]));
    assert!(info.contains("Tagged:          yes"), "{info}");

    let (_, tree) = structure(&pdf);
    assert_eq!(tree[0].kind, "Document", "{tree:#?}");
    assert_eq!(tree.iter().filter(|e| e.depth == 0).count(), 1);

    // Every article is a Sect whose headings are the article's, in order.
    let sects: Vec<usize> = (0..tree.len())
        .filter(|&i| tree[i].kind == "Sect")
        .collect();
    let files: Vec<_> = {
        let mut f: Vec<_> = std::fs::read_dir(repo().join("content/articles"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        f.sort();
        f
    };
    assert_eq!(sects.len(), files.len(), "one Sect per article");
    for (n, &start) in sects.iter().enumerate() {
        let end = sects.get(n + 1).copied().unwrap_or(tree.len());
        let headings: Vec<(String, String)> = tree[start..end]
            .iter()
            .filter(|e| e.kind.len() == 2 && e.kind.starts_with('H'))
            .map(|e| (e.kind.clone(), e.title.clone().unwrap_or_default()))
            .collect();
        let texts: Vec<String> = headings.iter().map(|(_, t)| t.clone()).collect();
        let expected = files
            .iter()
            .map(|f| markdown_headings(f))
            .find(|h| h.first() == texts.first())
            .unwrap_or_else(|| panic!("no article is titled {:?}", texts.first()));
        assert_eq!(texts, expected, "headings of Sect {n}");
        assert_eq!(headings[0].0, "H1", "the title is H1");
        // No level is skipped below the title.
        for pair in headings.windows(2) {
            let a: u8 = pair[0].0[1..].parse().unwrap();
            let b: u8 = pair[1].0[1..].parse().unwrap();
            assert!(b <= a + 1, "heading levels jump: {headings:?}");
        }
    }
    // English articles in a Chinese bulletin carry their own language.
    assert!(
        tree.iter()
            .any(|e| e.kind == "Sect" && e.lang.as_deref() == Some("en")),
        "no Sect with Lang en"
    );

    // Every picture is a Figure with its alt text; the sample has six.
    let figures: Vec<&Element> = tree.iter().filter(|e| e.kind == "Figure").collect();
    assert_eq!(figures.len(), 6, "{figures:#?}");
    for f in &figures {
        assert!(
            f.alt.as_deref().is_some_and(|a| !a.trim().is_empty()),
            "{f:?}"
        );
    }
    for kind in [
        "P",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "BlockQuote",
    ] {
        assert!(tree.iter().any(|e| e.kind == kind), "no {kind} in the tree");
    }
    for kind in ["Caption", "Note", "TOC", "TOCI", "Link", "Code"] {
        assert!(tree.iter().any(|e| e.kind == kind), "no {kind} in the tree");
    }
}

/// Every piece of text is marked: structure content or an artifact. The topmost and the
/// bottommost text of every article page (running head and folio) are pagination
/// artifacts.
#[test]
fn running_heads_and_folios_are_artifacts() {
    let dir = build_sample("a11y-pdf-artifacts", "pdf");
    let doc = Document::load(dir.join("bulletin.pdf")).unwrap();
    let pages = doc.get_pages();
    assert!(pages.len() > 2);
    for (&number, &id) in pages.iter().skip(1) {
        let content = Content::decode(&doc.get_page_content(id)).unwrap();
        // Marked-content stack: `Some(true)` for an artifact.
        let mut stack: Vec<bool> = Vec::new();
        let mut y = 0.0f32;
        let mut shown: Vec<(f32, bool)> = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    let tag = op.operands.first().and_then(|o| o.as_name().ok());
                    stack.push(tag == Some(b"Artifact".as_slice()));
                }
                "EMC" => {
                    stack.pop();
                }
                "Tm" => {
                    y = op
                        .operands
                        .get(5)
                        .and_then(|o| o.as_float().ok())
                        .unwrap_or(y);
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    let Some(&artifact) = stack.last() else {
                        panic!("page {number}: text outside any marked content");
                    };
                    shown.push((y, artifact));
                }
                _ => {}
            }
        }
        let top = shown.iter().map(|s| s.0).fold(f32::MAX, f32::min);
        let bottom = shown.iter().map(|s| s.0).fold(f32::MIN, f32::max);
        for (y, artifact) in &shown {
            if *y == top || *y == bottom {
                assert!(
                    artifact,
                    "page {number}: text at y={y} is in the structure tree"
                );
            }
        }
        assert!(
            shown.iter().any(|(_, a)| !a),
            "page {number}: no tagged text at all"
        );
    }
}

#[test]
fn pdfua_is_claimed_only_when_valid() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("a11y-pdfua");
    let _ = std::fs::remove_dir_all(&dir);
    folio_ok(&[
        "build",
        "content",
        "-o",
        dir.to_str().unwrap(),
        "--format",
        "pdf",
        "--pdfua",
    ]);
    let pdf = std::fs::read(dir.join("bulletin.pdf")).unwrap();
    let find = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(find(b"pdfuaid:part"), "no PDF/UA identification in XMP");
    let doc = Document::load_mem(&pdf).unwrap();
    let prefs = doc
        .catalog()
        .unwrap()
        .get(b"ViewerPreferences")
        .and_then(|p| doc.dereference(p).map(|(_, o)| o.clone()))
        .expect("ViewerPreferences");
    assert_eq!(
        prefs
            .as_dict()
            .unwrap()
            .get(b"DisplayDocTitle")
            .and_then(Object::as_bool)
            .ok(),
        Some(true)
    );
    let out = tool(
        "qpdf",
        &["--check", dir.join("bulletin.pdf").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stdout(&out));
}

/// A 33-article bulletin with every kind of block (lists, nested quotes, a table, code,
/// notes, links, a picture) passes krilla's PDF/UA-1 validation too.
#[test]
fn a_large_mixed_bulletin_passes_pdfua() {
    let content = large_bulletin("a11y-pdfua-large", 8);
    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("a11y-pdfua-large-out");
    let _ = std::fs::remove_dir_all(&out);
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--pdfua",
    ]);
    let (_, tree) = structure(&out.join("bulletin.pdf"));
    assert_eq!(tree.iter().filter(|e| e.kind == "Sect").count(), 33);
    for kind in ["Code", "BlockQuote", "TH", "Note", "Link", "Figure"] {
        assert!(tree.iter().any(|e| e.kind == kind), "no {kind}");
    }
}

/// `--pdfua` with `--pdfa 2u`: one file carrying both claims, each checked by krilla.
#[test]
fn pdfua_and_pdfa_together() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("a11y-pdfua-pdfa");
    let _ = std::fs::remove_dir_all(&dir);
    folio_ok(&[
        "build",
        "content",
        "-o",
        dir.to_str().unwrap(),
        "--format",
        "pdf",
        "--pdfua",
        "--pdfa",
        "2u",
    ]);
    let pdf = std::fs::read(dir.join("bulletin.pdf")).unwrap();
    let find = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(find(b"<pdfuaid:part>1</pdfuaid:part>"), "no PDF/UA-1 claim");
    assert!(find(b"<pdfaid:part>2</pdfaid:part>"), "no PDF/A-2 claim");
    assert!(
        find(b"<pdfaid:conformance>U</pdfaid:conformance>"),
        "not PDF/A-2u"
    );
}
