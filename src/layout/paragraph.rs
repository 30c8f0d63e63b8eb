//! Paragraphs into lines: shaping, clreq spacing adjustments, greedy line filling over the
//! break opportunities, and justification.
//!
//! Pure: styled text, fonts and a width in; positioned lines out. (The Knuth–Plass breaker
//! planned for later replaces `choose_breaks` and keeps everything around it.)

use crate::assets::fonts::FontBook;
use crate::text::breaks::{self, Break};
use crate::text::script::{
    has_blank_left, has_blank_right, is_cjk, is_cjk_letter, is_invisible, is_latin_alnum,
};
use crate::text::shape::{self, Glyph, StyledRange};
use crate::theme::TextStyle;

use super::inline::StyledText;
use super::page::{Item, PlacedGlyph, TextRun};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Justify,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub struct ParagraphStyle<'a> {
    pub width: f32,
    /// Indent of the first line (CJK paragraphs: two ems).
    pub first_indent: f32,
    pub align: Align,
    /// Baseline-to-baseline distance.
    pub pitch: f32,
    /// The size that sets the line's vertical metrics.
    pub size: f32,
    pub lang: &'a str,
    /// Keep runs of spaces and break anywhere if needed (code).
    pub preformatted: bool,
}

impl<'a> ParagraphStyle<'a> {
    /// Ordinary text in `style`: no indent, not preformatted.
    pub fn new(style: &TextStyle, width: f32, align: Align, lang: &'a str) -> Self {
        ParagraphStyle {
            width,
            first_indent: 0.0,
            align,
            pitch: style.size * style.leading,
            size: style.size,
            lang,
            preformatted: false,
        }
    }
}

/// One set line. Items are relative to the line's top-left corner.
#[derive(Debug, Clone)]
pub struct Line {
    pub items: Vec<Item>,
    pub height: f32,
}

#[derive(Debug, Default)]
pub struct SetParagraph {
    pub lines: Vec<Line>,
    /// Byte offsets into the text of characters no font has.
    pub missing: Vec<usize>,
}

/// Per-glyph working values.
struct Work {
    glyphs: Vec<Glyph>,
    /// The first character of each glyph's cluster.
    chars: Vec<char>,
    /// Extra space after the glyph that is not a character: Han–Latin glue.
    glue: Vec<f32>,
    /// Whether the glyph is drawn at all (control and default-ignorable characters are not).
    drawn: Vec<bool>,
    /// True where the glyph starts a new cluster.
    cluster_start: Vec<bool>,
    /// Raised glyphs (footnote references) cling to what precedes them.
    raised: Vec<bool>,
}

pub fn set_paragraph(
    text: &StyledText,
    style: &ParagraphStyle<'_>,
    book: &FontBook,
) -> SetParagraph {
    if text.text.is_empty() {
        return SetParagraph::default();
    }
    let (work, missing) = shape_and_space(text, style.lang, !style.preformatted, book);
    let opportunities = glyph_opportunities(&text.text, &work, style.preformatted);
    let breaks = choose_breaks(&work, &opportunities, style);
    let mut lines = Vec::with_capacity(breaks.len());
    let mut start = 0;
    let count = breaks.len();
    for (n, (end, forced)) in breaks.into_iter().enumerate() {
        let last = n + 1 == count || forced;
        let indent = if n == 0 { style.first_indent } else { 0.0 };
        lines.push(build_line(text, &work, start, end, indent, last, style));
        start = end;
    }
    SetParagraph { lines, missing }
}

/// Shapes the text and applies the clreq spacing that does not depend on line breaks:
/// punctuation compression and (unless preformatted) Han–Latin glue. Also returns the
/// byte offsets of characters no font has.
fn shape_and_space(
    text: &StyledText,
    lang: &str,
    glue: bool,
    book: &FontBook,
) -> (Work, Vec<usize>) {
    let ranges: Vec<StyledRange> = text
        .spans
        .iter()
        .map(|s| StyledRange {
            range: s.range.clone(),
            style: s.style.font,
            size: s.style.size,
        })
        .collect();
    let shaped = shape::shape(&text.text, &ranges, book, lang);
    let mut work = prepare(text, shaped.glyphs);
    adjust_punctuation(&mut work);
    if glue {
        add_han_latin_glue(&mut work);
    }
    (work, shaped.missing)
}

