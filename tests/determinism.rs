//! Same input, same bytes: across runs and thread counts.

mod support;

use std::path::PathBuf;

use support::*;

#[test]
fn two_builds_are_byte_identical_on_one_and_many_threads() {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("determinism");
    let _ = std::fs::remove_dir_all(&base);
    let a = base.join("a");
    let b = base.join("b");
    folio_ok(&["build", "content", "-o", a.to_str().unwrap(), "--jobs", "1"]);
    folio_ok(&["build", "content", "-o", b.to_str().unwrap(), "--jobs", "4"]);
    for name in ["bulletin.pdf", "bulletin.epub"] {
        let x = std::fs::read(a.join(name)).unwrap();
        let y = std::fs::read(b.join(name)).unwrap();
        assert!(!x.is_empty());
        assert!(x == y, "{name} differs between builds");
    }
}

#[test]
fn source_date_epoch_sets_the_dates() {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sde");
    let _ = std::fs::remove_dir_all(&out);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "content", "-o", out.to_str().unwrap()])
        .current_dir(repo())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let info = stdout(&tool(
        "pdfinfo",
        &["-isodates", out.join("bulletin.pdf").to_str().unwrap()],
    ));
    assert!(info.contains("2023-11-14T22:13:20"), "{info}");
    let opf = stdout(&tool(
        "unzip",
        &["-p", out.join("bulletin.epub").to_str().unwrap(), "*.opf"],
    ));
    assert!(opf.contains("2023-11-14T22:13:20Z"), "{opf}");
}
