//! Front matter: splitting, both formats, and the line of every finding.

use super::*;

fn file() -> Arc<str> {
    Arc::from("articles/a.md")
}

fn run(text: &str) -> (Option<Fields>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let split = match split(text, &file()) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let fields = split.front.map(|b| parse(&b, &file(), &mut diags));
    (fields, diags)
}

#[test]
fn yaml_front_matter() {
    let text = "---\ntitle: \"开学典礼\"\ndate: 2023-08-30\nauthor: [陈雨桐, 周敏]\nlang: zh-CN\ntags: [a, b]\nsummary: 摘要\n---\n\n正文\n";
    let (fields, diags) = run(text);
    assert!(diags.is_empty(), "{diags:?}");
    let f = fields.unwrap();
    assert_eq!(f.title.as_deref(), Some("开学典礼"));
    assert_eq!(f.date.as_deref(), Some("2023-08-30"));
    assert_eq!(f.authors, ["陈雨桐", "周敏"]);
    assert_eq!(f.lang, Some(Lang("zh-CN".into())));
    assert_eq!(f.tags, ["a", "b"]);
    assert_eq!(f.summary.as_deref(), Some("摘要"));
    let s = split(text, &file()).unwrap();
    assert_eq!(s.body, "\n正文\n");
    assert_eq!(s.body_line_offset, 8);
}

#[test]
fn toml_front_matter() {
    let text = "+++\ntitle = \"Library\"\ndate = 2023-08-28\nauthor = \"Zhou Min\"\ntags = [\"x\"]\n+++\nBody\n";
    let (fields, diags) = run(text);
    assert!(diags.is_empty(), "{diags:?}");
    let f = fields.unwrap();
    assert_eq!(f.title.as_deref(), Some("Library"));
    assert_eq!(f.date.as_deref(), Some("2023-08-28"));
    assert_eq!(f.authors, ["Zhou Min"]);
    assert_eq!(split(text, &file()).unwrap().body_line_offset, 6);
}

#[test]
fn broken_yaml_reports_the_absolute_line() {
    // Line 4 of the file has an unclosed flow sequence.
    let text = "---\ntitle: ok\ndate: 2023-08-30\ntags: [a, b\nsummary: x\n---\nbody\n";
    let (_, diags) = run(text);
    let e: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(e.len(), 1, "{diags:?}");
    // The parser notices on line 5; the message points back at line 4 where `[` opened.
    assert_eq!(e[0].line, Some(5), "{}", e[0]);
    assert!(e[0].message.contains("`[` opened on line 4"), "{}", e[0]);
    // A bad indentation error on line 3.
    let text = "---\ntitle: ok\n  bad: : x\n---\n";
    let (_, diags) = run(text);
    assert_eq!(diags[0].line, Some(3), "{}", diags[0]);
    assert!(diags[0].help.is_some());
}

#[test]
fn duplicate_yaml_key_names_the_repeated_line() {
    let (_, diags) = run("---\ntitle: a\ndate: 2023-09-01\ntitle: b\n---\n");
    assert_eq!(diags[0].line, Some(4), "{}", diags[0]);
}

#[test]
fn broken_toml_reports_the_absolute_line() {
    let text = "+++\ntitle = \"ok\"\n\ndate = = 1\n+++\n";
    let (_, diags) = run(text);
    assert_eq!(diags[0].line, Some(4), "{}", diags[0]);
}

#[test]
fn missing_title_is_an_error() {
    let (_, diags) = run("---\ndate: 2023-08-30\n---\nbody\n");
    assert_eq!(diags.len(), 1);
    assert!(diags[0].is_error());
    assert!(diags[0].message.contains("title"));
    let (_, diags) = run("---\ntitle: \"  \"\n---\n");
    assert!(diags[0].message.contains("title"));
    let (_, diags) = run("---\n---\n");
    assert!(diags[0].message.contains("title"));
}

#[test]
fn unterminated_front_matter() {
    let (_, diags) = run("---\ntitle: x\n\nbody\n");
    assert_eq!(diags[0].line, Some(1));
    assert!(diags[0].message.contains("never closed"));
}

#[test]
fn types_and_unknown_keys() {
    let text = "---\ntitle: 2023\ndate: 2023-02-30\ntgas: [x]\nauthor: {a: 1}\n---\n";
    let (_, diags) = run(text);
    let lines: Vec<_> = diags.iter().map(|d| (d.line, d.is_error())).collect();
    assert!(lines.contains(&(Some(2), true)), "{diags:?}");
    assert!(lines.contains(&(Some(3), true)), "{diags:?}");
    assert!(lines.contains(&(Some(4), false)), "{diags:?}");
    assert!(lines.contains(&(Some(5), true)), "{diags:?}");
    let unknown = diags.iter().find(|d| !d.is_error()).unwrap();
    assert!(unknown.message.contains("`tgas`"));
    assert!(unknown.help.as_deref().unwrap().contains("`tags`"));
    let quoted = diags.iter().find(|d| d.line == Some(2)).unwrap();
    assert!(quoted.help.as_deref().unwrap().contains("quotes"));
}

#[test]
fn no_front_matter() {
    let s = split("# Title\n\nbody\n", &file()).unwrap();
    assert!(s.front.is_none());
    assert_eq!(s.body_line_offset, 0);
}
