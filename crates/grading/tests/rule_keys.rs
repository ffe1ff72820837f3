//! Issue 8, items 3 and 4: every piece of scoring detail that was code is a
//! key of the rule-set file — changing it in a small inline rule file
//! changes a grade the expected way, with no code change — and every
//! deduction, verdict and raise of a report names its clause.

mod common;

use common::*;
use grading::{grade, GradeReport, Status};
use model::fact::Grade;
use model::{Points, Seq};
use rules::RuleSet;

/// A small rule set: no points for scale or product risk, four dimensions,
/// every condition and trigger. Tests append tables or replace a line.
const SMALL: &str = r#"id = "small"
title = "issue 8 test set"
effective_from = "2023-01-01"
scope = "licensed"
annual_run = "first_quarter"
base_score = 100.0
floor_score = 0.0
past_year_months = 12

[grades]
a_min_score = 90.0
b_min_score = 80.0
d_below_score = 60.0
a_conditions = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9"]
b_conditions = ["B1", "B2", "B3", "B4", "B5"]
d_triggers = ["D1", "D2", "D3", "D4", "D5", "D6"]
d4_min_refusals = 2
overdue_raise = true

[publicity]
minor_penalty_months = 3
other_penalty_months = 36
minor_fine_below_yuan = 100000

[self_inspection]
due_month = 6
due_day = 30

[product_risk]
high = []
elevated = []

[penalty]
fine_large_from_yuan = 100000

[[dimensions]]
id = "sampling"
name = "监督抽查"
cap = 40.0
points = { sampling_failed = 10.0, recheck_failed = 20.0 }

[[dimensions]]
id = "penalty"
name = "行政处罚"
cap = 40.0
points = { penalty_warning = 3.0, penalty_public_criticism = 3.0, penalty_fine_small = 5.0, penalty_fine_large = 10.0, penalty_confiscation = 10.0 }

[[dimensions]]
id = "complaints"
name = "投诉举报"
cap = 10.0
points = { complaint = 2.0 }

[[dimensions]]
id = "public_opinion"
name = "舆情通报"
cap = 10.0
points = { opinion_regulator_notice = 3.0, opinion_media_exposure = 5.0, opinion_strong_reaction = 8.0 }

[supervision]
sampling_ratio_percent = { A = 5, B = 20, C = 50, D = 100 }
inspections_per_year = { A = 0, B = 2, C = 2, D = 4 }
"#;

const V: &str = "2025-12-31";

