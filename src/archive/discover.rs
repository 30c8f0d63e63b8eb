//! Every article under `articles/`, nested folders included, and the shard a run takes.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::content::ARTICLES_DIR;
use crate::content::paths::Roots;
use crate::diagnostics::{Diagnostic, Error};

/// An article file: absolute path and its path relative to the content folder with `/`.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub path: PathBuf,
    pub source: String,
}

impl Found {
    /// The output path without extension, relative to the output folder: the path inside
    /// `articles/` (`2019/03/x` for `articles/2019/03/x.md`).
    pub(crate) fn stem(&self) -> &str {
        let inside = self
            .source
            .strip_prefix(ARTICLES_DIR)
            .and_then(|s| s.strip_prefix('/'))
            .unwrap_or(&self.source);
        inside.strip_suffix(".md").unwrap_or(inside)
    }
}

/// `articles/**/*.md`, sorted by relative path (byte order). Hidden files and folders are
/// skipped, and so is a file that links outside the content folder (with a warning).
pub(crate) fn articles(roots: &Roots, warnings: &mut Vec<Diagnostic>) -> Result<Vec<Found>, Error> {
    let mut found = Vec::new();
    walk(
        roots,
        &roots.abs.join(ARTICLES_DIR),
        ARTICLES_DIR,
        &mut found,
        warnings,
    )?;
    found.sort_by(|a, b| a.source.cmp(&b.source));
    Ok(found)
}

fn walk(
    roots: &Roots,
    dir: &Path,
    rel: &str,
    found: &mut Vec<Found>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: dir.to_owned(),
            source,
        })?;
        let Ok(name) = entry.file_name().into_string() else {
            warnings.push(
                Diagnostic::warning(format!(
                    "skipping `{}`: its name is not valid UTF-8",
                    entry.file_name().to_string_lossy()
                ))
                .in_file(rel.to_owned()),
            );
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let source = format!("{rel}/{name}");
        // `file_type` does not follow links: a linked folder is not entered.
        let kind = entry.file_type().map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if kind.is_dir() {
            walk(roots, &path, &source, found, warnings)?;
            continue;
        }
        let is_md = Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if !is_md {
            continue;
        }
        match path.canonicalize() {
            Ok(c) if c.starts_with(&roots.canonical) && c.is_file() => {
                found.push(Found { path, source })
            }
            _ => warnings.push(
                Diagnostic::warning("skipped: not a readable file inside the content folder")
                    .in_file(source),
            ),
        }
    }
    Ok(())
}

/// Shard `index` of `count` (1-based), as in `--shard 2/3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Parses `K/N` with 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard takes K/N with 1 ≤ K ≤ N, e.g. 2/3; not `{s}`");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the article belongs to this shard. Decided by a hash of its relative path
    /// alone, so adding or removing other articles never moves it to another shard.
    pub fn takes(&self, source: &str) -> bool {
        let digest = Sha256::digest(source.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_articles() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        let mut sizes = [0; 3];
        for i in 0..300 {
            let source = format!("articles/{i:04}.md");
            let takers: Vec<usize> = (0..3).filter(|&k| shards[k].takes(&source)).collect();
            assert_eq!(takers.len(), 1, "{source} is in {takers:?}");
            sizes[takers[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 60), "uneven shards: {sizes:?}");
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
