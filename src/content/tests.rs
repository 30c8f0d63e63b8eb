//! Whole-folder tests: `load` on temporary content folders and on the bundled sample.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::model::{Article, Block, Inline, plain_text};

/// A content folder in a temporary directory.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("articles")).unwrap();
        fs::create_dir_all(dir.path().join("images")).unwrap();
        fs::write(dir.path().join("bulletin.toml"), config).unwrap();
        Folder { dir }
    }
    fn root(&self) -> &Path {
        self.dir.path()
    }
    fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
        self
    }
    fn load(&self) -> Result<Loaded, Vec<Diagnostic>> {
        match load(self.root()) {
            Ok(l) => Ok(l),
            Err(Error::Input(d)) => Err(d),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
}

fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.is_error()).collect()
}

const CONFIG: &str = "title = \"T\"\nlanguage = \"zh-CN\"\n";

#[test]
fn articles_in_name_order_with_ids_and_defaults() {
    let f = Folder::new(CONFIG);
    f.write(
        "articles/b.md",
        "---\ntitle: B\nauthor: [甲, 乙]\n---\ntext\n",
    )
    .write(
        "articles/01 A.md",
        "---\ntitle: A\nlang: en\nauthor: [X, Y]\n---\ntext\n",
    )
    .write("articles/01-a.md", "---\ntitle: A2\n---\ntext\n")
    .write("articles/notes.txt", "ignored")
    .write("articles/.hidden.md", "ignored")
    .write("articles/sub/c.md", "ignored");
    let loaded = f.load().unwrap();
    let got: Vec<(&str, &str, &str)> = loaded
        .document
        .articles
        .iter()
        .map(|a| (a.id.as_str(), &*a.source, a.title.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("a-01-a", "articles/01 A.md", "A"),
            ("a-01-a-2", "articles/01-a.md", "A2"),
            ("b", "articles/b.md", "B"),
        ]
    );
    let a = &loaded.document.articles;
    assert_eq!(a[0].lang.as_str(), "en");
    assert_eq!(a[0].author.as_deref(), Some("X, Y"));
    assert_eq!(a[2].lang.as_str(), "zh-CN");
    assert_eq!(a[2].author.as_deref(), Some("甲、乙"));
    assert_eq!(loaded.document.meta.title, "T");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn configured_order() {
    let f = Folder::new("title = \"T\"\norder = [\"b.md\", \"a.md\"]\n");
    f.write("articles/a.md", "---\ntitle: A\n---\n")
        .write("articles/b.md", "---\ntitle: B\n---\n")
        .write("articles/c.md", "---\ntitle: C\n---\n");
    let loaded = f.load().unwrap();
    let titles: Vec<_> = loaded
        .document
        .articles
        .iter()
        .map(|a| a.title.as_str())
        .collect();
    assert_eq!(titles, ["B", "A", "C"]);
    assert_eq!(loaded.warnings.len(), 1);
    assert!(loaded.warnings[0].message.contains("c.md"));
}

#[test]
fn no_articles_is_an_error_with_help() {
    let f = Folder::new(CONFIG);
    let d = f.load().unwrap_err();
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("no articles"));
    assert!(d[0].help.is_some());
}

#[test]
fn all_errors_from_all_articles_are_collected() {
    let f = Folder::new("title = \"T\"\nvolume = \"x\"\n");
    f.write(
        "articles/a.md",
        "---\ntitle: A\n---\n\n![x](images/missing.png)\n",
    )
    .write("articles/b.md", b"---\ntitle: B\n---\n\n\xFF\n".as_slice())
    .write("articles/c.md", "no front matter\n")
    .write("articles/d.md", "---\ntitle: D\ndate: 2023-02-30\n---\n");
    let d = f.load().unwrap_err();
    let found: Vec<(Option<&str>, Option<u32>)> = errors(&d)
        .iter()
        .map(|d| (d.file.as_deref(), d.line))
        .collect();
    assert_eq!(
        found,
        [
            (Some("bulletin.toml"), Some(2)),
            (Some("articles/a.md"), Some(5)),
            (Some("articles/b.md"), Some(5)),
            (Some("articles/c.md"), Some(1)),
            (Some("articles/d.md"), Some(3)),
        ],
        "{d:#?}"
    );
    let missing = &errors(&d)[1];
    assert_eq!(
        missing.message,
        "image `images/missing.png` not found (looked in articles/images/missing.png and images/missing.png)"
    );
    let no_front = &errors(&d)[3];
    assert_eq!(no_front.message, "missing front matter with a title");
    assert!(no_front.help.as_deref().unwrap().contains("title:"));
}

#[test]
fn heading_without_front_matter_becomes_the_title() {
    let f = Folder::new(CONFIG);
    f.write("articles/a.md", "\n# 标题\n\n正文\n");
    let loaded = f.load().unwrap();
    let a = &loaded.document.articles[0];
    assert_eq!(a.title, "标题");
    assert_eq!(a.blocks.len(), 1);
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].line, Some(2));
}

