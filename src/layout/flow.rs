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
    /// A forced page break (`<!-- pagebreak -->`): what follows starts a new page, after any
    /// floats still waiting. Carries no content.
    pub page_break: bool,
    /// Spans all columns of a multi-column page (an article's head); the columns above it
    /// are balanced first.
    pub span: bool,
    /// Footnotes referenced in this fragment, set at the foot of the page it lands on.
    pub notes: Vec<Fragment>,
    /// The article and top-level block this fragment is part of, for the EPUB's page list.
    pub source: Option<(usize, usize)>,
    /// Non-blank characters of its block's text set before this fragment (0 for the
    /// block's first): where in a paragraph a page beginning here begins.
    pub block_offset: usize,
}

#[derive(Debug, Clone)]
pub struct Anchor {
    pub name: String,
    /// `Some((title, level))` if the place is a bookmark.
    pub outline: Option<(String, u8)>,
}

/// A fragment placed on a page, `y` from the top of the text block, `x` from its left
/// edge (the column's offset; 0 with one column).
#[derive(Debug, Clone)]
pub struct Placed {
    pub fragment: Fragment,
    pub y: f32,
    pub x: f32,
    /// A footnote (or the rule above them) set at the page foot.
    pub note: bool,
}

/// The columns of the text block: how many, and how far apart their left edges are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Columns {
    pub count: usize,
    /// Column width plus gutter.
    pub step: f32,
}

impl Columns {
    pub const ONE: Columns = Columns {
        count: 1,
        step: 0.0,
    };
}

/// Stacks fragments into pages of `height` with `cols` columns. Between spanning
/// fragments the text runs column by column; the columns above a spanning fragment and
/// those at the end are balanced, so the last page of a two-column article is even.
pub fn paginate_columns(fragments: Vec<Fragment>, height: f32, cols: Columns) -> Vec<Vec<Placed>> {
    if cols.count <= 1 {
        return paginate(fragments, height);
    }
    let mut pages: Vec<Vec<Placed>> = Vec::new();
    let mut page: Vec<Placed> = Vec::new();
    let mut top = 0.0f32;
    let mut segment: Vec<Fragment> = Vec::new();
    let flush = |segment: &mut Vec<Fragment>,
                 page: &mut Vec<Placed>,
                 top: &mut f32,
                 pages: &mut Vec<Vec<Placed>>| {
        let mut rest = std::mem::take(segment);
        while !rest.is_empty() {
            if *top > 0.0 && rest[0].height > height - *top {
                pages.push(std::mem::take(page));
                *top = 0.0;
            }
            let free = height - *top;
            let boxes = paginate(rest.clone(), free);
            if boxes.len() <= cols.count {
                // Ends on this page: as short as the columns can be.
                let h = balanced_height(&rest, free, cols.count);
                let boxes = paginate(std::mem::take(&mut rest), h);
                let mut bottom = *top;
                for (c, b) in boxes.into_iter().enumerate() {
                    for mut p in b {
                        p.y += *top;
                        p.x = c as f32 * cols.step;
                        bottom = bottom.max(p.y + p.fragment.height);
                        page.push(p);
                    }
                }
                *top = bottom;
            } else {
                let mut boxes = boxes.into_iter();
                for c in 0..cols.count {
                    for mut p in boxes.next().unwrap_or_default() {
                        p.y += *top;
                        p.x = c as f32 * cols.step;
                        page.push(p);
                    }
                }
                rest = boxes
                    .flatten()
                    .filter(|p| !p.note)
                    .map(|p| p.fragment)
                    .collect();
                pages.push(std::mem::take(page));
                *top = 0.0;
            }
        }
    };
    let mut fragments = fragments.into_iter().peekable();
    while let Some(fragment) = fragments.next() {
        if fragment.page_break {
            // `<!-- pagebreak -->`: the columns so far end here, balanced; what follows
            // starts a new page.
            flush(&mut segment, &mut page, &mut top, &mut pages);
            if !page.is_empty() {
                pages.push(std::mem::take(&mut page));
                top = 0.0;
            }
            continue;
        }
        if !fragment.span {
            segment.push(fragment);
            continue;
        }
        flush(&mut segment, &mut page, &mut top, &mut pages);
        // The run of spanning fragments (an article's head) goes whole, with room below it
        // for two lines of what it is kept with.
        let mut run = vec![fragment];
        while let Some(next) = fragments.next_if(|f| f.span) {
            run.push(next);
        }
        // What must fit below: the run's opening chain of kept-together fragments and the
        // one they are kept with (a long spanning table may break after its first row).
        let kept = run
            .iter()
            .position(|f| !f.keep_with_next)
            .map_or(run.len(), |i| i + 1);
        let mut need: f32 = run[..kept].iter().map(|f| f.gap_before + f.height).sum();
        if kept == run.len()
            && run.last().is_some_and(|f| f.keep_with_next)
            && let Some(next) = fragments.peek()
        {
            need += 2.0 * next.height;
        }
        if !page.is_empty() && top + need > height + 0.01 {
            pages.push(std::mem::take(&mut page));
            top = 0.0;
        }
        place_spanning(run, height, &mut page, &mut top, &mut pages);
    }
    flush(&mut segment, &mut page, &mut top, &mut pages);
    if !page.is_empty() {
        pages.push(page);
    }
    pages
}

