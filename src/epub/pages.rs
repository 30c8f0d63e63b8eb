//! The book's own pages: the cover and the title-and-contents page.

use crate::model::Document;

use super::plan::BookPlan;
use super::usage::{CharUsage, TextStyle};
use super::xhtml::document;
use super::xml;
use super::{COVER_IMAGE, FrontMatter};
use crate::labels::Labels;
use crate::template::Front;

pub(crate) const COVER_PAGE: &str = "cover.xhtml";
pub(crate) const CONTENTS_PAGE: &str = "contents.xhtml";

/// The cover page: the generated cover picture, full page. Its words are drawn as outlines
/// in the picture, so they need no font.
pub(crate) fn cover_page(doc: &Document, plan: &BookPlan<'_>) -> String {
    let labels = Labels::for_lang(&plan.lang);
    let mut body = String::from(
        "<section epub:type=\"cover\" class=\"cover\">\n<img class=\"cover-image\" role=\"doc-cover\" src=\"",
    );
    xml::push_attr(&mut body, COVER_IMAGE);
    body.push_str("\" alt=\"");
    xml::push_attr(&mut body, &xml::label(&doc.meta.title));
    body.push_str("\"/>\n</section>\n");
    document(&plan.lang, labels.cover(), "cover-page", &body)
}

