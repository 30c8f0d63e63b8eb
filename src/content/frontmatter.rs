//! Article front matter: YAML between `---` lines or TOML between `+++` lines at the very top
//! of the file.
//!
//! Both formats are first reduced to the same list of `(key, line, value)` entries, then
//! checked by one function, so an author gets the same messages whichever they write. Every
//! line reported is the line in the `.md` file, not in the front-matter block, because that
//! is what the author's editor shows.

use std::sync::Arc;

use serde_norway::Value as Yaml;
use toml::de::{DeTable, DeValue};

use super::fields::{self, DATE_HELP};
use super::source::{LineIndex, to_line};
use crate::diagnostics::Diagnostic;
use crate::model::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Yaml,
    Toml,
}

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

const KEYS: &[&str] = &[
    "title", "subtitle", "date", "author", "lang", "summary", "tags",
];

/// Parses and checks a front-matter block. Problems go to `diags`; the returned fields hold
/// whatever could be read (the caller needs the language even when the title is broken).
pub(crate) fn parse(block: &Block<'_>, file: &Arc<str>, diags: &mut Vec<Diagnostic>) -> Fields {
    let entries = match block.format {
        Format::Yaml => yaml_entries(block, file, diags),
        Format::Toml => toml_entries(block, file, diags),
    };
    let Some(entries) = entries else {
        return Fields::default();
    };
    let mut check = Checker {
        file,
        format: block.format,
        diags,
    };
    let mut fields = Fields::default();
    for e in entries {
        match e.key.as_str() {
            "title" => fields.title = check.text(&e),
            "subtitle" => fields.subtitle = check.text(&e),
            "summary" => fields.summary = check.text(&e),
            "date" => fields.date = check.date(&e),
            "author" => fields.authors = check.strings(&e, true),
            "tags" => fields.tags = check.strings(&e, false),
            "lang" => {
                if let Some(tag) = check.text(&e) {
                    match fields::check_lang(&tag) {
                        Ok(()) => fields.lang = Some(Lang(tag)),
                        Err(msg) => check.error(e.line, msg, check.example("lang", "\"zh-CN\"")),
                    }
                }
            }
            key => {
                let (message, help) = fields::unknown_key(key, KEYS, None);
                check.diags.push(
                    Diagnostic::warning(message)
                        .in_file(file.clone())
                        .at_line(e.line)
                        .with_help(help),
                );
            }
        }
    }
    if fields.title.is_none() {
        let help = match block.format {
            Format::Yaml => "add a title line between the `---` lines: title: \"…\"",
            Format::Toml => "add a title line between the `+++` lines: title = \"…\"",
        };
        diags.push(
            Diagnostic::error("the front matter has no `title` (or it is empty)")
                .in_file(file.clone())
                .at_line(1)
                .with_help(help),
        );
    }
    fields
}

/// A front-matter value reduced to what the checks distinguish.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(String),
    /// A TOML local date, already formatted `YYYY-MM-DD`.
    Date(String),
    List(Vec<Val>),
    Null,
    /// Anything else, by the name the author would know it by.
    Other(&'static str),
}

#[derive(Debug)]
struct Entry {
    key: String,
    line: u32,
    value: Val,
}

