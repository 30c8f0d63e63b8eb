//! The few words the book itself adds (目录, 第 N 期, 责任编辑, 注释 …), in the book's
//! language: Simplified or Traditional Chinese, or English for everything else.
//!
//! One table for both writers: the PDF layout and the EPUB read their words here, so the
//! printed bulletin and the e-book never say different things.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Labels {
    Hans,
    Hant,
    English,
}

impl Labels {
    /// Picks the wording for a BCP 47 tag.
    pub(crate) fn for_lang(tag: &str) -> Labels {
        let lower = tag.to_ascii_lowercase();
        let mut parts = lower.split('-');
        if parts.next() != Some("zh") {
            return Labels::English;
        }
        let traditional = parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
        if traditional && !lower.contains("hans") {
            Labels::Hant
        } else {
            Labels::Hans
        }
    }

    pub(crate) fn is_chinese(self) -> bool {
        self != Labels::English
    }

    pub(crate) fn cover(self) -> &'static str {
        match self {
            Labels::Hans | Labels::Hant => "封面",
            Labels::English => "Cover",
        }
    }

    pub(crate) fn contents(self) -> &'static str {
        match self {
            Labels::Hans => "目录",
            Labels::Hant => "目錄",
            Labels::English => "Contents",
        }
    }

    /// The name of the navigation document's landmarks list.
    pub(crate) fn landmarks(self) -> &'static str {
        match self {
            Labels::Hans => "导航标志",
            Labels::Hant => "導覽標誌",
            Labels::English => "Landmarks",
        }
    }

    /// "第 3 卷　第 17 期　总第 85 期" / "Vol. 3, No. 17, Whole No. 85", from the
    /// volume, the issue in it and the running issue number (any may be absent).
    pub(crate) fn issue(self, meta: &crate::model::Meta) -> Option<String> {
        let (volume, issue, total) = (meta.volume, meta.issue, meta.total_issue);
        let parts: Vec<String> = match self {
            Labels::Hans | Labels::Hant => volume
                .map(|v| format!("第 {v} 卷"))
                .into_iter()
                .chain(issue.map(|i| format!("第 {i} 期")))
                .chain(total.map(|t| match self {
                    Labels::Hant => format!("總第 {t} 期"),
                    _ => format!("总第 {t} 期"),
                }))
                .collect(),
            Labels::English => volume
                .map(|v| format!("Vol. {v}"))
                .into_iter()
                .chain(issue.map(|i| format!("No. {i}")))
                .chain(total.map(|t| format!("Whole No. {t}")))
                .collect(),
        };
        if parts.is_empty() {
            None
        } else if self.is_chinese() {
            Some(parts.join("　"))
        } else {
            Some(parts.join(", "))
        }
    }

    /// The heading over an article's notes (and their name for screen readers).
    pub(crate) fn notes(self) -> &'static str {
        match self {
            Labels::Hans => "注释",
            Labels::Hant => "註釋",
            Labels::English => "Notes",
        }
    }

    /// The bulletin name with its issue, as the running head repeats it:
    /// "简报　第 17 期" / "Bulletin · No. 17".
    pub(crate) fn running_title(self, title: &str, issue: Option<u32>) -> String {
        match (issue, self.is_chinese()) {
            (Some(i), true) => format!("{title}　第 {i} 期"),
            (Some(i), false) => format!("{title} · No. {i}"),
            (None, _) => title.to_owned(),
        }
    }

    /// Separates the parts of a masthead or credits line.
    pub(crate) fn separator(self) -> &'static str {
        if self.is_chinese() { "　" } else { " · " }
    }

    pub(crate) fn editor(self, name: &str) -> String {
        match self {
            Labels::Hans => format!("责任编辑：{name}"),
            Labels::Hant => format!("責任編輯：{name}"),
            Labels::English => format!("Editor: {name}"),
        }
    }

    pub(crate) fn authors(self, names: &[String]) -> String {
        match self {
            Labels::Hans | Labels::Hant => format!("撰稿：{}", names.join("、")),
            Labels::English => format!("Contributors: {}", names.join(", ")),
        }
    }

    /// Spoken label of a task-list box (it is drawn as □ or ▣).
    pub(crate) fn task(self, done: bool) -> &'static str {
        match (self, done) {
            (Labels::Hans | Labels::Hant, true) => "已完成",
            (Labels::Hans | Labels::Hant, false) => "未完成",
            (Labels::English, true) => "done",
            (Labels::English, false) => "not done",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_script() {
        assert_eq!(Labels::for_lang("zh-CN"), Labels::Hans);
        assert_eq!(Labels::for_lang("zh-Hant-TW"), Labels::Hant);
        assert_eq!(Labels::for_lang("zh-TW"), Labels::Hant);
        assert_eq!(Labels::for_lang("en-GB"), Labels::English);
        let meta = |volume, issue, total_issue| crate::model::Meta {
            title: "t".into(),
            subtitle: None,
            volume,
            issue,
            total_issue,
            date: None,
            lang: crate::model::Lang("zh-CN".into()),
            publisher: None,
            editor: None,
            authors: Vec::new(),
            publication: None,
        };
        assert_eq!(
            Labels::Hans
                .issue(&meta(Some(3), Some(17), None))
                .as_deref(),
            Some("第 3 卷　第 17 期")
        );
        assert_eq!(
            Labels::Hans
                .issue(&meta(None, Some(17), Some(85)))
                .as_deref(),
            Some("第 17 期　总第 85 期")
        );
        assert_eq!(
            Labels::Hant.issue(&meta(None, None, Some(85))).as_deref(),
            Some("總第 85 期")
        );
        assert_eq!(
            Labels::English
                .issue(&meta(None, Some(17), Some(85)))
                .as_deref(),
            Some("No. 17, Whole No. 85")
        );
        assert_eq!(Labels::English.issue(&meta(None, None, None)), None);
        assert_eq!(Labels::Hant.contents(), "目錄");
        assert_eq!(Labels::Hant.notes(), "註釋");
        assert_eq!(Labels::Hans.running_title("简报", Some(3)), "简报　第 3 期");
    }
}
