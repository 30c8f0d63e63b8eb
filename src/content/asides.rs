//! The titles folio gives GitHub alerts and untitled `<details>`, in the article's language.
//! One table, so the PDF and the EPUB (which both paint the title the reader put into the
//! model) and any later language agree.

use crate::model::{AsideKind, Lang};

/// Kind, Simplified Chinese, Traditional Chinese, English (every other language).
const LABELS: &[(AsideKind, &str, &str, &str)] = &[
    (AsideKind::Note, "注意", "注意", "Note"),
    (AsideKind::Tip, "提示", "提示", "Tip"),
    (AsideKind::Important, "重要", "重要", "Important"),
    (AsideKind::Warning, "警告", "警告", "Warning"),
    (AsideKind::Caution, "小心", "小心", "Caution"),
    (AsideKind::Details, "详情", "詳情", "Details"),
];

pub(crate) fn label(kind: AsideKind, lang: &Lang) -> &'static str {
    let lower = lang.as_str().to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let chinese = parts.next() == Some("zh");
    let traditional = chinese
        && !lower.contains("hans")
        && parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
    let row = LABELS
        .iter()
        .find(|row| row.0 == kind)
        .unwrap_or(&LABELS[0]);
    match (chinese, traditional) {
        (true, false) => row.1,
        (true, true) => row.2,
        _ => row.3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_language() {
        let l = |t: &str| Lang(t.to_owned());
        assert_eq!(label(AsideKind::Note, &l("zh-CN")), "注意");
        assert_eq!(label(AsideKind::Details, &l("zh-TW")), "詳情");
        assert_eq!(label(AsideKind::Warning, &l("en")), "Warning");
        assert_eq!(label(AsideKind::Tip, &l("de")), "Tip");
    }
}
