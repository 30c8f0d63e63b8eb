//! `bulletin.toml`: the bulletin's metadata, page size and margins, article order and font
//! folders.
//!
//! The file is read by the spanned reader (`content::spanned`) into serde structs, so that
//! every finding (unknown key, wrong type, impossible margins) names the line it is on.
//! Unknown keys only warn: an old or misspelt key must not stop a build, but it must not be
//! silently ignored either.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};

use crate::content::fields::{IsoDate, LangTag};
use crate::content::paths::normalize_lexically;
use crate::content::source;
use crate::content::spanned::{self, Format, Lined, List, Node, Opt, Reader, Val, Whole};
use crate::diagnostics::{Diagnostic, Diagnostics, Error};
use crate::model::{Lang, Meta};

mod typography;
pub use typography::Typography;

/// The configuration file's name inside the content folder.
pub const CONFIG_FILE: &str = "bulletin.toml";

/// Everything `bulletin.toml` says.
#[derive(Debug, Clone)]
pub struct Config {
    pub meta: Meta,
    pub page: PageSetup,
    /// Article order: file names relative to `articles/`. `None` means file-name order.
    pub order: Option<Vec<String>>,
    /// Extra font folders, absolute (given relative to the content folder).
    pub font_dirs: Vec<PathBuf>,
    /// `template = "report"` or a `.toml` file in the content folder, with its line.
    /// `None`: the bulletin template.
    pub template: Option<(String, u32)>,
    /// `columns = 2`: columns of body text, overriding the template's.
    pub columns: Option<u32>,
    /// `[print] bleed = 3`: millimetres of bleed around each page, with crop marks.
    pub bleed_mm: Option<f32>,
    /// `max_dpi`: pictures printed finer than this are downsampled in the PDF.
    pub max_dpi: Option<u32>,
    /// `cover = "images/cover.jpg"`: the cover picture of a book, with its line.
    pub cover: Option<(String, u32)>,
    /// `[typography]`: body rhythm, emphasis style, fonts for roles.
    pub typography: Typography,
}

/// Paper size and margins, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSetup {
    pub width_mm: f32,
    pub height_mm: f32,
    pub margins: Margins,
}

/// Page margins in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl Default for PageSetup {
    /// A4 with 22 mm above and below and 20 mm at the sides.
    fn default() -> Self {
        PageSetup {
            width_mm: 210.0,
            height_mm: 297.0,
            margins: Margins {
                top: 22.0,
                bottom: 22.0,
                left: 20.0,
                right: 20.0,
            },
        }
    }
}

/// A margin side not given in a `margins = { … }` table.
const DEFAULT_SIDE_MM: f32 = 20.0;
/// The smallest text area we agree to lay out: narrower columns cannot hold a CJK line of
/// sensible length, and the layout would only produce garbage.
const MIN_TEXT_AREA_MM: f32 = 60.0;
/// PDF pages may not exceed 14 400 pt (≈ 5080 mm) on a side.
const MAX_PAGE_MM: f32 = 5000.0;

/// Below this a `max_dpi` would blur every picture: surely a mistake.
pub const MIN_MAX_DPI: u32 = 72;

/// Reads `root/bulletin.toml`.
///
/// A missing file is not an error: the folder name becomes the title and a warning says so.
/// Returns the warnings on success and `Error::Input` with every finding if any is an error.
pub fn load_config(root: &Path) -> Result<(Config, Vec<Diagnostic>), Error> {
    let read = read_config(root)?;
    let mut all = Diagnostics::new();
    all.extend(read.diagnostics);
    Ok((read.config, all.into_result()?))
}

