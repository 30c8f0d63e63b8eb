//! One spanned reader for everything an author configures: `bulletin.toml` and the YAML or
//! TOML front matter of each article.
//!
//! Both formats are parsed with positions (toml's `DeTable`, saphyr's event parser) into one
//! `Node` tree that knows the file line of every key and value. Plain serde structs are read
//! from that tree, so the checks live in small validating types (`Whole`, `IsoDate`,
//! `LangTag`, …) rather than in hand walkers, and every finding names its line:
//! - a value that fails is recorded at its line and then read as absent (`Opt`), so one run
//!   reports every problem of a file, not only the first;
//! - a key that no field reads is reported against the struct's own field list (which serde
//!   hands to `deserialize_struct`), with the nearest known key.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::fields;
use super::source::LineIndex;
use crate::diagnostics::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Yaml,
    Toml,
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
    /// A TOML local date, as written (`2023-09-01`).
    Date(String),
    /// A TOML date-time (or offset date-time), as written.
    DateTime(String),
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
            Val::Date(_) => ("date", "date"),
            Val::DateTime(_) => ("date-time", "date-time"),
            Val::List(_) => ("array", "list"),
            Val::Map(_) => ("table", "mapping"),
        };
        if format == Format::Toml { toml } else { yaml }
    }
}

/// A syntax error: file line and message. The parsers stop at these.
pub(crate) type SyntaxError = (u32, String);

/// Parses TOML whose first line is file line `first_line`; every syntax error, one per line.
pub(crate) fn parse_toml(text: &str, first_line: u32) -> Result<Node, Vec<SyntaxError>> {
    use toml::de::{DeTable, DeValue};
    let lines = LineIndex::new(text);
    let at = |offset: usize| first_line.saturating_add(lines.line(offset) - 1);
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut found: Vec<SyntaxError> = Vec::new();
        for e in errors {
            let line = e.span().map_or(first_line, |s| at(s.start));
            // Later errors on the same line are echoes of the first.
            if !found.iter().any(|(l, _)| *l == line) {
                found.push((line, e.message().trim().to_owned()));
            }
        }
        return Err(found);
    }
    fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
        s.replace('_', "").parse().ok()
    }
    fn map(t: &DeTable<'_>, at: &dyn Fn(usize) -> u32) -> Val {
        let mut entries: Vec<_> = t.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let entries = entries.into_iter();
        Val::Map(
            entries
                .map(|(k, v)| (k.get_ref().to_string(), at(k.span().start), node(v, at)))
                .collect(),
        )
    }
    fn node(v: &toml::Spanned<DeValue<'_>>, at: &dyn Fn(usize) -> u32) -> Node {
        let val = match v.get_ref() {
            DeValue::String(s) => Val::Str(s.to_string()),
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .map_or(Val::Float(f64::INFINITY), Val::Int),
            DeValue::Float(f) => Val::Float(number(f.as_str()).unwrap_or(f64::NAN)),
            DeValue::Boolean(b) => Val::Bool(*b),
            DeValue::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
                Val::Date(d.to_string())
            }
            DeValue::Datetime(d) => Val::DateTime(d.to_string()),
            DeValue::Array(items) => Val::List(items.iter().map(|i| node(i, at)).collect()),
            DeValue::Table(t) => map(t, at),
        };
        Node {
            line: at(v.span().start),
            val,
        }
    }
    Ok(Node {
        line: first_line,
        val: map(table.get_ref(), &at),
    })
}

/// Parses YAML whose first line is file line `first_line`. A syntax error stops the parse; a
/// repeated key is recorded in `errors` (the first value is kept) and the parse goes on.
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
        anchors: Vec::new(),
        open: Vec::new(),
        budget: 100_000,
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
            (ev, line) => return y.node(ev, line, 0),
        }
    }
}

struct Yaml<'a, 'e> {
    parser: Parser<'a, StrInput<'a>>,
    text: &'a str,
    first_line: u32,
    /// Collections being read: (line, character index of their start).
    open: Vec<(u32, usize)>,
    anchors: Vec<(usize, Node)>,
    /// Nodes still allowed, aliases counted at their full size: a "billion laughs" file
    /// must fail, not fill memory.
    budget: usize,
    errors: &'e mut Vec<SyntaxError>,
}

