//! Character classes that typography decisions depend on (clreq, GB/T 15834).

/// Han ideographs, kana, Hangul and bopomofo: the characters set on the CJK em grid.
pub fn is_cjk_letter(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3005..=0x3007    // 々〆〇
        | 0x3021..=0x3029 | 0x3038..=0x303C
        | 0x3040..=0x30FF    // kana (incl. ・ー)
        | 0x3100..=0x312F | 0x31A0..=0x31BF // bopomofo
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF    // ext A
        | 0x4E00..=0x9FFF    // unified
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // compatibility
        | 0x20000..=0x3FFFF) // ext B and beyond
}

/// Full-width CJK punctuation and symbols (U+3000 block, full-width forms, CJK quotes).
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F)
        || matches!(c as u32, 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Any character that belongs to CJK text (for soft-break joining and glue decisions).
pub fn is_cjk(c: char) -> bool {
    is_cjk_letter(c) || is_cjk_punct(c)
}

/// Latin letters and digits: the other side of Han–Latin spacing.
pub fn is_latin_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c as u32, 0xC0..=0x24F if c != '×' && c != '÷')
        || matches!(c as u32, 0x370..=0x4FF) // Greek, Cyrillic behave alike
}

/// Characters that start a line only in error (clreq §3.1.7; GB/T 15834 §5.1.10).
pub fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '，'
            | '；'
            | '：'
            | '。'
            | '？'
            | '！'
            | '．'
            | '”'
            | '’'
            | '）'
            | '］'
            | '〕'
            | '】'
            | '》'
            | '〉'
            | '」'
            | '』'
            | '〗'
            | '｝'
            | '·'
            | '・'
            | 'ー'
            | '〜'
            | '～'
            | '％'
            | '‰'
            | '℃'
            | '々'
            | '゛'
            | '゜'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
    )
}

/// Characters that end a line only in error.
pub fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '“' | '‘' | '（' | '［' | '〔' | '【' | '《' | '〈' | '「' | '『' | '〖' | '｛'
    )
}

/// Two-em marks that must never be split between lines.
pub fn is_inseparable(c: char) -> bool {
    matches!(c, '—' | '…' | '⸺' | '⸻')
}

/// Full-width marks whose glyph sits in the left half of the em (blank right half in the
/// Simplified Chinese forms): these may be compressed from the right.
pub fn has_blank_right(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '”'
            | '’'
            | '）'
            | '］'
            | '〕'
            | '】'
            | '》'
            | '〉'
            | '」'
            | '』'
            | '〗'
            | '｝'
    )
}

/// Full-width opening marks (glyph in the right half): these may lose their left half.
pub fn has_blank_left(c: char) -> bool {
    matches!(
        c,
        '“' | '‘' | '（' | '［' | '〔' | '【' | '《' | '〈' | '「' | '『' | '〖' | '｛'
    )
}

/// Format and invisible characters: shaped with their neighbours, never drawn alone and
/// never reported as missing.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF
        | 0xE0000..=0xE0FFF)
        || c.is_control()
}

/// Combining marks stay in the run of their base character.
pub fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F | 0x3099 | 0x309A)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_cjk_letter('学'));
        assert!(!is_cjk_letter('。'));
        assert!(is_cjk_punct('。'));
        assert!(is_cjk('，'));
        assert!(is_latin_alnum('A') && is_latin_alnum('7') && is_latin_alnum('é'));
        assert!(!is_latin_alnum('学'));
        for c in "，。、；：？！）」』》".chars() {
            assert!(no_line_start(c), "{c}");
        }
        for c in "（「『《“".chars() {
            assert!(no_line_end(c), "{c}");
        }
        assert!(is_invisible('\u{200B}'));
    }
}
