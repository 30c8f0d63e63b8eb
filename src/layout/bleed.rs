//! Print finishing: the trimmed page placed on a larger sheet with room for the bleed and
//! crop marks outside it.
//!
//! The sheet (MediaBox) grows by the bleed plus a margin for the marks on every side; the
//! BleedBox is the trim grown by the bleed; the marks stand off the bleed so that nothing a
//! printer trims away is mistaken for a mark.

use crate::theme::Rgb;

use super::page::{Item, LinkTarget, PageBoxes, Pages};

const MM: f32 = 72.0 / 25.4;

/// Length of a crop mark, and its distance from the bleed edge.
const MARK_MM: f32 = 5.0;
const MARK_OFFSET_MM: f32 = 1.0;

/// The largest part of a page a cover picture may take, from its foot up.
const COVER_PHOTO_MAX: f32 = 0.45;

/// A cover picture set across the foot of the page: as wide as the page plus the bleed on
/// both sides and reaching the bleed at the foot (page coordinates, before the sheet is
/// grown). A picture too tall for that width is set narrower, centred, on the foot.
pub(crate) fn cover_photo(
    key: &str,
    image: &crate::assets::images::ImageAsset,
    g: &super::Geometry,
    bleed: f32,
) -> Option<Item> {
    let (pw, ph) = (image.width, image.height);
    if pw == 0 || ph == 0 {
        return None;
    }
    let aspect = ph as f32 / pw as f32;
    let mut width = g.width + 2.0 * bleed;
    let mut height = width * aspect;
    let max = g.height * COVER_PHOTO_MAX + bleed;
    if height > max {
        width *= max / height;
        height = max;
    }
    Some(Item::Image {
        key: key.to_owned(),
        x: (g.width - width) / 2.0,
        y: g.height + bleed - height,
        width,
        height,
    })
}

/// Moves every page onto a sheet with `bleed_mm` of bleed and crop marks around it.
pub fn apply_bleed(pages: &mut Pages, bleed_mm: f32) {
    let bleed = bleed_mm.max(0.0) * MM;
    let off = bleed + (MARK_OFFSET_MM + MARK_MM) * MM;
    let (w, h) = (pages.width, pages.height);
    for page in &mut pages.pages {
        for item in &mut page.items {
            item.translate(off, off);
            if let Item::Link {
                target: LinkTarget::Position { y, .. },
                ..
            } = item
            {
                *y += off;
            }
        }
        page.items.extend(crop_marks(off, w, h, bleed));
    }
    for entry in &mut pages.outline {
        entry.y += off;
    }
    pages.width = w + 2.0 * off;
    pages.height = h + 2.0 * off;
    pages.boxes = Some(PageBoxes {
        trim: [off, off, w, h],
        bleed: [off - bleed, off - bleed, w + 2.0 * bleed, h + 2.0 * bleed],
    });
}

/// Eight hairlines: at each corner of the trim (x0, y0)–(x0 + w, y0 + h), one along each
/// trim edge's extension, starting outside the bleed.
fn crop_marks(x0: f32, w: f32, h: f32, bleed: f32) -> Vec<Item> {
    let start = bleed + MARK_OFFSET_MM * MM;
    let end = start + MARK_MM * MM;
    let line = |a: (f32, f32), b: (f32, f32)| Item::Line {
        x0: a.0,
        y0: a.1,
        x1: b.0,
        y1: b.1,
        width: 0.25,
        // Registration black: the marks must show on every separation.
        color: Rgb(0, 0, 0),
    };
    let (left, top, right, bottom) = (x0, x0, x0 + w, x0 + h);
    let mut out = Vec::new();
    for (x, sx) in [(left, -1.0), (right, 1.0)] {
        for (y, sy) in [(top, -1.0), (bottom, 1.0)] {
            // Vertical mark above/below the corner, horizontal mark left/right of it.
            out.push(line((x, y + sy * start), (x, y + sy * end)));
            out.push(line((x + sx * start, y), (x + sx * end, y)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::page::Page;

    #[test]
    fn sheet_grows_and_marks_stay_outside_the_bleed() {
        let mut pages = Pages {
            width: 100.0,
            height: 200.0,
            pages: vec![Page::default()],
            outline: Vec::new(),
            boxes: None,
        };
        apply_bleed(&mut pages, 3.0);
        let b = pages.boxes.unwrap();
        let bleed = 3.0 * MM;
        assert!((b.trim[0] - b.bleed[0] - bleed).abs() < 1e-3);
        assert!((pages.width - 100.0 - 2.0 * b.trim[0]).abs() < 1e-3);
        let marks = &pages.pages[0].items;
        assert_eq!(marks.len(), 8);
        for m in marks {
            let Item::Line { x0, y0, x1, y1, .. } = *m else {
                panic!()
            };
            // Every mark lies wholly outside the bleed box.
            let outside = |x: f32, y: f32| {
                x < b.bleed[0] - 0.1
                    || y < b.bleed[1] - 0.1
                    || x > b.bleed[0] + b.bleed[2] + 0.1
                    || y > b.bleed[1] + b.bleed[3] + 0.1
            };
            assert!(outside(x0, y0) && outside(x1, y1), "{m:?}");
        }
    }
}
