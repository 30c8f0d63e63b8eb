//! Progress on stderr: a bar when a person watches a terminal, a plain line every few
//! seconds when the output goes to a log.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const LOG_EVERY: Duration = Duration::from_secs(5);

pub(crate) struct Progress {
    total: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    bar: Option<ProgressBar>,
    start: Instant,
    last_line: Mutex<Instant>,
    quiet: bool,
}

impl Progress {
    pub(crate) fn new(total: usize, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} articles, {msg} {per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message("0 failed,");
            bar
        });
        let now = Instant::now();
        Progress {
            total,
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            bar,
            start: now,
            last_line: Mutex::new(now),
            quiet,
        }
    }

    pub(crate) fn finished(&self, ok: bool) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let failed = self.failed.fetch_add(usize::from(!ok), Ordering::Relaxed) + usize::from(!ok);
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{failed} failed,"));
            bar.inc(1);
            return;
        }
        if self.quiet {
            return;
        }
        let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= LOG_EVERY {
            *last = Instant::now();
            let secs = self.start.elapsed().as_secs_f64().max(1e-3);
            eprintln!(
                "folio archive: {done}/{} articles, {failed} failed, {:.1}/s",
                self.total,
                done as f64 / secs
            );
        }
    }

    pub(crate) fn end(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
