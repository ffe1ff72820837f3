//! The fact envelope of CONTRACT.md §1 and the JSON Lines writer. JSON is
//! written by hand, fields in a fixed order, so the bytes depend on nothing
//! but the generator. A fact is rendered as a *template*: its own `ref` and
//! its target's are numbered later, in file order (`refs.rs`), and stand in
//! the template as one raw slot byte each ([`SLOT_REF`], [`SLOT_TARGET`]).

use chrono::{NaiveDate, NaiveDateTime};

/// Raw byte standing for the fact's own `ref` (quoted string) in a template.
/// Rendered JSON escapes every control character, so it never occurs otherwise.
pub const SLOT_REF: u8 = 0x01;
/// Raw byte standing for the target's `ref` (quoted string) in a template.
pub const SLOT_TARGET: u8 = 0x02;

/// A JSON value with ordered objects.
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    S(String),
    I(i64),
    /// A number as its exact decimal literal (an amount such as `123.45`).
    Dec(String),
    B(bool),
    A(Vec<J>),
    O(Vec<(&'static str, J)>),
    /// A template slot ([`SLOT_REF`] or [`SLOT_TARGET`]), written as one raw byte.
    Slot(u8),
}

impl J {
    pub fn s(x: impl Into<String>) -> J {
        J::S(x.into())
    }
    pub fn date(d: NaiveDate) -> J {
        J::S(d.format("%Y-%m-%d").to_string())
    }
    /// The value as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
    fn write(&self, out: &mut String) {
        match self {
            J::S(s) => write_str(out, s),
            J::I(i) => out.push_str(&i.to_string()),
            J::Dec(d) => out.push_str(d),
            J::B(b) => out.push_str(if *b { "true" } else { "false" }),
            J::A(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.write(out);
                }
                out.push(']');
            }
            J::Slot(b) => out.push(char::from(*b)),
            J::O(kv) => {
                out.push('{');
                for (i, (k, v)) in kv.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Writes `s` as a JSON string (quotes, escapes).
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A kind-specific field value: plain JSON, or the `ref` of another fact
/// (by index in generation order), resolved once refs are numbered.
#[derive(Clone, Debug)]
pub enum Field {
    V(J),
    Target(usize),
}

/// How a fact's `ref` (document number) is made. Numbers are handed out in
/// file order, so documents of one series are numbered chronologically.
#[derive(Clone, Debug)]
pub enum RefSpec {
    /// `{prefix}〔{year}〕{n:0width}号`, numbered per (prefix, year).
    Doc {
        prefix: &'static str,
        year: i32,
        width: usize,
    },
    /// A sampling notice item: `{prefix}〔{year}〕{n:04}号-{k:02}`: one notice
    /// number per (prefix, year, month), items numbered within it.
    Notice {
        prefix: &'static str,
        year: i32,
        month: u32,
    },
    /// A court case number `（{year}）{court}{n}号`.
    Court { court: &'static str, year: i32 },
    /// Already unique text.
    Fixed(String),
}

impl RefSpec {
    /// A `Doc` reference of series `prefix` in `year`, numbers `width` wide.
    pub fn doc(prefix: &'static str, year: i32, width: usize) -> RefSpec {
        RefSpec::Doc {
            prefix,
            year,
            width,
        }
    }
}

/// One fact line.
#[derive(Clone, Debug)]
pub struct Fact {
    pub kind: &'static str,
    pub reference: RefSpec,
    pub enterprise: String,
    /// Valid date (China civil date).
    pub occurred: NaiveDate,
    /// Rendering of `occurred_on` when it is given as an RFC 3339 timestamp.
    pub occurred_text: Option<String>,
    /// Recorded time, China wall-clock (+08:00).
    pub recorded: NaiveDateTime,
    pub fields: Vec<(&'static str, Field)>,
    pub source: Option<&'static str>,
    pub note: Option<String>,
}

impl Fact {
    pub fn new(
        kind: &'static str,
        reference: RefSpec,
        enterprise: &str,
        occurred: NaiveDate,
        recorded: NaiveDateTime,
    ) -> Fact {
        assert!(
            recorded.date() >= occurred,
            "{kind}: recorded {recorded} before valid date {occurred}"
        );
        Fact {
            kind,
            reference,
            enterprise: enterprise.to_string(),
            occurred,
            occurred_text: None,
            recorded,
            fields: Vec::new(),
            source: None,
            note: None,
        }
    }
    pub fn f(mut self, name: &'static str, value: J) -> Fact {
        self.fields.push((name, Field::V(value)));
        self
    }
    pub fn target(mut self, idx: usize) -> Fact {
        self.fields.push(("target", Field::Target(idx)));
        self
    }
    pub fn src(mut self, s: &'static str) -> Fact {
        self.source = Some(s);
        self
    }
    pub fn note(mut self, n: impl Into<String>) -> Fact {
        self.note = Some(n.into());
        self
    }
    /// The plain value of a kind-specific field.
    pub fn get(&self, name: &str) -> Option<&J> {
        self.fields.iter().find_map(|(k, v)| match v {
            Field::V(j) if *k == name => Some(j),
            _ => None,
        })
    }
    /// Index of the target fact, if any.
    pub fn target_idx(&self) -> Option<usize> {
        self.fields.iter().find_map(|(_, v)| match v {
            Field::Target(i) => Some(*i),
            _ => None,
        })
    }
}

/// Renders one fact as a JSON line template: `ref` and the target field
/// (at most one) are slots, filled by `refs::fill`.
pub fn render_template(f: &Fact) -> String {
    let mut kv: Vec<(&'static str, J)> = vec![
        ("kind", J::s(f.kind)),
        ("ref", J::Slot(SLOT_REF)),
        ("enterprise", J::s(&f.enterprise)),
        (
            "occurred_on",
            J::s(
                f.occurred_text
                    .clone()
                    .unwrap_or_else(|| f.occurred.format("%Y-%m-%d").to_string()),
            ),
        ),
    ];
    for (k, v) in &f.fields {
        let j = match v {
            Field::V(j) => j.clone(),
            Field::Target(_) => J::Slot(SLOT_TARGET),
        };
        kv.push((k, j));
    }
    if let Some(s) = f.source {
        kv.push(("source", J::s(s)));
    }
    if let Some(n) = &f.note {
        kv.push(("note", J::s(n)));
    }
    kv.push((
        "recorded_at",
        J::s(f.recorded.format("%Y-%m-%dT%H:%M:%S+08:00").to_string()),
    ));
    let mut out = String::new();
    J::O(kv).write(&mut out);
    out
}
