//! The fonts handed to the EPUB writer: checked, indexed by family and weight, and told
//! which characters each one has to carry.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Error;

use super::EpubFont;
use super::usage::{CharUsage, Family};

/// One face, parsed once.
pub(crate) struct LoadedFace<'a> {
    pub family: Family,
    pub bold: bool,
    pub data: &'a [u8],
    pub face: ttf_parser::Face<'a>,
}

impl LoadedFace<'_> {
    pub(crate) fn weight(&self) -> u16 {
        if self.bold { 700 } else { 400 }
    }

    /// "Folio Serif 700", for messages.
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", self.family.name(), self.weight())
    }

    pub(crate) fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some_and(|g| g.0 != 0)
    }
}

/// Identifies a face: family and boldness.
pub(crate) type FaceKey = (Family, bool);

/// The faces available for embedding, at most one per family and weight.
pub(crate) struct FontSet<'a> {
    faces: BTreeMap<FaceKey, LoadedFace<'a>>,
}

impl<'a> FontSet<'a> {
    /// Parses every font. An unknown family name, a face given twice or bytes that are not
    /// a font are errors: each would otherwise silently leave the book without its fonts.
    pub(crate) fn new(fonts: &[EpubFont<'a>]) -> Result<Self, Error> {
        let mut faces = BTreeMap::new();
        for font in fonts {
            let family = Family::ALL
                .into_iter()
                .find(|f| f.name() == font.family)
                .ok_or_else(|| {
                    Error::Epub(format!(
                        "unknown font family `{}` (expected \"Folio Serif\", \"Folio Sans\", \"Folio Mono\" or \"Folio Emoji\")",
                        font.family
                    ))
                })?;
            let weight = if font.bold { 700 } else { 400 };
            let face = ttf_parser::Face::parse(font.data, 0).map_err(|e| {
                Error::Epub(format!("font {} {weight} cannot be read: {e}", font.family))
            })?;
            let loaded = LoadedFace {
                family,
                bold: font.bold,
                data: font.data,
                face,
            };
            if faces.insert((family, font.bold), loaded).is_some() {
                return Err(Error::Epub(format!(
                    "font {} {weight} was given twice",
                    font.family
                )));
            }
        }
        Ok(FontSet { faces })
    }

    /// The face a reading system uses for `family` at this weight: the exact one, or else
    /// the family's other weight (which it then emboldens or not by itself).
    pub(crate) fn pick(&self, family: Family, bold: bool) -> Option<&LoadedFace<'a>> {
        self.faces
            .get(&(family, bold))
            .or_else(|| self.faces.get(&(family, !bold)))
    }

    pub(crate) fn get(&self, key: FaceKey) -> Option<&LoadedFace<'a>> {
        self.faces.get(&key)
    }

    /// Which characters each face must carry: every recorded character goes to the first
    /// face in its style's fallback stack that has a glyph for it, just as CSS font
    /// matching does. A character no face has is left to the reading system.
    pub(crate) fn assign(&self, usage: &CharUsage) -> BTreeMap<FaceKey, BTreeSet<char>> {
        let mut out: BTreeMap<FaceKey, BTreeSet<char>> = BTreeMap::new();
        for (style, chars) in usage.iter() {
            for &c in chars {
                let face = style
                    .family
                    .stack()
                    .iter()
                    .filter_map(|&f| self.pick(f, style.bold))
                    .find(|face| face.covers(c));
                if let Some(face) = face {
                    out.entry((face.family, face.bold)).or_default().insert(c);
                }
            }
        }
        out
    }
}
