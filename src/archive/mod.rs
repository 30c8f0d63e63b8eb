//! `folio archive`: every article becomes a PDF (PDF/A-2u by default) and an EPUB of its own,
//! with a manifest, in one process that shares the expensive work.
//!
//! Fonts are loaded once per run and shared read-only by every thread; a picture used by
//! many articles is read, hashed and probed once. Articles stream through a rayon pool: a
//! worker reads, lays out and writes one article and keeps only its manifest record, so
//! memory does not grow with the number of articles. Each finished article is journalled
//! (see [`state`]) so a rerun skips what is unchanged and a killed run resumes.

mod discover;
mod images;
mod manifest;
mod progress;
mod single;
mod state;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::assets::fonts::{FontBook, FontSources};
use crate::assets::images::{ImageSet, visit_figures};
use crate::config::{CONFIG_FILE, Config};
use crate::content::paths::Roots;
use crate::diagnostics::{Diagnostic, Diagnostics, Error};
use crate::layout::Geometry;
use crate::model::{ImageRef, SourcePos};
use crate::template::Template;
use crate::{Options, pdf};

pub use discover::Shard;
pub use manifest::{Hashed, Record, Written};

use discover::Found;
use state::{Entry, Journal};

/// What `folio archive` is asked to do. `base` holds what it shares with `build` (content
/// and output folders, formats, fonts, `--strict`, the timestamp, `--pdfa`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ArchiveOptions {
    pub base: Options,
    pub shard: Shard,
    /// Stop starting new articles after the first failure.
    pub fail_fast: bool,
    /// No progress output.
    pub quiet: bool,
}

impl ArchiveOptions {
    /// Archive defaults: both formats, PDF/A-2u, the whole folder.
    pub fn new(content_dir: impl Into<PathBuf>, out_dir: impl Into<PathBuf>) -> Self {
        let mut base = Options::new(content_dir, out_dir);
        base.pdfa = pdf::PdfA::A2u;
        ArchiveOptions {
            base,
            shard: Shard::ALL,
            fail_fast: false,
            quiet: false,
        }
    }
}

/// What a run did; `--json` prints it.
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct ArchiveReport {
    /// Articles in this shard.
    pub articles: usize,
    /// Written in this run.
    pub built: usize,
    /// Unchanged since an earlier run, so not rebuilt.
    pub reused: usize,
    pub failed: usize,
    /// Not attempted because `--fail-fast` stopped the run.
    pub skipped: usize,
    pub manifest: PathBuf,
    pub seconds: f64,
    /// Findings about the run as a whole (per-article ones are in the manifest).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

/// What [`Run::try_article`] found to do.
enum Step {
    Reused(Box<Entry>),
    Write(Vec<(PathBuf, Vec<u8>)>),
}

/// An article as the pool leaves it.
enum Made {
    Done(Entry, Outcome),
    /// Made, with its files still to be written.
    Files(Record, Vec<(PathBuf, Vec<u8>)>),
}

/// An article's files on their way to a writer thread.
struct Job {
    index: usize,
    record: Record,
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// Writer threads: while one waits for the disk, the other can write.
const WRITERS: usize = 2;
/// Articles made and waiting for a writer (each a few megabytes): one is enough to keep the
/// writers busy, and each more raised the peak RSS of 1,000 articles against 100.
const WRITE_QUEUE: usize = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Built,
    Reused,
    Failed,
}

/// Everything a worker shares: read once, then read-only (the picture cache locks inside).
struct Run<'a> {
    opts: &'a Options,
    roots: Roots,
    config: Config,
    book: FontBook,
    /// The `article` template: one article, a compact head naming the publication.
    template: Template,
    geometry: Geometry,
    remote: crate::assets::remote::RemoteOptions,
    /// Inputs every article depends on: the configuration, the fonts, folio and its settings.
    shared: Vec<Hashed>,
    pictures: images::Pictures,
    previous: HashMap<String, Entry>,
    journal: Journal,
    stop: AtomicBool,
    fail_fast: bool,
}

