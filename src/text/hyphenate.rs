//! Where an English word may be hyphenated at a line end (the `hyphenation` crate's
//! embedded en-US patterns, Liang's algorithm).
//!
//! Only plain words are hyphenated: a token holding digits or URL, path, address or code
//! characters is left whole, as are acronyms and CamelCase, and at least two letters stay
//! before the break and three after it.

use std::sync::OnceLock;

use hyphenation::{Hyphenator, Language, Load, Standard};

use super::script::is_cjk;

const MIN_BEFORE: usize = 2;
const MIN_AFTER: usize = 3;

fn english() -> Option<&'static Standard> {
    static EN: OnceLock<Option<Standard>> = OnceLock::new();
    EN.get_or_init(|| Standard::from_embedded(Language::EnglishUS).ok())
        .as_ref()
}

/// Whether Latin words in text of language `lang` are hyphenated as English. Latin words
/// inside Chinese, Japanese or Korean text are English by convention; other languages have
/// no patterns here and stay unhyphenated rather than hyphenated wrongly.
pub fn hyphenates(lang: &str) -> bool {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(primary.as_str(), "en" | "zh" | "ja" | "ko")
}

/// Characters that make a token something other than prose: URLs, paths, addresses,
/// identifiers, numbers.
fn technical(c: char) -> bool {
    c.is_ascii_digit() || "/\\@:_=<>#&%~|{}[]+*^$".contains(c)
}

/// Byte offsets in `text` where a hyphen may end a line, in increasing order. `skip(at)`
/// excludes a token starting at byte `at` (inline code).
pub fn points(text: &str, lang: &str, skip: &dyn Fn(usize) -> bool) -> Vec<usize> {
    if !hyphenates(lang) {
        return Vec::new();
    }
    let Some(dict) = english() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut token_start = None;
    let boundary = |c: char| c.is_whitespace() || is_cjk(c);
    let mut tokens = Vec::new();
    for (i, c) in text.char_indices() {
        if boundary(c) {
            if let Some(s) = token_start.take() {
                tokens.push(s..i);
            }
        } else if token_start.is_none() {
            token_start = Some(i);
        }
    }
    if let Some(s) = token_start {
        tokens.push(s..text.len());
    }
    for token in tokens {
        let t = &text[token.clone()];
        if t.chars().any(technical) || skip(token.start) {
            continue;
        }
        // A dot between letters: a domain name or an abbreviation.
        let b = t.as_bytes();
        if (1..b.len().saturating_sub(1)).any(|i| {
            b[i] == b'.' && b[i - 1].is_ascii_alphabetic() && b[i + 1].is_ascii_alphabetic()
        }) {
            continue;
        }
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            // Letters glued to other letters (é, ß…) are not a plain ASCII word.
            let glued = |at: usize| t[at..].chars().next().is_some_and(char::is_alphabetic);
            let before_ok = start == 0
                || !t[..start]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphabetic);
            if !before_ok || (i < b.len() && glued(i)) {
                continue;
            }
            let word = &t[start..i];
            let upper = word.bytes().filter(u8::is_ascii_uppercase).count();
            if word.len() < MIN_BEFORE + MIN_AFTER + 1
                || upper > 1
                || (upper == 1 && !word.as_bytes()[0].is_ascii_uppercase())
            {
                continue;
            }
            let lower = word.to_ascii_lowercase();
            for at in dict.opportunities(&lower) {
                if at >= MIN_BEFORE && word.len() - at >= MIN_AFTER {
                    out.push(token.start + start + at);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, lang: &str) -> String {
        let mut s = text.to_owned();
        for at in points(text, lang, &|_| false).into_iter().rev() {
            s.insert(at, '-');
        }
        s
    }

    #[test]
    fn english_words_get_hyphenation_points() {
        let s = split("Consolidate the advantages of hyphenation", "en");
        assert!(s.contains("Con-sol-i-date"), "{s}");
        assert!(s.contains("hy-phen-a-tion"), "{s}");
        // Two letters before, three after.
        assert!(!split("reinstate", "en").starts_with("r-"));
    }

    #[test]
    fn urls_numbers_code_acronyms_and_other_languages_stay_whole() {
        for t in [
            "https://example.com/consolidation",
            "consolidation2023",
            "foo_consolidation",
            "NASA UNESCO",
            "JavaScript",
            "example.consolidation",
        ] {
            assert_eq!(split(t, "en"), t);
        }
        assert_eq!(split("consolidation", "de"), "consolidation");
        assert_ne!(split("学校consolidation", "zh-CN"), "学校consolidation");
        assert!(points("a consolidation", "en", &|at| at == 2).is_empty());
    }
}
