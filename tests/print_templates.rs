//! The three built-in templates on the sample, and a user's own template file.

mod support;

use std::path::{Path, PathBuf};

use support::*;

/// The sample's article titles, in order, without spaces (pdftotext spaces CJK freely).
fn titles() -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let line = text.lines().find(|l| l.starts_with("title:")).unwrap();
            squash(line.trim_start_matches("title:").trim().trim_matches('"'))
        })
        .collect()
}

/// Whitespace and hyphens dropped: pdftotext joins a word broken at a line-end hyphen
/// (`mid-` / `year` → `midyear`).
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<String>().replace('-', "")
}

fn build(template: &str) -> PathBuf {
    build_with(template, "2")
}

fn build_with(template: &str, jobs: &str) -> PathBuf {
    let folder = format!("print_tpl_{template}_{jobs}");
    let extra = ["--template", template, "--jobs", jobs];
    build_sample_with(&folder, "pdf", &extra).join("bulletin.pdf")
}

/// Page texts, 1-based (index 0 unused), whitespace squashed.
fn page_texts(pdf: &Path) -> Vec<String> {
    let n = pdf_page_labels(pdf).len();
    std::iter::once(String::new())
        .chain((1..=n).map(|p| squash(&pdf_text(pdf, Some((p, p))))))
        .collect()
}

/// Each contents entry's printed page number, in order, from the contents page(s).
fn contents_numbers(pdf: &Path, page: usize) -> Vec<u32> {
    let out = tool(
        "pdftotext",
        &[
            "-layout",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    stdout(&out)
        .lines()
        // An entry ends in its number; the folio is a number alone on its line.
        .filter(|l| l.split_whitespace().count() > 1)
        .filter_map(|l| l.split_whitespace().last()?.parse().ok())
        .collect()
}

/// The contents page, its entries' numbers agree with the labels of the pages their links
/// lead to, and each of those pages holds the article's title.
fn check_contents(pdf: &Path, contents_page: usize) -> Vec<usize> {
    let labels = pdf_page_labels(pdf);
    let texts = page_texts(pdf);
    let numbers = contents_numbers(pdf, contents_page);
    let targets: Vec<usize> = pdf_links(pdf)
        .into_iter()
        .filter(|l| l.0 == contents_page)
        .map(|l| l.1)
        .collect();
    let titles = titles();
    assert_eq!(numbers.len(), titles.len(), "{numbers:?}");
    assert_eq!(targets.len(), titles.len(), "{targets:?}");
    for ((number, target), title) in numbers.iter().zip(&targets).zip(&titles) {
        assert_eq!(labels[target - 1], ("/D".to_owned(), *number), "{title}");
        assert!(
            texts[*target].contains(title.as_str()),
            "{title} not on page {target}: {}",
            texts[*target]
        );
    }
    targets
}

#[test]
fn bulletin_masthead_and_contents() {
    let pdf = build("bulletin");
    let texts = page_texts(&pdf);
    assert!(texts[1].starts_with("北京理工大学新闻简报"), "{}", texts[1]);
    assert!(texts[1].contains("目录") && texts[1].contains("责任编辑：王思远"));
    let starts = check_contents(&pdf, 1);
    assert_eq!(starts[0], 2, "the first article follows the masthead page");
}

#[test]
fn report_cover_roman_front_matter_right_hand_chapters_and_book_heads() {
    let pdf = build("report");
    let labels = pdf_page_labels(&pdf);
    let texts = page_texts(&pdf);
    // Cover, blank, contents, blank: numbered i–iv; the first chapter is page 1.
    assert!(texts[1].starts_with("北京理工大学新闻简报"), "{}", texts[1]);
    assert!(!texts[1].contains("目录"));
    assert!(texts[3].starts_with("目录"), "{}", texts[3]);
    for (n, label) in labels.iter().enumerate().take(4) {
        assert_eq!(label, &("/r".to_owned(), n as u32 + 1));
    }
    assert_eq!(labels[4], ("/D".to_owned(), 1));
    let starts = check_contents(&pdf, 3);
    assert!(
        starts.iter().all(|p| p % 2 == 1),
        "chapters on right-hand pages: {starts:?}"
    );
    let titles = titles();
    let mut even_heads = 0;
    let mut odd_heads = 0;
    for (p, text) in texts.iter().enumerate().skip(5) {
        if text.is_empty() || starts.contains(&p) {
            continue;
        }
        let chapter = starts.iter().rposition(|&s| s <= p).unwrap();
        if p % 2 == 0 {
            assert!(text.starts_with("北京理工大学新闻简报"), "page {p}: {text}");
            even_heads += 1;
        } else {
            let head: String = titles[chapter].chars().take(8).collect();
            assert!(text.starts_with(&head), "page {p}: {text}");
            odd_heads += 1;
        }
    }
    assert!(
        even_heads >= 2 && odd_heads >= 2,
        "{even_heads} {odd_heads}"
    );
}

#[test]
fn article_template_has_a_compact_head_and_no_contents() {
    let pdf = build("article");
    let texts = page_texts(&pdf);
    let titles = titles();
    assert!(!texts.iter().any(|t| t.contains("目录")));
    assert!(texts[1].contains("北京理工大学新闻简报") && texts[1].contains(titles[0].as_str()));
    // The compact head opens page 1; no running head repeats it above.
    assert!(
        texts[1].starts_with("北京理工大学新闻简报第3卷"),
        "{}",
        texts[1]
    );
    assert!(
        texts[2].starts_with("北京理工大学新闻简报第17期"),
        "{}",
        texts[2]
    );
    // Articles run on: some article begins below the top of a page that the previous
    // one shares.
    let shared = titles.iter().skip(1).any(|t| {
        texts
            .iter()
            .any(|page| page.find(t.as_str()).is_some_and(|at| at > 200))
    });
    assert!(shared, "no article continues on a shared page");
}

#[test]
fn a_user_template_is_checked_with_file_and_line() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("print_tpl_user");
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    copy_dir(&repo().join("content"), &content);
    let config = content.join("bulletin.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("template = \"mine.toml\"\n{toml}")).unwrap();
    let out = root.join("out");

    std::fs::write(
        content.join("mine.toml"),
        "base = \"report\"\n[document]\ncolumns-of-text = 3\n",
    )
    .unwrap();
    let run = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("mine.toml:3") && err.contains("columns-of-text"),
        "{err}"
    );
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));

    std::fs::write(
        content.join("mine.toml"),
        "base = \"report\"\n[theme.body]\nsize = 11.0\n",
    )
    .unwrap();
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let labels = pdf_page_labels(&out.join("bulletin.pdf"));
    assert_eq!(labels[0].0, "/r", "the report's roman front matter");

    std::fs::write(&config, format!("template = \"../etc.toml\"\n{toml}")).unwrap();
    std::fs::write(root.join("etc.toml"), "base = \"report\"\n").unwrap();
    let run = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        stderr(&run).contains("outside the content folder"),
        "{}",
        stderr(&run)
    );
    assert_eq!(run.status.code(), Some(1));

    std::fs::write(&config, format!("template = \"brochure\"\n{toml}")).unwrap();
    let run = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&run);
    assert!(
        err.contains("bulletin.toml:1") && err.contains("unknown template `brochure`"),
        "{err}"
    );
}

