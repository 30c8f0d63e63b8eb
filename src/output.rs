//! Writing results so that a failed or interrupted build never leaves a half-written file:
//! bytes go to a temporary file in the destination folder, which is renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::Error;

/// Writes every (path, bytes) pair, or none if any temporary write fails.
pub fn write_all_atomically(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_owned(),
            source,
        })?;
        let werr = |source| Error::Write {
            path: path.clone(),
            source,
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".folio-")
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(werr)?;
        tmp.write_all(bytes).map_err(werr)?;
        // Temporary files are created private; the result should be readable like any file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::Permissions::from_mode(0o644);
            tmp.as_file().set_permissions(perms).map_err(werr)?;
        }
        tmp.as_file().sync_all().map_err(werr)?;
        staged.push((tmp, path));
    }
    // Dropping an unpersisted temporary file deletes it, so an error here cleans up too.
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| Error::Write {
            path: path.clone(),
            source: e.error,
        })?;
    }
    Ok(())
}
