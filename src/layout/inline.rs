//! Flattening inline markup into one string with styled spans, ready for shaping.

use std::ops::Range;

use crate::assets::fonts::{Family, FontStyle};
use crate::model::{Inline, Styled};
use crate::text::script::is_cjk;
use crate::theme::{EmphasisStyle, Rgb, TextStyle};

use super::page::LinkTarget;

/// How a stretch of paragraph text looks.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanStyle {
    pub font: FontStyle,
    pub size: f32,
    pub color: Rgb,
    /// Baseline shift upwards, in points (superscripts).
    pub rise: f32,
    pub oblique: bool,
    /// Emphasis dots under each Han character (着重号): Chinese emphasis.
    pub dots: bool,
    pub strike: bool,
    /// `<u>`/`<ins>`: a line under the text.
    pub underline: bool,
    /// `<mark>`: a highlight behind the text.
    pub highlight: bool,
    pub link: Option<LinkTarget>,
}

#[derive(Debug, Clone)]
pub struct Span {
    pub range: Range<usize>,
    pub style: SpanStyle,
}

/// A paragraph's text and its styles.
#[derive(Debug, Clone, Default)]
pub struct StyledText {
    pub text: String,
    pub spans: Vec<Span>,
}

impl StyledText {
    pub fn plain(text: &str, style: &TextStyle) -> Self {
        let mut s = StyledText::default();
        s.push(text, &SpanStyle::from(style));
        s
    }

    pub fn push(&mut self, text: &str, style: &SpanStyle) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        match self.spans.last_mut() {
            Some(last) if last.style == *style && last.range.end == start => {
                last.range.end = self.text.len();
            }
            _ => self.spans.push(Span {
                range: start..self.text.len(),
                style: style.clone(),
            }),
        }
    }

    /// The span covering byte `at`.
    pub fn span_at(&self, at: usize) -> &Span {
        let i = self
            .spans
            .partition_point(|s| s.range.end <= at)
            .min(self.spans.len().saturating_sub(1));
        &self.spans[i]
    }
}

impl From<&TextStyle> for SpanStyle {
    fn from(t: &TextStyle) -> Self {
        SpanStyle {
            font: t.font,
            size: t.size,
            color: t.color,
            rise: 0.0,
            oblique: false,
            dots: false,
            strike: false,
            underline: false,
            highlight: false,
            link: None,
        }
    }
}

/// Context that inline conversion needs from outside.
pub struct InlineContext<'a> {
    pub link_color: Rgb,
    /// Prefix for footnote anchors, unique per article.
    pub anchor_prefix: &'a str,
    /// How Chinese emphasis is shown.
    pub emphasis: EmphasisStyle,
}

/// Appends inline content to `out` in `style`.
pub fn push_inlines(
    inlines: &[Inline],
    style: &SpanStyle,
    ctx: &InlineContext<'_>,
    out: &mut StyledText,
) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => push_text(t, style, None, out),
            Inline::Emph(c) => push_emph(c, style, ctx, out),
            Inline::Strong(c) => {
                let mut s = style.clone();
                s.font.bold = true;
                push_inlines(c, &s, ctx, out);
            }
            Inline::Strike(c) => {
                let mut s = style.clone();
                s.strike = true;
                push_inlines(c, &s, ctx, out);
            }
            Inline::Code(t) => {
                let mut s = style.clone();
                s.font.family = Family::Mono;
                s.size = style.size * 0.9;
                push_text(t, &s, None, out);
            }
            Inline::Link { url, content } => {
                let mut s = style.clone();
                s.color = ctx.link_color;
                s.link = link_target(url, ctx);
                push_inlines(content, &s, ctx, out);
            }
            Inline::FootnoteRef { number } => {
                let mut s = style.clone();
                s.size = style.size * 0.62;
                s.rise = style.size * 0.38;
                s.oblique = false;
                s.font.family = Family::Sans;
                s.link = Some(LinkTarget::Anchor(footnote_anchor(
                    ctx.anchor_prefix,
                    *number,
                )));
                out.push(&number.to_string(), &s);
            }
            Inline::LineBreak => out.push("\n", style),
            Inline::Styled(look, content) => {
                let mut s = style.clone();
                match look {
                    Styled::Underline => s.underline = true,
                    Styled::Mark => s.highlight = true,
                    Styled::Small => s.size = style.size * 0.85,
                    Styled::Superscript => {
                        s.size = style.size * 0.7;
                        s.rise = style.rise + style.size * 0.35;
                    }
                    Styled::Subscript => {
                        s.size = style.size * 0.7;
                        s.rise = style.rise - style.size * 0.15;
                    }
                    Styled::Keyboard => {
                        s.font.family = Family::Mono;
                        s.size = style.size * 0.9;
                    }
                    Styled::Abbr(_) => {}
                }
                push_inlines(content, &s, ctx, out);
            }
        }
    }
}

/// Emphasis: Latin is slanted; Chinese is never slanted (clreq) but marked with emphasis
/// dots (as the EPUB does with `text-emphasis`), or set in Kai or bold as the bulletin
/// chooses.
fn push_emph(inlines: &[Inline], style: &SpanStyle, ctx: &InlineContext<'_>, out: &mut StyledText) {
    let mut s = style.clone();
    s.oblique = true;
    let mut sub = StyledText::default();
    push_inlines(inlines, &s, ctx, &mut sub);
    for span in sub.spans {
        let split = span.style.oblique.then_some(ctx.emphasis);
        push_text(&sub.text[span.range], &span.style, split, out);
    }
}

/// Appends `text`; with `emphasis`, its Han stretches are set upright in that style.
fn push_text(text: &str, style: &SpanStyle, emphasis: Option<EmphasisStyle>, out: &mut StyledText) {
    let Some(emphasis) = emphasis else {
        out.push(text, style);
        return;
    };
    let mut cjk_style = style.clone();
    cjk_style.oblique = false;
    match emphasis {
        EmphasisStyle::Dots => cjk_style.dots = true,
        EmphasisStyle::Kai if style.font.family != Family::Mono => {
            cjk_style.font.family = Family::Kai
        }
        EmphasisStyle::Kai => {}
        EmphasisStyle::Bold => cjk_style.font.bold = true,
    }
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let cjk = is_cjk(c);
        if current.is_some_and(|k| k != cjk) {
            let s = if current == Some(true) {
                &cjk_style
            } else {
                style
            };
            out.push(&text[start..i], s);
            start = i;
        }
        current = Some(cjk);
    }
    let s = if current == Some(true) {
        &cjk_style
    } else {
        style
    };
    out.push(&text[start..], s);
}

fn link_target(url: &str, ctx: &InlineContext<'_>) -> Option<LinkTarget> {
    if let Some(id) = url.strip_prefix('#') {
        return Some(LinkTarget::Anchor(format!("{}{id}", ctx.anchor_prefix)));
    }
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"))
        .then(|| LinkTarget::Url(url.to_owned()))
}

pub fn footnote_anchor(prefix: &str, number: u32) -> String {
    format!("{prefix}fn-{number}")
}
