//! `folio archive` killed with SIGKILL at several moments, then rerun: the result is
//! byte-identical to an uninterrupted run and no temporary file is left.

mod archive_common;

use std::time::Instant;

use archive_common::*;

const N: u32 = 40;

#[test]
fn kill_9_then_rerun_is_byte_identical_with_no_temporary_file_left() {
    let dir = tmp("archive-resume");
    let content = dir.join("content");
    archive_common::content(&content, N);

    let reference = dir.join("reference");
    let start = Instant::now();
    ok(&archive(&content, &reference, &[]));
    let whole = start.elapsed();

    let out = dir.join("out");
    let mut interrupted = 0;
    for fraction in [0.15, 0.35, 0.5, 0.7] {
        let mut child = folio_cmd(&[
            "archive",
            content.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
        std::thread::sleep(whole.mul_f64(fraction));
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    assert!(
        interrupted >= 2,
        "the runs finished before they could be killed"
    );

    let last = archive(&content, &out, &[]);
    ok(&last);
    let s = summary(&last);
    assert!(s["reused"] > 0.0, "nothing survived the kills: {s:?}");
    assert_same_tree(&tree(&reference, false), &tree(&out, false));
    let leftovers: Vec<String> = tree(&out, true)
        .into_keys()
        .filter(|k| k.ends_with(".part") || k.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}
