//! The navigation: entries for the cover, the contents page and each article, with the
//! article's second- and third-level headings nested under it.
//!
//! epub-builder renders these into both `nav.xhtml` (EPUB 3) and `toc.ncx` (for EPUB 2
//! reading systems). `nav.xhtml` is styled by the book's stylesheet, so its words are
//! recorded for the fonts like any other page's.

use epub_builder::TocElement;

use super::plan::{ArticlePlan, OutlineEntry};
use super::usage::{CharUsage, TextStyle};

/// The nav entry of an article, with its outline as children.
pub(crate) fn article_entry(plan: &ArticlePlan, usage: &mut CharUsage) -> TocElement {
    usage.record(TextStyle::BODY, &plan.label);
    let mut entry = TocElement::new(plan.file.clone(), plan.label.clone());
    for heading in &plan.outline {
        usage.record(TextStyle::BODY, &heading.label);
        entry.add(heading_entry(plan, heading));
    }
    entry
}

fn heading_entry(plan: &ArticlePlan, heading: &OutlineEntry) -> TocElement {
    // The article is level 1, so an h2 is level 2 and nests under it.
    TocElement::new(
        format!("{}#{}", plan.file, heading.id),
        heading.label.clone(),
    )
    .level(i32::from(heading.level))
}

/// Records the words `nav.xhtml` shows besides the entries: its heading and the
/// landmark names.
pub(crate) fn record_nav_page(usage: &mut CharUsage, toc_name: &str, landmarks: &[&str]) {
    usage.record(TextStyle::HEADING, toc_name);
    for name in landmarks {
        usage.record(TextStyle::BODY, name);
    }
}