impl<'a> Yaml<'a, '_> {
    fn line(&self, l: usize) -> u32 {
        self.first_line
            .saturating_add(super::source::to_line(l.saturating_sub(1)))
    }

    fn next(&mut self) -> Result<(Event<'a>, u32), SyntaxError> {
        match self.parser.next_event() {
            Some(Ok((ev, span))) => {
                let line = self.line(span.start.line());
                match ev {
                    Event::SequenceStart(..) | Event::MappingStart(..) => {
                        self.open.push((line, span.start.index()))
                    }
                    Event::SequenceEnd | Event::MappingEnd => _ = self.open.pop(),
                    _ => {}
                }
                Ok((ev, line))
            }
            Some(Err(e)) => {
                // An unclosed `[` or `{` is noticed lines later: name where it opened.
                let char_at = |at: usize| self.text.chars().nth(at);
                let flow = self
                    .open
                    .iter()
                    .rev()
                    .find(|(_, at)| matches!(char_at(*at), Some('[' | '{')));
                let mut message = e.info().to_owned();
                if let Some((line, at)) = flow {
                    let bracket = char_at(*at).unwrap_or('[');
                    message.push_str(&format!(" (inside the `{bracket}` opened on line {line})"));
                }
                Err((self.line(e.marker().line()), message))
            }
            None => Ok((Event::StreamEnd, self.first_line)),
        }
    }

    fn node(&mut self, ev: Event<'a>, line: u32, depth: usize) -> Result<Node, SyntaxError> {
        let too_big = |what: &str| (line, format!("the front matter is too {what}"));
        if depth > 64 {
            return Err(too_big("deeply nested"));
        }
        self.budget = self.budget.checked_sub(1).ok_or_else(|| too_big("large"))?;
        let (anchor, val) = match ev {
            Event::Scalar(s, ScalarStyle::Plain, anchor, _) => (anchor, plain(&s)),
            Event::Scalar(s, _, anchor, _) => (anchor, Val::Str(s.into_owned())),
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| n.clone());
                let node =
                    node.ok_or_else(|| (line, "an alias to an unknown anchor".to_owned()))?;
                self.budget = self
                    .budget
                    .checked_sub(size(&node))
                    .ok_or_else(|| too_big("large"))?;
                return Ok(Node { line, ..node });
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        (Event::SequenceEnd, _) => break,
                        (ev, l) => items.push(self.node(ev, l, depth + 1)?),
                    }
                }
                (anchor, Val::List(items))
            }
            Event::MappingStart(anchor, _) => {
                let mut map: Vec<(String, u32, Node)> = Vec::new();
                loop {
                    let (ev, l) = match self.next()? {
                        (Event::MappingEnd, _) => break,
                        other => other,
                    };
                    let key = self.node(ev, l, depth + 1)?;
                    let (ev, vl) = self.next()?;
                    let value = self.node(ev, vl, depth + 1)?;
                    let name = match key.val {
                        Val::Str(s) => s,
                        Val::Int(i) => i.to_string(),
                        Val::Bool(b) => b.to_string(),
                        _ => "(complex key)".to_owned(),
                    };
                    match map.iter().find(|(k, ..)| *k == name) {
                        Some((_, first, _)) => self.errors.push((
                            l,
                            format!("`{name}` is given twice (first on line {first})"),
                        )),
                        None => map.push((name, l, value)),
                    }
                }
                (anchor, Val::Map(map))
            }
            other => return Err((line, format!("unexpected {other:?}"))),
        };
        let node = Node { line, val };
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        Ok(node)
    }
}

fn size(n: &Node) -> usize {
    match &n.val {
        Val::List(items) => 1 + items.iter().map(size).sum::<usize>(),
        Val::Map(m) => 1 + m.iter().map(|(.., v)| 1 + size(v)).sum::<usize>(),
        _ => 1,
    }
}

/// A plain (unquoted) scalar by the YAML 1.2 core schema: `2023-09-01` stays text.
fn plain(s: &str) -> Val {
    let numeric = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    };
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Val::Null,
        "true" | "True" | "TRUE" => Val::Bool(true),
        "false" | "False" | "FALSE" => Val::Bool(false),
        ".inf" | "+.inf" | ".Inf" | ".INF" => Val::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Val::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Val::Float(f64::NAN),
        _ => match (s.parse::<i64>(), s.parse::<f64>()) {
            (Ok(i), _) => Val::Int(i),
            (_, Ok(f)) if numeric(s) && s.bytes().any(|b| b.is_ascii_digit()) => Val::Float(f),
            _ => Val::Str(s.to_owned()),
        },
    }
}

/// Reads serde structs out of a `Node` tree and keeps every finding, located.
pub(crate) struct Reader {
    format: Format,
    file: Arc<str>,
    /// An example value per key path, for the help line of a wrong value.
    examples: &'static [(&'static str, &'static str)],
    findings: RefCell<Vec<Diagnostic>>,
    /// The top-level keys: found one level down, the author meant it at the top.
    root_keys: Cell<&'static [&'static str]>,
}

