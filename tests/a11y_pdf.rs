//! The tagged PDF: its structure tree, read back with a PDF library, lists the sample's
//! headings in order with every figure's alt text; running heads and folios are artifacts;
//! `--pdfua` claims PDF/UA-1 only when krilla's validator agrees.

mod support;

use std::path::Path;

use lopdf::content::Content;
use lopdf::{Document, Object};

use support::*;

/// One structure element: depth, type, its /T, /Alt and /Lang, and how many marked-content
/// sequences (text, pictures) and annotations it holds directly.
#[derive(Debug)]
struct Element {
    depth: usize,
    kind: String,
    title: Option<String>,
    alt: Option<String>,
    lang: Option<String>,
    content: usize,
    annots: usize,
    parent: Option<usize>,
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

fn walk(doc: &Document, o: &Object, depth: usize, parent: Option<usize>, out: &mut Vec<Element>) {
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
                walk(doc, item, depth, parent, out);
            }
        }
        // A marked-content id.
        Object::Integer(_) => {
            if let Some(p) = parent {
                out[p].content += 1;
            }
        }
        Object::Dictionary(d) => {
            let Ok(kind) = d.get(b"S").and_then(Object::as_name) else {
                // A marked-content reference (MCR) or an object reference (OBJR).
                let ty = d.get(b"Type").and_then(Object::as_name).ok();
                if let Some(p) = parent {
                    match ty {
                        Some(b"MCR") => out[p].content += 1,
                        Some(b"OBJR") => out[p].annots += 1,
                        _ => {}
                    }
                }
                return;
            };
            out.push(Element {
                depth,
                kind: String::from_utf8_lossy(kind).into_owned(),
                title: d.get(b"T").ok().and_then(|t| text(doc, t)),
                alt: d.get(b"Alt").ok().and_then(|t| text(doc, t)),
                lang: d.get(b"Lang").ok().and_then(|t| text(doc, t)),
                content: 0,
                annots: 0,
                parent,
            });
            let me = out.len() - 1;
            if let Ok(k) = d.get(b"K") {
                walk(doc, k, depth + 1, Some(me), out);
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
    walk(&doc, &k, 0, None, &mut out);
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
    for kind in [
        "Caption",
        "Note",
        "Reference",
        "TOC",
        "TOCI",
        "Link",
        "Code",
    ] {
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
    let dir = build_sample_with("a11y-pdfua", "pdf", &["--pdfua"]);
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
    build_pdf(&content, &out, &["--pdfua"]);
    let (doc, tree) = structure(&out.join("bulletin.pdf"));
    assert_eq!(tree.iter().filter(|e| e.kind == "Sect").count(), 33);
    for kind in [
        "Code",
        "BlockQuote",
        "TH",
        "Note",
        "Reference",
        "Link",
        "Figure",
        "TOCI",
    ] {
        assert!(tree.iter().any(|e| e.kind == kind), "no {kind}");
    }
    // Every annotation is in a Link holding its text; the two decorative pictures of the
    // every-block article are artifacts, all others figures.
    for e in tree.iter().filter(|e| e.annots > 0) {
        assert!(e.kind == "Link" && e.content > 0, "{e:?}");
    }
    let figures = tree.iter().filter(|e| e.kind == "Figure").count();
    let drawn = pictures_drawn(&doc);
    assert_eq!(drawn.iter().filter(|&&a| a).count(), 2, "{drawn:?}");
    assert_eq!(drawn.len(), figures + 2);
}

/// `--pdfua` with `--pdfa 2u`: one file carrying both claims, each checked by krilla.
#[test]
fn pdfua_and_pdfa_together() {
    let dir = build_sample_with("a11y-pdfua-pdfa", "pdf", &["--pdfua", "--pdfa", "2u"]);
    let pdf = std::fs::read(dir.join("bulletin.pdf")).unwrap();
    let find = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(find(b"<pdfuaid:part>1</pdfuaid:part>"), "no PDF/UA-1 claim");
    assert!(find(b"<pdfaid:part>2</pdfaid:part>"), "no PDF/A-2 claim");
    assert!(
        find(b"<pdfaid:conformance>U</pdfaid:conformance>"),
        "not PDF/A-2u"
    );
}

/// Pictures drawn on the pages: for each, whether it is inside an Artifact sequence.
fn pictures_drawn(doc: &Document) -> Vec<bool> {
    let mut out = Vec::new();
    for (_, id) in doc.get_pages() {
        let content = Content::decode(&doc.get_page_content(id)).unwrap();
        let mut stack: Vec<bool> = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    let tag = op.operands.first().and_then(|o| o.as_name().ok());
                    stack.push(tag == Some(b"Artifact".as_slice()));
                }
                "EMC" => {
                    stack.pop();
                }
                "Do" => out.push(stack.iter().any(|&a| a)),
                _ => {}
            }
        }
    }
    out
}

/// Whether element `i` lies inside an element of `kind`.
fn inside(tree: &[Element], mut i: usize, kind: &str) -> bool {
    while let Some(p) = tree[i].parent {
        if tree[p].kind == kind {
            return true;
        }
        i = p;
    }
    false
}

