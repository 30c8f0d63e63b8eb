//! The book's own pages: the cover and the title-and-contents page.

use crate::model::Document;

use super::COVER_IMAGE;
use super::labels::Labels;
use super::plan::BookPlan;
use super::usage::{CharUsage, TextStyle};
use super::xhtml::document;
use super::xml;

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

/// Title, issue, publisher and people, then the list of articles.
pub(crate) fn contents_page(doc: &Document, plan: &BookPlan<'_>, usage: &mut CharUsage) -> String {
    let meta = &doc.meta;
    let labels = Labels::for_lang(&plan.lang);
    let mut p = Page {
        out: String::new(),
        usage,
    };
    p.raw("<section epub:type=\"titlepage\" class=\"masthead\" aria-labelledby=\"book-title\">\n");
    p.raw("<h1 class=\"book-title\" id=\"book-title\">");
    p.text(TextStyle::HEADING, &meta.title);
    p.raw("</h1>\n");
    if let Some(subtitle) = non_blank(meta.subtitle.as_deref()) {
        p.element("p", "book-subtitle", TextStyle::SANS, subtitle);
    }
    let issue_line: Vec<String> = labels
        .issue(meta.volume, meta.issue)
        .into_iter()
        .chain(
            non_blank(meta.date.as_deref())
                .map(|d| crate::timestamp::display_date(d, meta.lang.is_cjk())),
        )
        .collect();
    if !issue_line.is_empty() {
        p.element("p", "book-issue", TextStyle::SANS, &issue_line.join(" · "));
    }
    if let Some(publisher) = non_blank(meta.publisher.as_deref()) {
        p.element("p", "book-publisher", TextStyle::SANS, publisher);
    }
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
        let separator = if labels.is_chinese() { "　" } else { " · " };
        p.element(
            "p",
            "book-credits",
            TextStyle::SANS,
            &credits.join(separator),
        );
    }
    p.raw("</section>\n");

    if !doc.articles.is_empty() {
        p.raw(
            "<section epub:type=\"toc\" role=\"doc-toc\" class=\"contents\" aria-labelledby=\"contents-title\">\n",
        );
        p.raw("<h2 class=\"contents-title\" id=\"contents-title\">");
        p.text(TextStyle::HEADING, labels.contents());
        p.raw("</h2>\n");
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
