//! Shaping with rustybuzz and per-character font fallback inside a run.
//!
//! Text is split where the chosen face changes (a Latin word inside Chinese stays in the
//! CJK face only if the style's first face has it), each piece is shaped on its own, and
//! glyph clusters are mapped back to byte offsets of the whole paragraph so that line
//! breaking and the PDF's ToUnicode can refer to the source text.

use std::ops::Range;
use std::str::FromStr;

use crate::assets::fonts::{FaceId, Family, FontBook, FontStyle};

use super::script::{is_cjk, is_combining, is_invisible, is_latin_alnum};

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
    /// Latin emphasis: the family's italic face where the book has one (else the writer
    /// shears the upright face).
    pub italic: bool,
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
            let face = if styled.italic {
                book.italic_of(face).unwrap_or(face)
            } else {
                face
            };
            let range = styled.range.start + run.start..styled.range.start + run.end;
            let run = Run {
                text,
                range,
                face,
                size: styled.size,
                code: styled.style.family == Family::Mono,
                bold: styled.style.bold,
            };
            shape_run(&run, book, language.as_ref(), &mut out.glyphs);
        }
    }
    out
}

/// Curly quotes in Latin context take the font's proportional forms (`pwid`): the CJK fonts
/// default to full-width quotes, right for Chinese but far too wide around English words
/// (clreq: next to Latin text, narrow forms). The text outside the quote decides (before
/// an opening quote, after a closing one or an apostrophe, past spaces), so both quotes of a
/// pair agree; at the edge of the text the quoted text decides. Ranges are relative to `run`.
fn latin_quote_features(text: &str, run: Range<usize>) -> Vec<rustybuzz::Feature> {
    let latin = |c: char| c.is_ascii_graphic() || is_latin_alnum(c);
    let mut features = Vec::new();
    for (i, c) in text[run.clone()].char_indices() {
        let at = run.start + i;
        let before = text[..at].chars().rev();
        let after = text[at + c.len_utf8()..].chars();
        let (outside, inside) = match c {
            '“' | '‘' => (before.clone().find(|c| *c != ' '), after.clone().next()),
            '”' | '’' => (after.clone().find(|c| *c != ' '), before.clone().next()),
            _ => continue,
        };
        let narrow = match outside {
            Some(o) if is_cjk(o) => false,
            Some(o) if latin(o) => true,
            _ => inside.is_some_and(latin),
        };
        if narrow {
            let tag = rustybuzz::ttf_parser::Tag::from_bytes(b"pwid");
            features.push(rustybuzz::Feature::new(tag, 1, i..i + c.len_utf8()));
        }
    }
    features
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
        let previous = runs.last().map(|(f, _)| *f);
        // Invisible characters ride along with their neighbour; a combining mark stays with
        // its base when that face has the mark (else it falls back like any character, so
        // no .notdef box is drawn unnoticed).
        let joins_previous = is_invisible(c)
            || (is_combining(c) && previous.is_some_and(|f| book.face(f).has_char(c)));
        let face = if joins_previous {
            previous.unwrap_or(primary)
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

/// A stretch of a paragraph's text that one face sets at one size.
struct Run<'a> {
    /// The whole paragraph (quotes look at their neighbours outside the run).
    text: &'a str,
    range: Range<usize>,
    face: FaceId,
    size: f32,
    /// Code: set without ligatures, as the characters a reader would type.
    code: bool,
    /// Asked to be bold: a face of one weight is emboldened, and each glyph widened by the
    /// stroke so neighbours never touch.
    bold: bool,
}

fn shape_run(
    run: &Run<'_>,
    book: &FontBook,
    language: Option<&rustybuzz::Language>,
    out: &mut Vec<Glyph>,
) {
    let (text, offset, face_id, size) = (
        &run.text[run.range.clone()],
        run.range.start,
        run.face,
        run.size,
    );
    let mut features = latin_quote_features(run.text, run.range.clone());
    if run.code {
        // `===` stays three glyphs and `!=` two: readers of printed code expect the
        // characters they would type, not the font's ligatures.
        for tag in [b"liga", b"calt", b"dlig"] {
            let tag = rustybuzz::ttf_parser::Tag::from_bytes(tag);
            features.push(rustybuzz::Feature::new(tag, 0, ..));
        }
    }
    let face = book.face(face_id);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    if let Some(lang) = language {
        buffer.set_language(lang.clone());
    }
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face.shaper(), &features, buffer);
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
    if book.synthetic_bold(run.bold, face_id) {
        // The stroke reaches half its width outside the outline on each side: widen every
        // spacing glyph by the whole width and centre the ink in it.
        let stroke = size * crate::assets::fonts::SYNTHETIC_BOLD_EM;
        for g in &mut out[first..] {
            if g.advance > 0.0 {
                g.advance += stroke;
                g.x_offset += stroke / 2.0;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::fonts::{FontSources, default_bundled_dir};

    fn widths(text: &str) -> Vec<f32> {
        let book = FontBook::load(&FontSources {
            bundled_dir: default_bundled_dir(),
            ..Default::default()
        })
        .unwrap();
        let style = FontStyle {
            family: Family::Serif,
            bold: false,
        };
        let ranges = [StyledRange {
            range: 0..text.len(),
            style,
            size: 10.0,
            italic: false,
        }];
        shape(text, &ranges, &book, "zh-CN")
            .glyphs
            .iter()
            .map(|g| g.advance)
            .collect()
    }

    #[test]
    fn quotes_are_narrow_in_english_and_full_width_in_chinese() {
        let en = widths("“Yes”");
        assert!(en[0] < 6.0 && en[4] < 6.0, "{en:?}");
        let zh = widths("“双一流”");
        assert!(
            (zh[0] - 10.0).abs() < 0.01 && (zh[4] - 10.0).abs() < 0.01,
            "{zh:?}"
        );
        // Latin inside Chinese quotes: the Chinese outside decides, both stay full width.
        let mixed = widths("了“AI”微");
        assert!(
            (mixed[1] - 10.0).abs() < 0.01 && (mixed[4] - 10.0).abs() < 0.01,
            "{mixed:?}"
        );
        let apostrophe = widths("don’t");
        assert!(apostrophe[3] < 6.0, "{apostrophe:?}");
    }

    #[test]
    fn code_is_shaped_without_ligatures() {
        let book = FontBook::load(&FontSources {
            bundled_dir: default_bundled_dir(),
            ..Default::default()
        })
        .unwrap();
        let mono = FontStyle {
            family: Family::Mono,
            bold: false,
        };
        let face = book.face(book.primary(mono));
        for text in ["===", "!==", "->", "<=>"] {
            let ranges = [StyledRange {
                range: 0..text.len(),
                style: mono,
                size: 10.0,
                italic: false,
            }];
            let ids: Vec<u16> = shape(text, &ranges, &book, "en")
                .glyphs
                .iter()
                .map(|g| g.id)
                .collect();
            let typed: Vec<u16> = text
                .chars()
                .map(|c| face.shaper().glyph_index(c).unwrap().0)
                .collect();
            assert_eq!(ids, typed, "{text} is not drawn as the characters typed");
        }
    }
}
