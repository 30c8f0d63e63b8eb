//! Emoji print from the bundled Noto Emoji face: drawn (a rendered page shows strokes inside
//! each emoji's box, where a missing-glyph box is empty) and found by pdftotext.

mod support;

use std::path::{Path, PathBuf};

use support::*;

fn build(name: &str, body: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("c/articles")).unwrap();
    std::fs::write(
        dir.join("c/bulletin.toml"),
        "title = \"E\"\nlanguage = \"zh-CN\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("c/articles/a.md"),
        format!("---\ntitle: 表情\n---\n\n{body}\n"),
    )
    .unwrap();
    // Without system fonts: the emoji must come from folio's own fonts.
    folio(&[
        "build",
        dir.join("c").to_str().unwrap(),
        "-o",
        dir.join("out").to_str().unwrap(),
        "--no-system-fonts",
    ]);
    dir
}

/// Word boxes (page, xMin, yMin, xMax, yMax in points) of `word` from `pdftotext -bbox`.
fn boxes(pdf: &Path, word: &str) -> Vec<(usize, [f64; 4])> {
    let html = stdout(&tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]));
    let mut page = 0;
    let mut out = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page") {
            page += 1;
        } else if let Some(rest) = line.strip_prefix("<word ")
            && rest.contains(&format!(">{word}</word>"))
        {
            let attr = |name: &str| -> f64 {
                let key = format!("{name}=\"");
                let start = rest.find(&key).unwrap() + key.len();
                rest[start..].split('"').next().unwrap().parse().unwrap()
            };
            out.push((
                page,
                [attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")],
            ));
        }
    }
    out
}

/// The dark pixels of a region of a page rendered at 288 dpi, as (x, y) pixel positions.
fn ink(pdf: &Path, page: usize, b: [f64; 4]) -> Vec<(usize, usize)> {
    let scale = 4.0; // 288 dpi
    let prefix = pdf.with_file_name(format!("render-{page}"));
    let (width, _, pixels) = render_gray(pdf, page, 288, &prefix);
    let px = |v: f64| (v * scale) as usize;
    let mut out = Vec::new();
    for y in px(b[1])..px(b[3]) {
        for x in px(b[0])..px(b[2]) {
            if pixels[y * width + x] < 160 {
                out.push((x, y));
            }
        }
    }
    out
}

/// Whether ink is an empty box: a rectangle whose four edges are (almost) solid lines, which
/// is what a missing glyph (.notdef) looks like, with or without a cross inside.
fn is_box(ink: &[(usize, usize)]) -> bool {
    let (Some(x0), Some(x1)) = (ink.iter().map(|p| p.0).min(), ink.iter().map(|p| p.0).max())
    else {
        return false;
    };
    let (y0, y1) = (
        ink.iter().map(|p| p.1).min().unwrap(),
        ink.iter().map(|p| p.1).max().unwrap(),
    );
    let set: std::collections::HashSet<(usize, usize)> = ink.iter().copied().collect();
    // An edge is solid when nearly every pixel along it (within 2 px inwards) is dark.
    let solid_row = |y: usize, inward: isize| {
        let hit = (x0..=x1)
            .filter(|&x| (0..3).any(|d| set.contains(&(x, (y as isize + d * inward) as usize))))
            .count();
        hit * 10 >= (x1 - x0 + 1) * 9
    };
    let solid_col = |x: usize, inward: isize| {
        let hit = (y0..=y1)
            .filter(|&y| (0..3).any(|d| set.contains(&((x as isize + d * inward) as usize, y))))
            .count();
        hit * 10 >= (y1 - y0 + 1) * 9
    };
    solid_row(y0, 1) && solid_row(y1, -1) && solid_col(x0, 1) && solid_col(x1, -1)
}

#[test]
fn emoji_are_drawn_and_extractable() {
    let dir = build("input_emoji", "点赞 👍 庆祝 🎉 完成。");
    let pdf = dir.join("out/bulletin.pdf");
    let text = stdout(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("👍") && text.contains("🎉"), "{text}");
    let fonts = stdout(&tool("pdffonts", &[pdf.to_str().unwrap()]));
    assert!(fonts.contains("NotoEmoji-Regular"), "{fonts}");
    for emoji in ["👍", "🎉"] {
        let found = boxes(&pdf, emoji);
        assert_eq!(found.len(), 1, "{emoji}: {found:?}");
        let (page, b) = found[0];
        let drawn = ink(&pdf, page, b);
        assert!(
            drawn.len() > 40,
            "{emoji} is blank: {} dark pixels",
            drawn.len()
        );
        assert!(!is_box(&drawn), "{emoji} is drawn as an empty box");
    }
}

/// The pixel check can fail: a character no font has prints as an empty box, and the same
/// measure says so.
#[test]
fn a_missing_glyph_is_seen_as_an_empty_box() {
    // The missing character sits between the two words (it has no text of its own): its
    // box is the gap less a word space each side.
    let between = |pdf: &Path| {
        let (page, before) = boxes(pdf, "缺字")[0];
        let (_, after) = boxes(pdf, "这里。")[0];
        let gap = [
            before[2] + 1.5,
            before[1] - 2.0,
            after[0] - 1.5,
            before[3] + 2.0,
        ];
        assert!(gap[2] - gap[0] > 5.0, "{gap:?}");
        ink(pdf, page, gap)
    };
    let dir = build("input_emoji_control", "缺字 \u{E000} 这里。");
    let missing = between(&dir.join("out/bulletin.pdf"));
    assert!(missing.len() > 40 && is_box(&missing), "{}", missing.len());
    let dir = build("input_emoji_positive", "缺字 👍 这里。");
    let drawn = between(&dir.join("out/bulletin.pdf"));
    assert!(drawn.len() > 40 && !is_box(&drawn), "{}", drawn.len());
}
