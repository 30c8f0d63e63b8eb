//! A bounded fuzz run (issue #11): generated Markdown and front matter go through the
//! library's whole build into a temporary folder. For every case: no panic, no hang past a
//! time bound, and every letter and digit of the prose appears in the PDF's text layer
//! (counted, order-free, like /work/shared/measure/charloss.py). Broken front matter must be
//! refused with the file and line, writing nothing.
//!
//! CI runs a fixed seed and `FOLIO_FUZZ_CASES` cases (default 40, well under a minute);
//! set `FOLIO_FUZZ_SEED=random` and a larger count to explore locally.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

/// A build that takes longer than this is a hang.
const BOUND: Duration = Duration::from_secs(60);

/// Letters and digits the prose is made of: Latin with diacritics, Greek, Cyrillic, digits,
/// Han (common and one from Extension B that no bundled font has), kana, Hangul.
const LETTERS: &[char] = &[
    'a', 'b', 'e', 'f', 'i', 'l', 'o', 'z', 'Q', 'W', 'é', 'ü', 'ß', 'ñ', 'ω', 'Σ', 'ж', 'Я', '0',
    '1', '7', '9', '中', '文', '字', '国', '学', '龘', '𠀀', 'の', 'カ', '한',
];

/// What may stand between words: spaces, punctuation and Markdown syntax. Left out on
/// purpose: `<` and `&` (raw HTML and entities legitimately hide their letters), `[` (link
/// destinations), `{` (heading ids).
const GLUE: &[&str] = &[
    " ", " ", " ", " ", " ", "", "*", "**", "_", "`", "~~", "\\", ", ", ". ", "。", "，", "、",
    "！", "“", "”", "——", "……", "(", ")", ": ", "; ", "? ", "\n", "\n\n", "\n# ", "\n## ", "\n> ",
    "\n- ", "\n1. ", " | ", "\n    ", "  \n", "\t", "#", "-", "+", "=", "'", "\"", "%", "$", "@",
    "/", "^", "\n---\n", "\n===\n",
];

#[derive(Debug, Clone)]
enum Front {
    Good {
        lang: Option<&'static str>,
        author: Option<String>,
        date: bool,
    },
    NoTitle,
    BadYaml,
}

#[derive(Debug, Clone)]
struct Article {
    title: String,
    front: Front,
    body: Vec<(&'static str, String)>,
    link: Option<String>,
    footnote: Option<String>,
}

fn word() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(LETTERS), 1..10)
        .prop_map(|v| v.into_iter().collect())
}

fn words(n: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), n).prop_map(|v| v.join(" "))
}

fn front() -> impl Strategy<Value = Front> {
    prop_oneof![
        8 => (
            prop::option::of(prop::sample::select(&["zh-CN", "en", "ja", "zh-TW", "ko"][..])),
            prop::option::of(words(1..3)),
            any::<bool>(),
        )
            .prop_map(|(lang, author, date)| Front::Good { lang, author, date }),
        1 => Just(Front::NoTitle),
        1 => Just(Front::BadYaml),
    ]
}

fn article() -> impl Strategy<Value = Article> {
    (
        words(1..4),
        front(),
        prop::collection::vec((prop::sample::select(GLUE), word()), 0..120),
        prop::option::of(words(1..3)),
        prop::option::of(words(1..6)),
    )
        .prop_map(|(title, front, body, link, footnote)| Article {
            title,
            front,
            body,
            link,
            footnote,
        })
}

impl Article {
    fn markdown(&self) -> String {
        let mut md = String::from("---\n");
        match &self.front {
            Front::Good { lang, author, date } => {
                md += &format!("title: \"{}\"\n", self.title);
                if let Some(l) = lang {
                    md += &format!("lang: {l}\n");
                }
                if let Some(a) = author {
                    md += &format!("author: \"{a}\"\n");
                }
                if *date {
                    md += "date: 2023-09-01\n";
                }
            }
            Front::NoTitle => md += "summary: \"x\"\n",
            Front::BadYaml => md += &format!("title: [\"{}\"\n", self.title),
        }
        md += "---\n\n";
        for (glue, w) in &self.body {
            md += glue;
            md += w;
        }
        if let Some(l) = &self.link {
            md += &format!(" [{l}](https://example.org/zzz)");
        }
        if let Some(f) = &self.footnote {
            // In a paragraph of its own, so no code span or block can swallow the reference
            // (an unreferenced definition is left out with a warning).
            md += &format!("\n\n注[^n1]\n\n[^n1]: {f}\n");
        }
        md.push('\n');
        md
    }

