//! Writing results so that a failed or interrupted build never leaves a half-written file:
//! bytes go to a temporary file in the destination folder, which is renamed into place.
//!
//! The promise is all files or none:
//! - every destination is checked (its folder can be made, nothing that is not a file is in
//!   the way) and every temporary file is written before the first rename;
//! - each file it replaces is kept under a temporary name (a hard link, so the destination
//!   never goes missing) until every rename succeeded; if one fails, those already renamed
//!   are put back as they were.
//!
//! Temporary files are named `.folio-XXXXXX.part` and locked (`flock`) by the build writing
//! them. A build killed with `kill -9` leaves its file behind but loses the lock, so the next
//! build into the same folder removes it; a running build's files are locked and left alone.
//! Only names of exactly that pattern are touched, only in the destination folders.
//!
//! Limit: two renames are two system calls, so a build killed in the microseconds between
//! them leaves one file new and the other old (each whole).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::Error;

const TEMP_PREFIX: &str = ".folio-";
const TEMP_SUFFIX: &str = ".part";
/// tempfile's default: six random alphanumeric characters.
const TEMP_RANDOM_LEN: usize = 6;

/// Writes every (path, bytes) pair, or none.
pub fn write_all_atomically(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let paths: Vec<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
    prepare(&paths)?;
    stage_and_commit(files)
}

/// [`write_all_atomically`] for a writer that removed stale temporary files from every
/// destination folder itself before it began (`folio archive`, whose threads write into the
/// same folders at once): the destinations are checked but no folder is swept again. A
/// sweep can only tell a file another thread is writing from a left-over one by its lock,
/// and it is cheaper not to look.
pub(crate) fn write_all_atomically_unswept(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    for (path, _) in files {
        prepare_folder(folder_of(path))?;
        check_destination(path)?;
    }
    stage_and_commit(files)
}

fn stage_and_commit(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        staged.push(Staged {
            tmp: stage(path, |f| f.write_all(bytes))?,
            path: path.clone(),
        });
    }
    commit(staged)
}

/// A file written whole under its temporary name beside its destination, not yet in
/// place: dropping it deletes it.
pub(crate) struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Checks every destination (its folder can be made, nothing that is not a file is in the
/// way) and removes stale temporary files from their folders: call once before staging.
pub(crate) fn prepare(paths: &[&Path]) -> Result<(), Error> {
    let mut dirs: Vec<&Path> = Vec::new();
    for path in paths {
        let dir = folder_of(path);
        prepare_folder(dir)?;
        check_destination(path)?;
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    for dir in dirs {
        remove_stale_temp_files(dir);
    }
    Ok(())
}

/// Has `write` fill a temporary file beside `path` (checked with [`prepare`]), so a
/// writer can stream into it and no output need be held in memory until every output is
/// made.
pub(crate) fn stage_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), Error>,
) -> Result<Staged, Error> {
    let mut failed = None;
    let tmp = stage(path, |f| {
        write(f).map_err(|e| {
            failed = Some(e);
            std::io::Error::other("not written")
        })
    })
    .map_err(|e| failed.take().unwrap_or(e))?;
    Ok(Staged {
        tmp,
        path: path.to_owned(),
    })
}

