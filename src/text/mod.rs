//! Text: character classes, shaping with per-character font fallback, and line-break
//! opportunities with the Chinese prohibitions. Pure functions of text and fonts.

pub mod breaks;
pub mod script;
pub mod shape;
