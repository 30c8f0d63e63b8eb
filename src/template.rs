//! Templates: what kind of document the articles become (front matter, where articles
//! start, running heads, page numbering) and its look (the [`Theme`]), as TOML data.
//!
//! Three templates ship inside the binary (`templates/*.toml`, embedded with
//! `include_str!`): `bulletin`, `report` and `article`. A user's own file names a `base`
//! and gives only what differs; every key it gives is checked, and a wrong key or value is
//! an error naming the file and line.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::assets::fonts::{Family, FontStyle};
use crate::content::source::LineIndex;
use crate::diagnostics::Diagnostic;
use crate::theme::{Rgb, TextStyle, Theme};

/// The built-in templates by name, as shipped in `templates/`.
const BUILTIN: [(&str, &str); 3] = [
    ("bulletin", include_str!("../templates/bulletin.toml")),
    ("report", include_str!("../templates/report.toml")),
    ("article", include_str!("../templates/article.toml")),
];

/// The names of the built-in templates.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(name, _)| *name)
}

/// A document kind and its look, ready for layout.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Template {
    /// `bulletin`, `report`, `article`, or the user's file as written in `bulletin.toml`.
    pub name: String,
    pub document: DocumentKind,
    pub theme: Theme,
}

/// What the pages around and between the articles are.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct DocumentKind {
    pub front: Front,
    /// A contents list in the front matter.
    pub contents: bool,
    pub start: Start,
    pub running_head: RunningHead,
    /// Front matter numbered i, ii, iii (PDF page labels); the articles from 1.
    pub roman_front: bool,
    /// Left and right margins swap on even pages, for duplex printing.
    pub mirrored: bool,
    pub title_align: TitleAlign,
    /// Columns of body text (1 or more); article heads span them.
    pub columns: u32,
    /// Space between columns, in millimetres.
    pub column_gap_mm: f32,
    pub notes: Notes,
}

/// Where an article's notes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Notes {
    /// At the foot of the page holding the reference mark.
    Foot,
    /// Together at the end of the article.
    End,
}

/// The first pages of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Front {
    /// The 简报 masthead on the first page, the contents below it.
    Masthead,
    /// A cover page of its own (title, subtitle, publisher, date), then the contents.
    Cover,
    /// A compact head (name, issue, date) above the first article; no page of its own.
    Head,
}

/// Where an article begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Start {
    /// Right after the previous one.
    Continuous,
    /// On a new page.
    NewPage,
    /// On a new right-hand (odd) page; a blank page is left if needed.
    RightPage,
}

/// What the running head carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunningHead {
    /// Bulletin name and issue left, article title right.
    Bulletin,
    /// Book title on even pages, chapter title on odd pages.
    Book,
    /// Page numbers only.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TitleAlign {
    Left,
    Center,
}

impl Template {
    /// A built-in template by name (`bulletin`, `report`, `article`).
    pub fn builtin(name: &str) -> Option<Template> {
        let text = BUILTIN.iter().find(|(n, _)| *n == name)?.1;
        // The shipped files are complete and checked by the tests.
        parse(text, &format!("templates/{name}.toml"), 0)
            .ok()
            .and_then(|spec| spec.finish(name))
    }

