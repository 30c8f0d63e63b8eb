//! Which Markdown files make up the bulletin, and in what order.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::article::ArticleFile;
use super::paths::Roots;
use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::{Diagnostic, Error};

/// The folder inside the content folder that holds the articles.
pub const ARTICLES_DIR: &str = "articles";

/// Lists `articles/*.md` (not recursive; hidden files and other extensions ignored) in the
/// order `bulletin.toml` gives, else by file name (byte order, so `01-…`, `02-…` sort as
/// written). Problems go to `diags`; only an unreadable folder is an `Err`.
pub(crate) fn article_files(
    roots: &Roots,
    config: &Config,
    order_lines: &[u32],
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<ArticleFile>, Error> {
    let dir = roots.abs.join(ARTICLES_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(
                Diagnostic::error(format!("no `{ARTICLES_DIR}/` folder in the content folder"))
                    .with_help(format!(
                        "put the articles in {ARTICLES_DIR}/ as Markdown files, e.g. \
                         {ARTICLES_DIR}/01-first-article.md"
                    )),
            );
            return Ok(Vec::new());
        }
        Err(source) => return Err(Error::Read { path: dir, source }),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: dir.clone(),
            source,
        })?;
        let Ok(name) = entry.file_name().into_string() else {
            diags.push(
                Diagnostic::warning(format!(
                    "skipping `{}`: its name is not valid UTF-8",
                    entry.file_name().to_string_lossy()
                ))
                .in_file(ARTICLES_DIR),
            );
            continue;
        };
        let is_md = Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if name.starts_with('.') || !is_md {
            continue;
        }
        if !entry.path().is_file() {
            // A `.md` name that is a folder, a pipe or a broken link: say so rather than
            // leave an article out silently.
            let what = std::fs::metadata(entry.path()).map_or("a broken link", |m| {
                if m.is_dir() {
                    "a folder"
                } else {
                    "not an ordinary file"
                }
            });
            diags.push(
                Diagnostic::warning(format!("skipping `{name}`: it is {what}"))
                    .in_file(format!("{ARTICLES_DIR}/{name}"))
                    .with_help("articles must be ordinary Markdown files"),
            );
            continue;
        }
        names.push(name);
    }
    names.sort();
    if names.is_empty() {
        diags.push(
            Diagnostic::error(format!("no articles: `{ARTICLES_DIR}/` has no .md files"))
                .with_help(format!(
                    "add Markdown files such as {ARTICLES_DIR}/01-first-article.md, each \
                     starting with\n    ---\n    title: \"…\"\n    ---"
                )),
        );
        return Ok(Vec::new());
    }
    let ordered = match &config.order {
        Some(order) => apply_order(&names, order, order_lines, diags),
        None => names,
    };
    let mut files = Vec::new();
    for name in ordered {
        let path = dir.join(&name);
        let source: Arc<str> = Arc::from(format!("{ARTICLES_DIR}/{name}"));
        // The article itself must not be a symlink out of the content folder.
        match path.canonicalize() {
            Ok(canonical) if canonical.starts_with(&roots.canonical) => {}
            Ok(_) => {
                diags.push(
                    Diagnostic::error("the article is a link to a file outside the content folder")
                        .in_file(source)
                        .with_help("copy the file into the articles/ folder"),
                );
                continue;
            }
            Err(e) => {
                diags.push(Diagnostic::error(format!("cannot read the file: {e}")).in_file(source));
                continue;
            }
        }
        let stem = Path::new(&name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push(ArticleFile { path, source, stem });
    }
    Ok(files)
}

/// Listed files first, in the listed order; then the others in name order, with a warning
/// each, so that a new article is never silently left out.
fn apply_order(
    names: &[String],
    order: &[String],
    order_lines: &[u32],
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let available: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut used = HashSet::new();
    let mut out = Vec::new();
    for (i, entry) in order.iter().enumerate() {
        let line = order_lines.get(i).copied().unwrap_or(1);
        let name = entry
            .strip_prefix(&format!("{ARTICLES_DIR}/"))
            .unwrap_or(entry);
        let here = |d: Diagnostic| d.in_file(CONFIG_FILE).at_line(line);
        if !available.contains(name) {
            let mut listed: Vec<&str> = names.iter().map(String::as_str).take(8).collect();
            if names.len() > 8 {
                listed.push("…");
            }
            diags.push(here(
                Diagnostic::error(format!(
                    "`order` lists `{entry}`, but {ARTICLES_DIR}/{name} does not exist"
                ))
                .with_help(format!(
                    "entries are file names inside {ARTICLES_DIR}/; there are: {}",
                    listed.join(", ")
                )),
            ));
            continue;
        }
        if !used.insert(name.to_owned()) {
            diags.push(here(
                Diagnostic::warning(format!("`order` lists `{entry}` twice; the first is used"))
                    .with_help("remove the repeated entry"),
            ));
            continue;
        }
        out.push(name.to_owned());
    }
    for name in names {
        if !used.contains(name) {
            diags.push(
                Diagnostic::warning(format!(
                    "{ARTICLES_DIR}/{name} is not listed in `order`; it is added at the end"
                ))
                .in_file(CONFIG_FILE)
                .with_help(format!("add \"{name}\" to `order` in {CONFIG_FILE}")),
            );
            out.push(name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn order_is_applied_and_the_rest_appended() {
        let mut diags = Vec::new();
        let out = apply_order(
            &names(&["01-a.md", "02-b.md", "03-c.md"]),
            &names(&["03-c.md", "articles/01-a.md", "03-c.md"]),
            &[2, 3, 4],
            &mut diags,
        );
        assert_eq!(out, names(&["03-c.md", "01-a.md", "02-b.md"]));
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].line, Some(4));
        assert!(diags[1].message.contains("02-b.md"));
        assert!(diags.iter().all(|d| !d.is_error()));
    }

    #[test]
    fn missing_order_entry_is_an_error_on_its_line() {
        let mut diags = Vec::new();
        apply_order(
            &names(&["01-a.md"]),
            &names(&["01-a.md", "nope.md"]),
            &[5, 6],
            &mut diags,
        );
        assert_eq!(diags.len(), 1);
        assert!(diags[0].is_error());
        assert_eq!(diags[0].line, Some(6));
        assert_eq!(diags[0].file.as_deref(), Some(CONFIG_FILE));
        assert!(diags[0].help.as_deref().unwrap().contains("01-a.md"));
    }
}
