//! Resolving what the document refers to: image files and fonts.

pub mod fonts;
pub mod images;
pub mod picture;
pub mod remote;
