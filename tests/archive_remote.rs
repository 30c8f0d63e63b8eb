//! `folio archive` fetches remote pictures the way `build` does: into the same cache, once,
//! then reused by every article and every rerun; `--offline` uses only the cache and prints
//! a placeholder with a warning for what it lacks. The server is local (127.0.0.1).

mod archive_common;
mod support;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use archive_common::*;
use sha2::{Digest, Sha256};

/// A one-picture HTTP/1.0 server that counts the requests it answers.
fn serve(png: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            answer(stream, &png);
        }
    });
    (base, requests)
}

fn answer(mut stream: TcpStream, png: &[u8]) {
    let Some(path) = support::http_request_path(&mut stream) else {
        return;
    };
    let (status, body): (&str, &[u8]) = if path == "/pic.png" {
        ("200 OK", png)
    } else {
        ("404 Not Found", b"no")
    };
    support::http_reply(stream, status, "image/png", body);
}

fn run(content: &Path, out: &Path, cache: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "archive",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--json",
        "--cache-dir",
        cache.to_str().unwrap(),
        "--fetch-timeout",
        "5",
    ];
    args.extend_from_slice(extra);
    folio_cmd(&args)
        // The test server is local: a proxy set in the environment must not be asked.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .output()
        .expect("run folio")
}

fn images_in(pdf: &Path) -> usize {
    let list = support::stdout(&support::tool(
        "pdfimages",
        &["-list", pdf.to_str().unwrap()],
    ));
    list.lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .count()
}

#[test]
fn remote_pictures_are_fetched_once_cached_and_hashed_in_the_manifest() {
    let dir = tmp("archive-remote");
    let content = dir.join("content");
    archive_common::content(&content, 3);
    let png = std::fs::read(support::repo().join("content/images/emblem.png")).unwrap();
    let (base, requests) = serve(png.clone());
    let url = format!("{base}/pic.png");
    for i in 0..3 {
        let text = format!(
            "---\ntitle: \"Remote {i}\"\nlang: en\n---\n\nA picture from the web.\n\n![Emblem]({url})\n"
        );
        std::fs::write(content.join(format!("articles/r{i}.md")), text).unwrap();
    }
    let (out, cache) = (dir.join("out"), dir.join("cache"));

    let first = run(&content, &out, &cache, &[]);
    ok(&first);
    assert_eq!(summary(&first)["built"], 6.0);
    // Three articles show the same URL: one request, then the cache.
    assert_eq!(requests.load(Ordering::SeqCst), 1, "fetched more than once");
    for i in 0..3 {
        assert_eq!(
            images_in(&out.join(format!("r{i}.pdf"))),
            1,
            "r{i}.pdf lacks the picture"
        );
    }
    let sha: String = Sha256::digest(&png)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let records = manifest(&out);
    assert_eq!(records.len(), 6);
    for r in records
        .iter()
        .filter(|r| r["source"].as_str().unwrap().contains("/r"))
    {
        let inputs = r["inputs"].as_array().unwrap();
        let remote = inputs
            .iter()
            .find(|i| i["path"] == url.as_str())
            .unwrap_or_else(|| panic!("no input for {url} in {r}"));
        assert_eq!(remote["sha256"], sha.as_str());
        assert!(r["warnings"].as_array().unwrap().is_empty(), "{r}");
    }

    // A rerun uses the cache: nothing rebuilt, no request.
    let again = run(&content, &out, &cache, &[]);
    ok(&again);
    assert_eq!(summary(&again)["built"], 0.0);
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "the rerun asked the server"
    );

    // --offline with an empty cache: exported with a placeholder, and a warning naming the
    // file and line; the server is not asked.
    let (out2, empty) = (dir.join("out-offline"), dir.join("empty-cache"));
    let offline = run(&content, &out2, &empty, &["--offline"]);
    ok(&offline);
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "--offline asked the server"
    );
    assert_eq!(images_in(&out2.join("r0.pdf")), 0);
    let r0 = manifest(&out2)
        .into_iter()
        .find(|r| r["source"] == "articles/r0.md")
        .unwrap();
    let warnings = r0["warnings"].to_string();
    assert!(
        warnings.contains("articles/r0.md:8") && warnings.contains("--offline"),
        "{warnings}"
    );
    assert!(
        !r0["inputs"].to_string().contains(&url),
        "an unfetched picture is no input: {r0}"
    );
}
