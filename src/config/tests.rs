//! `bulletin.toml`: defaults, every key, and the line of every finding.

use super::*;

fn parse(text: &str) -> ConfigRead {
    parse_config(text, Path::new("/tmp/content"), "content")
}

fn errors(read: &ConfigRead) -> Vec<&Diagnostic> {
    read.diagnostics.iter().filter(|d| d.is_error()).collect()
}

#[test]
fn defaults() {
    let read = parse("title = \"简报\"\n");
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    let c = read.config;
    assert_eq!(c.meta.title, "简报");
    assert_eq!(c.meta.lang.as_str(), "zh-CN");
    assert_eq!(c.page, PageSetup::default());
    assert_eq!(c.page.width_mm, 210.0);
    assert_eq!(c.page.margins.top, 22.0);
    assert_eq!(c.page.margins.left, 20.0);
    assert!(c.order.is_none());
    assert!(c.font_dirs.is_empty());
}

#[test]
fn full_sample() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/content/bulletin.toml"
    ))
    .unwrap();
    let read = parse(&text);
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    let m = read.config.meta;
    assert_eq!(m.title, "北京理工大学新闻简报");
    assert_eq!(m.volume, Some(3));
    assert_eq!(m.issue, Some(17));
    assert_eq!(m.date.as_deref(), Some("2023-09-01"));
    assert_eq!(m.authors, ["陈雨桐", "周敏", "刘晨"]);
    assert_eq!(read.config.page, PageSetup::default());
}

#[test]
fn sizes() {
    for (name, w, h) in [
        ("A4", 210.0, 297.0),
        ("a5", 148.0, 210.0),
        ("B5", 176.0, 250.0),
        ("LETTER", 215.9, 279.4),
        ("170x240", 170.0, 240.0),
        ("170×240", 170.0, 240.0),
        ("170 x 240 mm", 170.0, 240.0),
    ] {
        let read = parse(&format!("title = \"t\"\n[page]\nsize = \"{name}\"\n"));
        assert!(errors(&read).is_empty(), "{name}: {:?}", read.diagnostics);
        assert_eq!(
            (read.config.page.width_mm, read.config.page.height_mm),
            (w, h),
            "{name}"
        );
    }
    let read = parse("title = \"t\"\n[page]\nsize = \"A3\"\n");
    assert_eq!(errors(&read)[0].line, Some(3));
    let read = parse("title = \"t\"\n[page]\nsize = \"0x240\"\n");
    assert_eq!(errors(&read)[0].line, Some(3));
    let read = parse("title = \"t\"\n[page]\nsize = \"-5x240\"\n");
    assert_eq!(errors(&read).len(), 1);
}

#[test]
fn margins() {
    let read = parse("title = \"t\"\n[page]\nmargins = 15\n");
    assert_eq!(
        read.config.page.margins,
        Margins {
            top: 15.0,
            bottom: 15.0,
            left: 15.0,
            right: 15.0
        }
    );
    let read = parse("title = \"t\"\n[page]\nmargins = { top = 30, left = 12.5 }\n");
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    assert_eq!(
        read.config.page.margins,
        Margins {
            top: 30.0,
            bottom: 20.0,
            left: 12.5,
            right: 20.0
        }
    );
    let read = parse("title = \"t\"\n[page]\nsize = \"A5\"\nmargins = 45\n");
    let e = errors(&read);
    assert_eq!(e.len(), 1, "{:?}", read.diagnostics);
    assert_eq!(e[0].line, Some(4));
    assert!(e[0].message.contains("text area"), "{}", e[0]);
    let read = parse("title = \"t\"\n[page]\nmargins = -1\n");
    assert_eq!(errors(&read).len(), 1);
    let read = parse("title = \"t\"\n[page]\nmargins = nan\n");
    assert_eq!(errors(&read).len(), 1);
    let read = parse("title = \"t\"\n[page]\nmargins = { top = 10, middle = 3 }\n");
    assert!(errors(&read).is_empty());
    assert!(read.diagnostics[0].message.contains("page.margins.middle"));
}

