//! Font selection as a user sees it in `pdffonts`: user fonts come before the bundled ones.

mod support;

use std::path::PathBuf;

use support::*;

fn fonts_of(args: &[&str], out: &PathBuf) -> String {
    let _ = std::fs::remove_dir_all(out);
    let mut all = vec![
        "build",
        "content",
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
    ];
    all.extend_from_slice(args);
    folio_ok(&all);
    stdout(&tool(
        "pdffonts",
        &[out.join("bulletin.pdf").to_str().unwrap()],
    ))
}

#[test]
fn a_user_font_dir_takes_precedence_over_the_bundled_fonts() {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fonts");
    let plain = fonts_of(&[], &base.join("plain"));
    assert!(plain.contains("NotoSerifSC-Regular"), "{plain}");

    // A user folder holding one face that covers everything the sample uses.
    let user = base.join("user-fonts");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::copy(
        repo().join("fonts/NotoSansSC-Bold.ttf"),
        user.join("House.ttf"),
    )
    .unwrap();
    let custom = fonts_of(
        &["--font-dir", user.to_str().unwrap()],
        &base.join("custom"),
    );
    assert!(custom.contains("NotoSansSC-Bold"), "{custom}");
    assert!(
        !custom.contains("NotoSerifSC-Regular"),
        "body text should come from the user's font:\n{custom}"
    );
}