fn prepare(styled: &StyledText, glyphs: Vec<Glyph>) -> Work {
    let text = styled.text.as_str();
    let n = glyphs.len();
    let raised = glyphs
        .iter()
        .map(|g| styled.span_at(g.cluster.start).style.rise != 0.0)
        .collect();
    let mut chars = Vec::with_capacity(n);
    let mut drawn = Vec::with_capacity(n);
    let mut cluster_start = Vec::with_capacity(n);
    for (i, g) in glyphs.iter().enumerate() {
        let c = text[g.cluster.start..].chars().next().unwrap_or(' ');
        chars.push(c);
        drawn.push(!(c.is_control() || (is_invisible(c) && g.id == 0)));
        cluster_start.push(i == 0 || glyphs[i - 1].cluster.start != g.cluster.start);
    }
    let mut work = Work {
        glyphs,
        chars,
        glue: vec![0.0; n],
        drawn,
        cluster_start,
        raised,
    };
    for i in 0..n {
        if !work.drawn[i] {
            work.glyphs[i].advance = 0.0;
        }
    }
    work
}

fn is_full_width(g: &Glyph) -> bool {
    g.advance >= 0.9 * g.size
}

/// Two adjacent full-width marks take at most one and a half ems (clreq 3.1.6): the blank
/// half of one of them is removed.
fn adjust_punctuation(w: &mut Work) {
    for i in 0..w.glyphs.len().saturating_sub(1) {
        let (a, b) = (w.chars[i], w.chars[i + 1]);
        let both_full_width = is_cjk(a)
            && is_cjk(b)
            && is_full_width(&w.glyphs[i])
            && is_full_width(&w.glyphs[i + 1]);
        if !both_full_width {
            continue;
        }
        if has_blank_right(a) && (has_blank_right(b) || has_blank_left(b)) {
            w.glyphs[i].advance -= 0.5 * w.glyphs[i].size;
        } else if has_blank_left(b) && has_blank_left(a) {
            let half = 0.5 * w.glyphs[i + 1].size;
            w.glyphs[i + 1].advance -= half;
            w.glyphs[i + 1].x_offset -= half;
        }
    }
}

/// A quarter em between Han and Latin letters or digits, as glue rather than a character.
fn add_han_latin_glue(w: &mut Work) {
    for i in 0..w.glyphs.len().saturating_sub(1) {
        if !w.cluster_start[i + 1] || w.raised[i] || w.raised[i + 1] {
            continue;
        }
        let (a, b) = (w.chars[i], w.chars[i + 1]);
        let mixed =
            (is_cjk_letter(a) && is_latin_alnum(b)) || (is_latin_alnum(a) && is_cjk_letter(b));
        if mixed {
            let size = if is_cjk_letter(a) {
                w.glyphs[i].size
            } else {
                w.glyphs[i + 1].size
            };
            w.glue[i] = 0.25 * size;
        }
    }
}

/// Break opportunities as glyph indices (a line ends before that glyph).
fn glyph_opportunities(text: &str, w: &Work, preformatted: bool) -> Vec<(usize, Break)> {
    let mut out: Vec<(usize, Break)> = breaks::opportunities(text)
        .into_iter()
        .filter_map(|(at, kind)| {
            let g = w.glyphs.partition_point(|g| g.cluster.start < at);
            (g > 0 && g < w.glyphs.len() && !(kind == Break::Allowed && w.raised[g]))
                .then_some((g, kind))
        })
        .collect();
    out.dedup_by_key(|(g, _)| *g);
    if preformatted {
        // Code: only hard breaks from the source and, failing those, emergency breaks.
        out.retain(|(_, k)| *k == Break::Mandatory);
    }
    out
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\n' || c == '\u{3000}' || c == '\t'
}

