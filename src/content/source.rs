//! Turning the bytes of an input file into text we can parse, and byte offsets back into the
//! line numbers an author sees in their editor.
//!
//! Every later stage reports positions as `file:line`, so the decoding here keeps the line
//! structure of the file intact: a BOM is dropped (it is not a line) and CRLF / CR line
//! endings become LF one for one, so line N of the decoded text is line N of the file.

use crate::diagnostics::Diagnostic;

/// Maps byte offsets in a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// Byte offset at which each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (offsets past the end give the last line).
    pub(crate) fn line(&self, offset: usize) -> u32 {
        to_line(self.starts.partition_point(|&start| start <= offset))
    }
}

/// Converts a count to a line number, saturating instead of panicking on absurd inputs.
pub(crate) fn to_line(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Decodes a file's bytes as UTF-8, naming the line of the first invalid byte on failure,
/// then drops a leading BOM and normalises line endings to `\n`.
///
/// `file` is the display name used in the diagnostic.
pub(crate) fn decode(bytes: Vec<u8>, file: &str) -> Result<String, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => return Err(utf8_error(err.as_bytes(), err.utf8_error(), file)),
    };
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    Ok(normalize_newlines(text))
}

fn utf8_error(bytes: &[u8], err: std::str::Utf8Error, file: &str) -> Diagnostic {
    let valid = err.valid_up_to();
    let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
    let looks_utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let help = if looks_utf16 {
        "the file looks like UTF-16; save it as UTF-8 instead"
    } else {
        "save the file as UTF-8 (files written on Chinese Windows systems are often GBK or \
         GB18030; re-save them as UTF-8)"
    };
    Diagnostic::error(format!(
        "the file is not valid UTF-8 (first bad byte on line {line}, byte {})",
        valid + 1
    ))
    .in_file(file)
    .at_line(to_line(line))
    .with_help(help)
}

/// `\r\n` → `\n` and a lone `\r` → `\n`: both are one line ending in CommonMark, so the line
/// count does not change.
fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 1);
        assert_eq!(idx.line(3), 2);
        assert_eq!(idx.line(6), 3);
        assert_eq!(idx.line(7), 4);
        assert_eq!(idx.line(1000), 4);
    }

    #[test]
    fn decode_strips_bom_and_crlf() {
        let text = decode(b"\xEF\xBB\xBFa\r\nb\rc\n".to_vec(), "x.md").unwrap();
        assert_eq!(text, "a\nb\nc\n");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let bytes = b"---\ntitle: x\n---\n\nok\n\xC4\xE3\xBA\xC3\n".to_vec();
        let d = decode(bytes, "articles/a.md").unwrap_err();
        assert!(d.is_error());
        assert_eq!(d.line, Some(6));
        assert_eq!(d.file.as_deref(), Some("articles/a.md"));
        assert!(d.message.contains("UTF-8"), "{d}");
    }

    #[test]
    fn utf16_gets_a_specific_hint() {
        let d = decode(vec![0xFF, 0xFE, b'a', 0], "a.md").unwrap_err();
        assert!(d.help.unwrap().contains("UTF-16"));
    }
}