    /// The template `bulletin.toml` (or `--template`) asks for: a built-in name or a file
    /// relative to the content folder. `line` is where `template = …` is written in
    /// bulletin.toml, for messages; 0 when it came from the command line.
    pub(crate) fn choose(
        choice: &str,
        content_dir: &Path,
        line: u32,
    ) -> Result<Template, Vec<Diagnostic>> {
        let at = |d: Diagnostic| {
            if line == 0 {
                d
            } else {
                d.in_file(crate::config::CONFIG_FILE).at_line(line)
            }
        };
        if let Some(t) = Template::builtin(choice) {
            return Ok(t);
        }
        let looks_like_file = choice.ends_with(".toml") || choice.contains('/');
        if !looks_like_file {
            return Err(vec![
                at(Diagnostic::error(format!("unknown template `{choice}`"))).with_help(format!(
                    "use one of {}, or the path of a .toml file in the content folder",
                    builtin_names().collect::<Vec<_>>().join(", ")
                )),
            ]);
        }
        let read_error = |why: String| {
            vec![
                at(Diagnostic::error(format!(
                    "cannot read the template `{choice}`: {why}"
                )))
                .with_help("give a path relative to the content folder"),
            ]
        };
        // Like every file folio reads, a template stays inside the content folder (also
        // through symbolic links).
        let path = content_dir.join(choice);
        let inside = match (path.canonicalize(), content_dir.canonicalize()) {
            (Ok(p), Ok(root)) => p.starts_with(root),
            (Err(e), _) | (_, Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(read_error("there is no such file".into()));
            }
            (Err(e), _) | (_, Err(e)) => return Err(read_error(e.kind().to_string())),
        };
        if !inside {
            return Err(read_error("it is outside the content folder".into()));
        }
        // Size-capped like bulletin.toml; a pipe or device is refused, never read.
        let bytes = crate::readfile::read(&path, crate::readfile::Kind::Config, None)
            .map_err(|p| read_error(p.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| read_error("it is not UTF-8".into()))?;
        let spec = parse(&text, choice, 0).map_err(|d| vec![d])?;
        spec.finish(choice).ok_or_else(|| {
            read_error("it does not say everything a template needs (set `base`)".into())
        })
    }
}

/// Parses a template file and everything under its `base`, the file's own keys winning.
fn parse(text: &str, file: &str, depth: usize) -> Result<Spec, Diagnostic> {
    let lines = LineIndex::new(text);
    let located = |message: String, span: Option<std::ops::Range<usize>>| {
        let line = span.map_or(1, |s| lines.line(s.start));
        Diagnostic::error(message)
            .in_file(Arc::<str>::from(file))
            .at_line(line)
            .with_help("see templates/bulletin.toml in folio's repository for every key and value")
    };
    let spec: Spec = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_owned();
        located(format!("in the template: {message}"), e.span())
    })?;
    let Some(base) = &spec.base else {
        return Ok(spec);
    };
    let base_text = BUILTIN
        .iter()
        .find(|(n, _)| n == base)
        .map(|(_, t)| *t)
        .filter(|_| depth < BUILTIN.len())
        .ok_or_else(|| {
            let at = text.find("base").map(|s| s..s + 4);
            located(
                format!(
                    "unknown base template `{base}`: use one of {}",
                    builtin_names().collect::<Vec<_>>().join(", ")
                ),
                at,
            )
        })?;
    let base_spec = parse(base_text, &format!("templates/{base}.toml"), depth + 1)?;
    Ok(spec.over(base_spec))
}

/// Keys a template file may give; every one optional so a file can say only what differs.
trait Merge {
    /// `self`, with what it leaves open taken from `base`.
    fn over(self, base: Self) -> Self;
}

impl<T: Merge> Merge for Option<T> {
    fn over(self, base: Self) -> Self {
        match (self, base) {
            (Some(a), Some(b)) => Some(a.over(b)),
            (a, b) => a.or(b),
        }
    }
}

macro_rules! leaf {
    ($($t:ty),*) => {$(impl Merge for $t { fn over(self, _: Self) -> Self { self } })*};
}
leaf!(
    f32,
    u32,
    bool,
    String,
    Front,
    Start,
    RunningHead,
    TitleAlign,
    Notes,
    FontName,
    Colour
);

