//! Making CommonMark behave for Chinese (and Japanese) text.
//!
//! Two things go wrong when Chinese is written in plain CommonMark:
//!
//! 1. **Emphasis next to CJK punctuation stays literal.** In `**“双一流”**建设` the closing
//!    `**` is preceded by `”` (punctuation) and followed by `建` (neither punctuation nor
//!    whitespace), so by the flanking rules it cannot close. Latin text has a space there;
//!    Chinese never does. We apply the fix of commonmark-spec PR #839 (also implemented by
//!    markdown-it-cjk-friendly): for flanking, a CJK character next to a delimiter run counts
//!    like punctuation in condition (2b). pulldown-cmark cannot be configured that way, so we
//!    parse once, find the delimiter runs whose flanking the rule changes, insert a
//!    sentinel punctuation character ([`SENTINEL`]) between the run and its CJK neighbour, and
//!    parse the patched text again; the sentinels are then removed from the text. A sentinel
//!    is not a line break, so line numbers in the patched text equal the original's.
//!
//! 2. **Soft line breaks become spaces.** A Chinese paragraph wrapped in the editor would get
//!    a stray space at every line end. Like pandoc's `east_asian_line_breaks`, a soft break
//!    between two CJK characters is dropped; any other soft break is one space. Korean is
//!    the exception: it separates words with spaces, so a break next to Hangul stays a space.

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// U+2E4E PUNCTUS ELEVATUS MARK: general category Po, so CommonMark treats it as punctuation,
/// and it does not occur in Chinese or English prose.
pub(crate) const SENTINEL: char = '\u{2E4E}';

/// Han, kana, Hangul, bopomofo, CJK punctuation and symbols, fullwidth forms.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF       // Hangul Jamo
        | 0x2E80..=0x2FDF     // CJK and Kangxi radicals
        | 0x2FF0..=0x2FFF     // ideographic description characters
        | 0x3001..=0x303F     // CJK symbols and punctuation (not U+3000, a space)
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3100..=0x312F     // Bopomofo
        | 0x3130..=0x318F     // Hangul compatibility Jamo
        | 0x3190..=0x31FF     // Kanbun, Bopomofo extended, CJK strokes, Katakana extension
        | 0x3200..=0x33FF     // enclosed CJK letters, CJK compatibility
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xA960..=0xA97F     // Hangul Jamo extended A
        | 0xAC00..=0xD7FF     // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFE10..=0xFE1F     // vertical forms
        | 0xFE30..=0xFE6F     // CJK compatibility forms, small form variants
        | 0xFF00..=0xFFEF     // halfwidth and fullwidth forms
        | 0x1B000..=0x1B16F   // kana supplement and extensions
        | 0x20000..=0x2FA1F   // CJK extensions B–F, compatibility supplement
        | 0x30000..=0x323AF   // CJK extensions G, H
    )
}

/// Korean separates words with spaces, so a line break between Hangul is a space.
fn is_hangul(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xFFA0..=0xFFDC)
}

/// Unicode punctuation in the CommonMark sense (general categories P and S), as far as it
/// matters for flanking decisions: ASCII punctuation plus the punctuation and symbol blocks.
pub(crate) fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(c as u32,
        0xA1..=0xA9 | 0xAB | 0xAC | 0xAE..=0xB1 | 0xB4 | 0xB6..=0xB8 | 0xBB | 0xBF | 0xD7 | 0xF7
        | 0x2010..=0x2027     // dashes, quotes, ellipsis
        | 0x2030..=0x205E     // per mille, primes, brackets…
        | 0x20A0..=0x20CF     // currency
        | 0x2190..=0x23FF     // arrows, mathematical operators, technical
        | 0x2500..=0x27BF     // box drawing, shapes, symbols, dingbats
        | 0x27C0..=0x27FF | 0x2900..=0x2BFF
        | 0x2E00..=0x2E7F     // supplemental punctuation (holds SENTINEL)
        | 0x3001..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x3036 | 0x3037 | 0x303D..=0x303F
        | 0x30A0 | 0x30FB     // ゠ ・
        | 0xFE10..=0xFE19 | 0xFE30..=0xFE4F | 0xFE50..=0xFE6B
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65
        | 0xFFE0..=0xFFEE
        | 0x1F000..=0x1FAFF   // emoji and pictographs (symbols)
    )
}

/// A CJK character that is not punctuation: the case the flanking rule must add.
fn is_cjk_letter(c: char) -> bool {
    is_cjk(c) && !is_punctuation(c)
}

/// Variation selectors ride on the previous character (Ideographic Variation Sequences); the
/// character they modify is the one that matters.
fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

