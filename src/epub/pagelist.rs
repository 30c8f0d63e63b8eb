//! The printed page list: where each page of the PDF begins, so a reader of the e-book can
//! cite the printed page.
//!
//! Each article carries `epub:type="pagebreak"` markers (written by the article writer
//! before the block where a printed page begins), and the navigation document gets a
//! `page-list` nav pointing at them. epub-builder writes `nav.xhtml` itself and has no
//! page list, so `repack::fix` adds it while the book is zipped.

use super::xml;

/// One page-list entry: the printed label and the XHTML file holding its marker.
pub(crate) struct PageEntry {
    pub label: String,
    pub file: String,
}

/// The marker's id for a page label.
pub(crate) fn marker_id(label: &str) -> String {
    format!("page-{label}")
}

/// The marker written before a block where printed page `label` begins.
pub(crate) fn marker(label: &str) -> String {
    let mut out = String::from("<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"");
    xml::push_attr(&mut out, &marker_id(label));
    out.push_str("\" aria-label=\"");
    xml::push_attr(&mut out, label);
    out.push_str("\"></span>\n");
    out
}

/// `nav` (the book's `nav.xhtml`) with a `page-list` nav of `entries` before `</body>`.
pub(crate) fn with_page_list(nav: &str, entries: &[PageEntry]) -> String {
    let mut list = String::from("<nav epub:type=\"page-list\" hidden=\"hidden\">\n<ol>\n");
    for e in entries {
        list.push_str("<li><a href=\"");
        xml::push_attr(&mut list, &format!("{}#{}", e.file, marker_id(&e.label)));
        list.push_str("\">");
        xml::push_text(&mut list, &e.label);
        list.push_str("</a></li>\n");
    }
    list.push_str("</ol>\n</nav>\n");
    match nav.rfind("</body>") {
        Some(at) => format!("{}{list}{}", &nav[..at], &nav[at..]),
        None => nav.to_owned(),
    }
}