/// Renames every staged file into place, or none (see the module's promise).
pub(crate) fn commit(staged: Vec<Staged>) -> Result<(), Error> {
    // Dropping an unpersisted temporary file deletes it, so an error here cleans up too.
    // Every previous file is kept aside first, so that the renames follow one another with
    // nothing in between: a kill -9 can only split them in the gap between two syscalls.
    let mut aside = Vec::with_capacity(staged.len());
    for s in &staged {
        aside.push(keep_previous(&s.path)?);
    }
    let mut done: Vec<Replaced> = Vec::with_capacity(staged.len());
    for (Staged { tmp, path }, previous) in staged.into_iter().zip(aside) {
        match rename_into(tmp, path, previous) {
            Ok(r) => done.push(r),
            Err(e) => {
                for r in done.into_iter().rev() {
                    r.undo();
                }
                return Err(e);
            }
        }
    }
    for r in done {
        r.commit();
    }
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes the output folder, explaining the cases where that cannot work.
fn prepare_folder(dir: &Path) -> Result<(), Error> {
    if let Ok(meta) = std::fs::metadata(dir)
        && !meta.is_dir()
    {
        return Err(Error::Output {
            path: dir.to_owned(),
            message: format!(
                "the output folder {} is a file, not a folder",
                dir.display()
            ),
            help: "name a folder with -o (it is created if missing), or move the file away".into(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_owned(),
        source,
    })
}

/// Whatever is at `path` must be a file (or a link to one) we may replace.
fn check_destination(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::Output {
            path: path.to_owned(),
            message: format!(
                "cannot write {}: a folder of that name is in the way",
                path.display()
            ),
            help: "move or rename the folder, or choose another output folder with -o".into(),
        }),
        Ok(meta) if !meta.is_file() && !meta.file_type().is_symlink() => Err(Error::Output {
            path: path.to_owned(),
            message: format!(
                "cannot write {}: something that is not a file is in the way",
                path.display()
            ),
            help: "remove it, or choose another output folder with -o".into(),
        }),
        _ => Ok(()),
    }
}

/// Has `write` fill a locked temporary file beside `path`, flushed to disk.
fn stage(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile, Error> {
    let werr = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    let mut tmp = temp_file(folder_of(path)).map_err(werr)?;
    write(tmp.as_file_mut()).map_err(werr)?;
    // Temporary files are created private; the result should be readable like any file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o644);
        tmp.as_file().set_permissions(perms).map_err(werr)?;
    }
    tmp.as_file().sync_all().map_err(werr)?;
    Ok(tmp)
}

/// A new, locked `.folio-XXXXXX.part` file in `dir`.
fn temp_file(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    // A sweep (another build's, or another thread's) may find the file in the instant
    // between its creation and its lock and remove it as left over; the sweep holds the
    // lock while it removes, so once ours is granted a file without a name shows that
    // happened, and another is made.
    for _ in 0..100 {
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM_LEN)
            .tempfile_in(dir)?;
        if lock(tmp.as_file()) {
            return Ok(tmp);
        }
    }
    Err(std::io::Error::other(
        "temporary files kept being removed as they were made",
    ))
}

/// One destination renamed into place, with what it replaced kept aside until the end.
struct Replaced {
    path: PathBuf,
    /// The previous file, hard-linked under a temporary name (`None`: there was none).
    previous: Option<tempfile::TempPath>,
}

impl Replaced {
    /// Puts the previous file back (or removes the new one if there was none).
    fn undo(self) {
        match self.previous {
            Some(old) => {
                let _ = old.persist(&self.path);
            }
            None => {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }

    /// Every rename succeeded: the previous file is no longer needed.
    fn commit(self) {
        drop(self.previous); // deletes the hard link
    }
}

#[cfg(test)]
fn replace(tmp: tempfile::NamedTempFile, path: &Path) -> Result<Replaced, Error> {
    let previous = keep_previous(path)?;
    rename_into(tmp, path.to_owned(), previous)
}

/// The file now at `path`, hard-linked under a temporary name (`None`: there is none).
fn keep_previous(path: &Path) -> Result<Option<tempfile::TempPath>, Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => keep_aside(path).map(Some).map_err(|source| Error::Write {
            path: path.to_owned(),
            source,
        }),
        _ => Ok(None),
    }
}

fn rename_into(
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    previous: Option<tempfile::TempPath>,
) -> Result<Replaced, Error> {
    match tmp.persist(&path) {
        Ok(_) => Ok(Replaced { path, previous }),
        Err(e) => Err(Error::Write {
            path,
            source: e.error,
        }),
    }
}

/// A second name for the file at `path`, so that it survives being replaced: a hard link
/// (instant, no copy), or a copy where the file system has no links (FAT, some shares).
fn keep_aside(path: &Path) -> std::io::Result<tempfile::TempPath> {
    let dir = folder_of(path);
    let mut attempt = 0u32;
    loop {
        let aside = dir.join(format!(
            "{TEMP_PREFIX}{}{TEMP_SUFFIX}",
            random_name(attempt)
        ));
        match std::fs::hard_link(path, &aside) {
            Ok(()) => return tempfile::TempPath::try_from_path(aside),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {}
            Err(_) if !aside.exists() => {
                std::fs::copy(path, &aside)?;
                return tempfile::TempPath::try_from_path(aside);
            }
            Err(e) => return Err(e),
        }
        attempt += 1;
    }
}

/// Six letters and digits, different for each process, call and attempt.
fn random_name(attempt: u32) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u32(attempt);
    let mut n = h.finish();
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..TEMP_RANDOM_LEN)
        .map(|_| {
            let c = ALNUM[(n % ALNUM.len() as u64) as usize] as char;
            n /= ALNUM.len() as u64;
            c
        })
        .collect()
}

