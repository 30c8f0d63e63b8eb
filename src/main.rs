//! The `folio` command: parses arguments, calls the library, prints what it reports.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use folio::diagnostics::{Diagnostic, Error};
use folio::{Formats, Options, Report};

/// `build` or `check`: the library call a subcommand makes.
type Stage = fn(&Options) -> Result<Report, Error>;

#[derive(Parser)]
#[command(
    name = "folio",
    version,
    about = "Typeset a folder of Markdown articles into a print PDF bulletin and an EPUB 3 e-book."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the PDF and/or EPUB (default: ./content → ./out, both formats).
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Comma-separated output formats.
        #[arg(long, value_delimiter = ',', default_value = "pdf,epub")]
        format: Vec<Format>,
        /// Write a PDF/A file (2b, 2u, 3u) or a plain PDF (off); folio refuses a false claim.
        #[arg(long, default_value = "off", value_parser = parse_pdfa)]
        pdfa: folio::pdf::PdfA,
    },
    /// Every article its own PDF (PDF/A-2u) and EPUB, with a manifest; incremental.
    Archive(ArchiveArgs),
    /// Read, check and lay out everything, but write nothing.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Write a starter content folder (bulletin.toml, a Chinese and an English article, a
    /// picture) that builds at once.
    Init {
        /// The folder to create (must be new or empty).
        #[arg(default_value = "content")]
        dir: PathBuf,
    },
    /// Build, then rebuild whenever a file in the content folder changes (Ctrl-C stops).
    Watch {
        #[command(flatten)]
        common: Common,
        /// Output folder.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Comma-separated output formats.
        #[arg(long, value_delimiter = ',', default_value = "pdf,epub")]
        format: Vec<Format>,
    },
    /// List the fonts the content uses, where each comes from and what it covers.
    Fonts {
        #[command(flatten)]
        common: Common,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
}

#[derive(Args)]
struct ArchiveArgs {
    #[command(flatten)]
    common: Common,
    /// Output folder: OUT/<path inside articles/>.pdf and .epub, OUT/manifest.jsonl and .csv.
    #[arg(short, long, default_value = "archive")]
    out: PathBuf,
    /// Comma-separated output formats.
    #[arg(long, value_delimiter = ',', default_value = "pdf,epub")]
    format: Vec<Format>,
    /// PDF/A level of the PDFs: 2b, 2u, 3u, or off.
    #[arg(long, default_value = "2u", value_parser = parse_pdfa)]
    pdfa: folio::pdf::PdfA,
    /// Take only shard K of N (e.g. 2/3), a stable split by the article's path.
    #[arg(long, value_parser = folio::archive::Shard::parse)]
    shard: Option<folio::archive::Shard>,
    /// Stop at the first article that fails.
    #[arg(long)]
    fail_fast: bool,
    // `--json` (a machine-readable summary on stdout when done) is the common flag.
}

fn parse_pdfa(s: &str) -> Result<folio::pdf::PdfA, String> {
    folio::pdf::PdfA::parse(s).ok_or_else(|| format!("--pdfa takes 2b, 2u, 3u or off; not `{s}`"))
}

#[derive(Args)]
struct Common {
    /// The content folder (bulletin.toml, articles/, images/).
    #[arg(default_value = "content")]
    dir: PathBuf,
    /// A folder of extra fonts, tried before the bundled ones (repeatable).
    #[arg(long = "font-dir")]
    font_dirs: Vec<PathBuf>,
    /// Do not use installed system fonts for characters the other fonts lack.
    #[arg(long)]
    no_system_fonts: bool,
    /// Treat characters that no font covers as errors.
    #[arg(long)]
    strict: bool,
    /// Write a tagged PDF claiming PDF/UA-1; refuse if the claim would be false (e.g. a
    /// picture without alt text).
    #[arg(long)]
    pdfua: bool,
    /// Worker threads (default: one per core). Output is identical for any value.
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Print errors only.
    #[arg(short, long)]
    quiet: bool,
    /// Write every diagnostic and a final report as JSON lines on stdout.
    #[arg(long)]
    json: bool,
    /// Where fetched remote pictures are kept [default: .folio-cache/ beside DIR].
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Use only cached remote pictures; never touch the network.
    #[arg(long)]
    offline: bool,
    /// Seconds allowed to fetch one remote picture.
    #[arg(long, default_value_t = 20.0)]
    fetch_timeout: f64,
    /// Largest remote picture accepted, e.g. 25M, 500K or a number of bytes.
    #[arg(long, default_value = "25M", value_parser = folio::assets::remote::parse_size)]
    fetch_limit: u64,
    /// The document kind: bulletin, report, article, or a template .toml file (relative to
    /// the content folder). Overrides `template` in bulletin.toml.
    #[arg(long)]
    template: Option<String>,
    /// Bleed around each page with crop marks, e.g. `3mm` (overrides [print] bleed).
    #[arg(long, value_parser = parse_bleed)]
    bleed: Option<f32>,
    /// Downsample pictures printed finer than N dots per inch (PDF only).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(folio::config::MIN_MAX_DPI as i64..))]
    max_dpi: Option<u32>,
}

