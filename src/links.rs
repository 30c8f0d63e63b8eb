//! Internal links (`[see](#section)`), resolved once for both writers.
//!
//! A fragment names, in this order of preference: a heading of the same article, another
//! article (by its id, `#a-01-mid-year-work-meeting`), or a heading of another article.
//! The PDF turns the answer into a page position, the EPUB into `file.xhtml#id`; a link
//! that names nothing is warned about here, with its file and line, and is printed as
//! plain text by both.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::model::{Block, Document, Inline, SourcePos};

/// Where an internal link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The start of article `n`.
    Article(usize),
    /// The heading with model id `id` in article `article`.
    Heading { article: usize, id: String },
}

/// Heading ids of every article, and article ids.
#[derive(Debug, Default)]
pub(crate) struct LinkIndex {
    /// Per article, its heading ids (body and notes).
    headings: Vec<std::collections::HashSet<String>>,
    articles: HashMap<String, usize>,
}

/// The fragment of an internal link (`#sec` → `sec`), or `None` for any other URL.
pub(crate) fn fragment(url: &str) -> Option<&str> {
    url.trim().strip_prefix('#')
}

impl LinkIndex {
    pub(crate) fn new(doc: &Document) -> LinkIndex {
        let mut index = LinkIndex::default();
        for (n, article) in doc.articles.iter().enumerate() {
            let mut ids = std::collections::HashSet::new();
            let blocks = article
                .blocks
                .iter()
                .chain(article.footnotes.iter().flat_map(|f| &f.blocks));
            for_each_block(blocks, &mut |b| {
                if let Block::Heading { id, .. } = b {
                    ids.insert(id.clone());
                }
            });
            index.headings.push(ids);
            index.articles.entry(article.id.clone()).or_insert(n);
        }
        index
    }

    /// Where `#fragment`, written in article `from`, leads.
    pub(crate) fn resolve(&self, from: usize, fragment: &str) -> Option<Target> {
        let heading = |article: usize| Target::Heading {
            article,
            id: fragment.to_owned(),
        };
        if self.headings.get(from)?.contains(fragment) {
            return Some(heading(from));
        }
        if let Some(&n) = self.articles.get(fragment) {
            return Some(Target::Article(n));
        }
        (0..self.headings.len())
            .find(|&n| self.headings[n].contains(fragment))
            .map(heading)
    }

    /// A warning for every internal link that leads nowhere.
    pub(crate) fn check(&self, doc: &Document) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (n, article) in doc.articles.iter().enumerate() {
            let blocks = article
                .blocks
                .iter()
                .chain(article.footnotes.iter().flat_map(|f| &f.blocks));
            for_each_block(blocks, &mut |b| {
                for content in block_inlines(b) {
                    self.check_inlines(n, content, b.pos(), &mut out);
                }
            });
        }
        out
    }

    fn check_inlines(
        &self,
        from: usize,
        inlines: &[Inline],
        pos: &SourcePos,
        out: &mut Vec<Diagnostic>,
    ) {
        // Iterative: inline nesting depth is the author's to choose.
        let mut stack: Vec<&Inline> = inlines.iter().rev().collect();
        while let Some(inline) = stack.pop() {
            match inline {
                Inline::Link { url, content } => {
                    if let Some(frag) = fragment(url)
                        && self.resolve(from, frag).is_none()
                    {
                        out.push(
                            Diagnostic::warning(format!(
                                "the link to `#{frag}` leads nowhere: no heading or article \
                                 has that id; its text is printed without a link"
                            ))
                            .at(pos)
                            .with_help(
                                "use a heading's id (`## Title {#id}` or the id derived from \
                                 its text) or an article's id",
                            ),
                        );
                    }
                    stack.extend(content.iter().rev());
                }
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => {
                    stack.extend(c.iter().rev())
                }
                _ => {}
            }
        }
    }
}

/// The inline runs a block holds directly (not those of nested blocks).
fn block_inlines(block: &Block) -> Vec<&[Inline]> {
    match block {
        Block::Heading { content, .. } | Block::Paragraph { content, .. } => vec![content],
        Block::Table { head, rows, .. } => head
            .iter()
            .chain(rows.iter().flatten())
            .map(Vec::as_slice)
            .collect(),
        _ => Vec::new(),
    }
}

/// Visits every block, nested ones too, without recursion (nesting depth is unbounded).
fn for_each_block<'a>(blocks: impl Iterator<Item = &'a Block>, f: &mut impl FnMut(&'a Block)) {
    let mut stack: Vec<&Block> = blocks.collect();
    stack.reverse();
    while let Some(block) = stack.pop() {
        f(block);
        match block {
            Block::Quote { blocks, .. } => stack.extend(blocks.iter().rev()),
            Block::List { items, .. } => {
                stack.extend(items.iter().rev().flat_map(|i| i.blocks.iter().rev()))
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Lang, Meta};
    use std::sync::Arc;

    fn article(id: &str, heading: &str, link: &str) -> Article {
        let pos = SourcePos {
            file: Arc::from(format!("articles/{id}.md")),
            line: 3,
        };
        Article {
            id: id.into(),
            source: Arc::from(format!("articles/{id}.md")),
            title: id.into(),
            subtitle: None,
            date: None,
            author: None,
            lang: Lang("en".into()),
            summary: None,
            tags: Vec::new(),
            blocks: vec![
                Block::Heading {
                    level: 2,
                    id: heading.into(),
                    content: vec![Inline::Text("H".into())],
                    pos: pos.clone(),
                },
                Block::Quote {
                    blocks: vec![Block::Paragraph {
                        content: vec![Inline::Strong(vec![Inline::Link {
                            url: link.into(),
                            content: vec![Inline::Text("x".into())],
                        }])],
                        pos,
                    }],
                    pos: SourcePos {
                        file: Arc::from("q"),
                        line: 1,
                    },
                },
            ],
            footnotes: Vec::new(),
        }
    }

    #[test]
    fn resolves_and_warns() {
        let doc = Document {
            meta: Meta {
                title: "T".into(),
                subtitle: None,
                volume: None,
                issue: None,
                date: None,
                lang: Lang("en".into()),
                publisher: None,
                editor: None,
                authors: Vec::new(),
                publication: None,
                total_issue: None,
            },
            articles: vec![
                article("one", "intro", "#two"),
                article("two", "intro", "#nowhere"),
            ],
        };
        let index = LinkIndex::new(&doc);
        assert_eq!(
            index.resolve(1, "intro"),
            Some(Target::Heading {
                article: 1,
                id: "intro".into()
            })
        );
        assert_eq!(index.resolve(0, "two"), Some(Target::Article(1)));
        assert_eq!(index.resolve(0, "nowhere"), None);
        let warnings = index.check(&doc);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].file.as_deref(), Some("articles/two.md"));
        assert_eq!(warnings[0].line, Some(3));
        assert!(warnings[0].message.contains("#nowhere"));
    }
}
