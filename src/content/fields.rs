//! Checks shared by `bulletin.toml` and article front matter: dates, language tags and the
//! wording of "unknown key" warnings, so both files speak to the author the same way.

use crate::model::Lang;

/// True for an ISO `YYYY-MM-DD` date that exists in the Gregorian calendar.
pub(crate) fn is_valid_date(s: &str) -> bool {
    crate::timestamp::parse_date(s).is_some()
}

/// A type name with its indefinite article: "an integer", "a string".
pub(crate) fn a_or_an(noun: &str) -> String {
    let vowel = noun
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// Checks the shape of a BCP 47 language tag (`zh-CN`, `en`, `zh-Hans-CN`). The tag ends up
/// in `xml:lang` and the PDF's `/Lang`, where a malformed value makes the files invalid.
pub(crate) fn check_lang(tag: &str) -> Result<(), String> {
    if tag.contains('_') {
        return Err(format!(
            "`{tag}` is not a language tag; use `{}`",
            tag.replace('_', "-")
        ));
    }
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok =
        (2..=8).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(())
    } else {
        Err(format!(
            "`{tag}` is not a language tag (expected something like `zh-CN` or `en`)"
        ))
    }
}

/// Message and help for a key nobody reads: usually a typo, so suggest the nearest known key.
pub(crate) fn unknown_key(key: &str, known: &[&str], table: Option<&str>) -> (String, String) {
    let shown = match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_owned(),
    };
    let list = known.join(", ");
    let message = match table {
        Some(t) => format!("unknown key `{shown}` (known keys in [{t}]: {list})"),
        None => format!("unknown key `{shown}` (known keys: {list})"),
    };
    let help = match did_you_mean(key, known) {
        Some(k) => format!("did you mean `{k}`? Unknown keys are ignored"),
        None => "unknown keys are ignored; check the spelling".to_owned(),
    };
    (message, help)
}

/// The known key closest to `key` by edit distance, if it is close enough to be a typo.
pub(crate) fn did_you_mean<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let key = key.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::levenshtein(&key, k), *k))
        .filter(|&(d, k)| d <= 2.max(k.chars().count() / 3) || key.contains(k) || k.contains(&key))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// `YYYY-MM-DD`, quoted or a bare TOML date.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(try_from = "String")]
pub(crate) struct IsoDate(pub String);

impl TryFrom<String> for IsoDate {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let s = s.trim();
        match is_valid_date(s) {
            true => Ok(IsoDate(s.to_owned())),
            false => Err(format!(
                "`{s}` is not a valid date (write YYYY-MM-DD, e.g. 2023-09-01)"
            )),
        }
    }
}

/// A well-formed BCP 47 language tag.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(try_from = "String")]
pub(crate) struct LangTag(pub Lang);

impl TryFrom<String> for LangTag {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let s = s.trim();
        check_lang(s).map(|()| LangTag(Lang(s.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_valid_date("2023-09-01"));
        assert!(is_valid_date("2024-02-29"));
        assert!(is_valid_date("2000-02-29"));
        assert!(!is_valid_date("1900-02-29"));
        assert!(!is_valid_date("2023-02-29"));
        assert!(!is_valid_date("2023-13-01"));
        assert!(!is_valid_date("2023-04-31"));
        assert!(!is_valid_date("2023-4-1"));
        assert!(!is_valid_date("2023/09/01"));
        assert!(!is_valid_date("２０２３-09-01"));
        assert!(!is_valid_date("+023-09-01"));
    }

    #[test]
    fn language_tags() {
        assert!(check_lang("zh-CN").is_ok());
        assert!(check_lang("en").is_ok());
        assert!(check_lang("zh-Hans-CN").is_ok());
        assert!(check_lang("zh_CN").unwrap_err().contains("zh-CN"));
        assert!(check_lang("").is_err());
        assert!(check_lang("中文").is_err());
        assert!(check_lang("en-").is_err());
    }

    #[test]
    fn suggestions() {
        let known = ["title", "subtitle", "language", "size", "margins"];
        assert_eq!(did_you_mean("titel", &known), Some("title"));
        assert_eq!(did_you_mean("margin", &known), Some("margins"));
        assert_eq!(did_you_mean("pagesize", &known), Some("size"));
        assert_eq!(did_you_mean("xyzzy", &known), None);
        let (msg, help) = unknown_key("pagesize", &known, Some("page"));
        assert!(msg.contains("`page.pagesize`"), "{msg}");
        assert!(help.contains("`size`"), "{help}");
    }
}