fn char_before(s: &str, end: usize) -> Option<char> {
    s.get(..end)?
        .chars()
        .rev()
        .find(|&c| !is_variation_selector(c))
}

/// Returns a copy of `src` with [`SENTINEL`]s inserted where the CJK-friendly flanking rule
/// changes how a delimiter run may act, or `None` if nothing needs to change.
///
/// A delimiter run gets a sentinel
/// - after it, if it is preceded by punctuation and followed by a CJK letter (a closer such as
///   `”**建`), or
/// - before it, if it is preceded by a CJK letter and followed by punctuation (an opener such
///   as `设**“`).
///
/// Every run is considered, both the ones the first parse left literal and the ones it used
/// for emphasis: in `**“甲”**乙，**“丙”**丁` CommonMark pairs the two inner runs (wrongly, for
/// Chinese), and the rule must fix those too. Runs inside code, autolinks and raw HTML are
/// never touched (they are not text events or emphasis boundaries), nor are escaped
/// delimiters.
pub(crate) fn emphasis_sentinels(src: &str, options: Options) -> Option<String> {
    let mut inserts = BTreeSet::new();
    let mut seen_runs = BTreeSet::new();
    let mut code_depth = 0usize;
    let mut in_autolink = false;
    for (event, range) in Parser::new_ext(src, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => in_autolink = true,
            Event::End(TagEnd::Link) => in_autolink = false,
            Event::Text(_) if code_depth == 0 && !in_autolink => {
                for pos in range {
                    check_run(src, pos, &mut seen_runs, &mut inserts);
                }
            }
            // The opening run starts the range and the closing run ends it.
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => {
                check_run(src, range.start, &mut seen_runs, &mut inserts);
                check_run(
                    src,
                    range.end.saturating_sub(1),
                    &mut seen_runs,
                    &mut inserts,
                );
            }
            _ => {}
        }
    }
    if inserts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(src.len() + inserts.len() * SENTINEL.len_utf8());
    let mut last = 0;
    for at in inserts {
        // Positions are next to ASCII delimiters, hence char boundaries; `get` keeps it safe.
        out.push_str(src.get(last..at)?);
        out.push(SENTINEL);
        last = at;
    }
    out.push_str(src.get(last..)?);
    Some(out)
}

/// Applies the rule to the `*`, `_` or `~` run containing byte `pos` (if it is one), once.
fn check_run(
    src: &str,
    pos: usize,
    seen_runs: &mut BTreeSet<usize>,
    inserts: &mut BTreeSet<usize>,
) {
    let bytes = src.as_bytes();
    let Some(&d) = bytes.get(pos) else {
        return;
    };
    if !matches!(d, b'*' | b'_' | b'~') {
        return;
    }
    let mut start = pos;
    while start > 0 && bytes[start - 1] == d {
        start -= 1;
    }
    let mut stop = pos;
    while stop < bytes.len() && bytes[stop] == d {
        stop += 1;
    }
    if !seen_runs.insert(start) {
        return;
    }
    // `\*` is a literal asterisk; only the rest of the run (if any) can delimit.
    let backslashes = bytes[..start]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    if backslashes % 2 == 1 {
        start += 1;
        if start == stop {
            return;
        }
    }
    let prev = char_before(src, start);
    let next = src.get(stop..).and_then(|s| s.chars().next());
    let (Some(prev), Some(next)) = (prev, next) else {
        return;
    };
    if is_punctuation(prev) && is_cjk_letter(next) {
        inserts.insert(stop);
    } else if is_cjk_letter(prev) && is_punctuation(next) {
        inserts.insert(start);
    }
}

/// Whether a soft line break between `prev` and `next` disappears (true) or becomes a space.
///
/// It disappears between two CJK characters, and also where one side is CJK and the other is
/// punctuation that Chinese sets without spaces (quotes, dashes, ellipsis), or where either
/// side is fullwidth CJK punctuation, which carries its own spacing. Hangul keeps the space.
pub(crate) fn soft_break_vanishes(prev: Option<char>, next: Option<char>) -> bool {
    let (Some(p), Some(n)) = (prev, next) else {
        return false;
    };
    if is_hangul(p) || is_hangul(n) {
        return false;
    }
    let neutral = |c: char| matches!(c, '\u{2010}'..='\u{2027}' | '\u{00B7}');
    let cjk_punct = |c: char| is_cjk(c) && is_punctuation(c);
    (is_cjk(p) && (is_cjk(n) || neutral(n)))
        || (neutral(p) && is_cjk(n))
        || cjk_punct(p)
        || cjk_punct(n)
}