/// Places a run of fragments across the full width, breaking the page where one does not
/// fit (a spanning table's rows), carrying the fragments kept with it along and repeating
/// a table's header row above a continued table.
fn place_spanning(
    run: Vec<Fragment>,
    height: f32,
    page: &mut Vec<Placed>,
    top: &mut f32,
    pages: &mut Vec<Vec<Placed>>,
) {
    // How many of the page's last placements belong to this run (only those may move).
    let mut mine = 0usize;
    for fragment in run {
        let gap = if page.is_empty() {
            0.0
        } else {
            fragment.gap_before
        };
        if !page.is_empty() && *top + gap + fragment.height > height + 0.01 {
            let mut cut = page.len();
            let first_mine = page.len() - mine;
            while cut > first_mine && page[cut - 1].fragment.keep_with_next {
                cut -= 1;
            }
            if cut == 0 {
                cut = page.len();
            }
            let moved = page.split_off(cut);
            pages.push(std::mem::take(page));
            *top = 0.0;
            mine = 0;
            let first = moved.first().map_or(&fragment, |p| &p.fragment);
            if let Some(header) = &first.repeat {
                let mut header = (**header).clone();
                header.gap_before = 0.0;
                header.repeat = None;
                header.span = true;
                let h = header.height;
                page.push(Placed {
                    fragment: header,
                    y: 0.0,
                    x: 0.0,
                    note: false,
                });
                *top = h;
                mine += 1;
            }
            for p in moved {
                let gap = if page.is_empty() {
                    0.0
                } else {
                    p.fragment.gap_before
                };
                *top += gap;
                let h = p.fragment.height;
                page.push(Placed { y: *top, ..p });
                *top += h;
                mine += 1;
            }
        }
        *top += if page.is_empty() {
            0.0
        } else {
            fragment.gap_before
        };
        let h = fragment.height;
        page.push(Placed {
            fragment,
            y: *top,
            x: 0.0,
            note: false,
        });
        *top += h;
        mine += 1;
    }
}

