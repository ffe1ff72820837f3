//! Clauses: the values a rule-set file set, as validated, in a tree shaped
//! like the file (docs/RULES.md). The reader records one clause per key it
//! reads, so `rules show` and `rules diff` know every key without a list of
//! their own: a key added to the format appears in both by itself.

use model::{ChinaDate, Points};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::fmt;

/// The validated value of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leaf {
    /// A string (an id, a name, a choice such as `licensed`).
    Text(String),
    /// A China civil date.
    Date(ChinaDate),
    /// An optional key left out (`effective_to` = open-ended).
    Absent,
    /// Points, in tenths.
    Points(Points),
    /// A whole number (months, yuan, counts, per cent).
    Int(i64),
    /// A switch.
    Bool(bool),
    /// A list of ids or names, whose order does not matter.
    Ids(Vec<String>),
    /// An optional key the file leaves out, with the value it has then
    /// (docs/RULES.md gives each default).
    Default(Box<Leaf>),
}

impl Leaf {
    /// The value in force: a default's value, else the leaf itself.
    pub fn value(&self) -> &Leaf {
        match self {
            Leaf::Default(v) => v.value(),
            v => v,
        }
    }
}

/// A key's clause: a value, a table of clauses, or a list of tables
/// (`[[dimensions]]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Leaf(Leaf),
    Table(Clauses),
    List(Vec<Clauses>),
}

/// The clauses of one table, in the order the reader reads them (the
/// schema's order; free-keyed tables such as `points`: the file's order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clauses(pub Vec<(String, Node)>);

impl Clauses {
    /// The clause of `key`, if the table has one.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, n)| n)
    }

    /// The table's `id` (dimensions are told apart by it), if it has one.
    pub fn id(&self) -> Option<&str> {
        match self.get("id") {
            Some(Node::Leaf(Leaf::Text(s))) => Some(s),
            _ => None,
        }
    }

    /// The table's clauses, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.0.iter().map(|(k, n)| (k.as_str(), n))
    }
}

impl fmt::Display for Leaf {
    /// Points with one decimal, dates as YYYY-MM-DD, lists as `[a, b]`, an
    /// absent optional key as `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Leaf::Text(s) => f.write_str(s),
            Leaf::Date(d) => write!(f, "{d}"),
            Leaf::Absent => f.write_str("none"),
            Leaf::Points(p) => write!(f, "{p}"),
            Leaf::Int(i) => write!(f, "{i}"),
            Leaf::Bool(b) => write!(f, "{b}"),
            Leaf::Ids(v) => write!(f, "[{}]", v.join(", ")),
            Leaf::Default(v) => write!(f, "{v} (default)"),
        }
    }
}

impl fmt::Display for Node {
    /// On one line: a table as `{key = value, …}`; a default is marked
    /// `(default)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Leaf(l) => write!(f, "{l}"),
            Node::Table(c) => write!(f, "{c}"),
            Node::List(items) => {
                f.write_str("[")?;
                for (i, c) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl fmt::Display for Clauses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (k, n)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k} = {n}")?;
        }
        f.write_str("}")
    }
}

impl Serialize for Leaf {
    /// JSON: points as a number with one decimal, dates as strings, an
    /// absent key as null, a default as its value.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Leaf::Text(t) => s.serialize_str(t),
            Leaf::Date(d) => d.serialize(s),
            Leaf::Absent => s.serialize_none(),
            Leaf::Points(p) => p.serialize(s),
            Leaf::Int(i) => s.serialize_i64(*i),
            Leaf::Bool(b) => s.serialize_bool(*b),
            Leaf::Ids(v) => v.serialize(s),
            Leaf::Default(v) => v.serialize(s),
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Leaf(l) => l.serialize(s),
            Node::Table(c) => c.serialize(s),
            Node::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for c in items {
                    seq.serialize_element(c)?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for Clauses {
    /// An object with one member per key.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, n) in &self.0 {
            map.serialize_entry(k, n)?;
        }
        map.end()
    }
}
