//! `bulletin.toml`: the bulletin's metadata, page size and margins, article order and font
//! folders.
//!
//! The file is walked as a spanned TOML tree rather than deserialised into a struct, so that
//! every finding (unknown key, wrong type, impossible margins) can name the line it is on.
//! Unknown keys only warn: an old or misspelt key must not stop a build, but it must not be
//! silently ignored either.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::content::fields::{self, DATE_HELP};
use crate::content::paths::normalize_lexically;
use crate::content::source::{self, LineIndex};
use crate::diagnostics::{Diagnostic, Diagnostics, Error};
use crate::model::{Lang, Meta};

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

const TOP_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "volume",
    "issue",
    "date",
    "language",
    "publisher",
    "editor",
    "authors",
    "order",
    "page",
    "fonts",
    "template",
    "columns",
    "print",
    "max_dpi",
];
const PRINT_KEYS: &[&str] = &["bleed"];
/// Below this a `max_dpi` would blur every picture: surely a mistake.
pub const MIN_MAX_DPI: u32 = 72;
const PAGE_KEYS: &[&str] = &["size", "margins"];
const MARGIN_KEYS: &[&str] = &["top", "bottom", "left", "right"];
const FONT_KEYS: &[&str] = &["dirs"];

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
    let fallback_title = folder_title(&root_abs);
    let bytes = match read_config_bytes(&path, &root_abs) {
        Ok(bytes) => bytes,
        Err(ConfigBytes::Refused(d)) => {
            return Ok(ConfigRead {
                config: default_config(fallback_title),
                order_lines: Vec::new(),
                diagnostics: vec![d],
            });
        }
        Err(ConfigBytes::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            let warning = Diagnostic::warning(format!(
                "no {CONFIG_FILE}; using the folder name “{fallback_title}” as the title"
            ))
            .in_file(CONFIG_FILE)
            .with_help(format!(
                "create {CONFIG_FILE} with at least:\n    title = \"…\"\n    language = \"zh-CN\""
            ));
            return Ok(ConfigRead {
                config: default_config(fallback_title),
                order_lines: Vec::new(),
                diagnostics: vec![warning],
            });
        }
        Err(ConfigBytes::Io(source)) => return Err(Error::Read { path, source }),
    };
    match source::decode(bytes, CONFIG_FILE) {
        Ok(text) => Ok(parse_config(&text, &root_abs, &fallback_title)),
        Err(d) => Ok(ConfigRead {
            config: default_config(fallback_title),
            order_lines: Vec::new(),
            diagnostics: vec![d],
        }),
    }
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

fn default_config(title: String) -> Config {
    Config {
        meta: Meta {
            title,
            subtitle: None,
            volume: None,
            issue: None,
            date: None,
            lang: Lang("zh-CN".to_owned()),
            publisher: None,
            editor: None,
            authors: Vec::new(),
            publication: None,
        },
        page: PageSetup::default(),
        order: None,
        font_dirs: Vec::new(),
        template: None,
        columns: None,
        bleed_mm: None,
        max_dpi: None,
    }
}