fn set(text: &str) -> RuleSet {
    RuleSet::parse("inline.toml", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// SMALL with `from` (which must occur once) replaced by `to`.
fn edited(from: &str, to: &str) -> RuleSet {
    assert_eq!(SMALL.matches(from).count(), 1, "{from:?}");
    set(&SMALL.replace(from, to))
}

/// SMALL with `extra` appended (new tables).
fn with(extra: &str) -> RuleSet {
    set(&format!("{SMALL}\n{extra}"))
}

/// The base enterprise (clean A) plus `extra` facts, graded on V at the head.
fn report(extra: &[String], rules: &RuleSet) -> GradeReport {
    let mut lines = base();
    lines.extend(extra.iter().cloned());
    let records = records(&lines);
    grade(E, &records, day(V), Seq(records.len() as u64), rules)
}

fn outcome(r: &GradeReport) -> (Option<Grade>, Option<Points>) {
    (r.grade, r.score)
}

fn status(r: &GradeReport, reference: &str) -> (Status, Option<&'static str>) {
    let e = r.events.iter().find(|e| e.reference == reference).unwrap();
    (e.status, e.reason)
}

fn penalty(reference: &str, on: &str, procedure: &str, measures: &str) -> String {
    fact("administrative_penalty", reference, on, &format!(r#""procedure":"{procedure}","measures":[{measures}]"#))
}

fn sampling_failed(reference: &str, on: &str) -> String {
    fact("sampling_inspection", reference, on, r#""level":"xpcc","product":"胶合板","result":"fail","failed_items":["甲醛"]"#)
}

#[test]
fn issue8_a_condition_window_length_is_a_key() {
    // A failed sampling 18 months before V: outside the past year.
    let old = [sampling_failed("S-OLD", "2024-06-30")];
    let r = report(&old, &set(SMALL));
    assert_eq!(outcome(&r), (Some(Grade::A), Some(Points(1000))));
    assert_eq!(status(&r, "S-OLD"), (Status::Excluded, Some("outside_window")));
    // A4 looking back 24 months: A4 fails (B), the deduction still weighs the past year.
    let r = report(&old, &with("[windows]\nA4 = 24\n"));
    assert_eq!(outcome(&r), (Some(Grade::B), Some(Points(1000))));
    assert_eq!(r.failed_conditions().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["A4"]);
    assert_eq!(status(&r, "S-OLD"), (Status::Counted, None));
    assert!(r.dimensions.iter().all(|d| d.items.is_empty()));
    // A shorter window drops a recent fact from the condition only.
    let recent = [sampling_failed("S-1", "2025-06-30")];
    let r = report(&recent, &with("[windows]\nA4 = 3\n"));
    assert_eq!(outcome(&r), (Some(Grade::A), Some(Points(900))), "A4 met, −10 still deducted");
    // The past year itself: the deduction and A4 both reach back.
    let r = report(&old, &edited("past_year_months = 12", "past_year_months = 24"));
    assert_eq!(outcome(&r), (Some(Grade::B), Some(Points(900))));
}

#[test]
fn issue8_a_publicity_period_is_a_key() {
    // Public criticism 4 months before V: its 3-month publicity is over.
    let p = [penalty("P-1", "2025-08-31", "ordinary", r#"{"type":"public_criticism"}"#)];
    let r = report(&p, &set(SMALL));
    assert_eq!(outcome(&r), (Some(Grade::A), Some(Points(1000))));
    assert_eq!(status(&r, "P-1"), (Status::Excluded, Some("publicity_expired")));
    // Six months: still publicized, so −3, A5/A7 and B4 fail: C.
    let r = report(&p, &edited("minor_penalty_months = 3", "minor_penalty_months = 6"));
    assert_eq!(outcome(&r), (Some(Grade::C), Some(Points(970))));
    assert_eq!(r.failed_conditions().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["A5", "A7", "B4"]);
}

#[test]
fn issue8_which_penalties_are_minor_or_unpublicized_are_keys() {
    // A confiscation 6 months before V is not minor: publicized 36 months.
    let p = [penalty("P-1", "2025-06-30", "ordinary", r#"{"type":"confiscation"}"#)];
    let minor = "minor_fine_below_yuan = 100000";
    assert_eq!(outcome(&report(&p, &set(SMALL))), (Some(Grade::C), Some(Points(900))));
    let r = report(&p, &edited(minor, &format!("{minor}\nminor_measures = [\"warning\", \"public_criticism\", \"fine\", \"confiscation\"]")));
    assert_eq!(outcome(&r), (Some(Grade::A), Some(Points(1000))), "minor: 3 months, over");
    assert_eq!(status(&r, "P-1"), (Status::Excluded, Some("publicity_expired")));
    // A simple-procedure fine a month before V: not publicized, so A7 holds (B: A5 fails).
    let p = [penalty("P-2", "2025-11-30", "simple", r#"{"type":"fine","amount_yuan":200}"#)];
    let r = report(&p, &set(SMALL));
    assert_eq!(r.failed_conditions().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["A5", "B4"]);
    // Publicize simple-procedure penalties: A7 fails too.
    let r = report(&p, &edited(minor, &format!("{minor}\nunpublicized_procedures = []")));
    assert_eq!(r.failed_conditions().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["A5", "A7", "B4"]);
    // A warning-only penalty is publicized when warnings are not exempt.
    let w = [penalty("P-3", "2025-11-30", "ordinary", r#"{"type":"warning"}"#)];
    assert!(report(&w, &set(SMALL)).conditions.iter().any(|c| c.id == "A7" && c.met));
    let r = report(&w, &edited(minor, &format!("{minor}\nunpublicized_measures = []")));
    assert!(r.conditions.iter().any(|c| c.id == "A7" && !c.met));
}

#[test]
fn issue8_list_kinds_of_a5_and_d1_are_keys() {
    let entry = [fact("list_entered", "L-1", "2025-03-01", r#""list":"abnormal_operations""#)];
    // Default: the abnormal-operations list blocks A5/B4 but fires no D1.
    let r = report(&entry, &set(SMALL));
    assert_eq!(outcome(&r), (Some(Grade::C), Some(Points(1000))));
    assert!(r.fired_triggers().next().is_none());
    // Added to D1's lists: D.
    let r = report(&entry, &with("[lists]\nD1 = [\"serious_violation\", \"abnormal_operations\"]\n"));
    assert_eq!(outcome(&r), (Some(Grade::D), Some(Points(1000))));
    assert_eq!(r.fired_triggers().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["D1"]);
    assert_eq!(r.triggers[0].evidence, ["L-1"]);
    // Taken from A5 and B4: nothing counts it, a clean A; the entry is context.
    let r = report(&entry, &with("[lists]\nA5 = [\"serious_violation\"]\nB4 = [\"serious_violation\"]\n"));
    assert_eq!(outcome(&r), (Some(Grade::A), Some(Points(1000))));
    assert_eq!(status(&r, "L-1"), (Status::Context, None));
}

#[test]
fn issue8_a_condition_dropped_from_the_a_list() {
    let s = [sampling_failed("S-1", "2025-05-12")];
    assert_eq!(outcome(&report(&s, &set(SMALL))), (Some(Grade::B), Some(Points(900))));
    let r = report(&s, &edited(r#""A3", "A4", "A5""#, r#""A3", "A5""#));
    assert_eq!(outcome(&r), (Some(Grade::A), Some(Points(900))));
    assert!(r.conditions.iter().all(|c| c.id != "A4"));
    // Still counted: its deduction.
    assert_eq!(status(&r, "S-1"), (Status::Counted, None));
}

#[test]
fn issue8_a_new_dimension_from_existing_deduction_rules() {
    let complaints: Vec<String> =
        (1..=3).map(|i| fact("complaint_verified", &format!("C-{i}"), &format!("2025-0{i}-10"), r#""channel":"complaint""#)).collect();
    assert_eq!(outcome(&report(&complaints, &set(SMALL))), (Some(Grade::A), Some(Points(940))));
    // Complaints and public opinion together in a new dimension capped at 5.
    let merged = SMALL
        .replace("[[dimensions]]\nid = \"complaints\"\nname = \"投诉举报\"\ncap = 10.0\npoints = { complaint = 2.0 }\n\n", "")
        .replace(
            "id = \"public_opinion\"\nname = \"舆情通报\"\ncap = 10.0\npoints = {",
            "id = \"customer_feedback\"\nname = \"投诉与舆情\"\ncap = 5.0\npoints = { complaint = 2.0,",
        );
    let r = report(&complaints, &set(&merged));
    assert_eq!(outcome(&r), (Some(Grade::A), Some(Points(950))));
    let d = r.dimensions.iter().find(|d| d.id == "customer_feedback").unwrap();
    assert_eq!((d.deduction, d.cap, d.items.len()), (Points(50), Points(50), 3));
    assert_eq!(d.clause, "dimensions.customer_feedback.cap");
    assert_eq!(d.items[0].clause, "dimensions.customer_feedback.points.complaint");
}

#[test]
fn issue8_the_d_label_follows_the_threshold() {
    let s: Vec<String> = (1..=4).map(|i| sampling_failed(&format!("S-{i}"), &format!("2025-0{i}-12"))).collect();
    let r = report(&s, &set(SMALL));
    assert_eq!(outcome(&r), (Some(Grade::C), Some(Points(600))));
    let r = report(&s, &edited("d_below_score = 60.0", "d_below_score = 65.5"));
    assert_eq!(outcome(&r), (Some(Grade::D), Some(Points(600))));
    assert_eq!(r.decisive_reasons(), "score<65.5");
    let r = report(&s, &edited("d_below_score = 60.0", "d_below_score = 70.0"));
    assert_eq!(r.decisive_reasons(), "score<70");
    let t = r.d_threshold.as_ref().unwrap();
    assert_eq!((t.clause.as_str(), t.threshold, t.below), ("grades.d_below_score", Points(700), true));
}

#[test]
fn issue8_a_report_names_the_clause_of_every_deduction_verdict_and_raise() {
    let facts = [
        sampling_failed("S-1", "2025-05-12"),
        fact("complaint_verified", "C-1", "2025-03-01", r#""channel":"complaint""#),
        fact("rectification_ordered", "O-1", "2025-03-05", r#""target":"C-1","deadline":"2025-06-30""#),
        fact("list_entered", "L-1", "2025-04-01", r#""list":"serious_violation""#),
        fact("list_entered", "L-2", "2025-04-02", r#""list":"abnormal_operations""#),
    ];
    let r = report(&facts, &set(SMALL));
    let items: Vec<(&str, &str)> =
        r.dimensions.iter().flat_map(|d| d.items.iter().map(|i| (i.reference.as_deref().unwrap(), i.clause.as_str()))).collect();
    assert_eq!(items, [("S-1", "dimensions.sampling.points.sampling_failed"), ("C-1", "dimensions.complaints.points.complaint")]);
    let caps: Vec<&str> = r.dimensions.iter().map(|d| d.clause.as_str()).collect();
    assert_eq!(caps, ["dimensions.sampling.cap", "dimensions.penalty.cap", "dimensions.complaints.cap", "dimensions.public_opinion.cap"]);
    let verdicts: Vec<(&str, &str)> = r.conditions.iter().map(|c| (c.id.as_str(), c.clause.as_str())).collect();
    assert_eq!(verdicts[0], ("A1", "grades.a_min_score"));
    assert_eq!(verdicts[3], ("A4", "grades.a_conditions[A4]"));
    assert_eq!(verdicts[9], ("B1", "grades.b_min_score"));
    assert_eq!(verdicts[12], ("B4", "grades.b_conditions[B4]"));
    let fired: Vec<(&str, &str, Vec<String>)> = r.fired_triggers().map(|t| (t.id.as_str(), t.clause.as_str(), t.evidence.clone())).collect();
    assert_eq!(fired, [("D1", "grades.d_triggers[D1]", vec!["L-1".to_string()])]);
    let a5 = r.conditions.iter().find(|c| c.id == "A5").unwrap();
    assert_eq!(a5.evidence, ["L-1", "L-2"]);
    assert_eq!((r.scope.clause.as_str(), r.scope.rule), ("scope", "licensed"));
    assert_eq!(r.d_threshold.as_ref().map(|t| (t.clause.as_str(), t.below)), Some(("grades.d_below_score", false)));
    assert_eq!(r.grade, Some(Grade::D));
    // The raise: a B (A4 fails) raised to C by the overdue order.
    let r = report(&facts[..3], &set(SMALL));
    assert_eq!((r.grade, r.adjustments.len()), (Some(Grade::C), 1));
    assert_eq!(r.adjustments[0].clause, "grades.overdue_raise");
    // The JSON report shows every clause.
    let json = r.to_json();
    for clause in ["dimensions.sampling.points.sampling_failed", "dimensions.sampling.cap", "grades.a_conditions[A4]", "grades.d_triggers[D1]", "grades.overdue_raise", "grades.d_below_score", "\"scope\""] {
        assert!(json.contains(clause), "{clause} not in the JSON report");
    }
}

#[test]
fn issue8_the_decision_hash_leaves_the_clause_trace_out() {
    let r = report(&[sampling_failed("S-1", "2025-05-12")], &set(SMALL));
    let mut renamed = r.clone();
    renamed.scope.clause = "elsewhere".into();
    renamed.d_threshold = None;
    renamed.dimensions[0].clause = "x".into();
    renamed.dimensions[0].items[0].clause = "y".into();
    renamed.conditions[3].clause = "z".into();
    renamed.triggers[0].clause = "w".into();
    assert_ne!(renamed.to_json(), r.to_json());
    for format in [1, 2] {
        assert_eq!(grading::report_sha256(&renamed, format), grading::report_sha256(&r, format), "format {format}");
    }
    assert!(!grading::canonical::canonical_json(&r).contains("clause"));
    assert!(!grading::canonical::format_1_json(&r).contains("clause"));
    // Anything else still changes it.
    renamed.dimensions[0].items[0].rule = "recheck_failed".into();
    assert_ne!(grading::report_sha256(&renamed, 2), grading::report_sha256(&r, 2));
    assert_ne!(grading::report_sha256(&renamed, 1), grading::report_sha256(&r, 1));
}