/// The glyph range actually shown on a line [start, end): trailing spaces hang.
fn visible_end(w: &Work, start: usize, end: usize) -> usize {
    let mut e = end;
    while e > start && (is_space(w.chars[e - 1]) || !w.drawn[e - 1]) {
        e -= 1;
    }
    e
}

fn natural_width(w: &Work, start: usize, end: usize) -> f32 {
    let e = visible_end(w, start, end);
    let mut width = 0.0;
    for i in start..e {
        width += w.glyphs[i].advance;
        if i + 1 < e {
            width += w.glue[i];
        }
    }
    width
}

/// How much the line's last mark can give up at the line end (GB/T 15834: half an em).
fn end_shrink(w: &Work, start: usize, end: usize) -> f32 {
    let e = visible_end(w, start, end);
    if e > start && has_blank_right(w.chars[e - 1]) && is_full_width(&w.glyphs[e - 1]) {
        0.5 * w.glyphs[e - 1].size
    } else {
        0.0
    }
}

/// Greedy first fit: each line takes as much as fits, a prohibited break pulls the previous
/// character down, and a word longer than the line is cut rather than left to overflow.
/// Returns (end glyph, ended by a hard break) for each line.
fn choose_breaks(
    w: &Work,
    opps: &[(usize, Break)],
    style: &ParagraphStyle<'_>,
) -> Vec<(usize, bool)> {
    let n = w.glyphs.len();
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    const EPS: f32 = 0.01;
    while start < n {
        let avail = style.width
            - if out.is_empty() {
                style.first_indent
            } else {
                0.0
            };
        let mut best: Option<(usize, bool)> = None;
        while k < opps.len() && opps[k].0 <= start {
            k += 1;
        }
        let mut j = k;
        loop {
            let (end, forced) = match opps.get(j) {
                Some(&(g, kind)) => (g, kind == Break::Mandatory),
                None => (n, true),
            };
            if natural_width(w, start, end) - end_shrink(w, start, end) <= avail + EPS {
                best = Some((end, forced));
                if forced {
                    break;
                }
                j += 1;
            } else {
                break;
            }
        }
        let (end, forced) = match best {
            Some(b) => b,
            None => (
                emergency_end(w, start, opps.get(j).map_or(n, |o| o.0), avail),
                false,
            ),
        };
        out.push((end, forced && end < n || end == n));
        start = end;
    }
    out
}

/// The most clusters from `start` that fit in `avail`, at least one.
fn emergency_end(w: &Work, start: usize, limit: usize, avail: f32) -> usize {
    let mut best = start + 1;
    while best < limit && !w.cluster_start[best] {
        best += 1;
    }
    for e in best + 1..=limit {
        if e < limit && !w.cluster_start[e] {
            continue;
        }
        if natural_width(w, start, e) <= avail {
            best = e;
        } else {
            break;
        }
    }
    best
}

