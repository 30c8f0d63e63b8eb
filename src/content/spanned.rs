//! One spanned reader for everything an author configures: `bulletin.toml` and the YAML or
//! TOML front matter of each article.
//!
//! Both formats are parsed with positions (toml's `DeTable`, saphyr's event parser) into one
//! `Node` tree that knows the file line of every key and value. Plain serde structs are then
//! read from that tree through `De`, with the checks in small validating types (`Whole`,
//! `IsoDate`, `LangTag`, … via `try_from`), and every finding names its line:
//! - an error is recorded at the value it came out of, then that value reads as absent (`Opt`),
//!   so one run reports every problem of a file, not only the first;
//! - a key no field reads is reported against the struct's field list, which serde hands to
//!   `deserialize_struct`, with the nearest known key.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::fields;
use super::source::{LineIndex, to_line};
use crate::diagnostics::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Yaml,
    Toml,
}

impl Format {
    /// Between a key and its value: `title: …`, `title = …`.
    pub(crate) fn sep(self) -> &'static str {
        if self == Format::Toml { " = " } else { ": " }
    }

    /// The front-matter fence.
    pub(crate) fn fence(self) -> &'static str {
        if self == Format::Toml { "+++" } else { "---" }
    }
}

/// A value with the file line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub line: u32,
    pub val: Val,
}

#[derive(Debug, Clone)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A TOML date or date-time, as written; `true` when it has no time.
    Date(String, bool),
    List(Vec<Node>),
    /// Entries in file order, each key with its line.
    Map(Vec<(String, u32, Node)>),
}

impl Node {
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.val {
            Val::Map(m) => m.iter().find(|(k, ..)| k == key).map(|(.., n)| n),
            _ => None,
        }
    }

    /// The type's name as each format's documentation calls it, for "must be …, not a …".
    fn kind(&self, format: Format) -> &'static str {
        let (toml, yaml) = match &self.val {
            Val::Null => ("empty value", "empty value"),
            Val::Bool(_) => ("boolean", "true/false value"),
            Val::Int(_) => ("integer", "number"),
            Val::Float(_) => ("float", "number"),
            Val::Str(_) => ("string", "string"),
            Val::Date(_, true) => ("date", "date"),
            Val::Date(_, false) => ("date-time", "date-time"),
            Val::List(_) => ("array", "list"),
            Val::Map(_) => ("table", "mapping"),
        };
        if format == Format::Toml { toml } else { yaml }
    }
}

/// A syntax error: file line and message.
pub(crate) type SyntaxError = (u32, String);

/// Parses TOML whose first line is file line `first_line`; on failure every syntax error,
/// one per line (later ones on a line are echoes of the first).
pub(crate) fn parse_toml(text: &str, first_line: u32) -> Result<Node, Vec<SyntaxError>> {
    use toml::de::{DeTable, DeValue};
    type At<'a> = &'a dyn Fn(usize) -> u32;
    let lines = LineIndex::new(text);
    let at = |offset: usize| first_line.saturating_add(lines.line(offset) - 1);
    let (table, errors) = DeTable::parse_recoverable(text);
    let mut found: Vec<SyntaxError> = Vec::new();
    for e in errors {
        let line = e.span().map_or(first_line, |s| at(s.start));
        if !found.iter().any(|(l, _)| *l == line) {
            found.push((line, e.message().trim().to_owned()));
        }
    }
    fn map(t: &DeTable<'_>, at: At<'_>) -> Val {
        let mut entries: Vec<_> = t.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let entry =
            |(k, v): (&toml::Spanned<_>, _)| (k.to_string(), at(k.span().start), node(v, at));
        Val::Map(entries.into_iter().map(entry).collect())
    }
    fn node(v: &toml::Spanned<DeValue<'_>>, at: At<'_>) -> Node {
        let val = match v.get_ref() {
            DeValue::String(s) => Val::Str(s.to_string()),
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .map_or(Val::Float(f64::INFINITY), Val::Int),
            DeValue::Float(f) => {
                Val::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN))
            }
            DeValue::Boolean(b) => Val::Bool(*b),
            DeValue::Datetime(d) => {
                Val::Date(d.to_string(), d.time.is_none() && d.offset.is_none())
            }
            DeValue::Array(items) => Val::List(items.iter().map(|i| node(i, at)).collect()),
            DeValue::Table(t) => map(t, at),
        };
        Node {
            line: at(v.span().start),
            val,
        }
    }
    match found.is_empty() {
        true => Ok(Node {
            line: first_line,
            val: map(table.get_ref(), &at),
        }),
        false => Err(found),
    }
}