/// Replaces each `SoftBreak` with nothing or a one-space text, looking through inline markup
/// (emphasis, links, footnote references) for the characters on either side.
pub(crate) fn resolve_soft_breaks<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let vanish: Vec<bool> = (0..events.len())
        .map(|i| {
            matches!(events[i].0, Event::SoftBreak) && {
                let before = neighbour(events[..i].iter().rev(), Side::Before);
                let after = neighbour(events[i + 1..].iter(), Side::After);
                soft_break_vanishes(before, after)
            }
        })
        .collect();
    events
        .into_iter()
        .zip(vanish)
        .filter_map(|((event, range), vanish)| match event {
            Event::SoftBreak if vanish => None,
            Event::SoftBreak => Some((Event::Text(" ".into()), range)),
            other => Some((other, range)),
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Side {
    Before,
    After,
}

/// The character nearest the break on one side, walking `events` away from it through inline
/// markup; `None` at a block boundary or a hard break.
fn neighbour<'e, 'a: 'e>(
    events: impl Iterator<Item = &'e (Event<'a>, Range<usize>)>,
    side: Side,
) -> Option<char> {
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
                let c = match side {
                    Side::Before => t.chars().rev().find(|&c| !is_variation_selector(c)),
                    Side::After => t.chars().next(),
                };
                if c.is_some() {
                    return c;
                }
            }
            Event::FootnoteReference(_) | Event::SoftBreak => {}
            Event::Start(tag) if is_inline_tag(tag) => {}
            Event::End(tag) if is_inline_tag_end(*tag) => {}
            _ => return None,
        }
    }
    None
}

