//! Fixes to the two files epub-builder writes from its own fixed templates, made after it
//! has zipped the book: the package and the navigation document must state their
//! language, and the navigation's `nav` landmarks need ARIA roles and names (EPUB
//! Accessibility 1.1, checked by Ace). Every other entry is copied byte for byte, in
//! order, with its compression and (fixed) timestamp, so the book stays reproducible.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{ZipArchive, ZipWriter};

use crate::diagnostics::Error;

use super::xml;

const OPF: &str = "OEBPS/content.opf";
const NAV: &str = "OEBPS/nav.xhtml";

/// What the patched files need to say.
pub(crate) struct NavWords<'a> {
    pub lang: &'a str,
    pub landmarks: &'a str,
    /// The printed edition the page list follows (`dc:source` and EPUB 3.3's
    /// `pageBreakSource`, which EPUB Accessibility 1.1 and Ace ask for whenever a book
    /// carries page breaks); `None` without a page list.
    pub page_source: Option<&'a str>,
}

/// Rewrites the package and navigation documents in the zipped book `epub`.
pub(crate) fn patch(epub: Vec<u8>, words: &NavWords<'_>) -> Result<Vec<u8>, Error> {
    let err = |e: zip::result::ZipError| Error::Epub(format!("re-packing the book: {e}"));
    let mut archive = ZipArchive::new(Cursor::new(epub)).map_err(err)?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(err)?;
        let name = file.name().to_owned();
        if name != OPF && name != NAV {
            out.raw_copy_file(file).map_err(err)?;
            continue;
        }
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| Error::Epub(format!("re-packing the book: {name}: {e}")))?;
        let patched = if name == OPF {
            patch_opf(&text, words)?
        } else {
            patch_nav(&text, words)?
        };
        let mut options = SimpleFileOptions::default().compression_method(file.compression());
        if let Some(time) = file.last_modified() {
            options = options.last_modified_time(time);
        }
        drop(file);
        out.start_file(name, options).map_err(err)?;
        out.write_all(patched.as_bytes())
            .map_err(|e| Error::Epub(format!("re-packing the book: {e}")))?;
    }
    Ok(out.finish().map_err(err)?.into_inner())
}

/// Replaces `from` by `to` exactly once; a template that changed is an error, not a book
/// that silently loses its accessibility markup.
fn replace_once(text: &str, from: &str, to: &str, file: &str) -> Result<String, Error> {
    if text.matches(from).count() != 1 {
        return Err(Error::Epub(format!(
            "epub-builder's {file} changed: `{from}` not found once"
        )));
    }
    Ok(text.replacen(from, to, 1))
}

fn patch_opf(text: &str, words: &NavWords<'_>) -> Result<String, Error> {
    let mut lang = String::new();
    xml::push_attr(&mut lang, words.lang);
    let text = replace_once(
        text,
        "<package version=\"3.0\" ",
        &format!("<package version=\"3.0\" xml:lang=\"{lang}\" "),
        OPF,
    )?;
    let Some(source) = words.page_source else {
        return Ok(text);
    };
    let mut escaped = String::new();
    xml::push_attr(&mut escaped, source);
    replace_once(
        &text,
        "</metadata>",
        &format!(
            "<dc:source>{escaped}</dc:source>\n<meta property=\"pageBreakSource\">{escaped}</meta>\n</metadata>"
        ),
        OPF,
    )
}

fn patch_nav(text: &str, words: &NavWords<'_>) -> Result<String, Error> {
    let mut lang = String::new();
    xml::push_attr(&mut lang, words.lang);
    let mut landmarks = String::new();
    xml::push_attr(&mut landmarks, words.landmarks);
    let text = replace_once(
        text,
        "xmlns:epub=\"http://www.idpf.org/2007/ops\">",
        &format!(
            "xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">"
        ),
        NAV,
    )?;
    let text = replace_once(
        &text,
        "<nav epub:type = \"toc\" id=\"toc\">",
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">",
        NAV,
    )?;
    replace_once(
        &text,
        "<nav epub:type = \"landmarks\">",
        &format!("<nav epub:type=\"landmarks\" aria-label=\"{landmarks}\">"),
        NAV,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_template_is_an_error() {
        let words = NavWords {
            lang: "en",
            landmarks: "Landmarks",
            page_source: None,
        };
        assert!(patch_opf("<package version=\"2.0\">", &words).is_err());
        let opf = patch_opf("<package version=\"3.0\" xmlns=\"x\">", &words).unwrap();
        assert_eq!(opf, "<package version=\"3.0\" xml:lang=\"en\" xmlns=\"x\">");
    }
}
