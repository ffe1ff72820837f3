//! Boundary cases of single rules, each named by the DOMAIN.md sentence it
//! pins: the window, publicity, list periods, licence coverage, identity,
//! the self-inspection due date, statuses and the grade's own verdicts.

mod common;

use common::*;
use grading::facts::{identity, Licences};
use grading::window::{list_end, publicity_months, Window};
use grading::{resolve, Status};
use model::fact::{Grade, ListKind};
use model::{ChinaDate, Points, Seq};

fn revised() -> rules::RuleSet {
    book().by_id("xpcc-revised").unwrap().clone()
}

fn penalty(measures: &str, procedure: &str) -> String {
    fact("administrative_penalty", "P", "2025-06-01", &format!(r#""procedure":"{procedure}","measures":[{measures}]"#))
}

fn body_of(line: &str) -> model::fact::Body {
    model::parse_line(line).unwrap().fact.body
}

// "近1年" as of V = (V − 1 year, V].
#[test]
fn window_is_half_open_from_one_year_before_v() {
    let r = revised();
    let w = Window::new(day("2025-12-31"), &r);
    assert_eq!(w.start, day("2024-12-31"));
    assert!(w.contains(day("2025-12-31")));
    assert!(w.contains(day("2025-01-01")));
    assert!(!w.contains(day("2024-12-31")));
    assert!(!w.contains(day("2026-01-01")));
    let leap = Window::new(day("2024-02-29"), &r);
    assert_eq!(leap.start, day("2023-02-28"));
}

// A listing counts if its period [entered, removed) overlaps the window.
#[test]
fn a_period_overlaps_the_window_when_it_shares_a_day() {
    let w = Window::new(day("2025-12-31"), &revised());
    assert!(w.overlaps(day("2025-12-31"), None), "entered on V");
    assert!(!w.overlaps(day("2026-01-01"), None), "entered after V");
    assert!(w.overlaps(day("2020-01-01"), None), "open since long ago");
    assert!(!w.overlaps(day("2020-01-01"), Some(day("2025-01-01"))), "ended on the window's first day");
    assert!(w.overlaps(day("2020-01-01"), Some(day("2025-01-02"))), "last day is the window's first");
}

// Publicity (reference SAMR rule): minor ordinary penalties 3 months, other
// ordinary ones 3 years, warning-only and simple-procedure ones none.
#[test]
fn publicity_by_procedure_and_measures() {
    let r = revised();
    let m = |measures: &str, procedure: &str| publicity_months(&body_of(&penalty(measures, procedure)), &r);
    assert_eq!(m(r#"{"type":"warning"}"#, "ordinary"), None);
    assert_eq!(m(r#"{"type":"warning"},{"type":"warning"}"#, "ordinary"), None);
    assert_eq!(m(r#"{"type":"fine","amount_yuan":500}"#, "simple"), None);
    assert_eq!(m(r#"{"type":"confiscation"}"#, "simple"), None);
    assert_eq!(m(r#"{"type":"public_criticism"}"#, "ordinary"), Some(3));
    assert_eq!(m(r#"{"type":"warning"},{"type":"public_criticism"}"#, "ordinary"), Some(3));
    assert_eq!(m(r#"{"type":"warning"},{"type":"fine","amount_yuan":99999.99}"#, "ordinary"), Some(3));
    assert_eq!(m(r#"{"type":"fine","amount_yuan":100000}"#, "ordinary"), Some(36));
    assert_eq!(m(r#"{"type":"warning"},{"type":"confiscation"}"#, "ordinary"), Some(36));
    assert_eq!(m(r#"{"type":"suspend_production"}"#, "ordinary"), Some(36));
    let other = fact("complaint_verified", "C", "2025-06-01", r#""channel":"complaint""#);
    assert_eq!(publicity_months(&body_of(&other), &r), None);
}

#[test]
fn blacklists_are_the_three_lists_that_block_a5() {
    use rules::{Condition, Verdict};
    let r = revised();
    let a5 = Verdict::Condition(Condition::A5);
    assert!(r.lists(a5, ListKind::AbnormalOperations));
    assert!(r.lists(a5, ListKind::SeriousViolation));
    assert!(r.lists(a5, ListKind::OtherBlacklist));
    assert!(!r.lists(a5, ListKind::JudgmentDefaulter));
}

// A list period ends at the earliest live removal dated on or before V.
#[test]
fn list_end_is_the_earliest_live_removal_on_or_before_v() {
    let mut lines = base();
    lines.push(fact("list_entered", "L-1", "2025-01-10", r#""list":"abnormal_operations""#));
    lines.push(fact("list_entered", "L-2", "2025-01-10", r#""list":"abnormal_operations""#));
    lines.push(fact("list_removed", "R-LATE", "2025-06-01", r#""target":"L-1""#));
    lines.push(fact("list_removed", "R-EARLY", "2025-03-01", r#""target":"L-1""#));
    lines.push(fact("list_removed", "R-OTHER", "2025-02-01", r#""target":"L-2""#));
    lines.push(fact("list_removed", "R-VOID", "2025-02-15", r#""target":"L-1""#));
    lines.push(fact("act_revoked", "REV", "2025-07-01", r#""target":"R-VOID""#));
    let recs = records(&lines);
    let res = resolve(&recs);
    let entry = res.get("L-1").unwrap();
    let removals: Vec<_> = res.facts.iter().filter(|e| matches!(e.body, model::fact::Body::ListRemoved(_))).collect();
    assert_eq!(list_end(entry, &removals, day("2025-02-28")), None, "the voided removal does not end it");
    assert_eq!(list_end(entry, &removals, day("2025-03-01")), Some(day("2025-03-01")), "a removal dated V ends it");
    assert_eq!(list_end(entry, &removals, day("2025-12-31")), Some(day("2025-03-01")));
    assert_eq!(list_end(res.get("L-2").unwrap(), &removals, day("2025-12-31")), Some(day("2025-02-01")));
}

// Licence coverage: [max(grant date, valid_from), valid_to), cut at the valid
// date of a termination with the same licence number.
#[test]
fn licence_coverage() {
    let mut lines = base();
    lines.push(fact(
        "licence_granted",
        "LIC-2",
        "2025-03-01",
        r#""licence_no":"XK13-014-00002","product":"水泥","category":"水泥","valid_from":"2025-04-01","valid_to":"2025-09-01""#,
    ));
    lines.push(fact("licence_terminated", "T-2", "2025-07-01", r#""licence_no":"XK13-014-00002","mode":"cancelled""#));
    let recs = records(&lines);
    let res = resolve(&recs);
    let lic = Licences::new(&res);
    let g = res.get("LIC-2").unwrap();
    let held = |a: &str, b: &str| lic.held(g, day(a), day(b));
    assert!(!held("2025-03-01", "2025-03-31"), "granted, not yet valid");
    assert!(held("2025-03-01", "2025-04-01"), "valid_from is covered");
    assert!(held("2025-06-30", "2025-06-30"));
    assert!(!held("2025-07-01", "2025-12-31"), "cut on the termination's date");
    assert!(!held("2025-01-01", "2025-02-28"));
    // Not a grant: covers nothing.
    assert!(!lic.held(res.get("T-2").unwrap(), day("2020-01-01"), day("2030-01-01")));
    assert!(lic.any_held(day("2025-05-01"), day("2025-05-01")));
    let w = Window::new(day("2026-12-31"), &revised());
    let refs: Vec<&str> = lic.held_in(&w).iter().map(|e| e.reference()).collect();
    assert_eq!(refs, ["LIC"]);
    let w = Window::new(day("2025-12-31"), &revised());
    let refs: Vec<&str> = lic.held_in(&w).iter().map(|e| e.reference()).collect();
    assert_eq!(refs, ["LIC", "LIC-2"]);
}

// Licence coverage ends at valid_to (exclusive).
#[test]
fn licence_ends_at_valid_to() {
    let lines = vec![
        base()[0].clone(),
        fact(
            "licence_granted",
            "LIC",
            "2020-01-01",
            r#""licence_no":"XK16-204-00001","product":"胶合板","category":"人造板","valid_from":"2020-01-01","valid_to":"2025-01-01""#,
        ),
    ];
    let recs = records(&lines);
    let res = resolve(&recs);
    let lic = Licences::new(&res);
    assert!(lic.any_held(day("2024-12-31"), day("2025-06-01")));
    assert!(!lic.any_held(day("2025-01-01"), day("2025-06-01")));
    // Scope on V: held on some day of the past year.
    // Last day held: 2024-12-31, the first day of the window of V = 2025-12-30.
    assert!(grade(&lines, "2025-12-30").in_scope);
    let out = grade(&lines, "2025-12-31");
    assert_eq!((out.grade, out.score), (None, None));
    assert!(out.dimensions.is_empty() && out.conditions.is_empty() && out.triggers.is_empty());
    assert_eq!(status(&out, "LIC"), "context");
}

// Identity folded in (valid date, seq) order; a change dated V is in force on V.
#[test]
fn identity_on_v() {
    let mut lines = base();
    lines.push(fact("enterprise_changed", "CHG-1", "2025-06-01", r#""name":"乙","division":"09","scale":"micro","key_catalogue":true"#));
    lines.push(fact("enterprise_changed", "CHG-2", "2025-06-01", r#""scale":"small""#));
    let recs = records(&lines);
    let res = resolve(&recs);
    let before = identity(&res, day("2025-05-31"));
    assert_eq!((before.name.as_str(), before.division.as_str()), ("甲", "08"));
    assert_eq!(before.scale, Some(model::fact::Scale::Large));
    assert_eq!(before.scale_ref.as_deref(), Some("REG"));
    assert!(!before.key_catalogue);
    let on = identity(&res, day("2025-06-01"));
    assert_eq!((on.name.as_str(), on.division.as_str()), ("乙", "09"));
    // Same valid date: seq order, so CHG-2's scale wins.
    assert_eq!(on.scale, Some(model::fact::Scale::Small));
    assert_eq!(on.scale_ref.as_deref(), Some("CHG-2"));
    assert!(on.key_catalogue);
    // Registered after V: a known name shows, nothing else is in force.
    let early = identity(&res, day("2019-12-31"));
    assert!(!early.name.is_empty() && !early.division.is_empty());
    assert_eq!((early.scale, early.scale_ref.clone(), early.key_catalogue), (None, None, false));
}

// A9: the latest report due on or before V; a report due on V must be there.
#[test]
fn self_inspection_due_on_v() {
    let lines: Vec<String> = base().into_iter().filter(|l| !l.contains("RPT-2024")).collect();
    let r = grade(&lines, "2025-06-29");
    assert!(failed(&r).is_empty(), "2024's report is not due yet: {:?}", failed(&r));
    let r = grade(&lines, "2025-06-30");
    assert_eq!(failed(&r), ["A9"]);
    assert_eq!(deduction(&r, "licensing"), 50);
    let a9 = r.conditions.iter().find(|c| c.id == "A9").unwrap();
    assert!(a9.evidence.is_empty(), "missing, not late: no evidence");
    assert_eq!(r.dimensions.iter().find(|d| d.id == "licensing").unwrap().items[0].reference, None);
}

// A9: a late report is the evidence and the item; the latest late one when several.
#[test]
fn self_inspection_late_reports() {
    let mut lines: Vec<String> = base().into_iter().filter(|l| !l.contains("RPT-2024")).collect();
    lines.push(fact("self_inspection_report", "LATE-2", "2025-08-01", r#""year":2024,"filed_on":"2025-08-01""#));
    lines.push(fact("self_inspection_report", "LATE-1", "2025-07-01", r#""year":2024,"filed_on":"2025-07-01""#));
    lines.push(fact("self_inspection_report", "LATE-3", "2025-09-01", r#""year":2024,"filed_on":"2025-09-01""#));
    let r = grade(&lines, "2025-08-15");
    assert_eq!((r.grade, r.score), (Some(Grade::B), Some(Points(950))));
    let a9 = r.conditions.iter().find(|c| c.id == "A9").unwrap();
    assert_eq!(a9.evidence, ["LATE-2"], "LATE-3 is filed after V and does not exist yet");
    assert_eq!(status(&r, "LATE-2"), "counted");
    assert_eq!(status(&r, "LATE-1"), "context");
    assert_eq!(status(&r, "LATE-3"), "context");
    // A report for another year does not answer for 2024.
    let mut other: Vec<String> = base().into_iter().filter(|l| !l.contains("RPT-2024")).collect();
    other.push(fact("self_inspection_report", "R-2022", "2025-03-01", r#""year":2022,"filed_on":"2025-03-01""#));
    assert_eq!(failed(&grade(&other, "2025-12-31")), ["A9"]);
    // A report filed on V exists on V.
    let mut on_v: Vec<String> = base().into_iter().filter(|l| !l.contains("RPT-2024")).collect();
    on_v.push(fact("self_inspection_report", "R", "2025-06-30", r#""year":2024,"filed_on":"2025-06-30""#));
    assert!(failed(&grade(&on_v, "2025-06-30")).is_empty());
}

// A9: no report is due for a year in which no licence was held.
#[test]
fn self_inspection_only_for_licensed_years() {
    let lines = vec![
        base()[0].clone(),
        fact(
            "licence_granted",
            "LIC",
            "2025-02-01",
            r#""licence_no":"XK16-204-00001","product":"胶合板","category":"人造板","valid_from":"2025-02-01","valid_to":"2030-01-01""#,
        ),
    ];
    let r = grade(&lines, "2025-12-31");
    assert_eq!((r.grade, r.score), (Some(Grade::A), Some(Points(1000))));
}

// D4: two refusals fire, both are its evidence; one does not.
#[test]
fn d4_needs_two_refusals() {
    let refusal = |r: &str, on: &str| fact("supervision_inspection", r, on, r#""inspection":"random","outcome":"refused","findings":[]"#);
    let mut lines = base();
    lines.push(refusal("I-1", "2025-03-01"));
    let one = grade(&lines, "2025-12-31");
    assert!(fired(&one).is_empty());
    assert_eq!(one.grade, Some(Grade::C));
    lines.push(refusal("I-2", "2025-04-01"));
    let two = grade(&lines, "2025-12-31");
    assert_eq!(fired(&two), ["D4"]);
    let d4 = two.triggers.iter().find(|t| t.id == "D4").unwrap();
    assert_eq!(d4.evidence, ["I-1", "I-2"]);
    assert_eq!(two.decisive_reasons(), "D4");
}

// Evidence lists each fact once, even when one fact fails a condition twice.
#[test]
fn evidence_is_listed_once() {
    let mut lines = base();
    lines.push(fact(
        "supervision_inspection",
        "I-1",
        "2025-03-01",
        r#""inspection":"routine","outcome":"issues_found","findings":[{"code":"concealment"},{"code":"false_commitment"}]"#,
    ));
    let r = grade(&lines, "2025-12-31");
    let a8 = r.conditions.iter().find(|c| c.id == "A8").unwrap();
    assert_eq!(a8.evidence, ["I-1"]);
    assert_eq!(failed(&r), ["A4", "A8"]);
}

// Statuses: voiding comes before a change of content (DECISIONS.md); a fact
// whose content stays non-adverse after a change is context; an adverse fact
// of an enterprise out of scope is context, changed or not.
#[test]
fn statuses_after_changes() {
    let mut lines = base();
    lines.push(fact("sampling_inspection", "S-1", "2025-03-01", r#""level":"xpcc","product":"胶合板","result":"fail","failed_items":["甲醛"]"#));
    lines.push(fact("act_changed", "CH-S", "2025-04-01", r#""target":"S-1","changes":{"result":"pass","failed_items":[]}"#));
    lines.push(fact("act_revoked", "REV-S", "2025-05-01", r#""target":"S-1""#));
    lines.push(fact("act_changed", "CH-L", "2025-04-01", r#""target":"LIC","changes":{"product":"细木工板"}"#));
    lines.push(fact("sampling_inspection", "S-2", "2025-03-01", r#""level":"xpcc","product":"胶合板","result":"fail","failed_items":["甲醛"]"#));
    lines.push(fact("act_changed", "CH-S2", "2025-04-01", r#""target":"S-2","changes":{"result":"pass","failed_items":[]}"#));
    let r = grade(&lines, "2025-12-31");
    assert_eq!((r.grade, r.score), (Some(Grade::A), Some(Points(1000))));
    assert_eq!(status(&r, "S-1"), "excluded:revoked:REV-S");
    assert_eq!(status(&r, "S-2"), "excluded:changed:CH-S2");
    assert_eq!(status(&r, "LIC"), "context");
    assert_eq!(status(&r, "CH-L"), "context");
}

#[test]
fn out_of_scope_facts_are_context() {
    let mut lines = vec![
        base()[0].clone(),
        fact(
            "licence_granted",
            "LIC",
            "2020-01-01",
            r#""licence_no":"XK16-204-00001","product":"胶合板","category":"人造板","valid_from":"2020-01-01","valid_to":"2024-01-01""#,
        ),
    ];
    lines.push(penalty(r#"{"type":"fine","amount_yuan":200000}"#, "ordinary"));
    lines.push(fact("act_changed", "CH-P", "2025-07-01", r#""target":"P","changes":{"measures":[{"type":"fine","amount_yuan":150000}]}"#));
    let r = grade(&lines, "2025-12-31");
    assert!(!r.in_scope);
    assert_eq!(status(&r, "P"), "context");
    assert_eq!(r.decisive_reasons(), "out of scope");
}

// The overdue raise: once, one level, listed with its evidence; not for a D.
#[test]
fn overdue_raise_is_listed_with_its_orders() {
    let mut lines = base();
    lines.push(fact("complaint_verified", "C-1", "2025-02-01", r#""channel":"complaint""#));
    lines.push(fact("rectification_ordered", "O-1", "2025-02-02", r#""target":"C-1","deadline":"2025-03-01""#));
    lines.push(fact("rectification_ordered", "O-2", "2025-02-02", r#""target":"C-1","deadline":"2025-04-01""#));
    lines.push(fact("rectification_completed", "OC-2", "2025-04-01", r#""target":"O-2""#));
    let r = grade(&lines, "2025-12-31");
    assert_eq!((r.grade, r.score), (Some(Grade::B), Some(Points(980))));
    assert_eq!(r.adjustments.len(), 1);
    let a = &r.adjustments[0];
    assert_eq!((a.id.as_str(), a.from, a.to), ("overdue_rectification", Grade::A, Grade::B));
    assert_eq!(a.evidence, ["O-1"], "O-2 was completed on its deadline");
    assert_eq!(status(&r, "O-1"), "counted");
    assert_eq!(status(&r, "O-2"), "context");
    // Before O-1's deadline has passed: no raise.
    let early = grade(&lines, "2025-03-01");
    assert!(early.adjustments.is_empty());
    assert_eq!(early.grade, Some(Grade::A));
    // An order recorded but dated after V does not exist on V.
    let mut later = base();
    later.push(fact("complaint_verified", "C-1", "2025-02-01", r#""channel":"complaint""#));
    later.push(fact("rectification_ordered", "O-1", "2025-12-01", r#""target":"C-1","deadline":"2025-12-15""#));
    assert!(grade(&later, "2025-11-30").adjustments.is_empty());
    assert_eq!(grade(&later, "2025-12-31").grade, Some(Grade::B));
}

// A2: rectified only when every live order dated on or before V is completed on or before V.
#[test]
fn a2_needs_every_order_completed_by_v() {
    let mut lines = base();
    lines.push(fact(
        "supervision_inspection",
        "I-1",
        "2025-03-01",
        r#""inspection":"routine","outcome":"issues_found","findings":[{"code":"nonconforming_materials"}]"#,
    ));
    lines.push(fact("rectification_ordered", "O-1", "2025-03-02", r#""target":"I-1","deadline":"2025-12-31""#));
    lines.push(fact("rectification_completed", "OC-1", "2025-05-01", r#""target":"O-1""#));
    lines.push(fact("rectification_ordered", "O-2", "2025-06-01", r#""target":"I-1","deadline":"2025-12-31""#));
    lines.push(fact("rectification_completed", "OC-2", "2025-07-01", r#""target":"O-2""#));
    let ids = |on: &str| failed(&grade(&lines, on));
    assert_eq!(ids("2025-04-30"), ["A2", "A4", "B2"], "O-1 open");
    assert_eq!(ids("2025-05-01"), ["A4"], "O-1 completed on V; O-2 not yet ordered");
    assert_eq!(ids("2025-06-01"), ["A2", "A4", "B2"], "O-2 open");
    assert_eq!(ids("2025-07-01"), ["A4"]);
}

// D1: on the serious-violation list on V; judgment defaulters fail A6/B5.
#[test]
fn lists_and_their_conditions() {
    let mut lines = base();
    lines.push(fact("list_entered", "L-JD", "2025-03-01", r#""list":"judgment_defaulter""#));
    let r = grade(&lines, "2025-12-31");
    assert_eq!(failed(&r), ["A6", "B5"]);
    assert_eq!(r.grade, Some(Grade::C));
    assert_eq!(r.decisive_reasons(), "B5");
    let mut sv = base();
    sv.push(fact("list_entered", "L-SV", "2025-03-01", r#""list":"serious_violation""#));
    sv.push(fact("list_removed", "R-SV", "2025-06-01", r#""target":"L-SV""#));
    assert_eq!(fired(&grade(&sv, "2025-05-31")), ["D1"]);
    assert!(fired(&grade(&sv, "2025-06-01")).is_empty());
}

// Events: one per record known at K, in seq order, with the valid date as corrected.
#[test]
fn events_follow_the_records_known_at_k() {
    let mut lines = base();
    lines.push(fact("complaint_verified", "C-1", "2025-02-01", r#""channel":"complaint""#));
    lines.push(fact("record_corrected", "RC-1", "2025-03-01", r#""target":"C-1","error":"clerical","corrected":{"occurred_on":"2024-02-01"}"#));
    let recs = records(&lines);
    let b = book();
    let rules = b.by_id("xpcc-revised").unwrap();
    let r = grading::grade(E, &recs, day("2025-12-31"), Seq(6), rules);
    assert_eq!(r.events.iter().map(|e| e.seq.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    let c = r.events.iter().find(|e| e.reference == "C-1").unwrap();
    assert_eq!(c.occurred_on, day("2024-02-01"));
    assert_eq!((c.status, c.reason, c.by.as_deref()), (Status::Excluded, Some("outside_window"), Some("RC-1")));
    let k5 = grading::grade(E, &recs, day("2025-12-31"), Seq(5), rules);
    assert_eq!(k5.events.len(), 5);
    assert_eq!(k5.known_at_seq, Seq(5));
    assert_eq!(k5.score, Some(Points(980)));
    assert_eq!(k5.on, ChinaDate::from_ymd(2025, 12, 31).unwrap());
}

// Thresholds: A1 ≥ 90 and B1 ≥ 80 inclusive, D below 60.
#[test]
fn score_thresholds() {
    let complaint = |i: usize| fact("complaint_verified", &format!("C-{i}"), "2025-02-01", r#""channel":"complaint""#);
    let finding = |i: usize| fact("quality_risk_finding", &format!("Q-{i}"), "2025-02-01", r#""severity":"serious""#);
    let with = |lines: Vec<String>| {
        let mut all = base();
        all.extend(lines);
        grade(&all, "2025-12-31")
    };
    // 100 − 10 (complaints, cap) = 90: A.
    let r = with((0..6).map(complaint).collect());
    assert_eq!((r.score, r.grade), (Some(Points(900)), Some(Grade::A)));
    assert_eq!(deduction(&r, "complaints"), 100);
    // 100 − 20 = 80: B (A1 fails).
    let r = with((0..2).map(finding).collect());
    assert_eq!((r.score, r.grade), (Some(Points(800)), Some(Grade::B)));
    assert_eq!(failed(&r), ["A1"]);
    // 100 − 30 − 10 = 60: C, not D.
    let mut l: Vec<String> = (0..3).map(finding).collect();
    l.extend((0..5).map(complaint));
    let r = with(l);
    assert_eq!((r.score, r.grade), (Some(Points(600)), Some(Grade::C)));
    assert_eq!(failed(&r), ["A1", "B1"]);
    assert_eq!(r.decisive_reasons(), "B1");
}

// The overdue raise counts live orders only: an order that is itself revoked raises nothing.
#[test]
fn a_revoked_order_raises_nothing() {
    let mut lines = base();
    lines.push(fact("complaint_verified", "C-1", "2025-02-01", r#""channel":"complaint""#));
    lines.push(fact("rectification_ordered", "O-1", "2025-02-02", r#""target":"C-1","deadline":"2025-03-01""#));
    assert_eq!(grade(&lines, "2025-12-31").grade, Some(Grade::B));
    lines.push(fact("act_revoked", "REV-O", "2025-04-01", r#""target":"O-1""#));
    let r = grade(&lines, "2025-12-31");
    assert_eq!((r.grade, r.score), (Some(Grade::A), Some(Points(980))));
    assert!(r.adjustments.is_empty());
    assert_eq!(status(&r, "O-1"), "context");
}

// A due date that a year lacks (29 February) clamps to the month's end.
#[test]
fn self_inspection_due_date_clamps_to_month_end() {
    let mut rules = revised();
    rules.self_inspection_due = (2, 29);
    let lines: Vec<String> = base().into_iter().filter(|l| !l.contains("RPT-2024")).collect();
    let recs = records(&lines);
    // A9's evidence on V: the late report, or none when the report is missing.
    let at = |on: &str| {
        let r = grading::grade(E, &recs, day(on), Seq(recs.len() as u64), &rules);
        r.conditions.iter().find(|c| c.id == "A9" && !c.met).map(|c| c.evidence.clone())
    };
    // 2023's report is due 2024-02-29 (a leap year): RPT-2023, filed 2024-03-01, is late.
    assert_eq!(at("2024-02-28"), Some(vec![]), "2022's report, due 2023-02-28, was never filed");
    assert_eq!(at("2025-02-27"), Some(vec!["RPT-2023".to_string()]));
    // 2024's report is due on 2025-02-28 (no 29 February in 2025) and is missing.
    assert_eq!(at("2025-02-28"), Some(vec![]));
}

// The earliest repair wins; between repairs of the same date, the first
// recorded (seq is the only order of the ledger).
#[test]
fn repairs_of_the_same_date_first_recorded_wins() {
    let mut lines = base();
    lines.push(fact("complaint_verified", "C-1", "2025-02-01", r#""channel":"complaint""#));
    lines.push(fact("credit_repaired", "CR-A", "2025-05-01", r#""target":"C-1""#));
    lines.push(fact("credit_repaired", "CR-B", "2025-05-01", r#""target":"C-1""#));
    let r = grade(&lines, "2025-12-31");
    assert_eq!(status(&r, "C-1"), "excluded:repaired:CR-A");
    assert_eq!(r.score, Some(Points(1000)));
}

// The parts a partial revocation may name: failed items, measure types, finding codes.
#[test]
fn parts_of_each_kind() {
    let parts_of = |b: &model::fact::Body| model::Parts::of(b).map(|p| p.names()).unwrap_or_default();
    let sampling = body_of(&fact("sampling_inspection", "S", "2025-03-01", r#""level":"xpcc","product":"胶合板","result":"fail","failed_items":["甲醛","含水率"]"#));
    assert_eq!(parts_of(&sampling), ["甲醛", "含水率"]);
    let p = body_of(&penalty(r#"{"type":"warning"},{"type":"fine","amount_yuan":500}"#, "ordinary"));
    assert_eq!(parts_of(&p), ["warning", "fine"]);
    let i = body_of(&fact(
        "supervision_inspection",
        "I",
        "2025-03-01",
        r#""inspection":"routine","outcome":"issues_found","findings":[{"code":"other"},{"code":"concealment"}]"#,
    ));
    assert_eq!(parts_of(&i), ["other", "concealment"]);
    let c = body_of(&fact("complaint_verified", "C", "2025-03-01", r#""channel":"complaint""#));
    assert!(parts_of(&c).is_empty());
}

// Licensing: a failed verification deducts −10, a passed one nothing.
#[test]
fn only_a_failed_verification_deducts() {
    let mut lines = base();
    lines.push(fact("licence_verification", "V-PASS", "2025-03-01", r#""licence_no":"XK16-204-00001","result":"pass""#));
    let r = grade(&lines, "2025-12-31");
    assert_eq!((r.score, deduction(&r, "licensing")), (Some(Points(1000)), 0));
    assert_eq!(status(&r, "V-PASS"), "context");
    lines.push(fact("licence_verification", "V-FAIL", "2025-03-02", r#""licence_no":"XK16-204-00001","result":"fail""#));
    let r = grade(&lines, "2025-12-31");
    assert_eq!((r.score, deduction(&r, "licensing")), (Some(Points(900)), 100));
    assert_eq!(status(&r, "V-FAIL"), "counted");
}

// Statuses of licence facts outside the window: adverse ones (failed
// verification, revocation as a penalty, a licence of elevated class) are
// excluded outside_window; the others are context.
#[test]
fn licence_facts_outside_the_window() {
    let lines = vec![
        base()[0].clone(),
        base()[1].clone(),
        base()[2].clone(),
        base()[3].clone(),
        fact(
            "licence_granted",
            "LIC-CEM",
            "2020-01-01",
            r#""licence_no":"XK13-014-00002","product":"水泥","category":"水泥","valid_from":"2020-01-01","valid_to":"2024-06-01""#,
        ),
        fact(
            "licence_granted",
            "LIC-GEN",
            "2020-01-01",
            r#""licence_no":"XK16-204-00003","product":"胶合板","category":"人造板","valid_from":"2020-01-01","valid_to":"2024-06-01""#,
        ),
        fact("licence_verification", "V-FAIL", "2024-03-01", r#""licence_no":"XK16-204-00001","result":"fail""#),
        fact("licence_verification", "V-PASS", "2024-03-01", r#""licence_no":"XK16-204-00001","result":"pass""#),
        fact("licence_terminated", "T-REV", "2024-03-01", r#""licence_no":"XK16-204-00003","mode":"revoked_penalty""#),
        fact("licence_terminated", "T-CAN", "2024-03-01", r#""licence_no":"XK13-014-00002","mode":"cancelled""#),
    ];
    let r = grade(&lines, "2025-12-31");
    assert_eq!((r.grade, r.score), (Some(Grade::A), Some(Points(1000))));
    assert_eq!(status(&r, "LIC-CEM"), "excluded:outside_window");
    assert_eq!(status(&r, "LIC-GEN"), "context");
    assert_eq!(status(&r, "V-FAIL"), "excluded:outside_window");
    assert_eq!(status(&r, "V-PASS"), "context");
    assert_eq!(status(&r, "T-REV"), "excluded:outside_window");
    assert_eq!(status(&r, "T-CAN"), "context");
}
