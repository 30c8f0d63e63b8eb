//! Right-to-left runs (Arabic, Hebrew) inside left-to-right text: the Unicode bidirectional
//! algorithm (UAX #9, the `unicode-bidi` crate) resolves embedding levels once per paragraph;
//! each set line is then reordered into visual order (rule L2), so the first word of an
//! Arabic phrase is drawn to the right of the second.

use unicode_bidi::{BidiInfo, Level};

/// The embedding level of every byte of `text` in a left-to-right paragraph, or `None` when
/// the text has nothing right-to-left (the common case costs one scan).
pub fn levels(text: &str) -> Option<Vec<u8>> {
    let info = BidiInfo::new(text, Some(Level::ltr()));
    info.has_rtl()
        .then(|| info.levels.iter().map(|l| l.number()).collect())
}

/// The visual order of items whose resolved levels are `levels` (rule L2: from the highest
/// level down to the lowest odd one, reverse every run at that level or higher).
pub fn visual_order(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let Some(&max) = levels.iter().max() else {
        return order;
    };
    let Some(min_odd) = levels.iter().copied().filter(|l| l % 2 == 1).min() else {
        return order;
    };
    let mut level = max;
    while level >= min_odd && level > 0 {
        let mut i = 0;
        while i < order.len() {
            if levels[order[i]] >= level {
                let start = i;
                while i < order.len() && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
        level -= 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_and_han_need_no_reordering() {
        assert!(levels("学校 school，2023").is_none());
    }

    #[test]
    fn arabic_words_run_right_to_left_inside_chinese() {
        let text = "他说 مرحبا بالعالم 然后";
        let lv = levels(text).unwrap();
        // One item per character.
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let item_levels: Vec<u8> = chars.iter().map(|&(i, _)| lv[i]).collect();
        let order = visual_order(&item_levels);
        let visual: String = order.iter().map(|&i| chars[i].1).collect();
        let reversed: String = "مرحبا بالعالم".chars().rev().collect();
        assert_eq!(visual, format!("他说 {reversed} 然后"));
        // The Chinese stays where it was.
        assert!(visual.starts_with("他说 ") && visual.ends_with(" 然后"));
    }
}
