//! The stylesheet: embedded faces, and a modest book style for mixed Chinese and English.
//!
//! Reading systems override much of this (margins, size, sometimes the font); what is
//! set here is what a publisher would want kept: typefaces per role, Chinese first-line
//! indents, strict line breaking, and legible tables, notes and figures.

use super::subset::EmbeddedFont;
use super::usage::Family;
use crate::theme::EmphasisStyle;

/// The whole stylesheet; `@font-face` rules only for the faces actually embedded.
pub(crate) fn stylesheet(fonts: &[EmbeddedFont], emphasis: EmphasisStyle) -> String {
    let mut css = String::from("@charset \"UTF-8\";\n\n");
    for font in fonts {
        let format = if font.media_type == "font/otf" {
            "opentype"
        } else {
            "truetype"
        };
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{}\";\n  font-style: normal;\n  font-weight: {};\n  src: url(\"{}\") format(\"{format}\");\n}}\n\n",
            font.family.name(),
            font.weight(),
            font.href,
        ));
    }
    css.push_str(
        &RULES
            .replace("$SERIF", &Family::Serif.css_stack())
            .replace("$SANS", &Family::Sans.css_stack())
            .replace("$MONO", &Family::Mono.css_stack()),
    );
    css.push_str(emphasis_rule(emphasis));
    css
}

/// Chinese emphasis (`em.dots`, never slanted) in the style the bulletin chose, as the PDF
/// shows it.
fn emphasis_rule(emphasis: EmphasisStyle) -> &'static str {
    match emphasis {
        EmphasisStyle::Dots => {
            "\nem.dots {\n  font-style: normal;\n  -webkit-text-emphasis: dot;\n  text-emphasis: dot;\n  -webkit-text-emphasis-position: under right;\n  text-emphasis-position: under right;\n}\n"
        }
        // The bulletin's Kai face, embedded as "Folio Kai" and cut down to the emphasised
        // characters (see `Family::Kai`), then the serif for what it lacks.
        EmphasisStyle::Kai => {
            "\nem.dots {\n  font-style: normal;\n  font-family: \"Folio Kai\", \"Folio Serif\", \"Folio Emoji\", serif;\n}\n"
        }
        EmphasisStyle::Bold => "\nem.dots {\n  font-style: normal;\n  font-weight: 700;\n}\n",
    }
}

/// Everything but the faces. `$SERIF`, `$SANS` and `$MONO` are the `font-family` lists.
/// The fonts recorded per element in `xhtml.rs` and `pages.rs` follow these rules: body
/// serif, headings and titles bold sans, subtitles, bylines and captions regular sans,
/// `strong` and `th` bold, code mono in the weight around it.
const RULES: &str = r#"body {
  font-family: $SERIF;
  line-height: 1.65;
  text-align: justify;
  line-break: strict;
  word-break: normal;
  overflow-wrap: break-word;
  hanging-punctuation: allow-end;
  widows: 2;
  orphans: 2;
}

:lang(zh) {
  text-autospace: ideograph-alpha ideograph-numeric;
  text-spacing-trim: space-first;
}

/* English prose hyphenates as the PDF does (the reader's dictionary, by `lang`); code,
   links and headings do not. */
:lang(en) p, :lang(en) li, :lang(en) dd {
  hyphens: auto;
  -webkit-hyphens: auto;
}

code, pre, a {
  hyphens: manual;
  -webkit-hyphens: manual;
}

h1, h2, h3, h4, h5, h6 {
  font-family: $SANS;
  font-weight: 700;
  line-height: 1.35;
  text-align: left;
  page-break-after: avoid;
  break-after: avoid;
  hyphens: none;
  -webkit-hyphens: none;
}

h1 { font-size: 1.6em; margin: 0 0 0.5em 0; }
h2 { font-size: 1.3em; margin: 1.6em 0 0.6em 0; }
h3 { font-size: 1.15em; margin: 1.4em 0 0.5em 0; }
h4, h5, h6 { font-size: 1em; margin: 1.2em 0 0.4em 0; }

/* Paragraphs: English indents only between paragraphs, Chinese indents every one. */
p {
  margin: 0;
  text-indent: 0;
}

p + p {
  text-indent: 1em;
}

:lang(zh) p {
  text-indent: 2em;
}

.article li p, .article td p, .article th p, .article header p, .article figure p,
.footnotes p, .front-page p, .cover-page p {
  text-indent: 0;
}

strong, b, th {
  font-weight: 700;
}

em {
  font-style: italic;
}

