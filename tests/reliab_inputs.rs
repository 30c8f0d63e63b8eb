//! Hostile and careless input (issue #11): pipes, devices, links out of the folder, huge
//! files, absurd settings. Each case must end quickly with a message naming the file and what
//! to do, a non-zero exit, no output written, and bounded memory.

#![cfg(unix)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished `folio` run left: exit code, stderr, wall time, peak memory.
struct Run {
    code: Option<i32>,
    stderr: String,
    took: Duration,
    /// Peak resident set of the child, in KB (from `wait4`).
    max_rss_kb: i64,
}

/// Runs the real binary with a hard deadline (a hang fails the test instead of blocking it)
/// and measures the child's own peak memory with `wait4`, which, unlike
/// `getrusage(RUSAGE_CHILDREN)`, is not mixed up with other tests' children.
fn run(args: &[&str], env: &[(&str, &str)], deadline: Duration) -> Run {
    let err_path = scratch("stderr").join(format!("{}.txt", unique()));
    let err_file = std::fs::File::create(&err_path).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_folio"));
    cmd.args(args)
        .env("SOURCE_DATE_EPOCH", "1693526400")
        .stdout(Stdio::null())
        .stderr(err_file);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    // Reaped below with `wait4`, which also yields the child's own resource usage.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().expect("run folio");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: plain system call on our own child, with valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed");
        if start.elapsed() > deadline {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            panic!("folio {args:?} still ran after {deadline:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = start.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        stderr: std::fs::read_to_string(&err_path).unwrap(),
        took,
        max_rss_kb: usage.ru_maxrss,
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("reliab_inputs")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn unique() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A one-article content folder in a fresh directory; returns (content, out).
fn mini(name: &str) -> (PathBuf, PathBuf) {
    let root = scratch(name);
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::create_dir_all(content.join("images")).unwrap();
    std::fs::write(
        content.join("bulletin.toml"),
        "title = \"简报\"\ndate = \"2023-09-01\"\n",
    )
    .unwrap();
    write_article(&content, "测试", "正文 text。");
    (content, root.join("out"))
}

fn write_article(content: &Path, title: &str, body: &str) {
    std::fs::write(
        content.join("articles/a.md"),
        format!("---\ntitle: \"{title}\"\n---\n\n{body}\n"),
    )
    .unwrap();
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Nothing at all was written into `out`.
fn assert_nothing_written(out: &Path) {
    let left: Vec<_> = std::fs::read_dir(out)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "files left in {}: {left:?}", out.display());
}

const QUICK: Duration = Duration::from_secs(30);

#[test]
fn a_fifo_as_bulletin_toml_is_refused_without_blocking() {
    let (content, out) = mini("fifo-config");
    std::fs::remove_file(content.join("bulletin.toml")).unwrap();
    mkfifo(&content.join("bulletin.toml"));
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: bulletin.toml: cannot be read: it is a named pipe (FIFO)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("help: replace it with an ordinary file"));
    assert_nothing_written(&out);
}

#[test]
fn a_fifo_in_a_font_folder_is_refused_without_blocking() {
    let (content, out) = mini("fifo-font");
    let fonts = content.join("myfonts");
    std::fs::create_dir_all(&fonts).unwrap();
    mkfifo(&fonts.join("Pipe.ttf"));
    let r = run(
        &["build", s(&content), "-o", s(&out), "--font-dir", s(&fonts)],
        &[],
        QUICK,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("Pipe.ttf"), "{}", r.stderr);
    assert!(r.stderr.contains("named pipe"), "{}", r.stderr);
    assert_nothing_written(&out);
}

#[test]
fn a_dev_zero_font_fails_fast_in_little_memory() {
    let (content, out) = mini("zero-font");
    let fonts = content.join("myfonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::os::unix::fs::symlink("/dev/zero", fonts.join("Zero.ttf")).unwrap();
    let r = run(
        &["build", s(&content), "-o", s(&out), "--font-dir", s(&fonts)],
        &[],
        QUICK,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("Zero.ttf"), "{}", r.stderr);
    assert!(
        r.stderr.contains("a device, not a regular file"),
        "{}",
        r.stderr
    );
    assert!(
        r.max_rss_kb < 100 * 1024,
        "peak memory {} KB for a /dev/zero font",
        r.max_rss_kb
    );
    eprintln!("/dev/zero font: {:?}, peak RSS {} KB", r.took, r.max_rss_kb);
    assert_nothing_written(&out);
}

#[test]
fn a_huge_file_named_like_a_font_is_refused_by_its_header() {
    let (content, out) = mini("junk-font");
    let fonts = content.join("myfonts");
    std::fs::create_dir_all(&fonts).unwrap();
    // 200 MB of nothing (sparse: costs no disk), under the size cap but no font.
    let f = std::fs::File::create(fonts.join("Big.otf")).unwrap();
    f.set_len(200 << 20).unwrap();
    let r = run(
        &["build", s(&content), "-o", s(&out), "--font-dir", s(&fonts)],
        &[],
        QUICK,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("does not start like a TrueType or OpenType font"),
        "{}",
        r.stderr
    );
    assert!(r.max_rss_kb < 100 * 1024, "peak {} KB", r.max_rss_kb);
    assert_nothing_written(&out);
}

#[test]
fn a_bulletin_toml_linking_out_of_the_folder_is_refused() {
    let (content, out) = mini("config-link");
    let outside = scratch("config-link").join("elsewhere.toml");
    std::fs::write(&outside, "title = \"外面\"\n").unwrap();
    std::fs::remove_file(content.join("bulletin.toml")).unwrap();
    std::os::unix::fs::symlink(&outside, content.join("bulletin.toml")).unwrap();
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: bulletin.toml: bulletin.toml is a link to a file outside the content folder"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("help: copy the file into the content folder")
    );
    assert_nothing_written(&out);

    // A link to /dev/zero leaves the folder too, and is refused before any read.
    std::fs::remove_file(content.join("bulletin.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", content.join("bulletin.toml")).unwrap();
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("outside the content folder"),
        "{}",
        r.stderr
    );
    assert!(r.max_rss_kb < 100 * 1024, "peak {} KB", r.max_rss_kb);
}

#[test]
fn oversized_config_article_and_picture_name_the_file_and_the_limit() {
    let (content, out) = mini("caps");
    let sparse = |p: PathBuf, len: u64| {
        let f = std::fs::File::create(p).unwrap();
        f.set_len(len).unwrap();
    };
    sparse(content.join("bulletin.toml"), 2 << 20);
    sparse(content.join("articles/b.md"), 65 << 20);
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for expected in [
        "error: bulletin.toml: cannot be read: it is 2 MB, more than the 1 MB folio reads for a configuration file",
        "error: articles/b.md: cannot read the file: it is 65 MB, more than the 64 MB folio reads for an article",
        "help: split the article into several files in articles/",
    ] {
        assert!(
            r.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            r.stderr
        );
    }
    assert!(r.max_rss_kb < 100 * 1024, "peak {} KB", r.max_rss_kb);
    assert_nothing_written(&out);

    // Pictures are read after the articles are accepted.
    std::fs::write(content.join("bulletin.toml"), "title = \"简报\"\n").unwrap();
    std::fs::remove_file(content.join("articles/b.md")).unwrap();
    sparse(content.join("images/huge.jpg"), 600 << 20);
    write_article(&content, "图", "![大图](images/huge.jpg)");
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let expected = "error: articles/a.md:5: cannot read image `images/huge.jpg`: it is 600 MB, \
                    more than the 512 MB folio reads for a picture";
    assert!(r.stderr.contains(expected), "{}", r.stderr);
    assert!(r.max_rss_kb < 100 * 1024, "peak {} KB", r.max_rss_kb);
    assert_nothing_written(&out);
}

#[test]
fn a_large_non_picture_named_jpg_is_refused_by_its_header() {
    let (content, out) = mini("junk-jpg");
    let f = std::fs::File::create(content.join("images/fake.jpg")).unwrap();
    f.set_len(300 << 20).unwrap();
    write_article(&content, "图", "![假图](images/fake.jpg)");
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("articles/a.md:5: cannot read image `images/fake.jpg`: it is not a picture"),
        "{}",
        r.stderr
    );
    assert!(r.max_rss_kb < 100 * 1024, "peak {} KB", r.max_rss_kb);
    eprintln!(
        "300 MB fake .jpg: {:?}, peak RSS {} KB",
        r.took, r.max_rss_kb
    );
}

/// A PNG whose header declares `w` × `h` pixels, with a token IDAT: enough for the header
/// check, which must refuse it before any decoding.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]); // 8-bit RGBA
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn a_png_past_the_decoder_limit_says_its_pixel_size_and_the_limit() {
    let (content, out) = mini("png-limit");
    std::fs::write(
        content.join("images/wide.png"),
        png_header_only(20_000, 20_000),
    )
    .unwrap();
    write_article(&content, "图", "![宽图](images/wide.png)");
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "articles/a.md:5: image `images/wide.png` is 20000 × 20000 pixels, which needs 1.5 GB of memory to decode; folio decodes pictures up to 512 MB"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("help: scale it down"), "{}", r.stderr);
    assert!(!r.stderr.contains("Memory limit exceeded"), "{}", r.stderr);
    assert_nothing_written(&out);
}

