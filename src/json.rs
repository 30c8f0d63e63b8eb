//! `--json`: every diagnostic and a final report as one JSON object per line, for editors,
//! CI and scripts. The field names are part of folio's interface.

use serde::Serialize;

use crate::Report;
use crate::diagnostics::{Diagnostic, Severity};

#[derive(Serialize)]
struct DiagnosticLine<'a> {
    r#type: &'static str,
    severity: &'static str,
    file: Option<&'a str>,
    line: Option<u32>,
    message: &'a str,
    help: Option<&'a str>,
}

/// `{"type":"diagnostic","severity":"warning","file":"articles/a.md","line":3,…}`
pub fn diagnostic_line(d: &Diagnostic) -> String {
    let line = DiagnosticLine {
        r#type: "diagnostic",
        severity: match d.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        },
        file: d.file.as_deref(),
        line: d.line,
        message: &d.message,
        help: d.help.as_deref(),
    };
    serde_json::to_string(&line).unwrap_or_default()
}

#[derive(Serialize)]
struct ReportLine<'a> {
    r#type: &'static str,
    ok: bool,
    written: Vec<String>,
    articles: usize,
    pages: usize,
    warnings: usize,
    errors: usize,
    elapsed_ms: u128,
    /// Set when the run failed for a reason that is not a diagnostic (a font, a write).
    failure: Option<&'a str>,
}

/// The last line of a run: `{"type":"report","ok":true,…}`.
pub fn report_line(
    report: Option<&Report>,
    errors: usize,
    failure: Option<&str>,
    elapsed: std::time::Duration,
) -> String {
    let line = ReportLine {
        r#type: "report",
        ok: report.is_some(),
        written: report
            .map(|r| r.written.iter().map(|p| p.display().to_string()).collect())
            .unwrap_or_default(),
        articles: report.map_or(0, |r| r.articles),
        pages: report.map_or(0, |r| r.pages),
        warnings: report.map_or(0, |r| r.warnings.len()),
        errors,
        elapsed_ms: elapsed.as_millis(),
        failure,
    };
    serde_json::to_string(&line).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_json() {
        let d = Diagnostic::warning("a \"quoted\" word")
            .in_file("articles/a.md")
            .at_line(3);
        let v: serde_json::Value = serde_json::from_str(&diagnostic_line(&d)).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["line"], 3);
        assert_eq!(v["message"], "a \"quoted\" word");
        let r: serde_json::Value = serde_json::from_str(&report_line(
            None,
            2,
            None,
            std::time::Duration::from_millis(5),
        ))
        .unwrap();
        assert_eq!(
            (r["ok"].as_bool(), r["errors"].as_u64()),
            (Some(false), Some(2))
        );
    }
}