/// A best-effort reading of `bulletin.toml`: always a usable `Config` (defaults where the file
/// is wrong) plus the findings, so that the content loader can go on checking the articles
/// and report everything in one run.
#[derive(Debug)]
pub(crate) struct ConfigRead {
    pub config: Config,
    /// The line of each `order` entry, parallel to `config.order`.
    pub order_lines: Vec<u32>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the file; only an I/O failure other than "not found" is an `Err`.
pub(crate) fn read_config(root: &Path) -> Result<ConfigRead, Error> {
    let path = root.join(CONFIG_FILE);
    let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let title = folder_title(&root_abs);
    let finding = match read_config_bytes(&path, &root_abs) {
        Ok(bytes) => match source::decode(bytes, CONFIG_FILE) {
            Ok(text) => return Ok(parse_config(&text, &root_abs, &title)),
            Err(d) => d,
        },
        Err(ConfigBytes::Refused(d)) => d,
        Err(ConfigBytes::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Diagnostic::warning(
            format!("no {CONFIG_FILE}; using the folder name “{title}” as the title"),
        )
        .in_file(CONFIG_FILE)
        .with_help(format!(
            "create {CONFIG_FILE} with at least:\n    title = \"…\"\n    language = \"zh-CN\""
        )),
        Err(ConfigBytes::Io(source)) => return Err(Error::Read { path, source }),
    };
    Ok(Raw::default().finish(&title, &root_abs, vec![finding]))
}

enum ConfigBytes {
    /// The file is there but must not be read; the finding says why.
    Refused(Diagnostic),
    Io(std::io::Error),
}

/// The bytes of `bulletin.toml`, if it is a regular file inside the content folder (a link
/// leading out of the folder is refused like an article or picture link) of sane size.
fn read_config_bytes(path: &Path, root_abs: &Path) -> Result<Vec<u8>, ConfigBytes> {
    use crate::readfile::{self, Kind, Problem};
    let refused = |message: String, help: &str| {
        ConfigBytes::Refused(
            Diagnostic::error(message)
                .in_file(CONFIG_FILE)
                .with_help(help),
        )
    };
    match (path.canonicalize(), root_abs.canonicalize()) {
        (Ok(file), Ok(root)) if !file.starts_with(&root) => {
            return Err(refused(
                format!(
                    "{CONFIG_FILE} is a link to a file outside the content folder ({})",
                    file.display()
                ),
                "copy the file into the content folder instead of linking to it",
            ));
        }
        (Err(e), _) => return Err(ConfigBytes::Io(e)),
        _ => {}
    }
    readfile::read(path, Kind::Config, None).map_err(|p| match p {
        Problem::Io(e) => ConfigBytes::Io(e),
        other => refused(format!("cannot be read: {other}"), other.help()),
    })
}

/// The title used when there is no `bulletin.toml`: the content folder's name.
fn folder_title(root_abs: &Path) -> String {
    let canonical = root_abs
        .canonicalize()
        .unwrap_or_else(|_| root_abs.to_path_buf());
    canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "Bulletin".to_owned())
}

/// `bulletin.toml` as written: one serde struct per table, every key optional (`Opt`: a
/// wrong value is reported with its line and read as absent). A new key is a field here and
/// a line in `Raw::finish`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Raw {
    title: Opt<String>,
    subtitle: Opt<String>,
    volume: Opt<Whole<0, { u32::MAX }>>,
    issue: Opt<Whole<0, { u32::MAX }>>,
    total_issue: Opt<Whole<0, { u32::MAX }>>,
    date: Opt<IsoDate>,
    language: Opt<LangTag>,
    publisher: Opt<String>,
    editor: Opt<String>,
    authors: Opt<List<String>>,
    order: Opt<List<Lined<String>>>,
    page: Opt<RawPage>,
    fonts: Opt<RawFonts>,
    template: Opt<Lined<String>>,
    columns: Opt<Whole<1, 6>>,
    print: Opt<RawPrint>,
    max_dpi: Opt<Whole<MIN_MAX_DPI, { u32::MAX }>>,
    cover: Opt<Lined<String>>,
    typography: Opt<typography::RawTypography>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPage {
    size: Opt<Lined<PageSize>>,
    margins: Opt<Lined<Sides>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFonts {
    dirs: Opt<List<Lined<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPrint {
    bleed: Opt<Lined<Mm>>,
}

/// Parses the text of `bulletin.toml`; `root_abs` anchors relative font folders.
pub(crate) fn parse_config(text: &str, root_abs: &Path, fallback_title: &str) -> ConfigRead {
    let root = match spanned::parse_toml(text, 1) {
        Ok(root) => root,
        Err(errors) => {
            let diagnostics = errors.into_iter().map(|(line, message)| {
                Diagnostic::error(format!("TOML syntax error: {message}"))
                    .in_file(CONFIG_FILE)
                    .at_line(line)
                    .with_help("see https://toml.io for the syntax; strings need \"quotes\"")
            });
            let raw = Raw::default();
            return raw.finish(fallback_title, root_abs, diagnostics.collect());
        }
    };
    let r = Reader::new(Format::Toml, Arc::from(CONFIG_FILE));
    let mut raw: Raw = r.read(&root).unwrap_or_default();
    raw.check(&r, &root, root_abs);
    raw.finish(fallback_title, root_abs, r.finish())
}

impl Raw {
    /// The findings beyond single values; a value found wrong is dropped, so that its
    /// default stands.
    fn check(&mut self, r: &Reader, root: &Node, root_abs: &Path) {
        let title = self.title.0.as_deref().map(str::trim);
        match root.get("title") {
            _ if title.is_some_and(|t| !t.is_empty()) => {}
            None => r.error(
                1,
                format!("{CONFIG_FILE} has no `title`"),
                "add a line such as title = \"…\" at the top, before any [table] header",
            ),
            Some(node) if matches!(node.val, Val::Str(_)) => r.error(
                node.line,
                "`title` is empty",
                "give the bulletin a title: title = \"…\"",
            ),
            Some(_) => {} // wrong type: already reported
        }
        let page = self.page.0.get_or_insert_default();
        let negative = |m: &mut Lined<Sides>| m.value.0.iter().any(|&x| x < 0.0);
        if let Some(m) = page.margins.0.take_if(negative) {
            let help = "use 0 or more millimetres";
            r.error(m.line, "margins cannot be negative", help);
        }
        let p = page.setup();
        let (text_w, text_h) = (
            p.width_mm - p.margins.left - p.margins.right,
            p.height_mm - p.margins.top - p.margins.bottom,
        );
        // Only when size and margins are sound: otherwise this would repeat their error.
        if (text_w < MIN_TEXT_AREA_MM || text_h < MIN_TEXT_AREA_MM) && !r.has_errors() {
            let lines = [
                page.size.0.as_ref().map(|s| s.line),
                page.margins.0.as_ref().map(|m| m.line),
            ];
            let line = lines.into_iter().flatten().max().unwrap_or(1);
            r.error(
                line,
                format!(
                    "the margins leave a text area of {text_w:.0} × {text_h:.0} mm on a \
                     {:.0} × {:.0} mm page; at least {MIN_TEXT_AREA_MM:.0} × {MIN_TEXT_AREA_MM:.0} mm is needed",
                    p.width_mm, p.height_mm
                ),
                "make the margins smaller or the page larger",
            );
            *page = RawPage::default();
        }
        for dir in self.font_dirs() {
            if !normalize_lexically(&root_abs.join(&dir.value)).is_dir() {
                r.warn(
                    dir.line,
                    format!("font folder `{}` does not exist", dir.value),
                    "folders are relative to the content folder",
                );
            }
        }
        let bleed = self.print.0.as_mut().and_then(|p| {
            let out_of_range = |b: &mut Lined<Mm>| !(0.0..=20.0).contains(&b.value.0);
            p.bleed.0.take_if(out_of_range)
        });
        if let Some(bleed) = bleed {
            r.error(
                bleed.line,
                "`bleed` must be from 0 to 20 millimetres",
                "3 mm is usual: bleed = 3",
            );
        }
    }

    fn font_dirs(&self) -> &[Lined<String>] {
        let dirs = self.fonts.0.as_ref().and_then(|f| f.dirs.0.as_ref());
        dirs.map_or(&[], |d| &d.0)
    }

    /// The configuration, with defaults for every value not given.
    fn finish(self, title: &str, root_abs: &Path, diagnostics: Vec<Diagnostic>) -> ConfigRead {
        let font_dirs = self.font_dirs().iter();
        let font_dirs = font_dirs.map(|d| normalize_lexically(&root_abs.join(&d.value)));
        let font_dirs = font_dirs.collect();
        let order = self.order.0.map(|o| o.0);
        let order_lines = order.iter().flatten().map(|e| e.line).collect();
        let config = Config {
            meta: Meta {
                title: self.title.text().unwrap_or_else(|| title.to_owned()),
                subtitle: self.subtitle.text(),
                volume: self.volume.0.map(|n| n.0),
                issue: self.issue.0.map(|n| n.0),
                total_issue: self.total_issue.0.map(|n| n.0),
                date: self.date.0.map(|d| d.0),
                lang: self
                    .language
                    .0
                    .map_or_else(|| Lang("zh-CN".to_owned()), |l| l.0),
                publisher: self.publisher.text(),
                editor: self.editor.text(),
                authors: self.authors.texts(),
                publication: None,
            },
            page: self.page.0.unwrap_or_default().setup(),
            order: order.map(|o| o.into_iter().map(|e| e.value.trim().to_owned()).collect()),
            font_dirs,
            template: self.template.text(),
            columns: self.columns.0.map(|n| n.0),
            bleed_mm: self.print.0.and_then(|p| p.bleed.0).map(|b| b.value.0),
            max_dpi: self.max_dpi.0.map(|n| n.0),
            cover: self.cover.text(),
            typography: self.typography.0.map(|t| t.finish()).unwrap_or_default(),
        };
        ConfigRead {
            config,
            order_lines,
            diagnostics,
        }
    }
}

impl RawPage {
    /// The page these keys give: A4 and the default margins for what is not given.
    fn setup(&self) -> PageSetup {
        let mut p = PageSetup::default();
        if let Some(size) = &self.size.0 {
            (p.width_mm, p.height_mm) = (size.value.0, size.value.1);
        }
        if let Some(Lined { value, .. }) = self.margins.0 {
            let Sides([top, bottom, left, right]) = value;
            p.margins = Margins {
                top,
                bottom,
                left,
                right,
            };
        }
        p
    }
}

/// A finite number of millimetres, at most a page's largest side.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "f64")]
struct Mm(f32);

impl TryFrom<f64> for Mm {
    type Error = &'static str;
    fn try_from(n: f64) -> Result<Self, Self::Error> {
        match n.is_finite() && n.abs() <= f64::from(MAX_PAGE_MM) {
            true => Ok(Mm(n as f32)),
            false => Err("must be a finite number of millimetres"),
        }
    }
}

/// `A4`, `Letter`, `170x240`: width and height in millimetres, each 1 to `MAX_PAGE_MM`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
struct PageSize(f32, f32);

impl TryFrom<String> for PageSize {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let help = "use A4, A5, B5, Letter or width×height in millimetres, e.g. \"170x240\"";
        match parse_size(&s) {
            Some((w, h)) if w > 0.0 && h > 0.0 && w <= MAX_PAGE_MM && h <= MAX_PAGE_MM => {
                Ok(PageSize(w, h))
            }
            Some(_) => Err(format!(
                "page size `{s}` is out of range (each side 1 to {MAX_PAGE_MM:.0} mm)"
            )),
            None => Err(format!("unknown page size `{s}`: {help}")),
        }
    }
}

/// `margins = 20` (every side) or `margins = { top = 22, … }` (the rest 20 mm): top, bottom,
/// left, right.
#[derive(Debug, Clone, Copy)]
struct Sides([f32; 4]);

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawSides {
    top: Opt<Mm>,
    bottom: Opt<Mm>,
    left: Opt<Mm>,
    right: Opt<Mm>,
}

impl<'de> Deserialize<'de> for Sides {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Sides;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number or a table")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Sides, E> {
                self.visit_f64(n as f64)
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Sides, E> {
                Ok(Sides([Mm::try_from(n).map_err(E::custom)?.0; 4]))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Sides, A::Error> {
                let raw = RawSides::deserialize(MapAccessDeserializer::new(map))?;
                let sides = [raw.top, raw.bottom, raw.left, raw.right];
                Ok(Sides(sides.map(|s| s.0.map_or(DEFAULT_SIDE_MM, |m| m.0))))
            }
        }
        d.deserialize_struct("RawSides", &["top", "bottom", "left", "right"], V)
    }
}

/// `A4`, `a5`, `B5`, `Letter`, `170x240`, `170×240`, `170 x 240 mm` → (width, height) in mm.
fn parse_size(s: &str) -> Option<(f32, f32)> {
    let s = s.trim();
    match s.to_ascii_lowercase().as_str() {
        "a4" => return Some((210.0, 297.0)),
        "a5" => return Some((148.0, 210.0)),
        "b5" => return Some((176.0, 250.0)),
        "letter" => return Some((215.9, 279.4)),
        _ => {}
    }
    let s = s.strip_suffix("mm").unwrap_or(s);
    let (w, h) = s.split_once(['x', 'X', '×', '*'])?;
    let num = |t: &str| -> Option<f32> {
        let t = t.trim();
        let t = t.strip_suffix("mm").unwrap_or(t).trim();
        t.parse::<f32>().ok().filter(|n| n.is_finite())
    };
    Some((num(w)?, num(h)?))
}

#[cfg(test)]
mod tests;