/// Parses YAML whose first line is file line `first_line`. A syntax error stops the parse; a
/// repeated key goes to `errors` (the first value is kept) and the parse goes on.
pub(crate) fn parse_yaml(
    text: &str,
    first_line: u32,
    errors: &mut Vec<SyntaxError>,
) -> Result<Node, SyntaxError> {
    let parser = Parser::new_from_str(text);
    let mut y = Yaml {
        parser,
        text,
        first_line,
        open: Vec::new(),
        errors,
    };
    loop {
        match y.next()? {
            (Event::StreamStart | Event::DocumentStart(_), _) => {}
            (Event::StreamEnd | Event::DocumentEnd, line) => {
                return Ok(Node {
                    line,
                    val: Val::Null,
                });
            }
            (ev, line) => return y.node(ev, line),
        }
    }
}

struct Yaml<'a, 'e> {
    parser: Parser<'a, StrInput<'a>>,
    text: &'a str,
    first_line: u32,
    /// Collections being read: their line and the character index they start at.
    open: Vec<(u32, usize)>,
    errors: &'e mut Vec<SyntaxError>,
}

impl<'a> Yaml<'a, '_> {
    fn next(&mut self) -> Result<(Event<'a>, u32), SyntaxError> {
        let line = |l: usize| self.first_line.saturating_add(to_line(l.saturating_sub(1)));
        match self.parser.next_event() {
            Some(Ok((ev, span))) => {
                let at = line(span.start.line());
                match ev {
                    Event::SequenceStart(..) | Event::MappingStart(..) => {
                        self.open.push((at, span.start.index()))
                    }
                    Event::SequenceEnd | Event::MappingEnd => _ = self.open.pop(),
                    _ => {}
                }
                Ok((ev, at))
            }
            Some(Err(e)) => {
                // An unclosed `[` or `{` is noticed lines later: say where it opened.
                let mut message = e.info().to_owned();
                let char_at = |at: usize| self.text.chars().nth(at).filter(|c| "[{".contains(*c));
                if let Some((l, c)) = self
                    .open
                    .iter()
                    .rev()
                    .find_map(|&(l, i)| Some((l, char_at(i)?)))
                {
                    message.push_str(&format!(" (inside the `{c}` opened on line {l})"));
                }
                Err((line(e.marker().line()), message))
            }
            None => Ok((Event::StreamEnd, self.first_line)),
        }
    }

    fn node(&mut self, ev: Event<'a>, line: u32) -> Result<Node, SyntaxError> {
        if self.open.len() > 64 {
            return Err((line, "nested more than 64 levels deep".to_owned()));
        }
        let val = match ev {
            Event::Scalar(s, ScalarStyle::Plain, ..) => plain(&s),
            Event::Scalar(s, ..) => Val::Str(s.into_owned()),
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        (Event::SequenceEnd, _) => break Val::List(items),
                        (ev, l) => items.push(self.node(ev, l)?),
                    }
                }
            }
            Event::MappingStart(..) => {
                let mut map: Vec<(String, u32, Node)> = Vec::new();
                loop {
                    let (key, l) = match self.next()? {
                        (Event::MappingEnd, _) => break Val::Map(map),
                        (ev, l) => (self.node(ev, l)?, l),
                    };
                    let (ev, vl) = self.next()?;
                    let mut value = self.node(ev, vl)?;
                    if matches!(value.val, Val::List(_) | Val::Map(_)) {
                        value.line = l; // a block list or mapping is named by its key's line
                    }
                    let name = match key.val {
                        Val::Str(s) => s,
                        Val::Int(i) => i.to_string(),
                        Val::Bool(b) => b.to_string(),
                        _ => "(complex key)".to_owned(),
                    };
                    match map.iter().find(|(k, ..)| *k == name) {
                        Some((_, first, _)) => {
                            let message =
                                format!("`{name}` is given twice (first on line {first})");
                            self.errors.push((l, message))
                        }
                        None => map.push((name, l, value)),
                    }
                }
            }
            // Anchors and aliases have no use in front matter; refusing them also rules out
            // "billion laughs" files.
            _ => return Err((line, "aliases (`*name`) are not supported here".to_owned())),
        };
        Ok(Node { line, val })
    }
}