impl Reader {
    pub(crate) fn new(
        format: Format,
        file: Arc<str>,
        examples: &'static [(&'static str, &'static str)],
    ) -> Self {
        let (findings, root_keys) = (RefCell::default(), Cell::new(&[][..]));
        Reader {
            format,
            file,
            examples,
            findings,
            root_keys,
        }
    }

    /// Reads `T` from `node`. Problems are recorded, never returned: `None` only when `node`
    /// is not a `T` at all.
    pub(crate) fn read<T: de::DeserializeOwned>(&self, node: &Node) -> Option<T> {
        T::deserialize(De {
            node,
            path: String::new(),
            r: self,
        })
        .ok()
    }

    pub(crate) fn error(&self, line: u32, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::error(message)
            .in_file(self.file.clone())
            .at_line(line);
        self.findings.borrow_mut().push(d.with_help(help));
    }

    pub(crate) fn warn(&self, line: u32, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::warning(message)
            .in_file(self.file.clone())
            .at_line(line);
        self.findings.borrow_mut().push(d.with_help(help));
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

    /// "for example: key = value" in the file's own syntax.
    fn example(&self, path: &str) -> String {
        let key = path.rsplit('.').next().unwrap_or(path);
        let sep = if self.format == Format::Toml {
            " = "
        } else {
            ": "
        };
        match self.examples.iter().find(|(k, _)| *k == path) {
            Some((_, value)) => format!("for example: {key}{sep}{value}"),
            None => format!("check the value of `{key}`"),
        }
    }
}

/// A value that may be absent or wrong. Only for `Reader`: a wrong value has already been
/// recorded with its line when the error reaches here, so it reads as absent and the rest of
/// the file is still checked.
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

/// A value with the file line it was written on, for findings made after reading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lined<T> {
    pub line: u32,
    pub value: T,
}

const LINED: &str = "folio::Lined";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lined<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Lined<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lined<T>, A::Error> {
                let line = seq.next_element()?.unwrap_or(0);
                let value = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("no value"))?;
                Ok(Lined { line, value })
            }
        }
        d.deserialize_newtype_struct(LINED, V(PhantomData))
    }
}

/// Why a `Check` value was refused.
pub(crate) enum Bad {
    /// Not even the right type: "`key` must be WHAT, not a …".
    Type,
    /// The right type but a wrong value; a message starting with "must" gets the key in front.
    Value(String),
}

/// A scalar read from text or a number and validated; `checked!` gives it `Deserialize`.
pub(crate) trait Check: Sized {
    /// What the value must be: "a date", "a whole number".
    const WHAT: &'static str;
    fn from_text(_: &str) -> Result<Self, Bad> {
        Err(Bad::Type)
    }
    /// `whole` is true for an integer in the file (`3`, not `3.0`).
    fn from_number(_: f64, _whole: bool) -> Result<Self, Bad> {
        Err(Bad::Type)
    }
}

pub(crate) struct CheckVisitor<T>(pub PhantomData<T>);

impl<T: Check> CheckVisitor<T> {
    fn done<E: de::Error>(&self, r: Result<T, Bad>) -> Result<T, E> {
        r.map_err(|bad| match bad {
            Bad::Type => E::invalid_type(de::Unexpected::Other(""), self),
            Bad::Value(m) => E::custom(m),
        })
    }
}

impl<T: Check> Visitor<'_> for CheckVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
        self.done(T::from_text(s))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<T, E> {
        self.done(T::from_number(n as f64, true))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<T, E> {
        self.done(T::from_number(n as f64, true))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<T, E> {
        self.done(T::from_number(n, false))
    }
}

/// `Deserialize` for `Check` types.
macro_rules! checked {
    ($($t:ty),*) => {$(
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any($crate::content::spanned::CheckVisitor::<$t>(std::marker::PhantomData))
            }
        }
    )*};
}
pub(crate) use checked;

/// A whole number from `LO` to `HI`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Whole<const LO: u32, const HI: u32>(pub u32);

impl<const LO: u32, const HI: u32> Check for Whole<LO, HI> {
    const WHAT: &'static str = "a whole number";
    fn from_number(n: f64, whole: bool) -> Result<Self, Bad> {
        if !whole {
            return Err(Bad::Type);
        }
        match (n >= f64::from(LO) && n <= f64::from(HI), LO, HI) {
            (true, ..) => Ok(Whole(n as u32)),
            (false, 0, u32::MAX) => {
                Err(Bad::Value(format!("must be a whole number from 0 to {HI}")))
            }
            (false, _, u32::MAX) => Err(Bad::Value(format!("must be at least {LO}"))),
            (false, ..) => Err(Bad::Value(format!("must be from {LO} to {HI}"))),
        }
    }
}

