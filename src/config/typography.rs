//! `[typography]` in `bulletin.toml`: the body's rhythm (size, leading, indent), the style of
//! Chinese emphasis, and the fonts that serve body, headings, emphasis and code.
//!
//! Every key is optional; a bulletin without the table looks exactly as its template says.
//! Read by the spanned reader like the rest of the file, so a wrong value names its line.

use serde::Deserialize;

use crate::content::spanned::{Lined, Opt};
use crate::theme::EmphasisStyle;

/// What `[typography]` says; `None` keeps the template's value.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Typography {
    /// Body size in points.
    pub body_size: Option<f32>,
    /// Body line pitch as a multiple of the body size.
    pub leading: Option<f32>,
    /// First-line indent of Chinese paragraphs, in ems.
    pub indent: Option<f32>,
    pub emphasis: EmphasisStyle,
    /// The line of `emphasis`, for the error when Kai is asked for and no Kai font exists.
    pub emphasis_line: Option<u32>,
    /// Family or file names from the font folders, with their lines.
    pub body_font: Option<(String, u32)>,
    pub heading_font: Option<(String, u32)>,
    pub emphasis_font: Option<(String, u32)>,
    pub code_font: Option<(String, u32)>,
}

/// The table as written.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RawTypography {
    body_size: Opt<BodySize>,
    leading: Opt<Leading>,
    indent: Opt<Indent>,
    emphasis: Opt<Lined<Emphasis>>,
    body_font: Opt<Lined<String>>,
    heading_font: Opt<Lined<String>>,
    emphasis_font: Opt<Lined<String>>,
    code_font: Opt<Lined<String>>,
}

impl RawTypography {
    pub(super) fn finish(self) -> Typography {
        let emphasis = self.emphasis.0.map(|e| (e.value.0, e.line));
        Typography {
            body_size: self.body_size.0.map(|n| n.0),
            leading: self.leading.0.map(|n| n.0),
            indent: self.indent.0.map(|n| n.0),
            emphasis: emphasis.map_or_else(Default::default, |e| e.0),
            emphasis_line: emphasis.map(|e| e.1),
            body_font: self.body_font.text(),
            heading_font: self.heading_font.text(),
            emphasis_font: self.emphasis_font.text(),
            code_font: self.code_font.text(),
        }
    }
}

/// A number within bounds: the body size, leading and indent.
macro_rules! bounded {
    ($name:ident, $lo:expr, $hi:expr, $unit:expr) => {
        #[derive(Debug, Clone, Copy, Deserialize)]
        #[serde(try_from = "f64")]
        struct $name(f32);

        impl TryFrom<f64> for $name {
            type Error = String;
            fn try_from(n: f64) -> Result<Self, String> {
                if n.is_finite() && ($lo..=$hi).contains(&n) {
                    Ok($name(n as f32))
                } else {
                    Err(format!(
                        "must be a number of {} from {} to {}",
                        $unit, $lo, $hi
                    ))
                }
            }
        }
    };
}

bounded!(BodySize, 6.0, 24.0, "points");
bounded!(Leading, 1.0, 3.0, "body sizes");
bounded!(Indent, 0.0, 4.0, "ems");

/// `dots`, `kai` or `bold`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
struct Emphasis(EmphasisStyle);

impl TryFrom<String> for Emphasis {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        EmphasisStyle::from_name(s.trim()).map(Emphasis).ok_or_else(|| {
            format!(
                "unknown emphasis style `{}`: choose \"dots\" (着重号, the default), \"kai\" or \"bold\"",
                s.trim()
            )
        })
    }
}

impl Typography {
    /// The fonts named for roles, as the font book takes them.
    pub fn picks(&self) -> crate::assets::fonts::FacePicks {
        crate::assets::fonts::FacePicks {
            body: self.body_font.clone(),
            heading: self.heading_font.clone(),
            code: self.code_font.clone(),
            emphasis: self.emphasis_font.clone(),
            kai_needed: (self.emphasis == EmphasisStyle::Kai)
                .then(|| self.emphasis_line.unwrap_or(1)),
        }
    }

    /// Applies the rhythm keys to a template's theme.
    pub fn apply(&self, theme: &mut crate::theme::Theme) {
        if let Some(size) = self.body_size {
            theme.body.size = size;
        }
        if let Some(leading) = self.leading {
            theme.body.leading = leading;
        }
        if let Some(indent) = self.indent {
            theme.cjk_indent = indent;
        }
        theme.emphasis = self.emphasis;
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::theme::EmphasisStyle;

    fn read(text: &str) -> ConfigRead {
        parse_config(text, Path::new("/tmp/content"), "content")
    }

    #[test]
    fn typography_keys_are_read_and_wrong_ones_name_their_line() {
        let ok = read(
            "title = \"t\"\n[typography]\nbody_size = 12\nleading = 1.8\nindent = 0\nemphasis = \"kai\"\nbody_font = \"FangSong\"\n",
        );
        assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
        let t = &ok.config.typography;
        assert_eq!(t.body_size, Some(12.0));
        assert_eq!(t.leading, Some(1.8));
        assert_eq!(t.indent, Some(0.0));
        assert_eq!(t.emphasis, EmphasisStyle::Kai);
        assert_eq!(t.emphasis_line, Some(6));
        assert_eq!(t.body_font, Some(("FangSong".to_owned(), 7)));

        let bad =
            read("title = \"t\"\n[typography]\nbody_size = 100\nemphasis = \"wavy\"\nsize = 3\n");
        let lines: Vec<(Option<u32>, bool)> = bad
            .diagnostics
            .iter()
            .map(|d| (d.line, d.is_error()))
            .collect();
        assert_eq!(
            lines,
            [(Some(3), true), (Some(4), true), (Some(5), false)],
            "{:?}",
            bad.diagnostics
        );
        assert_eq!(bad.config.typography, Typography::default());
    }
}
