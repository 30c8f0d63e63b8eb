//! Cutting each embedded font down to the characters the book shows.
//!
//! The bundled Noto SC faces are 3–4 MB each; a bulletin uses a thousand or two of their
//! ten thousand characters. fontations' port of HarfBuzz's subsetter (klippa) keeps `cmap`
//! (reading systems need it to map text to glyphs; PDF-oriented subsetters drop it) and
//! subsets the OpenType layout tables (`GSUB`, `GPOS`, `GDEF`) with them, so kerning,
//! `locl` and vertical forms survive; the glyphs those features reach are kept too.
//! Hinting is dropped: e-book readers scale text freely and it would only add bytes.

use std::collections::{BTreeMap, BTreeSet};

use fontcull_klippa::{DEFAULT_LAYOUT_FEATURES, Plan, SubsetFlags, subset_font};
use fontcull_write_fonts::read::FontRef;
use fontcull_write_fonts::read::collections::IntSet;
use fontcull_write_fonts::types::{GlyphId, NameId, Tag};
use rayon::prelude::*;

use crate::diagnostics::Error;

use super::fonts::{FaceKey, FontSet, LoadedFace};
use super::usage::Family;

/// HarfBuzz's default features that adjust vertical positions: without `vmtx` (see
/// [`DROP_TABLES`]) they have nothing to adjust. The `vert`/`vrt2` substitutions stay.
const VERTICAL_POSITIONING: [[u8; 4]; 5] = [*b"valt", *b"vkrn", *b"vpal", *b"vhal", *b"vchw"];

/// Code is shown as typed: no programming ligatures (`->` as an arrow) in the mono face.
/// Leaving them out also keeps the ~50 ligature glyphs JetBrains Mono's `calt` reaches out
/// of the book.
const LIGATURES: [[u8; 4]; 3] = [*b"calt", *b"liga", *b"clig"];

/// Tables a reflowable book does not need: hinting, Apple and Graphite layout (reading
/// systems shape with GSUB/GPOS), bitmaps and signatures. Vertical metrics (`vhea`,
/// `vmtx`) go too: the book is set horizontally, and klippa 0.1 copies `vmtx` whole (about
/// 40 KB per Noto face) instead of subsetting it. `GSUB`'s `vert` forms stay.
const DROP_TABLES: &[&[u8; 4]] = &[
    b"morx", b"mort", b"kerx", b"JSTF", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"SVG ", b"PCLT",
    b"LTSH", b"feat", b"Glat", b"Gloc", b"Silf", b"Sill", b"fpgm", b"prep", b"cvt ", b"gasp",
    b"cvar", b"hdmx", b"VDMX", b"vhea", b"vmtx", b"VORG", b"STAT",
];

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
    let font = FontRef::new(face.data).map_err(|e| fail(e.to_string()))?;
    let mut unicodes = IntSet::<u32>::empty();
    unicodes.extend(chars.iter().map(|&c| u32::from(c)));
    let mut drop = IntSet::<Tag>::empty();
    drop.extend(DROP_TABLES.iter().map(|t| Tag::new(t)));
    let mut features = IntSet::<Tag>::empty();
    features.extend(
        DEFAULT_LAYOUT_FEATURES
            .iter()
            .copied()
            .filter(|t| !VERTICAL_POSITIONING.contains(&t.to_be_bytes()))
            .filter(|t| face.family != Family::Mono || !LIGATURES.contains(&t.to_be_bytes())),
    );
    // Family, style and version names, in English: what a reading system shows.
    let mut name_ids = IntSet::<NameId>::empty();
    name_ids.insert_range(NameId::from(0)..=NameId::from(6));
    let mut name_languages = IntSet::<u16>::empty();
    name_languages.insert(0x0409);
    // The same subset, minus the tables in `drop`.
    let subset = |drop: &IntSet<Tag>| {
        let plan = Plan::new(
            &IntSet::<GlyphId>::empty(),
            &unicodes,
            &font,
            SubsetFlags::SUBSET_FLAGS_NO_HINTING,
            drop,
            &IntSet::all(),
            &features,
            &name_ids,
            &name_languages,
        );
        subset_font(&font, &plan).map_err(|e| fail(e.to_string()))
    };
    let mut bytes = subset(&drop)?;
    if !gpos_is_readable(&bytes)
        && let Some(repaired) = repair_extension_lookups(&bytes, &font)
        && gpos_is_readable(&repaired)
    {
        bytes = repaired;
    }
    if !gpos_is_readable(&bytes) {
        // A GPOS no reader accepts would make a browser's font sanitiser reject the whole
        // font. Without GPOS the face keeps its glyphs, cmap and GSUB and loses only
        // kerning.
        drop.insert(Tag::new(b"GPOS"));
        bytes = subset(&drop)?;
    }

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

