//! The look of a bulletin as data: sizes, spacing and colours. Layout reads these values
//! and nothing else, so a later theme file (the 简报 masthead, the yearly report) is a
//! different value of this struct, not different code.

use crate::assets::fonts::{Family, FontStyle};

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
}

const BLACK: Rgb = Rgb(0x1a, 0x1a, 0x1a);

fn style(family: Family, bold: bool, size: f32, leading: f32, color: Rgb) -> TextStyle {
    TextStyle {
        font: FontStyle { family, bold },
        size,
        leading,
        color,
    }
}

impl Default for Theme {
    fn default() -> Self {
        use Family::*;
        let grey = Rgb(0x55, 0x55, 0x55);
        let red = Rgb(0xb0, 0x1e, 0x23);
        Theme {
            body: style(Serif, false, 10.5, 1.75, BLACK),
            headings: [
                style(Sans, true, 15.0, 1.45, BLACK),
                style(Sans, true, 13.0, 1.5, BLACK),
                style(Sans, true, 11.5, 1.5, BLACK),
                style(Sans, true, 10.5, 1.6, BLACK),
            ],
            article_title: style(Sans, true, 20.0, 1.35, BLACK),
            article_subtitle: style(Sans, false, 12.5, 1.5, grey),
            byline: style(Sans, false, 9.0, 1.6, grey),
            code: style(Mono, false, 8.5, 1.5, BLACK),
            caption: style(Sans, false, 8.5, 1.5, grey),
            footnote: style(Serif, false, 8.5, 1.6, BLACK),
            table: style(Serif, false, 9.0, 1.5, BLACK),
            running: style(Sans, false, 8.0, 1.2, grey),
            masthead_title: style(Serif, true, 34.0, 1.2, red),
            masthead_subtitle: style(Sans, false, 14.0, 1.4, BLACK),
            masthead_info: style(Sans, false, 9.5, 1.5, BLACK),
            toc_heading: style(Sans, true, 14.0, 1.5, BLACK),
            toc_entry: style(Serif, false, 10.5, 1.9, BLACK),
            link_color: Rgb(0x1f, 0x4e, 0x8c),
            rule_color: Rgb(0x99, 0x99, 0x99),
            accent: red,
            code_background: Rgb(0xf3, 0xf3, 0xf1),
            table_header_background: Rgb(0xec, 0xec, 0xea),
            paragraph_gap: 0.35,
            cjk_indent: 2.0,
            block_indent: 2.0,
            heading_above: 1.1,
            heading_below: 0.45,
            header_offset: 34.0,
            footer_offset: 30.0,
            max_image_height: 0.62,
        }
    }
}
