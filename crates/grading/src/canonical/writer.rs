//! Report encoding 2 written straight from the typed report: each object's
//! keys in the order of their UTF-8 bytes, no whitespace, leaves (strings,
//! numbers, dates, enum names, `null`) as serde_json writes them. The same
//! bytes as serializing the report to a `serde_json::Value` and writing it
//! with sorted keys (test `issue7_canonical_report_bytes_unchanged`), without
//! building the `Value`.
//!
//! Every struct is destructured without `..`: a new report field does not
//! compile until it is written here (and then the golden test asks for a new
//! `REPORT_FORMAT`) or explicitly left out. Left out: the clause trace
//! (`clause`, `scope`, `d_threshold`; issue 8, item 4), which follows from
//! the rule set the report pins and the rest of the report, so that
//! decisions issued before it still reproduce (docs/DECISIONS.md).

use crate::report::{Adjustment, ConditionResult, DimensionResult, Event, GradeReport, Item, RulesRef, TriggerResult};
use chrono::Datelike;
use model::fact::Grade;
use model::ChinaDate;
use serde::Serialize;

/// Appends the canonical JSON of `r` to `out`.
pub(super) fn report(r: &GradeReport, out: &mut Vec<u8>) {
    let GradeReport {
        enterprise,
        name,
        division,
        on,
        known_at_seq,
        rules,
        in_scope,
        scope: _,
        grade,
        score,
        d_threshold: _,
        dimensions,
        conditions,
        triggers,
        adjustments,
        events,
    } = r;
    let mut o = Obj::open(out);
    array(o.key("adjustments"), adjustments, adjustment);
    array(o.key("conditions"), conditions, condition);
    array(o.key("dimensions"), dimensions, dimension);
    string(division, o.key("division"));
    string(enterprise, o.key("enterprise"));
    array(o.key("events"), events, event);
    opt_string(grade.map(Grade::as_str), o.key("grade"));
    o.leaf("in_scope", in_scope);
    o.leaf("known_at_seq", known_at_seq);
    string(name, o.key("name"));
    date(*on, o.key("on"));
    rules_ref(rules, o.key("rules"));
    o.leaf("score", score);
    array(o.key("triggers"), triggers, trigger);
    o.close();
}

fn rules_ref(r: &RulesRef, out: &mut Vec<u8>) {
    let RulesRef { id, sha256 } = r;
    let mut o = Obj::open(out);
    string(id, o.key("id"));
    string(sha256, o.key("sha256"));
    o.close();
}

fn adjustment(a: &Adjustment, out: &mut Vec<u8>) {
    let Adjustment { id, from, to, evidence, clause: _ } = a;
    let mut o = Obj::open(out);
    array(o.key("evidence"), evidence, string);
    string(from.as_str(), o.key("from"));
    string(id, o.key("id"));
    string(to.as_str(), o.key("to"));
    o.close();
}

fn condition(c: &ConditionResult, out: &mut Vec<u8>) {
    let ConditionResult { id, met, evidence, clause: _ } = c;
    let mut o = Obj::open(out);
    array(o.key("evidence"), evidence, string);
    string(id.as_str(), o.key("id"));
    o.leaf("met", met);
    o.close();
}

fn trigger(t: &TriggerResult, out: &mut Vec<u8>) {
    let TriggerResult { id, fired, evidence, clause: _ } = t;
    let mut o = Obj::open(out);
    array(o.key("evidence"), evidence, string);
    o.leaf("fired", fired);
    string(id.as_str(), o.key("id"));
    o.close();
}

fn dimension(d: &DimensionResult, out: &mut Vec<u8>) {
    let DimensionResult { id, deduction, cap, items, clause: _ } = d;
    let mut o = Obj::open(out);
    o.leaf("cap", cap);
    o.leaf("deduction", deduction);
    string(id, o.key("id"));
    array(o.key("items"), items, item);
    o.close();
}

fn item(i: &Item, out: &mut Vec<u8>) {
    let Item { reference, points, rule, clause: _ } = i;
    let mut o = Obj::open(out);
    o.leaf("points", points);
    opt_string(reference.as_deref(), o.key("ref"));
    string(rule, o.key("rule"));
    o.close();
}

