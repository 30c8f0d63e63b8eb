//! HTML written inside Markdown: tokenised by html5gum (a WHATWG-conformant tokenizer), folded
//! into a small tree, and sorted into what folio renders (the safe subset), what it drops with
//! its content (scripts and embeds, which must never reach an e-reader's browser engine), and
//! what it does not know (text kept, tags dropped).
//!
//! Only element names and the few attributes the model uses (`href`, `src`, `alt`, `title`,
//! `align`, `width`, `height`, `role`) are read; every other attribute, `on*` handlers included, is discarded here.

use html5gum::{DefaultEmitter, Token, Tokenizer};

use crate::model::Styled;

/// A start tag: its lower-case name and the attributes folio reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tag {
    pub name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn centered(&self) -> bool {
        self.name == "center"
            || self
                .attr("align")
                .is_some_and(|a| a.eq_ignore_ascii_case("center"))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Start(Tag, bool),
    End(String),
    Text(String),
    Comment(String),
}

/// The attributes the model uses; nothing else survives tokenising.
const KEPT_ATTRS: &[&str] = &[
    "href", "src", "alt", "title", "align", "width", "height", "role",
];

pub(crate) fn tokens(html: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    // Script, style and textarea content is raw text, not markup: the tokenizer switches
    // state after their start tags as a browser's tree builder would make it.
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(t) => {
                let attrs = t
                    .attributes
                    .iter()
                    .map(|(k, v)| (lossy(k), lossy(v)))
                    .filter(|(k, _)| KEPT_ATTRS.contains(&k.as_str()))
                    .collect();
                out.push(Tok::Start(
                    Tag {
                        name: lossy(&t.name),
                        attrs,
                    },
                    t.self_closing,
                ));
            }
            Token::EndTag(t) => out.push(Tok::End(lossy(&t.name))),
            Token::String(s) => match out.last_mut() {
                Some(Tok::Text(prev)) => prev.push_str(&lossy(&s)),
                _ => out.push(Tok::Text(lossy(&s))),
            },
            Token::Comment(c) => out.push(Tok::Comment(lossy(&c))),
            Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    out
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What folio does with an element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Class {
    /// Inline markup with a look: its content wrapped.
    Look(Look),
    /// `<a href>`.
    Link,
    /// `<code>`: its text as code.
    Code,
    /// `<br>`.
    Break,
    /// `<img>`.
    Image,
    /// `<hr>`.
    Rule,
    /// Elements without a look of their own (`<span>`): content kept, silently.
    Transparent,
    /// Block structure folio renders: `p div center details summary figure figcaption table
    /// … blockquote`.
    Block,
    /// Never shown, content included: scripts, styles, embeds, forms.
    Dropped,
    /// Not in the subset: text kept, tags dropped, one warning per tag name.
    Unknown { block: bool },
}

/// The inline looks, as the model names them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Look {
    Emph,
    Strong,
    Strike,
    Styled(Styled),
}

pub(crate) fn classify(tag: &Tag) -> Class {
    match tag.name.as_str() {
        "em" | "i" | "cite" | "dfn" | "var" => Class::Look(Look::Emph),
        "strong" | "b" => Class::Look(Look::Strong),
        "s" | "del" | "strike" => Class::Look(Look::Strike),
        "u" | "ins" => Class::Look(Look::Styled(Styled::Underline)),
        "sub" => Class::Look(Look::Styled(Styled::Subscript)),
        "sup" => Class::Look(Look::Styled(Styled::Superscript)),
        "kbd" => Class::Look(Look::Styled(Styled::Keyboard)),
        "mark" => Class::Look(Look::Styled(Styled::Mark)),
        "small" => Class::Look(Look::Styled(Styled::Small)),
        "abbr" => match tag.attr("title").filter(|t| !t.trim().is_empty()) {
            Some(title) => Class::Look(Look::Styled(Styled::Abbr(title.trim().to_owned()))),
            None => Class::Transparent,
        },
        "a" => Class::Link,
        "code" | "tt" | "samp" => Class::Code,
        "br" => Class::Break,
        "img" => Class::Image,
        "hr" => Class::Rule,
        "span" | "wbr" => Class::Transparent,
        "p" | "div" | "center" | "details" | "summary" | "figure" | "figcaption" | "table"
        | "thead" | "tbody" | "tfoot" | "tr" | "th" | "td" | "caption" | "blockquote" => {
            Class::Block
        }
        "script" | "style" | "iframe" | "object" | "embed" | "noscript" | "template" | "frame"
        | "frameset" | "applet" | "form" | "input" | "button" | "select" | "textarea" | "video"
        | "audio" | "canvas" | "svg" | "math" | "link" | "meta" | "base" | "head" | "title" => {
            Class::Dropped
        }
        "section" | "article" | "aside" | "header" | "footer" | "nav" | "main" | "ul" | "ol"
        | "li" | "dl" | "dt" | "dd" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre"
        | "address" | "hgroup" | "fieldset" | "body" | "html" => Class::Unknown { block: true },
        _ => Class::Unknown { block: false },
    }
}

/// Elements that never have content or an end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "img"
            | "hr"
            | "wbr"
            | "input"
            | "meta"
            | "link"
            | "source"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "param"
            | "track"
    )
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text(String),
    Elem(Tag, Vec<Node>),
    /// An HTML comment (`<!-- pagebreak -->` means something).
    Comment(String),
}

/// One HTML block as pieces: complete elements, elements it opens but does not close (their
/// content continues in the Markdown that follows), and end tags of elements opened earlier.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Node(Node),
    /// Left open; its content so far. Later opens are nested inside earlier ones.
    Open(Tag, Vec<Node>),
    Close(String),
}

