//! The manifest (`manifest.jsonl`, `manifest.csv`): one record per article, sorted by source
//! path, with nothing in it that depends on the machine, the clock or the thread count, so
//! that the same inputs give the same bytes however the run was split or interrupted.

use serde::{Deserialize, Serialize};

/// One article's line in `manifest.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Record {
    /// The Markdown file, relative to the content folder (`articles/2019/03/x.md`).
    pub source: String,
    /// `ok` or `failed`.
    pub status: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub pages: Option<usize>,
    /// Everything the outputs were made from, each with its sha256.
    pub inputs: Vec<Hashed>,
    /// The files written, relative to the output folder.
    pub outputs: Vec<Written>,
    pub warnings: Vec<String>,
    /// `file:line: message` of what stopped this article.
    pub error: Option<String>,
}

impl Record {
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

/// An input and the sha256 of its bytes (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hashed {
    pub path: String,
    pub sha256: String,
}

/// An output file: path relative to the output folder, sha256 and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// `manifest.jsonl`: one compact JSON object per line, in the order given (sorted by source).
pub(crate) fn jsonl(records: &[&Record]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        // A struct of strings and numbers always serialises.
        if let Ok(line) = serde_json::to_vec(r) {
            out.extend(line);
            out.push(b'\n');
        }
    }
    out
}

const CSV_HEADER: [&str; 15] = [
    "source",
    "status",
    "title",
    "date",
    "author",
    "lang",
    "pages",
    "pdf",
    "pdf_sha256",
    "pdf_bytes",
    "epub",
    "epub_sha256",
    "epub_bytes",
    "warnings",
    "error",
];

/// `manifest.csv`: the same records for spreadsheets (RFC 4180 quoting; warnings one per
/// line inside their cell).
pub(crate) fn csv(records: &[&Record]) -> Vec<u8> {
    let mut out = String::new();
    push_row(&mut out, CSV_HEADER.iter().map(|s| s.to_string()));
    for r in records {
        let output = |ext: &str| r.outputs.iter().find(|o| o.path.ends_with(ext));
        let (pdf, epub) = (output(".pdf"), output(".epub"));
        let file = |w: Option<&Written>| {
            w.map_or([String::new(), String::new(), String::new()], |w| {
                [w.path.clone(), w.sha256.clone(), w.bytes.to_string()]
            })
        };
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let mut row = vec![
            r.source.clone(),
            r.status.clone(),
            opt(&r.title),
            opt(&r.date),
            opt(&r.author),
            opt(&r.lang),
            r.pages.map(|p| p.to_string()).unwrap_or_default(),
        ];
        row.extend(file(pdf));
        row.extend(file(epub));
        row.push(r.warnings.join("\n"));
        row.push(opt(&r.error));
        push_row(&mut out, row.into_iter());
    }
    out.into_bytes()
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let mut out = String::new();
        push_row(
            &mut out,
            ["a,b", "say \"hi\"", "x\ny", "plain"]
                .iter()
                .map(|s| s.to_string()),
        );
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",plain\r\n");
    }
}