fn build_line(
    text: &StyledText,
    w: &Work,
    start: usize,
    end: usize,
    indent: f32,
    last: bool,
    style: &ParagraphStyle<'_>,
) -> Line {
    let e = visible_end(w, start, end);
    let avail = style.width - indent;
    let natural = natural_width(w, start, end);
    let mut extra_after = vec![0.0f32; e.saturating_sub(start)];
    let mut shift = indent;
    let slack = avail - natural;
    let justified = style.align == Align::Justify && !last;
    if justified && e > start {
        // GB/T 15834: a full-width mark ending a justified line is set in half an em, so
        // the ink, not the blank half, meets the right edge; the rest is justified.
        let shrink = end_shrink(w, start, end);
        extra_after[e - start - 1] = -shrink;
        justify(w, start, e, slack + shrink, &mut extra_after);
    } else if slack < 0.0 && e > start {
        // Only a line-end mark can be this tight (see `end_shrink`).
        extra_after[e - start - 1] = slack.max(-end_shrink(w, start, end));
    } else {
        match style.align {
            Align::Center => shift += slack / 2.0,
            Align::Right => shift += slack,
            _ => {}
        }
    }

    let top_to_baseline = (style.pitch - style.size) / 2.0 + 0.88 * style.size;
    let mut items = Vec::new();
    let mut x = shift;
    let mut run: Option<(TextRun, usize, f32)> = None; // run, span index, rise
    let mut decorations: Vec<(usize, f32, f32)> = Vec::new(); // span index, x0, x1
    for i in start..e {
        let g = &w.glyphs[i];
        let span_index = text
            .spans
            .partition_point(|s| s.range.end <= g.cluster.start)
            .min(text.spans.len() - 1);
        let span = &text.spans[span_index].style;
        let advance = g.advance + if i + 1 < e { w.glue[i] } else { 0.0 } + extra_after[i - start];
        if w.drawn[i] {
            let same = run.as_ref().is_some_and(|(r, s, _)| {
                r.face == g.face
                    && r.size == g.size
                    && text.spans[*s].style.color == span.color
                    && text.spans[*s].style.rise == span.rise
                    && text.spans[*s].style.oblique == span.oblique
            });
            if !same {
                if let Some((r, _, _)) = run.take() {
                    items.push(Item::Text(finish_run(r, &text.text)));
                }
                run = Some((
                    TextRun {
                        face: g.face,
                        size: g.size,
                        color: span.color,
                        x,
                        y: top_to_baseline - span.rise,
                        glyphs: Vec::new(),
                        text: String::new(),
                        oblique: span.oblique,
                    },
                    span_index,
                    span.rise,
                ));
            }
            if let Some((r, _, _)) = run.as_mut() {
                r.glyphs.push(PlacedGlyph {
                    id: g.id,
                    advance,
                    x_offset: g.x_offset,
                    y_offset: g.y_offset,
                    range: g.cluster.clone(),
                });
            }
        }
        if span.dots && w.drawn[i] && is_cjk_letter(w.chars[i]) {
            items.push(Item::Dot {
                x: x + g.advance / 2.0,
                y: top_to_baseline + 0.36 * g.size,
                radius: 0.065 * g.size,
                color: span.color,
            });
        }
        if span.strike || span.link.is_some() {
            match decorations.last_mut() {
                Some((s, _, x1)) if *s == span_index && (*x1 - x).abs() < 0.01 => *x1 = x + advance,
                _ => decorations.push((span_index, x, x + advance)),
            }
        }
        x += advance;
    }
    if let Some((r, _, _)) = run.take() {
        items.push(Item::Text(finish_run(r, &text.text)));
    }
    for (s, x0, x1) in decorations {
        let span = &text.spans[s].style;
        if span.strike {
            let y = top_to_baseline - 0.3 * span.size;
            items.push(Item::Line {
                x0,
                y0: y,
                x1,
                y1: y,
                width: 0.05 * span.size,
                color: span.color,
            });
        }
        if let Some(target) = &span.link {
            items.push(Item::Link {
                x: x0,
                y: 0.0,
                width: x1 - x0,
                height: style.pitch,
                target: target.clone(),
            });
        }
    }
    Line {
        items,
        height: style.pitch,
    }
}

/// Turns absolute cluster ranges into ranges of the run's own text.
fn finish_run(mut run: TextRun, text: &str) -> TextRun {
    let from = run.glyphs.iter().map(|g| g.range.start).min().unwrap_or(0);
    let to = run.glyphs.iter().map(|g| g.range.end).max().unwrap_or(from);
    run.text = text[from..to].to_owned();
    for g in &mut run.glyphs {
        g.range = g.range.start - from..g.range.end - from;
    }
    // Runs live until the PDF is written, one per font change per line of the whole
    // bulletin: the slack of the growing vector was a third of layout's memory (issue #11).
    run.glyphs.shrink_to_fit();
    run
}