/// Parses the text of `bulletin.toml`; `root_abs` anchors relative font folders.
pub(crate) fn parse_config(text: &str, root_abs: &Path, fallback_title: &str) -> ConfigRead {
    let mut w = Walker {
        lines: LineIndex::new(text),
        file: Arc::from(CONFIG_FILE),
        diags: Vec::new(),
    };
    let mut config = default_config(fallback_title.to_owned());
    let mut order_lines = Vec::new();
    let table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(e) => {
            let line = e.span().map_or(1, |s| w.lines.line(s.start));
            w.diags.push(
                Diagnostic::error(format!("TOML syntax error: {}", e.message().trim()))
                    .in_file(CONFIG_FILE)
                    .at_line(line)
                    .with_help("see https://toml.io for the syntax; strings need \"quotes\""),
            );
            return ConfigRead {
                config,
                order_lines,
                diagnostics: w.diags,
            };
        }
    };
    let mut title_seen = false;
    for (key, value) in sorted(table.get_ref()) {
        let meta = &mut config.meta;
        match key.get_ref().as_ref() {
            "title" => {
                title_seen = true;
                match w.text("title", value) {
                    Some(t) => meta.title = t,
                    None if matches!(value.get_ref(), DeValue::String(_)) => w.error(
                        value.span(),
                        "`title` is empty",
                        "give the bulletin a title: title = \"…\"",
                    ),
                    None => {} // wrong type: already reported
                }
            }
            "subtitle" => meta.subtitle = w.text("subtitle", value),
            "volume" => meta.volume = w.count("volume", value),
            "issue" => meta.issue = w.count("issue", value),
            "date" => meta.date = w.date("date", value),
            "language" => {
                if let Some(tag) = w.text("language", value) {
                    match fields::check_lang(&tag) {
                        Ok(()) => meta.lang = Lang(tag),
                        Err(msg) => {
                            w.error(value.span(), &msg, "for example: language = \"zh-CN\"")
                        }
                    }
                }
            }
            "publisher" => meta.publisher = w.text("publisher", value),
            "editor" => meta.editor = w.text("editor", value),
            "authors" => meta.authors = w.strings("authors", value).unwrap_or_default(),
            "order" => {
                if let Some(entries) = w.order(value) {
                    order_lines = entries.iter().map(|(_, line)| *line).collect();
                    config.order = Some(entries.into_iter().map(|(name, _)| name).collect());
                }
            }
            "page" => {
                if let Some(page) = w.page(value) {
                    config.page = page;
                }
            }
            "fonts" => config.font_dirs = w.fonts(value, root_abs),
            "columns" => {
                config.columns = w.count("columns", value).and_then(|n| {
                    if (1..=6).contains(&n) {
                        Some(n)
                    } else {
                        w.error(
                            value.span(),
                            "`columns` must be from 1 to 6",
                            "for example: columns = 2",
                        );
                        None
                    }
                })
            }
            "print" => config.bleed_mm = w.print(value),
            "template" => {
                let line = w.lines.line(value.span().start);
                config.template = w.text("template", value).map(|t| (t, line));
            }
            "max_dpi" => match w.count("max_dpi", value) {
                Some(n) if n < MIN_MAX_DPI => w.error(
                    value.span(),
                    &format!("`max_dpi` must be at least {MIN_MAX_DPI}"),
                    "print needs 150 dpi or more; 300 is usual: max_dpi = 300",
                ),
                n => config.max_dpi = n,
            },
            other => w.unknown(key, other, TOP_KEYS, None),
        }
    }
    if !title_seen {
        w.diags.push(
            Diagnostic::error(format!("{CONFIG_FILE} has no `title`"))
                .in_file(CONFIG_FILE)
                .at_line(1)
                .with_help(
                    "add a line such as title = \"…\" at the top, before any [table] header",
                ),
        );
    }
    ConfigRead {
        config,
        order_lines,
        diagnostics: w.diags,
    }
}

type Entry<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

/// Table entries in the order they appear in the file, so findings come out in line order.
fn sorted<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// Reads typed values out of the spanned tree, recording a located diagnostic for every
/// value that has the wrong type or an impossible value.
struct Walker {
    lines: LineIndex,
    file: Arc<str>,
    diags: Vec<Diagnostic>,
}

impl Walker {
    fn error(&mut self, span: Range<usize>, message: &str, help: &str) {
        let line = self.lines.line(span.start);
        self.diags.push(
            Diagnostic::error(message)
                .in_file(self.file.clone())
                .at_line(line)
                .with_help(help),
        );
    }

    fn warn(&mut self, span: Range<usize>, message: &str, help: &str) {
        let line = self.lines.line(span.start);
        self.diags.push(
            Diagnostic::warning(message)
                .in_file(self.file.clone())
                .at_line(line)
                .with_help(help),
        );
    }

    fn unknown(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        name: &str,
        known: &[&str],
        table: Option<&str>,
    ) {
        let (message, mut help) = fields::unknown_key(name, known, table);
        if table.is_some() && TOP_KEYS.contains(&name) {
            help = format!(
                "`{name}` is a top-level key: move it above the first [table] header, \
                 otherwise TOML puts it inside that table"
            );
        }
        self.warn(key.span(), &message, &help);
    }

    fn wrong_type(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        expected: &str,
        example: &str,
    ) {
        let found = value.get_ref().type_str();
        self.error(
            value.span(),
            &format!("`{key}` must be {expected}, not {}", fields::a_or_an(found)),
            &format!("for example: {example}"),
        );
    }