impl<'de, const LO: u32, const HI: u32> Deserialize<'de> for Whole<LO, HI> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckVisitor::<Self>(PhantomData))
    }
}

/// The reader's error: a message, or the expectation of a wrong type. It gets its line and
/// key from the innermost node it passes, which records it.
#[derive(Debug)]
pub(crate) struct Error {
    message: String,
    expected: Option<String>,
    recorded: bool,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected.as_deref().unwrap_or(&self.message))
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error {
            message: message.to_string(),
            expected: None,
            recorded: false,
        }
    }
    fn invalid_type(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Error {
            message: String::new(),
            expected: Some(expected.to_string()),
            recorded: false,
        }
    }
}

struct De<'a> {
    node: &'a Node,
    /// `page.margins.top`; list items share their list's path.
    path: String,
    r: &'a Reader,
}

impl<'a> De<'a> {
    fn child(&self, node: &'a Node, key: &str) -> De<'a> {
        let path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        };
        De {
            node,
            path,
            r: self.r,
        }
    }

    /// Records an error the first time it passes a node: the innermost node is the one it is about.
    fn seen<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|mut e| {
            if !e.recorded {
                e.recorded = true;
                self.record(&e);
            }
            e
        })
    }

    fn record(&self, e: &Error) {
        let key = &self.path;
        let mut help = self.r.example(key);
        let message = match &e.expected {
            Some(expected) => {
                let expected = match expected.as_str() {
                    "a sequence" => "a list",
                    s if s.starts_with("struct ") || s == "a map" => "a table",
                    s => s,
                };
                let numeric = matches!(self.node.val, Val::Int(_) | Val::Float(_) | Val::Bool(_));
                if self.r.format == Format::Yaml && numeric {
                    help.push_str(" (put the value in double quotes to make it text)");
                }
                let found = fields::a_or_an(self.node.kind(self.r.format));
                format!("`{key}` must be {expected}, not {found}")
            }
            None if e.message.starts_with("must ") => format!("`{key}` {}", e.message),
            None => e.message.clone(),
        };
        self.r.error(self.node.line, message, help);
    }

    fn map<'de, V: Visitor<'de>>(
        &self,
        entries: &'a [(String, u32, Node)],
        known: Option<&'static [&'static str]>,
        v: V,
    ) -> Result<V::Value, Error> {
        let map = Map {
            entries: entries.iter(),
            value: None,
            known,
            de: self,
        };
        self.seen(v.visit_map(map))
    }

    fn seq<'de, V: Visitor<'de>>(&self, items: &'a [Node], v: V) -> Result<V::Value, Error> {
        self.seen(v.visit_seq(Seq {
            items: items.iter(),
            de: self,
        }))
    }
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let result = match &self.node.val {
            Val::Null => v.visit_unit(),
            Val::Bool(b) => v.visit_bool(*b),
            Val::Int(i) => v.visit_i64(*i),
            Val::Float(f) => v.visit_f64(*f),
            Val::Str(s) | Val::Date(s) | Val::DateTime(s) => v.visit_str(s),
            Val::List(items) => return self.seq(items, v),
            Val::Map(entries) => return self.map(entries, None, v),
        };
        self.seen(result)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        let Val::Map(entries) = &self.node.val else {
            return self.deserialize_any(v);
        };
        if self.path.is_empty() {
            self.r.root_keys.set(fields);
        }
        self.map(entries, Some(fields), v)
    }

    /// A single value where a list is wanted is a list of one.
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.node.val {
            Val::List(items) => self.seq(items, v),
            Val::Map(_) => self.deserialize_any(v),
            _ => self.seq(std::slice::from_ref(self.node), v),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self.node.val {
            Val::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        if name == LINED {
            let line = Some(self.node.line);
            return v.visit_seq(LinedSeq {
                line,
                de: Some(self),
            });
        }
        v.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct tuple tuple_struct map enum identifier
    }
}

struct Map<'a, 'b> {
    entries: std::slice::Iter<'a, (String, u32, Node)>,
    value: Option<&'a (String, u32, Node)>,
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
            .ok_or_else(|| de::Error::custom("a value without a key"))?;
        seed.deserialize(self.de.child(node, key))
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
        seed.deserialize(De {
            node,
            path: self.de.path.clone(),
            r: self.de.r,
        })
        .map(Some)
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
