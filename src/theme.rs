//! The look of a document as data: sizes, spacing and colours. Layout reads these values
//! and nothing else; they come from a template file (`templates/*.toml`, see
//! [`crate::template`]), so the 简报 masthead and the yearly report are different values of
//! this struct, not different code.

use crate::assets::fonts::FontStyle;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

#[derive(Debug, Clone, PartialEq)]
pub struct TextStyle {
    pub font: FontStyle,
    /// Point size.
    pub size: f32,
    /// Baseline-to-baseline distance as a multiple of `size`.
    pub leading: f32,
    pub color: Rgb,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub body: TextStyle,
    /// Level 1..=4 headings inside articles (deeper levels use the last).
    pub headings: [TextStyle; 4],
    pub article_title: TextStyle,
    pub article_subtitle: TextStyle,
    pub byline: TextStyle,
    pub code: TextStyle,
    pub caption: TextStyle,
    pub footnote: TextStyle,
    pub table: TextStyle,
    pub running: TextStyle,
    pub masthead_title: TextStyle,
    pub masthead_subtitle: TextStyle,
    pub masthead_info: TextStyle,
    pub toc_heading: TextStyle,
    pub toc_entry: TextStyle,
    pub link_color: Rgb,
    pub rule_color: Rgb,
    pub accent: Rgb,
    pub code_background: Rgb,
    pub table_header_background: Rgb,
    /// Space after a paragraph, in multiples of the body size.
    pub paragraph_gap: f32,
    /// First-line indent of CJK paragraphs, in ems of the body size (clreq: two).
    pub cjk_indent: f32,
    /// Left indent per list or quote level, in ems.
    pub block_indent: f32,
    /// Space above and below headings, in multiples of the body size.
    pub heading_above: f32,
    pub heading_below: f32,
    /// Distance from the page edge to the running head's and footer's baselines, in points,
    /// measured into the margin.
    pub header_offset: f32,
    pub footer_offset: f32,
    /// Fraction of the text height an image may take at most.
    pub max_image_height: f32,
    /// How Chinese emphasis is shown (`[typography] emphasis` in bulletin.toml).
    pub emphasis: EmphasisStyle,
}

/// How Chinese emphasis (`*强调*`) is shown; Latin emphasis is italic in every style.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EmphasisStyle {
    /// Emphasis dots under each Han character (着重号), the clreq way.
    #[default]
    Dots,
    /// Set in a Kai (楷体) face from the user's fonts.
    Kai,
    /// Set in bold.
    Bold,
}

impl EmphasisStyle {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "dots" => Some(EmphasisStyle::Dots),
            "kai" => Some(EmphasisStyle::Kai),
            "bold" => Some(EmphasisStyle::Bold),
            _ => None,
        }
    }
}

impl Default for Theme {
    /// The bulletin template's theme (`templates/bulletin.toml`).
    fn default() -> Self {
        crate::template::Template::builtin("bulletin")
            .map(|t| t.theme)
            .expect("templates/bulletin.toml is complete (checked by the template tests)")
    }
}