/// Deepest element nesting kept as structure; deeper tags are dropped (their text kept), so
/// hostile input cannot overflow the stack of anything that walks the tree.
const MAX_DEPTH: usize = 32;

/// Folds tokens into pieces. Dropped elements (scripts …) are removed with everything up to
/// their end tag, since their content is not text (the tokenizer does not know script
/// content is raw). Mis-nested end tags close up to the matching element.
pub(crate) fn pieces(toks: Vec<Tok>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut stack: Vec<(Tag, Vec<Node>)> = Vec::new();
    let mut skip_until: Option<String> = None;
    // Start tags past MAX_DEPTH, innermost last: their end tags are dropped too.
    let mut too_deep: Vec<String> = Vec::new();
    for tok in toks {
        if let Some(name) = &skip_until {
            if matches!(&tok, Tok::End(n) if n == name) {
                skip_until = None;
            }
            continue;
        }
        let node = match tok {
            Tok::Text(t) => Node::Text(t),
            Tok::Comment(c) => Node::Comment(c),
            Tok::Start(tag, self_closing) => {
                if self_closing || is_void(&tag.name) {
                    Node::Elem(tag, Vec::new())
                } else {
                    if classify(&tag) == Class::Dropped {
                        skip_until = Some(tag.name.clone());
                        // Kept empty so the reader can warn about it.
                        Node::Elem(tag, Vec::new())
                    } else if stack.len() < MAX_DEPTH {
                        stack.push((tag, Vec::new()));
                        continue;
                    } else {
                        too_deep.push(tag.name);
                        continue;
                    }
                }
            }
            Tok::End(name) => {
                if too_deep.last() == Some(&name) {
                    too_deep.pop();
                    continue;
                }
                if let Some(at) = stack.iter().rposition(|(t, _)| t.name == name) {
                    while stack.len() > at {
                        let Some((tag, children)) = stack.pop() else {
                            break;
                        };
                        let node = Node::Elem(tag, children);
                        match stack.last_mut() {
                            Some((_, parent)) => parent.push(node),
                            None => out.push(Piece::Node(node)),
                        }
                    }
                } else if stack.is_empty() && !is_void(&name) {
                    out.push(Piece::Close(name));
                }
                continue;
            }
        };
        match stack.last_mut() {
            Some((_, parent)) => parent.push(node),
            None => out.push(Piece::Node(node)),
        }
    }
    out.extend(
        stack
            .into_iter()
            .map(|(tag, children)| Piece::Open(tag, children)),
    );
    out
}

/// The text of nodes, whitespace as written.
pub(crate) fn text_of(nodes: &[Node]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Elem(tag, children) if classify(tag) != Class::Dropped => {
                if tag.name == "br" {
                    out.push(' ');
                }
                out.push_str(&text_of(children));
            }
            _ => {}
        }
    }
    out
}

/// HTML whitespace collapsing: any run of spaces, tabs and newlines is one space.
pub(crate) fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Whether a comment asks for a page break (`<!-- pagebreak -->`, also `page-break`).
pub(crate) fn is_pagebreak_comment(comment: &str) -> bool {
    let c: String = comment
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    c == "pagebreak" || c == "newpage"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &[Piece]) -> Vec<String> {
        p.iter()
            .map(|p| match p {
                Piece::Node(Node::Elem(t, c)) => format!("{}({})", t.name, c.len()),
                Piece::Node(Node::Text(t)) => format!("'{t}'"),
                Piece::Node(Node::Comment(c)) => format!("!{c}"),
                Piece::Open(t, c) => format!("open {}({})", t.name, c.len()),
                Piece::Close(n) => format!("close {n}"),
            })
            .collect()
    }

    #[test]
    fn blocks_fold_into_pieces() {
        let p = pieces(tokens("<details>\n<summary>S</summary>\n"));
        assert_eq!(names(&p), ["open details(3)"]);
        let p = pieces(tokens("</div>\n<p align=center>x <b>y</b></p>"));
        assert_eq!(names(&p), ["close div", "'\n'", "p(2)"]);
        let Piece::Node(Node::Elem(tag, _)) = &p[2] else {
            panic!()
        };
        assert!(tag.centered());
    }

    #[test]
    fn scripts_and_handlers_are_gone() {
        let p = pieces(tokens(
            "<script>if (a<b) alert(1)</script><img src=x onerror=alert(1) alt=A>",
        ));
        assert_eq!(names(&p), ["script(0)", "img(0)"]);
        let Piece::Node(Node::Elem(img, _)) = &p[1] else {
            panic!()
        };
        assert_eq!(img.attr("onerror"), None);
        assert_eq!(img.attr("alt"), Some("A"));
    }

    #[test]
    fn hostile_nesting_is_bounded() {
        let html = format!("{}x{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
        let p = pieces(tokens(&html));
        fn depth(n: &Node) -> usize {
            match n {
                Node::Elem(_, c) => 1 + c.iter().map(depth).max().unwrap_or(0),
                _ => 0,
            }
        }
        assert_eq!(p.len(), 1);
        let Piece::Node(n) = &p[0] else { panic!() };
        assert_eq!(depth(n), MAX_DEPTH);
        assert_eq!(text_of(std::slice::from_ref(n)), "x");
    }

    #[test]
    fn pagebreak_comments() {
        assert!(is_pagebreak_comment(" pagebreak "));
        assert!(is_pagebreak_comment("page-break"));
        assert!(!is_pagebreak_comment("note"));
        assert_eq!(collapse_space("a \n\t b "), "a b ");
    }
}
