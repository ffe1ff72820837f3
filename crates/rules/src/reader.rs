//! A reader over a parsed TOML document (toml_edit keeps every key's span)
//! that reports every problem with its line and key path instead of
//! stopping at the first, marks each key it reads as known (a key nobody
//! reads is an unknown key) and records each valid value as a clause.

use crate::clause::{Clauses, Leaf, Node};
use crate::Problem;
use model::{ChinaDate, Points};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::ops::RangeInclusive;
use toml_edit::{Item, TableLike, Value};

/// The file's line starts and the problems found so far.
pub(crate) struct Doc {
    starts: Vec<usize>,
    problems: RefCell<Vec<Problem>>,
}

impl Doc {
    pub(crate) fn new(text: &str) -> Doc {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Doc { starts, problems: RefCell::new(Vec::new()) }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        u32::try_from(self.starts.partition_point(|&s| s <= offset)).unwrap_or(u32::MAX)
    }

    fn report(&self, line: u32, key: String, message: String) {
        self.problems.borrow_mut().push(Problem { line, key, message });
    }

    /// The problems, in the order of their lines.
    pub(crate) fn into_problems(self) -> Vec<Problem> {
        let mut p = self.problems.into_inner();
        p.sort_by_key(|p| p.line);
        p
    }
}

/// One table of the file being read: the root, `[grades]`, an inline
/// `points = { … }`, one `[[dimensions]]` element.
pub(crate) struct Table<'a> {
    doc: &'a Doc,
    /// `None`: an optional table the file leaves out (read as empty, so
    /// that its keys' defaults are recorded).
    t: Option<&'a dyn TableLike>,
    /// Key path of the table in problems (`dimensions[2]`); empty at the root.
    loc: String,
    /// Its header's line: where a missing key is reported.
    line: u32,
    seen: BTreeSet<String>,
    clauses: Clauses,
}

/// What an item is, for "must be a number, not a string".
fn kind(item: &Item) -> &'static str {
    match item {
        Item::Value(v) => value_kind(v),
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::None => "nothing",
    }
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::InlineTable(_) => "a table",
    }
}

/// A value for a message: a string quoted, anything else by its kind.
fn shown(v: &Value) -> String {
    v.as_str().map_or_else(|| value_kind(v).to_string(), |s| format!("{s:?}"))
}

