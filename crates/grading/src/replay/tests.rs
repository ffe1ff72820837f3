//! Unit tests of `replay`: one rule-set change each, its clause named.

use super::*;
use crate::grade_and_scope;

const E: &str = "916608000000316768";
const REVISED: &str = include_str!("../../../../fixtures/rules/xpcc-revised.toml");

fn on() -> ChinaDate {
    ChinaDate::from_ymd(2025, 12, 31).unwrap()
}

fn shipped(id: &str) -> RuleSet {
    rules::shipped().unwrap().by_id(id).unwrap().clone()
}

/// The revised set with `from` replaced by `to`, under its own id.
fn draft(from: &str, to: &str) -> RuleSet {
    assert!(REVISED.contains(from), "{from}");
    let text = REVISED.replace("id = \"xpcc-revised\"", "id = \"draft\"").replace(from, to);
    RuleSet::parse("draft", text.as_bytes()).unwrap()
}

use crate::scope_tests::records;

/// A licensed large enterprise, report filed: a clean A under the revised set.
fn clean(key_catalogue: bool) -> Vec<String> {
    vec![
        format!(r#"{{"kind":"enterprise_registered","ref":"REG-1","enterprise":"{E}","occurred_on":"2020-01-10","name":"甲","division":"08","scale":"large","key_catalogue":{key_catalogue}}}"#),
        format!(r#"{{"kind":"licence_granted","ref":"LIC-1","enterprise":"{E}","occurred_on":"2020-02-01","licence_no":"XK16-204-00001","product":"胶合板","category":"人造板","valid_from":"2020-02-01","valid_to":"2029-01-31"}}"#),
        format!(r#"{{"kind":"self_inspection_report","ref":"RPT-2024","enterprise":"{E}","occurred_on":"2025-05-20","year":2024,"filed_on":"2025-05-20"}}"#),
    ]
}

fn sampling_failed() -> String {
    format!(r#"{{"kind":"sampling_inspection","ref":"S-1","enterprise":"{E}","occurred_on":"2025-05-12","level":"xpcc","product":"胶合板","result":"fail","failed_items":["甲醛释放量"]}}"#)
}

/// A licence granted after V (2026-02-01).
fn late_licence() -> String {
    format!(r#"{{"kind":"licence_granted","ref":"LIC-2","enterprise":"{E}","occurred_on":"2026-02-01","licence_no":"XK16-204-00002","product":"胶合板","category":"人造板","valid_from":"2026-02-01","valid_to":"2031-01-31"}}"#)
}

/// Grades `lines` at K = `kx` under X and `ky` under Y; (move, clauses).
fn replay(lines: &[String], x: &RuleSet, kx: u64, y: &RuleSet, ky: u64) -> (Option<Move>, Vec<Clause>) {
    let recs = records(lines);
    let (ra, oa) = grade_and_scope(E, &recs, on(), Seq(kx), x);
    let (rb, ob) = grade_and_scope(E, &recs, on(), Seq(ky), y);
    let m = Move::of((ra.grade, ra.score), (rb.grade, rb.score));
    let clauses = attribute(&Side { report: &ra, out_of_scope: oa, rules: x }, &Side { report: &rb, out_of_scope: ob, rules: y });
    (m, clauses)
}

fn paths(c: &[Clause]) -> Vec<&str> {
    c.iter().map(|c| c.clause.as_str()).collect()
}

#[test]
fn issue8_replay_raised_points_name_the_deduction_and_the_threshold() {
    let mut lines = clean(true);
    lines.push(sampling_failed());
    let revised = shipped("xpcc-revised");
    let raised = draft("sampling_failed = 10.0", "sampling_failed = 25.0");
    // Revised: 90, A4 fails → B. Draft: 75 → B1 fails → C.
    let (m, c) = replay(&lines, &revised, 4, &raised, 4);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["dimensions.sampling.points.sampling_failed", "grades.b_min_score"], "{c:?}");
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("−10.0", "−25.0"));
    assert_eq!(c[1].x, "score 90.0 ≥ 80.0: met");
    assert_eq!(c[1].y, "score 75.0 < 80.0: not met");
    // The same set on both sides: nothing moves, nothing is named.
    assert_eq!(replay(&lines, &revised, 4, &revised, 4), (None, Vec::new()));
}

#[test]
fn issue8_replay_a_score_only_change_names_its_points() {
    let mut lines = clean(true);
    lines.push(sampling_failed());
    lines.push(sampling_failed().replace("S-1", "S-2").replace("05-12", "06-12"));
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 5, &draft("sampling_failed = 10.0", "sampling_failed = 9.5"), 5);
    assert_eq!(m, Some(Move::Score));
    assert_eq!(paths(&c), ["dimensions.sampling.points.sampling_failed"]);
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("2 items, −20.0", "2 items, −19.0"));
}

#[test]
fn issue8_replay_a_cap_names_the_cap() {
    let mut lines = clean(true);
    for i in 1..=3 {
        lines.push(sampling_failed().replace("S-1", &format!("S-{i}")).replace("05-12", &format!("0{i}-12")));
    }
    // Three failures: 30 under both caps of 40; a cap of 25 cuts it.
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 6, &draft("cap = 40.0\npoints = { sampling_failed", "cap = 25.0\npoints = { sampling_failed"), 6);
    assert_eq!(m, Some(Move::Score));
    assert_eq!(paths(&c), ["dimensions.sampling.cap"], "{c:?}");
    assert_eq!(c[0].y, "−25.0 (items −30.0, cap 25.0)");
}