#[test]
fn a_ten_thousand_character_title_builds_quickly() {
    // Shortening the running head one character at a time made this take minutes.
    let (content, out) = mini("long-title");
    for (name, title) in [
        ("cjk", "标题".repeat(5000)),
        ("latin", "Reliable ".repeat(1112)[..10_000].to_owned()),
    ] {
        write_article(&content, &title, "正文。");
        let out = out.join(name);
        let r = run(
            &["build", s(&content), "-o", s(&out), "--format", "pdf"],
            &[],
            Duration::from_secs(120),
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        eprintln!("10,000-character {name} title: {:?}", r.took);
        // Loose: the quadratic version needed minutes; this is a hang guard, not a benchmark.
        assert!(
            r.took < Duration::from_secs(10),
            "{name}: took {:?}",
            r.took
        );
        // The running head is shortened with an ellipsis and stays on its half of the line.
        let text = support::stdout(&support::tool(
            "pdftotext",
            &[s(&out.join("bulletin.pdf")), "-"],
        ));
        let heads = text.lines().filter(|l| l.ends_with('…')).count();
        assert!(heads >= 5, "{name}: {heads} shortened running heads");
    }
}

#[test]
fn absurd_jobs_are_capped_with_a_warning_and_the_same_output() {
    let (content, out) = mini("jobs");
    let r = run(
        &[
            "build",
            s(&content),
            "-o",
            s(&out.join("many")),
            "--jobs",
            "100000",
        ],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: --jobs 100000 is more threads than this machine can use; using"),
        "{}",
        r.stderr
    );
    eprintln!("--jobs 100000: {:?}", r.took);
    let r1 = run(
        &[
            "build",
            s(&content),
            "-o",
            s(&out.join("one")),
            "--jobs",
            "1",
        ],
        &[],
        QUICK,
    );
    assert_eq!(r1.code, Some(0), "{}", r1.stderr);
    for f in ["bulletin.pdf", "bulletin.epub"] {
        assert_eq!(
            std::fs::read(out.join("many").join(f)).unwrap(),
            std::fs::read(out.join("one").join(f)).unwrap(),
            "{f} differs between --jobs 100000 and --jobs 1"
        );
    }
}

#[test]
fn source_date_epoch_is_checked_at_start_up() {
    // A content folder that does not even exist: the variable is checked before anything.
    let out = scratch("sde").join("out");
    let _ = std::fs::remove_dir_all(&out);
    for (value, expected) in [
        (
            "999999999999",
            "error: SOURCE_DATE_EPOCH=999999999999 is outside the years 1–9999",
        ),
        (
            "-99999999999",
            "error: SOURCE_DATE_EPOCH=-99999999999 is outside the years 1–9999",
        ),
        (
            "yesterday",
            "error: SOURCE_DATE_EPOCH must be a whole number of seconds, not `yesterday`",
        ),
    ] {
        let r = run(
            &["build", "no-such-folder", "-o", s(&out)],
            &[("SOURCE_DATE_EPOCH", value)],
            QUICK,
        );
        assert_eq!(r.code, Some(2), "{value}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{value}: {}", r.stderr);
        assert!(r.stderr.contains("help: "), "{value}: {}", r.stderr);
        assert!(!out.exists());
    }
    // The extremes of the range are accepted.
    let (content, out) = mini("sde-ok");
    for value in ["-62135596800", "253402300799"] {
        let r = run(
            &["build", s(&content), "-o", s(&out)],
            &[("SOURCE_DATE_EPOCH", value)],
            QUICK,
        );
        assert_eq!(r.code, Some(0), "{value}: {}", r.stderr);
    }
}

#[test]
fn output_problems_are_said_in_words_not_os_error_numbers() {
    let (content, root) = mini("out-file");
    std::fs::create_dir_all(&root).unwrap();
    let file = root.join("not-a-folder");
    std::fs::write(&file, b"keep me").unwrap();
    let r = run(&["build", s(&content), "-o", s(&file)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("is a file, not a folder"), "{}", r.stderr);
    assert!(r.stderr.contains("help: name a folder with -o"));
    assert!(!r.stderr.contains("os error"), "{}", r.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
}

#[test]
fn a_read_only_output_folder_names_the_output_not_the_temporary_file() {
    // SAFETY: plain system call.
    if unsafe { libc::geteuid() } == 0 {
        // root writes anywhere; the message itself is covered by the library's unit tests.
        eprintln!("skipped: running as root, a read-only folder is writable");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let (content, root) = mini("read-only");
    let out = root.join("locked");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("bulletin.pdf: permission denied"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(".folio-"), "{}", r.stderr);
    assert!(!r.stderr.contains("os error"), "{}", r.stderr);
    assert_nothing_written(&out);
}

#[test]
fn a_wrong_type_message_is_grammatical() {
    let (content, out) = mini("grammar");
    std::fs::write(
        content.join("bulletin.toml"),
        "title = \"简报\"\nvolume = [1]\nissue = \"x\"\n",
    )
    .unwrap();
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("bulletin.toml:2: `volume` must be a whole number, not an array"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not a string"), "{}", r.stderr);
    assert!(!r.stderr.contains("not a a"), "{}", r.stderr);
}

#[test]
fn a_fifo_article_is_skipped_with_a_warning_not_silently() {
    let (content, out) = mini("fifo-article");
    mkfifo(&content.join("articles/b.md"));
    let r = run(&["build", s(&content), "-o", s(&out)], &[], QUICK);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: articles/b.md: skipping `b.md`: it is not an ordinary file"),
        "{}",
        r.stderr
    );
    assert!(out.join("bulletin.pdf").is_file());
}