    /// A string, trimmed; `None` (without complaint) when it is empty.
    fn text(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            _ => {
                self.wrong_type(key, value, "a string", &format!("{key} = \"…\""));
                None
            }
        }
    }

    /// A non-negative integer that fits in `u32` (volume and issue numbers).
    fn count(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<u32> {
        match value.get_ref() {
            DeValue::Integer(i) => {
                let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
                match n.and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => Some(n),
                    None => {
                        self.error(
                            value.span(),
                            &format!("`{key}` must be a whole number from 0 to {}", u32::MAX),
                            &format!("for example: {key} = 3"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(key, value, "a whole number", &format!("{key} = 3"));
                None
            }
        }
    }

    /// A finite number of millimetres (integer or float).
    fn millimetres(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<f32> {
        let n = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.wrong_type(
                    key,
                    value,
                    "a number of millimetres",
                    &format!("{key} = 20"),
                );
                return None;
            }
        };
        match n.filter(|n| n.is_finite() && n.abs() <= f64::from(MAX_PAGE_MM)) {
            Some(n) => Some(n as f32),
            None => {
                self.error(
                    value.span(),
                    &format!("`{key}` must be a finite number of millimetres"),
                    &format!("for example: {key} = 20"),
                );
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    fn strings(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<Vec<String>> {
        let example = format!("{key} = [\"…\", \"…\"]");
        match value.get_ref() {
            DeValue::String(s) => Some(vec![s.trim().to_owned()]),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                        DeValue::String(_) => {}
                        _ => self.wrong_type(key, item, "a list of strings", &example),
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong_type(key, value, "a list of strings", &example);
                None
            }
        }
    }

    /// `YYYY-MM-DD`, either quoted or as a bare TOML date.
    fn date(&mut self, key: &str, value: &Spanned<DeValue<'_>>) -> Option<String> {
        let text = match value.get_ref() {
            DeValue::String(s) => s.trim().to_owned(),
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            DeValue::Datetime(_) => {
                self.error(
                    value.span(),
                    &format!("`{key}` must be a date without a time"),
                    DATE_HELP,
                );
                return None;
            }
            _ => {
                self.wrong_type(key, value, "a date", "date = \"2023-09-01\"");
                return None;
            }
        };
        if fields::is_valid_date(&text) {
            Some(text)
        } else {
            self.error(
                value.span(),
                &format!("`{text}` is not a valid date"),
                DATE_HELP,
            );
            None
        }
    }

    /// `order = ["a.md", "b.md"]`, with the line of each entry.
    fn order(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Vec<(String, u32)>> {
        let example = "order = [\"02-opening.md\", \"01-meeting.md\"]";
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type("order", value, "a list of file names", example);
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => {
                    out.push((s.trim().to_owned(), self.lines.line(item.span().start)))
                }
                _ => self.wrong_type("order", item, "a list of file names", example),
            }
        }
        Some(out)
    }

    /// The `[page]` table: size and margins, checked together so that the margins leave a
    /// usable text area on the chosen paper.
    fn page(&mut self, value: &Spanned<DeValue<'_>>) -> Option<PageSetup> {
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type("page", value, "a table", "[page]\nsize = \"A4\"");
            return None;
        };
        let mut page = PageSetup::default();
        let mut ok = true;
        let mut where_ = value.span();
        for (key, v) in sorted(table) {
            match key.get_ref().as_ref() {
                "size" => match self.size(v) {
                    Some((w, h)) => {
                        page.width_mm = w;
                        page.height_mm = h;
                        where_ = v.span();
                    }
                    None => ok = false,
                },
                "margins" => match self.margins(v) {
                    Some(m) => {
                        page.margins = m;
                        where_ = v.span();
                    }
                    None => ok = false,
                },
                other => self.unknown(key, other, PAGE_KEYS, Some("page")),
            }
        }
        if !ok {
            return None;
        }
        let m = page.margins;
        let text_w = page.width_mm - m.left - m.right;
        let text_h = page.height_mm - m.top - m.bottom;
        if text_w < MIN_TEXT_AREA_MM || text_h < MIN_TEXT_AREA_MM {
            self.error(
                where_,
                &format!(
                    "the margins leave a text area of {text_w:.0} × {text_h:.0} mm on a \
                     {:.0} × {:.0} mm page; at least {MIN_TEXT_AREA_MM:.0} × {MIN_TEXT_AREA_MM:.0} mm is needed",
                    page.width_mm, page.height_mm
                ),
                "make the margins smaller or the page larger",
            );
            return None;
        }
        Some(page)
    }

    fn size(&mut self, value: &Spanned<DeValue<'_>>) -> Option<(f32, f32)> {
        let help = "use A4, A5, B5, Letter or width×height in millimetres, e.g. \"170x240\"";
        let DeValue::String(s) = value.get_ref() else {
            self.wrong_type("page.size", value, "a string", "size = \"A4\"");
            return None;
        };
        match parse_size(s) {
            Some((w, h)) if w > 0.0 && h > 0.0 && w <= MAX_PAGE_MM && h <= MAX_PAGE_MM => {
                Some((w, h))
            }
            Some(_) => {
                self.error(
                    value.span(),
                    &format!(
                        "page size `{s}` is out of range (each side 1 to {MAX_PAGE_MM:.0} mm)"
                    ),
                    help,
                );
                None
            }
            None => {
                self.error(value.span(), &format!("unknown page size `{s}`"), help);
                None
            }
        }
    }

    fn margins(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Margins> {
        let all = |v: f32| Margins {
            top: v,
            bottom: v,
            left: v,
            right: v,
        };
        let margins = match value.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => {
                all(self.millimetres("page.margins", value)?)
            }
            DeValue::Table(table) => {
                let mut m = all(DEFAULT_SIDE_MM);
                let mut ok = true;
                for (key, v) in sorted(table) {
                    let side = match key.get_ref().as_ref() {
                        "top" => &mut m.top,
                        "bottom" => &mut m.bottom,
                        "left" => &mut m.left,
                        "right" => &mut m.right,
                        other => {
                            self.unknown(key, other, MARGIN_KEYS, Some("page.margins"));
                            continue;
                        }
                    };
                    match self.millimetres(&format!("page.margins.{}", key.get_ref()), v) {
                        Some(x) => *side = x,
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                m
            }
            _ => {
                self.wrong_type(
                    "page.margins",
                    value,
                    "a number or a table",
                    "margins = 20  or  margins = { top = 22, bottom = 22, left = 20, right = 20 }",
                );
                return None;
            }
        };
        if [margins.top, margins.bottom, margins.left, margins.right]
            .iter()
            .any(|&x| x < 0.0)
        {
            self.error(
                value.span(),
                "margins cannot be negative",
                "use 0 or more millimetres",
            );
            return None;
        }
        Some(margins)
    }

    /// `[fonts] dirs = [...]`: folders resolved against the content folder. A folder that
    /// does not exist only warns: fonts can still come from the bundled set.
    /// `[print]`: `bleed` in millimetres (0 to 20).
    fn print(&mut self, value: &Spanned<DeValue<'_>>) -> Option<f32> {
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type("print", value, "a table", "[print]\nbleed = 3");
            return None;
        };
        let mut bleed = None;
        for (key, v) in sorted(table) {
            if key.get_ref().as_ref() != "bleed" {
                self.unknown(key, key.get_ref(), PRINT_KEYS, Some("print"));
                continue;
            }
            bleed = self.millimetres("bleed", v).and_then(|mm| {
                if (0.0..=20.0).contains(&mm) {
                    Some(mm)
                } else {
                    self.error(
                        v.span(),
                        "`bleed` must be from 0 to 20 millimetres",
                        "3 mm is usual: bleed = 3",
                    );
                    None
                }
            });
        }
        bleed
    }

    fn fonts(&mut self, value: &Spanned<DeValue<'_>>, root_abs: &Path) -> Vec<PathBuf> {
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type("fonts", value, "a table", "[fonts]\ndirs = [\"fonts\"]");
            return Vec::new();
        };
        let mut dirs = Vec::new();
        for (key, v) in sorted(table) {
            if key.get_ref().as_ref() != "dirs" {
                self.unknown(key, key.get_ref(), FONT_KEYS, Some("fonts"));
                continue;
            }
            let items: Vec<&Spanned<DeValue<'_>>> = match v.get_ref() {
                DeValue::Array(items) => items.iter().collect(),
                _ => vec![v],
            };
            for item in items {
                let DeValue::String(dir) = item.get_ref() else {
                    self.wrong_type(
                        "fonts.dirs",
                        item,
                        "a list of folder names",
                        "dirs = [\"fonts\"]",
                    );
                    continue;
                };
                let path = normalize_lexically(&root_abs.join(dir.as_ref()));
                if !path.is_dir() {
                    self.warn(
                        item.span(),
                        &format!("font folder `{dir}` does not exist"),
                        "folders are relative to the content folder",
                    );
                }
                dirs.push(path);
            }
        }
        dirs
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
mod tests {
    use super::*;

    fn parse(text: &str) -> ConfigRead {
        parse_config(text, Path::new("/tmp/content"), "content")
    }

    fn errors(read: &ConfigRead) -> Vec<&Diagnostic> {
        read.diagnostics.iter().filter(|d| d.is_error()).collect()
    }

    #[test]
    fn defaults() {
        let read = parse("title = \"简报\"\n");
        assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
        let c = read.config;
        assert_eq!(c.meta.title, "简报");
        assert_eq!(c.meta.lang.as_str(), "zh-CN");
        assert_eq!(c.page, PageSetup::default());
        assert_eq!(c.page.width_mm, 210.0);
        assert_eq!(c.page.margins.top, 22.0);
        assert_eq!(c.page.margins.left, 20.0);
        assert!(c.order.is_none());
        assert!(c.font_dirs.is_empty());
    }

    #[test]
    fn full_sample() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/bulletin.toml"
        ))
        .unwrap();
        let read = parse(&text);
        assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
        let m = read.config.meta;
        assert_eq!(m.title, "北京理工大学新闻简报");
        assert_eq!(m.volume, Some(3));
        assert_eq!(m.issue, Some(17));
        assert_eq!(m.date.as_deref(), Some("2023-09-01"));
        assert_eq!(m.authors, ["陈雨桐", "周敏", "刘晨"]);
        assert_eq!(read.config.page, PageSetup::default());
    }

    #[test]
    fn sizes() {
        for (name, w, h) in [
            ("A4", 210.0, 297.0),
            ("a5", 148.0, 210.0),
            ("B5", 176.0, 250.0),
            ("LETTER", 215.9, 279.4),
            ("170x240", 170.0, 240.0),
            ("170×240", 170.0, 240.0),
            ("170 x 240 mm", 170.0, 240.0),
        ] {
            let read = parse(&format!("title = \"t\"\n[page]\nsize = \"{name}\"\n"));
            assert!(errors(&read).is_empty(), "{name}: {:?}", read.diagnostics);
            assert_eq!(
                (read.config.page.width_mm, read.config.page.height_mm),
                (w, h),
                "{name}"
            );
        }
        let read = parse("title = \"t\"\n[page]\nsize = \"A3\"\n");
        assert_eq!(errors(&read)[0].line, Some(3));
        let read = parse("title = \"t\"\n[page]\nsize = \"0x240\"\n");
        assert_eq!(errors(&read)[0].line, Some(3));
        let read = parse("title = \"t\"\n[page]\nsize = \"-5x240\"\n");
        assert_eq!(errors(&read).len(), 1);
    }

    #[test]
    fn margins() {
        let read = parse("title = \"t\"\n[page]\nmargins = 15\n");
        assert_eq!(
            read.config.page.margins,
            Margins {
                top: 15.0,
                bottom: 15.0,
                left: 15.0,
                right: 15.0
            }
        );
        let read = parse("title = \"t\"\n[page]\nmargins = { top = 30, left = 12.5 }\n");
        assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
        assert_eq!(
            read.config.page.margins,
            Margins {
                top: 30.0,
                bottom: 20.0,
                left: 12.5,
                right: 20.0
            }
        );
        let read = parse("title = \"t\"\n[page]\nsize = \"A5\"\nmargins = 45\n");
        let e = errors(&read);
        assert_eq!(e.len(), 1, "{:?}", read.diagnostics);
        assert_eq!(e[0].line, Some(4));
        assert!(e[0].message.contains("text area"), "{}", e[0]);
        let read = parse("title = \"t\"\n[page]\nmargins = -1\n");
        assert_eq!(errors(&read).len(), 1);
        let read = parse("title = \"t\"\n[page]\nmargins = nan\n");
        assert_eq!(errors(&read).len(), 1);
        let read = parse("title = \"t\"\n[page]\nmargins = { top = 10, middle = 3 }\n");
        assert!(errors(&read).is_empty());
        assert!(read.diagnostics[0].message.contains("page.margins.middle"));
    }

    #[test]
    fn unknown_key_warns_with_line() {
        let read = parse("title = \"t\"\n\n[page]\nsize = \"A4\"\npagesize = \"A5\"\n");
        assert_eq!(read.diagnostics.len(), 1);
        let d = &read.diagnostics[0];
        assert!(!d.is_error());
        assert_eq!(d.line, Some(5));
        assert_eq!(d.file.as_deref(), Some("bulletin.toml"));
        assert!(d.message.contains("`page.pagesize`"), "{d}");
        assert!(d.message.contains("known keys"), "{d}");
        let read = parse("title = \"t\"\nlang = \"en\"\n");
        assert_eq!(read.diagnostics[0].line, Some(2));
        assert!(read.diagnostics[0].message.contains("`lang`"));
    }

    #[test]
    fn top_level_key_under_a_table_gets_a_hint() {
        let read = parse("[page]\nsize = \"A4\"\ntitle = \"t\"\n");
        let warn = read.diagnostics.iter().find(|d| !d.is_error()).unwrap();
        assert!(
            warn.help.as_deref().unwrap().contains("top-level"),
            "{warn}"
        );
    }

    #[test]
    fn type_errors_name_the_line() {
        let read = parse("title = \"t\"\nvolume = \"three\"\n");
        let e = errors(&read);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, Some(2));
        assert!(e[0].message.contains("`volume`"), "{}", e[0]);
        let read = parse("title = \"t\"\n\n\n[page]\nmargins = \"wide\"\n");
        assert_eq!(errors(&read)[0].line, Some(5));
    }

    #[test]
    fn syntax_error_names_the_line() {
        let read = parse("title = \"t\"\nsubtitle = \"unterminated\n[page]\n");
        let e = errors(&read);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, Some(2));
        let read = parse("title = \"t\"\n\n\nvolume = = 3\n");
        assert_eq!(errors(&read)[0].line, Some(4));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse("title = \"t\"\ndate = 2023-09-01\n")
                .config
                .meta
                .date
                .as_deref(),
            Some("2023-09-01")
        );
        let read = parse("title = \"t\"\ndate = \"2023-02-30\"\n");
        assert_eq!(errors(&read)[0].line, Some(2));
        let read = parse("title = \"t\"\ndate = \"1 Sept 2023\"\n");
        assert_eq!(errors(&read).len(), 1);
        let read = parse("title = \"t\"\ndate = 2023-09-01T10:00:00\n");
        assert_eq!(errors(&read).len(), 1);
    }

    #[test]
    fn missing_title_and_bad_language() {
        let read = parse("subtitle = \"s\"\n");
        assert!(errors(&read)[0].message.contains("title"));
        assert_eq!(errors(&parse("title = \" \"\n")).len(), 1);
        assert_eq!(errors(&parse("title = 3\n")).len(), 1);
        let read = parse("title = \"t\"\nlanguage = \"zh_CN\"\n");
        assert!(errors(&read)[0].message.contains("zh-CN"));
    }

    #[test]
    fn order_and_fonts() {
        let read = parse(
            "title = \"t\"\norder = [\n  \"b.md\",\n  \"a.md\",\n]\n[fonts]\ndirs = [\"myfonts\"]\n",
        );
        assert_eq!(
            read.config.order.as_deref(),
            Some(&["b.md".to_owned(), "a.md".to_owned()][..])
        );
        assert_eq!(read.order_lines, [3, 4]);
        assert_eq!(
            read.config.font_dirs,
            [PathBuf::from("/tmp/content/myfonts")]
        );
        // The folder does not exist: a warning on line 7.
        assert_eq!(read.diagnostics.len(), 1);
        assert_eq!(read.diagnostics[0].line, Some(7));
    }

    #[test]
    fn missing_file_derives_title_and_warns() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("校报 第3期");
        std::fs::create_dir(&root).unwrap();
        let (config, warnings) = load_config(&root).unwrap();
        assert_eq!(config.meta.title, "校报 第3期");
        assert_eq!(warnings.len(), 1);
        assert!(!warnings[0].is_error());
    }

    #[test]
    fn invalid_utf8_config_is_an_error_with_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            b"title = \"ok\"\nsubtitle = \"\xB9\xFA\"\n",
        )
        .unwrap();
        let Err(Error::Input(d)) = load_config(dir.path()) else {
            panic!("expected an input error");
        };
        assert_eq!(d[0].line, Some(2));
        assert_eq!(d[0].file.as_deref(), Some(CONFIG_FILE));
    }
}