pub(crate) fn is_inline_tag(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_tag_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::tests::{convert, para};
    use crate::model::Block;
    use crate::model::Inline::{self, *};

    fn t(s: &str) -> Inline {
        Text(s.to_owned())
    }

    #[test]
    fn strong_around_cjk_quotes_before_han() {
        assert_eq!(
            para("**“双一流”**建设"),
            vec![Strong(vec![t("“双一流”")]), t("建设")]
        );
    }

    #[test]
    fn strong_around_cjk_quotes_after_han() {
        assert_eq!(
            para("建设**“双一流”**"),
            vec![t("建设"), Strong(vec![t("“双一流”")])]
        );
        assert_eq!(
            para("推进**“双一流”**建设之中"),
            vec![t("推进"), Strong(vec![t("“双一流”")]), t("建设之中")]
        );
    }

    #[test]
    fn plain_cjk_emphasis_still_works() {
        assert_eq!(para("*强调*文字"), vec![Emph(vec![t("强调")]), t("文字")]);
        assert_eq!(
            para("中文**粗体**中文"),
            vec![t("中文"), Strong(vec![t("粗体")]), t("中文")]
        );
        assert_eq!(
            para("（**强调**）"),
            vec![t("（"), Strong(vec![t("强调")]), t("）")]
        );
        assert_eq!(
            para("**粗**。**强调**"),
            vec![Strong(vec![t("粗")]), t("。"), Strong(vec![t("强调")])]
        );
    }

    #[test]
    fn latin_neighbours_follow_commonmark() {
        // `b` is not CJK, so CommonMark's rule holds and the closer cannot close.
        assert_eq!(para("**“a”**b"), vec![t("**“a”**b")]);
        assert_eq!(para("**a**b"), vec![Strong(vec![t("a")]), t("b")]);
    }

    #[test]
    fn escaped_delimiters_stay_literal() {
        assert_eq!(para("\\*“字”\\*字"), vec![t("*“字”*字")]);
        assert_eq!(para("\\*\\*“字”\\*\\*字"), vec![t("**“字”**字")]);
    }

    #[test]
    fn code_is_untouched() {
        assert_eq!(
            para("`**“双一流”**建设` **“双一流”**建设"),
            vec![
                Code("**“双一流”**建设".into()),
                t(" "),
                Strong(vec![t("“双一流”")]),
                t("建设")
            ]
        );
        let (body, _) = convert("```\n**“双一流”**建设\n```\n");
        let Block::Code { text, .. } = &body.blocks[0] else {
            panic!()
        };
        assert_eq!(text, "**“双一流”**建设");
    }

    #[test]
    fn underscores_and_tildes() {
        assert_eq!(
            para("__“下划线”__字"),
            vec![Strong(vec![t("“下划线”")]), t("字")]
        );
        assert_eq!(
            para("字__“下划线”__"),
            vec![t("字"), Strong(vec![t("“下划线”")])]
        );
        assert_eq!(
            para("_“下划线”_字"),
            vec![Emph(vec![t("“下划线”")]), t("字")]
        );
        assert_eq!(
            para("~~“删除”~~字"),
            vec![Strike(vec![t("“删除”")]), t("字")]
        );
        // snake_case in Latin text is not affected.
        assert_eq!(para("file_name_“x”"), vec![t("file_name_“x”")]);
    }

    #[test]
    fn fullwidth_brackets_and_other_scripts() {
        assert_eq!(
            para("**「重要」**事项"),
            vec![Strong(vec![t("「重要」")]), t("事项")]
        );
        assert_eq!(
            para("これは**「重要」**です"),
            vec![t("これは"), Strong(vec![t("「重要」")]), t("です")]
        );
        assert_eq!(
            para("이것은**“중요”**합니다"),
            vec![t("이것은"), Strong(vec![t("“중요”")]), t("합니다")]
        );
    }

    #[test]
    fn emphasis_inside_links_and_lines_are_kept() {
        let (body, _) = convert("第一行\n\n[**“双一流”**建设](https://x.cn)\n\n第三段\n");
        let lines: Vec<u32> = body.blocks.iter().map(|b| b.pos().line).collect();
        assert_eq!(lines, [1, 3, 5]);
        let Block::Paragraph { content, .. } = &body.blocks[1] else {
            panic!()
        };
        assert_eq!(
            content,
            &vec![Link {
                url: "https://x.cn".into(),
                content: vec![Strong(vec![t("“双一流”")]), t("建设")]
            }]
        );
    }

    #[test]
    fn sentinels_never_leak_and_genuine_text_survives_when_unpatched() {
        let inlines = para("**“双一流”**建设，**“新工科”**发展");
        assert!(!format!("{inlines:?}").contains(SENTINEL));
        assert_eq!(
            inlines,
            vec![
                Strong(vec![t("“双一流”")]),
                t("建设，"),
                Strong(vec![t("“新工科”")]),
                t("发展")
            ]
        );
        assert_eq!(emphasis_sentinels("plain text", Options::empty()), None);
    }

    #[test]
    fn sentinel_positions() {
        let src = "**“双一流”**建设";
        let patched = emphasis_sentinels(src, Options::empty()).unwrap();
        assert_eq!(patched, "**“双一流”**\u{2E4E}建设");
        let patched = emphasis_sentinels("建设**“双一流”**", Options::empty()).unwrap();
        assert_eq!(patched, "建设\u{2E4E}**“双一流”**");
    }

    #[test]
    fn soft_breaks_between_cjk_vanish() {
        assert_eq!(para("第一行\n第二行"), vec![t("第一行第二行")]);
        assert_eq!(para("English\nwords"), vec![t("English words")]);
        assert_eq!(para("中文\nEnglish"), vec![t("中文 English")]);
        assert_eq!(para("English\n中文"), vec![t("English 中文")]);
        assert_eq!(para("中文，\nEnglish"), vec![t("中文，English")]);
        assert_eq!(para("他说：“你好”\n然后"), vec![t("他说：“你好”然后")]);
        assert_eq!(para("한국어\n문장"), vec![t("한국어 문장")]);
        // Looking through inline markup on both sides.
        assert_eq!(
            para("**中文**\n**粗体**"),
            vec![Strong(vec![t("中文")]), Strong(vec![t("粗体")])]
        );
        assert_eq!(
            para("*强调*\n[链接](x)"),
            vec![
                Emph(vec![t("强调")]),
                Link {
                    url: "x".into(),
                    content: vec![t("链接")]
                }
            ]
        );
        // A hard break is kept.
        assert_eq!(para("中文\\\n中文"), vec![t("中文"), LineBreak, t("中文")]);
    }

    #[test]
    fn soft_break_rule() {
        assert!(soft_break_vanishes(Some('文'), Some('字')));
        assert!(soft_break_vanishes(Some('。'), Some('A')));
        assert!(soft_break_vanishes(Some('”'), Some('然')));
        assert!(soft_break_vanishes(Some('文'), Some('…')));
        assert!(!soft_break_vanishes(Some('a'), Some('b')));
        assert!(!soft_break_vanishes(Some('—'), Some('b')));
        assert!(!soft_break_vanishes(None, Some('字')));
        assert!(!soft_break_vanishes(Some('한'), Some('국')));
    }

    #[test]
    fn character_classes() {
        for c in [
            '中', '々', 'あ', 'カ', '한', 'ㄅ', '，', '。', '「', '！', '𠀀',
        ] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', '1', ' ', '\u{3000}', '“', 'é'] {
            assert!(!is_cjk(c), "{c}");
        }
        for c in ['“', '”', '。', '，', '「', '*', '—', '…', SENTINEL, '￥'] {
            assert!(is_punctuation(c), "{c}");
        }
        for c in ['中', 'a', '々', 'あ'] {
            assert!(!is_punctuation(c), "{c}");
        }
    }
}
