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
    let first = text.split_inclusive('\n').next().unwrap_or("");
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
    let mut offset = first.len();
    for (n, line) in text[offset..].split_inclusive('\n').enumerate() {
        if closers.contains(&line.trim_end()) {
            return Ok(Split {
                front: Some(Block {
                    format,
                    text: text.get(first.len()..offset).unwrap_or(""),
                    first_line: 2,
                }),
                body: text.get(offset + line.len()..).unwrap_or(""),
                body_line_offset: to_line(n + 2),
            });
        }
        offset += line.len();
    }
    let fence = format.fence();
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
    let fields = Fields {
        title: raw.title.text(),
        subtitle: raw.subtitle.text(),
        date: raw.date.0.map(|d| d.0),
        authors: raw.author.texts(),
        lang: raw.lang.0.map(|l| l.0),
        summary: raw.summary.text(),
        tags: raw.tags.texts(),
    };
    if fields.title.is_none() && is_map {
        let (fence, sep) = (block.format.fence(), block.format.sep());
        let help = format!("add a title line between the `{fence}` lines: title{sep}\"…\"");
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
mod tests;