/// A plain (unquoted) scalar by the YAML 1.2 core schema: `2023-09-01` stays text.
fn plain(s: &str) -> Val {
    let numeric = s
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && s.bytes().any(|b| b.is_ascii_digit());
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Val::Null,
        "true" | "True" | "TRUE" => Val::Bool(true),
        "false" | "False" | "FALSE" => Val::Bool(false),
        ".inf" | "+.inf" | ".Inf" | ".INF" => Val::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Val::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Val::Float(f64::NAN),
        _ => match (s.parse::<i64>(), s.parse::<f64>()) {
            (Ok(i), _) => Val::Int(i),
            (_, Ok(f)) if numeric => Val::Float(f),
            _ => Val::Str(s.to_owned()),
        },
    }
}

/// Reads serde structs out of a `Node` tree and keeps every finding, located.
pub(crate) struct Reader {
    format: Format,
    file: Arc<str>,
    findings: RefCell<Vec<Diagnostic>>,
    /// The top-level keys: one found in a table was meant at the top.
    root_keys: Cell<&'static [&'static str]>,
}

impl Reader {
    pub(crate) fn new(format: Format, file: Arc<str>) -> Self {
        let (findings, root_keys) = Default::default();
        Reader {
            format,
            file,
            findings,
            root_keys,
        }
    }

    /// Reads `T` from `node`. Problems are recorded, not returned: `None` only when `node`
    /// is no `T` at all.
    pub(crate) fn read<T: de::DeserializeOwned>(&self, node: &Node) -> Option<T> {
        let (path, r) = (String::new(), self);
        let top = De { node, path, r };
        top.value(node, String::new(), PhantomData).ok()
    }

    pub(crate) fn error(&self, line: u32, message: impl Into<String>, help: impl Into<String>) {
        self.push(Diagnostic::error(message), line, help.into());
    }

    pub(crate) fn warn(&self, line: u32, message: impl Into<String>, help: impl Into<String>) {
        self.push(Diagnostic::warning(message), line, help.into());
    }

    fn push(&self, d: Diagnostic, line: u32, help: String) {
        let d = d.in_file(self.file.clone()).at_line(line);
        self.findings.borrow_mut().push(if help.is_empty() {
            d
        } else {
            d.with_help(help)
        });
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.findings.borrow().iter().any(Diagnostic::is_error)
    }

