//! Typography read back from the PDF: hyphenated words stay searchable, right-to-left
//! words print in visual order, justified English lines stay tight, and the Chinese line
//! rules hold.

mod support;

use std::path::{Path, PathBuf};

use support::*;

const ENGLISH: &str = "Consolidate the advantages of school development with the effectiveness of thematic education and learning. The international cooperation programme strengthens interdisciplinary laboratories, accelerates infrastructure construction, and improves the efficiency of resource utilisation across the Zhongguancun and Liangxiang campuses. Representatives of democratic parties, retired faculty representatives and student representatives attended the comprehensive administrative meeting.";

fn write_book(name: &str) -> (PathBuf, PathBuf) {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(
        content.join("bulletin.toml"),
        "title = \"排版测试\"\ndate = \"2023-09-01\"\nlanguage = \"zh-CN\"\n[page]\nsize = \"A5\"\n",
    )
    .unwrap();
    std::fs::write(
        content.join("articles/01-en.md"),
        format!("---\ntitle: \"Typography\"\nlang: en\n---\n\n{ENGLISH}\n\n{ENGLISH}\n"),
    )
    .unwrap();
    std::fs::write(
        content.join("articles/02-zh.md"),
        "---\ntitle: \"双向文字\"\n---\n\n他说 مرحبا بالعالم 然后离开了会场。\n\n```\nif (a === b) { return a !== c; }\n```\n",
    )
    .unwrap();
    let out = root.join("out");
    build_pdf(&content, &out, &[]);
    (content, out.join("bulletin.pdf"))
}

fn text_of(pdf: &Path) -> String {
    let out = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success());
    stdout(&out)
}

#[test]
fn hyphenated_words_are_found_whole_and_lines_are_tight() {
    let (_, pdf) = write_book("typo-hyphen");
    let lines = printed_lines(&pdf);
    let words: Vec<&str> = ENGLISH
        .split(' ')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    // Some printed line ends inside a word, with a drawn hyphen: hyphenation happened…
    let broken = lines.iter().any(|l| {
        let last = l.text.rsplit(' ').next().unwrap_or("");
        last.strip_suffix('-').is_some_and(|part| {
            part.len() >= 2 && !words.contains(&part) && words.iter().any(|w| w.starts_with(part))
        })
    });
    assert!(broken, "no hyphenated line: {lines:#?}");
    // …and the extracted text holds every word whole, as a viewer's search sees it.
    let text = text_of(&pdf).replace('\n', " ");
    for w in &words {
        assert!(
            text.contains(w),
            "`{w}` is not found whole in the text layer"
        );
    }
}