#[test]
fn issue8_replay_a_threshold_moves_a_grade() {
    let mut lines = clean(true);
    lines[0] = lines[0].replace("\"large\"", "\"small\""); // −1: score 99
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 3, &draft("a_min_score = 90.0", "a_min_score = 99.5"), 3);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["grades.a_min_score"]);
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("score 99.0 ≥ 90.0: met", "score 99.0 < 99.5: not met"));
}

#[test]
fn issue8_replay_a_trigger_dropped_from_the_list() {
    let mut lines = clean(true);
    lines.push(format!(r#"{{"kind":"administrative_penalty","ref":"P-1","enterprise":"{E}","occurred_on":"2025-07-01","procedure":"ordinary","measures":[{{"type":"criminal_referral"}}]}}"#));
    let dropped = draft(r#"d_triggers = ["D1", "D2", "D3", "D4", "D5", "D6"]"#, r#"d_triggers = ["D1", "D2", "D3", "D4", "D5"]"#);
    // Score 70, A7/B4 fail → C without D6.
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 4, &dropped, 4);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["grades.d_triggers"]);
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("fired (P-1)", "D6 not listed"));
}

#[test]
fn issue8_replay_a_condition_dropped_and_the_dropped_dimension() {
    let mut lines = clean(true);
    lines.push(sampling_failed());
    let no_a4 = draft(r#"a_conditions = ["A1", "A2", "A3", "A4","#, r#"a_conditions = ["A1", "A2", "A3","#);
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 4, &no_a4, 4);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["grades.a_conditions"]);
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("not met (S-1)", "A4 not listed"));

    // Trial → revised for a high-risk product: the industry dimension
    // goes, its points move to quality_risk; a score of 95 either way.
    let mut lines = clean(true);
    lines[1] = lines[1].replace("\"category\":\"人造板\"", "\"category\":\"危险化学品\"");
    let (m, c) = replay(&lines, &shipped("xpcc-trial"), 3, &shipped("xpcc-revised"), 3);
    assert_eq!(m, None);
    assert_eq!(paths(&c), ["dimensions.industry", "dimensions.quality_risk.points.product_high"], "{c:?}");
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("−5.0 (cap 5.0)", "no such dimension"));
    assert_eq!((c[1].x.as_str(), c[1].y.as_str()), ("not in this dimension", "−5.0"));
}

#[test]
fn issue8_replay_scope_names_the_scope_clause() {
    let (m, c) = replay(&clean(false), &shipped("xpcc-trial"), 3, &shipped("xpcc-revised"), 3);
    assert_eq!(m, Some(Move::Scope));
    assert_eq!(paths(&c), ["scope"]);
    assert_eq!(c[0].x, "not in scope (key_catalogue): not on the key-product catalogue");
    assert_eq!(c[0].y, "in scope (licensed)");
    // Registered only after K on one side.
    let (m, c) = replay(&clean(true), &shipped("xpcc-revised"), 0, &shipped("xpcc-revised"), 3);
    assert_eq!(m, Some(Move::Scope));
    assert_eq!(paths(&c), ["annual_run", "scope"]);
    assert_eq!(c[1].x, "not in scope: not registered at seq 0");
}

