//! Writing text into XML safely: escaping, dropping characters XML cannot carry, and the
//! few value syntaxes (names, language tags, dates) that epubcheck validates.
//!
//! Every string that reaches an XHTML, SVG or package file passes through here, so a
//! stray `<` or a control character in an article can never make the book unreadable.

/// Whether XML 1.0 can carry `c` at all. C1 controls are allowed by XML but are never
/// meaningful in text, and HTML forbids them, so they are dropped too.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || (('\u{20}'..='\u{7E}').contains(&c))
        || (('\u{A0}'..='\u{FFFD}').contains(&c))
        || c >= '\u{10000}'
}

/// Appends `s` as element content: `&`, `<` and `>` escaped, unusable characters dropped,
/// and `\r` dropped (XML parsers normalise line ends to `\n` anyway).
pub(crate) fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Appends `s` as a double-quoted attribute value. Tabs and line ends become spaces, which
/// is what an XML parser would turn them into anyway.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` escaped as element content.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

/// A one-line label: unusable characters dropped, runs of white space collapsed to one
/// space, trimmed. Not escaped (epub-builder escapes what it is given).
pub(crate) fn label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace()) {
        let word: String = word.chars().filter(|&c| is_xml_char(c)).collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

/// Whether `s` can be used as an `id` as it is: an ASCII XML name without colons. Non-ASCII
/// names are valid XML 1.0 (fifth edition) but older parsers in reading systems disagree on
/// which ones, so only ASCII is trusted.
pub(crate) fn is_ascii_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether `s` is a safe file name inside the book: ASCII letters, digits, `-`, `_` and `.`,
/// not starting with a dot.
pub(crate) fn is_safe_file_stem(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A well-formed BCP 47 tag in the shape `xml:lang` and `dc:language` accept (`zh-CN`,
/// `en`, `zh-Hant-TW`), or `None`. `zh_CN` is repaired to `zh-CN`.
pub(crate) fn language_tag(raw: &str) -> Option<String> {
    let tag = raw.trim().replace('_', "-");
    let mut parts = tag.split('-');
    let primary = parts.next()?;
    let primary_ok =
        (2..=8).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    (primary_ok && rest_ok).then_some(tag)
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD` (what `<time datetime>` and
/// `dc:date` accept).
pub(crate) fn is_iso_date(s: &str) -> bool {
    crate::timestamp::parse_date(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops() {
        assert_eq!(text("a<b>&c\u{1}\u{85}\r\n"), "a&lt;b&gt;&amp;c\n");
        let mut s = String::new();
        push_attr(&mut s, "\"x\"\n<y>");
        assert_eq!(s, "&quot;x&quot; &lt;y&gt;");
        assert_eq!(label("  a \n\t b\u{7}c  "), "a bc");
    }

    #[test]
    fn names_and_tags() {
        assert!(is_ascii_ncname("intro-2.x_y"));
        assert!(!is_ascii_ncname("2intro"));
        assert!(!is_ascii_ncname("会议"));
        assert!(!is_ascii_ncname(""));
        assert_eq!(language_tag("zh_CN").as_deref(), Some("zh-CN"));
        assert_eq!(language_tag("en").as_deref(), Some("en"));
        assert_eq!(language_tag("e"), None);
        assert_eq!(language_tag("zh--CN"), None);
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2023-9-1"));
        assert!(!is_iso_date("２０２３-09-01"));
    }
}