/// Runs `folio archive`. Per-article failures are in the manifest and the report's
/// `failed`; an `Err` means the run as a whole could not proceed (no articles, unreadable
/// configuration or fonts, output folder not writable).
pub fn archive(opts: &ArchiveOptions) -> Result<ArchiveReport, Error> {
    let start = std::time::Instant::now();
    let base = &opts.base;
    let root = &base.content_dir;
    let roots = Roots::new(root).map_err(|source| Error::Read {
        path: root.clone(),
        source,
    })?;
    let (config, mut warnings) = crate::config::load_config(root)?;
    let found = discover::articles(&roots, &mut warnings)?;
    if found.is_empty() {
        return Err(Error::Input(vec![
            Diagnostic::error("no articles: `articles/` holds no .md files")
                .with_help("put the articles in articles/ (sub-folders are fine), e.g. articles/2019/03/first.md"),
        ]));
    }

    let mut font_dirs = base.font_dirs.clone();
    font_dirs.extend(config.font_dirs.iter().cloned());
    let mut book = FontBook::load(&FontSources {
        bundled_dir: base.bundled_fonts.clone(),
        user_dirs: font_dirs,
        system_fallback: base.system_fonts,
        picks: config.typography.picks(),
    })?;
    if base.system_fonts {
        // System fonts are added for what every article (not only this shard's) needs, so
        // each article's fallback faces, and so its bytes, do not depend on the sharding.
        let chars = found
            .par_iter()
            .map(|f| {
                let (a, _) =
                    crate::content::read_single(&roots, &f.path, &f.source, &config.meta.lang);
                a.map(|a| single::single_document(&config, a).used_chars())
                    .unwrap_or_default()
            })
            .reduce(Default::default, |mut a, b| {
                a.extend(b);
                a
            });
        book.cover(&chars);
    }
    let shared = shared_inputs(root, &book, base);

    let out_dir = base.out_dir.clone();
    std::fs::create_dir_all(&out_dir).map_err(|source| Error::Write {
        path: out_dir.clone(),
        source,
    })?;
    state::remove_stale_temps(&out_dir);
    let previous = state::read(&out_dir);
    // Start the journal on a clean line even if the last run was killed mid-line.
    let mut kept: Vec<&Entry> = previous.values().collect();
    kept.sort_by(|a, b| a.record.source.cmp(&b.record.source));
    state::rewrite(&out_dir, &kept)?;
    let journal = Journal::open(&out_dir)?;

    let p = &config.page;
    let m = p.margins;
    let geometry = Geometry::from_mm(p.width_mm, p.height_mm, [m.top, m.right, m.bottom, m.left]);
    let template = single::template(&config);
    let run = Run {
        opts: base,
        roots,
        config,
        book,
        template,
        geometry,
        remote: remote_options(base),
        shared,
        pictures: images::Pictures::default(),
        previous,
        journal,
        stop: AtomicBool::new(false),
        fail_fast: opts.fail_fast,
    };

    let mine: Vec<&Found> = found
        .iter()
        .filter(|f| opts.shard.takes(&f.source))
        .collect();
    let progress = progress::Progress::new(mine.len(), opts.quiet);
    let built = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<OnceLock<(Entry, Outcome)>> = mine.iter().map(|_| OnceLock::new()).collect();
    // Where an article ends: journalled, counted, its slot filled.
    let finish = |i: usize, entry: Entry, outcome: Outcome| {
        if outcome != Outcome::Reused {
            // A journal that cannot be written only costs a rebuild next time.
            let _ = run.journal.append(&entry);
        }
        if outcome == Outcome::Failed && run.fail_fast {
            run.stop.store(true, Ordering::Relaxed);
        }
        progress.finished(outcome != Outcome::Failed);
        if outcome == Outcome::Built
            && built.fetch_add(1, Ordering::Relaxed) % TRIM_EVERY == TRIM_EVERY - 1
        {
            release_free_memory();
        }
        let _ = slots[i].set((entry, outcome));
    };
    // Laying out and writing out overlap: the pool's threads make an article's bytes and
    // hand them to writer threads, which hash them, write them, wait for the disk (fsync)
    // and journal the article. Waiting for the disk was a quarter of the wall time when the
    // pool's threads did it themselves. The queue is short, so at most a few articles'
    // bytes are held at once, whatever their number.
    let (queue, jobs) = std::sync::mpsc::sync_channel::<Job>(WRITE_QUEUE);
    // Only the writers hold the queue's receiving end: should every writer die (a panic),
    // it is dropped with them and the pool's sends fail instead of waiting forever.
    let jobs = Arc::new(Mutex::new(jobs));
    std::thread::scope(|scope| {
        let (run, mine, finish) = (&run, &mine, &finish);
        for _ in 0..WRITERS {
            let jobs = Arc::clone(&jobs);
            scope.spawn(move || {
                loop {
                    // Only one writer waits on the queue at a time; the other is writing.
                    let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(Job {
                        index,
                        record,
                        files,
                    }) = job
                    else {
                        break; // the pool is done and the queue is empty
                    };
                    let (entry, outcome) = run.write(mine[index], record, files);
                    finish(index, entry, outcome);
                }
            });
        }
        drop(jobs);
        mine.par_iter()
            .enumerate()
            .for_each_with(queue, |queue, (index, f)| {
                if run.stop.load(Ordering::Relaxed) {
                    return;
                }
                match run.make(f) {
                    Made::Done(entry, outcome) => finish(index, entry, outcome),
                    Made::Files(record, files) => {
                        // Fails only if every writer is gone, which is a panic being raised.
                        let _ = queue.send(Job {
                            index,
                            record,
                            files,
                        });
                    }
                }
            });
    });
    progress.end();
    let results: Vec<Option<(Entry, Outcome)>> =
        slots.into_iter().map(OnceLock::into_inner).collect();

    let count = |o: Outcome| results.iter().flatten().filter(|(_, x)| *x == o).count();
    let (built, reused, failed) = (
        count(Outcome::Built),
        count(Outcome::Reused),
        count(Outcome::Failed),
    );
    let done: Vec<&Entry> = results.iter().flatten().map(|(e, _)| e).collect();
    // Borrowed, not copied: at a thousand articles the records are megabytes.
    let records: Vec<&Record> = done.iter().map(|e| &e.record).collect();
    let manifest_path = out_dir.join("manifest.jsonl");
    crate::output::write_all_atomically(&[
        (manifest_path.clone(), manifest::jsonl(&records)),
        (out_dir.join("manifest.csv"), manifest::csv(&records)),
    ])?;
    // Keep what was not attempted (fail-fast) so a later run can still reuse it.
    let mut keep: BTreeMap<&str, &Entry> = BTreeMap::new();
    for f in &mine {
        if let Some(e) = run.previous.get(&f.source) {
            keep.insert(&f.source, e);
        }
    }
    for e in &done {
        keep.insert(&e.record.source, e);
    }
    state::rewrite(&out_dir, &keep.into_values().collect::<Vec<_>>())?;

    Ok(ArchiveReport {
        articles: mine.len(),
        built,
        reused,
        failed,
        skipped: mine.len() - results.iter().flatten().count(),
        manifest: manifest_path,
        seconds: start.elapsed().as_secs_f64(),
        warnings,
    })
}

