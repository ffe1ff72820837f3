//! The report's own methods (decisive reasons, hash) and `diff` between two
//! reports: each field of a `ReportDiff` is pinned by a case where only it
//! differs.

mod common;

use common::*;
use grading::{diff, Adjustment, DimensionResult, Event, GradeReport, Reason, Status};
use model::fact::{Grade, Kind};
use model::{Points, Seq};

/// A clean A (100) with one revoked-later penalty: `before` knows the
/// penalty (−10, C), `after` also its revocation (100, A).
fn penalty_revoked() -> (GradeReport, GradeReport) {
    let mut lines = base();
    lines.push(fact(
        "administrative_penalty",
        "P-1",
        "2025-06-01",
        r#""procedure":"ordinary","measures":[{"type":"fine","amount_yuan":200000}]"#,
    ));
    lines.push(fact("act_revoked", "REV-1", "2025-07-01", r#""target":"P-1""#));
    let recs = records(&lines);
    let b = book();
    let rules = b.by_id("xpcc-revised").unwrap();
    let before = grading::grade(E, &recs, day("2025-12-31"), Seq(5), rules);
    let after = grading::grade(E, &recs, day("2025-12-31"), Seq(6), rules);
    (before, after)
}

fn clean() -> GradeReport {
    grade(&base(), "2025-12-31")
}

fn condition(r: &mut GradeReport, id: &str, met: bool, evidence: &[&str]) {
    let c = r.conditions.iter_mut().find(|c| c.id == id).unwrap();
    c.met = met;
    c.evidence = evidence.iter().map(|s| s.to_string()).collect();
}

fn trigger(r: &mut GradeReport, id: &str, evidence: &[&str]) {
    let t = r.triggers.iter_mut().find(|t| t.id == id).unwrap();
    t.fired = !evidence.is_empty();
    t.evidence = evidence.iter().map(|s| s.to_string()).collect();
}

#[test]
fn the_fixture_reports_are_what_the_rules_say() {
    let (before, after) = penalty_revoked();
    assert_eq!((before.grade, before.score), (Some(Grade::C), Some(Points(900))));
    assert_eq!(failed(&before), ["A5", "A7", "B4"]);
    assert_eq!((after.grade, after.score), (Some(Grade::A), Some(Points(1000))));
    assert_eq!(status(&after, "P-1"), "excluded:revoked:REV-1");
}

#[test]
fn decisive_reasons_name_what_decided_the_grade() {
    let a = clean();
    assert_eq!(a.decisive_reasons(), "-");

    let (before, _) = penalty_revoked();
    // C: the B conditions that failed.
    assert_eq!(before.decisive_reasons(), "B4");

    let mut b = a.clone();
    b.grade = Some(Grade::B);
    condition(&mut b, "A4", false, &["X"]);
    condition(&mut b, "A9", false, &[]);
    assert_eq!(b.decisive_reasons(), "A4 A9");

    let mut d = a.clone();
    d.grade = Some(Grade::D);
    trigger(&mut d, "D2", &["X"]);
    trigger(&mut d, "D5", &["Y"]);
    assert_eq!(d.decisive_reasons(), "D2 D5");

    let mut low = a.clone();
    low.grade = Some(Grade::D);
    low.score = Some(Points(500));
    assert_eq!(low.decisive_reasons(), "score<60");

    // A raise: the reasons of the grade before it, then "+overdue".
    let mut raised = b.clone();
    raised.grade = Some(Grade::C);
    raised.adjustments.push(Adjustment { id: "overdue_rectification".into(), from: Grade::B, to: Grade::C, evidence: vec!["O".into()], clause: "grades.overdue_raise".into() });
    assert_eq!(raised.decisive_reasons(), "A4 A9 +overdue");
    let mut raised_a = a.clone();
    raised_a.grade = Some(Grade::B);
    raised_a.adjustments.push(Adjustment { id: "overdue_rectification".into(), from: Grade::A, to: Grade::B, evidence: vec!["O".into()], clause: "grades.overdue_raise".into() });
    assert_eq!(raised_a.decisive_reasons(), "+overdue");

    let mut out = a.clone();
    out.in_scope = false;
    out.grade = None;
    out.score = None;
    assert_eq!(out.decisive_reasons(), "out of scope");
}

#[test]
fn sha256_is_the_hash_of_the_versioned_encoding() {
    use sha2::{Digest, Sha256};
    let a = clean();
    // Report format 1: the pretty JSON without the clause trace; format 2
    // (current): a tag and the canonical JSON (no clause trace either).
    let v1 = hex::encode(Sha256::digest(grading::canonical::format_1_json(&a).as_bytes()));
    assert_eq!(grading::report_sha256(&a, 1), Some(v1));
    let v2 = hex::encode(Sha256::digest([b"credit-ledger report/2\n".as_slice(), grading::canonical::canonical_json(&a).as_bytes()].concat()));
    assert_eq!(a.sha256(), v2);
    assert_eq!(grading::report_sha256(&a, 2), Some(v2));
    assert_eq!(grading::report_sha256(&a, 3), None, "an unknown format is not guessed");
    assert_eq!(a.sha256().len(), 64);
    let (before, after) = penalty_revoked();
    assert_ne!(before.sha256(), after.sha256());
    assert!(a.to_json().contains("\"enterprise\": \"91660800000007919G\""));
}

#[test]
fn status_and_reason_codes() {
    assert_eq!(Status::Counted.as_str(), "counted");
    assert_eq!(Status::Excluded.as_str(), "excluded");
    assert_eq!(Status::Context.as_str(), "context");
    use Reason::*;
    let all = [
        (Revoked, "revoked", "Art. 10(2)"),
        (PartiallyRevoked, "partially_revoked", "Art. 10(4)"),
        (Corrected, "corrected", "Art. 10(5)"),
        (AfterEvaluationDate, "after_evaluation_date", "Art. 10(7)"),
        (OutsideWindow, "outside_window", "Art. 10(7)"),
        (Repaired, "repaired", "Art. 10(6)"),
        (PublicityExpired, "publicity_expired", "Art. 10(1)"),
        (ImpactExpired, "impact_expired", "Art. 10(6)"),
        (Changed, "changed", "Art. 10(3)"),
    ];
    for (r, code, article) in all {
        assert_eq!(r.code(), code);
        assert_eq!(r.article(), article, "{code}");
        assert_eq!(Reason::from_code(code), Some(r));
    }
    assert_eq!(Reason::from_code("counted"), None);
    assert_eq!(Reason::from_code(""), None);
}

#[test]
fn diff_of_a_report_with_itself_is_empty() {
    let (before, _) = penalty_revoked();
    let d = diff(&before, &before);
    assert!(d.is_empty());
    assert!(!d.grade_changed && !d.score_changed);
    assert!(d.dimensions.is_empty() && d.conditions.is_empty() && d.triggers.is_empty() && d.facts.is_empty());
    assert_eq!(d.adjustment, (None, None));
}

#[test]
fn diff_of_a_revocation_lists_everything_it_changed() {
    let (before, after) = penalty_revoked();
    let d = diff(&before, &after);
    assert!(!d.is_empty());
    assert_eq!(d.enterprise, E);
    assert!(d.grade_changed && d.score_changed);
    assert_eq!((d.from.grade, d.to.grade), (Some(Grade::C), Some(Grade::A)));
    assert_eq!((d.from.score, d.to.score), (Some(Points(900)), Some(Points(1000))));
    assert_eq!((d.from.known_at_seq, d.to.known_at_seq), (Seq(5), Seq(6)));
    assert_eq!((d.from.decisive.as_str(), d.to.decisive.as_str()), ("B4", "-"));
    assert_eq!(d.from.on, day("2025-12-31"));
    assert_eq!(d.to.rules_id, "xpcc-revised");
    assert_eq!(d.from.rules_sha256, before.rules.sha256);
    assert!(d.from.in_scope && d.to.in_scope);
    let dims: Vec<(&str, Option<Points>, Option<Points>)> = d.dimensions.iter().map(|x| (x.id.as_str(), x.from, x.to)).collect();
    assert_eq!(dims, [("penalty", Some(Points(100)), Some(Points(0)))]);
    let conds: Vec<(&str, Option<bool>, Option<bool>)> = d.conditions.iter().map(|x| (x.id.as_str(), x.from, x.to)).collect();
    assert_eq!(conds, [("A5", Some(false), Some(true)), ("A7", Some(false), Some(true)), ("B4", Some(false), Some(true))]);
    assert!(d.conditions.iter().all(|c| c.evidence.is_empty()));
    assert!(d.triggers.is_empty());
    // The penalty changed standing; the revocation is new but only context.
    assert_eq!(d.facts.len(), 1);
    let f = &d.facts[0];
    assert_eq!((f.seq, f.reference.as_str(), f.kind), (Seq(5), "P-1", Kind::AdministrativePenalty));
    let from = f.from.as_ref().unwrap();
    assert_eq!((from.status, from.reason, from.by.as_deref()), (Status::Counted, None, None));
    let to = f.to.as_ref().unwrap();
    assert_eq!((to.status, to.reason, to.by.as_deref()), (Status::Excluded, Some("revoked"), Some("REV-1")));
    assert_eq!(f.article, Some("Art. 10(2)"));

    // The other way round: the evidence is that of the `to` side.
    let back = diff(&after, &before);
    let a5 = back.conditions.iter().find(|c| c.id == "A5").unwrap();
    assert_eq!((a5.from, a5.to, a5.evidence.clone()), (Some(true), Some(false), vec!["P-1".to_string()]));
    assert_eq!(back.facts[0].article, None);
}

/// Each part of a diff alone makes it non-empty.
#[test]
fn any_single_difference_makes_a_diff_non_empty() {
    let a = clean();
    let mut cases: Vec<(&str, GradeReport)> = Vec::new();
    let mut x = a.clone();
    x.grade = Some(Grade::B);
    cases.push(("grade", x));
    let mut x = a.clone();
    x.score = Some(Points(990));
    cases.push(("score", x));
    let mut x = a.clone();
    x.dimensions[0].deduction = Points(10);
    cases.push(("dimension", x));
    let mut x = a.clone();
    condition(&mut x, "A4", false, &["X"]);
    cases.push(("condition", x));
    let mut x = a.clone();
    trigger(&mut x, "D1", &["X"]);
    cases.push(("trigger", x));
    let mut x = a.clone();
    x.adjustments.push(Adjustment { id: "overdue_rectification".into(), from: Grade::A, to: Grade::B, evidence: vec![], clause: "grades.overdue_raise".into() });
    cases.push(("adjustment", x));
    let mut x = a.clone();
    x.events[0].status = Status::Counted;
    cases.push(("fact", x));
    for (what, x) in cases {
        let d = diff(&a, &x);
        assert!(!d.is_empty(), "{what}");
        assert_eq!(d.grade_changed, what == "grade", "{what}");
        assert_eq!(d.score_changed, what == "score", "{what}");
        assert_eq!(d.dimensions.len(), usize::from(what == "dimension"), "{what}");
        assert_eq!(d.conditions.len(), usize::from(what == "condition"), "{what}");
        assert_eq!(d.triggers.len(), usize::from(what == "trigger"), "{what}");
        assert_eq!(d.facts.len(), usize::from(what == "fact"), "{what}");
        let adj = if what == "adjustment" { Some("A→B".to_string()) } else { None };
        assert_eq!(d.adjustment, (None, adj), "{what}");
        assert!(!diff(&x, &a).is_empty(), "{what} (reversed)");
    }
}

/// Dimensions, conditions and triggers only one side has (two rule sets).
#[test]
fn diff_lists_items_only_one_side_has_once() {
    // A lists neither A9 nor D6; B lists both, and not B5.
    let mut a = clean();
    a.conditions.retain(|c| c.id != "A9");
    a.triggers.retain(|t| t.id != "D6");
    let mut b = clean();
    b.dimensions.retain(|d| d.id != "complaints");
    let dim = |id: &str, tenths| DimensionResult { id: id.into(), deduction: Points(tenths), cap: Points(50), items: vec![], clause: format!("dimensions.{id}.cap") };
    b.dimensions.push(dim("industry", 30));
    b.dimensions.push(dim("zero", 0));
    condition(&mut b, "A9", false, &["E-1"]);
    b.conditions.retain(|c| c.id != "B5");
    trigger(&mut b, "D6", &["E-2"]);
    let d = diff(&a, &b);
    let dims: Vec<(&str, Option<Points>, Option<Points>)> = d.dimensions.iter().map(|x| (x.id.as_str(), x.from, x.to)).collect();
    assert_eq!(
        dims,
        [("complaints", Some(Points(0)), None), ("industry", None, Some(Points(30))), ("zero", None, Some(Points(0)))]
    );
    let conds: Vec<(&str, Option<bool>, Option<bool>, Vec<String>)> =
        d.conditions.iter().map(|x| (x.id.as_str(), x.from, x.to, x.evidence.clone())).collect();
    assert_eq!(conds, [("B5", Some(true), None, vec![]), ("A9", None, Some(false), vec!["E-1".to_string()])]);
    let trig: Vec<(&str, Option<bool>, Option<bool>)> = d.triggers.iter().map(|x| (x.id.as_str(), x.from, x.to)).collect();
    assert_eq!(trig, [("D6", None, Some(true))]);
}

fn event(seq: u64, reference: &str, status: Status, reason: Option<&'static str>) -> Event {
    Event { seq: Seq(seq), reference: reference.into(), kind: Kind::ComplaintVerified, occurred_on: day("2025-05-01"), status, reason, by: None }
}

/// Facts only one side knows: listed when they do something, in seq order.
#[test]
fn diff_of_facts_known_on_one_side() {
    let mut a = clean();
    let mut b = a.clone();
    a.events.push(event(20, "GONE-COUNTED", Status::Counted, None));
    a.events.push(event(21, "GONE-CONTEXT", Status::Context, None));
    b.events.push(event(12, "NEW-EXCLUDED", Status::Excluded, Some("outside_window")));
    b.events.push(event(11, "NEW-CONTEXT", Status::Context, None));
    b.events.push(event(10, "NEW-COUNTED", Status::Counted, None));
    let d = diff(&a, &b);
    let got: Vec<(u64, &str, bool, bool)> =
        d.facts.iter().map(|f| (f.seq.0, f.reference.as_str(), f.from.is_some(), f.to.is_some())).collect();
    assert_eq!(
        got,
        [(10, "NEW-COUNTED", false, true), (12, "NEW-EXCLUDED", false, true), (20, "GONE-COUNTED", true, false)]
    );
    assert_eq!(d.facts[1].article, Some("Art. 10(7)"));
    assert_eq!(d.facts[0].article, None);
    assert_eq!(d.facts[2].article, None);
    assert_eq!(d.facts[2].from.as_ref().unwrap().status, Status::Counted);
    assert_eq!(d.facts[2].kind, Kind::ComplaintVerified);
}
