//! Shared builders for the grading crate's integration tests: facts as
//! CONTRACT.md §1 lines, sealed into records with seqs 1, 2, 3 … in order.
#![allow(dead_code)]

use model::record::GENESIS_HASH;
use model::{parse_line_with, ChinaDate, Kind, Record, Seq, Timestamp};
use std::collections::HashMap;

/// The enterprise every builder uses (a valid USCC).
pub const E: &str = "91660800000007919G";

/// A fact line of `kind` with `ref`, the enterprise, `occurred_on` and the
/// kind-specific fields `rest` (JSON members without braces, may be empty).
pub fn fact(kind: &str, reference: &str, on: &str, rest: &str) -> String {
    let sep = if rest.is_empty() { "" } else { "," };
    format!(r#"{{"kind":"{kind}","ref":"{reference}","enterprise":"{E}","occurred_on":"{on}"{sep}{rest}}}"#)
}

/// Registered 2020 (large: no points), a general-class licence 2020–2029, the
/// 2023 and 2024 reports on time: 100 and A on any V of 2024–2025.
pub fn base() -> Vec<String> {
    vec![
        fact("enterprise_registered", "REG", "2020-01-01", r#""name":"甲","division":"08","scale":"large""#),
        fact(
            "licence_granted",
            "LIC",
            "2020-01-01",
            r#""licence_no":"XK16-204-00001","product":"胶合板","category":"人造板","valid_from":"2020-01-01","valid_to":"2030-01-01""#,
        ),
        fact("self_inspection_report", "RPT-2023", "2024-03-01", r#""year":2023,"filed_on":"2024-03-01""#),
        fact("self_inspection_report", "RPT-2024", "2025-03-01", r#""year":2024,"filed_on":"2025-03-01""#),
    ]
}

/// The lines sealed into a chain of records, seq 1 first. A correction is
/// typed by the kind of its target, an earlier line.
pub fn records(lines: &[String]) -> Vec<Record> {
    let mut prev = GENESIS_HASH;
    let mut kinds: HashMap<String, Kind> = HashMap::new();
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let fact = parse_line_with(l, &|t| kinds.get(t).copied()).unwrap_or_else(|e| panic!("line {}: {e:?}: {l}", i + 1)).fact;
            kinds.insert(fact.reference.clone(), fact.kind());
            let r = Record::seal(Seq(i as u64 + 1), Timestamp(0), fact, prev).unwrap();
            prev = r.hash;
            r
        })
        .collect()
}

pub fn day(s: &str) -> ChinaDate {
    ChinaDate::parse_plain(s).unwrap()
}

pub fn book() -> rules::RuleBook {
    rules::shipped().unwrap()
}

/// Grades `lines` under the revised rule set as of V, knowing every record.
pub fn grade(lines: &[String], on: &str) -> grading::GradeReport {
    let recs = records(lines);
    let b = book();
    grading::grade(E, &recs, day(on), Seq(recs.len() as u64), b.by_id("xpcc-revised").unwrap())
}

/// A report's event status as `status[:reason[:by]]`.
pub fn status(r: &grading::GradeReport, reference: &str) -> String {
    let e = r.events.iter().find(|e| e.reference == reference).unwrap_or_else(|| panic!("no event {reference}"));
    let mut s = e.status.as_str().to_string();
    if let Some(x) = e.reason {
        s = format!("{s}:{x}");
    }
    if let Some(b) = &e.by {
        s = format!("{s}:{b}");
    }
    s
}

/// The ids of the conditions a report fails, in report order.
pub fn failed(r: &grading::GradeReport) -> Vec<String> {
    r.failed_conditions().map(|c| c.id.to_string()).collect()
}

/// The ids of the triggers that fired, in report order.
pub fn fired(r: &grading::GradeReport) -> Vec<String> {
    r.fired_triggers().map(|t| t.id.to_string()).collect()
}

/// A dimension's deduction in tenths (0 when absent).
pub fn deduction(r: &grading::GradeReport, id: &str) -> i64 {
    r.dimensions.iter().find(|d| d.id == id).map(|d| d.deduction.0).unwrap_or(0)
}