#[test]
fn arabic_words_print_right_to_left() {
    let (_, pdf) = write_book("typo-bidi");
    let out = tool(
        "pdftotext",
        &["-bbox", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    );
    let html = stdout(&out);
    let x_of = |needle: char| -> f64 {
        let line = html
            .lines()
            .find(|l| l.contains("<word") && l.contains(needle))
            .unwrap_or_else(|| panic!("no word with {needle} in\n{html}"));
        let key = "xMin=\"";
        let s = line.find(key).unwrap() + key.len();
        line[s..].split('"').next().unwrap().parse().unwrap()
    };
    // مرحبا (first in reading order, holds ح) sits right of بالعالم (holds ع).
    assert!(x_of('ح') > x_of('ع'), "Arabic printed in logical order");
}

/// A content folder whose only user font is one weight (the bundled Noto Serif SC Regular,
/// standing in for a user's 仿宋), with `[typography]` lines after `extra_toml`.
fn single_weight_book(name: &str, extra_toml: &str, body: &str) -> (PathBuf, PathBuf) {
    let toml = format!(
        "title = \"粗体测试\"\ndate = \"2023-09-01\"\n\n[fonts]\ndirs = [\"myfonts\"]\n{extra_toml}"
    );
    let article = format!("---\ntitle: \"合成粗体\"\n---\n\n{body}\n");
    let (content, out) = support::write_book(name, &toml, &[("01.md", &article)]);
    std::fs::create_dir_all(content.join("myfonts")).unwrap();
    std::fs::copy(
        repo().join("fonts/NotoSerifSC-Regular.ttf"),
        content.join("myfonts/NotoSerifSC-Regular.ttf"),
    )
    .unwrap();
    (content, out)
}

/// Ink in a word's box: the share of dark pixels, and the number of separate runs of
/// inked columns (one per glyph when no two glyphs touch).
fn ink(img: &(usize, usize, Vec<u8>), word: &WordBox, dpi: f64) -> (f64, usize) {
    let (w, _, px) = img;
    let scale = dpi / 72.0;
    let (x0, x1) = (
        (word.x_min * scale) as usize,
        (word.x_max * scale) as usize + 1,
    );
    let (y0, y1) = (
        (word.y_min * scale) as usize,
        (word.y_max * scale) as usize + 1,
    );
    let dark = |x: usize, y: usize| px[y * w + x] < 128;
    let mut count = 0;
    let mut runs = 0;
    let mut inked_before = false;
    for x in x0..x1 {
        let inked = (y0..y1).filter(|&y| dark(x, y)).count();
        count += inked;
        if inked > 0 && !inked_before {
            runs += 1;
        }
        inked_before = inked > 0;
    }
    (count as f64 / ((x1 - x0) * (y1 - y0)) as f64, runs)
}

#[test]
fn single_weight_font_is_emboldened_without_collisions() {
    let (content, out) = single_weight_book(
        "typo-synthetic-bold",
        "",
        "国国国国国国国国国国\n\n**国国国国国国国国国国**",
    );
    let built = build_pdf(&content, &out, &[]);
    let said = stderr(&built);
    assert!(
        said.contains("emboldened synthetically") && said.contains("Noto Serif SC"),
        "no notice naming the font: {said}"
    );
    // `folio check` says so too.
    let checked = folio_ok(&["check", content.to_str().unwrap()]);
    assert!(stderr(&checked).contains("emboldened synthetically"));

    let pdf = out.join("bulletin.pdf");
    let words: Vec<WordBox> = word_boxes(&pdf)
        .into_iter()
        .filter(|w| w.text == "国国国国国国国国国国")
        .collect();
    assert_eq!(words.len(), 2, "the two test lines are not found whole");
    let dpi = 300.0;
    let img = render_gray(
        &pdf,
        words[0].page,
        300,
        &out.join(format!("render-{}", words[0].page)),
    );
    let (regular, regular_runs) = ink(&img, &words[0], dpi);
    let (bold, bold_runs) = ink(&img, &words[1], dpi);
    assert!(
        bold > regular * 1.15,
        "synthetic bold is not visibly heavier: {bold:.4} vs {regular:.4} dark"
    );
    // Ten separate glyphs in both lines: the widened advances keep neighbours apart.
    assert_eq!(regular_runs, 10, "regular glyphs touch");
    assert_eq!(bold_runs, 10, "emboldened glyphs touch their neighbours");
}

#[test]
fn lines_keep_their_pitch_beside_fallback_glyphs_and_rhythm_is_configurable() {
    let para = "Regular text 👍 with 😀 emoji in a longer paragraph 国国国国国国国国国国国国 that wraps 👍👍 several lines so the pitch can be checked 国国国国国国国国国国国 again and again 😀 and 𝔉𝔯𝔞𝔨𝔱𝔲𝔯 国国国国国国国 until the end of the paragraph comes 👍 at last.";
    let (content, out) = support::write_book(
        "typo-pitch",
        "title = \"行距\"\ndate = \"2023-09-01\"\n\n[typography]\nbody_size = 12\nleading = 2.0\nindent = 0\n",
        &[(
            "01.md",
            &format!("---\ntitle: \"行距\"\nlang: en\n---\n\n{para}\n"),
        )],
    );
    build_pdf(&content, &out, &[]);
    // Baselines of the body's Latin words (one font, so yMax − baseline is the same).
    let mut bottoms: Vec<f64> = word_boxes(&out.join("bulletin.pdf"))
        .into_iter()
        .filter(|w| w.page == 2 && w.text.chars().all(|c| c.is_ascii_lowercase()))
        .map(|w| w.y_max)
        .collect();
    bottoms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    bottoms.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    assert!(bottoms.len() >= 4, "too few lines: {bottoms:?}");
    for pair in bottoms.windows(2) {
        let pitch = pair[1] - pair[0];
        // 12 pt × 2.0 from `[typography]`, on every line, fallback glyphs or not.
        assert!((pitch - 24.0).abs() < 0.01, "pitch {pitch} in {bottoms:?}");
    }
}

#[test]
fn emphasis_styles_and_their_errors() {
    let body = "会议强调*全面从严治党*的重要性。";
    // Kai with no Kai font: an error naming the line of `emphasis`.
    let (content, out) = single_weight_book(
        "typo-kai-missing",
        "\n[typography]\nemphasis = \"kai\"\n",
        body,
    );
    let failed = folio(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(!failed.status.success());
    let said = stderr(&failed);
    assert!(
        said.contains("bulletin.toml:8") && said.contains("Kai"),
        "error does not name the line: {said}"
    );
    assert!(!out.join("bulletin.pdf").exists());
    // A named font that is not there: the error names its line too.
    let (content, out) = single_weight_book(
        "typo-font-missing",
        "\n[typography]\nbody_font = \"No Such Song\"\n",
        body,
    );
    let said = stderr(&folio(&["check", content.to_str().unwrap()]));
    assert!(
        said.contains("bulletin.toml:8")
            && said.contains("No Such Song")
            && said.contains("Noto Serif SC"),
        "{said}"
    );
    drop(out);
    // Kai from a named user font: the emphasised hanzi are set in it, without dots.
    let (content, out) = single_weight_book(
        "typo-kai",
        "\n[typography]\nemphasis = \"kai\"\nemphasis_font = \"NotoSerifSC-Regular\"\n",
        body,
    );
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(text_of(&out.join("bulletin.pdf")).contains("会议强调全面从严治党的重要性"));
    // The e-book embeds that Kai face, cut down to the emphasised hanzi, and its emphasis
    // rule asks for it first: no reading system needs a Kai font of its own.
    let epub = out.join("bulletin.epub");
    let css = epub_stylesheet(&epub);
    let rule = css.split("em.dots").nth(1).expect("an em.dots rule");
    assert!(
        rule.contains("font-family: \"Folio Kai\"") && !rule.contains("text-emphasis: dot"),
        "{css}"
    );
    assert!(
        css.contains("font-family: \"Folio Kai\";"),
        "no Folio Kai face:\n{css}"
    );
    let listing = stdout(&tool("unzip", &["-l", epub.to_str().unwrap()]));
    assert!(listing.contains("fonts/folio-kai-400."), "{listing}");
    assert_epubcheck_clean(&epub, "the Kai book");
    // Bold: the EPUB's stylesheet follows the choice.
    let (content, out) = single_weight_book(
        "typo-bold-emphasis",
        "\n[typography]\nemphasis = \"bold\"\nbody_font = \"NotoSerifSC-Regular\"\n",
        body,
    );
    folio_ok(&[
        "build",
        content.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let css = epub_stylesheet(&out.join("bulletin.epub"));
    let rule = css.split("em.dots").nth(1).expect("an em.dots rule");
    assert!(rule.contains("font-weight: 700") && !rule.contains("text-emphasis: dot"));
    // The body family has one weight: no face is declared bold for it (the reading system
    // emboldens the regular one), while the sans keeps its real bold.
    let faces: Vec<&str> = css
        .split("@font-face")
        .skip(1)
        .map(|f| f.split('}').next().unwrap_or(""))
        .collect();
    let declared = |family: &str, weight: &str| {
        faces
            .iter()
            .any(|f| f.contains(family) && f.contains(&format!("font-weight: {weight}")))
    };
    assert!(
        declared("Folio Serif", "400") && !declared("Folio Serif", "700"),
        "{css}"
    );
    assert_epubcheck_clean(&out.join("bulletin.epub"), "the bold-emphasis book");
}

/// The stylesheets inside an EPUB.
fn epub_stylesheet(epub: &Path) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut css = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if file.name().ends_with(".css") {
            file.read_to_string(&mut css).unwrap();
        }
    }
    css
}

#[test]
fn latin_emphasis_takes_the_family_italic_and_body_font_is_chosen_by_name() {
    let dir = Path::new("/usr/share/fonts/truetype/dejavu");
    let files = ["DejaVuSerif.ttf", "DejaVuSerif-Italic.ttf"];
    if !files.iter().all(|f| dir.join(f).exists()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "DejaVu Serif and its italic are needed; `bash .ci/run` installs fonts-dejavu-extra"
        );
        eprintln!("skipped: DejaVu Serif Italic is not installed");
        return;
    }
    let (content, out) = support::write_book(
        "typo-italic",
        "title = \"Italics\"\ndate = \"2023-09-01\"\n\n[fonts]\ndirs = [\"myfonts\"]\n\n[typography]\nbody_font = \"DejaVu Serif\"\n",
        &[(
            "01.md",
            "---\ntitle: \"Italics\"\nlang: en\n---\n\nPlain words and *slanted words* here.\n",
        )],
    );
    std::fs::create_dir_all(content.join("myfonts")).unwrap();
    for f in files {
        std::fs::copy(dir.join(f), content.join("myfonts").join(f)).unwrap();
    }
    build_pdf(&content, &out, &[]);
    let pdf = out.join("bulletin.pdf");
    let fonts = stdout(&tool("pdffonts", &[pdf.to_str().unwrap()]));
    assert!(
        fonts.contains("DejaVuSerif-Italic"),
        "no italic face:\n{fonts}"
    );
    assert!(
        fonts.contains("DejaVuSerif "),
        "body not in DejaVu Serif:\n{fonts}"
    );
    assert!(text_of(&pdf).contains("slanted words"));
}
