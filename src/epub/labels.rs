//! The few words the book itself adds (page names, "Vol. 3, No. 17"), in the book's
//! language: Simplified or Traditional Chinese, or English for everything else.

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

    /// The name of an article's notes section, for screen readers.
    pub(crate) fn notes(self) -> &'static str {
        match self {
            Labels::Hans => "注释",
            Labels::Hant => "註釋",
            Labels::English => "Notes",
        }
    }

    /// "第 3 卷 第 17 期" / "Vol. 3, No. 17".
    pub(crate) fn issue(self, volume: Option<u32>, issue: Option<u32>) -> Option<String> {
        let parts: Vec<String> = match self {
            Labels::Hans | Labels::Hant => volume
                .map(|v| format!("第 {v} 卷"))
                .into_iter()
                .chain(issue.map(|i| format!("第 {i} 期")))
                .collect(),
            Labels::English => volume
                .map(|v| format!("Vol. {v}"))
                .into_iter()
                .chain(issue.map(|i| format!("No. {i}")))
                .collect(),
        };
        if parts.is_empty() {
            None
        } else if self.is_chinese() {
            Some(parts.join(" "))
        } else {
            Some(parts.join(", "))
        }
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
        assert_eq!(
            Labels::Hans.issue(Some(3), Some(17)).as_deref(),
            Some("第 3 卷 第 17 期")
        );
        assert_eq!(
            Labels::English.issue(None, Some(17)).as_deref(),
            Some("No. 17")
        );
        assert_eq!(Labels::English.issue(None, None), None);
    }
}
