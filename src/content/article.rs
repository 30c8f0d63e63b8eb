//! One Markdown file → one [`Article`].

use std::path::PathBuf;
use std::sync::Arc;

use super::frontmatter::{self, Fields};
use super::markdown::{self, BodyInput};
use super::paths::Roots;
use super::source;
use crate::diagnostics::Diagnostic;
use crate::model::{Article, Block, Lang, plain_text};

/// An article file found in `articles/`.
#[derive(Debug, Clone)]
pub(crate) struct ArticleFile {
    /// Absolute path.
    pub path: PathBuf,
    /// Relative to the content folder, with `/`: `articles/01-x.md`.
    pub source: Arc<str>,
    /// File name without `.md`, for the article id.
    pub stem: String,
}

const FRONT_MATTER_EXAMPLE: &str = "start the file with a front matter block:\n    ---\n    title: \"The article's title\"\n    ---";

/// Reads, parses and converts one article. The id is left empty (ids are made unique across
/// the whole document by the caller). Returns `None` if the article has errors; every problem
/// found is in the diagnostics either way.
pub(crate) fn read_article(
    file: &ArticleFile,
    default_lang: &Lang,
    roots: &Roots,
) -> (Option<Article>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let bytes = match crate::readfile::read(&file.path, crate::readfile::Kind::Article, None) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read the file: {e}"))
                    .in_file(file.source.clone())
                    .with_help(e.help()),
            );
            return (None, diags);
        }
    };
    let text = match source::decode(bytes, &file.source) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let split = match frontmatter::split(&text, &file.source) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let fields = match &split.front {
        Some(block) => frontmatter::parse(block, &file.source, &mut diags),
        None => Fields::default(),
    };
    let lang = fields.lang.clone().unwrap_or_else(|| default_lang.clone());
    let md_dir = file
        .path
        .parent()
        .map_or_else(|| roots.abs.clone(), PathBuf::from);
    let input = BodyInput {
        text: split.body,
        line_offset: split.body_line_offset,
        file: file.source.clone(),
        md_dir: &md_dir,
        roots,
    };
    let mut body = markdown::parse_body(&input, &mut diags);

    let title = match (split.front.is_some(), fields.title.clone()) {
        (_, Some(title)) => Some(title),
        // The front matter is there but has no title: already reported.
        (true, None) => None,
        (false, None) => title_from_heading(split.body, &mut body.blocks, &file.source, &mut diags),
    };
    if diags.iter().any(Diagnostic::is_error) {
        return (None, diags);
    }
    let Some(title) = title else {
        return (None, diags);
    };
    let author = join_authors(&fields.authors, &lang);
    let article = Article {
        id: String::new(),
        source: file.source.clone(),
        title,
        subtitle: fields.subtitle,
        date: fields.date,
        author,
        lang,
        summary: fields.summary,
        tags: fields.tags,
        blocks: body.blocks,
        footnotes: body.footnotes,
    };
    (Some(article), diags)
}

/// Without front matter, an article that opens with an ATX `# Heading` uses it as the title
/// (with a warning, since date, author and language are then missing); anything else is an
/// error. A setext heading does not count: it is too easily a paragraph followed by `---`.
fn title_from_heading(
    body: &str,
    blocks: &mut Vec<Block>,
    file: &Arc<str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let atx = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with("# "));
    if atx
        && let Some(Block::Heading {
            level: 1,
            content,
            pos,
            ..
        }) = blocks.first()
    {
        let title = plain_text(content).trim().to_owned();
        if !title.is_empty() {
            diags.push(
                Diagnostic::warning("no front matter; the first heading is used as the title")
                    .at(pos)
                    .with_help(FRONT_MATTER_EXAMPLE),
            );
            blocks.remove(0);
            return Some(title);
        }
    }
    diags.push(
        Diagnostic::error("missing front matter with a title")
            .in_file(file.clone())
            .at_line(1)
            .with_help(FRONT_MATTER_EXAMPLE),
    );
    None
}

/// Several authors read as one byline: `陈雨桐、周敏` in Chinese and Japanese, `A, B` otherwise.
fn join_authors(authors: &[String], lang: &Lang) -> Option<String> {
    if authors.is_empty() {
        return None;
    }
    let primary = lang
        .as_str()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let sep = if matches!(primary.as_str(), "zh" | "ja") {
        "、"
    } else {
        ", "
    };
    Some(authors.join(sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_joined_per_language() {
        let a = vec!["陈雨桐".to_owned(), "周敏".to_owned()];
        assert_eq!(
            join_authors(&a, &Lang("zh-CN".into())).as_deref(),
            Some("陈雨桐、周敏")
        );
        assert_eq!(
            join_authors(&a, &Lang("en".into())).as_deref(),
            Some("陈雨桐, 周敏")
        );
        assert_eq!(join_authors(&[], &Lang("en".into())), None);
    }
}