impl Run<'_> {
    /// Reads and lays out one article and makes its files' bytes; unless it is unchanged
    /// or failed, the files still have to be written ([`Run::write`]).
    fn make(&self, f: &Found) -> Made {
        let mut record = Record {
            source: f.source.clone(),
            status: "failed".into(),
            title: None,
            date: None,
            author: None,
            lang: None,
            pages: None,
            inputs: Vec::new(),
            outputs: Vec::new(),
            warnings: Vec::new(),
            error: None,
        };
        match self.try_article(f, &mut record) {
            Ok(Step::Reused(reused)) => Made::Done(*reused, Outcome::Reused),
            Ok(Step::Write(files)) => Made::Files(record, files),
            Err(errors) => Made::Done(self.failed(f, record, errors), Outcome::Failed),
        }
    }

    /// Hashes and writes an article's files (all or none, flushed to disk) and records them.
    fn write(
        &self,
        f: &Found,
        mut record: Record,
        files: Vec<(PathBuf, Vec<u8>)>,
    ) -> (Entry, Outcome) {
        record.outputs = files
            .iter()
            .map(|(path, bytes)| Written {
                path: self.relative_output(path),
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect();
        if let Err(e) = crate::output::write_all_atomically_unswept(&files) {
            let errors = vec![format!("{}: {e}", f.source)];
            return (self.failed(f, record, errors), Outcome::Failed);
        }
        drop(files);
        let stats = record
            .outputs
            .iter()
            .filter_map(|w| state::stat(&self.opts.out_dir, &w.path))
            .collect();
        record.status = "ok".into();
        (Entry { record, stats }, Outcome::Built)
    }

    /// The entry of an article that failed, whose earlier files are removed.
    fn failed(&self, f: &Found, mut record: Record, errors: Vec<String>) -> Entry {
        record.error = Some(errors.join("; "));
        record.outputs.clear();
        record.pages = None;
        // An earlier run's files for this article would contradict the manifest.
        for ext in ["pdf", "epub"] {
            let _ = std::fs::remove_file(self.output_path(f, ext));
        }
        Entry {
            record,
            stats: Vec::new(),
        }
    }

    fn output_path(&self, f: &Found, ext: &str) -> PathBuf {
        self.opts.out_dir.join(format!("{}.{ext}", f.stem()))
    }

    /// Fills `record`; returns the earlier entry if nothing changed, else the files to
    /// write, or the error messages.
    fn try_article(&self, f: &Found, record: &mut Record) -> Result<Step, Vec<String>> {
        let markdown = std::fs::read(&f.path)
            .map_err(|e| vec![format!("{}: cannot read the file: {e}", f.source)])?;
        record.inputs.push(Hashed {
            path: f.source.clone(),
            sha256: sha256_hex(&markdown),
        });
        drop(markdown);
        let (article, found) =
            crate::content::read_single(&self.roots, &f.path, &f.source, &self.config.meta.lang);
        let mut diags = Diagnostics::new();
        diags.extend(found);
        let Some(article) = article else {
            return Err(errors(&diags));
        };
        let mut doc = single::single_document(&self.config, article);
        // Remote pictures come from the same cache as `build`'s (fetched once, then reused
        // by every article and every rerun); one that cannot be had is a warning and a
        // placeholder, as in `build`.
        diags.extend(crate::assets::remote::fetch_remote(&mut doc, &self.remote));

        let uses = figures(&doc.articles[0]);
        let mut pictures = ImageSet::new();
        for (key, (image, pos)) in uses {
            match self.pictures.get(image) {
                Ok((sha256, asset)) => {
                    record.inputs.push(Hashed {
                        path: key.to_owned(),
                        sha256,
                    });
                    pictures.insert(key.to_owned(), asset);
                }
                Err(d) => diags.push(d.at(pos)),
            }
        }
        record.inputs.extend(self.shared.iter().cloned());
        if diags.has_errors() {
            return Err(errors(&diags));
        }

        record.title = Some(doc.meta.title.clone());
        record.date = doc.meta.date.clone();
        record.author = doc.articles[0].author.clone();
        record.lang = Some(doc.meta.lang.as_str().to_owned());

        if let Some(prev) = self.unchanged(f, record) {
            return Ok(Step::Reused(Box::new(prev)));
        }

        let formats = self.opts.formats;
        let laid = formats.pdf.then(|| {
            crate::layout::layout_with_template(
                &doc,
                &self.book,
                &pictures,
                &self.template,
                self.geometry,
            )
        });
        let strict_alt = self.opts.strict || self.opts.pdfua;
        crate::a11y::report_missing_alt(&doc, strict_alt, &mut diags);
        if let Some(laid) = &laid {
            crate::report_missing(&laid.missing, self.opts.strict, &mut diags);
            diags.extend(laid.warnings.iter().cloned());
            let max_dpi = self.max_dpi();
            diags.extend(crate::pdf::pictures::low_resolution(
                &laid.pages,
                &pictures,
                max_dpi,
            ));
        }
        record.warnings = diags
            .items()
            .iter()
            .filter(|d| !d.is_error())
            .map(located)
            .collect();
        if diags.has_errors() {
            return Err(errors(&diags));
        }
        let stamp = self.opts.source_date_epoch.or_else(|| {
            doc.meta
                .date
                .as_deref()
                .and_then(crate::timestamp::from_date)
        });
        let (pdf, epub) = rayon::join(
            || {
                laid.as_ref()
                    .map(|laid| {
                        let info = pdf::PdfInfo {
                            pdfa: self.opts.pdfa,
                            pdfua: self.opts.pdfua,
                            max_dpi: self.max_dpi().map(|d| d as f32),
                            ..crate::pdf_info(&doc.meta, stamp)
                        };
                        pdf::write_pdf(&laid.pages, &self.book, &pictures, &info)
                    })
                    .transpose()
            },
            || {
                formats
                    .epub
                    .then(|| {
                        let front = crate::epub::FrontMatter::of(&self.template, None);
                        let look = (self.config.typography.emphasis, &front);
                        crate::epub_bytes(&doc, &pictures, &self.book, stamp, &[], look)
                    })
                    .transpose()
            },
        );
        let fail = |e: Error| vec![format!("{}: {e}", f.source)];
        let mut files = Vec::new();
        if let Some(bytes) = pdf.map_err(fail)? {
            files.push((self.output_path(f, "pdf"), bytes));
        }
        if let Some(bytes) = epub.map_err(fail)? {
            files.push((self.output_path(f, "epub"), bytes));
        }
        record.pages = laid.as_ref().map(|l| l.pages.pages.len());
        Ok(Step::Write(files))
    }

    /// The earlier entry, if it was made from the same inputs and its files are untouched.
    fn unchanged(&self, f: &Found, record: &Record) -> Option<Entry> {
        let prev = self.previous.get(&f.source)?;
        let same = prev.record.is_ok()
            && prev.record.inputs == record.inputs
            && prev.stats.len() == prev.record.outputs.len()
            && prev
                .stats
                .iter()
                .all(|s| state::stat(&self.opts.out_dir, &s.path).as_ref() == Some(s));
        same.then(|| prev.clone())
    }

    /// `--max-dpi`, else `max_dpi` in `bulletin.toml`, as in `build`.
    fn max_dpi(&self) -> Option<u32> {
        self.opts.max_dpi.or(self.config.max_dpi)
    }

    fn relative_output(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.opts.out_dir).unwrap_or(path);
        crate::content::paths::slash_path(rel)
    }
}

