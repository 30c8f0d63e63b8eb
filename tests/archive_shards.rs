//! `--shard K/N` run as three jobs by GNU parallel gives, together, exactly the files and the
//! (sorted) manifest lines of one unsharded run.

mod archive_common;

use std::process::Command;

use archive_common::*;

#[test]
fn three_shards_under_gnu_parallel_equal_one_unsharded_run() {
    if Command::new("parallel").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "GNU parallel is needed for this test in CI; `bash .ci/run` installs it"
        );
        eprintln!("skipping: GNU parallel (Debian `parallel`) is not installed");
        return;
    }
    let dir = tmp("archive-shards");
    let content = dir.join("content");
    archive_common::content(&content, 15);
    let whole = dir.join("whole");
    ok(&archive(&content, &whole, &["--jobs", "1"]));

    // One job per shard, each into its own folder, as a cluster would.
    let o = Command::new("parallel")
        .args([
            "--will-cite",
            "--halt",
            "now,fail=1",
            "-j",
            "3",
            env!("CARGO_BIN_EXE_folio"),
            "archive",
            content.to_str().unwrap(),
            "-o",
            &format!("{}/shard-{{}}", dir.display()),
            "--shard",
            "{}/3",
            "--jobs",
            "1",
            "-q",
            "--no-system-fonts",
            ":::",
            "1",
            "2",
            "3",
        ])
        .env("SOURCE_DATE_EPOCH", "1693526400")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "parallel: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    let is_manifest = |k: &str| k == "manifest.jsonl" || k == "manifest.csv";
    let mut files = std::collections::BTreeMap::new();
    let mut lines = Vec::new();
    for k in 1..=3 {
        let shard = dir.join(format!("shard-{k}"));
        let t = tree(&shard, false);
        assert!(t.len() > 2, "shard {k} is empty");
        for (name, bytes) in t {
            if name == "manifest.jsonl" {
                lines.extend(String::from_utf8(bytes).unwrap().lines().map(str::to_owned));
            } else if !is_manifest(&name) {
                assert!(
                    files.insert(name.clone(), bytes).is_none(),
                    "{name} in two shards"
                );
            }
        }
    }
    let mut expected = tree(&whole, false);
    let whole_manifest = String::from_utf8(expected.remove("manifest.jsonl").unwrap()).unwrap();
    expected.remove("manifest.csv");
    assert_same_tree(&expected, &files);
    lines.sort();
    let whole_lines: Vec<String> = whole_manifest.lines().map(str::to_owned).collect();
    assert_eq!(lines, whole_lines);
}
