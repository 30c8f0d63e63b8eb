//! Errors and warnings as types. The library never prints; the CLI renders these for people.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::SourcePos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One finding about the input, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// File relative to the content folder (or as given, for files outside it).
    pub file: Option<Arc<str>>,
    /// 1-based line within `file`.
    pub line: Option<u32>,
    pub message: String,
    /// What the user can do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            message: message.into(),
            help: None,
        }
    }
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }
    /// A warning, or an error under `--strict` (and `--pdfua`, for what PDF/UA forbids).
    pub(crate) fn strict_or_warning(strict: bool, message: impl Into<String>) -> Self {
        if strict {
            Diagnostic::error(message)
        } else {
            Diagnostic::warning(message)
        }
    }
    pub fn in_file(mut self, file: impl Into<Arc<str>>) -> Self {
        self.file = Some(file.into());
        self
    }
    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }
    pub fn at(mut self, pos: &SourcePos) -> Self {
        self.file = Some(pos.file.clone());
        self.line = Some(pos.line);
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{kind}: ")?;
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Findings collected while a stage runs, so that one run reports every problem, not just
/// the first.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
    /// Turns collected errors into an `Error::Input`, keeping warnings alongside them.
    pub fn into_result(self) -> Result<Vec<Diagnostic>, Error> {
        if self.has_errors() {
            Err(Error::Input(self.items))
        } else {
            Ok(self.items)
        }
    }
}

/// Everything that stops a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the user's content; each names its file and line.
    #[error("{}", render_list(.0))]
    Input(Vec<Diagnostic>),
    #[error("cannot read {}: {}", .path.display(), crate::readfile::io_reason(.source))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot write {}: {}\n  help: {}",
        .path.display(),
        crate::readfile::io_reason(.source),
        crate::readfile::write_help(.source)
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("font {}: {message}", .path.display())]
    Font { path: PathBuf, message: String },
    #[error("writing the PDF failed: {0}")]
    Pdf(String),
    #[error("writing the EPUB failed: {0}")]
    Epub(String),
    /// An output destination that cannot be written, found before anything was replaced.
    #[error("{message}\n  help: {help}")]
    Output {
        path: PathBuf,
        message: String,
        help: String,
    },
}

impl Error {
    pub fn input(d: Diagnostic) -> Self {
        Error::Input(vec![d])
    }
}

fn render_list(items: &[Diagnostic]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
