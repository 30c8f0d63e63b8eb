//! The cover picture: an SVG with the bulletin's title, subtitle, issue and publisher.
//!
//! A picture shown through `<img>` cannot use the book's fonts, and reading systems draw
//! cover thumbnails without any CSS, so the words are drawn as glyph outlines taken from
//! the bundled sans. Without fonts the cover falls back to SVG text in a generic family.

use ttf_parser::{GlyphId, OutlineBuilder};

use crate::model::Document;

use super::FrontMatter;
use super::fonts::{FontSet, LoadedFace};
use super::usage::Family;
use super::xml;
use crate::labels::Labels;
use crate::template::Front;
use crate::theme::Rgb;

const WIDTH: f32 = 1200.0;
const HEIGHT: f32 = 1600.0;
const MARGIN: f32 = 100.0;
const TEXT_WIDTH: f32 = WIDTH - 2.0 * MARGIN;

/// The cover's colours: ground, title, subtitle, details.
struct Palette {
    ground: String,
    title: String,
    subtitle: String,
    detail: String,
}

impl Palette {
    /// A book's cover: light words on the accent colour. A bulletin or article: the
    /// masthead look, the name in the accent colour on white.
    fn for_front(front: &FrontMatter<'_>) -> Palette {
        let Rgb(r, g, b) = front.accent;
        let accent = format!("#{r:02x}{g:02x}{b:02x}");
        match front.front {
            Front::Cover => Palette {
                ground: accent,
                title: "#ffffff".into(),
                subtitle: "#e3eaf4".into(),
                detail: "#c9d3e2".into(),
            },
            Front::Masthead | Front::Head => Palette {
                ground: "#ffffff".into(),
                title: accent.clone(),
                subtitle: "#333333".into(),
                detail: accent,
            },
        }
    }
}

/// Writes the cover SVG; `photo` is the cover picture's path inside the book, set across
/// the lower part of the cover, edge to edge.
pub(crate) fn cover_svg(
    doc: &Document,
    lang: &str,
    fonts: &FontSet<'_>,
    front: &FrontMatter<'_>,
    photo: Option<&str>,
) -> String {
    let meta = &doc.meta;
    let labels = Labels::for_lang(lang);
    let bold = pick_face(fonts, true);
    let regular = pick_face(fonts, false);
    let palette = Palette::for_front(front);
    let (background, title_color, subtitle_color, detail_color) = (
        palette.ground.as_str(),
        palette.title.as_str(),
        palette.subtitle.as_str(),
        palette.detail.as_str(),
    );

    let mut svg = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"1200\" height=\"1600\" viewBox=\"0 0 1200 1600\">\n<title>",
    );
    xml::push_text(&mut svg, &xml::label(&meta.title));
    svg.push_str(&format!(
        "</title>\n<rect width=\"1200\" height=\"1600\" fill=\"{background}\"/>\n"
    ));

    // Issue line and a rule above the title.
    let issue: Vec<String> = labels
        .issue(meta)
        .into_iter()
        .chain(
            meta.date
                .as_deref()
                .map(xml::label)
                .filter(|s| !s.is_empty()),
        )
        .collect();
    if !issue.is_empty() {
        let line = issue.join(" · ");
        draw_block(&mut svg, regular, &[line], 40.0, 210.0, detail_color);
    }
    svg.push_str(&format!(
        "<rect x=\"{MARGIN}\" y=\"250\" width=\"{TEXT_WIDTH}\" height=\"4\" fill=\"{detail_color}\"/>\n"
    ));

    // Title, as large as fits in four lines.
    let title = xml::label(&meta.title);
    let (size, lines) = fit(bold, &title, 120.0, 60.0, 4);
    let line_height = size * 1.3;
    let mut baseline = 250.0 + 80.0 + size;
    draw_block(&mut svg, bold, &lines, size, baseline, title_color);
    baseline += line_height * lines.len().saturating_sub(1) as f32;

    if let Some(subtitle) = meta
        .subtitle
        .as_deref()
        .map(xml::label)
        .filter(|s| !s.is_empty())
    {
        let (size, lines) = fit(regular, &subtitle, 56.0, 36.0, 3);
        baseline += 60.0 + size;
        draw_block(&mut svg, regular, &lines, size, baseline, subtitle_color);
    }

    let mut photo_bottom = HEIGHT - 200.0;
    if let Some(publisher) = meta
        .publisher
        .as_deref()
        .map(xml::label)
        .filter(|s| !s.is_empty())
    {
        let (size, lines) = fit(regular, &publisher, 40.0, 28.0, 2);
        let first = HEIGHT - 120.0 - size * 1.3 * lines.len().saturating_sub(1) as f32;
        photo_bottom = first - size - 70.0;
        svg.push_str(&format!(
            "<rect x=\"{MARGIN}\" y=\"{}\" width=\"{TEXT_WIDTH}\" height=\"2\" fill=\"{detail_color}\"/>\n",
            num(first - size - 40.0)
        ));
        draw_block(&mut svg, regular, &lines, size, first, detail_color);
    }
    // The cover picture, edge to edge between the words above and the publisher below.
    let photo_top = (baseline + 80.0).max(820.0);
    if let Some(href) = photo
        && photo_bottom - photo_top >= 200.0
    {
        let name = href.strip_prefix("images/").unwrap_or(href);
        svg.push_str(&format!(
            "<image x=\"0\" y=\"{}\" width=\"{WIDTH}\" height=\"{}\" preserveAspectRatio=\"xMidYMid slice\" xlink:href=\"",
            num(photo_top),
            num(photo_bottom - photo_top)
        ));
        xml::push_attr(&mut svg, name);
        svg.push_str("\"/>\n");
    }
    svg.push_str("</svg>\n");
    svg
}

