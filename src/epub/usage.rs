//! Which characters the book shows in which typeface, so each embedded font can be cut
//! down to exactly what it has to draw.
//!
//! The XHTML writers record every piece of text together with the style the stylesheet
//! gives it ([`TextStyle`]); the stylesheet's `font-family` lists come from the same
//! [`Family::stack`], so the recorded usage and what a reading system asks of each font
//! agree by construction.

use std::collections::{BTreeMap, BTreeSet};

/// The typefaces the stylesheet uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Family {
    /// Body text.
    Serif,
    /// Headings, titles, captions, bylines.
    Sans,
    /// Code.
    Mono,
    /// Kai (楷体): Chinese emphasis when the bulletin asks for `emphasis = "kai"`.
    Kai,
    /// Emoji: the last fallback of every other family, never a style of its own.
    Emoji,
}

impl Family {
    pub(crate) const ALL: [Family; 5] = [
        Family::Serif,
        Family::Sans,
        Family::Mono,
        Family::Kai,
        Family::Emoji,
    ];

    /// The `font-family` name the caller passes and the stylesheet declares.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Family::Serif => "Folio Serif",
            Family::Sans => "Folio Sans",
            Family::Mono => "Folio Mono",
            Family::Kai => "Folio Kai",
            Family::Emoji => "Folio Emoji",
        }
    }

    /// Short name used in font file names.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Family::Serif => "serif",
            Family::Sans => "sans",
            Family::Mono => "mono",
            Family::Kai => "kai",
            Family::Emoji => "emoji",
        }
    }

    /// The embedded families tried in order for a character, as in the CSS `font-family`
    /// list: code falls back to the sans (JetBrains Mono has no hanzi), the sans to the
    /// serif, Kai to the serif (for what the Kai face lacks).
    pub(crate) fn stack(self) -> &'static [Family] {
        match self {
            Family::Serif => &[Family::Serif, Family::Emoji],
            Family::Kai => &[Family::Kai, Family::Serif, Family::Emoji],
            Family::Sans => &[Family::Sans, Family::Serif, Family::Emoji],
            Family::Mono => &[Family::Mono, Family::Sans, Family::Serif, Family::Emoji],
            Family::Emoji => &[Family::Emoji],
        }
    }

    /// The CSS generic family that ends the `font-family` list.
    pub(crate) fn generic(self) -> &'static str {
        match self {
            Family::Serif | Family::Kai => "serif",
            Family::Sans | Family::Emoji => "sans-serif",
            Family::Mono => "monospace",
        }
    }

    /// The complete CSS `font-family` value.
    pub(crate) fn css_stack(self) -> String {
        let mut out: Vec<String> = self
            .stack()
            .iter()
            .map(|f| format!("\"{}\"", f.name()))
            .collect();
        out.push(self.generic().to_owned());
        out.join(", ")
    }
}

/// How a run of text is set: the family and whether it is bold (weight 700, else 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TextStyle {
    pub family: Family,
    pub bold: bool,
}

impl TextStyle {
    pub(crate) const BODY: TextStyle = TextStyle {
        family: Family::Serif,
        bold: false,
    };
    pub(crate) const HEADING: TextStyle = TextStyle {
        family: Family::Sans,
        bold: true,
    };
    pub(crate) const SANS: TextStyle = TextStyle {
        family: Family::Sans,
        bold: false,
    };

    pub(crate) fn bold(self) -> TextStyle {
        TextStyle { bold: true, ..self }
    }
    pub(crate) fn is_mono(self) -> bool {
        self.family == Family::Mono
    }
    pub(crate) fn kai(self) -> TextStyle {
        TextStyle {
            family: Family::Kai,
            ..self
        }
    }
    pub(crate) fn mono(self) -> TextStyle {
        TextStyle {
            family: Family::Mono,
            ..self
        }
    }
}

/// Characters shown, per style. Sorted sets, so everything derived from it is
/// deterministic.
#[derive(Debug, Default, Clone)]
pub(crate) struct CharUsage {
    by_style: BTreeMap<TextStyle, BTreeSet<char>>,
}

impl CharUsage {
    /// Notes that `text` is shown in `style`. Line ends and other controls draw nothing and
    /// are skipped.
    pub(crate) fn record(&mut self, style: TextStyle, text: &str) {
        let mut chars = text.chars().filter(|c| !c.is_control()).peekable();
        if chars.peek().is_none() {
            return;
        }
        self.by_style.entry(style).or_default().extend(chars);
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (TextStyle, &BTreeSet<char>)> {
        self.by_style.iter().map(|(s, c)| (*s, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_match_css() {
        assert_eq!(
            Family::Mono.css_stack(),
            "\"Folio Mono\", \"Folio Sans\", \"Folio Serif\", \"Folio Emoji\", monospace"
        );
        let mut u = CharUsage::default();
        u.record(TextStyle::BODY, "ab\n");
        u.record(TextStyle::BODY.bold(), "\n");
        assert_eq!(u.iter().count(), 1);
        assert_eq!(u.iter().map(|(_, c)| c.len()).sum::<usize>(), 2);
    }
}