#[test]
fn bom_crlf_and_front_matter_lines() {
    let f = Folder::new(CONFIG);
    f.write(
        "articles/a.md",
        "\u{FEFF}---\r\ntitle: A\r\n---\r\n\r\n第一段\r\n第二行\r\n\r\n## 小节\r\n",
    );
    let loaded = f.load().unwrap();
    let a = &loaded.document.articles[0];
    let lines: Vec<u32> = a.blocks.iter().map(|b| b.pos().line).collect();
    assert_eq!(lines, [5, 8]);
    let Block::Paragraph { content, .. } = &a.blocks[0] else {
        panic!()
    };
    assert_eq!(content, &vec![Inline::Text("第一段第二行".into())]);
}

#[test]
fn broken_yaml_error_line_is_absolute() {
    let f = Folder::new(CONFIG);
    f.write(
        "articles/a.md",
        "---\ntitle: A\nsummary: [unclosed\n---\nbody\n",
    );
    let d = f.load().unwrap_err();
    let e = errors(&d);
    assert_eq!(e.len(), 1, "{d:?}");
    assert_eq!(e[0].file.as_deref(), Some("articles/a.md"));
    // The parser notices at the end of the block (line 4) and names where `[` opened.
    assert_eq!(e[0].line, Some(4), "{}", e[0]);
    assert!(e[0].message.contains("`[` opened on line 3"), "{}", e[0]);
    assert!(e[0].help.is_some());
}

#[test]
fn image_paths_and_figures() {
    let f = Folder::new(CONFIG);
    f.write("images/Wechat photo _1.jpg", "x")
        .write("images/校园 风景.png", "x")
        .write("articles/pics/a.png", "x")
        .write(
            "articles/a.md",
            "---\ntitle: A\n---\n\n\
             before ![one](<../images/Wechat photo _1.jpg>) after\n\n\
             ![two](images/Wechat%20photo%20_1.jpg)\n\n\
             ![三](<images/校园 风景.png>)\n\n\
             ![four](pics/a.png)\n\n\
             [![linked](pics/a.png)](https://example.com)\n\n\
             - item ![five](pics/a.png)\n\n\
             | h |\n|---|\n| ![cell](pics/a.png) |\n",
        );
    let loaded = f.load().unwrap();
    let a = &loaded.document.articles[0];
    let shape: Vec<String> = a
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph { content, pos } => format!("P{}:{}", pos.line, plain_text(content)),
            Block::Figure { image, alt, pos } => format!("F{}:{}={}", pos.line, alt, image.key),
            Block::List { items, .. } => format!("L{}", items[0].blocks.len()),
            Block::Table { rows, .. } => format!("T:{}", plain_text(&rows[0][0])),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "P5:before",
            "F5:one=images/Wechat photo _1.jpg",
            "P5:after",
            "F7:two=images/Wechat photo _1.jpg",
            "F9:三=images/校园 风景.png",
            "F11:four=articles/pics/a.png",
            "F13:linked=articles/pics/a.png",
            "L2",
            "T:cell",
        ]
    );
    let Block::List { items, .. } = &a.blocks[7] else {
        panic!()
    };
    assert!(matches!(items[0].blocks[1], Block::Figure { .. }));
    // The table-cell image became text, with a warning on its line.
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(loaded.warnings[0].line, Some(19));
    // Paths are absolute and canonical.
    let Block::Figure { image, .. } = &a.blocks[1] else {
        panic!()
    };
    assert!(image.path.is_absolute() && image.path.exists());
}

#[test]
fn image_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("content");
    fs::create_dir_all(root.join("articles")).unwrap();
    fs::write(root.join("bulletin.toml"), CONFIG).unwrap();
    fs::write(dir.path().join("secret.png"), "x").unwrap();
    let up = "../".repeat(30);
    fs::write(
        root.join("articles/a.md"),
        format!(
            "---\ntitle: A\n---\n\n![a](../../secret.png)\n\n![b]({up}etc/passwd)\n\n![c](data:image/png;base64,AAAA)\n"
        ),
    )
    .unwrap();
    let Err(Error::Input(d)) = load(&root) else {
        panic!("expected errors")
    };
    let e = errors(&d);
    assert_eq!(e.len(), 3, "{d:#?}");
    assert_eq!(
        e.iter().map(|d| d.line).collect::<Vec<_>>(),
        [Some(5), Some(7), Some(9)]
    );
    assert!(
        e[0].message.contains("outside the content folder"),
        "{}",
        e[0]
    );
    assert!(
        e[2].message.contains("`data:` URL") || e[2].message.contains("remote"),
        "{}",
        e[2]
    );
    assert!(e[2].help.as_deref().unwrap().contains("images/"));
}

#[test]
fn missing_config_is_only_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("校报");
    fs::create_dir_all(root.join("articles")).unwrap();
    fs::write(root.join("articles/a.md"), "---\ntitle: A\n---\n").unwrap();
    let loaded = load(&root).unwrap();
    assert_eq!(loaded.document.meta.title, "校报");
    assert_eq!(loaded.warnings.len(), 1);
}