/// The sans at the wanted weight, else the serif, else nothing.
fn pick_face<'f, 'a>(fonts: &'f FontSet<'a>, bold: bool) -> Option<&'f LoadedFace<'a>> {
    fonts
        .pick(Family::Sans, bold)
        .or_else(|| fonts.pick(Family::Serif, bold))
}

/// Draws left-aligned lines, the first baseline at `y`, line height 1.3.
fn draw_block(
    svg: &mut String,
    face: Option<&LoadedFace<'_>>,
    lines: &[String],
    size: f32,
    y: f32,
    fill: &str,
) {
    for (i, line) in lines.iter().enumerate() {
        let baseline = y + size * 1.3 * i as f32;
        match face {
            Some(face) => {
                let d = outline_path(face, line, size, MARGIN, baseline);
                if !d.is_empty() {
                    svg.push_str(&format!("<path fill=\"{fill}\" d=\"{d}\"/>\n"));
                }
            }
            None => {
                svg.push_str(&format!(
                    "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"{}\" font-family=\"sans-serif\" fill=\"{fill}\">",
                    num(baseline),
                    num(size)
                ));
                xml::push_text(svg, line);
                svg.push_str("</text>\n");
            }
        }
    }
}

/// The size and lines for `text`: the fewest lines (up to `max_lines`) at which it can
/// still be set at 80% of `start` or more, as large as it fits there (a two-character
/// last line under a big title looks like an accident). Sizes step down by 5% to `min`;
/// if nothing fits even at `min`, the text is wrapped at `min` and cut to `max_lines`.
fn fit(
    face: Option<&LoadedFace<'_>>,
    text: &str,
    start: f32,
    min: f32,
    max_lines: usize,
) -> (f32, Vec<String>) {
    for lines_wanted in 1..max_lines {
        if let Some((size, lines)) = largest_fitting(face, text, start, min, lines_wanted)
            && size >= start * 0.8
        {
            return (size, lines);
        }
    }
    largest_fitting(face, text, start, min, max_lines).unwrap_or_else(|| {
        let lines = wrap(face, text, min);
        (min, lines.into_iter().take(max_lines).collect())
    })
}

/// Largest size from `start` down to `min` (5% steps) at which `text` fits in
/// `max_lines` lines of the text width.
fn largest_fitting(
    face: Option<&LoadedFace<'_>>,
    text: &str,
    start: f32,
    min: f32,
    max_lines: usize,
) -> Option<(f32, Vec<String>)> {
    let mut size = start;
    loop {
        let lines = wrap(face, text, size);
        let fits =
            lines.len() <= max_lines && lines.iter().all(|l| measure(face, l, size) <= TEXT_WIDTH);
        if fits {
            return Some((size, lines));
        }
        if size <= min {
            return None;
        }
        size = (size * 0.95).max(min);
    }
}

