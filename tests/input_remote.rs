//! Remote pictures, served by a small HTTP server on 127.0.0.1 that each test starts: fetched
//! into the cache and printed, reused without a request, and every kind of failure a warning
//! with a placeholder. No test needs the internet.

mod support;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use support::*;

/// A tiny HTTP/1.0 server: one thread, answers by path, counts requests.
struct Server {
    base: String,
    requests: Arc<AtomicUsize>,
}

fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    let png = std::fs::read(repo().join("content/images/emblem.png")).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let png = png.clone();
            std::thread::spawn(move || answer(stream, &png));
        }
    });
    Server { base, requests }
}

fn answer(mut stream: TcpStream, png: &[u8]) {
    let Some(path) = http_request_path(&mut stream) else {
        return;
    };
    let (status, kind, body): (&str, &str, Vec<u8>) = match path.as_str() {
        "/pic.png" | "/pic2.png" => ("200 OK", "image/png", png.to_vec()),
        "/page.png" => (
            "200 OK",
            "text/html",
            b"<!DOCTYPE html><html><body>Not here</body></html>".to_vec(),
        ),
        "/big.png" => {
            let mut big = png.to_vec();
            big.resize(1536 * 1024, 0);
            ("200 OK", "image/png", big)
        }
        "/slow.png" => {
            std::thread::sleep(Duration::from_secs(10));
            ("200 OK", "image/png", png.to_vec())
        }
        _ => ("404 Not Found", "text/plain", b"no".to_vec()),
    };
    http_reply(stream, status, kind, &body);
}

fn folder(name: &str, body: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("content/articles")).unwrap();
    std::fs::write(
        dir.join("content/bulletin.toml"),
        "title = \"Remote\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("content/articles/a.md"),
        format!("---\ntitle: Pictures\n---\n{body}"),
    )
    .unwrap();
    dir
}

fn build(dir: &Path, extra: &[&str]) -> std::process::Output {
    let content = dir.join("content");
    let out = dir.join("out");
    let mut args = vec![
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--fetch-timeout",
        "1",
        "--fetch-limit",
        "1M",
    ];
    args.extend_from_slice(extra);
    // The test server is local: a proxy set in the environment must not be asked.
    std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(&args)
        .env("SOURCE_DATE_EPOCH", "1693526400")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .output()
        .expect("run folio")
}

fn pdf_image_count(pdf: &Path) -> usize {
    let list = stdout(&tool("pdfimages", &["-list", pdf.to_str().unwrap()]));
    list.lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .count()
}

fn epub_text(epub: &Path) -> (String, usize) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut text = String::new();
    let mut pictures = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().ends_with(".xhtml") {
            entry.read_to_string(&mut text).unwrap();
        } else if entry.name().contains("/images/img-") {
            pictures += 1;
        }
    }
    (text, pictures)
}

#[test]
fn remote_pictures_print_and_are_fetched_once() {
    let server = serve();
    let b = &server.base;
    let dir = folder(
        "input_remote_ok",
        &format!("![Emblem one]({b}/pic.png)\n\nText.\n\n![Emblem two]({b}/pic2.png)\n"),
    );
    let out = build(&dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    assert_eq!(pdf_image_count(&dir.join("out/bulletin.pdf")), 2);
    let (xhtml, pictures) = epub_text(&dir.join("out/bulletin.epub"));
    assert_eq!(pictures, 2, "{xhtml}");
    assert!(xhtml.contains("<img src=\"images/img-001.png\""), "{xhtml}");
    // The cache sits beside the content folder and serves the second build.
    assert_eq!(
        std::fs::read_dir(dir.join(".folio-cache")).unwrap().count(),
        2
    );
    let again = build(&dir, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.requests.load(Ordering::SeqCst), 2, "no new request");
    assert_eq!(pdf_image_count(&dir.join("out/bulletin.pdf")), 2);
    // Offline with a filled cache works too.
    let offline = build(&dir, &["--offline"]);
    assert!(offline.status.success() && !stderr(&offline).contains("warning"));
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
}

#[test]
fn failures_are_warnings_with_a_placeholder() {
    let server = serve();
    let b = &server.base;
    let dir = folder(
        "input_remote_bad",
        &format!(
            "![Gone away]({b}/missing.png)\n\n![Too slow]({b}/slow.png)\n\n![A web page]({b}/page.png)\n\n![Far too big]({b}/big.png)\n\n![Fine]({b}/pic.png)\n"
        ),
    );
    let started = std::time::Instant::now();
    let out = build(&dir, &["--cache-dir", dir.join("cache").to_str().unwrap()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // Fetched in parallel: the slow one does not hold up the others for long.
    assert!(started.elapsed() < Duration::from_secs(60));
    for (line, what) in [
        (4, "404"),
        (6, "slow.png"),
        (8, "not a JPEG"),
        (10, "larger than"),
    ] {
        let at = format!("articles/a.md:{line}:");
        let hit = err.lines().find(|l| l.contains(&at));
        assert!(
            hit.is_some_and(|l| l.starts_with("warning") && l.contains(what)),
            "no warning at {at} about {what}:\n{err}"
        );
    }
    let pdf = dir.join("out/bulletin.pdf");
    let text = stdout(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    for alt in ["Gone away", "Too slow", "A web page", "Far too big", "Fine"] {
        assert!(text.contains(alt), "`{alt}` not printed:\n{text}");
    }
    assert_eq!(pdf_image_count(&pdf), 1);
    let (xhtml, pictures) = epub_text(&dir.join("out/bulletin.epub"));
    assert_eq!(pictures, 1);
    assert_eq!(
        xhtml.matches("class=\"missing-picture\"").count(),
        4,
        "{xhtml}"
    );
    assert_eq!(std::fs::read_dir(dir.join("cache")).unwrap().count(), 1);
    // Under --strict a picture that cannot be had is an error, and nothing is written.
    let strict = build(
        &dir,
        &[
            "--strict",
            "--cache-dir",
            dir.join("cache").to_str().unwrap(),
        ],
    );
    assert!(!strict.status.success());
    assert!(
        stderr(&strict).contains("error: articles/a.md:4:"),
        "{}",
        stderr(&strict)
    );
}

#[test]
fn offline_with_an_empty_cache_prints_placeholders() {
    let server = serve();
    let dir = folder(
        "input_remote_offline",
        &format!("![Emblem]({}/pic.png)\n", server.base),
    );
    let out = build(&dir, &["--offline"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: articles/a.md:4:") && err.contains("--offline"),
        "{err}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
    let text = stdout(&tool(
        "pdftotext",
        &[dir.join("out/bulletin.pdf").to_str().unwrap(), "-"],
    ));
    assert!(text.contains("Emblem"), "{text}");
}