/// Distributes `slack` over the line: Latin word spaces and Han–Latin glue first (within
/// limits), then evenly between CJK characters; Latin-only lines put it all in the spaces.
fn justify(w: &Work, start: usize, end: usize, slack: f32, extra: &mut [f32]) {
    if slack <= 0.0 || end <= start {
        return;
    }
    let mut spaces = Vec::new();
    let mut glues = Vec::new();
    let mut gaps = Vec::new();
    for i in start..end {
        let c = w.chars[i];
        if c == ' ' {
            spaces.push(i);
        } else if i + 1 < end && w.glue[i] > 0.0 {
            glues.push(i);
        } else if i + 1 < end
            && w.cluster_start[i + 1]
            && (is_cjk(c) || is_cjk(w.chars[i + 1]))
            && !(crate::text::script::is_inseparable(c) && c == w.chars[i + 1])
        {
            gaps.push(i);
        }
    }
    let space_cap = 0.25 * w.glyphs.get(start).map_or(10.0, |g| g.size);
    let glue_cap = 0.08 * w.glyphs.get(start).map_or(10.0, |g| g.size);
    let capacity = spaces.len() as f32 * space_cap + glues.len() as f32 * glue_cap;
    let first = slack.min(capacity);
    if capacity > 0.0 {
        for &i in &spaces {
            extra[i - start] += first * space_cap / capacity;
        }
        for &i in &glues {
            extra[i - start] += first * glue_cap / capacity;
        }
    }
    let mut rest = slack - first;
    // Inter-character space between Han characters stays small: past about a tenth of an
    // em, text extraction (copy, search) starts to see word gaps inside Chinese words.
    let gap_cap = 0.08 * w.glyphs.get(start).map_or(10.0, |g| g.size);
    let has_spaces = !spaces.is_empty() || !glues.is_empty();
    if !gaps.is_empty() {
        let each = if has_spaces {
            (rest / gaps.len() as f32).min(gap_cap)
        } else {
            rest / gaps.len() as f32
        };
        for &i in &gaps {
            extra[i - start] += each;
        }
        rest -= each * gaps.len() as f32;
    }
    if rest > 0.0 && has_spaces {
        let targets: Vec<usize> = spaces.iter().chain(&glues).copied().collect();
        let each = rest / targets.len() as f32;
        for i in targets {
            extra[i - start] += each;
        }
    }
}

