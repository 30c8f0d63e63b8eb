//! One article as a document of its own, laid out by the `article` template (a compact
//! head naming the publication, no masthead, no contents) through the same engine as
//! `folio build`.

use crate::config::Config;
use crate::model::{Article, Document, Meta};
use crate::template::Template;

/// A document holding one article, titled after it; the bulletin's title becomes the
/// publication the compact head names, and its metadata fills only what the article does
/// not say (date, publisher).
pub(crate) fn single_document(config: &Config, article: Article) -> Document {
    let meta = Meta {
        title: article.title.clone(),
        subtitle: article.subtitle.clone(),
        volume: None,
        issue: None,
        total_issue: None,
        date: article.date.clone().or_else(|| config.meta.date.clone()),
        lang: article.lang.clone(),
        publisher: config.meta.publisher.clone(),
        editor: None,
        authors: article.author.iter().cloned().collect(),
        publication: Some(config.meta.title.clone()),
    };
    Document {
        meta,
        articles: vec![article],
    }
}

/// The built-in `article` template every archive copy is laid out with, with the
/// bulletin's `[typography]` (body size, leading, indent, fonts) as `build` applies it.
pub(crate) fn template(config: &Config) -> Template {
    let mut template = Template::builtin("article")
        .expect("templates/article.toml is complete (checked by the template tests)");
    config.typography.apply(&mut template.theme);
    template
}
