//! What layout hands the PDF writer: pages of absolutely positioned things.
//!
//! Coordinates are PostScript points with the origin at the page's top-left corner and y
//! growing downwards; text is placed by its baseline.

use std::ops::Range;

use crate::assets::fonts::FaceId;
use crate::theme::Rgb;

#[derive(Debug, Clone)]
pub struct Pages {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// Bookmarks in document order; `level` 0 is an article.
    pub outline: Vec<OutlineEntry>,
    /// Trim and bleed boxes when the sheet is larger than the page (`--bleed`).
    pub boxes: Option<PageBoxes>,
}

/// Where a printed page begins in the text: its label and the article and top-level block
/// holding its first line (the EPUB marks the page there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMark {
    pub label: String,
    pub article: usize,
    pub block: usize,
}

/// Where the finished page lies on the sheet, `[x, y, width, height]` from the sheet's
/// top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageBoxes {
    pub trim: [f32; 4],
    pub bleed: [f32; 4],
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// The printed page number (also the PDF page label).
    pub number: u32,
    /// What the items are, for the tagged PDF; items in no span are artifacts.
    pub tags: Vec<super::tags::TagSpan>,
    /// Numbered in lower-case roman numerals (a book's front matter).
    pub roman: bool,
}

#[derive(Debug, Clone)]
pub enum Item {
    Text(TextRun),
    Image {
        key: String,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        color: Rgb,
    },
    Line {
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        width: f32,
        color: Rgb,
    },
    /// A filled circle (emphasis dots).
    Dot {
        x: f32,
        y: f32,
        radius: f32,
        color: Rgb,
    },
    Link {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        target: LinkTarget,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    Url(String),
    /// Resolved by pagination into a page position.
    Anchor(String),
    Position {
        page: usize,
        y: f32,
    },
}

#[derive(Debug, Clone)]
pub struct TextRun {
    pub face: FaceId,
    pub size: f32,
    pub color: Rgb,
    /// Baseline start.
    pub x: f32,
    pub y: f32,
    pub glyphs: Vec<PlacedGlyph>,
    /// The text the glyphs were shaped from; glyph ranges index into it.
    pub text: String,
    /// Slanted by a shear (Latin emphasis where the family has no italic).
    pub oblique: bool,
    /// Bold asked of a face with one weight: drawn with fill and a stroke of
    /// [`crate::assets::fonts::SYNTHETIC_BOLD_EM`] (the advances already hold the stroke).
    pub embolden: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub id: u16,
    /// Final advance, including justification and Han–Latin glue.
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    pub level: u8,
    pub page: usize,
    pub y: f32,
}

impl Item {
    /// Moves the item by (dx, dy).
    pub fn translate(&mut self, dx: f32, dy: f32) {
        match self {
            Item::Text(t) => {
                t.x += dx;
                t.y += dy;
            }
            Item::Image { x, y, .. }
            | Item::Rect { x, y, .. }
            | Item::Link { x, y, .. }
            | Item::Dot { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Item::Line { x0, y0, x1, y1, .. } => {
                *x0 += dx;
                *x1 += dx;
                *y0 += dy;
                *y1 += dy;
            }
        }
    }
}
