//! Reading an input file whole, safely: only regular files, never more than a cap, and the
//! header checked before the rest is read.
//!
//! The content folder is untrusted input. A named pipe named `bulletin.toml` would block
//! `read` forever, and a link to `/dev/zero` named like a font would grow memory until the
//! machine gives up. So the file type and size are looked at before reading, the file is
//! opened non-blocking (a pipe swapped in after the look cannot hang us either), and the read
//! stops one byte past the cap whatever the file claims to be.

use std::fmt;
use std::io::Read;
use std::path::Path;

const MB: u64 = 1024 * 1024;

/// What a file is for, and the most folio will read of one.
///
/// The caps are far above any real input and far below what would hurt a laptop: the
/// largest real `bulletin.toml` is a few KB; a 64 MB article is some 20,000 pages of Chinese
/// (one article, not a book); the largest CJK fonts (full Noto CJK collections) are about
/// 120 MB; a 512 MB picture is already past anything a print page can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Config,
    Article,
    Font,
    Picture,
}

impl Kind {
    pub fn limit(self) -> u64 {
        match self {
            Kind::Config => MB,
            Kind::Article => 64 * MB,
            Kind::Font => 256 * MB,
            Kind::Picture => 512 * MB,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Config => "a configuration file",
            Kind::Article => "an article",
            Kind::Font => "a font",
            Kind::Picture => "a picture",
        }
    }

    /// What to do about a file over the cap.
    fn too_large_help(self) -> &'static str {
        match self {
            Kind::Config => "bulletin.toml holds settings only; is this the right file?",
            Kind::Article => "split the article into several files in articles/",
            Kind::Font => "use a font file for the scripts you need instead of a large collection",
            Kind::Picture => "scale the picture down or save it as JPEG before adding it",
        }
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum Problem {
    /// A folder, a named pipe, a device…: reading it would fail, block or never end.
    NotAFile {
        what: &'static str,
    },
    /// Bigger than the cap for its kind (`size` is a lower bound when the file grew while
    /// being read).
    TooLarge {
        size: u64,
        kind: Kind,
    },
    /// The first bytes show it is not this kind of file at all.
    BadHeader {
        why: String,
    },
    Io(std::io::Error),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotAFile { what } => write!(f, "it is {what}, not a regular file"),
            Problem::TooLarge { size, kind } => write!(
                f,
                "it is {}, more than the {} folio reads for {}",
                human_size(*size),
                human_size(kind.limit()),
                kind.noun()
            ),
            Problem::BadHeader { why } => write!(f, "{why}"),
            Problem::Io(e) => write!(f, "{}", io_reason(e)),
        }
    }
}

impl Problem {
    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            Problem::NotAFile { .. } => "replace it with an ordinary file (or a link to one)",
            Problem::TooLarge { kind, .. } => kind.too_large_help(),
            Problem::BadHeader { .. } => "check that the file is what its name says",
            Problem::Io(e) => match e.kind() {
                std::io::ErrorKind::PermissionDenied => "make the file readable (chmod a+r)",
                std::io::ErrorKind::NotFound => "check the file name and folder",
                _ => "check the file and try again",
            },
        }
    }
}

/// Looks at a file's first bytes; `Err` says why it is not the expected kind of file.
pub type HeaderCheck<'a> = dyn Fn(&[u8]) -> Result<(), String> + 'a;