/// `3mm` or `3` → 3.0 (millimetres, 0 to 20).
fn parse_bleed(s: &str) -> Result<f32, String> {
    let n = s.trim().trim_end_matches("mm").trim();
    match n.parse::<f32>() {
        Ok(mm) if (0.0..=20.0).contains(&mm) => Ok(mm),
        _ => Err(format!(
            "`{s}` is not a bleed: give millimetres from 0 to 20, e.g. 3mm"
        )),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Pdf,
    Epub,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `folio` alone means `folio build` with every default.
    let command = match cli.command {
        Some(c) => c,
        None => match Cli::parse_from(["folio", "build"]).command {
            Some(c) => c,
            None => return ExitCode::from(2),
        },
    };
    let (common, run): (&Common, Stage) = match &command {
        Command::Build { common, .. } | Command::Watch { common, .. } => (common, folio::build),
        Command::Check { common } | Command::Fonts { common } => (common, folio::check),
        Command::Init { dir } => return init(dir),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "folio", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Command::Archive(args) => return archive_cli::run(args),
    };
    let mut opts = Options::new(&common.dir, PathBuf::from("out"));
    opts.font_dirs = common.font_dirs.clone();
    opts.system_fonts = !common.no_system_fonts;
    opts.strict = common.strict;
    opts.pdfua = common.pdfua;
    opts.cache_dir = common.cache_dir.clone();
    opts.offline = common.offline;
    opts.fetch_timeout =
        std::time::Duration::from_secs_f64(common.fetch_timeout.clamp(0.01, 3600.0));
    opts.fetch_max_bytes = common.fetch_limit;
    opts.template = common.template.clone();
    opts.bleed_mm = common.bleed;
    opts.max_dpi = common.max_dpi;
    opts.source_date_epoch = match source_date_epoch() {
        Ok(v) => v,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    if let Command::Build { pdfa, .. } = &command {
        opts.pdfa = *pdfa;
    }
    if let Command::Build { out, format, .. } | Command::Watch { out, format, .. } = &command {
        opts.out_dir = out.clone();
        opts.formats = Formats {
            pdf: format.contains(&Format::Pdf),
            epub: format.contains(&Format::Epub),
        };
    }
    if let Some(jobs) = common.jobs {
        let jobs = capped_jobs(jobs, common.quiet);
        // Only fails if a pool exists already, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    // A panic is a bug in folio, but the user still deserves a sentence, not a backtrace,
    // and no output file is left behind (nothing is written until every stage succeeded).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in folio: {info}");
        eprintln!("  help: please report this with the input that caused it");
    }));
    if let Command::Watch { .. } = &command {
        return watch(&opts, common);
    }
    if let Command::Fonts { .. } = &command {
        return fonts(&opts);
    }
    let started = std::time::Instant::now();
    let progress = (!common.json && !common.quiet)
        .then(|| folio::progress::Progress::start(format!("building {}", common.dir.display())));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&opts)));
    if let Some(p) = progress {
        p.finish();
    }
    if common.json {
        return print_json(result, started.elapsed());
    }
    match result {
        Ok(Ok(report)) => {
            print_warnings(&report.warnings, common.quiet);
            if !common.quiet {
                print_summary(&report);
            }
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            // Input diagnostics carry their own "error:"/"warning:" labels.
            if let Error::Input(items) = &e {
                eprintln!("{e}");
                let errors = items.iter().filter(|d| d.is_error()).count();
                eprintln!("folio: {errors} error(s); nothing was written");
            } else {
                eprintln!("error: {e}");
                eprintln!("folio: nothing was written");
            }
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::from(3),
    }
}

/// `--json`: one line per diagnostic, then the report line.
fn print_json(
    result: std::thread::Result<Result<Report, Error>>,
    elapsed: std::time::Duration,
) -> ExitCode {
    use folio::json::{diagnostic_line, report_line};
    match result {
        Ok(Ok(report)) => {
            for d in &report.warnings {
                println!("{}", diagnostic_line(d));
            }
            println!("{}", report_line(Some(&report), 0, None, elapsed));
            ExitCode::SUCCESS
        }
        Ok(Err(Error::Input(items))) => {
            for d in &items {
                println!("{}", diagnostic_line(d));
            }
            let errors = items.iter().filter(|d| d.is_error()).count();
            println!("{}", report_line(None, errors, None, elapsed));
            ExitCode::FAILURE
        }
        Ok(Err(e)) => {
            println!("{}", report_line(None, 1, Some(&e.to_string()), elapsed));
            ExitCode::FAILURE
        }
        Err(_) => {
            println!("{}", report_line(None, 1, Some("internal error"), elapsed));
            ExitCode::from(3)
        }
    }
}

