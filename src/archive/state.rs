//! What earlier runs made, so a rerun rebuilds only what changed and a killed run resumes.
//!
//! `OUT/.folio-archive.jsonl` holds one entry per finished article: its manifest record and
//! the size and modification time of each output as written (to notice an output altered or
//! removed since, without reading it back). A run appends an entry as each article finishes,
//! flushed to disk, so `kill -9` loses at most the articles in flight; at the start and the
//! end of a run the file is rewritten compactly (temporary file, fsync, rename).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::manifest::Record;
use crate::diagnostics::Error;

pub(crate) const STATE_FILE: &str = ".folio-archive.jsonl";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub record: Record,
    pub stats: Vec<Stat>,
}

/// An output file as it was left on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stat {
    pub path: String,
    pub bytes: u64,
    pub mtime_s: i64,
    pub mtime_ns: u32,
}

pub(crate) fn stat(out_dir: &Path, rel: &str) -> Option<Stat> {
    let meta = std::fs::metadata(out_dir.join(rel)).ok()?;
    let mtime = meta.modified().ok()?;
    let since = mtime.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(Stat {
        path: rel.to_owned(),
        bytes: meta.len(),
        mtime_s: since.as_secs() as i64,
        mtime_ns: since.subsec_nanos(),
    })
}

/// The entries of earlier runs by source path (the last entry of a path wins; a line cut
/// short by a kill is ignored).
pub(crate) fn read(out_dir: &Path) -> HashMap<String, Entry> {
    let mut map = HashMap::new();
    let Ok(text) = std::fs::read_to_string(out_dir.join(STATE_FILE)) else {
        return map;
    };
    for line in text.lines() {
        if let Ok(entry) = serde_json::from_str::<Entry>(line) {
            map.insert(entry.record.source.clone(), entry);
        }
    }
    map
}

/// Rewrites the state file with exactly `entries`, atomically.
pub(crate) fn rewrite(out_dir: &Path, entries: &[&Entry]) -> Result<(), Error> {
    let mut bytes = Vec::new();
    for e in entries {
        if let Ok(line) = serde_json::to_vec(e) {
            bytes.extend(line);
            bytes.push(b'\n');
        }
    }
    crate::output::write_all_atomically(&[(out_dir.join(STATE_FILE), bytes)])
}

/// The append-only journal of this run.
pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    pub(crate) fn open(out_dir: &Path) -> Result<Journal, Error> {
        let path = out_dir.join(STATE_FILE);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
        Ok(Journal {
            path,
            file: Mutex::new(file),
        })
    }

    /// Appends one entry and waits until it is on disk.
    pub(crate) fn append(&self, entry: &Entry) -> Result<(), Error> {
        let mut line = serde_json::to_vec(entry).unwrap_or_default();
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(&line)
            .and_then(|()| file.sync_data())
            .map_err(|source| Error::Write {
                path: self.path.clone(),
                source,
            })
    }
}

/// Removes temporary files folio left in `dir` (and below) when a run was killed: the
/// `.folio-*.part` names `crate::output` writes to before renaming.
pub(crate) fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            remove_stale_temps(&entry.path());
        } else if kind.is_file() && name.starts_with(".folio-") && name.ends_with(".part") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
