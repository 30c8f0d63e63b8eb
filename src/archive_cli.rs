//! `folio archive`: arguments in, the library's archive run, messages and exit code out.

use std::process::ExitCode;

use folio::Formats;
use folio::archive::{ArchiveOptions, Shard, archive};

use super::{ArchiveArgs, Format, capped_jobs, source_date_epoch};

pub(crate) fn run(args: &ArchiveArgs) -> ExitCode {
    flat_heap();
    let common = &args.common;
    let mut opts = ArchiveOptions::new(&common.dir, &args.out);
    opts.base.font_dirs = common.font_dirs.clone();
    opts.base.system_fonts = !common.no_system_fonts;
    opts.base.strict = common.strict;
    opts.base.cache_dir = common.cache_dir.clone();
    opts.base.offline = common.offline;
    opts.base.fetch_timeout =
        std::time::Duration::from_secs_f64(common.fetch_timeout.clamp(0.01, 3600.0));
    opts.base.fetch_max_bytes = common.fetch_limit;
    opts.base.pdfa = args.pdfa;
    opts.base.pdfua = common.pdfua;
    opts.base.max_dpi = common.max_dpi;
    // Every archive copy is one article in the `article` template, for the screen or the
    // shelf: a template or a print bleed asked for would change nothing, so say so.
    for (given, flag, why) in [
        (
            common.template.is_some(),
            "--template",
            "every article uses the `article` template",
        ),
        (
            common.bleed.is_some(),
            "--bleed",
            "archive copies are not printed to a trim",
        ),
    ] {
        if given && !common.quiet {
            eprintln!("warning: {flag} is ignored by `folio archive`: {why}");
        }
    }
    opts.base.formats = Formats {
        pdf: args.format.contains(&Format::Pdf),
        epub: args.format.contains(&Format::Epub),
    };
    opts.base.source_date_epoch = match source_date_epoch() {
        Ok(v) => v,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    opts.shard = args.shard.unwrap_or(Shard::ALL);
    opts.fail_fast = args.fail_fast;
    opts.quiet = common.quiet;
    if let Some(jobs) = common.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(capped_jobs(jobs, common.quiet))
            .build_global();
    }
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in folio: {info}");
        eprintln!("  help: please report this with the input that caused it");
    }));
    let result = std::panic::catch_unwind(|| archive(&opts));
    match result {
        Ok(Ok(report)) => {
            if !common.quiet {
                for w in &report.warnings {
                    eprintln!("{w}");
                }
                eprintln!(
                    "folio archive: {} article(s): {} built, {} unchanged, {} failed{}; manifest {}",
                    report.articles,
                    report.built,
                    report.reused,
                    report.failed,
                    if report.skipped > 0 {
                        format!(", {} not attempted (--fail-fast)", report.skipped)
                    } else {
                        String::new()
                    },
                    report.manifest.display()
                );
            }
            if args.common.json {
                match serde_json::to_string(&report) {
                    Ok(line) => println!("{line}"),
                    Err(e) => eprintln!("error: cannot write the summary: {e}"),
                }
            }
            if report.failed > 0 {
                eprintln!(
                    "folio archive: {} article(s) failed; see the manifest's `error`",
                    report.failed
                );
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Ok(Err(e)) => {
            // Input diagnostics carry their own "error:"/"warning:" labels.
            if let folio::diagnostics::Error::Input(_) = &e {
                eprintln!("{e}");
            } else {
                eprintln!("error: {e}");
            }
            eprintln!("folio archive: nothing was written");
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::from(3),
    }
}

/// Every article allocates and frees buffers of a megabyte or more (pictures, PDF and EPUB
/// bytes). glibc raises its mmap threshold after the first such free and then serves them
/// from the heap, which fragments: peak RSS grew by 40 % from 100 to 1,000 articles.
/// A fixed threshold keeps large buffers in their own mappings, returned on free, so memory
/// stays flat however many articles stream through. It sits above the few hundred KB a
/// deflate stream's tables take (krilla and the EPUB's zip start dozens per article): below
/// that, each stream mapped fresh pages, faulted them in zeroed and unmapped them again,
/// which cost more CPU than all the compressing (measured: 64 KB threshold, 53 % of the
/// run's CPU in the kernel). For the same reason freed heap memory is not handed back at
/// once (the trim threshold): the next article reuses it instead of faulting it in again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn flat_heap() {
    const M_TRIM_THRESHOLD: i32 = -1;
    const M_MMAP_THRESHOLD: i32 = -3;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: mallopt only changes allocator tuning; called before any worker thread exists.
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn flat_heap() {}