    /// The findings in line order.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        let mut all = self.findings.into_inner();
        all.sort_by_key(|d| d.line);
        all
    }

    /// Records an error coming out of the value `node` at `key`, once: the innermost value
    /// it comes out of is the one it is about.
    fn record(&self, node: &Node, key: &str, e: Error) -> Error {
        let expected = match e {
            Error::Recorded => return e,
            Error::Message(m) if m.starts_with("must ") => {
                self.error(node.line, format!("`{key}` {m}"), "");
                return Error::Recorded;
            }
            Error::Message(m) => {
                self.error(node.line, m, "");
                return Error::Recorded;
            }
            Error::WrongType(expected) => expected,
        };
        // serde's names for what it expected, in the author's words, with an example value.
        let list = "[\"…\", \"…\"]";
        let (expected, example) = match expected.as_str() {
            "i64" | "u32" | "u64" => ("a whole number", "3"),
            "f64" | "f32" => ("a number", "20"),
            "a string" => ("a string", "\"…\""),
            "a sequence" => ("a list", list),
            s @ "a string or a list of strings" => (s, list),
            s if s.starts_with("struct ") || s == "a map" => ("a table", ""),
            s => (s, ""),
        };
        let found = fields::a_or_an(node.kind(self.format));
        let (name, sep) = (key.rsplit('.').next().unwrap_or(key), self.format.sep());
        let mut help = match example {
            "" => String::new(),
            x => format!("for example: {name}{sep}{x}"),
        };
        if self.format == Format::Yaml
            && matches!(node.val, Val::Int(_) | Val::Float(_) | Val::Bool(_))
        {
            help.push_str(" (put the value in double quotes to make it text)");
        }
        self.error(
            node.line,
            format!("`{key}` must be {expected}, not {found}"),
            help,
        );
        Error::Recorded
    }
}

/// A value that may be absent or wrong. Only for `Reader`: a wrong value has been recorded
/// with its line before the error gets here, so it reads as absent and the rest of the file
/// is still checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Opt<T>(pub Option<T>);

impl<T> Default for Opt<T> {
    fn default() -> Self {
        Opt(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Opt<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Opt(Option::<T>::deserialize(d).ok().flatten()))
    }
}

impl Opt<String> {
    /// The text trimmed; `None` when there is none.
    pub(crate) fn text(self) -> Option<String> {
        self.0
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    }
}

impl Opt<Lined<String>> {
    /// The text trimmed, with its line; `None` when there is none.
    pub(crate) fn text(self) -> Option<(String, u32)> {
        let Lined { line, value } = self.0?;
        Opt(Some(value)).text().map(|t| (t, line))
    }
}

impl Opt<List<String>> {
    /// The items trimmed, the empty ones left out.
    pub(crate) fn texts(self) -> Vec<String> {
        let items = self.0.map_or_else(Vec::new, |l| l.0);
        items
            .into_iter()
            .filter_map(|s| Opt(Some(s)).text())
            .collect()
    }
}

/// One value or a list of them (`author: 张三` or `author: [张三, 李四]`); wrong items are
/// recorded and left out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct List<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Opt<T>>()? {
                    out.extend(item.0);
                }
                Ok(List(out))
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}

/// A value with the file line it was written on, for findings made after reading. `De`
/// knows the name and hands it the sequence (line, value).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename = "folio::Lined")]
pub(crate) struct Lined<T> {
    pub line: u32,
    pub value: T,
}

/// A whole number from `LO` to `HI`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "i64")]
pub(crate) struct Whole<const LO: u32, const HI: u32>(pub u32);

impl<const LO: u32, const HI: u32> TryFrom<i64> for Whole<LO, HI> {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        let n = u32::try_from(n).ok().filter(|n| (LO..=HI).contains(n));
        n.map(Whole).ok_or_else(|| match (LO, HI) {
            (0, u32::MAX) => format!("must be a whole number from 0 to {HI}"),
            (_, u32::MAX) => format!("must be at least {LO}"),
            _ => format!("must be from {LO} to {HI}"),
        })
    }
}

/// The reader's error, until `Reader::record` gives it its line.
#[derive(Debug)]
pub(crate) enum Error {
    Message(String),
    /// What was expected instead of a value of the wrong type.
    WrongType(String),
    Recorded,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Message(text) | Error::WrongType(text) => f.write_str(text),
            Error::Recorded => f.write_str("(recorded)"),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error::Message(message.to_string())
    }
    fn invalid_type(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Error::WrongType(expected.to_string())
    }
}

struct De<'a> {
    node: &'a Node,
    /// `page.margins.top`; list items share their list's path.
    path: String,
    r: &'a Reader,
}