fn event(e: &Event, out: &mut Vec<u8>) {
    let Event { seq, reference, kind, occurred_on, status, reason, by } = e;
    let mut o = Obj::open(out);
    opt_string(by.as_deref(), o.key("by"));
    string(kind.name(), o.key("kind"));
    date(*occurred_on, o.key("occurred_on"));
    opt_string(*reason, o.key("reason"));
    string(reference, o.key("ref"));
    o.leaf("seq", seq);
    string(status.as_str(), o.key("status"));
    o.close();
}

/// A JSON object being written; members must come in key order.
struct Obj<'a> {
    out: &'a mut Vec<u8>,
    last: Option<&'static str>,
}

impl<'a> Obj<'a> {
    fn open(out: &'a mut Vec<u8>) -> Obj<'a> {
        out.push(b'{');
        Obj { out, last: None }
    }

    /// Starts the member `key` (a plain ASCII name, after the previous key
    /// in byte order) and returns the buffer its value goes to.
    fn key(&mut self, key: &'static str) -> &mut Vec<u8> {
        debug_assert!(
            self.last.is_none_or(|l| l.as_bytes() < key.as_bytes()),
            "canonical key `{key}` written after `{:?}`",
            self.last
        );
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "key `{key}` would need escaping");
        if self.last.is_some() {
            self.out.push(b',');
        }
        self.last = Some(key);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    fn leaf<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) {
        leaf(v, self.key(key));
    }

    fn close(self) {
        self.out.push(b'}');
    }
}

/// A JSON array of `items`, each written by `each`.
fn array<T>(out: &mut Vec<u8>, items: &[T], each: impl Fn(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(x, out);
    }
    out.push(b']');
}

/// A leaf value: a string, number, bool, date, enum name or an option of
/// one. serde_json writes it as it writes the leaf's `Value` (no objects or
/// arrays come here: those are written above, keys sorted).
fn leaf<T: Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail, nor can serializing these leaves.
    let _ = serde_json::to_writer(out, v);
}

/// A string as serde_json writes it: as is between quotes when nothing in
/// it needs escaping (`"`, `\\` and control characters below U+0020 do).
fn string<S: AsRef<str> + ?Sized>(s: &S, out: &mut Vec<u8>) {
    let s = s.as_ref();
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        leaf(s, out);
    }
}

/// A string, or `null`.
fn opt_string(s: Option<&str>, out: &mut Vec<u8>) {
    match s {
        Some(s) => string(s, out),
        None => out.extend_from_slice(b"null"),
    }
}

/// A date as its `Value` is written: `"YYYY-MM-DD"` (chrono's `%Y-%m-%d`,
/// which pads a year in 0..=9999 to four digits), without going through
/// chrono's format machinery; any other year as chrono writes it.
fn date(d: ChinaDate, out: &mut Vec<u8>) {
    let n = d.naive();
    let y = n.year();
    if !(0..=9999).contains(&y) {
        return leaf(&d, out);
    }
    let digits = |v: u32, width: u32, out: &mut Vec<u8>| {
        for p in (0..width).rev() {
            out.push(b'0' + (v / 10u32.pow(p) % 10) as u8);
        }
    };
    out.push(b'"');
    digits(y as u32, 4, out);
    out.push(b'-');
    digits(n.month(), 2, out);
    out.push(b'-');
    digits(n.day(), 2, out);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue7_dates_are_written_as_serde_json_writes_them() {
        let check = |d: ChinaDate| {
            let mut out = Vec::new();
            date(d, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&d).unwrap());
        };
        // Every day of a leap year, then every 11th day of the supported range
        // (11 is prime to every month's length: each day of each month comes up).
        let mut d = ChinaDate::from_ymd(2024, 1, 1).unwrap();
        while d.year() == 2024 {
            check(d);
            d = d.add_days(1);
        }
        let mut d = ChinaDate::from_ymd(model::date::FIRST_YEAR, 1, 1).unwrap();
        let last = ChinaDate::from_ymd(model::date::LAST_YEAR, 12, 31).unwrap();
        while d <= last {
            check(d);
            d = d.add_days(11);
        }
        check(last);
    }
}
