//! Cutting each embedded font down to the characters the book shows.
//!
//! The bundled Noto SC faces are 3–4 MB each; a bulletin uses a thousand or two of their
//! ten thousand characters. `allsorts` keeps `cmap` (reading systems need it to map text
//! to glyphs; PDF-oriented subsetters drop it) and pulls in the components of composite
//! glyphs. OpenType layout tables (`GSUB`/`GPOS`) are not kept: allsorts cannot subset
//! them, and horizontal CJK and Latin text reads fine without them.

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use rayon::prelude::*;

use crate::diagnostics::Error;

use super::fonts::{FaceKey, FontSet, LoadedFace};
use super::usage::Family;

/// A subset font ready to go into the book.
#[derive(Debug, Clone)]
pub(crate) struct EmbeddedFont {
    pub family: Family,
    pub bold: bool,
    /// Path inside the book, e.g. `fonts/folio-serif-400.ttf`.
    pub href: String,
    /// `font/ttf`, or `font/otf` for a font with PostScript outlines.
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl EmbeddedFont {
    pub(crate) fn weight(&self) -> u16 {
        if self.bold { 700 } else { 400 }
    }
}

/// Subsets every face that has characters to carry; faces nothing is shown in are left
/// out of the book. Faces are cut in parallel; the result is in (family, weight) order
/// whatever the thread count.
pub(crate) fn embed_fonts(
    fonts: &FontSet<'_>,
    assigned: &BTreeMap<FaceKey, BTreeSet<char>>,
) -> Result<Vec<EmbeddedFont>, Error> {
    let jobs: Vec<(&LoadedFace<'_>, &BTreeSet<char>)> = assigned
        .iter()
        .filter_map(|(key, chars)| fonts.get(*key).map(|face| (face, chars)))
        .collect();
    jobs.into_par_iter()
        .map(|(face, chars)| subset_face(face, chars))
        .collect()
}

/// Subsets one face to `chars` and checks that the result still maps every one of them.
pub(crate) fn subset_face(
    face: &LoadedFace<'_>,
    chars: &BTreeSet<char>,
) -> Result<EmbeddedFont, Error> {
    let fail = |why: String| Error::Epub(format!("cannot subset font {}: {why}", face.describe()));
    // Glyph 0 (.notdef) must come first; a sorted set gives that and no duplicates.
    let mut glyphs: BTreeSet<u16> = BTreeSet::from([0]);
    glyphs.extend(
        chars
            .iter()
            .filter_map(|&c| face.face.glyph_index(c))
            .map(|g| g.0),
    );
    let glyphs: Vec<u16> = glyphs.into_iter().collect();

    let font_data = ReadScope::new(face.data)
        .read::<FontData<'_>>()
        .map_err(|e| fail(e.to_string()))?;
    let provider = font_data
        .table_provider(0)
        .map_err(|e| fail(e.to_string()))?;
    let bytes = subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| fail(e.to_string()))?;

    verify(&bytes, chars).map_err(fail)?;
    let (extension, media_type) = if bytes.starts_with(b"OTTO") {
        ("otf", "font/otf")
    } else {
        ("ttf", "font/ttf")
    };
    Ok(EmbeddedFont {
        family: face.family,
        bold: face.bold,
        href: format!(
            "fonts/folio-{}-{}.{extension}",
            face.family.slug(),
            face.weight()
        ),
        media_type,
        bytes,
    })
}

/// Parses the subset font independently of allsorts and checks that every character still
/// maps to a glyph other than `.notdef`.
fn verify(bytes: &[u8], chars: &BTreeSet<char>) -> Result<(), String> {
    let face = ttf_parser::Face::parse(bytes, 0)
        .map_err(|e| format!("the subset font cannot be read back: {e}"))?;
    for &c in chars {
        match face.glyph_index(c) {
            Some(g) if g.0 != 0 => {}
            _ => return Err(format!("the subset font lost U+{:04X}", u32::from(c))),
        }
    }
    Ok(())
}