/// The sample as an e-book in `template`: its files by name.
fn epub_files(template: &str, tag: &str) -> (PathBuf, std::collections::BTreeMap<String, String>) {
    let folder = format!("print_tpl_epub_{template}_{tag}");
    let dir = build_sample_with(&folder, "epub", &["--template", template]);
    let epub = dir.join("bulletin.epub");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_owned();
        if name.ends_with(".xhtml") || name.ends_with(".css") || name.ends_with(".svg") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut f, &mut s).unwrap();
            files.insert(name, s);
        } else {
            files.insert(name, String::new());
        }
    }
    // Valid whatever the template: epubcheck 5, no errors, no warnings.
    assert_epubcheck_clean(&epub, &format!("the {template} e-book"));
    (epub, files)
}

#[test]
fn the_ebook_opens_with_the_templates_front_matter() {
    // Bulletin: a title page with the masthead look (name large in the accent red, issue
    // line, publisher left and date right over a double red rule), the contents below.
    let (_, files) = epub_files("bulletin", "front");
    let front = &files["OEBPS/contents.xhtml"];
    assert!(front.contains("class=\"masthead\""), "{front}");
    assert!(front.contains("北京理工大学新闻简报</h1>"), "{front}");
    assert!(
        front.contains("<p class=\"book-issue\">第 3 卷　第 17 期</p>"),
        "{front}"
    );
    let imprint = front.split("class=\"book-imprint\"").nth(1).unwrap();
    let (publisher, date) = (
        imprint.find("book-publisher").unwrap(),
        imprint.find("book-date").unwrap(),
    );
    assert!(publisher < date, "publisher left, date right: {imprint}");
    assert!(front.contains("class=\"contents-list\""));
    let css = &files["OEBPS/stylesheet.css"];
    assert!(css.contains("color: #b01e23"), "the masthead red");
    assert!(
        css.contains("border-bottom: 4px double #b01e23"),
        "the red rule"
    );
    assert!(files["OEBPS/images/cover.svg"].contains("fill=\"#ffffff\""));

    // Report: the cover (title, subtitle, publisher, date on the book's blue), then the
    // contents alone, then the chapters.
    let (_, files) = epub_files("report", "front");
    let contents = &files["OEBPS/contents.xhtml"];
    assert!(!contents.contains("masthead"), "{contents}");
    assert!(
        contents.contains("<h1 class=\"contents-title\""),
        "{contents}"
    );
    assert_eq!(contents.matches("<li>").count(), titles().len());
    assert!(files["OEBPS/images/cover.svg"].contains("fill=\"#1f3a5f\""));
    assert!(files.contains_key("OEBPS/cover.xhtml"));

    // Article: no contents page; the first article opens under the compact head.
    let (_, files) = epub_files("article", "front");
    assert!(
        !files.contains_key("OEBPS/contents.xhtml"),
        "{:?}",
        files.keys()
    );
    let first = files
        .iter()
        .find(|(name, _)| name.starts_with("OEBPS/a-01"))
        .unwrap()
        .1;
    let head = first
        .find("class=\"compact-head\"")
        .expect("a compact head");
    assert!(head < first.find("class=\"article-title\"").unwrap());
    assert!(first.contains("第 3 卷　第 17 期"));
    let others = files
        .iter()
        .filter(|(name, text)| name.starts_with("OEBPS/a-0") && text.contains("compact-head"))
        .count();
    assert_eq!(others, 1, "one compact head, above the first article");
    assert!(!files["OEBPS/nav.xhtml"].contains("contents.xhtml"));
}