    /// The words that must be printed (the link's address and markup are not prose).
    fn prose(&self) -> String {
        let mut p = self.title.clone();
        if let Front::Good {
            author: Some(a), ..
        } = &self.front
        {
            p += a;
        }
        for (_, w) in &self.body {
            p += w;
        }
        p += self.link.as_deref().unwrap_or("");
        p += self.footnote.as_deref().unwrap_or("");
        p
    }

    fn is_valid(&self) -> bool {
        matches!(self.front, Front::Good { .. })
    }
}

fn letters(s: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in s.chars().filter(|c| c.is_alphanumeric()) {
        *m.entry(c).or_default() += 1;
    }
    m
}

/// Builds the articles with the library, in a thread so that a hang is caught.
fn build(dir: &Path, articles: &[Article]) -> Result<Result<folio::Report, String>, String> {
    let content = dir.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(content.join("bulletin.toml"), "title = \"简报\"\n").unwrap();
    for (i, a) in articles.iter().enumerate() {
        std::fs::write(content.join(format!("articles/{i:02}.md")), a.markdown()).unwrap();
    }
    let mut opts = folio::Options::new(&content, dir.join("out"));
    opts.system_fonts = false; // the same fonts on every machine, and fast
    opts.source_date_epoch = Some(1_693_526_400);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| folio::build(&opts));
        let _ = tx.send(r);
    });
    match rx.recv_timeout(BOUND) {
        Ok(Ok(r)) => Ok(r.map_err(|e| e.to_string())),
        Ok(Err(panic)) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panic: {msg}"))
        }
        Err(_) => Err(format!("no result after {BOUND:?}: a hang")),
    }
}

fn check(articles: Vec<Article>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let result = build(dir.path(), &articles).map_err(TestCaseError::fail)?;
    let out = dir.path().join("out");
    if articles.iter().all(Article::is_valid) {
        let report = result.map_err(|e| TestCaseError::fail(format!("build failed: {e}")))?;
        prop_assert_eq!(report.written.len(), 2);
        let text = support::stdout(&support::tool(
            "pdftotext",
            &[out.join("bulletin.pdf").to_str().unwrap(), "-"],
        ));
        let printed = letters(&text);
        let source: String = articles.iter().map(Article::prose).collect();
        let lost: Vec<String> = letters(&source)
            .into_iter()
            .filter(|(c, n)| printed.get(c).copied().unwrap_or(0) < *n)
            .map(|(c, n)| {
                format!(
                    "{c:?} U+{:04X}: {} of {n}",
                    c as u32,
                    printed.get(&c).copied().unwrap_or(0)
                )
            })
            .collect();
        prop_assert!(lost.is_empty(), "letters missing from the PDF: {:?}", lost);
    } else {
        let e = match result {
            Ok(_) => return Err(TestCaseError::fail("broken front matter was accepted")),
            Err(e) => e,
        };
        prop_assert!(e.contains("articles/"), "no file named: {}", e);
        prop_assert!(
            e.lines()
                .any(|l| l.starts_with("error: articles/") && l.contains(".md:")),
            "no file:line: {}",
            e
        );
        prop_assert!(!out.join("bulletin.pdf").exists() && !out.join("bulletin.epub").exists());
    }
    Ok(())
}

#[test]
fn generated_articles_build_without_panic_hang_or_lost_letters() {
    let cases = std::env::var("FOLIO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let rng_seed = match std::env::var("FOLIO_FUZZ_SEED").as_deref() {
        Ok("random") => RngSeed::Random,
        Ok(v) => v.parse().unwrap_or(RngSeed::Fixed(11)),
        Err(_) => RngSeed::Fixed(11),
    };
    let config = Config {
        cases,
        rng_seed,
        failure_persistence: None,
        max_shrink_iters: std::env::var("FOLIO_FUZZ_SHRINK")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(64),
        max_shrink_time: 120_000,
        ..Config::default()
    };
    let start = std::time::Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&prop::collection::vec(article(), 1..4), check);
    eprintln!("fuzz: {cases} cases in {:?}", start.elapsed());
    if let Err(e) = result {
        panic!("{e}");
    }
}
