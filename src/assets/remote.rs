//! Remote pictures (`![](https://…/pic.webp)`): fetched once into a cache folder and read from
//! there like any local picture.
//!
//! Every URL is fetched in parallel with a timeout and a size cap, and the bytes must be a
//! picture folio can read (not the HTML error page many servers send with status 200). A
//! picture that cannot be had is a warning naming the file and line (an error under
//! `--strict`); the writers then draw a framed placeholder with the alt text, so the build
//! goes on and nothing silently disappears. `--offline` uses only what the cache holds.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;
use crate::model::{Block, Document, SourcePos};

/// How remote pictures are fetched.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RemoteOptions {
    /// Where fetched pictures are kept between builds.
    pub cache_dir: PathBuf,
    /// Use only the cache; never touch the network.
    pub offline: bool,
    /// For the whole request, connection to last byte.
    pub timeout: Duration,
    /// Largest picture accepted, in bytes.
    pub max_bytes: u64,
    /// A picture that cannot be fetched is an error, not a warning.
    pub strict: bool,
}

impl RemoteOptions {
    pub fn new(cache_dir: PathBuf) -> Self {
        RemoteOptions {
            cache_dir,
            offline: false,
            timeout: Duration::from_secs(20),
            max_bytes: 25 * 1024 * 1024,
            strict: false,
        }
    }
}

/// The default cache: `.folio-cache/` beside the content folder.
pub fn default_cache_dir(content_dir: &Path) -> PathBuf {
    let abs = std::path::absolute(content_dir).unwrap_or_else(|_| content_dir.to_owned());
    abs.parent()
        .map_or_else(|| PathBuf::from(".folio-cache"), |p| p.join(".folio-cache"))
}

/// Whether an image key names a remote picture (the reader keeps the URL as the key).
pub fn is_remote(key: &str) -> bool {
    let lower = key.get(..8).unwrap_or(key).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Fetches (or finds in the cache) every remote picture of `doc` and points its figures at
/// the cached file. Figures whose picture cannot be had keep an empty path: the image loader
/// skips them and the writers draw a placeholder.
pub fn fetch_remote(doc: &mut Document, opts: &RemoteOptions) -> Vec<Diagnostic> {
    let mut first_use: BTreeMap<String, SourcePos> = BTreeMap::new();
    for_each_remote(doc, &mut |key, _, pos| {
        first_use
            .entry(key.to_owned())
            .or_insert_with(|| pos.clone());
    });
    if first_use.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("folio/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let results: Vec<(String, Result<PathBuf, Diagnostic>)> = first_use
        .into_par_iter()
        .map(|(url, pos)| {
            let r = fetch_one(&agent, &url, opts).map_err(|(message, help)| {
                Diagnostic::strict_or_warning(opts.strict, message)
                    .at(&pos)
                    .with_help(help)
            });
            (url, r)
        })
        .collect();
    let mut paths = BTreeMap::new();
    let mut diags = Vec::new();
    for (url, r) in results {
        match r {
            Ok(path) => {
                paths.insert(url, path);
            }
            Err(d) => diags.push(d),
        }
    }
    for_each_remote(doc, &mut |key, path, _| {
        if let Some(p) = paths.get(key) {
            *path = p.clone();
        }
    });
    diags
}

/// A size as written on the command line: bytes, or with a `K`/`M`/`G` suffix (binary).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&t[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a size; write e.g. 25M, 500K or 1048576"))
}

fn show_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1 << 10))
    }
}

type Problem = (String, String);

fn fetch_one(agent: &ureq::Agent, url: &str, opts: &RemoteOptions) -> Result<PathBuf, Problem> {
    let cached = opts.cache_dir.join(cache_name(url));
    if let Ok(bytes) = std::fs::read(&cached)
        && is_picture(&bytes)
    {
        return Ok(cached);
    }
    let shown = shorten(url);
    if opts.offline {
        return Err((
            format!(
                "remote picture `{shown}` is not in the cache and --offline is set; a placeholder is printed"
            ),
            "build once without --offline to fetch it, or download it into images/".to_owned(),
        ));
    }
    let cannot = |why: String| {
        (
            format!("cannot fetch remote picture `{shown}`: {why}; a placeholder is printed"),
            "check the address, or download the picture into images/ and refer to it there"
                .to_owned(),
        )
    };
    let mut response = agent.get(url).call().map_err(|e| cannot(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(cannot(format!("the server answered {status}")));
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(opts.max_bytes)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => cannot(format!(
                "it is larger than the limit of {} (--fetch-limit)",
                show_size(opts.max_bytes)
            )),
            other => cannot(other.to_string()),
        })?;
    if !is_picture(&bytes) {
        return Err(cannot(
            "what came back is not a JPEG, PNG, GIF or WebP picture (perhaps a web page)"
                .to_owned(),
        ));
    }
    store(&opts.cache_dir, &cached, &bytes).map_err(|e| {
        (
            format!(
                "cannot write the picture cache `{}`: {e}",
                opts.cache_dir.display()
            ),
            "choose another folder with --cache-dir".to_owned(),
        )
    })?;
    Ok(cached)
}

/// Writes to a temporary file and renames it into place: a killed build never leaves half a
/// picture that a later build would trust.
fn store(dir: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

fn is_picture(bytes: &[u8]) -> bool {
    matches!(
        image::guess_format(bytes),
        Ok(image::ImageFormat::Jpeg
            | image::ImageFormat::Png
            | image::ImageFormat::Gif
            | image::ImageFormat::WebP)
    )
}

/// The cache file of a URL: its SHA-256, so any URL maps to a safe, fixed-length name.
fn cache_name(url: &str) -> String {
    let digest = Sha256::digest(url.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn shorten(url: &str) -> String {
    if url.chars().count() <= 80 {
        url.to_owned()
    } else {
        let head: String = url.chars().take(77).collect();
        format!("{head}…")
    }
}

fn for_each_remote(doc: &mut Document, f: &mut impl FnMut(&str, &mut PathBuf, &SourcePos)) {
    fn walk(blocks: &mut [Block], f: &mut impl FnMut(&str, &mut PathBuf, &SourcePos)) {
        for block in blocks {
            match block {
                Block::Figure { image, pos, .. } if is_remote(&image.key) => {
                    f(&image.key, &mut image.path, pos)
                }
                Block::List { items, .. } => {
                    for item in items {
                        walk(&mut item.blocks, f);
                    }
                }
                Block::Quote { blocks, .. }
                | Block::Aside { blocks, .. }
                | Block::Centered { blocks, .. } => walk(blocks, f),
                Block::Definitions { items, .. } => {
                    for item in items {
                        for d in &mut item.details {
                            walk(d, f);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for article in &mut doc.articles {
        walk(&mut article.blocks, f);
        for note in &mut article.footnotes {
            walk(&mut note.blocks, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_names_and_remote_keys() {
        assert_eq!(cache_name("https://a.cn/x.png").len(), 64);
        assert_ne!(
            cache_name("https://a.cn/x.png"),
            cache_name("https://a.cn/y.png")
        );
        assert!(is_remote("HTTPS://a.cn/x.png") && is_remote("http://a"));
        assert!(!is_remote("images/http.png"));
        assert!(is_picture(b"\x89PNG\r\n\x1a\n0000") && !is_picture(b"<!DOCTYPE html>"));
        assert_eq!(parse_size("25M"), Ok(25 << 20));
        assert_eq!(parse_size("500k"), Ok(500 << 10));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("x").is_err() && parse_size("0").is_err());
    }
}
