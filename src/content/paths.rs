//! Finding the image files an article names, and refusing any that lie outside the content
//! folder.
//!
//! Authors write paths the way their editor previews them: relative to the Markdown file
//! (`../images/x.jpg`), relative to the folder (`images/x.jpg`), with spaces inside `<…>` or
//! percent-encoded (`Wechat%20photo.jpg`). We accept all of these. The content folder is the
//! boundary of what a build may read, so a path that leaves it — by `..` or by a symlink — is
//! an error, not a convenience.

use std::path::{Component, Path, PathBuf};

use crate::model::ImageRef;

/// The content folder, resolved once per build.
#[derive(Debug, Clone)]
pub(crate) struct Roots {
    /// Absolute (not canonical) path of the content folder: candidates are built from it.
    pub abs: PathBuf,
    /// Canonical path of the content folder: the boundary checks use it.
    pub canonical: PathBuf,
}

impl Roots {
    pub(crate) fn new(root: &Path) -> std::io::Result<Self> {
        let abs = normalize_lexically(&std::path::absolute(root)?);
        let canonical = abs.canonicalize()?;
        Ok(Roots { abs, canonical })
    }

    /// How a path is shown to the author: relative to the content folder where possible.
    pub(crate) fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.abs) {
            Ok(rel) => slash_path(rel),
            Err(_) => path.display().to_string(),
        }
    }
}

/// Why an image reference could not be resolved; `message`/`help` are for the author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageProblem {
    pub message: String,
    pub help: String,
}

impl ImageProblem {
    fn new(message: String, help: impl Into<String>) -> Self {
        ImageProblem {
            message,
            help: help.into(),
        }
    }
}

/// Resolves an image destination written in `md_dir` (absolute folder of the Markdown file).
///
/// Tries the Markdown file's folder first, then the content folder. The first candidate that
/// exists wins; if it lies outside the content folder (after following symlinks), the image is
/// refused rather than falling back, so the result never depends on files outside the folder.
pub(crate) fn resolve_image(
    dest: &str,
    md_dir: &Path,
    roots: &Roots,
) -> Result<ImageRef, ImageProblem> {
    let dest = dest.trim();
    if dest.is_empty() {
        return Err(ImageProblem::new(
            "image with an empty path".to_owned(),
            "write the path between the parentheses: ![caption](images/photo.jpg)",
        ));
    }
    if let Some(scheme) = url_scheme(dest) {
        let lower = scheme.to_ascii_lowercase();
        if matches!(lower.as_str(), "http" | "https") {
            // Fetched later (assets::remote) into the cache; the URL is the key.
            return Ok(ImageRef {
                path: PathBuf::new(),
                key: dest.to_owned(),
                width: None,
                height: None,
                decorative: false,
            });
        }
        let message = if matches!(lower.as_str(), "http" | "https" | "data") {
            format!("remote image `{}` is not fetched", shorten(dest))
        } else {
            format!("image `{}` is a `{scheme}:` URL, not a file", shorten(dest))
        };
        return Err(ImageProblem::new(
            message,
            "download it into the images/ folder and refer to it as images/name.jpg",
        ));
    }
    let decoded = percent_decode(dest).ok_or_else(|| {
        ImageProblem::new(
            format!("image path `{dest}` has a percent-escape that is not UTF-8"),
            "write the file name as it is, inside <…> if it has spaces: ![](<images/my photo.jpg>)",
        )
    })?;
    // A leading `/` means "from the content folder", as on a web site, never the disk root.
    let (rooted, rel) = match decoded.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start_matches('/')),
        None => (false, decoded.as_str()),
    };
    let mut candidates = Vec::new();
    if !rooted {
        candidates.push(normalize_lexically(&md_dir.join(rel)));
    }
    let from_root = normalize_lexically(&roots.abs.join(rel));
    if !candidates.contains(&from_root) {
        candidates.push(from_root);
    }
    for candidate in &candidates {
        if !candidate.exists() {
            continue;
        }
        let canonical = candidate.canonicalize().map_err(|e| {
            ImageProblem::new(
                format!("cannot read image `{dest}`: {e}"),
                "check the file's permissions",
            )
        })?;
        let Ok(inside) = canonical.strip_prefix(&roots.canonical) else {
            return Err(ImageProblem::new(
                format!(
                    "image `{dest}` is outside the content folder ({})",
                    canonical.display()
                ),
                "copy the image into the images/ folder of the content folder",
            ));
        };
        if !canonical.is_file() {
            return Err(ImageProblem::new(
                format!("image `{dest}` is not a file"),
                "name an image file such as images/photo.jpg",
            ));
        }
        let key = slash_path(inside);
        return Ok(ImageRef {
            path: canonical,
            key,
            width: None,
            height: None,
            decorative: false,
        });
    }
    let looked: Vec<String> = candidates.iter().map(|c| roots.display(c)).collect();
    Err(ImageProblem::new(
        format!(
            "image `{dest}` not found (looked in {})",
            looked.join(" and ")
        ),
        "check the spelling and the folder; paths are relative to the Markdown file or to \
         the content folder",
    ))
}

/// `http:`, `data:`, `mailto:`… but not a Windows drive letter (`C:`).
fn url_scheme(dest: &str) -> Option<&str> {
    let (scheme, _) = dest.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && scheme.len() > 1).then_some(scheme)
}

fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

/// Decodes `%XX` escapes as UTF-8 (`%20` → space, `%E5%9B%BE` → 图). A `%` not followed by
/// two hex digits is kept as is; `None` if the decoded bytes are not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(&h), Some(&l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Resolves `.` and `..` without touching the disk (so it works for files that do not exist
/// and is not fooled by symlinks; the boundary check canonicalises separately). `..` at the
/// top of an absolute path stays at the root; on a relative path it is kept.
pub(crate) fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(comp),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// A relative path with `/` separators whatever the platform: stable keys and messages.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct Fixture {
        _dir: tempfile::TempDir,
        roots: Roots,
        md_dir: PathBuf,
        outside: PathBuf,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("content");
        fs::create_dir_all(root.join("articles/pics")).unwrap();
        fs::create_dir_all(root.join("images")).unwrap();
        fs::write(root.join("articles/pics/local.png"), b"x").unwrap();
        fs::write(root.join("images/Wechat photo _1.jpg"), b"x").unwrap();
        fs::write(root.join("images/校园 风景.png"), b"x").unwrap();
        let outside = dir.path().join("secret.png");
        fs::write(&outside, b"x").unwrap();
        let roots = Roots::new(&root).unwrap();
        let md_dir = roots.abs.join("articles");
        Fixture {
            _dir: dir,
            roots,
            md_dir,
            outside,
        }
    }

    fn key(f: &Fixture, dest: &str) -> Result<String, ImageProblem> {
        resolve_image(dest, &f.md_dir, &f.roots).map(|r| r.key)
    }

    #[test]
    fn relative_to_markdown_file() {
        let f = fixture();
        assert_eq!(
            key(&f, "pics/local.png").unwrap(),
            "articles/pics/local.png"
        );
        assert_eq!(
            key(&f, "../images/Wechat photo _1.jpg").unwrap(),
            "images/Wechat photo _1.jpg"
        );
        let r = resolve_image("pics/local.png", &f.md_dir, &f.roots).unwrap();
        assert!(r.path.is_absolute());
        assert!(r.path.starts_with(&f.roots.canonical));
    }

    #[test]
    fn relative_to_content_root() {
        let f = fixture();
        assert_eq!(
            key(&f, "images/Wechat photo _1.jpg").unwrap(),
            "images/Wechat photo _1.jpg"
        );
        assert_eq!(
            key(&f, "/images/Wechat photo _1.jpg").unwrap(),
            "images/Wechat photo _1.jpg"
        );
        assert_eq!(
            key(&f, "./images/../images/校园 风景.png").unwrap(),
            "images/校园 风景.png"
        );
    }

    #[test]
    fn percent_encoded_and_cjk_names() {
        let f = fixture();
        assert_eq!(
            key(&f, "images/Wechat%20photo%20_1.jpg").unwrap(),
            "images/Wechat photo _1.jpg"
        );
        assert_eq!(
            key(&f, "images/%E6%A0%A1%E5%9B%AD%20%E9%A3%8E%E6%99%AF.png").unwrap(),
            "images/校园 风景.png"
        );
        assert!(
            key(&f, "images/%FF%FE.png")
                .unwrap_err()
                .message
                .contains("UTF-8")
        );
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("a%2").as_deref(), Some("a%2"));
    }

    #[test]
    fn escaping_the_folder_is_refused() {
        let f = fixture();
        let e = key(&f, "../../secret.png").unwrap_err();
        assert!(e.message.contains("outside the content folder"), "{e:?}");
        let up = "../".repeat(40);
        let e = key(&f, &format!("{up}etc/passwd")).unwrap_err();
        assert!(
            e.message.contains("outside the content folder") || e.message.contains("not found"),
            "{e:?}"
        );
        assert!(key(&f, "/etc/passwd").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_of_the_folder_is_refused() {
        let f = fixture();
        std::os::unix::fs::symlink(&f.outside, f.roots.abs.join("images/link.png")).unwrap();
        let e = key(&f, "images/link.png").unwrap_err();
        assert!(e.message.contains("outside the content folder"), "{e:?}");
    }

    #[test]
    fn remote_and_missing() {
        let f = fixture();
        // Remote pictures are fetched later; the URL is their key.
        assert_eq!(
            key(&f, "https://example.com/a.png").unwrap(),
            "https://example.com/a.png"
        );
        assert!(
            key(&f, "data:image/png;base64,AAAA")
                .unwrap_err()
                .message
                .contains("remote")
        );
        let e = key(&f, "images/nope.png").unwrap_err();
        assert_eq!(
            e.message,
            "image `images/nope.png` not found (looked in articles/images/nope.png and images/nope.png)"
        );
        assert!(
            key(&f, "images")
                .unwrap_err()
                .message
                .contains("not a file")
        );
        assert!(key(&f, "  ").is_err());
    }

    #[test]
    fn lexical_normalisation() {
        assert_eq!(
            normalize_lexically(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(
            normalize_lexically(Path::new("/../../x")),
            PathBuf::from("/x")
        );
        assert_eq!(
            normalize_lexically(Path::new("a/../../x")),
            PathBuf::from("../x")
        );
        assert_eq!(normalize_lexically(Path::new("a/..")), PathBuf::from("."));
    }
}