fn yaml_entries(
    block: &Block<'_>,
    file: &Arc<str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Entry>> {
    if block.text.trim().is_empty() {
        return Some(Vec::new());
    }
    let value: Yaml = match serde_norway::from_str(block.text) {
        Ok(v) => v,
        Err(e) => {
            let rel = e.location().map_or(1, |l| l.line().max(1));
            let mut line = block.first_line.saturating_add(to_line(rel - 1));
            if let Some(dup) = duplicate_key_line(block, &e.to_string()) {
                line = dup;
            }
            diags.push(
                Diagnostic::error(format!(
                    "the front matter is not valid YAML: {}",
                    rewrite_yaml_positions(&e.to_string(), block.first_line, line)
                ))
                .in_file(file.clone())
                .at_line(line)
                .with_help(
                    "write one `key: value` per line; put values containing `: `, `#` or \
                     starting with [ { * & ! | > ' \" % @ in double quotes, e.g. title: \"…\"",
                ),
            );
            return None;
        }
    };
    let map = match value {
        Yaml::Mapping(map) => map,
        Yaml::Null => return Some(Vec::new()),
        _ => {
            diags.push(
                Diagnostic::error("the front matter must be `key: value` lines")
                    .in_file(file.clone())
                    .at_line(block.first_line)
                    .with_help("for example:\n    title: \"…\"\n    date: 2023-09-01"),
            );
            return None;
        }
    };
    let mut entries = Vec::new();
    for (key, value) in map {
        let key = match key {
            Yaml::String(s) => s,
            Yaml::Number(n) => n.to_string(),
            Yaml::Bool(b) => b.to_string(),
            _ => "(complex key)".to_owned(),
        };
        let line = yaml_key_line(block, &key);
        entries.push(Entry {
            key,
            line,
            value: from_yaml(value),
        });
    }
    Some(entries)
}

/// serde_norway does not keep positions on values, so find the key's line by looking for it
/// at the start of a line (top-level keys in block style always are). Falls back to the first
/// front-matter line.
fn yaml_key_line(block: &Block<'_>, key: &str) -> u32 {
    yaml_key_lines(block, key)
        .next()
        .unwrap_or(block.first_line)
}

/// File lines that start with `key:` (bare or quoted).
fn yaml_key_lines<'b>(block: &Block<'b>, key: &str) -> impl Iterator<Item = u32> + 'b {
    let spellings = [format!("\"{key}\""), format!("'{key}'"), key.to_owned()];
    let first_line = block.first_line;
    block
        .text
        .lines()
        .enumerate()
        .filter(move |(_, line)| {
            spellings.iter().any(|k| {
                line.strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
        })
        .map(move |(i, _)| first_line.saturating_add(to_line(i)))
}

/// For "duplicate entry with key \"title\"", the line of the second `title:`: libyaml points
/// at the mapping, the author needs the repeated line.
fn duplicate_key_line(block: &Block<'_>, message: &str) -> Option<u32> {
    let rest = message.strip_prefix("duplicate entry with key \"")?;
    let key = &rest[..rest.find('"')?];
    yaml_key_lines(block, key).nth(1)
}

/// libyaml messages carry positions relative to the front-matter block ("… at line 3 column
/// 5, while parsing a flow sequence at line 2 column 7"), which would contradict the absolute
/// line we report. Drop the position of the problem itself (it is the reported line) and
/// turn the others into absolute file lines: "…, while parsing a flow sequence started on
/// line 3".
fn rewrite_yaml_positions(message: &str, first_line: u32, reported: u32) -> String {
    const MARK: &str = " at line ";
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        let tail = &rest[i + MARK.len()..];
        let digits = tail
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(tail.len());
        let Ok(rel) = tail[..digits].parse::<u32>() else {
            out.push_str(MARK);
            rest = tail;
            continue;
        };
        let mut after = &tail[digits..];
        if let Some(col) = after.strip_prefix(" column ") {
            let n = col.find(|c: char| !c.is_ascii_digit()).unwrap_or(col.len());
            after = &col[n..];
        }
        let line = first_line.saturating_add(rel.saturating_sub(1));
        if line != reported {
            out.push_str(&format!(" started on line {line}"));
        }
        rest = after;
    }
    out.push_str(rest);
    out.trim().to_owned()
}

fn from_yaml(value: Yaml) -> Val {
    match value {
        Yaml::Null => Val::Null,
        Yaml::String(s) => Val::Str(s),
        Yaml::Bool(_) => Val::Other("true/false value"),
        Yaml::Number(_) => Val::Other("number"),
        Yaml::Sequence(items) => Val::List(items.into_iter().map(from_yaml).collect()),
        Yaml::Mapping(_) => Val::Other("mapping"),
        Yaml::Tagged(_) => Val::Other("tagged value"),
    }
}

fn toml_entries(
    block: &Block<'_>,
    file: &Arc<str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Entry>> {
    let lines = LineIndex::new(block.text);
    let abs = |offset: usize| block.first_line.saturating_add(lines.line(offset) - 1);
    let table = match DeTable::parse(block.text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map_or(block.first_line, |s| abs(s.start));
            diags.push(
                Diagnostic::error(format!(
                    "the front matter is not valid TOML: {}",
                    e.message().trim()
                ))
                .in_file(file.clone())
                .at_line(line)
                .with_help(
                    "write one `key = value` per line with strings in quotes, e.g. title = \"…\"",
                ),
            );
            return None;
        }
    };
    let mut items: Vec<_> = table.get_ref().iter().collect();
    items.sort_by_key(|(k, _)| k.span().start);
    Some(
        items
            .into_iter()
            .map(|(k, v)| Entry {
                key: k.get_ref().to_string(),
                line: abs(k.span().start),
                value: from_toml(v.get_ref()),
            })
            .collect(),
    )
}

