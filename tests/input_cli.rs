//! The command line people expect: init, watch, --json, fonts, completions.

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn init_writes_a_folder_that_builds_at_once() {
    let dir = tmp("input_cli_init");
    let content = dir.join("x");
    folio_ok(&["init", content.to_str().unwrap()]);
    let toml = std::fs::read_to_string(content.join("bulletin.toml")).unwrap();
    for key in [
        "title",
        "subtitle",
        "volume",
        "issue",
        "date",
        "language",
        "publisher",
        "editor",
        "authors",
        "order",
        "size",
        "margins",
        "dirs",
    ] {
        assert!(toml.contains(key), "bulletin.toml does not mention `{key}`");
    }
    let out = folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        dir.join("out").to_str().unwrap(),
    ]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let text = stdout(&tool(
        "pdftotext",
        &[dir.join("out/bulletin.pdf").to_str().unwrap(), "-"],
    ));
    assert!(
        text.contains("欢迎使用 folio") && text.contains("Hello from folio"),
        "{text}"
    );
    let images = stdout(&tool(
        "pdfimages",
        &["-list", dir.join("out/bulletin.pdf").to_str().unwrap()],
    ));
    assert!(
        images.lines().count() >= 3,
        "the starter picture is printed:\n{images}"
    );
    assert_epubcheck_clean(&dir.join("out/bulletin.epub"), "the starter book");
    // A second init into the same folder refuses and changes nothing.
    let again = folio(&["init", content.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(content.join("bulletin.toml")).unwrap(),
        toml
    );
}

#[test]
fn json_lines_parse_and_end_with_a_report() {
    let dir = tmp("input_cli_json");
    let content = dir.join("c");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(
        content.join("bulletin.toml"),
        "title = \"J\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    std::fs::write(
        content.join("articles/a.md"),
        "---\ntitle: A\n---\n\nSome <blink>\"odd\"</blink> text.\n",
    )
    .unwrap();
    let out = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        dir.join("out").to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["type"], "diagnostic");
    assert_eq!(lines[0]["severity"], "warning");
    assert_eq!(lines[0]["file"], "articles/a.md");
    assert_eq!(lines[0]["line"], 5);
    assert!(lines[0]["message"].as_str().unwrap().contains("<blink>"));
    assert_eq!(lines[1]["type"], "report");
    assert_eq!(lines[1]["ok"], true);
    assert_eq!(lines[1]["warnings"], 1);
    assert_eq!(lines[1]["written"].as_array().unwrap().len(), 2);
    // A failing build: the error, then a report that says so.
    std::fs::write(
        content.join("articles/b.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    let out = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        dir.join("out2").to_str().unwrap(),
        "--json",
    ]);
    assert!(!out.status.success());
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["severity"] == "error" && l["file"] == "articles/b.md")
    );
    let last = lines.last().unwrap();
    assert_eq!(
        (last["type"].as_str(), last["ok"].as_bool()),
        (Some("report"), Some(false))
    );
    assert!(last["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn watch_rebuilds_after_a_save() {
    let dir = tmp("input_cli_watch");
    let content = dir.join("c");
    folio_ok(&["init", content.to_str().unwrap()]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args([
            "watch",
            content.to_str().unwrap(),
            "-o",
            dir.join("out").to_str().unwrap(),
            "--format",
            "pdf",
        ])
        .env("SOURCE_DATE_EPOCH", "1693526400")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for_build = |what: &str| {
        // A loose bound against hangs, not a timing target.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains("folio: built") => return line,
                Ok(_) => {}
                Err(e) => panic!("no {what} build: {e}"),
            }
        }
    };
    let first = wait_for_build("first");
    assert!(first.contains(" ms"), "{first}");
    let pdf = dir.join("out/bulletin.pdf");
    let before = std::fs::read(&pdf).unwrap();
    let article = content.join("articles/02-hello.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace("Hello from folio", "Changed by watch"),
    )
    .unwrap();
    let second = wait_for_build("second");
    let _ = child.kill();
    let _ = child.wait();
    assert!(second.contains(" ms"), "{second}");
    let after = std::fs::read(&pdf).unwrap();
    assert_ne!(before, after);
    let text = stdout(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("Changed by watch"), "{text}");
}

#[test]
fn fonts_lists_sources_and_coverage() {
    let dir = tmp("input_cli_fonts");
    let content = dir.join("c");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(content.join("bulletin.toml"), "title = \"F\"\n").unwrap();
    std::fs::write(
        content.join("articles/a.md"),
        "---\ntitle: 字\n---\n\n中文 👍 `code`\n",
    )
    .unwrap();
    let out = folio_ok(&["fonts", content.to_str().unwrap(), "--no-system-fonts"]);
    let list = stdout(&out);
    let emoji = list
        .lines()
        .find(|l| l.contains("Noto Emoji"))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        emoji.starts_with("bundled") && emoji.contains(" 1 chars"),
        "{emoji}"
    );
    assert!(
        list.lines()
            .any(|l| l.contains("Noto Serif SC Regular") && l.starts_with("bundled"))
    );
    assert!(list.contains("distinct characters"), "{list}");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = folio_ok(&["completions", shell]);
        let script = stdout(&out);
        assert!(
            script.contains("folio") && script.contains("watch") && script.contains("offline"),
            "{shell}:\n{script}"
        );
    }
    assert!(!folio(&["completions", "cmd.exe"]).status.success());
}