/// Reads `path` whole if it is a regular file no larger than `kind`'s cap. `header`, if
/// given, sees the first bytes (up to 64) before anything more is read, so a 1 GB file with
/// the wrong contents is refused after 64 bytes.
pub fn read(path: &Path, kind: Kind, header: Option<&HeaderCheck<'_>>) -> Result<Vec<u8>, Problem> {
    // `metadata` follows links: what matters is what a read would reach.
    let meta = std::fs::metadata(path).map_err(Problem::Io)?;
    check_type(&meta)?;
    if meta.len() > kind.limit() {
        return Err(Problem::TooLarge {
            size: meta.len(),
            kind,
        });
    }
    let file = open_nonblocking(path).map_err(Problem::Io)?;
    // The file may have been swapped between the look and the open.
    let meta = file.metadata().map_err(Problem::Io)?;
    check_type(&meta)?;
    let mut reader = file.take(kind.limit() + 1);
    let mut bytes = Vec::with_capacity(meta.len().min(kind.limit()) as usize);
    if let Some(check) = header {
        let mut head = [0u8; 64];
        let mut filled = 0;
        while filled < head.len() {
            match reader.read(&mut head[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Problem::Io(e)),
            }
        }
        check(&head[..filled]).map_err(|why| Problem::BadHeader { why })?;
        bytes.extend_from_slice(&head[..filled]);
    }
    reader.read_to_end(&mut bytes).map_err(Problem::Io)?;
    if bytes.len() as u64 > kind.limit() {
        return Err(Problem::TooLarge {
            size: bytes.len() as u64,
            kind,
        });
    }
    Ok(bytes)
}

fn check_type(meta: &std::fs::Metadata) -> Result<(), Problem> {
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a folder"
    } else {
        file_type_name(meta)
    };
    Err(Problem::NotAFile { what })
}

#[cfg(unix)]
fn file_type_name(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not an ordinary file"
    }
}

#[cfg(not(unix))]
fn file_type_name(_: &std::fs::Metadata) -> &'static str {
    "not an ordinary file"
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// An I/O error in words, without the raw `(os error N)` tail.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::NotFound => "it does not exist",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "something with that name is already there",
        K::IsADirectory => "it is a folder",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::StorageFull => "the disk is full",
        K::QuotaExceeded => "the disk quota is used up",
        K::DirectoryNotEmpty => "it is a folder that is not empty",
        K::CrossesDevices => "it is on another disk",
        K::InvalidFilename => "the file name is too long or not allowed",
        _ => {
            let text = e.to_string();
            return match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
        }
    };
    words.to_owned()
}

/// What to do when an output cannot be written.
pub fn write_help(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied | K::ReadOnlyFilesystem => {
            "choose an output folder you can write to with -o, or make this one writable"
        }
        K::StorageFull | K::QuotaExceeded => "free some disk space, or choose another disk with -o",
        _ => "check the output folder (-o) and try again",
    }
}

/// `1.5 GB`, `640 KB`, `12 bytes`.
pub fn human_size(n: u64) -> String {
    if n >= 1024 * MB {
        format!("{:.1} GB", n as f64 / (1024 * MB) as f64)
    } else if n >= MB {
        format!("{} MB", n.div_ceil(MB))
    } else if n >= 1024 {
        format!("{} KB", n.div_ceil(1024))
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, b"title = 1").unwrap();
        assert_eq!(read(&p, Kind::Config, None).unwrap(), b"title = 1");
    }

    #[test]
    fn refuses_folders_and_big_files() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), Kind::Config, None).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        let p = dir.path().join("big.toml");
        std::fs::write(&p, vec![b'#'; 2 * MB as usize]).unwrap();
        let e = read(&p, Kind::Config, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is 2 MB, more than the 1 MB folio reads for a configuration file"
        );
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_at_once() {
        let e = read(Path::new("/dev/zero"), Kind::Font, None).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");
    }

    #[test]
    fn header_is_checked_first() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.ttf");
        std::fs::write(&p, b"hello world, not a font").unwrap();
        let check = |h: &[u8]| {
            if h.starts_with(b"OTTO") {
                Ok(())
            } else {
                Err("no".to_owned())
            }
        };
        let e = read(&p, Kind::Font, Some(&check)).unwrap_err();
        assert!(matches!(e, Problem::BadHeader { .. }));
        let font: Vec<u8> = b"OTTO".iter().copied().chain(0..200u8).collect();
        std::fs::write(&p, &font).unwrap();
        assert_eq!(read(&p, Kind::Font, Some(&check)).unwrap(), font);
    }

    #[test]
    fn os_error_numbers_are_dropped() {
        let e = std::io::Error::from_raw_os_error(17);
        assert_eq!(io_reason(&e), "something with that name is already there");
    }
}
