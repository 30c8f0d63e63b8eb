//! EPUB Accessibility 1.1 metadata: what a reading system or a library catalogue needs to
//! know before a reader opens the book (how it can be read, what helps navigation, hazards).
//!
//! The claims are decided from what the book holds, not written as constants: a book with
//! pictures is also visual and promises alternative text; one without is textual only.

/// The conformance statement the book's markup is written to meet.
pub(crate) const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA";

/// What the book contains, as far as its accessibility claims go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Contents {
    /// Any picture besides the cover.
    pub has_images: bool,
    /// Any table.
    pub has_tables: bool,
    /// A page list (print page numbers) in the navigation document.
    pub has_page_list: bool,
}

/// `(property, value)` pairs for `<meta property="…">value</meta>`, in a fixed order.
/// `schema:` and `dcterms:` are reserved prefixes in EPUB 3, so no declaration is needed.
pub(crate) fn metadata(contents: Contents, certified_by: Option<&str>) -> Vec<(String, String)> {
    let mut out: Vec<(&str, String)> = vec![("schema:accessMode", "textual".into())];
    if contents.has_images {
        out.push(("schema:accessMode", "visual".into()));
    }
    // Every picture carries a text alternative (a missing one is reported), so the text
    // alone suffices; with pictures, text and pictures together do too.
    out.push(("schema:accessModeSufficient", "textual".into()));
    if contents.has_images {
        out.push(("schema:accessModeSufficient", "textual,visual".into()));
    }
    let mut features = vec!["structuralNavigation", "tableOfContents", "readingOrder"];
    if contents.has_images {
        features.push("alternativeText");
    }
    if contents.has_page_list {
        features.push("pageNavigation");
    }
    // Sections, notes, the contents and decorative pictures carry ARIA roles.
    features.push("ARIA");
    features.push("displayTransformability");
    for f in features {
        out.push(("schema:accessibilityFeature", f.into()));
    }
    out.push(("schema:accessibilityHazard", "none".into()));
    out.push(("schema:accessibilitySummary", summary(contents)));
    out.push(("dcterms:conformsTo", CONFORMS_TO.into()));
    if let Some(who) = certified_by.map(str::trim).filter(|s| !s.is_empty()) {
        out.push(("a11y:certifiedBy", who.into()));
    }
    out.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn summary(contents: Contents) -> String {
    let mut s = String::from(
        "This publication meets WCAG 2.1 Level AA. Headings, sections and a table of contents \
         give structural navigation; the reading order follows the printed bulletin; text can \
         be resized and restyled.",
    );
    if contents.has_images {
        s.push_str(" Every picture has a text alternative or is marked as decorative.");
    }
    if contents.has_tables {
        s.push_str(" Tables mark their header cells.");
    }
    s.push_str(" There are no flashing, sound or motion hazards.");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_follow_contents() {
        let plain = metadata(
            Contents {
                has_images: false,
                has_tables: false,
                has_page_list: false,
            },
            None,
        );
        let has =
            |m: &[(String, String)], k: &str, v: &str| m.iter().any(|(a, b)| a == k && b == v);
        assert!(has(&plain, "schema:accessMode", "textual"));
        assert!(!has(&plain, "schema:accessMode", "visual"));
        assert!(!has(
            &plain,
            "schema:accessibilityFeature",
            "alternativeText"
        ));
        assert!(has(&plain, "dcterms:conformsTo", CONFORMS_TO));
        assert!(!plain.iter().any(|(k, _)| k == "a11y:certifiedBy"));

        let rich = metadata(
            Contents {
                has_images: true,
                has_tables: true,
                has_page_list: true,
            },
            Some("Library"),
        );
        assert!(has(&rich, "schema:accessMode", "visual"));
        assert!(has(&rich, "schema:accessibilityFeature", "alternativeText"));
        assert!(has(&rich, "schema:accessibilityFeature", "pageNavigation"));
        assert!(has(&rich, "a11y:certifiedBy", "Library"));
    }
}