fn from_toml(value: &DeValue<'_>) -> Val {
    match value {
        DeValue::String(s) => Val::Str(s.to_string()),
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            Val::Date(dt.to_string())
        }
        DeValue::Datetime(_) => Val::Other("date-time"),
        DeValue::Integer(_) | DeValue::Float(_) => Val::Other("number"),
        DeValue::Boolean(_) => Val::Other("boolean"),
        DeValue::Array(items) => Val::List(items.iter().map(|v| from_toml(v.get_ref())).collect()),
        DeValue::Table(_) => Val::Other("table"),
    }
}

fn type_name(v: &Val) -> &'static str {
    match v {
        Val::Str(_) => "string",
        Val::Date(_) => "date",
        Val::List(_) => "list",
        Val::Null => "empty value",
        Val::Other(name) => name,
    }
}

struct Checker<'d> {
    file: &'d Arc<str>,
    format: Format,
    diags: &'d mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, line: u32, message: String, help: String) {
        self.diags.push(
            Diagnostic::error(message)
                .in_file(self.file.clone())
                .at_line(line)
                .with_help(help),
        );
    }

    fn example(&self, key: &str, value: &str) -> String {
        match self.format {
            Format::Yaml => format!("for example: {key}: {value}"),
            Format::Toml => format!("for example: {key} = {value}"),
        }
    }

    fn wrong_type(&mut self, e: &Entry, expected: &str, example: &str) {
        let mut help = self.example(&e.key, example);
        if matches!(e.value, Val::Other("number" | "true/false value"))
            && self.format == Format::Yaml
        {
            help.push_str(" (put the value in double quotes to make it text)");
        }
        self.error(
            e.line,
            format!(
                "`{}` must be {expected}, not {}",
                e.key,
                super::fields::a_or_an(type_name(&e.value))
            ),
            help,
        );
    }

    /// A trimmed, non-empty string; an empty string or an empty YAML value means "absent".
    fn text(&mut self, e: &Entry) -> Option<String> {
        match &e.value {
            Val::Str(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Val::Null => None,
            _ => {
                self.wrong_type(e, "a string", "\"…\"");
                None
            }
        }
    }

    fn date(&mut self, e: &Entry) -> Option<String> {
        let text = match &e.value {
            Val::Str(s) | Val::Date(s) => s.trim().to_owned(),
            Val::Null => return None,
            _ => {
                self.wrong_type(e, "a date", "2023-09-01");
                return None;
            }
        };
        if fields::is_valid_date(&text) {
            Some(text)
        } else {
            self.error(
                e.line,
                format!("`{text}` is not a valid date"),
                DATE_HELP.to_owned(),
            );
            None
        }
    }

    /// A list of strings; with `single_ok`, one string is a list of one (`author: 张三`).
    fn strings(&mut self, e: &Entry, single_ok: bool) -> Vec<String> {
        let example = if single_ok {
            "\"…\"  or  [\"…\", \"…\"]"
        } else {
            "[\"…\", \"…\"]"
        };
        let expected = if single_ok {
            "a string or a list of strings"
        } else {
            "a list of strings"
        };
        match &e.value {
            Val::Str(s) if single_ok => vec![s.trim().to_owned()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect(),
            Val::Null => Vec::new(),
            Val::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Val::Str(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                        Val::Str(_) | Val::Null => {}
                        other => {
                            let shown = Entry {
                                key: e.key.clone(),
                                line: e.line,
                                value: other.clone(),
                            };
                            self.wrong_type(&shown, "a list of strings", example);
                            return Vec::new();
                        }
                    }
                }
                out
            }
            _ => {
                self.wrong_type(e, expected, example);
                Vec::new()
            }
        }
    }
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
        // libyaml notices on line 5; the message points back at line 4 where `[` opened.
        assert_eq!(e[0].line, Some(5), "{}", e[0]);
        assert!(e[0].message.contains("started on line 4"), "{}", e[0]);
        assert!(!e[0].message.contains("column"), "{}", e[0]);
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

    #[test]
    fn yaml_positions_become_absolute() {
        assert_eq!(
            rewrite_yaml_positions(
                "did not find expected ',' or ']' at line 4 column 1, while parsing a flow sequence at line 3 column 7",
                2,
                5
            ),
            "did not find expected ',' or ']', while parsing a flow sequence started on line 4"
        );
        assert_eq!(
            rewrite_yaml_positions("bad at line x", 2, 5),
            "bad at line x"
        );
    }
}
