//! Identifiers for articles and headings.
//!
//! Both end up as XML `id` attributes in the EPUB (and article ids also as file names), so
//! they must be valid XML names: start with a letter or `_`, continue with name characters.
//! Article ids are further limited to `[a-z0-9-]` because they become file names on every
//! platform; heading ids keep CJK letters so that a Chinese heading gets a readable anchor.

use std::collections::HashSet;

/// `01-Mid Year_Meeting` → `a-01-mid-year-meeting`: ASCII lowercase letters and digits, every
/// other run of characters one `-`, prefixed with `a-` unless it starts with a letter.
pub(crate) fn article_base_id(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    match out.chars().next() {
        None => "article".to_owned(),
        Some(c) if c.is_ascii_lowercase() => out.to_owned(),
        Some(_) => format!("a-{out}"),
    }
}

/// A slug of heading text: letters and digits kept (ASCII lowercased, CJK as is), spaces and
/// hyphens become one `-`, other punctuation dropped. May be empty or start with a digit;
/// [`xml_safe`] fixes the start.
pub(crate) fn heading_slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if (c.is_alphanumeric() && is_name_char(c)) || c == '_' || c == '.' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '-' || c.is_whitespace() {
            dash = true;
        }
    }
    out
}

/// Prefixes `prefix` unless `id` starts with a letter or `_` (as XML ids and CSS selectors
/// prefer), and replaces characters that are not XML name characters.
pub(crate) fn xml_safe(id: &str, prefix: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| if is_name_char(c) { c } else { '-' })
        .collect();
    match cleaned.chars().next() {
        Some(c) if c == '_' || (c.is_alphabetic() && is_name_start_char(c)) => cleaned,
        _ => format!("{prefix}{cleaned}"),
    }
}

/// True if `id` is a valid XML NCName (what `id` attributes require).
pub(crate) fn is_xml_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// `base`, or `base-2`, `base-3`… whichever is not yet in `used`; records the result.
pub(crate) fn unique(base: &str, used: &mut HashSet<String>) -> String {
    if used.insert(base.to_owned()) {
        return base.to_owned();
    }
    let mut n = 2u32;
    loop {
        let candidate = format!("{base}-{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n = n.saturating_add(1);
    }
}

/// XML 1.0 NameStartChar without `:` (NCName).
fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 NameChar without `:`.
fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_ids() {
        assert_eq!(
            article_base_id("01-mid-year-work-meeting"),
            "a-01-mid-year-work-meeting"
        );
        assert_eq!(article_base_id("Opening Ceremony"), "opening-ceremony");
        assert_eq!(article_base_id("  a__b--c!! "), "a-b-c");
        assert_eq!(article_base_id("开学典礼"), "article");
        assert_eq!(article_base_id("2023 开学典礼"), "a-2023");
        assert_eq!(article_base_id("-x-"), "x");
    }

    #[test]
    fn uniqueness() {
        let mut used = HashSet::new();
        assert_eq!(unique("a", &mut used), "a");
        assert_eq!(unique("a", &mut used), "a-2");
        assert_eq!(unique("a", &mut used), "a-3");
        assert_eq!(unique("a-2", &mut used), "a-2-2");
    }

    #[test]
    fn heading_slugs() {
        assert_eq!(heading_slug("How to book"), "how-to-book");
        assert_eq!(heading_slug("典礼现场"), "典礼现场");
        assert_eq!(
            heading_slug("请提前完成 / Before the upgrade"),
            "请提前完成-before-the-upgrade"
        );
        assert_eq!(heading_slug("“双一流”建设！"), "双一流建设");
        assert_eq!(heading_slug("？！"), "");
        assert_eq!(xml_safe(&heading_slug("2023 年"), "h-"), "h-2023-年");
        assert_eq!(xml_safe("典礼", "h-"), "典礼");
        assert_eq!(xml_safe("_x", "h-"), "_x");
    }

    #[test]
    fn xml_ids() {
        assert!(is_xml_id("freshman-facts"));
        assert!(is_xml_id("典礼"));
        assert!(is_xml_id("_a.b"));
        assert!(!is_xml_id("1st"));
        assert!(!is_xml_id("a b"));
        assert!(!is_xml_id(""));
        assert!(!is_xml_id("a:b"));
    }
}