/// Each picture the article shows, with the place of its first use.
fn figures<'a>(
    article: &'a crate::model::Article,
) -> BTreeMap<&'a str, (&'a ImageRef, &'a SourcePos)> {
    let mut uses = BTreeMap::new();
    // A remote picture that could not be fetched has no file (already warned about): the
    // writers draw a placeholder for it.
    let mut note = |image: &'a ImageRef, pos: &'a SourcePos| {
        if !image.path.as_os_str().is_empty() {
            uses.entry(image.key.as_str()).or_insert((image, pos));
        }
    };
    visit_figures(&article.blocks, &mut note);
    for n in &article.footnotes {
        visit_figures(&n.blocks, &mut note);
    }
    uses
}

/// `file:line: message` of each error.
fn errors(diags: &Diagnostics) -> Vec<String> {
    diags
        .items()
        .iter()
        .filter(|d| d.is_error())
        .map(located)
        .collect()
}

fn located(d: &Diagnostic) -> String {
    match (&d.file, d.line) {
        (Some(file), Some(line)) => format!("{file}:{line}: {}", d.message),
        (Some(file), None) => format!("{file}: {}", d.message),
        _ => d.message.clone(),
    }
}

/// How many built articles between two [`release_free_memory`] calls.
const TRIM_EVERY: usize = 8;

