//! Footnotes: numbering by first reference, and finding references that have no definition.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Tag, TagEnd};

use super::markdown::Events;
use crate::diagnostics::Diagnostic;
use crate::model::SourcePos;

/// Footnote labels compare case-insensitively, as link labels do.
pub(crate) fn label_key(label: &str) -> String {
    label.trim().to_lowercase()
}

pub(crate) fn footnote_definitions(events: &Events<'_>) -> HashSet<String> {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::FootnoteDefinition(label)) => Some(label_key(label)),
            _ => None,
        })
        .collect()
}

/// Numbers footnotes 1, 2, 3… in order of first reference.
pub(crate) fn number_footnotes(events: &Events<'_>) -> HashMap<String, u32> {
    let mut numbers = HashMap::new();
    for (event, _) in events {
        if let Event::FootnoteReference(label) = event {
            let next = u32::try_from(numbers.len() + 1).unwrap_or(u32::MAX);
            numbers.entry(label_key(label)).or_insert(next);
        }
    }
    numbers
}

/// With GFM footnotes, pulldown-cmark leaves `[^x]` as plain text when there is no `[^x]:`
/// definition. That is what we render too, but the author almost certainly forgot the
/// definition, so say so.
pub(crate) fn warn_undefined_footnotes(
    text: &str,
    events: &Events<'_>,
    definitions: &HashSet<String>,
    pos: &dyn Fn(usize) -> SourcePos,
    diags: &mut Vec<Diagnostic>,
) {
    let mut code_depth = 0usize;
    let mut seen = HashSet::new();
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Text(_) if code_depth == 0 => {
                let Some(slice) = text.get(range.clone()) else {
                    continue;
                };
                for (i, _) in slice.match_indices('[') {
                    let at = range.start + i;
                    let escaped = text.as_bytes()[..at]
                        .iter()
                        .rev()
                        .take_while(|&&b| b == b'\\')
                        .count()
                        % 2
                        == 1;
                    let Some(label) = text.get(at..).and_then(footnote_label) else {
                        continue;
                    };
                    if escaped || definitions.contains(&label_key(label)) || !seen.insert(at) {
                        continue;
                    }
                    diags.push(
                        Diagnostic::warning(format!(
                            "footnote `[^{label}]` has no definition; it is shown as text"
                        ))
                        .at(&pos(at))
                        .with_help(format!(
                            "add a definition such as `[^{label}]: …` on its own line"
                        )),
                    );
                }
            }
            _ => {}
        }
    }
}

/// `[^label]…` → `label`.
fn footnote_label(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("[^")?;
    let end = rest.find(']')?;
    let label = &rest[..end];
    let ok = !label.is_empty()
        && label.len() <= 999
        && !label.contains(['[', '\n'])
        && !label.trim().is_empty();
    ok.then_some(label)
}
