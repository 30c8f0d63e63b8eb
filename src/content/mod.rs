//! Reading the content folder into the document model.
//!
//! ```text
//! content/
//!   bulletin.toml        → Config (see crate::config)
//!   articles/*.md        → one Article each: front matter + Markdown body
//!   images/…             → referenced by the articles; resolved, not read
//! ```
//!
//! Every problem in every file is collected before giving up, so one run shows the author
//! everything to fix. Articles are parsed in parallel; the result order is the configured
//! order regardless of which thread finishes first.

mod article;
mod asides;
pub(crate) mod attrs;
pub(crate) mod cjk;
mod discover;
pub(crate) mod fields;
mod footnotes;
mod frontmatter;
mod html;
mod ids;
mod inlines;
mod markdown;
pub(crate) mod paths;
pub(crate) mod source;
pub(crate) mod spanned;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, ConfigRead, read_config};
use crate::diagnostics::{Diagnostic, Diagnostics, Error};
use crate::model::Document;

pub use discover::ARTICLES_DIR;

/// The content folder, read and checked.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub document: Document,
    /// Findings that did not stop the build, in file order.
    pub warnings: Vec<Diagnostic>,
}

/// Reads `root/bulletin.toml` and `root/articles/*.md` into a [`Document`].
///
/// Returns `Error::Input` with every finding (warnings included) if any of them is an error,
/// and `Error::Read` if a folder cannot be read at all.
pub fn load(root: &Path) -> Result<Loaded, Error> {
    let roots = paths::Roots::new(root).map_err(|source| Error::Read {
        path: root.to_path_buf(),
        source,
    })?;
    let ConfigRead {
        config,
        order_lines,
        diagnostics,
    } = read_config(root)?;
    let mut diags = diagnostics;
    let files = discover::article_files(&roots, &config, &order_lines, &mut diags)?;

    let results: Vec<_> = files
        .par_iter()
        .map(|file| article::read_article(file, &config.meta.lang, &roots))
        .collect();

    let mut used_ids = HashSet::new();
    let mut articles = Vec::with_capacity(results.len());
    for ((article, found), file) in results.into_iter().zip(&files) {
        diags.extend(found);
        if let Some(mut article) = article {
            article.id = ids::unique(&ids::article_base_id(&file.stem), &mut used_ids);
            articles.push(article);
        }
    }

    let mut all = Diagnostics::new();
    all.extend(diags);
    let warnings = all.into_result()?;
    let document = Document {
        meta: config.meta.clone(),
        articles,
    };
    Ok(Loaded {
        config,
        document,
        warnings,
    })
}

#[cfg(test)]
mod tests;

/// Reads one article file on its own, for `folio archive` (one document per article).
/// `source` is its path relative to the content folder, with `/`; the id comes from the file
/// name as in a bulletin.
pub(crate) fn read_single(
    roots: &paths::Roots,
    path: &Path,
    source: &str,
    default_lang: &crate::model::Lang,
) -> (Option<crate::model::Article>, Vec<Diagnostic>) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = article::ArticleFile {
        path: path.to_path_buf(),
        source: Arc::from(source),
        stem,
    };
    let (article, diags) = article::read_article(&file, default_lang, roots);
    let article = article.map(|mut a| {
        a.id = ids::article_base_id(&file.stem);
        a
    });
    (article, diags)
}
#[cfg(test)]
mod config_tests;