/// Hands the pages of memory freed by articles back to the system. An article's
/// transient buffers (deflate tables, fonts cut down, the PDF and EPUB bytes) leave holes
/// between the few allocations that outlive it (manifest records, cached pictures); kept,
/// those holes made peak RSS grow with the number of articles (1,000 articles: 1.23× the
/// peak of 100; with this, 1.15×). Giving them back costs the next article a few hundred
/// page faults, so it is done every few articles.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_free_memory() {
    unsafe extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: malloc_trim only returns free memory to the system; it is thread-safe.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_memory() {}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// How remote pictures are fetched: `build`'s options and cache.
fn remote_options(opts: &Options) -> crate::assets::remote::RemoteOptions {
    let mut remote = crate::assets::remote::RemoteOptions::new(
        opts.cache_dir
            .clone()
            .unwrap_or_else(|| crate::assets::remote::default_cache_dir(&opts.content_dir)),
    );
    remote.offline = opts.offline;
    remote.timeout = opts.fetch_timeout;
    remote.max_bytes = opts.fetch_max_bytes;
    remote.strict = opts.strict;
    remote
}

/// The inputs every article shares: `bulletin.toml`, each font face, and folio itself with
/// the settings that change the bytes it writes.
fn shared_inputs(root: &Path, book: &FontBook, opts: &Options) -> Vec<Hashed> {
    let mut shared = Vec::new();
    if let Ok(bytes) = std::fs::read(root.join(CONFIG_FILE)) {
        shared.push(Hashed {
            path: CONFIG_FILE.to_owned(),
            sha256: sha256_hex(&bytes),
        });
    }
    let mut fonts: BTreeMap<String, String> = BTreeMap::new();
    for (_, face) in book.faces() {
        let name = face
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let label = if face.index > 0 {
            format!("font:{name}#{}", face.index)
        } else {
            format!("font:{name}")
        };
        fonts
            .entry(label)
            .or_insert_with(|| sha256_hex(face.data()));
    }
    shared.extend(
        fonts
            .into_iter()
            .map(|(path, sha256)| Hashed { path, sha256 }),
    );
    let settings = format!(
        "folio {}; pdfa {}; pdfua {}; max_dpi {:?}; pdf {}; epub {}; strict {}; source_date_epoch {:?}",
        env!("CARGO_PKG_VERSION"),
        opts.pdfa.name(),
        opts.pdfua,
        opts.max_dpi,
        opts.formats.pdf,
        opts.formats.epub,
        opts.strict,
        opts.source_date_epoch,
    );
    shared.push(Hashed {
        path: format!("folio@{}", env!("CARGO_PKG_VERSION")),
        sha256: sha256_hex(settings.as_bytes()),
    });
    shared
}
