//! `folio watch`: build, then build again whenever something in the content folder changes.
//!
//! File events come from `notify` (inotify, FSEvents, …). A save often arrives as several
//! events (write, rename, attribute change), so events are gathered until the folder has
//! been quiet for [`QUIET`] and then one build runs. Events for the output and cache folders
//! (which a build itself writes, if they sit inside the content folder) are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::diagnostics::Error;
use crate::{Options, Report};

/// How long the folder must be quiet before a rebuild.
pub const QUIET: Duration = Duration::from_millis(150);

/// Runs `build` now and after every change, calling `report` with each result and the time
/// it took. Returns only if watching fails (or `report` returns false).
pub fn watch(
    opts: &Options,
    mut report: impl FnMut(Result<Report, Error>, Duration) -> bool,
) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| watch_error(&opts.content_dir, e))?;
    watcher
        .watch(&opts.content_dir, RecursiveMode::Recursive)
        .map_err(|e| watch_error(&opts.content_dir, e))?;
    let ignored: Vec<PathBuf> = [
        Some(opts.out_dir.clone()),
        opts.cache_dir.clone(),
        Some(crate::assets::remote::default_cache_dir(&opts.content_dir)),
    ]
    .into_iter()
    .flatten()
    .map(|p| std::path::absolute(&p).unwrap_or(p))
    .collect();
    let relevant = |event: &notify::Result<notify::Event>| match event {
        Ok(e) => {
            !e.kind.is_access()
                && e.paths
                    .iter()
                    .any(|p| !ignored.iter().any(|i| p.starts_with(i)))
        }
        Err(_) => true,
    };
    loop {
        let started = Instant::now();
        let result = crate::build(opts);
        if !report(result, started.elapsed()) {
            return Ok(());
        }
        // Wait for a change, then for quiet.
        loop {
            let event = rx
                .recv()
                .map_err(|_| watch_error(&opts.content_dir, "stopped"))?;
            if relevant(&event) {
                break;
            }
        }
        while let Ok(event) = rx.recv_timeout(QUIET) {
            let _ = relevant(&event);
        }
    }
}

fn watch_error(dir: &Path, e: impl std::fmt::Display) -> Error {
    Error::Read {
        path: dir.to_owned(),
        source: std::io::Error::other(format!("cannot watch for changes: {e}")),
    }
}
