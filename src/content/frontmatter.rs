//! Article front matter: YAML between `---` lines or TOML between `+++` lines at the very top
//! of the file.
//!
//! Both formats are read by the one spanned reader (`spanned`) into the same serde struct, so
//! an author gets the same messages whichever they write. Every
//! line reported is the line in the `.md` file, not in the front-matter block, because that
//! is what the author's editor shows.

use std::sync::Arc;

use serde::Deserialize;

use super::fields::{IsoDate, LangTag};
use super::source::to_line;
use super::spanned::{self, List, Opt, Reader, Val};
use crate::diagnostics::Diagnostic;
use crate::model::Lang;

pub(crate) use super::spanned::Format;

/// The raw front-matter block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block<'a> {
    pub format: Format,
    /// The text between the fences.
    pub text: &'a str,
    /// File line of the first line of `text` (the line after the opening fence).
    pub first_line: u32,
}

/// A file cut into front matter and Markdown body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split<'a> {
    pub front: Option<Block<'a>>,
    pub body: &'a str,
    /// Number of file lines before `body`; body line N is file line `N + body_line_offset`.
    pub body_line_offset: u32,
}

/// Cuts the front matter off `text` (already decoded, `\n` line endings).
///
/// An opening fence without a closing one is an error: guessing where the metadata ends
/// would silently turn the article into YAML or the YAML into text.
pub(crate) fn split<'a>(text: &'a str, file: &Arc<str>) -> Result<Split<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let (format, closers): (Format, &[&str]) = match first.trim_end() {
        "---" => (Format::Yaml, &["---", "..."]),
        "+++" => (Format::Toml, &["+++"]),
        _ => {
            return Ok(Split {
                front: None,
                body: text,
                body_line_offset: 0,
            });
        }
    };
    let start = first.len();
    let mut offset = start;
    let mut line_no = 1usize;
    for line in lines {
        line_no += 1;
        if closers.contains(&line.trim_end()) {
            let body_start = offset + line.len();
            return Ok(Split {
                front: Some(Block {
                    format,
                    text: text.get(start..offset).unwrap_or(""),
                    first_line: 2,
                }),
                body: text.get(body_start..).unwrap_or(""),
                body_line_offset: to_line(line_no),
            });
        }
        offset += line.len();
    }
    let fence = if format == Format::Yaml { "---" } else { "+++" };
    Err(Diagnostic::error(format!(
        "the front matter opened with `{fence}` on line 1 is never closed"
    ))
    .in_file(file.clone())
    .at_line(1)
    .with_help(format!(
        "end the front matter with a line containing only `{fence}`"
    )))
}

/// What the front matter says, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fields {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub date: Option<String>,
    /// One or more authors; joined later in the article's language.
    pub authors: Vec<String>,
    pub lang: Option<Lang>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
}

/// The keys as written; one serde struct, read the same way from YAML and TOML.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Raw {
    title: Opt<String>,
    subtitle: Opt<String>,
    date: Opt<IsoDate>,
    author: Opt<List<String>>,
    lang: Opt<LangTag>,
    summary: Opt<String>,
    tags: Opt<List<String>>,
}

/// Parses and checks a front-matter block. Problems go to `diags`; the returned fields hold
/// whatever could be read (the caller needs the language even when the title is broken).
pub(crate) fn parse(block: &Block<'_>, file: &Arc<str>, diags: &mut Vec<Diagnostic>) -> Fields {
    let (name, help) = match block.format {
        Format::Yaml => (
            "YAML",
            "write one `key: value` per line; put values containing `: `, `#` or starting with [ { * & ! | > ' \" % @ in double quotes, e.g. title: \"…\"",
        ),
        Format::Toml => (
            "TOML",
            "write one `key = value` per line with strings in quotes, e.g. title = \"…\"",
        ),
    };
    let mut syntax = Vec::new();
    let root = match block.format {
        Format::Yaml => spanned::parse_yaml(block.text, block.first_line, &mut syntax)
            .map_err(|e| syntax.push(e)),
        Format::Toml => {
            spanned::parse_toml(block.text, block.first_line).map_err(|e| syntax.extend(e))
        }
    };
    diags.extend(syntax.into_iter().map(|(line, message)| {
        let d = Diagnostic::error(format!("the front matter is not valid {name}: {message}"));
        d.in_file(file.clone()).at_line(line).with_help(help)
    }));
    let Ok(root) = root else {
        return Fields::default();
    };
    let reader = Reader::new(block.format, file.clone());
    let is_map = matches!(root.val, Val::Map(_) | Val::Null);
    let raw: Raw = match is_map {
        true => reader.read(&root).unwrap_or_default(),
        false => {
            let help = "for example:\n    title: \"…\"\n    date: 2023-09-01";
            let message = "the front matter must be `key: value` lines";
            reader.error(root.line, message, help);
            Raw::default()
        }
    };
    let text = |t: Opt<String>| t.0.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let list = |l: Opt<List<String>>| {
        let items = l.0.map_or_else(Vec::new, |l| l.0);
        items
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let fields = Fields {
        title: text(raw.title),
        subtitle: text(raw.subtitle),
        date: raw.date.0.map(|d| d.0),
        authors: list(raw.author),
        lang: raw.lang.0.map(|l| l.0),
        summary: text(raw.summary),
        tags: list(raw.tags),
    };
    if fields.title.is_none() && is_map {
        let help = match block.format {
            Format::Yaml => "add a title line between the `---` lines: title: \"…\"",
            Format::Toml => "add a title line between the `+++` lines: title = \"…\"",
        };
        let line = root.get("title").map_or(1, |n| n.line);
        reader.error(
            line,
            "the front matter has no `title` (or it is empty)",
            help,
        );
    }
    diags.extend(reader.finish());
    fields
}

#[cfg(test)]
mod tests {
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
}
