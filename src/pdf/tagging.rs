//! The structure tree of the tagged PDF, built from what layout marked (see
//! [`crate::layout::tags`]): elements are created in the order their spans appear, which
//! is reading order, and continued across pages by id.

use std::collections::HashMap;
use std::num::NonZeroU16;

use krilla::tagging::{Identifier, ListNumbering, Node, TableHeaderScope, Tag, TagGroup, TagKind};

use crate::layout::tags::{Role, TagNode};

enum Child {
    Group(usize),
    Leaf(Identifier),
}

struct Element {
    role: Role,
    lang: Option<String>,
    children: Vec<Child>,
    /// The page this element's first content (its own or a descendant's) is on.
    first_page: Option<usize>,
    parent: Option<usize>,
    /// Holds a link annotation (a `Link` without one, whose target went missing, is
    /// written as a `Span`).
    annotated: bool,
}

#[derive(Default)]
pub(crate) struct TreeBuilder {
    by_id: HashMap<u64, usize>,
    elements: Vec<Element>,
    roots: Vec<usize>,
}

impl TreeBuilder {
    /// Finds or creates every element on `path`; returns the last one.
    pub(crate) fn declare(&mut self, path: &[TagNode]) -> Option<usize> {
        self.declare_upto(path, path.len())
    }

    /// Finds or creates the block elements on `path`, up to its first inline element
    /// (a link): those are created where their first text is drawn, so they sit among the
    /// block's text in reading order. Block elements are created in span order, which is
    /// reading order (a list item's label before its body, whatever order they are drawn).
    pub(crate) fn declare_blocks(&mut self, path: &[TagNode]) {
        let end = path
            .iter()
            .position(|n| n.role.is_inline())
            .unwrap_or(path.len());
        self.declare_upto(path, end);
    }

    fn declare_upto(&mut self, path: &[TagNode], end: usize) -> Option<usize> {
        let mut parent: Option<usize> = None;
        for node in &path[..end] {
            let index = match self.by_id.get(&node.id) {
                Some(&i) => i,
                None => {
                    let i = self.elements.len();
                    self.elements.push(Element {
                        role: node.role.clone(),
                        lang: node.lang.clone(),
                        children: Vec::new(),
                        first_page: None,
                        parent,
                        annotated: false,
                    });
                    self.by_id.insert(node.id, i);
                    match parent {
                        Some(p) => self.elements[p].children.push(Child::Group(i)),
                        None => self.roots.push(i),
                    }
                    i
                }
            };
            parent = Some(index);
        }
        parent
    }

    /// Whether content of `element` on `page` is a repetition (a table's header row set
    /// again above a continued table), which is an artifact, not new content.
    pub(crate) fn is_repeat(&self, element: usize, page: usize) -> bool {
        let mut at = Some(element);
        while let Some(i) = at {
            let e = &self.elements[i];
            if e.role == Role::TH {
                return e.first_page.is_some_and(|p| p < page);
            }
            at = e.parent;
        }
        false
    }

    pub(crate) fn add_content(&mut self, element: usize, page: usize, id: Identifier) {
        self.elements[element].children.push(Child::Leaf(id));
        let mut at = Some(element);
        while let Some(i) = at {
            let e = &mut self.elements[i];
            e.first_page.get_or_insert(page);
            at = e.parent;
        }
    }

    /// A link annotation: inside `element` when that is the link's own element (holding
    /// its text), else as a `Link` element of its own inside `element`.
    pub(crate) fn add_link(&mut self, element: usize, id: Identifier) {
        if self.elements[element].role == Role::Link {
            self.elements[element].children.push(Child::Leaf(id));
            self.elements[element].annotated = true;
            return;
        }
        let i = self.elements.len();
        self.elements.push(Element {
            role: Role::Link,
            lang: None,
            children: vec![Child::Leaf(id)],
            first_page: None,
            parent: Some(element),
            annotated: true,
        });
        self.elements[element].children.push(Child::Group(i));
    }

    pub(crate) fn finish(self) -> Vec<Node> {
        let mut out = Vec::new();
        for &root in &self.roots {
            if let Some(g) = self.group(root) {
                out.push(Node::Group(g));
            }
        }
        out
    }

    fn group(&self, index: usize) -> Option<TagGroup> {
        let e = &self.elements[index];
        let children: Vec<Node> = e
            .children
            .iter()
            .filter_map(|c| match c {
                Child::Leaf(id) => Some(Node::Leaf(*id)),
                Child::Group(g) => self.group(*g).map(Node::Group),
            })
            .collect();
        if children.is_empty() {
            return None;
        }
        let kind = match e.role {
            Role::Link if !e.annotated => Tag::Span.into(),
            _ => kind(&e.role),
        };
        let kind = match &e.lang {
            Some(lang) => kind.with_lang(Some(lang.clone())),
            None => kind,
        };
        Some(TagGroup::with_children(kind, children))
    }
}

/// The language of a run of text when it differs from `context` (its article's or the
/// bulletin's): English words set inside Chinese text, Chinese inside English.
pub(crate) fn run_lang<'a>(text: &str, context: &'a str) -> Option<&'a str> {
    use crate::text::script::is_cjk_letter;
    let cjk = text.chars().filter(|&c| is_cjk_letter(c)).count();
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    let context_cjk = crate::model::Lang(context.to_owned()).is_cjk();
    if context_cjk && cjk == 0 && latin >= 2 {
        Some("en")
    } else if !context_cjk && cjk > latin {
        Some("zh")
    } else {
        None
    }
}

fn kind(role: &Role) -> TagKind {
    match role {
        Role::Sect => Tag::Section.into(),
        Role::H(level, title) => Tag::Hn(
            NonZeroU16::new(u16::from((*level).clamp(1, 6))).unwrap_or(NonZeroU16::MIN),
            Some(title.clone()),
        )
        .into(),
        Role::P => Tag::P.into(),
        Role::L(numbered) => Tag::L(if *numbered {
            ListNumbering::Decimal
        } else {
            ListNumbering::Disc
        })
        .into(),
        Role::LI => Tag::LI.into(),
        Role::Lbl => Tag::Lbl.into(),
        Role::LBody => Tag::LBody.into(),
        Role::Table => Tag::Table.into(),
        Role::TR => Tag::TR.into(),
        Role::TH => Tag::TH(TableHeaderScope::Column).into(),
        Role::TD => Tag::TD.into(),
        Role::BlockQuote => Tag::BlockQuote.into(),
        Role::Div => Tag::Div.into(),
        Role::Code => Tag::Code.into(),
        Role::Figure(alt) => Tag::Figure(Some(alt.clone()).filter(|a| !a.trim().is_empty())).into(),
        Role::Caption => Tag::Caption.into(),
        Role::Note => Tag::Note.into(),
        Role::TOC => Tag::TOC.into(),
        Role::TOCI => Tag::TOCI.into(),
        Role::Link => Tag::Link.into(),
        Role::Reference => Tag::Reference.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::run_lang;

    #[test]
    fn runs_in_another_language_are_marked() {
        assert_eq!(run_lang("GPU Room", "zh-CN"), Some("en"));
        assert_eq!(run_lang("图书馆 B1", "zh-CN"), None);
        assert_eq!(run_lang("2023", "zh-CN"), None);
        assert_eq!(run_lang("良乡校区图书馆", "en"), Some("zh"));
        assert_eq!(run_lang("Library", "en"), None);
    }
}
