//! The printed page list: where each page of the PDF begins, so a reader of the e-book can
//! cite the printed page.
//!
//! Each article carries `epub:type="pagebreak"` markers (written by the article writer
//! before the block where a printed page begins), and the navigation document gets a
//! `page-list` nav pointing at them. epub-builder writes `nav.xhtml` itself and has no
//! page list, so the finished book is copied entry by entry, unchanged (same compression,
//! same timestamps) except `nav.xhtml`, which gains the list.

use std::io::{Cursor, Read, Write};

use crate::diagnostics::Error;

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

/// Adds a `page-list` nav with `entries` to the book's `nav.xhtml`.
pub(crate) fn add_page_list(book: Vec<u8>, entries: &[PageEntry]) -> Result<Vec<u8>, Error> {
    if entries.is_empty() {
        return Ok(book);
    }
    let err = |e: zip::result::ZipError| Error::Epub(format!("adding the page list: {e}"));
    let mut input = zip::ZipArchive::new(Cursor::new(book)).map_err(err)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..input.len() {
        let name = input.by_index_raw(i).map_err(err)?.name().to_owned();
        if !name.ends_with("nav.xhtml") {
            let entry = input.by_index_raw(i).map_err(err)?;
            out.raw_copy_file(entry).map_err(err)?;
            continue;
        }
        let mut nav = String::new();
        let mut entry = input.by_index(i).map_err(err)?;
        entry
            .read_to_string(&mut nav)
            .map_err(|e| Error::Epub(format!("reading nav.xhtml: {e}")))?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(entry.compression())
            .last_modified_time(entry.last_modified().unwrap_or_default());
        drop(entry);
        let nav = with_page_list(&nav, entries);
        out.start_file(name, options).map_err(err)?;
        out.write_all(nav.as_bytes())
            .map_err(|e| Error::Epub(format!("writing nav.xhtml: {e}")))?;
    }
    Ok(out.finish().map_err(err)?.into_inner())
}

fn with_page_list(nav: &str, entries: &[PageEntry]) -> String {
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