/// klippa 0.1 writes a GPOS extension lookup (type 9) with its subtables unwrapped but keeps
/// type 9 in the lookup header. When every extension lookup of the original wraps the same
/// lookup type (Noto SC: pair adjustment), that type is unambiguous and the header can be
/// set to it. Returns the repaired font, or `None` if there was nothing safe to repair.
fn repair_extension_lookups(bytes: &[u8], original: &FontRef<'_>) -> Option<Vec<u8>> {
    use fontcull_write_fonts::FontBuilder;
    use fontcull_write_fonts::read::TableProvider;
    use fontcull_write_fonts::read::tables::gpos::PositionLookup;

    let inner: BTreeSet<u16> = original
        .gpos()
        .ok()?
        .lookup_list()
        .ok()?
        .lookups()
        .iter()
        .filter_map(Result::ok)
        .filter_map(|l| match l {
            PositionLookup::Extension(ext) => Some(
                ext.subtables()
                    .iter()
                    .filter_map(Result::ok)
                    .map(|s| {
                        use fontcull_write_fonts::read::tables::gpos::ExtensionSubtable as E;
                        match s {
                            E::Single(_) => 1,
                            E::Pair(_) => 2,
                            E::Cursive(_) => 3,
                            E::MarkToBase(_) => 4,
                            E::MarkToLig(_) => 5,
                            E::MarkToMark(_) => 6,
                            E::Contextual(_) => 7,
                            E::ChainContextual(_) => 8,
                        }
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    let [inner] = inner.into_iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let font = FontRef::new(bytes).ok()?;
    let mut gpos = font.table_data(Tag::new(b"GPOS"))?.as_bytes().to_vec();
    let u16_at = |d: &[u8], at: usize| -> Option<u16> {
        Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]))
    };
    let list = usize::from(u16_at(&gpos, 8)?);
    let count = usize::from(u16_at(&gpos, list)?);
    let mut changed = false;
    for i in 0..count {
        let lookup = list + usize::from(u16_at(&gpos, list + 2 + 2 * i)?);
        if u16_at(&gpos, lookup)? != 9 {
            continue;
        }
        let subtables = usize::from(u16_at(&gpos, lookup + 4)?);
        // A real extension subtable: format 1, then a lookup type 1–8.
        let wrapped = (0..subtables).all(|j| {
            u16_at(&gpos, lookup + 6 + 2 * j)
                .map(|off| lookup + usize::from(off))
                .and_then(|at| Some((u16_at(&gpos, at)?, u16_at(&gpos, at + 2)?)))
                .is_some_and(|(format, kind)| format == 1 && (1..=8).contains(&kind))
        });
        if !wrapped {
            gpos[lookup..lookup + 2].copy_from_slice(&inner.to_be_bytes());
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    Some(
        FontBuilder::new()
            .add_raw(Tag::new(b"GPOS"), gpos)
            .copy_missing_tables(font)
            .build(),
    )
}

/// Whether every GPOS lookup and subtable of `bytes` can be read back.
fn gpos_is_readable(bytes: &[u8]) -> bool {
    use fontcull_write_fonts::read::TableProvider;
    use fontcull_write_fonts::read::tables::gpos::PositionSubtables as P;
    let Ok(font) = FontRef::new(bytes) else {
        return false;
    };
    let Ok(gpos) = font.gpos() else {
        return true; // no GPOS at all
    };
    let Ok(lookups) = gpos.lookup_list() else {
        return false;
    };
    lookups.lookups().iter().all(|lookup| {
        let Ok(subtables) = lookup.and_then(|l| l.subtables()) else {
            return false;
        };
        match subtables {
            P::Single(t) => t.iter().all(|s| s.is_ok()),
            P::Pair(t) => t.iter().all(|s| s.is_ok()),
            P::Cursive(t) => t.iter().all(|s| s.is_ok()),
            P::MarkToBase(t) => t.iter().all(|s| s.is_ok()),
            P::MarkToLig(t) => t.iter().all(|s| s.is_ok()),
            P::MarkToMark(t) => t.iter().all(|s| s.is_ok()),
            P::Contextual(t) => t.iter().all(|s| s.is_ok()),
            P::ChainContextual(t) => t.iter().all(|s| s.is_ok()),
        }
    })
}

/// Parses the subset font independently of the subsetter and checks that every character still
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