/// The width of the text on one line, and of its widest unbreakable piece (what a table
/// column needs at least).
pub fn measure(text: &StyledText, lang: &str, book: &FontBook) -> (f32, f32) {
    if text.text.is_empty() {
        return (0.0, 0.0);
    }
    let (work, _) = shape_and_space(text, lang, true, book);
    let opps = glyph_opportunities(&text.text, &work, false);
    let n = work.glyphs.len();
    let mut widest: f32 = 0.0;
    let mut start = 0;
    for end in opps.iter().map(|o| o.0).chain(std::iter::once(n)) {
        widest = widest.max(natural_width(&work, start, end));
        start = end;
    }
    (natural_width(&work, 0, n), widest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::fonts::{FontSources, default_bundled_dir};
    use crate::layout::inline::StyledText;
    use crate::text::script::{no_line_end, no_line_start};
    use crate::theme::Theme;

    fn book() -> FontBook {
        FontBook::load(&FontSources {
            bundled_dir: default_bundled_dir(),
            ..Default::default()
        })
        .unwrap()
    }

    fn style(width: f32) -> ParagraphStyle<'static> {
        ParagraphStyle {
            width,
            first_indent: 21.0,
            align: Align::Justify,
            pitch: 18.0,
            size: 10.5,
            lang: "zh-CN",
            preformatted: false,
        }
    }

    /// (text, right edge) of each line.
    fn lines(text: &str, width: f32, book: &FontBook) -> Vec<(String, f32)> {
        let styled = StyledText::plain(text, &Theme::default().body);
        set_paragraph(&styled, &style(width), book)
            .lines
            .iter()
            .map(|l| {
                let mut s = String::new();
                let mut right: f32 = 0.0;
                for item in &l.items {
                    if let Item::Text(r) = item {
                        let mut x = r.x;
                        let mut last = None;
                        for g in &r.glyphs {
                            // A cluster of several glyphs contributes its text once.
                            if last != Some(g.range.start) {
                                s.push_str(&r.text[g.range.clone()]);
                                last = Some(g.range.start);
                            }
                            x += g.advance;
                        }
                        right = right.max(x);
                    }
                }
                (s, right)
            })
            .collect()
    }

    const CJK: &str = "学校深入推进学习贯彻习近平新时代中国特色社会主义思想主题教育，以主题教育的成效巩固学校发展优势。“双一流”建设取得新进展（详见附表），全校上下——教师、学生、校友——共同努力……《简报》第十七期。";

    #[test]
    fn chinese_prohibitions_hold_at_every_width() {
        let book = book();
        for chars in 8..30 {
            let width = chars as f32 * 10.5 + 3.0;
            let set = lines(CJK, width, &book);
            for (i, (text, _)) in set.iter().enumerate() {
                let first = text.chars().next().unwrap();
                let last = text.chars().last().unwrap();
                assert!(!no_line_start(first), "line starts with {first}: {text}");
                assert!(!no_line_end(last), "line ends with {last}: {text}");
                if let Some((next, _)) = set.get(i + 1) {
                    for mark in ['—', '…'] {
                        let split = text.ends_with(mark) && next.starts_with(mark);
                        assert!(!split, "{mark}{mark} split: {text} / {next}");
                    }
                }
            }
        }
    }

    #[test]
    fn justified_lines_fill_the_measure_and_never_overflow() {
        let book = book();
        for width in [150.0, 233.0, 300.0] {
            let set = lines(CJK, width, &book);
            for (i, (text, right)) in set.iter().enumerate() {
                assert!(*right <= width + 0.05, "overflow {right} > {width}: {text}");
                if i + 1 < set.len() {
                    assert!(
                        (right - width).abs() < 0.6,
                        "line {i} not justified ({right} of {width}): {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn long_url_is_cut_not_overflowing() {
        let book = book();
        let url = "See https://lib.bit.edu.cn/services/gpu-computing-room/booking/a-very-long-path/that/never/ends.html now";
        for (text, right) in lines(url, 120.0, &book) {
            assert!(right <= 120.05, "overflow: {text}");
        }
    }

    #[test]
    fn han_latin_glue_is_space_not_a_character() {
        let book = book();
        let set = lines("学校AI实验室", 400.0, &book);
        assert_eq!(set[0].0, "学校AI实验室");
        let styled = StyledText::plain("学校AI实验室", &Theme::default().body);
        let mut st = style(400.0);
        st.first_indent = 0.0;
        let para = set_paragraph(&styled, &st, &book);
        let Item::Text(run) = &para.lines[0].items[0] else {
            panic!()
        };
        // 校 (full width) plus a quarter em of glue.
        assert!(
            (run.glyphs[1].advance - 10.5 * 1.25).abs() < 0.01,
            "{}",
            run.glyphs[1].advance
        );
    }

    #[test]
    fn arbitrary_text_at_any_width_never_panics_or_overflows() {
        let book = book();
        let alphabet: Vec<char> =
            "ab 学校，。“”（）——……\n\u{200B}\u{301}é𐤀 https://x.y/z—1234567890-"
                .chars()
                .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for round in 0..300 {
            let len = (round * 7) % 90;
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            for width in [0.5, 12.0, 47.0, 200.0] {
                let styled = StyledText::plain(&text, &Theme::default().body);
                let mut para = style(width);
                para.first_indent = 0.0;
                for line in set_paragraph(&styled, &para, &book).lines {
                    let mut clusters = std::collections::BTreeSet::new();
                    let mut right: f32 = 0.0;
                    for item in &line.items {
                        if let Item::Text(r) = item {
                            let advance: f32 = r.glyphs.iter().map(|g| g.advance).sum();
                            right = right.max(r.x + advance);
                            let x = r.x.to_bits();
                            clusters.extend(r.glyphs.iter().map(|g| (x, g.range.start)));
                        }
                    }
                    // Only a single unbreakable cluster may be wider than the measure.
                    let ok = right <= width + 0.05 || clusters.len() <= 1;
                    assert!(ok, "{text:?}: {right} > {width}");
                }
            }
        }
    }
}