/// Removes `.folio-XXXXXX.part` files in `dir` that no running build holds.
pub(crate) fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_temp_name(name) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        // Removed while locked: a build that made the file and waits for its lock then
        // sees it has no name (see `temp_file`).
        if is_abandoned(&file) {
            let _ = std::fs::remove_file(&path);
        }
        drop(file);
    }
}

/// `.folio-` + six ASCII letters or digits + `.part`, and nothing else.
fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|mid| {
            mid.len() == TEMP_RANDOM_LEN && mid.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Marks a temporary file as belonging to a running build: an exclusive advisory lock, held
/// until the file is closed or the process dies. Waits for a sweep holding it; `false` if
/// that sweep removed the file meanwhile.
#[cfg(unix)]
fn lock(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::MetadataExt;
    // SAFETY: flock on a file descriptor we own; no memory is passed.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) == 0 };
    // Without the lock (a file system without flock) the file is still ours to write.
    !locked || file.metadata().is_ok_and(|m| m.nlink() > 0)
}

#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor we own; no memory is passed.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

/// Whether no running build owns this temporary file.
#[cfg(unix)]
fn is_abandoned(file: &std::fs::File) -> bool {
    try_lock(file)
}

#[cfg(not(unix))]
fn lock(_: &std::fs::File) -> bool {
    true
}

/// Without advisory locks, only files untouched for a day count as left over.
#[cfg(not(unix))]
fn is_abandoned(file: &std::fs::File) -> bool {
    file.metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 24 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_errors_name_the_output_not_the_temporary_file() {
        // What tempfile reports for a read-only folder: the OS error plus the temporary name.
        let source = std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "Permission denied (os error 13) at path \"/srv/out/.folio-Ab12Cd.part\"",
        );
        let e = Error::Write {
            path: PathBuf::from("/srv/out/bulletin.pdf"),
            source,
        };
        assert_eq!(
            e.to_string(),
            "cannot write /srv/out/bulletin.pdf: permission denied\n  help: choose an output \
             folder you can write to with -o, or make this one writable"
        );
    }

    #[test]
    fn temp_names() {
        assert!(is_temp_name(".folio-a1B2c3.part"));
        assert!(!is_temp_name(".folio-a1B2c.part"));
        assert!(!is_temp_name("folio-a1B2c3.part"));
        assert!(!is_temp_name(".folio-a1B2c3.part.bak"));
        assert!(!is_temp_name(".folio-a1/2c3.part"));
    }

    #[test]
    fn stale_temp_files_go_but_locked_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".folio-abc123.part");
        std::fs::write(&stale, b"half").unwrap();
        let other = dir.path().join(".folio-notes.txt");
        std::fs::write(&other, b"mine").unwrap();
        let live = temp_file(dir.path()).unwrap();
        remove_stale_temp_files(dir.path());
        assert!(!stale.exists());
        assert!(other.exists());
        assert!(live.path().exists());
    }

    /// `folio archive` writes from several threads into one folder while a build may sweep
    /// it: a sweep that catches a temporary file between its creation and its lock must
    /// not make the write fail (it did, 3 times in 2,000 files, before `temp_file` checked
    /// for it).
    #[test]
    fn a_sweep_running_beside_writers_never_breaks_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    remove_stale_temp_files(dir.path());
                }
            });
            let writers: Vec<_> = (0..3)
                .map(|w| {
                    let dir = dir.path();
                    s.spawn(move || {
                        for i in 0..1000 {
                            let path = dir.join(format!("w{w}-{}.bin", i % 5));
                            let r = write_all_atomically_unswept(&[(path, vec![i as u8; 64])]);
                            assert!(r.is_ok(), "writer {w}, write {i}: {r:?}");
                        }
                    })
                })
                .collect();
            let failed = writers.into_iter().filter_map(|w| w.join().err()).count();
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(failed, 0, "writers failed");
        });
    }

    #[test]
    fn a_failed_rename_restores_what_was_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        std::fs::write(&a, b"old a").unwrap();
        let b = dir.path().join("b.epub");
        // A later destination that cannot be replaced: a non-empty folder appears after the
        // checks (simulated by staging and replacing by hand).
        let tmp_a = stage(&a, |f| f.write_all(b"new a")).unwrap();
        let r = replace(tmp_a, &a).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("x"), b"x").unwrap();
        let tmp_b = stage(&b, |f| f.write_all(b"new b")).unwrap();
        assert!(replace(tmp_b, &b).is_err());
        r.undo();
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }
}
