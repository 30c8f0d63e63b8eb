//! Outputs are all or none (issue #11): a build that cannot write one file replaces none,
//! a build killed at any moment leaves every previous output as it was, and the temporary
//! files of killed builds are removed by the next build.

#![cfg(unix)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OUTPUTS: [&str; 2] = ["bulletin.pdf", "bulletin.epub"];

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("reliab_outputs")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small content folder with a picture, so that a build takes long enough to be killed
/// at different stages.
fn content(root: &Path, body: &str) -> PathBuf {
    let c = root.join("content");
    std::fs::create_dir_all(c.join("articles")).unwrap();
    std::fs::write(
        c.join("bulletin.toml"),
        "title = \"简报\"\ndate = \"2023-09-01\"\n",
    )
    .unwrap();
    for i in 0..3 {
        std::fs::write(
            c.join(format!("articles/0{i}.md")),
            format!(
                "---\ntitle: \"第 {i} 篇\"\n---\n\n{}\n",
                body.repeat(40 + 10 * i)
            ),
        )
        .unwrap();
    }
    c
}

fn folio(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1693526400")
        .output()
        .expect("run folio")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Names in `dir` other than the outputs (temporary files, leftovers).
fn extra_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !OUTPUTS.contains(&n.as_str()))
        .collect();
    v.sort();
    v
}

fn read_outputs(dir: &Path) -> Vec<Option<Vec<u8>>> {
    OUTPUTS
        .iter()
        .map(|f| std::fs::read(dir.join(f)).ok())
        .collect()
}

#[test]
fn a_folder_in_the_way_of_the_epub_leaves_the_pdf_untouched() {
    let root = scratch("folder-in-the-way");
    let c = content(&root, "正文。");
    let out = root.join("out");
    std::fs::create_dir_all(out.join("bulletin.epub")).unwrap();
    std::fs::write(out.join("bulletin.pdf"), b"the previous PDF").unwrap();
    let o = folio(&["build", s(&c), "-o", s(&out)]);
    let err = support::stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bulletin.epub: a folder of that name is in the way"),
        "{err}"
    );
    assert!(err.contains("help: move or rename the folder"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        std::fs::read(out.join("bulletin.pdf")).unwrap(),
        b"the previous PDF"
    );
    assert!(out.join("bulletin.epub").is_dir());
    assert_eq!(extra_files(&out), Vec::<String>::new());
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_nothing_else() {
    let root = scratch("stale");
    let c = content(&root, "正文。");
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    for name in [".folio-a1B2c3.part", ".folio-zzzzzz.part"] {
        std::fs::write(out.join(name), b"half a PDF").unwrap();
    }
    // Not folio's: other names, and a folder, are left alone.
    let keep = [
        ".folio-notes.part",
        "my.part",
        ".folio-a1B2c3.part.txt",
        "readme",
    ];
    for name in keep {
        std::fs::write(out.join(name), b"mine").unwrap();
    }
    std::fs::create_dir(out.join(".folio-dir123.part")).unwrap();
    let o = folio(&["build", s(&c), "-o", s(&out)]);
    assert!(o.status.success(), "{}", support::stderr(&o));
    let mut expected: Vec<String> = keep.iter().map(|s| s.to_string()).collect();
    expected.push(".folio-dir123.part".into());
    expected.sort();
    assert_eq!(extra_files(&out), expected);
}

/// Deterministic pseudo-random numbers (SplitMix64), so a failure can be replayed.
struct Seeds(u64);

impl Seeds {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[test]
fn kill_9_at_random_moments_never_leaves_a_partial_or_changed_output() {
    let root = scratch("kill");
    let old_content = content(&root.join("old"), "旧的正文，Old text. ");
    let new_content = content(&root.join("new"), "新的正文，New text! ");
    // The two possible states of the output folder: before and after the new build.
    let reference = |c: &Path, name: &str| {
        let dir = root.join(name);
        let o = folio(&["build", s(c), "-o", s(&dir)]);
        assert!(o.status.success(), "{}", support::stderr(&o));
        read_outputs(&dir)
    };
    let old = reference(&old_content, "ref-old");
    let start = Instant::now();
    let new = reference(&new_content, "ref-new");
    // Kill moments spread over a little more than one whole build.
    let span = start.elapsed().as_micros() as u64 * 12 / 10 + 1;
    assert_ne!(old, new);

    let out = root.join("out");
    let mut seeds = Seeds(0x00F0_110E);
    let (mut before, mut after, mut leftovers) = (0, 0, 0);
    for round in 0..20 {
        // The previous output: the old bulletin.
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        for (f, bytes) in OUTPUTS.iter().zip(&old) {
            std::fs::write(out.join(f), bytes.as_ref().unwrap()).unwrap();
        }
        let delay = Duration::from_micros(seeds.next() % span);
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["build", s(&new_content), "-o", s(&out), "-q"])
            .env("SOURCE_DATE_EPOCH", "1693526400")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; the build may also have finished already
        let status = child.wait().unwrap();
        let now = read_outputs(&out);
        // Every output is whole and the pair is consistent: all old, or (only if the build
        // completed) all new.
        if now == new {
            after += 1;
            assert!(
                status.success() || status.code().is_none(),
                "round {round}: new outputs but the build failed"
            );
        } else {
            assert!(
                now == old,
                "round {round} (killed after {delay:?}): the previous outputs changed \
                 without the build completing (pdf old: {}, pdf new: {}, epub old: {}, epub new: {})",
                now[0] == old[0],
                now[0] == new[0],
                now[1] == old[1],
                now[1] == new[1]
            );
            before += 1;
        }
        if !extra_files(&out).is_empty() {
            leftovers += 1;
        }
        // The next successful build leaves exactly the new outputs and nothing else.
        let o = folio(&["build", s(&new_content), "-o", s(&out), "-q"]);
        assert!(o.status.success(), "{}", support::stderr(&o));
        assert_eq!(read_outputs(&out), new, "round {round}");
        assert_eq!(
            extra_files(&out),
            Vec::<String>::new(),
            "round {round} (killed after {delay:?}): files left behind"
        );
    }
    eprintln!(
        "20 kills: {before} left the old outputs, {after} came after completion, \
         {leftovers} left temporary files for the next build to remove"
    );
}
