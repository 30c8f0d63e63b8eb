//! Text: character classes, shaping with per-character font fallback, and line-break
//! opportunities with the Chinese prohibitions. Pure functions of text and fonts.

pub mod bidi;
pub mod breaks;
pub mod hyphenate;
pub mod linebreak;
pub mod script;
pub mod shape;
