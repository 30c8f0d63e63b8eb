//! The spanned reader on real files: every finding of `bulletin.toml` and of YAML and TOML
//! front matter names its line, for nested keys, lists, multi-line strings and values holding
//! `:` or `#`, and one run reports them all.

use std::path::Path;
use std::sync::Arc;

use super::frontmatter::{Fields, parse, split};
use crate::config::parse_config;
use crate::diagnostics::Diagnostic;

/// (line, is error, message) of every finding, in order.
fn found(diags: &[Diagnostic]) -> Vec<(u32, bool, String)> {
    let all = diags
        .iter()
        .map(|d| (d.line.unwrap_or(0), d.is_error(), d.message.clone()));
    all.collect()
}

fn config(text: &str) -> Vec<(u32, bool, String)> {
    found(&parse_config(text, Path::new("/nowhere"), "t").diagnostics)
}

fn front(text: &str) -> (Fields, Vec<(u32, bool, String)>) {
    let file: Arc<str> = Arc::from("articles/a.md");
    let block = split(text, &file).unwrap().front.unwrap();
    let mut diags = Vec::new();
    let fields = parse(&block, &file, &mut diags);
    (fields, found(&diags))
}

fn lines(f: &[(u32, bool, String)]) -> Vec<(u32, bool)> {
    f.iter().map(|(l, e, _)| (*l, *e)).collect()
}

#[test]
fn bulletin_toml_every_finding_on_its_line_in_one_run() {
    let text = r#"title = "校报: 第 #3 期" # a comment with: colons
subtitle = """
volume = "not a key, a line of the string"
issue = [1]
"""
volume = -1
authors = [
  "陈雨桐",
  42,
]
tilte = "typo"

[page]
size = "A4"
margins = { top = "20", botom = 10 }

[print]
bleed = "three"

[fonts]
dirs = ["fonts"]
"#;
    let f = config(text);
    let expected = [
        (6, true),   // volume = -1
        (9, true),   // 42 in the authors list
        (11, false), // tilte
        (15, true),  // margins.top is a string
        (15, false), // margins.botom
        (18, true),  // bleed
        (21, false), // the fonts folder does not exist
    ];
    assert_eq!(lines(&f), expected, "{f:#?}");
    assert!(
        f[0].2.contains("`volume` must be a whole number from 0"),
        "{}",
        f[0].2
    );
    assert!(
        f[1].2
            .contains("`authors` must be a string, not an integer"),
        "{}",
        f[1].2
    );
    assert!(f[2].2.contains("`tilte`"), "{}", f[2].2);
    assert!(
        f[3].2.contains("`page.margins.top` must be a number"),
        "{}",
        f[3].2
    );
    assert!(f[4].2.contains("`page.margins.botom`"), "{}", f[4].2);
    let read = parse_config(text, Path::new("/nowhere"), "t");
    assert_eq!(read.config.meta.title, "校报: 第 #3 期");
    assert!(read.config.meta.subtitle.unwrap().contains("issue = [1]"));
    assert_eq!(read.config.meta.authors, ["陈雨桐"]);
    // The typo gets its suggestion.
    let d = &read.diagnostics[2];
    assert!(d.help.as_deref().unwrap().contains("`title`"), "{d}");
}

#[test]
fn bulletin_toml_nested_tables_and_headers() {
    let text = "title = \"t\"\n\n[page]\nsize = \"A3\"\n\n[page.margins]\ntop = 10\nmiddle = 3\nleft = true\n";
    let f = config(text);
    assert_eq!(lines(&f), [(4, true), (8, false), (9, true)], "{f:#?}");
    assert!(f[1].2.contains("`page.margins.middle`"), "{}", f[1].2);
    let left = "`page.margins.left` must be a number, not a boolean";
    assert!(f[2].2.contains(left), "{}", f[2].2);
    // Several syntax errors: each on its line, in one run.
    let f = config("title = \"t\"\nvolume = = 3\nissue = \"open\n");
    assert_eq!(lines(&f), [(2, true), (3, true)], "{f:#?}");
}

#[test]
fn yaml_front_matter_every_finding_on_its_line() {
    let text = "---
title: \"Re: 第 #3 期 # not a comment\"
summary: |
  A block string whose lines look like keys:
  date: 2023-02-30
  tgas: [x]
date: 2023-13-01 # a real comment
tags:
  - ok
  - [nested]
  - 7
author:
  name: 张三
lang: zh_CN
subtitle: a: b
---
body
";
    // `a: b` after `subtitle:` is a YAML syntax error on its line: it stops the block.
    let (_, f) = front(text);
    assert_eq!(lines(&f), [(15, true)], "{f:#?}");
    let (fields, f) = front(&text.replace("subtitle: a: b", "subtitle: \"a: b\""));
    assert_eq!(
        fields.title.as_deref(),
        Some("Re: 第 #3 期 # not a comment")
    );
    assert!(fields.summary.unwrap().contains("date: 2023-02-30"));
    assert_eq!(fields.subtitle.as_deref(), Some("a: b"));
    assert_eq!(fields.tags, ["ok"]);
    let expected = [(7, true), (10, true), (11, true), (12, true), (14, true)];
    assert_eq!(lines(&f), expected, "{f:#?}");
    assert!(
        f[0].2.contains("`2023-13-01` is not a valid date"),
        "{}",
        f[0].2
    );
    assert!(
        f[1].2.contains("`tags` must be a string, not a list"),
        "{}",
        f[1].2
    );
    assert!(
        f[2].2.contains("`tags` must be a string, not a number"),
        "{}",
        f[2].2
    );
    let author = "`author` must be a string or a list of strings, not a mapping";
    assert!(f[3].2.contains(author), "{}", f[3].2);
    assert!(f[4].2.contains("zh-CN"), "{}", f[4].2);
}

#[test]
fn yaml_front_matter_that_is_not_a_mapping() {
    let (_, f) = front("---\njust a sentence\n---\n");
    assert_eq!(lines(&f), [(2, true)], "{f:#?}");
    assert!(f[0].2.contains("`key: value` lines"), "{}", f[0].2);
    let (_, f) = front("---\ntitle: a\ntags: &t [x]\nsummary: *t\n---\n");
    assert_eq!(lines(&f), [(4, true)], "{f:#?}");
    assert!(f[0].2.contains("aliases"), "{}", f[0].2);
}

#[test]
fn toml_front_matter_every_finding_on_its_line() {
    let text = "+++
title = \"a # b: c\"
summary = '''
date = 2023-02-30
'''
date = \"2023-02-30\"
tags = [
  \"x\",
  1.5,
]
[extra]
lang = \"en\"
+++
";
    let (fields, f) = front(text);
    assert_eq!(fields.title.as_deref(), Some("a # b: c"));
    assert_eq!(fields.tags, ["x"]);
    assert_eq!(lines(&f), [(6, true), (9, true), (11, false)], "{f:#?}");
    assert!(
        f[1].2.contains("`tags` must be a string, not a float"),
        "{}",
        f[1].2
    );
    assert!(f[2].2.contains("`extra`"), "{}", f[2].2);
}