#[test]
fn unknown_key_warns_with_line() {
    let read = parse("title = \"t\"\n\n[page]\nsize = \"A4\"\npagesize = \"A5\"\n");
    assert_eq!(read.diagnostics.len(), 1);
    let d = &read.diagnostics[0];
    assert!(!d.is_error());
    assert_eq!(d.line, Some(5));
    assert_eq!(d.file.as_deref(), Some("bulletin.toml"));
    assert!(d.message.contains("`page.pagesize`"), "{d}");
    assert!(d.message.contains("known keys"), "{d}");
    let read = parse("title = \"t\"\nlang = \"en\"\n");
    assert_eq!(read.diagnostics[0].line, Some(2));
    assert!(read.diagnostics[0].message.contains("`lang`"));
}

#[test]
fn top_level_key_under_a_table_gets_a_hint() {
    let read = parse("[page]\nsize = \"A4\"\ntitle = \"t\"\n");
    let warn = read.diagnostics.iter().find(|d| !d.is_error()).unwrap();
    assert!(
        warn.help.as_deref().unwrap().contains("top-level"),
        "{warn}"
    );
}

#[test]
fn type_errors_name_the_line() {
    let read = parse("title = \"t\"\nvolume = \"three\"\n");
    let e = errors(&read);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, Some(2));
    assert!(e[0].message.contains("`volume`"), "{}", e[0]);
    let read = parse("title = \"t\"\n\n\n[page]\nmargins = \"wide\"\n");
    assert_eq!(errors(&read)[0].line, Some(5));
}

#[test]
fn syntax_error_names_the_line() {
    let read = parse("title = \"t\"\nsubtitle = \"unterminated\n[page]\n");
    let e = errors(&read);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, Some(2));
    let read = parse("title = \"t\"\n\n\nvolume = = 3\n");
    assert_eq!(errors(&read)[0].line, Some(4));
}

#[test]
fn dates() {
    assert_eq!(
        parse("title = \"t\"\ndate = 2023-09-01\n")
            .config
            .meta
            .date
            .as_deref(),
        Some("2023-09-01")
    );
    let read = parse("title = \"t\"\ndate = \"2023-02-30\"\n");
    assert_eq!(errors(&read)[0].line, Some(2));
    let read = parse("title = \"t\"\ndate = \"1 Sept 2023\"\n");
    assert_eq!(errors(&read).len(), 1);
    let read = parse("title = \"t\"\ndate = 2023-09-01T10:00:00\n");
    assert_eq!(errors(&read).len(), 1);
}

#[test]
fn missing_title_and_bad_language() {
    let read = parse("subtitle = \"s\"\n");
    assert!(errors(&read)[0].message.contains("title"));
    assert_eq!(errors(&parse("title = \" \"\n")).len(), 1);
    assert_eq!(errors(&parse("title = 3\n")).len(), 1);
    let read = parse("title = \"t\"\nlanguage = \"zh_CN\"\n");
    assert!(errors(&read)[0].message.contains("zh-CN"));
}

#[test]
fn order_and_fonts() {
    let read = parse(
        "title = \"t\"\norder = [\n  \"b.md\",\n  \"a.md\",\n]\n[fonts]\ndirs = [\"myfonts\"]\n",
    );
    assert_eq!(
        read.config.order.as_deref(),
        Some(&["b.md".to_owned(), "a.md".to_owned()][..])
    );
    assert_eq!(read.order_lines, [3, 4]);
    assert_eq!(
        read.config.font_dirs,
        [PathBuf::from("/tmp/content/myfonts")]
    );
    // The folder does not exist: a warning on line 7.
    assert_eq!(read.diagnostics.len(), 1);
    assert_eq!(read.diagnostics[0].line, Some(7));
}

#[test]
fn missing_file_derives_title_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("校报 第3期");
    std::fs::create_dir(&root).unwrap();
    let (config, warnings) = load_config(&root).unwrap();
    assert_eq!(config.meta.title, "校报 第3期");
    assert_eq!(warnings.len(), 1);
    assert!(!warnings[0].is_error());
}

#[test]
fn invalid_utf8_config_is_an_error_with_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        b"title = \"ok\"\nsubtitle = \"\xB9\xFA\"\n",
    )
    .unwrap();
    let Err(Error::Input(d)) = load_config(dir.path()) else {
        panic!("expected an input error");
    };
    assert_eq!(d[0].line, Some(2));
    assert_eq!(d[0].file.as_deref(), Some(CONFIG_FILE));
}
