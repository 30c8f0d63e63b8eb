//! Broken input: a clear message naming file and line, a non-zero exit, and no output file.

mod support;

use std::path::{Path, PathBuf};

use support::*;

/// A copy of the sample to break, and an output folder next to it.
fn scratch(name: &str) -> (PathBuf, PathBuf) {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("bad")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&repo().join("content"), &root.join("content"));
    (root.join("content"), root.join("out"))
}

fn build_fails(content: &Path, out: &Path, expect: &[&str]) {
    let o = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let msg = stderr(&o);
    assert!(!o.status.success(), "build should fail:\n{msg}");
    assert_eq!(o.status.code(), Some(1), "exit code:\n{msg}");
    for e in expect {
        assert!(msg.contains(e), "message lacks `{e}`:\n{msg}");
    }
    assert!(!msg.contains("panicked"), "{msg}");
    assert!(
        files_in(out).is_empty(),
        "output left behind: {:?}",
        files_in(out)
    );
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let s = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(s)).unwrap();
}

fn line_of(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
        + 1
}

const SEED: &str = "articles/01-mid-year-work-meeting.md";

#[test]
fn missing_image() {
    let (content, out) = scratch("missing-image");
    std::fs::remove_file(content.join("images/Wechat picture _20230901114436_1.jpg")).unwrap();
    let line = line_of(&content.join(SEED), "_20230901114436_1.jpg");
    build_fails(
        &content,
        &out,
        &[
            &format!("{SEED}:{line}"),
            "Wechat picture _20230901114436_1.jpg",
        ],
    );
}

#[test]
fn corrupt_image() {
    let (content, out) = scratch("corrupt-image");
    let path = content.join("images/Wechat photo _20230901114436.jpg");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    let line = line_of(&content.join(SEED), "Wechat photo _20230901114436.jpg");
    build_fails(&content, &out, &[&format!("{SEED}:{line}"), "truncated"]);

    std::fs::write(&path, b"this is not a picture").unwrap();
    build_fails(&content, &out, &[&format!("{SEED}:{line}")]);
}

#[test]
fn broken_front_matter() {
    let (content, out) = scratch("front-matter");
    let path = content.join("articles/02-opening-ceremony.md");
    edit(&path, |s| {
        s.replacen(
            "tags: [开学典礼, 本科生, 校园新闻]",
            "tags: [开学典礼, 本科生",
            1,
        )
    });
    build_fails(&content, &out, &["articles/02-opening-ceremony.md:"]);
}

#[test]
fn missing_title() {
    let (content, out) = scratch("no-title");
    let path = content.join("articles/03-library-gpu-room.md");
    edit(&path, |s| {
        s.lines()
            .filter(|l| !l.starts_with("title:"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    build_fails(
        &content,
        &out,
        &["articles/03-library-gpu-room.md", "title"],
    );
}

#[test]
fn invalid_utf8() {
    let (content, out) = scratch("utf8");
    let path = content.join("articles/04-network-upgrade-notice.md");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    // Break a line start so the bad byte does not split a character.
    let nl = at + bytes[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let line = if nl > at { line + 1 } else { line };
    bytes.insert(nl, 0xFF);
    std::fs::write(&path, bytes).unwrap();
    build_fails(
        &content,
        &out,
        &[
            &format!("articles/04-network-upgrade-notice.md:{line}"),
            "UTF-8",
        ],
    );
}

#[test]
fn image_path_escaping_the_content_folder() {
    let (content, out) = scratch("escape");
    std::fs::write(
        content.parent().unwrap().join("outside.jpg"),
        std::fs::read(content.join("images/Wechat photo _20230901114436.jpg")).unwrap(),
    )
    .unwrap();
    let path = content.join("articles/03-library-gpu-room.md");
    edit(&path, |s| format!("{s}\n\n![escape](../../outside.jpg)\n"));
    let line = line_of(&path, "../../outside.jpg");
    build_fails(
        &content,
        &out,
        &[
            &format!("articles/03-library-gpu-room.md:{line}"),
            "outside",
        ],
    );
}

#[test]
fn character_no_font_has_is_reported_and_strict_fails() {
    let (content, out) = scratch("uncovered");
    let path = content.join("articles/03-library-gpu-room.md");
    // U+10900 PHOENICIAN LETTER ALF: in none of the bundled fonts.
    edit(&path, |s| format!("{s}\n\nPhoenician 𐤀 here.\n"));
    let line = line_of(&path, "Phoenician");
    let args = [
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--no-system-fonts",
    ];
    let o = folio(&args);
    let msg = stderr(&o);
    assert!(o.status.success(), "{msg}");
    assert!(
        msg.contains(&format!("articles/03-library-gpu-room.md:{line}")) && msg.contains("U+10900"),
        "{msg}"
    );
    let _ = std::fs::remove_dir_all(&out);
    let mut strict = args.to_vec();
    strict.push("--strict");
    let o = folio(&strict);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(files_in(&out).is_empty());
}

#[test]
fn wrong_type_in_bulletin_toml() {
    let (content, out) = scratch("config-type");
    let path = content.join("bulletin.toml");
    edit(&path, |s| {
        s.replacen("issue = 17", "issue = \"seventeen\"", 1)
    });
    let line = line_of(&path, "seventeen");
    build_fails(&content, &out, &[&format!("bulletin.toml:{line}"), "issue"]);
}

#[test]
fn unknown_key_in_bulletin_toml_is_a_warning_with_its_line() {
    let (content, out) = scratch("config-unknown");
    let path = content.join("bulletin.toml");
    edit(&path, |s| {
        s.replacen("issue = 17", "issue = 17\npagesize = \"A5\"", 1)
    });
    let line = line_of(&path, "pagesize");
    let o = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let msg = stderr(&o);
    assert!(o.status.success(), "{msg}");
    assert!(
        msg.contains(&format!("warning: bulletin.toml:{line}")) && msg.contains("pagesize"),
        "{msg}"
    );
    assert!(out.join("bulletin.pdf").exists());
}
