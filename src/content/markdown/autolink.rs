//! GFM autolinks: bare `https://…`, `www.…` and e-mail addresses in text become links.
//! linkify finds them; a link also ends where Chinese text begins, since Chinese writers do
//! not put a space after a URL (`详见https://www.bit.edu.cn/。`).

use linkify::{LinkFinder, LinkKind};

use crate::content::inlines::{Node, Wrap};
use crate::model::Inline;
use crate::text::script::is_cjk;

/// Pushes `text` as text and link nodes.
pub(super) fn push_text(text: &str, line: u32, nodes: &mut Vec<Node>) {
    let leaf = |t: &str| Node::Leaf(Inline::Text(t.to_owned()), line);
    if !text.contains(['.', '@']) {
        nodes.push(leaf(text));
        return;
    }
    let mut finder = LinkFinder::new();
    finder.url_must_have_scheme(false);
    let mut at = 0;
    for link in finder.links(text) {
        // An e-mail address may have been read with the Chinese words before it.
        let local = link.as_str().split('@').next().unwrap_or("");
        let lead = local
            .char_indices()
            .rfind(|&(_, c)| is_wide(c))
            .filter(|_| link.kind() == &LinkKind::Email)
            .map_or(0, |(i, c)| i + c.len_utf8());
        let raw = &link.as_str()[lead..];
        // Cut at the first CJK character or full-width mark.
        let len = raw
            .char_indices()
            .find(|&(_, c)| is_wide(c))
            .map_or(raw.len(), |(i, _)| i);
        let shown = raw[..len].trim_end_matches(['.', ',', ':', ';', '!', '?']);
        let url = match link.kind() {
            LinkKind::Email => format!("mailto:{shown}"),
            LinkKind::Url => {
                let lower = shown.to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    shown.to_owned()
                } else if lower.starts_with("www.") && shown.len() > 4 {
                    format!("http://{shown}")
                } else {
                    // `example.com` or another scheme: GFM does not link it.
                    continue;
                }
            }
            _ => continue,
        };
        if shown.is_empty() || !shown.contains('.') && link.kind() == &LinkKind::Url {
            continue;
        }
        let start = link.start() + lead;
        if start > at {
            nodes.push(leaf(&text[at..start]));
        }
        nodes.push(Node::Wrap(Wrap::Link(url), vec![leaf(shown)]));
        at = start + shown.len();
    }
    if at < text.len() {
        nodes.push(leaf(&text[at..]));
    }
}

fn is_wide(c: char) -> bool {
    is_cjk(c) || ('\u{3000}'..='\u{303F}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use crate::content::markdown::tests::para;
    use crate::model::Inline::{self, *};

    fn link(url: &str, text: &str) -> Inline {
        Link {
            url: url.into(),
            content: vec![Text(text.into())],
        }
    }

    #[test]
    fn bare_urls_and_emails_are_links() {
        assert_eq!(
            para("见 https://www.bit.edu.cn/ 和 www.example.com."),
            vec![
                Text("见 ".into()),
                link("https://www.bit.edu.cn/", "https://www.bit.edu.cn/"),
                Text(" 和 ".into()),
                link("http://www.example.com", "www.example.com"),
                Text(".".into()),
            ]
        );
        assert_eq!(
            para("写信给news@bit.edu.cn。"),
            vec![
                Text("写信给".into()),
                link("mailto:news@bit.edu.cn", "news@bit.edu.cn"),
                Text("。".into()),
            ]
        );
        assert_eq!(
            para("详见https://a.cn/x了解"),
            vec![
                Text("详见".into()),
                link("https://a.cn/x", "https://a.cn/x"),
                Text("了解".into()),
            ]
        );
        // Not inside a link, not a bare domain.
        assert_eq!(
            para("[https://a.cn](https://b.cn) example.com"),
            vec![
                link("https://b.cn", "https://a.cn"),
                Text(" example.com".into())
            ]
        );
    }
}