/// The least column height at which `frags` fit in `count` columns (within `free`).
fn balanced_height(frags: &[Fragment], free: f32, count: usize) -> f32 {
    let tallest = frags.iter().map(|f| f.height).fold(0.0f32, f32::max);
    let (mut lo, mut hi) = (tallest.min(free), free);
    if paginate(frags.to_vec(), lo).len() <= count {
        return lo;
    }
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        if paginate(frags.to_vec(), mid).len() <= count {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Height of the space and short rule above a page's footnotes.
const NOTE_RULE: f32 = 10.0;

/// The height footnotes take at a page foot: the rule, the notes carried over from the
/// previous page, and those of the fragments on the page (and of `extra`).
fn notes_height<'a>(
    carry: &[Fragment],
    page: impl Iterator<Item = &'a Fragment>,
    extra: Option<&Fragment>,
) -> f32 {
    let notes = carry
        .iter()
        .chain(page.flat_map(|f| &f.notes))
        .chain(extra.into_iter().flat_map(|f| &f.notes));
    let mut h = 0.0;
    let mut any = false;
    for n in notes {
        any = true;
        h += n.gap_before + n.height;
    }
    if any { h + NOTE_RULE } else { 0.0 }
}

/// Sets the page's footnotes at its foot, under a short rule, and closes it. Notes that
/// do not fit go into `carry`, for the foot of the next page.
fn close_page(mut page: Vec<Placed>, carry: &mut Vec<Fragment>, height: f32) -> Vec<Placed> {
    let mut notes: Vec<Fragment> = std::mem::take(carry);
    // Cloned, not taken: a column flow may set these fragments again elsewhere.
    for p in &page {
        notes.extend(p.fragment.notes.iter().cloned());
    }
    if notes.is_empty() {
        return page;
    }
    let bottom = page
        .iter()
        .map(|p| p.y + p.fragment.height)
        .fold(0.0f32, f32::max);
    let mut total = NOTE_RULE;
    let mut fit = 0;
    for n in &notes {
        let h = n.gap_before + n.height;
        // At least one line, so every page with a reference shows its note begin.
        if fit > 0 && bottom + total + h > height + 0.01 {
            break;
        }
        total += h;
        fit += 1;
    }
    let rest = notes.split_off(fit);
    *carry = rest;
    let mut y = (height - total).max(bottom);
    page.push(Placed {
        fragment: Fragment {
            height: NOTE_RULE,
            items: vec![Item::Line {
                x0: 0.0,
                y0: NOTE_RULE * 0.5,
                x1: 60.0,
                y1: NOTE_RULE * 0.5,
                width: 0.5,
                color: crate::theme::Rgb(0x99, 0x99, 0x99),
            }],
            ..Default::default()
        },
        y,
        x: 0.0,
        note: true,
    });
    y += NOTE_RULE;
    for (i, n) in notes.into_iter().enumerate() {
        if i > 0 {
            y += n.gap_before;
        }
        let h = n.height;
        page.push(Placed {
            fragment: n,
            y,
            x: 0.0,
            note: true,
        });
        y += h;
    }
    page
}

/// Stacks fragments into pages of `height`. A float that does not fit where it falls waits
/// for the top of the next page (in order, ahead of later floats) while text continues.
/// Footnotes travel with the fragment that references them and are set at its page foot.
pub fn paginate(fragments: Vec<Fragment>, height: f32) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = Vec::new();
    let mut current: Vec<Placed> = Vec::new();
    let mut waiting: std::collections::VecDeque<Fragment> = Default::default();
    let mut carry: Vec<Fragment> = Vec::new();
    let mut y = 0.0f32;
    let fits = |current: &Vec<Placed>, carry: &[Fragment], y: f32, f: &Fragment| {
        let gap = if current.is_empty() {
            0.0
        } else {
            f.gap_before
        };
        // Of a new fragment's notes only the first line must fit: the rest may continue
        // at the next page's foot.
        let first_note = f.notes.first().map(|n| Fragment {
            notes: vec![Fragment {
                height: n.height,
                ..Default::default()
            }],
            ..Default::default()
        });
        let notes = notes_height(
            carry,
            current.iter().map(|p| &p.fragment),
            first_note.as_ref(),
        );
        current.is_empty() || y + gap + f.height + notes <= height + 0.01
    };
    for fragment in fragments {
        if fragment.page_break {
            while !waiting.is_empty() {
                if !current.is_empty() {
                    pages.push(close_page(std::mem::take(&mut current), &mut carry, height));
                    y = 0.0;
                }
                place_waiting(&mut waiting, &mut current, &mut y, height);
            }
            if !current.is_empty() {
                pages.push(close_page(std::mem::take(&mut current), &mut carry, height));
                y = 0.0;
            }
            continue;
        }
        if fragment.float && (!waiting.is_empty() || !fits(&current, &carry, y, &fragment)) {
            waiting.push_back(fragment);
            continue;
        }
        if !fits(&current, &carry, y, &fragment) {
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
            pages.push(close_page(std::mem::take(&mut current), &mut carry, height));
            y = 0.0;
            place_waiting(&mut waiting, &mut current, &mut y, height);
            for p in moved {
                place(&mut current, &mut y, p.fragment);
            }
            if !fits(&current, &carry, y, &fragment) {
                pages.push(close_page(std::mem::take(&mut current), &mut carry, height));
                y = 0.0;
            }
        }
        place(&mut current, &mut y, fragment);
    }
    while !waiting.is_empty() {
        if !current.is_empty() {
            pages.push(close_page(std::mem::take(&mut current), &mut carry, height));
            y = 0.0;
        }
        place_waiting(&mut waiting, &mut current, &mut y, height);
    }
    if !current.is_empty() {
        pages.push(close_page(current, &mut carry, height));
    }
    // Notes longer than the pages their references are on continue on pages of their own.
    while !carry.is_empty() {
        pages.push(close_page(Vec::new(), &mut carry, height));
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
    page.push(Placed {
        fragment,
        y: top,
        x: 0.0,
        note: false,
    });
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
    fn two_columns_fill_then_balance_the_last_page() {
        let cols = Columns {
            count: 2,
            step: 60.0,
        };
        let mut head = frag(20.0, true);
        head.span = true;
        let mut frags = vec![head];
        frags.extend((0..25).map(|_| {
            let mut f = frag(10.0, false);
            f.gap_before = 0.0;
            f
        }));
        let pages = paginate_columns(frags, 100.0, cols);
        // Page 1: the head, then 2 × 8 lines; page 2: 9 lines balanced as 5 + 4.
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0][0].y, 0.0);
        let left = |p: &Vec<Placed>| p.iter().filter(|p| p.x == 0.0 && !p.fragment.span).count();
        let right = |p: &Vec<Placed>| p.iter().filter(|p| p.x == 60.0).count();
        assert_eq!((left(&pages[0]), right(&pages[0])), (8, 8));
        assert_eq!((left(&pages[1]), right(&pages[1])), (5, 4));
        assert!(
            pages
                .iter()
                .flatten()
                .all(|p| p.y + p.fragment.height <= 100.01)
        );
    }

    fn line(h: f32) -> Fragment {
        let mut f = frag(h, false);
        f.gap_before = 0.0;
        f
    }

    const TWO: Columns = Columns {
        count: 2,
        step: 60.0,
    };

    #[test]
    fn a_page_break_in_two_columns_starts_a_new_page() {
        let mut frags: Vec<Fragment> = (0..6).map(|_| line(10.0)).collect();
        frags.push(Fragment {
            page_break: true,
            ..Default::default()
        });
        frags.extend((0..4).map(|_| line(10.0)));
        let pages = paginate_columns(frags, 100.0, TWO);
        assert_eq!(pages.len(), 2);
        // Before the break: 6 lines balanced 3 + 3; after it: 4 lines balanced 2 + 2.
        let per_column = |p: &Vec<Placed>, x: f32| p.iter().filter(|p| p.x == x).count();
        assert_eq!(
            (per_column(&pages[0], 0.0), per_column(&pages[0], 60.0)),
            (3, 3)
        );
        assert_eq!(
            (per_column(&pages[1], 0.0), per_column(&pages[1], 60.0)),
            (2, 2)
        );
        assert_eq!(pages[1][0].y, 0.0);
    }

    #[test]
    fn a_heading_keeps_with_its_text_inside_a_column() {
        // Column 1 holds 9 lines and a heading would be its 10th; the heading goes to the
        // top of column 2 with its line.
        let mut frags: Vec<Fragment> = (0..9).map(|_| line(10.0)).collect();
        let mut heading = line(10.0);
        heading.keep_with_next = true;
        heading.anchors.push(Anchor {
            name: "h".into(),
            outline: None,
        });
        frags.push(heading);
        frags.extend((0..12).map(|_| line(10.0)));
        let pages = paginate_columns(frags, 100.0, TWO);
        let heading = pages
            .iter()
            .flatten()
            .find(|p| !p.fragment.anchors.is_empty())
            .unwrap();
        assert_eq!(
            (heading.x, heading.y),
            (60.0, 0.0),
            "heading at the top of column 2"
        );
        for page in &pages {
            for p in page.iter().filter(|p| p.fragment.keep_with_next) {
                let below = page.iter().any(|q| q.x == p.x && q.y > p.y);
                assert!(below, "a heading ends its column");
            }
        }
    }

    #[test]
    fn a_spanning_table_breaks_across_pages_repeating_its_header() {
        let mut header = line(10.0);
        header.keep_with_next = true;
        header.span = true;
        let shared = std::sync::Arc::new(header.clone());
        let mut frags: Vec<Fragment> = (0..4).map(|_| line(10.0)).collect();
        frags.push(header);
        for _ in 0..22 {
            let mut row = line(10.0);
            row.span = true;
            row.repeat = Some(shared.clone());
            frags.push(row);
        }
        frags.extend((0..4).map(|_| line(10.0)));
        let pages = paginate_columns(frags, 100.0, TWO);
        for page in &pages {
            assert!(page.iter().all(|p| p.y + p.fragment.height <= 100.01));
        }
        // Page 1: two balanced lines per column, then the header and 7 rows; page 2: the
        // repeated header and 9 rows; page 3: header, the last 6 rows, the text after
        // (balanced, two lines a column).
        assert_eq!(pages.len(), 3);
        assert!(pages[1][0].fragment.keep_with_next && pages[1][0].fragment.span);
        assert!(pages[2][0].fragment.keep_with_next);
        let rows: usize = pages
            .iter()
            .flatten()
            .filter(|p| p.fragment.repeat.is_some())
            .count();
        assert_eq!(rows, 22, "every row placed once");
        let last = &pages[2];
        let text_after = last.iter().filter(|p| !p.fragment.span).count();
        assert_eq!(text_after, 4);
        let table_bottom = last
            .iter()
            .filter(|p| p.fragment.span)
            .map(|p| p.y + p.fragment.height)
            .fold(0.0f32, f32::max);
        assert!(
            last.iter()
                .filter(|p| !p.fragment.span)
                .all(|p| p.y >= table_bottom - 0.01),
            "text after the table is set below it"
        );
    }

    #[test]
    fn footnotes_land_at_the_foot_of_their_reference_page() {
        let mut frags: Vec<Fragment> = (0..30).map(|_| frag(10.0, false)).collect();
        let note = |h: f32| Fragment {
            height: h,
            ..Default::default()
        };
        frags[4].notes = vec![note(8.0)];
        // A long note: 12 lines, more than fits under the page's text.
        frags[12].notes = (0..12).map(|_| note(8.0)).collect();
        let pages = paginate(frags, 100.0);
        let notes_on = |p: &Vec<Placed>| p.iter().filter(|p| p.fragment.height == 8.0).count();
        // Page 1 holds fragment 4 and its note at the bottom.
        assert!(notes_on(&pages[0]) >= 1);
        for page in &pages {
            let text_bottom = page
                .iter()
                .filter(|p| p.fragment.height == 10.0 && p.fragment.items.is_empty())
                .map(|p| p.y + p.fragment.height)
                .fold(0.0f32, f32::max);
            for n in page.iter().filter(|p| p.fragment.height == 8.0) {
                assert!(n.y >= text_bottom, "note above text");
                assert!(n.y + 8.0 <= 100.01, "note off the page");
            }
        }
        let total: usize = pages.iter().map(notes_on).sum();
        assert_eq!(total, 13, "every note line placed once");
    }

    #[test]
    fn over_long_chain_still_breaks() {
        let frags = (0..30).map(|_| frag(10.0, true)).collect();
        let pages = paginate(frags, 100.0);
        assert!(pages.len() > 1);
        assert!(pages.iter().all(|p| !p.is_empty()));
    }
}