impl<'a> De<'a> {
    /// Reads the value `node` at `path` with `seed`, recording what goes wrong there.
    fn value<'de, S: DeserializeSeed<'de>>(
        &self,
        node: &'a Node,
        path: String,
        seed: S,
    ) -> Result<S::Value, Error> {
        let r = self.r;
        seed.deserialize(De {
            node,
            path: path.clone(),
            r,
        })
        .map_err(|e| r.record(node, &path, e))
    }

    fn seq<'de, V: Visitor<'de>>(self, items: &'a [Node], v: V) -> Result<V::Value, Error> {
        v.visit_seq(Seq {
            items: items.iter(),
            de: &self,
        })
    }
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.node.val {
            Val::Null => v.visit_unit(),
            Val::Bool(b) => v.visit_bool(*b),
            Val::Int(i) => v.visit_i64(*i),
            Val::Float(f) => v.visit_f64(*f),
            Val::Str(s) | Val::Date(s, _) => v.visit_str(s),
            Val::List(items) => self.seq(items, v),
            Val::Map(entries) => v.visit_map(Map {
                entries: entries.iter(),
                value: None,
                known: None,
                de: &self,
            }),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        if name == "folio::Lined" {
            let line = Some(self.node.line);
            return v.visit_seq(LinedSeq {
                line,
                de: Some(self),
            });
        }
        let Val::Map(entries) = &self.node.val else {
            return self.deserialize_any(v);
        };
        if self.path.is_empty() {
            self.r.root_keys.set(fields);
        }
        v.visit_map(Map {
            entries: entries.iter(),
            value: None,
            known: Some(fields),
            de: &self,
        })
    }

    /// A single value where a list is wanted is a list of one.
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.node.val {
            Val::List(items) => self.seq(items, v),
            Val::Map(_) => self.deserialize_any(v),
            _ => {
                let one = std::slice::from_ref(self.node);
                self.seq(one, v)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.node.val {
            Val::Null => v.visit_none(),
            // `Opt` is read as an option and drops the error: record it first.
            _ => {
                let (node, path, r) = (self.node, self.path.clone(), self.r);
                v.visit_some(self).map_err(|e| r.record(node, &path, e))
            }
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        v.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct tuple tuple_struct map enum identifier ignored_any
    }
}

struct Map<'a, 'b> {
    entries: std::slice::Iter<'a, (String, u32, Node)>,
    value: Option<&'a (String, u32, Node)>,
    /// The struct's fields, when reading a struct: other keys are reported.
    known: Option<&'static [&'static str]>,
    de: &'b De<'a>,
}

impl<'de> MapAccess<'de> for Map<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        let (key, line, _) = entry;
        if let Some(known) = self.known.filter(|k| !k.contains(&key.as_str())) {
            let table = Some(self.de.path.as_str()).filter(|p| !p.is_empty());
            let (message, mut help) = fields::unknown_key(key, known, table);
            if table.is_some() && self.de.r.root_keys.get().contains(&key.as_str()) {
                help = format!(
                    "`{key}` is a top-level key: move it above the first [table] header, \
                     otherwise TOML puts it inside that table"
                );
            }
            self.de.r.warn(*line, message, help);
        }
        seed.deserialize(key.as_str().into_deserializer()).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let (key, _, node) = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("no key"))?;
        let path = match self.de.path.as_str() {
            "" => key.clone(),
            parent => format!("{parent}.{key}"),
        };
        self.de.value(node, path, seed)
    }
}

struct Seq<'a, 'b> {
    items: std::slice::Iter<'a, Node>,
    de: &'b De<'a>,
}

impl<'de> SeqAccess<'de> for Seq<'_, '_> {
    type Error = Error;
    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        self.de.value(node, self.de.path.clone(), seed).map(Some)
    }
}

/// `Lined<T>` reads as the sequence (line, value).
struct LinedSeq<'a> {
    line: Option<u32>,
    de: Option<De<'a>>,
}

impl<'de> SeqAccess<'de> for LinedSeq<'_> {
    type Error = Error;
    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        if let Some(line) = self.line.take() {
            return seed.deserialize(line.into_deserializer()).map(Some);
        }
        self.de.take().map(|de| seed.deserialize(de)).transpose()
    }
}