/// Closing punctuation never starts a line; opening punctuation never ends one.
fn is_closing(c: char) -> bool {
    "，。、：；！？）」』》〉】〕”’…·,.:;!?)]}%".contains(c)
}
fn is_opening(c: char) -> bool {
    "（「『《〈【〔“‘([{".contains(c)
}
/// Ideographs and CJK punctuation: a line may break on either side.
fn is_wide(c: char) -> bool {
    c >= '\u{2E80}'
}

/// Greedy line breaking: after spaces, and around CJK characters.
fn wrap(face: Option<&LoadedFace<'_>>, text: &str, size: f32) -> Vec<String> {
    // Unbreakable pieces.
    let mut pieces: Vec<String> = Vec::new();
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let can_break = match prev {
            None => false,
            Some(p) => {
                !is_closing(c)
                    && !is_opening(p)
                    && (p == ' ' || ((is_wide(c) || is_wide(p)) && c != ' '))
            }
        };
        if can_break || pieces.is_empty() {
            pieces.push(String::new());
        }
        if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
        prev = Some(c);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let candidate = format!("{line}{piece}");
        if line.is_empty() || measure(face, candidate.trim_end(), size) <= TEXT_WIDTH {
            line = candidate;
        } else {
            lines.push(line.trim_end().to_owned());
            line = piece.trim_start().to_owned();
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// Width of `text` at `size`; without a face, an estimate (1 em for wide characters).
fn measure(face: Option<&LoadedFace<'_>>, text: &str, size: f32) -> f32 {
    match face {
        Some(face) => {
            let scale = size / f32::from(face.face.units_per_em().max(1));
            text.chars()
                .map(|c| f32::from(advance(face, c)) * scale)
                .sum()
        }
        None => text
            .chars()
            .map(|c| if is_wide(c) { size } else { size * 0.55 })
            .sum(),
    }
}

fn advance(face: &LoadedFace<'_>, c: char) -> u16 {
    let units = face.face.units_per_em();
    face.face
        .glyph_index(c)
        .and_then(|g| face.face.glyph_hor_advance(g))
        .unwrap_or(units / 2)
}

/// One SVG path drawing `text` with its left end of the baseline at (`x`, `y`).
fn outline_path(face: &LoadedFace<'_>, text: &str, size: f32, x: f32, y: f32) -> String {
    let scale = size / f32::from(face.face.units_per_em().max(1));
    let mut pen = PathWriter {
        d: String::new(),
        scale,
        x,
        y,
    };
    for c in text.chars() {
        if let Some(glyph) = face.face.glyph_index(c).filter(|g| *g != GlyphId(0)) {
            face.face.outline_glyph(glyph, &mut pen);
        }
        pen.x += f32::from(advance(face, c)) * scale;
    }
    pen.d.trim_end().to_owned()
}

/// Turns glyph outlines (font units, y up) into SVG path data (pixels, y down).
struct PathWriter {
    d: String,
    scale: f32,
    x: f32,
    y: f32,
}

impl PathWriter {
    fn point(&mut self, x: f32, y: f32) {
        let px = num(self.x + x * self.scale);
        let py = num(self.y - y * self.scale);
        self.d.push_str(&format!("{px} {py} "));
    }
}

impl OutlineBuilder for PathWriter {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.point(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.point(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.point(x1, y1);
        self.point(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.point(x1, y1);
        self.point(x2, y2);
        self.point(x, y);
    }
    fn close(&mut self) {
        self.d.push_str("Z ");
    }
}

/// A coordinate with at most one decimal, without a trailing `.0`.
fn num(v: f32) -> String {
    let tenths = (v * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{:.1}", tenths as f64 / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(-3.25), "-3.3");
        assert_eq!(num(0.06), "0.1");
    }

    #[test]
    fn wraps_cjk_and_words() {
        let lines = wrap(None, "北京理工大学新闻简报，第一期", 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| !l.starts_with('，')));
        let lines = wrap(None, "A fairly long English title that must wrap", 120.0);
        assert!(lines.len() > 1);
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with(' ') && !l.ends_with(' '))
        );
    }
}
