//! A generated archive for the `archive_*` tests: nested folders, English and Chinese
//! articles, pictures shared from a small pool. Deterministic: same arguments, same files.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small JPEG whose pixels depend on `seed`.
pub fn jpeg(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([
            (x * 5 + seed * 37) as u8,
            (y * 7 + seed * 11) as u8,
            ((x + y) * 3 + seed) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

pub const POOL: u32 = 6;

/// The pictures article `i` shows (two from the pool).
pub fn pictures_of(i: u32) -> [u32; 2] {
    [i % POOL, (i * 7 + 3) % POOL]
}

/// The relative path of article `i`: three folders deep for some, flat for others.
pub fn article_path(i: u32) -> String {
    match i % 3 {
        0 => format!("articles/{:04}/{:02}/a{i:03}.md", 2019 + i % 4, 1 + i % 12),
        1 => format!("articles/{:04}/a{i:03}.md", 2019 + i % 4),
        _ => format!("articles/a{i:03}.md"),
    }
}

pub fn article_text(i: u32, extra: &str) -> String {
    let [p, q] = pictures_of(i);
    let up = "../".repeat(article_path(i).matches('/').count());
    if i.is_multiple_of(2) {
        format!(
            "---\ntitle: \"Archive article {i}\"\ndate: 2023-{:02}-{:02}\nauthor: \"News Center\"\nlang: en\n---\n\n\
             On the morning of August {i}, the institute held its mid-year meeting; all school leaders attended.{extra}\n\n\
             ![Photo {p}]({up}images/p{p}.jpg)\n\n\
             学校深入推进学习贯彻主题教育，巩固学校发展优势。第 {i} 期报道。\n\n\
             ![Photo {q}]({up}images/p{q}.jpg)\n",
            1 + i % 12,
            1 + i % 28
        )
    } else {
        format!(
            "---\ntitle: \"档案文章 {i}\"\ndate: 2022-{:02}-{:02}\nauthor: \"新闻中心\"\nlang: zh-CN\n---\n\n\
             8 月 31 日上午，北京理工大学召开 2023 年年中工作会议，全体校领导出席会议。{extra}\n\n\
             ![照片 {p}]({up}images/p{p}.jpg)\n\n\
             The meeting was held in Zhongguancun and Liangxiang campuses ({i}).\n\n\
             ![照片 {q}]({up}images/p{q}.jpg)\n",
            1 + i % 12,
            1 + i % 28
        )
    }
}

/// Writes a content folder with `n` articles and the picture pool.
pub fn content(dir: &Path, n: u32) {
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::write(
        dir.join("bulletin.toml"),
        "title = \"Archive test\"\nlanguage = \"zh-CN\"\ndate = \"2023-09-01\"\n",
    )
    .unwrap();
    for p in 0..POOL {
        std::fs::write(dir.join(format!("images/p{p}.jpg")), jpeg(p)).unwrap();
    }
    for i in 0..n {
        write_article(dir, i, "");
    }
}

pub fn write_article(dir: &Path, i: u32, extra: &str) {
    let path = dir.join(article_path(i));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, article_text(i, extra)).unwrap();
}

pub fn folio_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_folio"));
    cmd.args(args)
        .env("SOURCE_DATE_EPOCH", "1693526400")
        // The tests' fonts are the bundled ones only, so results do not depend on the machine.
        .arg("--no-system-fonts");
    cmd
}

/// Runs `folio archive DIR -o OUT --json ARGS…` and returns the output.
pub fn archive(content: &Path, out: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "archive",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--json",
    ];
    all.extend_from_slice(args);
    folio_cmd(&all).output().expect("run folio")
}

/// The `--json` summary as key → number.
pub fn summary(o: &Output) -> BTreeMap<String, f64> {
    let text = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "no JSON summary ({e}): {text}\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    v.as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| v.as_f64().map(|n| (k.clone(), n)))
        .collect()
}

pub fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "folio archive failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every file under `dir` (relative path → bytes), hidden state included if `hidden`.
pub fn tree(dir: &Path, hidden: bool) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(dir, dir, hidden, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, hidden: bool, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !hidden && name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            walk(root, &path, hidden, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

/// The manifest's records.
pub fn manifest(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Asserts two trees hold the same files with the same bytes, naming the first difference.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "different files");
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{name} differs");
    }
}