/// Ace by DAISY's violations on `epub` (`impact: rule`), or `None` when Ace is not
/// installed (a failure under CI=true, where `.ci/run` installs it).
fn ace_violations(epub: &Path) -> Option<Vec<String>> {
    let ace = ["ace-cli", "ace"].into_iter().find(|name| {
        std::process::Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(ace) = ace else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "Ace by DAISY is needed in CI: `bash .ci/run` installs it"
        );
        eprintln!("SKIP: Ace by DAISY not found (npm i -g @daisy/ace-cli)");
        return None;
    };
    let report = epub.with_extension("ace");
    let _ = std::fs::remove_dir_all(&report);
    let mut cmd = std::process::Command::new(ace);
    cmd.args(["-s", "-f", "-o"])
        .arg(&report)
        .arg(epub)
        .env("PUPPETEER_SKIP_DOWNLOAD", "1");
    if std::env::var_os("PUPPETEER_EXECUTABLE_PATH").is_none() {
        cmd.env("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium");
    }
    let out = cmd.output().expect("run ace");
    let json = std::fs::read_to_string(report.join("report.json"))
        .unwrap_or_else(|e| panic!("Ace wrote no report ({e}): {}", stderr(&out)));
    let json: serde_json::Value = serde_json::from_str(&json).expect("Ace JSON");
    let mut found = Vec::new();
    for doc in json["assertions"].as_array().expect("assertions") {
        for a in doc["assertions"].as_array().into_iter().flatten() {
            let impact = a["earl:test"]["earl:impact"].as_str().unwrap_or("?");
            let rule = a["earl:test"]["dct:title"].as_str().unwrap_or("?");
            found.push(format!("{impact}: {rule}"));
        }
    }
    Some(found)
}

#[test]
fn ace_finds_nothing_in_the_report_and_article_ebooks() {
    for template in ["report", "article"] {
        let (epub, _) = epub_files(template, "ace");
        if let Some(found) = ace_violations(&epub) {
            assert!(found.is_empty(), "Ace on the {template} e-book: {found:#?}");
        }
    }
}

/// `total_issue` prints 总第 M 期 in the issue line of the masthead, in the PDF and on the
/// e-book's title page alike (one labels table).
#[test]
fn the_running_issue_number_is_in_the_issue_line_of_both_outputs() {
    let (content, out) = write_book(
        "print_total_issue",
        "title = \"新闻简报\"\nvolume = 3\nissue = 17\ntotal_issue = 85\n",
        &[(
            "01.md",
            "---\ntitle: 开学典礼\n---\n\n新学期开学典礼在中关村校区举行。\n",
        )],
    );
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let first = squash(&pdf_text(&out.join("bulletin.pdf"), Some((1, 1))));
    assert!(first.contains("第3卷第17期总第85期"), "{first}");
    let list = tool(
        "unzip",
        &["-Z1", out.join("bulletin.epub").to_str().unwrap()],
    );
    let front: Vec<String> = stdout(&list)
        .lines()
        .filter(|n| n.ends_with(".xhtml") && !n.contains("/a-"))
        .map(str::to_owned)
        .collect();
    let epub = out.join("bulletin.epub");
    let text: String = front
        .iter()
        .map(|n| stdout(&tool("unzip", &["-p", epub.to_str().unwrap(), n])))
        .collect();
    assert!(text.contains("总第 85 期"), "{front:?}");
}
