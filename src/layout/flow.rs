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

/// Stacks fragments into pages of `height`.
pub fn paginate(fragments: Vec<Fragment>, height: f32) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = Vec::new();
    let mut current: Vec<Placed> = Vec::new();
    let mut y = 0.0f32;
    for fragment in fragments {
        let gap = if current.is_empty() {
            0.0
        } else {
            fragment.gap_before
        };
        if !current.is_empty() && y + gap + fragment.height > height + 0.01 {
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
            for p in moved {
                place(&mut current, &mut y, p.fragment);
            }
        }
        place(&mut current, &mut y, fragment);
    }
    if !current.is_empty() {
        pages.push(current);
    }
    pages
}

fn place(page: &mut Vec<Placed>, y: &mut f32, fragment: Fragment) {
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
    fn over_long_chain_still_breaks() {
        let frags = (0..30).map(|_| frag(10.0, true)).collect();
        let pages = paginate(frags, 100.0);
        assert!(pages.len() > 1);
        assert!(pages.iter().all(|p| !p.is_empty()));
    }
}
