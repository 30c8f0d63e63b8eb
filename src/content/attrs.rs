//! Attribute blocks written right after a Markdown construct, in Pandoc's syntax:
//! `![](photo.jpg){.decorative}`, `{#id .class key=value key="a value"}`.
//!
//! The reader strips a block it understands from the text (it never prints); a brace that
//! does not parse as a whole attribute block stays text, so nothing the author wrote is
//! lost. Which classes and keys mean something is decided by the construct's reader.

/// The attributes of one `{…}` block, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Attrs {
    /// `#id`; the last one wins.
    pub id: Option<String>,
    /// `.class` names, without the dot.
    pub classes: Vec<String>,
    /// `key=value` pairs, quotes removed.
    pub pairs: Vec<(String, String)>,
}

impl Attrs {
    pub(crate) fn has_class(&self, name: &str) -> bool {
        self.classes.iter().any(|c| c == name)
    }

    /// The value of the last `key=…`.
    #[allow(dead_code)] // for `{width=…}`-style keys; the parser keeps them already
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// An attribute block at the very start of `text`: the attributes, and the text after the
/// closing brace. `None` when `text` does not start with a well-formed, non-empty block.
pub(crate) fn leading(text: &str) -> Option<(Attrs, &str)> {
    let inner = text.strip_prefix('{')?;
    let mut quote: Option<char> = None;
    let mut end = None;
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '\n') => return None,
            (None, '}') => {
                end = Some(i);
                break;
            }
            (None, _) => {}
        }
    }
    let end = end?;
    let attrs = parse(&inner[..end])?;
    Some((attrs, &inner[end + 1..]))
}

/// The inside of an attribute block (without braces).
pub(crate) fn parse(inner: &str) -> Option<Attrs> {
    let mut attrs = Attrs::default();
    let mut rest = inner.trim_start();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('#') {
            let (name, r) = name(r)?;
            attrs.id = Some(name.to_owned());
            rest = r;
        } else if let Some(r) = rest.strip_prefix('.') {
            let (name, r) = name(r)?;
            attrs.classes.push(name.to_owned());
            rest = r;
        } else {
            let (key, r) = name(rest)?;
            let r = r.strip_prefix('=')?;
            let (value, r) = value(r)?;
            attrs.pairs.push((key.to_owned(), value.to_owned()));
            rest = r;
        }
        // Attributes are separated by white space.
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() && !rest.is_empty() {
            return None;
        }
        rest = trimmed;
    }
    Some(attrs)
}

/// A name: letters, digits, `-`, `_`, `:` (at least one).
fn name(s: &str) -> Option<(&str, &str)> {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | ':')))
        .unwrap_or(s.len());
    (end > 0).then(|| (&s[..end], &s[end..]))
}

/// A value: quoted (`"…"` or `'…'`, may hold spaces) or bare up to white space.
fn value(s: &str) -> Option<(&str, &str)> {
    if let Some(q) = s.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        let body = &s[1..];
        let end = body.find(q)?;
        return Some((&body[..end], &body[end + 1..]));
    }
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\''))
        .unwrap_or(s.len());
    (end > 0).then(|| (&s[..end], &s[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_ids_and_pairs() {
        let (a, rest) = leading("{#gate .decorative .bleed width=120 title=\"Main gate\"} after")
            .expect("parses");
        assert_eq!(a.id.as_deref(), Some("gate"));
        assert_eq!(a.classes, ["decorative", "bleed"]);
        assert!(a.has_class("decorative") && !a.has_class("wide"));
        assert_eq!(a.get("width"), Some("120"));
        assert_eq!(a.get("title"), Some("Main gate"));
        assert_eq!(rest, " after");
        let (a, rest) = leading("{.decorative}").unwrap();
        assert_eq!(a.classes, ["decorative"]);
        assert_eq!(rest, "");
        let (a, _) = leading("{ key='a } b' }").unwrap();
        assert_eq!(a.get("key"), Some("a } b"));
    }

    #[test]
    fn text_that_is_not_an_attribute_block_stays_text() {
        for text in [
            "{}",
            "{ }",
            "{.}",
            "{.a",
            "no brace",
            " {.a}",
            "{a b}",
            "{.a.b}",
            "{key=}",
            "{key=\"open}",
            "{函数}",
            "{.a {.b}}",
        ] {
            assert_eq!(leading(text), None, "{text}");
        }
    }
}