impl<'a> Table<'a> {
    /// The document's root table.
    pub(crate) fn root(doc: &'a Doc, t: &'a dyn TableLike) -> Table<'a> {
        Table { doc, t: Some(t), loc: String::new(), line: 1, seen: BTreeSet::new(), clauses: Clauses::default() }
    }

    fn child(&self, t: Option<&'a dyn TableLike>, loc: String, line: u32) -> Table<'a> {
        Table { doc: self.doc, t, loc, line, seen: BTreeSet::new(), clauses: Clauses::default() }
    }

    /// The table's own key path (`dimensions[2]`; empty at the root).
    pub(crate) fn loc(&self) -> &str {
        &self.loc
    }

    /// The key path of `key` in this table.
    pub(crate) fn path(&self, key: &str) -> String {
        // A key with dots, spaces or line breaks is quoted, so that a path
        // stays one unambiguous line.
        let key = if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            key.to_string()
        } else {
            format!("{key:?}")
        };
        if self.loc.is_empty() {
            key
        } else {
            format!("{}.{key}", self.loc)
        }
    }

    /// The line of `key` in the file (the table's line when it is absent).
    pub(crate) fn line_of(&self, key: &str) -> u32 {
        let Some(t) = self.t else { return self.line };
        let span = t.key(key).and_then(|k| k.span()).or_else(|| t.get(key).and_then(Item::span));
        span.map_or(self.line, |s| self.doc.line(s.start))
    }

    /// Reports a problem with the value of `key`, at its line.
    pub(crate) fn problem(&self, key: &str, message: impl Into<String>) {
        self.doc.report(self.line_of(key), self.path(key), message.into());
    }

    fn record(&mut self, key: &str, node: Node) {
        self.clauses.0.push((key.to_string(), node));
    }

    /// The item of `key`, marked known; a missing key is a problem when required.
    fn item(&mut self, key: &str, required: bool) -> Option<&'a Item> {
        self.seen.insert(key.to_string());
        match self.t.and_then(|t| t.get(key)) {
            Some(i) if !i.is_none() => Some(i),
            _ => {
                if required {
                    self.doc.report(self.line, self.path(key), "is missing (a required key)".into());
                }
                None
            }
        }
    }

    fn value(&mut self, key: &str, expected: &str) -> Option<&'a Value> {
        let item = self.item(key, true)?;
        let v = item.as_value();
        if v.is_none() {
            self.problem(key, format!("must be {expected}, not {}", kind(item)));
        }
        v
    }

    /// A required string.
    pub(crate) fn text(&mut self, key: &str) -> Option<String> {
        let v = self.value(key, "a string")?;
        let Some(s) = v.as_str() else {
            self.problem(key, format!("must be a string, not {}", value_kind(v)));
            return None;
        };
        self.record(key, Node::Leaf(Leaf::Text(s.to_string())));
        Some(s.to_string())
    }

    /// A required string that must be one of `options` (name, meaning).
    pub(crate) fn choice<T: Copy>(&mut self, key: &str, options: &[(&str, T)]) -> Option<T> {
        let v = self.value(key, "a string")?;
        let found = v.as_str().and_then(|s| options.iter().find(|(name, _)| *name == s));
        match found {
            Some((name, t)) => {
                self.record(key, Node::Leaf(Leaf::Text(name.to_string())));
                Some(*t)
            }
            None => {
                let names: Vec<String> = options.iter().map(|(n, _)| format!("{n:?}")).collect();
                self.problem(key, format!("must be one of {}, not {}", names.join(", "), shown(v)));
                None
            }
        }
    }

    fn date_of(&self, key: &str, v: &Value) -> Option<ChinaDate> {
        let parsed = match v {
            Value::String(s) => ChinaDate::parse_plain(s.value()).map_err(|e| e.to_string()),
            Value::Datetime(d) if d.value().time.is_none() => ChinaDate::parse_plain(&d.value().to_string()).map_err(|e| e.to_string()),
            other => Err(format!("must be a date YYYY-MM-DD, not {}", value_kind(other))),
        };
        parsed.map_err(|m| self.problem(key, m)).ok()
    }

    /// A required date (`"2023-01-01"` or a TOML local date).
    pub(crate) fn date(&mut self, key: &str) -> Option<ChinaDate> {
        let v = self.value(key, "a date")?;
        let d = self.date_of(key, v)?;
        self.record(key, Node::Leaf(Leaf::Date(d)));
        Some(d)
    }

    /// An optional date: `Some(None)` when left out, `None` when invalid.
    pub(crate) fn opt_date(&mut self, key: &str) -> Option<Option<ChinaDate>> {
        if self.item(key, false).is_none() {
            self.record(key, Node::Leaf(Leaf::Absent));
            return Some(None);
        }
        self.date(key).map(Some)
    }

    /// Points: a non-negative number of at most 1000 with at most one decimal.
    pub(crate) fn points(&mut self, key: &str) -> Option<Points> {
        let v = self.value(key, "a number of points")?;
        let tenths = match v {
            Value::Integer(i) => i.value().checked_mul(10).ok_or_else(|| "is too large".to_string()),
            // The file's numbers are decimal literals; a float that is not a
            // whole number of tenths is refused, so none is rounded.
            Value::Float(f) => {
                let x = *f.value() * 10.0;
                if !x.is_finite() || (x - x.round()).abs() > 1e-9 {
                    Err(format!("is finer than tenths of a point ({}): points have at most one decimal", f.value()))
                } else {
                    Ok(x.round() as i64)
                }
            }
            other => Err(format!("must be a number of points, not {}", value_kind(other))),
        };
        let checked = tenths.and_then(|t| match t {
            t if t < 0 => Err(format!("must not be negative, got {}", Points(t))),
            t if t > 10_000 => Err(format!("must be at most 1000.0 points, got {}", Points(t))),
            t => Ok(Points(t)),
        });
        match checked {
            Ok(p) => {
                self.record(key, Node::Leaf(Leaf::Points(p)));
                Some(p)
            }
            Err(m) => {
                self.problem(key, m);
                None
            }
        }
    }

    /// A whole number within `range`.
    pub(crate) fn int(&mut self, key: &str, range: RangeInclusive<i64>) -> Option<i64> {
        let v = self.value(key, "a whole number")?;
        match v.as_integer() {
            Some(i) if range.contains(&i) => {
                self.record(key, Node::Leaf(Leaf::Int(i)));
                Some(i)
            }
            Some(i) => {
                self.problem(key, format!("must be between {} and {}, got {i}", range.start(), range.end()));
                None
            }
            None => {
                self.problem(key, format!("must be a whole number, not {}", value_kind(v)));
                None
            }
        }
    }

    /// A boolean.
    pub(crate) fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.value(key, "true or false")?;
        match v.as_bool() {
            Some(b) => {
                self.record(key, Node::Leaf(Leaf::Bool(b)));
                Some(b)
            }
            None => {
                self.problem(key, format!("must be true or false, not {}", value_kind(v)));
                None
            }
        }
    }

    /// A list of distinct strings, each passing `check` (else a problem at
    /// that element's line, key `key[i]`).
    pub(crate) fn ids(&mut self, key: &str, check: impl Fn(&str) -> Result<(), String>) -> Option<Vec<String>> {
        let v = self.value(key, "an array of strings")?;
        let Some(arr) = v.as_array() else {
            self.problem(key, format!("must be an array of strings, not {}", value_kind(v)));
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, el) in arr.iter().enumerate() {
            let line = el.span().map_or_else(|| self.line_of(key), |s| self.doc.line(s.start));
            let at = format!("{}[{i}]", self.path(key));
            let verdict = match el.as_str() {
                None => Err(format!("must be a string, not {}", value_kind(el))),
                Some(s) if out.iter().any(|o| o == s) => Err(format!("names {s:?} twice")),
                Some(s) => check(s).map(|()| s.to_string()),
            };
            match verdict {
                Ok(s) => out.push(s),
                Err(m) => {
                    self.doc.report(line, at, m);
                    ok = false;
                }
            }
        }
        self.record(key, Node::Leaf(Leaf::Ids(out.clone())));
        ok.then_some(out)
    }

    /// A required table (`[key]` or `key = { … }`), read by `f`; its
    /// unknown keys are reported when `f` is done.
    pub(crate) fn table<T>(&mut self, key: &str, f: impl FnOnce(&mut Table<'a>) -> Option<T>) -> Option<T> {
        let item = self.item(key, true)?;
        let Some(t) = item.as_table_like() else {
            self.problem(key, format!("must be a table, not {}", kind(item)));
            return None;
        };
        let line = item.span().map_or_else(|| self.line_of(key), |s| self.doc.line(s.start));
        let mut child = self.child(Some(t), self.path(key), line);
        let out = f(&mut child);
        let clauses = child.finish();
        self.record(key, Node::Table(clauses));
        out
    }

    /// A required, non-empty array of tables (`[[key]]`), each read by `f`
    /// with its index; problems name `key[i]`.
    pub(crate) fn tables<T>(&mut self, key: &str, mut f: impl FnMut(&mut Table<'a>) -> Option<T>) -> Option<Vec<T>> {
        let item = self.item(key, true)?;
        let elements: Vec<(&'a dyn TableLike, Option<std::ops::Range<usize>>)> = match item {
            Item::ArrayOfTables(a) => a.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
            Item::Value(Value::Array(a)) if a.iter().all(|v| v.as_inline_table().is_some()) => {
                a.iter().filter_map(|v| v.as_inline_table().map(|t| (t as &dyn TableLike, v.span()))).collect()
            }
            other => {
                self.problem(key, format!("must be an array of tables ([[{key}]]), not {}", kind(other)));
                return None;
            }
        };
        if elements.is_empty() {
            self.problem(key, "must list at least one table");
            return None;
        }
        let mut out = Vec::new();
        let mut all = Vec::new();
        for (i, (t, span)) in elements.into_iter().enumerate() {
            let line = span.map_or_else(|| self.line_of(key), |s| self.doc.line(s.start));
            let mut child = self.child(Some(t), format!("{}[{i}]", self.path(key)), line);
            out.push(f(&mut child));
            all.push(child.finish());
        }
        self.record(key, Node::List(all));
        out.into_iter().collect()
    }

    /// Whether the table has `key` (marking nothing read).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.t.and_then(|t| t.get(key)).is_some_and(|i| !i.is_none())
    }

    /// Records the default of an optional key the file leaves out: shown by
    /// `rules show`, compared by value by `rules diff`.
    pub(crate) fn record_default(&mut self, key: &str, value: Leaf) {
        self.seen.insert(key.to_string());
        self.record(key, Node::Leaf(Leaf::Default(Box::new(value))));
    }

    /// An optional list of names, each one of `T`'s (`name` gives it back),
    /// `default` when left out.
    pub(crate) fn opt_names<T: Copy + Ord>(
        &mut self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        name: impl Fn(T) -> &'static str,
        known: &[T],
        default: &[T],
    ) -> Option<std::collections::BTreeSet<T>> {
        if !self.has(key) {
            self.record_default(key, Leaf::Ids(default.iter().map(|t| name(*t).to_string()).collect()));
            return Some(default.iter().copied().collect());
        }
        let all: Vec<&str> = known.iter().map(|t| name(*t)).collect();
        let ids = self.ids(key, |s| match parse(s) {
            Some(_) => Ok(()),
            None => {
                let hint = suggestion(s, all.iter().copied()).map(|h| format!("did you mean {h:?}? ")).unwrap_or_default();
                Err(format!("{s:?} is not one of its names ({hint}known: {})", all.join(", ")))
            }
        })?;
        Some(ids.iter().filter_map(|s| parse(s)).collect())
    }

    /// An optional table: read by `f` like [`Table::table`] when present,
    /// else `f` reads an empty table (recording its keys' defaults).
    pub(crate) fn opt_table<T>(&mut self, key: &str, f: impl FnOnce(&mut Table<'a>) -> Option<T>) -> Option<T> {
        if self.has(key) {
            return self.table(key, f);
        }
        self.seen.insert(key.to_string());
        let mut child = self.child(None, self.path(key), self.line);
        let out = f(&mut child);
        let clauses = child.finish();
        self.record(key, Node::Table(clauses));
        out
    }

    /// Every key of the table, in the file's order (for free-keyed tables
    /// such as `points`); mark each one read with [`Table::known`] or
    /// refuse it with [`Table::refuse`].
    pub(crate) fn keys(&self) -> Vec<String> {
        self.t.into_iter().flat_map(|t| t.iter().map(|(k, _)| k.to_string())).collect()
    }

    /// Refuses a key of a free-keyed table, at its line.
    pub(crate) fn refuse(&mut self, key: &str, message: impl Into<String>) {
        self.seen.insert(key.to_string());
        self.problem(key, message);
    }

    /// Ends the table: every key no accessor read is an unknown key.
    pub(crate) fn finish(self) -> Clauses {
        for (k, _) in self.t.into_iter().flat_map(|t| t.iter()) {
            if !self.seen.contains(k) {
                let hint = suggestion(k, self.seen.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!(" (this table's keys: {})", self.seen.iter().cloned().collect::<Vec<_>>().join(", ")));
                self.problem(k, format!("is an unknown key{hint}"));
            }
        }
        self.clauses
    }
}

/// The candidate within two edits of `word`, if one is.
pub(crate) fn suggestion<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates.map(|c| (edits(word, c), c)).filter(|(d, _)| *d <= 2).min().map(|(_, c)| c)
}

/// Levenshtein distance (characters).
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