fn init(dir: &std::path::Path) -> ExitCode {
    match folio::starter::write_starter(dir) {
        Ok(files) => {
            for f in files {
                eprintln!("wrote {}", f.display());
            }
            eprintln!("folio: now run `folio build {}`", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn watch(opts: &Options, common: &Common) -> ExitCode {
    let json = common.json;
    let result = folio::watch::watch(opts, |result, took| {
        let ms = took.as_millis();
        if json {
            let _ = print_json(Ok(result), took);
            return true;
        }
        match result {
            Ok(report) => {
                print_warnings(&report.warnings, common.quiet);
                eprintln!(
                    "folio: built {} page(s) in {ms} ms; watching {} for changes",
                    report.pages,
                    opts.content_dir.display()
                );
            }
            Err(e) => {
                eprintln!(
                    "{}",
                    if let Error::Input(_) = e {
                        e.to_string()
                    } else {
                        format!("error: {e}")
                    }
                );
                eprintln!(
                    "folio: build failed after {ms} ms; nothing was written; watching for changes"
                );
            }
        }
        true
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn fonts(opts: &Options) -> ExitCode {
    match folio::fontlist::fonts_report(opts) {
        Ok(r) => {
            println!("{} distinct characters in the content", r.used);
            for f in &r.fonts {
                println!(
                    "{:<8} {:>6} chars  {}  ({})",
                    f.source.name(),
                    f.covers,
                    f.name,
                    f.path.display()
                );
            }
            if !r.missing.is_empty() {
                let list: String = r.missing.iter().collect();
                println!("no font has: {list}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "{}",
                if let Error::Input(_) = e {
                    e.to_string()
                } else {
                    format!("error: {e}")
                }
            );
            ExitCode::FAILURE
        }
    }
}

/// More threads than this only cost memory and start-up time: layout work is split per
/// article, and the machine has `cores` of them.
fn capped_jobs(jobs: usize, quiet: bool) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = (4 * cores).clamp(4, 64);
    if jobs > cap {
        if !quiet {
            eprintln!(
                "warning: --jobs {jobs} is more threads than this machine can use; using {cap} \
                 (4 per core, at most 64)"
            );
        }
        return cap;
    }
    jobs.max(1)
}

/// The writable range of `SOURCE_DATE_EPOCH`: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z,
/// the years PDF and EPUB dates can hold.
const EPOCH_RANGE: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;
mod archive_cli;

fn source_date_epoch() -> Result<Option<i64>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => {
            let secs = v.trim().parse::<i64>().map_err(|_| {
                format!(
                    "SOURCE_DATE_EPOCH must be a whole number of seconds, not `{v}`\n  help: \
                     e.g. SOURCE_DATE_EPOCH=$(date +%s), or unset it to use the bulletin's date"
                )
            })?;
            if !EPOCH_RANGE.contains(&secs) {
                return Err(format!(
                    "SOURCE_DATE_EPOCH={secs} is outside the years 1–9999, which PDF and EPUB \
                     dates can hold\n  help: give seconds since 1970-01-01 between {} and {}, \
                     e.g. SOURCE_DATE_EPOCH=$(date +%s)",
                    EPOCH_RANGE.start(),
                    EPOCH_RANGE.end()
                ));
            }
            Ok(Some(secs))
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            Err("SOURCE_DATE_EPOCH is not valid text; set it to a whole number of seconds".into())
        }
        Err(std::env::VarError::NotPresent) => Ok(None),
    }
}

fn print_warnings(warnings: &[Diagnostic], quiet: bool) {
    if quiet {
        return;
    }
    for w in warnings {
        eprintln!("{w}");
    }
}

fn print_summary(report: &Report) {
    if report.written.is_empty() {
        eprintln!(
            "folio: checked {} article(s), {} page(s); no errors",
            report.articles, report.pages
        );
        return;
    }
    for path in &report.written {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        eprintln!("wrote {} ({:.1} KB)", path.display(), size as f64 / 1024.0);
    }
    if report.pages > 0 {
        eprintln!(
            "folio: {} article(s), {} page(s)",
            report.articles, report.pages
        );
    }
}