#[test]
fn issue8_replay_facts_between_the_cuts_name_the_run_timing() {
    let mut lines = clean(true);
    lines.push(sampling_failed());
    // X knows seqs 1–3 (its run came first), Y also the sampling.
    let (m, c) = replay(&lines, &shipped("xpcc-trial"), 3, &shipped("xpcc-revised"), 4);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["annual_run", "dimensions.sampling.points.sampling_failed", "grades.a_conditions[A4]"], "{c:?}");
    assert_eq!(c[0].x, "january_1: known at seq 3");
    assert_eq!(c[0].y, "first_quarter: known at seq 4 (+ S-1)");
    assert_eq!((c[1].x.as_str(), c[1].y.as_str()), ("none (−10.0 each)", "−10.0"));
    assert_eq!((c[2].x.as_str(), c[2].y.as_str()), ("met", "not met (S-1)"));
}

#[test]
fn issue8_replay_the_d_threshold_and_the_overdue_raise() {
    let mut lines = clean(true);
    for i in 1..=3 {
        lines.push(sampling_failed().replace("S-1", &format!("S-{i}")).replace("05-12", &format!("0{i}-12")));
    }
    // Score 70: C under the revised set, D below 75; the B1 verdict
    // (failed on both sides) is not named.
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 6, &draft("d_below_score = 60.0", "d_below_score = 75.0"), 6);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["grades.d_below_score"]);
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("score 70.0 ≥ 60.0: not D", "score 70.0 < 75.0: D"));

    let mut lines = clean(true);
    lines.push(format!(r#"{{"kind":"complaint_verified","ref":"CP-1","enterprise":"{E}","occurred_on":"2025-03-01","channel":"complaint"}}"#));
    lines.push(format!(r#"{{"kind":"rectification_ordered","ref":"O-1","enterprise":"{E}","occurred_on":"2025-03-05","target":"CP-1","deadline":"2025-06-30"}}"#));
    lines.push(format!(r#"{{"kind":"rectification_completed","ref":"RC-1","enterprise":"{E}","occurred_on":"2025-07-10","target":"O-1"}}"#));
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 6, &draft("overdue_raise = true", "overdue_raise = false"), 6);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["grades.overdue_raise"]);
    assert_eq!((c[0].x.as_str(), c[0].y.as_str()), ("true: raised A→B", "false: no raise"));
}

#[test]
fn issue8_replay_run_timing_names_only_facts_that_bear_on_v() {
    let mut lines = clean(true);
    lines.push(sampling_failed());
    // Recorded between the cuts too, but context: not named.
    lines.push(late_licence());
    let (_, c) = replay(&lines, &shipped("xpcc-trial"), 3, &shipped("xpcc-revised"), 5);
    assert_eq!(c[0].y, "first_quarter: known at seq 5 (+ S-1)");
    // A correction recorded between the cuts: named, not the fact it voids.
    let mut lines = clean(true);
    lines.push(sampling_failed());
    lines.push(format!(r#"{{"kind":"act_revoked","ref":"REV-1","enterprise":"{E}","occurred_on":"2025-09-01","target":"S-1"}}"#));
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 4, &shipped("xpcc-revised"), 5);
    assert_eq!(m, Some(Move::Grade));
    assert_eq!(paths(&c), ["annual_run", "dimensions.sampling.points.sampling_failed", "grades.a_conditions[A4]"], "{c:?}");
    assert_eq!(c[0].y, "first_quarter: known at seq 5 (+ REV-1)");
    // Not in scope until a licence recorded between the cuts.
    // (LIC-2, valid after V, is not named.)
    let c0 = clean(true);
    let lines: Vec<String> = [c0[0].clone(), c0[2].clone(), c0[1].clone(), late_licence()].into();
    let (m, c) = replay(&lines, &shipped("xpcc-revised"), 2, &shipped("xpcc-revised"), 4);
    assert_eq!(m, Some(Move::Scope));
    assert_eq!(paths(&c), ["annual_run", "scope"]);
    assert_eq!(c[0].y, "first_quarter: known at seq 4 (+ LIC-1)");
}

#[test]
fn issue8_replay_attribute_reads_the_clauses_the_reports_name() {
    let mut lines = clean(true);
    lines.push(sampling_failed());
    let (revised, raised) = (shipped("xpcc-revised"), draft("sampling_failed = 10.0", "sampling_failed = 25.0"));
    let recs = records(&lines);
    let (mut ra, oa) = grade_and_scope(E, &recs, on(), Seq(4), &revised);
    let (mut rb, ob) = grade_and_scope(E, &recs, on(), Seq(4), &raised);
    // The reports' own clauses, as graded.
    let named = |ra: &GradeReport, rb: &GradeReport| -> Vec<String> {
        let c = attribute(&Side { report: ra, out_of_scope: oa, rules: &revised }, &Side { report: rb, out_of_scope: ob, rules: &raised });
        c.into_iter().map(|c| c.clause).collect()
    };
    assert_eq!(named(&ra, &rb), ["dimensions.sampling.points.sampling_failed", "grades.b_min_score"]);
    // Whatever clause the reports name is the one attribute names.
    for r in [&mut ra, &mut rb] {
        let dim = r.dimensions.iter_mut().find(|d| d.id == "sampling").unwrap();
        dim.items[0].clause = "dimensions.sampling.points.as_the_report_says".into();
        r.conditions.iter_mut().find(|c| c.id == "B1").unwrap().clause = "grades.b_threshold_as_named".into();
    }
    assert_eq!(named(&ra, &rb), ["dimensions.sampling.points.as_the_report_says", "grades.b_threshold_as_named"]);
    // The same for a trigger, the D threshold, the raise and scope.
    rb.d_threshold.as_mut().unwrap().below = true;
    rb.d_threshold.as_mut().unwrap().clause = "grades.d_named".into();
    assert!(named(&ra, &rb).contains(&"grades.d_named".to_string()));
    let (mut out, _) = grade_and_scope(E, &records(&clean(false)), on(), Seq(4), &shipped("xpcc-trial"));
    out.scope.clause = "scope_as_named".into();
    let trial = shipped("xpcc-trial");
    let c = attribute(
        &Side { report: &out, out_of_scope: Some(OutOfScope::NotOnKeyCatalogue), rules: &trial },
        &Side { report: &ra, out_of_scope: None, rules: &revised },
    );
    assert_eq!(c[0].clause, "scope_as_named");
}

#[test]
fn issue8_replay_matrix_counts_moves_and_scope() {
    let mut m = Matrix::default();
    m.add(Some(Grade::A), Some(Grade::B));
    m.add(Some(Grade::A), Some(Grade::B));
    m.add(None, Some(Grade::C));
    m.add(Some(Grade::D), None);
    m.add(None, None);
    assert_eq!(m.total(), 5);
    assert_eq!(m.get(Some(Grade::A), Some(Grade::B)), 2);
    assert_eq!(m.rows()[4], [0, 0, 1, 0, 1]);
    assert_eq!((m.entering_scope(), m.leaving_scope()), (1, 1));
    assert_eq!(Move::of((None, None), (Some(Grade::A), Some(Points(1000)))), Some(Move::Scope));
    assert_eq!(Move::of((Some(Grade::A), Some(Points(950))), (Some(Grade::B), Some(Points(950)))), Some(Move::Grade));
    assert_eq!(Move::of((Some(Grade::A), Some(Points(950))), (Some(Grade::A), Some(Points(940)))), Some(Move::Score));
    assert_eq!(Move::of((None, None), (None, None)), None);
}

#[test]
fn issue8_replay_official_cut_follows_the_run_timing() {
    let d = |y, m, dd| ChinaDate::from_ymd(y, m, dd);
    assert_eq!(official_cut(AnnualRun::January1, 2025), d(2026, 1, 1));
    assert_eq!(official_cut(AnnualRun::FirstQuarter, 2025), d(2026, 4, 1));
    assert_eq!(official_cut(AnnualRun::FirstQuarter, 2200), None);
}

#[test]
fn issue8_replay_division_is_read_before_grading() {
    let mut lines = clean(true);
    lines.push(format!(r#"{{"kind":"enterprise_changed","ref":"CHG-1","enterprise":"{E}","occurred_on":"2025-03-01","division":"09"}}"#));
    let recs = records(&lines);
    assert_eq!(division_on(&recs, on(), Seq(3)), "08");
    assert_eq!(division_on(&recs, on(), Seq(4)), "09");
    assert_eq!(division_on(&recs, ChinaDate::from_ymd(2025, 2, 1).unwrap(), Seq(4)), "08");
}
