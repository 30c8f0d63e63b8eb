//! `[typography]` in `bulletin.toml`: the body's rhythm (size, leading, indent), the style of
//! Chinese emphasis, and the fonts that serve body, headings, emphasis and code.
//!
//! Every key is optional; a bulletin without the table looks exactly as its template says.
//! Read on its own from the spanned tree, so it does not depend on how the rest of the file
//! is walked.

use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

use crate::content::source::LineIndex;
use crate::diagnostics::Diagnostic;
use crate::theme::EmphasisStyle;

use super::CONFIG_FILE;

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

pub(crate) const KEYS: &[&str] = &[
    "body_size",
    "leading",
    "indent",
    "emphasis",
    "body_font",
    "heading_font",
    "emphasis_font",
    "code_font",
];

/// Reads the `[typography]` table, pushing a located finding for each wrong value.
pub(crate) fn read(
    value: &Spanned<DeValue<'_>>,
    lines: &LineIndex,
    diags: &mut Vec<Diagnostic>,
) -> Typography {
    let mut t = Typography::default();
    let at = |span: Range<usize>| lines.line(span.start);
    let err = |span: Range<usize>, message: String, help: &str| {
        Diagnostic::error(message)
            .in_file(CONFIG_FILE)
            .at_line(at(span))
            .with_help(help)
    };
    let DeValue::Table(table) = value.get_ref() else {
        diags.push(err(
            value.span(),
            "`typography` must be a table".into(),
            "[typography]\nbody_size = 10.5",
        ));
        return t;
    };
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, v) in entries {
        let name = key.get_ref().as_ref();
        let number = |lo: f64, hi: f64, unit: &str, example: &str| -> Result<f32, Diagnostic> {
            let n = match v.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .map(|n| n as f64),
                DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
                _ => None,
            };
            n.filter(|n| (lo..=hi).contains(n))
                .map(|n| n as f32)
                .ok_or_else(|| {
                    err(
                        v.span(),
                        format!("`{name}` must be a number of {unit} from {lo} to {hi}"),
                        &format!("for example: {name} = {example}"),
                    )
                })
        };
        let text = || -> Result<(String, u32), Diagnostic> {
            match v.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => {
                    Ok((s.trim().to_owned(), at(v.span())))
                }
                _ => Err(err(
                    v.span(),
                    format!("`{name}` must be a font's family or file name"),
                    &format!(
                        "for example: {name} = \"FangSong\" (a font in a folder given with \
                         --font-dir or [fonts] dirs)"
                    ),
                )),
            }
        };
        let result = match name {
            "body_size" => number(6.0, 24.0, "points", "10.5").map(|n| t.body_size = Some(n)),
            "leading" => number(1.0, 3.0, "body sizes", "1.75").map(|n| t.leading = Some(n)),
            "indent" => number(0.0, 4.0, "ems", "2").map(|n| t.indent = Some(n)),
            "emphasis" => match v.get_ref() {
                DeValue::String(s) => match EmphasisStyle::from_name(s.trim()) {
                    Some(e) => {
                        t.emphasis = e;
                        t.emphasis_line = Some(at(v.span()));
                        Ok(())
                    }
                    None => Err(err(
                        v.span(),
                        format!("unknown emphasis style `{}`", s.trim()),
                        "choose emphasis = \"dots\" (着重号, the default), \"kai\" or \"bold\"",
                    )),
                },
                _ => Err(err(
                    v.span(),
                    "`emphasis` must be a string".into(),
                    "choose emphasis = \"dots\" (着重号, the default), \"kai\" or \"bold\"",
                )),
            },
            "body_font" => text().map(|f| t.body_font = Some(f)),
            "heading_font" => text().map(|f| t.heading_font = Some(f)),
            "emphasis_font" => text().map(|f| t.emphasis_font = Some(f)),
            "code_font" => text().map(|f| t.code_font = Some(f)),
            other => {
                let (message, help) =
                    crate::content::fields::unknown_key(other, KEYS, Some("typography"));
                diags.push(
                    Diagnostic::warning(message)
                        .in_file(CONFIG_FILE)
                        .at_line(at(key.span()))
                        .with_help(help),
                );
                Ok(())
            }
        };
        if let Err(d) = result {
            diags.push(d);
        }
    }
    t
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
