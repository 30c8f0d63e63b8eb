//! Vertical flow: fragments (lines, figures, table rows) stacked into pages, honouring
//! keep-with-next (headings, orphans/widows, captions) and dropping space at a page top.

use super::page::Item;

/// An unbreakable vertical slice of content. Items are relative to its top-left corner,
/// x measured from the text block's left edge.
#[derive(Debug, Clone, Default)]
pub struct Fragment {
    pub height: f32,
    pub items: Vec<Item>,
    /// Space above, dropped at the top of a page.
    pub gap_before: f32,
    /// Must not end a page (a heading, a paragraph's first line, a caption's picture).
    pub keep_with_next: bool,
    /// Named places in this fragment, for links and bookmarks.
    pub anchors: Vec<Anchor>,
    /// May move to the top of the next page, letting the text after it fill this page
    /// (figures), instead of leaving a hole.
    pub float: bool,
    /// Set again above this fragment when it is the first text on a page: a table's header
    /// row above a continued table.
    pub repeat: Option<std::sync::Arc<Fragment>>,
    /// What the items are, for the tagged PDF (see [`super::tags`]).
    pub tags: Vec<super::tags::TagSpan>,
}

#[derive(Debug, Clone)]
pub struct Anchor {
    pub name: String,
    /// `Some((title, level))` if the place is a bookmark.
    pub outline: Option<(String, u8)>,
}

/// A fragment placed on a page, `y` from the top of the text block.
#[derive(Debug, Clone)]
pub struct Placed {
    pub fragment: Fragment,
    pub y: f32,
}

/// Stacks fragments into pages of `height`. A float that does not fit where it falls waits
/// for the top of the next page (in order, ahead of later floats) while text continues.
pub fn paginate(fragments: Vec<Fragment>, height: f32) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = Vec::new();
    let mut current: Vec<Placed> = Vec::new();
    let mut waiting: std::collections::VecDeque<Fragment> = Default::default();
    let mut y = 0.0f32;
    let fits = |current: &Vec<Placed>, y: f32, f: &Fragment| {
        let gap = if current.is_empty() {
            0.0
        } else {
            f.gap_before
        };
        current.is_empty() || y + gap + f.height <= height + 0.01
    };
    for fragment in fragments {
        if fragment.float && (!waiting.is_empty() || !fits(&current, y, &fragment)) {
            waiting.push_back(fragment);
            continue;
        }
        if !fits(&current, y, &fragment) {
            // Move the chain of keep-with-next fragments at the page end along, unless the
            // whole page is one chain (then the page must break inside it).
            let mut cut = current.len();
            while cut > 0 && current[cut - 1].fragment.keep_with_next {
                cut -= 1;
            }
            if cut == 0 {
                cut = current.len();
            }
            let moved = current.split_off(cut);
            pages.push(std::mem::take(&mut current));
            y = 0.0;
            place_waiting(&mut waiting, &mut current, &mut y, height);
            for p in moved {
                place(&mut current, &mut y, p.fragment);
            }
            if !fits(&current, y, &fragment) {
                pages.push(std::mem::take(&mut current));
                y = 0.0;
            }
        }
        place(&mut current, &mut y, fragment);
    }
    while !waiting.is_empty() {
        if !current.is_empty() {
            pages.push(std::mem::take(&mut current));
            y = 0.0;
        }
        place_waiting(&mut waiting, &mut current, &mut y, height);
    }
    if !current.is_empty() {
        pages.push(current);
    }
    pages
}

/// Puts waiting floats at the top of a fresh page, as many as fit (at least one).
fn place_waiting(
    waiting: &mut std::collections::VecDeque<Fragment>,
    page: &mut Vec<Placed>,
    y: &mut f32,
    height: f32,
) {
    while let Some(f) = waiting.front() {
        let gap = if page.is_empty() { 0.0 } else { f.gap_before };
        if !page.is_empty() && *y + gap + f.height > height + 0.01 {
            break;
        }
        if let Some(f) = waiting.pop_front() {
            place(page, y, f);
        }
    }
}

fn place(page: &mut Vec<Placed>, y: &mut f32, fragment: Fragment) {
    if let Some(header) = &fragment.repeat
        && page.iter().all(|p| p.fragment.float)
    {
        let mut header = (**header).clone();
        header.gap_before = 0.0;
        header.repeat = None;
        place(page, y, header);
    }
    if !page.is_empty() {
        *y += fragment.gap_before;
    }
    let top = *y;
    *y += fragment.height;
    page.push(Placed { fragment, y: top });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(h: f32, keep: bool) -> Fragment {
        Fragment {
            height: h,
            keep_with_next: keep,
            gap_before: 5.0,
            ..Default::default()
        }
    }

    #[test]
    fn heading_moves_with_following_line() {
        // Two lines fill most of the page; a heading fits but its next line does not.
        let frags = vec![
            frag(40.0, false),
            frag(40.0, false),
            frag(10.0, true),
            frag(10.0, false),
        ];
        let pages = paginate(frags, 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 2);
        assert!(pages[1][0].fragment.keep_with_next);
        assert_eq!(pages[1][0].y, 0.0, "no gap at page top");
    }

    #[test]
    fn a_figure_that_does_not_fit_floats_and_text_fills_the_page() {
        let mut figure = frag(60.0, false);
        figure.float = true;
        let frags = vec![
            frag(50.0, false),
            figure,
            frag(10.0, false),
            frag(10.0, false),
        ];
        let pages = paginate(frags, 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 3, "text after the figure fills page 1");
        assert!(pages[1][0].fragment.float && pages[1][0].y == 0.0);
    }

    #[test]
    fn floats_keep_their_order_and_all_get_placed() {
        let frags: Vec<Fragment> = (0..5)
            .map(|i| {
                let mut f = frag(if i % 2 == 0 { 70.0 } else { 20.0 }, false);
                f.float = i % 2 == 0;
                f
            })
            .collect();
        let pages = paginate(frags, 100.0);
        let heights: Vec<f32> = pages
            .iter()
            .flatten()
            .filter(|p| p.fragment.float)
            .map(|p| p.fragment.height)
            .collect();
        assert_eq!(heights, vec![70.0, 70.0, 70.0]);
        assert!(pages.iter().all(|p| !p.is_empty()));
    }

    #[test]
    fn a_continued_table_repeats_its_header() {
        let header = frag(10.0, true);
        let shared = std::sync::Arc::new(header.clone());
        let mut frags = vec![header];
        for _ in 0..15 {
            let mut row = frag(10.0, false);
            row.gap_before = 0.0;
            row.repeat = Some(shared.clone());
            frags.push(row);
        }
        let pages = paginate(frags, 100.0);
        assert_eq!(pages.len(), 2);
        assert!(
            pages[1][0].fragment.keep_with_next,
            "header first on page 2"
        );
        assert_eq!(pages[0].len() + pages[1].len(), 17, "one extra header");
    }

    #[test]
    fn over_long_chain_still_breaks() {
        let frags = (0..30).map(|_| frag(10.0, true)).collect();
        let pages = paginate(frags, 100.0);
        assert!(pages.len() > 1);
        assert!(pages.iter().all(|p| !p.is_empty()));
    }
}
