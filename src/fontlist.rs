//! `folio fonts`: which fonts a content folder uses, where each comes from, and how much of
//! the content's text each one covers.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::Options;
use crate::assets::fonts::{FontBook, FontSources};
use crate::diagnostics::Error;

/// Where a face was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontSource {
    /// `--font-dir` or `[fonts] dirs`.
    User,
    /// folio's own `fonts/`.
    Bundled,
    /// An installed system font, taken for characters the others lack.
    System,
}

impl FontSource {
    pub fn name(self) -> &'static str {
        match self {
            FontSource::User => "user",
            FontSource::Bundled => "bundled",
            FontSource::System => "system",
        }
    }
}

/// One face and its share of the content's characters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FontUse {
    pub name: String,
    pub path: PathBuf,
    pub source: FontSource,
    /// Distinct characters of the content this face has a glyph for.
    pub covers: usize,
}

#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FontsReport {
    pub fonts: Vec<FontUse>,
    /// Distinct characters the content uses (spaces and controls excluded).
    pub used: usize,
    /// Characters no font has.
    pub missing: Vec<char>,
}

/// Reads the content and the fonts as `build` would and reports coverage.
pub fn fonts_report(opts: &Options) -> Result<FontsReport, Error> {
    let loaded = crate::content::load(&opts.content_dir)?;
    let mut user_dirs = opts.font_dirs.clone();
    user_dirs.extend(loaded.config.font_dirs.iter().cloned());
    let mut book = FontBook::load(&FontSources {
        bundled_dir: opts.bundled_fonts.clone(),
        user_dirs: user_dirs.clone(),
        system_fallback: opts.system_fonts,
        picks: Default::default(),
    })?;
    let chars: BTreeSet<char> = loaded
        .document
        .used_chars()
        .into_iter()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let missing = book.cover(&chars);
    let fonts = book
        .faces()
        .map(|(_, face)| {
            let source = if face.path.starts_with(&opts.bundled_fonts) {
                FontSource::Bundled
            } else if user_dirs.iter().any(|d| face.path.starts_with(d)) {
                FontSource::User
            } else {
                FontSource::System
            };
            FontUse {
                name: face.name.clone(),
                path: face.path.clone(),
                source,
                covers: chars.iter().filter(|&&c| face.has_char(c)).count(),
            }
        })
        .collect();
    Ok(FontsReport {
        fonts,
        used: chars.len(),
        missing,
    })
}