code, pre, kbd {
  font-family: $MONO;
  /* The characters a reader would type: no `===` or `!=` ligatures. */
  font-variant-ligatures: none;
  font-feature-settings: "liga" 0, "calt" 0, "dlig" 0;
}

code, kbd {
  font-size: 0.9em;
  font-weight: inherit;
}

pre {
  font-size: 0.85em;
  line-height: 1.45;
  margin: 1em 0;
  padding: 0.5em 0.8em;
  border-left: 3px solid #999;
  text-align: left;
  white-space: pre-wrap;
  overflow-wrap: break-word;
  page-break-inside: avoid;
  break-inside: avoid;
}

pre code {
  font-size: 1em;
}

a {
  color: inherit;
  text-decoration: underline;
}

sup.noteref {
  font-size: 0.75em;
  line-height: 0;
  vertical-align: super;
}

sup.noteref a {
  text-decoration: none;
}

blockquote {
  margin: 1em 0 1em 1.5em;
  padding-left: 0.8em;
  border-left: 3px solid #bbb;
}

aside.alert, details {
  margin: 1em 0;
  padding: 0.4em 0.8em;
  border-left: 3px solid #a33;
  background-color: #f4f4f4;
}

.alert-title, summary {
  margin: 0 0 0.3em 0;
  text-indent: 0;
  font-weight: bold;
  color: #a33;
}

.center, .center p {
  text-align: center;
  text-indent: 0;
}

dt {
  font-weight: bold;
  margin-top: 0.6em;
}

dd {
  margin-left: 2em;
}

.missing-picture {
  margin: 1em 20%;
  padding: 1.5em 0.5em;
  border: 1px solid #999;
  text-align: center;
}

.missing-picture p {
  text-indent: 0;
}

mark {
  background-color: #ffec8c;
}

ul, ol {
  margin: 0.6em 0;
  padding-left: 2em;
}

li.task {
  list-style-type: none;
}

.task-box {
  margin-right: 0.3em;
}

hr {
  border: none;
  border-top: 1px solid #999;
  margin: 1.5em 20%;
}

.table-wrap {
  margin: 1em 0;
  overflow-x: auto;
}

table {
  border-collapse: collapse;
  margin: 0 auto;
  font-size: 0.9em;
  line-height: 1.45;
}

th, td {
  border-top: 1px solid #999;
  border-bottom: 1px solid #999;
  padding: 0.3em 0.6em;
  text-align: left;
  vertical-align: top;
}

.al-l { text-align: left; }
.al-c { text-align: center; }
.al-r { text-align: right; }

figure {
  margin: 1.2em 0;
  text-align: center;
  page-break-inside: avoid;
  break-inside: avoid;
}

figure img {
  max-width: 100%;
  max-height: 90vh;
  height: auto;
  /* Phone photos stored sideways carry an EXIF orientation; show them upright. */
  image-orientation: from-image;
}

figcaption, .article-subtitle, .byline, .toc-byline, .book-subtitle, .book-issue,
.book-publisher, .book-credits {
  font-family: $SANS;
  font-weight: 400;
}

figcaption {
  font-size: 0.85em;
  margin-top: 0.4em;
  text-align: center;
}

.article-header {
  margin-bottom: 1.5em;
}

.article-subtitle {
  font-size: 1.1em;
  margin: 0 0 0.4em 0;
  text-align: left;
}

.byline {
  font-size: 0.85em;
  text-align: left;
}

.footnotes {
  margin-top: 2em;
  padding-top: 0.5em;
  border-top: 1px solid #999;
  font-size: 0.85em;
}

.footnote {
  margin: 0.4em 0;
}

.footnote-back {
  text-decoration: none;
}

/* Cover and title pages */

.cover-page {
  margin: 0;
  padding: 0;
  text-align: center;
}

.cover {
  margin: 0;
  padding: 0;
}

.cover-image {
  max-width: 100%;
  max-height: 100vh;
  height: auto;
}

.masthead {
  margin: 2em 0 3em 0;
  text-align: left;
}

.book-title {
  font-size: 1.9em;
  margin-bottom: 0.3em;
}

.book-subtitle {
  font-size: 1.2em;
  margin-bottom: 1em;
}

.book-issue, .book-publisher, .book-credits {
  font-size: 0.9em;
  margin: 0.2em 0;
}

.contents-list {
  list-style-type: none;
  padding-left: 0;
}

.contents-list li {
  margin: 0.7em 0;
  text-align: left;
}

.contents-list a {
  text-decoration: none;
}

.toc-byline {
  display: block;
  font-size: 0.8em;
}

/* nav.xhtml */

nav ol {
  list-style-type: none;
  padding-left: 1em;
}
"#;