const LINKS_ARTICLE: &str = "---\ntitle: \"Pictures and links 图片与链接\"\nlang: en\n---\n\n\
Intro with a [web link](https://example.org/a), an [inner link](#more), \
an autolink https://example.org/b, a [link to nowhere](#nowhere) and a note[^n].\n\n\
![](../images/emblem.png){.decorative}\n\n\
<img src=\"../images/emblem.png\" alt=\"\" role=\"presentation\">\n\n\
![The university emblem](../images/emblem.png)\n\n\
## More {#more}\n\n\
- A list item with a [link that is long enough to run over the end of its line and onto the next one](https://example.org/long).\n\n\
| Where | Link |\n|---|---|\n| web | [site](https://example.org/t) |\n\n\
Text with a second note[^m].\n\n\
[^n]: The note text.\n\
[^m]: Another note with a [link](https://example.org/c).\n";

/// Links, notes and decorative pictures in the structure tree, with the notes at the page
/// foot (report) and after the article (bulletin): every link annotation sits in a `Link`
/// element together with its text; a note's mark is a `Reference` holding the `Link` to
/// its `Note`; the contents entries link the same way; decorative pictures are artifacts,
/// not figures. Both builds pass `--pdfua`.
#[test]
fn links_notes_and_decorative_pictures_are_tagged() {
    for template in ["bulletin", "report"] {
        let (content, out) = write_book(
            &format!("a11y-links-{template}"),
            "title = \"Links 链接\"\nlanguage = \"zh-CN\"\n",
            &[
                ("01-links.md", LINKS_ARTICLE),
                ("02-second.md", "---\ntitle: 第二篇\n---\n\n正文。\n"),
            ],
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
            "pdf",
            "--pdfua",
            "--template",
            template,
        ]);
        // The decorative pictures raise no missing-alt warning; the link to nowhere does.
        assert!(!stderr(&run).contains("alt text"), "{}", stderr(&run));
        assert!(stderr(&run).contains("#nowhere"), "{}", stderr(&run));
        let (doc, tree) = structure(&out.join("bulletin.pdf"));
        let dump = || {
            tree.iter()
                .map(|e| {
                    format!(
                        "{}{} c{} a{}",
                        "  ".repeat(e.depth),
                        e.kind,
                        e.content,
                        e.annots
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };

        // One Figure: the described picture; the two decorative ones are artifacts.
        let figures: Vec<&Element> = tree.iter().filter(|e| e.kind == "Figure").collect();
        assert_eq!(figures.len(), 1, "{template}:\n{}", dump());
        assert_eq!(figures[0].alt.as_deref(), Some("The university emblem"));
        let drawn = pictures_drawn(&doc);
        assert_eq!(
            (drawn.len(), drawn.iter().filter(|&&a| a).count()),
            (3, 2),
            "{template}: pictures drawn (artifact or not): {drawn:?}"
        );

        // Every link annotation is in a Link element that holds its text too.
        let links: Vec<usize> = (0..tree.len())
            .filter(|&i| tree[i].kind == "Link")
            .collect();
        let annots: usize = tree.iter().map(|e| e.annots).sum();
        assert!(annots > 0);
        assert_eq!(
            links.iter().map(|&i| tree[i].annots).sum::<usize>(),
            annots,
            "{template}: an annotation outside a Link:\n{}",
            dump()
        );
        for &i in &links {
            assert!(
                tree[i].content >= 1 && tree[i].annots >= 1,
                "{template}: Link {i} lacks its text or its annotation:\n{}",
                dump()
            );
        }
        // In the text: web link, inner link, autolink, the long link (one element over
        // two lines), the table cell's link, the link inside a note, and two note marks;
        // the link to nowhere lost its annotation and is no Link.
        let in_text = |kind: &str| links.iter().filter(|&&i| inside(&tree, i, kind)).count();
        assert_eq!(in_text("Sect"), 8, "{template}:\n{}", dump());
        assert_eq!(in_text("Reference"), 2, "{template}:\n{}", dump());
        assert_eq!(in_text("Note"), 1, "{template}:\n{}", dump());
        assert_eq!(in_text("LBody"), 1, "{template}:\n{}", dump());
        assert_eq!(in_text("TD"), 1, "{template}:\n{}", dump());
        // The long link ran over two lines, so it has two annotations in one element.
        assert!(
            links
                .iter()
                .any(|&i| inside(&tree, i, "LBody") && tree[i].annots == 2),
            "{template}:\n{}",
            dump()
        );
        // Each note mark is a Reference holding one Link and nothing else.
        for (i, e) in tree
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == "Reference")
        {
            let kids: Vec<&Element> = tree.iter().filter(|k| k.parent == Some(i)).collect();
            assert!(
                kids.len() == 1 && kids[0].kind == "Link" && e.content == 0,
                "{template}: {kids:?}"
            );
        }
        let notes = tree.iter().filter(|e| e.kind == "Note").count();
        assert_eq!(notes, 2, "{template}:\n{}", dump());
        // Each contents entry is a link: its text and its annotation in one Link.
        let entries: Vec<usize> = (0..tree.len())
            .filter(|&i| tree[i].kind == "TOCI")
            .collect();
        assert_eq!(entries.len(), 2, "{template}:\n{}", dump());
        for &t in &entries {
            assert!(
                links.iter().any(|&l| tree[l].parent == Some(t)),
                "{template}: TOCI {t} has no Link:\n{}",
                dump()
            );
        }
    }
}
