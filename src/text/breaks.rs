//! Where a line may end: Unicode line breaking (UAX #14) tightened by the Chinese
//! prohibitions of clreq, which UAX #14 alone does not fully enforce (curly quotes are
//! ambiguous there, and `——`/`……` may be split).

use super::script::{is_inseparable, no_line_end, no_line_start};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// A line may end here.
    Allowed,
    /// A line must end here (a hard line break).
    Mandatory,
}

/// Byte offsets where a line may or must end, in increasing order. The offset is the start
/// of the next line; the end of the text is not included.
pub fn opportunities(text: &str) -> Vec<(usize, Break)> {
    unicode_linebreak::linebreaks(text)
        .filter(|&(at, _)| at < text.len())
        .filter_map(|(at, kind)| {
            let kind = match kind {
                unicode_linebreak::BreakOpportunity::Mandatory => Break::Mandatory,
                unicode_linebreak::BreakOpportunity::Allowed => Break::Allowed,
            };
            if kind == Break::Mandatory {
                return Some((at, kind));
            }
            // Spaces hang at the line end: an opening mark before them would still end it.
            let before = text[..at]
                .trim_end_matches([' ', '\u{3000}'])
                .chars()
                .next_back();
            let after = text[at..].chars().next();
            let forbidden = match (before, after) {
                (_, Some(a)) if no_line_start(a) => true,
                (Some(b), _) if no_line_end(b) => true,
                (Some(b), Some(a)) if is_inseparable(b) && a == b => true,
                _ => false,
            };
            (!forbidden).then_some((at, kind))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_starts(text: &str) -> Vec<&str> {
        opportunities(text)
            .iter()
            .map(|&(at, _)| &text[at..])
            .collect()
    }

    #[test]
    fn no_break_before_closing_or_after_opening() {
        let text = "他说：“学校（北京）很好。”然后……离开——再见";
        for rest in line_starts(text) {
            let c = rest.chars().next().unwrap();
            assert!(!super::no_line_start(c), "break before {c} in {rest}");
        }
        for &(at, _) in &opportunities(text) {
            let c = text[..at].chars().next_back().unwrap();
            assert!(!super::no_line_end(c), "break after {c}");
            let next = text[at..].chars().next().unwrap();
            assert!(!(super::is_inseparable(c) && c == next), "split {c}{next}");
        }
    }

    #[test]
    fn han_breaks_anywhere_latin_at_spaces() {
        let text = "学校深入推进 the quick";
        let starts = line_starts(text);
        assert!(starts.contains(&"校深入推进 the quick"));
        assert!(starts.contains(&"quick"));
        assert!(!starts.iter().any(|s| s.starts_with("uick")));
    }

    #[test]
    fn full_width_stop_after_latin_stays() {
        let text = "in 2023。All school";
        assert!(!line_starts(text).iter().any(|s| s.starts_with('。')));
    }
}