#[test]
fn parallel_loading_keeps_the_order() {
    let f = Folder::new(CONFIG);
    for i in 0..40 {
        f.write(
            &format!("articles/{i:03}.md"),
            format!("---\ntitle: \"{i}\"\n---\n\n正文 {i}\n"),
        );
    }
    for _ in 0..3 {
        let loaded = f.load().unwrap();
        let titles: Vec<String> = loaded
            .document
            .articles
            .iter()
            .map(|a| a.title.clone())
            .collect();
        let expected: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        assert_eq!(titles, expected);
    }
}

fn sample_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

fn figures(blocks: &[Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Figure { image, .. } => out.push(image.key.clone()),
            Block::Quote { blocks, .. } => figures(blocks, out),
            Block::List { items, .. } => items.iter().for_each(|i| figures(&i.blocks, out)),
            _ => {}
        }
    }
}

fn find_strong(inlines: &[Inline], out: &mut Vec<String>) {
    for i in inlines {
        match i {
            Inline::Strong(c) => {
                out.push(plain_text(c));
                find_strong(c, out);
            }
            Inline::Emph(c) | Inline::Strike(c) | Inline::Link { content: c, .. } => {
                find_strong(c, out)
            }
            _ => {}
        }
    }
}

fn strongs(article: &Article) -> Vec<String> {
    fn walk(blocks: &[Block], out: &mut Vec<String>) {
        for b in blocks {
            match b {
                Block::Paragraph { content, .. } | Block::Heading { content, .. } => {
                    find_strong(content, out)
                }
                Block::Quote { blocks, .. } => walk(blocks, out),
                Block::List { items, .. } => items.iter().for_each(|i| walk(&i.blocks, out)),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&article.blocks, &mut out);
    out
}

#[test]
fn the_sample_bulletin() {
    let loaded = match load(&sample_root()) {
        Ok(l) => l,
        Err(e) => panic!("the sample must load:\n{e}"),
    };
    for w in &loaded.warnings {
        println!("{w}");
    }
    assert!(
        loaded.warnings.is_empty(),
        "unexpected warnings: {:?}",
        loaded.warnings
    );
    let doc = &loaded.document;
    assert_eq!(doc.meta.title, "北京理工大学新闻简报");
    assert_eq!(doc.articles.len(), 4);
    let ids: Vec<&str> = doc.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a-01-mid-year-work-meeting",
            "a-02-opening-ceremony",
            "a-03-library-gpu-room",
            "a-04-network-upgrade-notice"
        ]
    );

    let seed = &doc.articles[0];
    assert_eq!(
        seed.title,
        "Beijing Institute of Technology held the 2023 mid-year work"
    );
    assert_eq!(seed.lang.as_str(), "en");
    assert_eq!(seed.date.as_deref(), Some("2023-08-31"));
    assert_eq!(
        seed.tags,
        ["meeting", "university governance", "campus news"]
    );
    let mut keys = Vec::new();
    figures(&seed.blocks, &mut keys);
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| k.starts_with("images/") && k.contains(' ')),
        "{keys:?}"
    );
    assert_eq!(keys[0], "images/Wechat picture _20230901114436_3_ Copy.jpg");
    let Block::Figure { alt, pos, .. } = &seed.blocks[0] else {
        panic!()
    };
    assert_eq!(alt, "Wechat picture _20230901114436_3_ Copy");
    assert_eq!(pos.line, 10);

    let zh = &doc.articles[1];
    assert_eq!(zh.title, "2023 级本科生开学典礼隆重举行");
    assert!(
        strongs(zh).contains(&"“双一流”".to_owned()),
        "{:?}",
        strongs(zh)
    );
    assert_eq!(zh.footnotes.len(), 2);
    assert_eq!(zh.footnotes[0].label, "data");
    let heading_ids: Vec<&str> = zh
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        heading_ids,
        ["典礼现场", "freshman-facts", "opening-speech"]
    );
    let mut zh_figs = Vec::new();
    figures(&zh.blocks, &mut zh_figs);
    assert_eq!(zh_figs, ["images/Wechat picture _20230901114436_2.jpg"]);

    let lib = &doc.articles[2];
    assert!(
        lib.blocks
            .iter()
            .any(|b| matches!(b, Block::Table { rows, .. } if rows.len() == 3))
    );
    assert!(
        lib.blocks
            .iter()
            .any(|b| matches!(b, Block::Code { lang: Some(l), .. } if l == "sh"))
    );
    assert_eq!(lib.footnotes.len(), 2);

    let notice = &doc.articles[3];
    let Block::List { items, .. } = notice
        .blocks
        .iter()
        .find(|b| matches!(b, Block::List { .. }))
        .unwrap()
    else {
        panic!()
    };
    let tasks: Vec<_> = items.iter().map(|i| i.task).collect();
    assert_eq!(tasks, [Some(true), Some(false), Some(false)]);
}