/// The title-and-contents page as the template has it: the bulletin's masthead (name
/// large in the accent colour, issue line, publisher left and date right over a double
/// rule) with the contents below; a book's contents alone (its cover names it); an
/// article's none (empty: the book has no such page).
pub(crate) fn contents_page(
    doc: &Document,
    plan: &BookPlan<'_>,
    usage: &mut CharUsage,
    front: &FrontMatter<'_>,
) -> String {
    let meta = &doc.meta;
    let labels = Labels::for_lang(&plan.lang);
    let with_contents = front.contents && !doc.articles.is_empty();
    let masthead = front.front == Front::Masthead;
    if !masthead && !with_contents {
        return String::new();
    }
    let mut p = Page {
        out: String::new(),
        usage,
    };
    if masthead {
        p.raw(
            "<section epub:type=\"titlepage\" class=\"masthead\" aria-labelledby=\"book-title\">\n",
        );
        p.raw("<h1 class=\"book-title\" id=\"book-title\">");
        p.text(TextStyle::HEADING, &meta.title);
        p.raw("</h1>\n");
        if let Some(subtitle) = non_blank(meta.subtitle.as_deref()) {
            p.element("p", "book-subtitle", TextStyle::SANS, subtitle);
        }
        if let Some(issue) = labels.issue(meta) {
            p.element("p", "book-issue", TextStyle::SANS, &issue);
        }
        let publisher = non_blank(meta.publisher.as_deref());
        let date = non_blank(meta.date.as_deref())
            .map(|d| crate::timestamp::display_date(d, meta.lang.is_cjk()));
        // Publisher left, date right, the double rule under them (as printed).
        p.raw("<p class=\"book-imprint\">");
        if let Some(publisher) = publisher {
            p.span("book-publisher", TextStyle::SANS, publisher);
        }
        if let Some(date) = &date {
            if publisher.is_some() {
                p.raw(" ");
            }
            p.span("book-date", TextStyle::SANS, date);
        }
        p.raw("</p>\n");
        let mut credits = Vec::new();
        if let Some(editor) = non_blank(meta.editor.as_deref()) {
            credits.push(labels.editor(editor));
        }
        let authors: Vec<String> = meta
            .authors
            .iter()
            .filter(|a| !a.trim().is_empty())
            .cloned()
            .collect();
        if !authors.is_empty() {
            credits.push(labels.authors(&authors));
        }
        if !credits.is_empty() {
            let separator = labels.separator();
            p.element(
                "p",
                "book-credits",
                TextStyle::SANS,
                &credits.join(separator),
            );
        }
        p.raw("</section>\n");
    }

    if with_contents {
        p.raw(
            "<section epub:type=\"toc\" role=\"doc-toc\" class=\"contents\" aria-labelledby=\"contents-title\">\n",
        );
        // The page's first heading is an h1 when no masthead comes before it.
        let h = if masthead { "h2" } else { "h1" };
        p.raw(&format!(
            "<{h} class=\"contents-title\" id=\"contents-title\">"
        ));
        p.text(TextStyle::HEADING, labels.contents());
        p.raw(&format!("</{h}>\n"));
        p.raw("<ol class=\"contents-list\">\n");
        for (article, planned) in doc.articles.iter().zip(&plan.articles) {
            p.raw("<li><a href=\"");
            xml::push_attr(&mut p.out, &planned.file);
            p.raw("\">");
            p.span("toc-title", TextStyle::BODY, &planned.label);
            p.raw("</a>");
            let date = non_blank(article.date.as_deref())
                .map(|d| crate::timestamp::display_date(d, article.lang.is_cjk()));
            let byline: Vec<&str> = [non_blank(article.author.as_deref()), date.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !byline.is_empty() {
                p.raw(" ");
                p.span("toc-byline", TextStyle::SANS, &byline.join(" · "));
            }
            p.raw("</li>\n");
        }
        p.raw("</ol>\n</section>\n");
    }
    let body = p.out;
    document(&plan.lang, labels.contents(), "front-page", &body)
}

/// The article template's compact head, written above the first article: the
/// publication's name, the issue line and date, and a rule.
pub(crate) fn compact_head(doc: &Document, plan: &BookPlan<'_>, usage: &mut CharUsage) -> String {
    let meta = &doc.meta;
    let labels = Labels::for_lang(&plan.lang);
    let mut p = Page {
        out: String::new(),
        usage,
    };
    p.raw("<div class=\"compact-head\">\n");
    p.element("p", "head-name", TextStyle::SANS, &meta.title);
    let line: Vec<String> = labels
        .issue(meta)
        .into_iter()
        .chain(
            non_blank(meta.date.as_deref())
                .map(|d| crate::timestamp::display_date(d, meta.lang.is_cjk())),
        )
        .chain(non_blank(meta.publisher.as_deref()).map(str::to_owned))
        .collect();
    if !line.is_empty() {
        p.element(
            "p",
            "head-issue",
            TextStyle::SANS,
            &line.join(labels.separator()),
        );
    }
    p.raw("</div>\n");
    p.out
}

/// The look of the front matter that depends on the template: its accent colour.
pub(crate) fn front_css(front: &FrontMatter<'_>) -> String {
    let crate::theme::Rgb(r, g, b) = front.accent;
    let accent = format!("#{r:02x}{g:02x}{b:02x}");
    format!(
        r#"
/* Front matter in the template's accent colour */

.masthead {{
  text-align: center;
}}

.masthead .book-title {{
  color: {accent};
  font-size: 2.4em;
  letter-spacing: 0.1em;
}}

.book-imprint {{
  display: flex;
  justify-content: space-between;
  font-size: 0.9em;
  margin: 0.6em 0 0.3em 0;
  padding-bottom: 0.3em;
  border-bottom: 4px double {accent};
}}

.contents-title {{
  color: {accent};
}}

.compact-head {{
  margin: 0 0 1.5em 0;
  padding-bottom: 0.2em;
  border-bottom: 1px solid {accent};
}}

.head-name {{
  color: {accent};
  font-size: 1.2em;
  font-weight: bold;
  margin: 0;
}}

.head-issue {{
  font-size: 0.85em;
  margin: 0.2em 0 0 0;
}}

/* `{{.bleed}}` pictures: edge to edge in print, the whole width on screen */
figure.bleed img {{
  width: 100%;
  max-height: none;
}}
"#
    )
}

fn non_blank(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}

struct Page<'u> {
    out: String,
    usage: &'u mut CharUsage,
}

impl Page<'_> {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn text(&mut self, style: TextStyle, s: &str) {
        self.usage.record(style, s);
        xml::push_text(&mut self.out, s);
    }

    fn element(&mut self, tag: &str, class: &str, style: TextStyle, s: &str) {
        self.out.push_str(&format!("<{tag} class=\"{class}\">"));
        self.text(style, s);
        self.out.push_str(&format!("</{tag}>\n"));
    }

    fn span(&mut self, class: &str, style: TextStyle, s: &str) {
        self.out.push_str(&format!("<span class=\"{class}\">"));
        self.text(style, s);
        self.out.push_str("</span>");
    }
}