/// A struct of optional keys, merged key by key.
macro_rules! partial {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        struct $name { $(#[serde(default)] $field: Option<$ty>,)* }
        impl Merge for $name {
            fn over(self, base: Self) -> Self {
                $name { $($field: self.$field.over(base.$field),)* }
            }
        }
    };
}

partial!(Spec {
    base: String,
    document: DocSpec,
    theme: ThemeSpec,
});

partial!(DocSpec {
    front: Front,
    contents: bool,
    start: Start,
    running_head: RunningHead,
    roman_front: bool,
    mirrored: bool,
    title_align: TitleAlign,
    columns: u32,
    column_gap: f32,
    notes: Notes,
});

partial!(StyleSpec {
    font: FontName,
    bold: bool,
    size: f32,
    leading: f32,
    color: Colour,
});

partial!(ThemeSpec {
    paragraph_gap: f32,
    cjk_indent: f32,
    block_indent: f32,
    heading_above: f32,
    heading_below: f32,
    header_offset: f32,
    footer_offset: f32,
    max_image_height: f32,
    link_color: Colour,
    rule_color: Colour,
    accent: Colour,
    code_background: Colour,
    table_header_background: Colour,
    body: StyleSpec,
    heading_1: StyleSpec,
    heading_2: StyleSpec,
    heading_3: StyleSpec,
    heading_4: StyleSpec,
    article_title: StyleSpec,
    article_subtitle: StyleSpec,
    byline: StyleSpec,
    code: StyleSpec,
    caption: StyleSpec,
    footnote: StyleSpec,
    table: StyleSpec,
    running: StyleSpec,
    masthead_title: StyleSpec,
    masthead_subtitle: StyleSpec,
    masthead_info: StyleSpec,
    toc_heading: StyleSpec,
    toc_entry: StyleSpec,
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum FontName {
    Serif,
    Sans,
    Mono,
}

/// `"#rrggbb"`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Colour(Rgb);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let byte = |h: &str, i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0);
        match hex {
            Some(h) => Ok(Colour(Rgb(byte(h, 0), byte(h, 2), byte(h, 4)))),
            None => Err(serde::de::Error::custom(format!(
                "`{s}` is not a colour: write \"#rrggbb\", e.g. \"#b01e23\""
            ))),
        }
    }
}

impl StyleSpec {
    fn finish(self) -> Option<TextStyle> {
        let family = match self.font? {
            FontName::Serif => Family::Serif,
            FontName::Sans => Family::Sans,
            FontName::Mono => Family::Mono,
        };
        let size = self.size.filter(|s| *s > 0.0 && *s < 1000.0)?;
        Some(TextStyle {
            font: FontStyle {
                family,
                bold: self.bold?,
            },
            size,
            leading: self.leading.filter(|l| *l > 0.0)?,
            color: self.color?.0,
        })
    }
}

impl Spec {
    /// The complete template, or `None` if a key is missing (a file without a `base`).
    fn finish(self, name: &str) -> Option<Template> {
        let d = self.document?;
        let t = self.theme?;
        let theme = Theme {
            body: t.body?.finish()?,
            headings: [
                t.heading_1?.finish()?,
                t.heading_2?.finish()?,
                t.heading_3?.finish()?,
                t.heading_4?.finish()?,
            ],
            article_title: t.article_title?.finish()?,
            article_subtitle: t.article_subtitle?.finish()?,
            byline: t.byline?.finish()?,
            code: t.code?.finish()?,
            caption: t.caption?.finish()?,
            footnote: t.footnote?.finish()?,
            table: t.table?.finish()?,
            running: t.running?.finish()?,
            masthead_title: t.masthead_title?.finish()?,
            masthead_subtitle: t.masthead_subtitle?.finish()?,
            masthead_info: t.masthead_info?.finish()?,
            toc_heading: t.toc_heading?.finish()?,
            toc_entry: t.toc_entry?.finish()?,
            link_color: t.link_color?.0,
            rule_color: t.rule_color?.0,
            accent: t.accent?.0,
            code_background: t.code_background?.0,
            table_header_background: t.table_header_background?.0,
            paragraph_gap: t.paragraph_gap?,
            cjk_indent: t.cjk_indent?,
            block_indent: t.block_indent?,
            heading_above: t.heading_above?,
            heading_below: t.heading_below?,
            header_offset: t.header_offset?,
            footer_offset: t.footer_offset?,
            max_image_height: t.max_image_height?.clamp(0.1, 1.0),
            emphasis: Default::default(),
        };
        Some(Template {
            name: name.to_owned(),
            document: DocumentKind {
                front: d.front?,
                contents: d.contents?,
                start: d.start?,
                running_head: d.running_head?,
                roman_front: d.roman_front?,
                mirrored: d.mirrored?,
                title_align: d.title_align?,
                columns: d.columns?.clamp(1, 6),
                column_gap_mm: d.column_gap?.max(0.0),
                notes: d.notes?,
            },
            theme,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_complete() {
        for name in builtin_names() {
            let t = Template::builtin(name).unwrap_or_else(|| panic!("{name} incomplete"));
            assert_eq!(t.name, name);
        }
        let report = Template::builtin("report").unwrap();
        assert_eq!(report.document.front, Front::Cover);
        assert_eq!(report.document.start, Start::RightPage);
        // Inherited from the bulletin base, overridden where report.toml says so.
        assert_eq!(
            report.theme.body,
            Template::builtin("bulletin").unwrap().theme.body
        );
        assert_eq!(report.theme.article_title.size, 22.0);
        assert_eq!(report.theme.masthead_title.font.family, Family::Sans);
    }

    #[test]
    fn wrong_keys_and_values_name_the_line() {
        let cases = [
            (
                "base = \"bulletin\"\n[document]\nfrnt = \"cover\"\n",
                3,
                "frnt",
            ),
            (
                "base = \"bulletin\"\n\n[theme.body]\nsize = \"big\"\n",
                4,
                "string",
            ),
            (
                "base = \"bulletin\"\n[theme]\naccent = \"red\"\n",
                3,
                "#rrggbb",
            ),
            (
                "base = \"bulletin\"\n[document]\nstart = \"sometimes\"\n",
                3,
                "sometimes",
            ),
            ("base = \"brochure\"\n", 1, "brochure"),
        ];
        for (text, line, needle) in cases {
            let d = parse(text, "mine.toml", 0).expect_err(text);
            assert_eq!(d.file.as_deref(), Some("mine.toml"), "{text}");
            assert_eq!(d.line, Some(line), "{text}: {d:?}");
            assert!(d.message.contains(needle), "{text}: {}", d.message);
        }
    }

    #[test]
    fn a_file_without_base_must_be_complete() {
        let spec = parse("[document]\nfront = \"cover\"\n", "x.toml", 0).unwrap();
        assert!(spec.finish("x").is_none());
    }
}
