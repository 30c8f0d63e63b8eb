//! Shaping with rustybuzz and per-character font fallback inside a run.
//!
//! Text is split where the chosen face changes (a Latin word inside Chinese stays in the
//! CJK face only if the style's first face has it), each piece is shaped on its own, and
//! glyph clusters are mapped back to byte offsets of the whole paragraph so that line
//! breaking and the PDF's ToUnicode can refer to the source text.

use std::ops::Range;
use std::str::FromStr;

use crate::assets::fonts::{FaceId, FontBook, FontStyle};

use super::script::{is_combining, is_invisible};

/// One positioned glyph. Lengths are in points at the run's size.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub face: FaceId,
    pub id: u16,
    pub size: f32,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// Byte range of this glyph's cluster in the shaped text.
    pub cluster: Range<usize>,
}

/// A stretch of text in one style.
#[derive(Debug, Clone)]
pub struct StyledRange {
    pub range: Range<usize>,
    pub style: FontStyle,
    pub size: f32,
}

/// The result of shaping a paragraph.
#[derive(Debug, Default)]
pub struct Shaped {
    pub glyphs: Vec<Glyph>,
    /// Byte offsets of characters no face has (drawn as .notdef; the caller reports them).
    pub missing: Vec<usize>,
}

/// Shapes `text`, whose styles are given by `ranges` (sorted, covering the text).
pub fn shape(text: &str, ranges: &[StyledRange], book: &FontBook, lang: &str) -> Shaped {
    let mut out = Shaped::default();
    let language = rustybuzz::Language::from_str(lang).ok();
    for styled in ranges {
        let piece = &text[styled.range.clone()];
        for (face, run) in face_runs(
            piece,
            styled.style,
            book,
            &mut out.missing,
            styled.range.start,
        ) {
            let start = styled.range.start + run.start;
            shape_run(
                &text[start..styled.range.start + run.end],
                start,
                face,
                styled.size,
                book,
                language.as_ref(),
                &mut out.glyphs,
            );
        }
    }
    out
}

/// Splits `text` into maximal runs that one face can set.
fn face_runs(
    text: &str,
    style: FontStyle,
    book: &FontBook,
    missing: &mut Vec<usize>,
    base: usize,
) -> Vec<(FaceId, Range<usize>)> {
    let primary = book.primary(style);
    let mut runs: Vec<(FaceId, Range<usize>)> = Vec::new();
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let joins_previous = is_invisible(c) || is_combining(c);
        let face = if joins_previous {
            runs.last().map(|(f, _)| *f).unwrap_or(primary)
        } else {
            match book.face_for_char(style, c) {
                Some(f) => f,
                None => {
                    missing.push(base + i);
                    primary
                }
            }
        };
        match runs.last_mut() {
            Some((f, r)) if *f == face => r.end = end,
            _ => runs.push((face, i..end)),
        }
    }
    runs
}

fn shape_run(
    text: &str,
    offset: usize,
    face_id: FaceId,
    size: f32,
    book: &FontBook,
    language: Option<&rustybuzz::Language>,
    out: &mut Vec<Glyph>,
) {
    let face = book.face(face_id);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    if let Some(lang) = language {
        buffer.set_language(lang.clone());
    }
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face.shaper(), &[], buffer);
    let scale = size / face.units_per_em;
    let infos = shaped.glyph_infos();
    let positions = shaped.glyph_positions();
    let first = out.len();
    for (info, pos) in infos.iter().zip(positions) {
        let start = info.cluster as usize;
        out.push(Glyph {
            face: face_id,
            id: info.glyph_id as u16,
            size,
            advance: pos.x_advance as f32 * scale,
            x_offset: pos.x_offset as f32 * scale,
            y_offset: pos.y_offset as f32 * scale,
            cluster: offset + start..offset + start,
        });
    }
    // A cluster ends where the next distinct cluster starts (LTR: clusters ascend).
    let glyphs = &mut out[first..];
    let mut end = offset + text.len();
    for i in (0..glyphs.len()).rev() {
        let start = glyphs[i].cluster.start;
        glyphs[i].cluster.end = end;
        if i > 0 && glyphs[i - 1].cluster.start != start {
            end = start;
        }
    }
}
