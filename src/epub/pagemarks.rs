//! Placing a printed page's marker inside a block: when a page of the PDF begins in the
//! middle of a paragraph (or list, quote, table), its `pagebreak` marker goes at the first
//! word of the page rather than before the block.
//!
//! Layout knows the first characters of the page's first line and how many non-blank
//! characters of the block come before them; the block's written XHTML is searched for
//! those characters among its visible text (tags skipped, entities read as one character,
//! white space ignored on both sides), taking the occurrence nearest that count.

/// Inserts each `(before, words, marker)` into `html[from..]` at the visible text
/// `words` nearest `before` non-blank characters in. Returns the markers whose words were
/// not found (the caller puts them before the block).
pub(crate) fn insert_at_words<'m>(
    html: &mut String,
    from: usize,
    marks: &[(usize, &str, &'m str)],
) -> Vec<&'m str> {
    let visible = visible_chars(&html[from..]);
    let mut at: Vec<(usize, &str)> = Vec::new();
    let mut missed = Vec::new();
    for &(before, words, marker) in marks {
        let words: Vec<char> = words.chars().filter(|c| !c.is_whitespace()).collect();
        let found = (!words.is_empty())
            .then(|| {
                (0..visible.len().saturating_sub(words.len() - 1))
                    .filter(|&i| {
                        visible[i..i + words.len()]
                            .iter()
                            .map(|v| v.1)
                            .eq(words.iter().copied())
                    })
                    .min_by_key(|&i| i.abs_diff(before))
            })
            .flatten();
        match found {
            Some(i) => at.push((from + visible[i].0, marker)),
            None => missed.push(marker),
        }
    }
    // From the end, so earlier positions stay valid; equal positions keep their order.
    at.sort_by_key(|&(pos, _)| std::cmp::Reverse(pos));
    for (pos, marker) in at {
        html.insert_str(pos, marker);
    }
    missed
}

/// The non-blank characters a reader sees in `html`, each with its byte offset (an
/// entity's `&`).
fn visible_chars(html: &str) -> Vec<(usize, char)> {
    let mut out = Vec::new();
    let mut chars = html.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '<' => {
                for (_, c) in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
            }
            '&' => {
                let mut name = String::new();
                for (_, c) in chars.by_ref() {
                    if c == ';' {
                        break;
                    }
                    name.push(c);
                }
                if let Some(c) = entity(&name).filter(|c| !c.is_whitespace()) {
                    out.push((i, c));
                }
            }
            c if !c.is_whitespace() => out.push((i, c)),
            _ => {}
        }
    }
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_goes_at_the_nearest_occurrence_across_tags() {
        let mut html = String::from("<p>ab cd <em>ef</em>gh ab c&amp;d ef</p>\n");
        let missed = insert_at_words(&mut html, 0, &[(7, "abc&", "|M|"), (0, "zz", "|X|")]);
        assert_eq!(html, "<p>ab cd <em>ef</em>gh |M|ab c&amp;d ef</p>\n");
        assert_eq!(missed, vec!["|X|"]);
        // Words split by a tag are found; the marker goes before the first character.
        let mut html = String::from("<p>一二<strong>三四</strong>五</p>");
        insert_at_words(&mut html, 0, &[(2, "三四五", "|M|")]);
        assert_eq!(html, "<p>一二<strong>|M|三四</strong>五</p>");
    }
}
