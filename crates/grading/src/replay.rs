//! Replay after a rule change (issue 8, item 5), pure: how one enterprise's
//! outcome moved between two rule sets X and Y, which rule-set clauses made
//! it move, and the transition matrix of a whole jurisdiction.
//!
//! A move is attributed from the two reports, which name the clause of
//! every deduction, verdict and raise (issue 8, item 4): deductions whose
//! points differ (`dimensions.<id>.points.<rule>`, `dimensions.<id>.cap`, a
//! dimension only one set has), threshold verdicts (`grades.a_min_score`,
//! `b_min_score`, `d_below_score`), condition and trigger verdicts
//! (`grades.a_conditions[A4]`) or listings (`grades.d_triggers`), the
//! overdue raise, `scope`; from the two rule sets, the clauses no report
//! names (`base_score`, `floor_score`, `past_year_months`), and
//! `annual_run` when the two sides were asked at different knowledge cuts
//! (`replay --official-run`) and facts lie between them.

use crate::diff::{diff, VerdictChange};
use crate::report::{DimensionResult, Event, GradeReport, Status};
use crate::OutOfScope;
use model::fact::Grade;
use model::{ChinaDate, Points, Record, Seq};
use rules::{paths, AnnualRun, RuleSet, Scope, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;

/// One side of a replay: the report under one rule set, why it is out of
/// scope when it is, and that rule set.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    pub report: &'a GradeReport,
    pub out_of_scope: Option<OutOfScope>,
    pub rules: &'a RuleSet,
}

/// A rule-set clause responsible for a move, with what it gave on each side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// Key path in the rule-set file (docs/RULES.md), e.g.
    /// `dimensions.sampling.points.sampling_failed`; a condition or trigger
    /// of a list is named `grades.a_conditions[A4]`.
    pub clause: String,
    /// What the clause gave under X, in words and points.
    pub x: String,
    /// What it gave under Y.
    pub y: String,
}

impl Clause {
    fn new(clause: impl Into<String>, x: impl Into<String>, y: impl Into<String>) -> Clause {
        Clause { clause: clause.into(), x: x.into(), y: y.into() }
    }
}

/// How an enterprise moved, the most visible change first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// In scope under one set only (entering or leaving scope).
    Scope,
    /// In scope under both, with another grade.
    Grade,
    /// The same grade, another score.
    Score,
}

impl Move {
    /// How the outcome (grade, score; `None` = not in scope) moved from X
    /// to Y; `None` when it did not.
    pub fn of(x: (Option<Grade>, Option<Points>), y: (Option<Grade>, Option<Points>)) -> Option<Move> {
        if x.0.is_some() != y.0.is_some() {
            Some(Move::Scope)
        } else if x.0 != y.0 {
            Some(Move::Grade)
        } else if x.1 != y.1 {
            Some(Move::Score)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Move::Scope => "scope",
            Move::Grade => "grade",
            Move::Score => "score",
        }
    }
}

/// Counts of enterprises by grade under X (rows) and under Y (columns),
/// "not in scope" being the last row and column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matrix {
    counts: [[u64; 5]; 5],
}

impl Matrix {
    /// Row and column labels, in order.
    pub const LABELS: [&'static str; 5] = ["A", "B", "C", "D", "not in scope"];

    fn index(g: Option<Grade>) -> usize {
        match g {
            Some(Grade::A) => 0,
            Some(Grade::B) => 1,
            Some(Grade::C) => 2,
            Some(Grade::D) => 3,
            None => 4,
        }
    }

    /// Counts one enterprise graded `x` under X and `y` under Y.
    pub fn add(&mut self, x: Option<Grade>, y: Option<Grade>) {
        self.counts[Self::index(x)][Self::index(y)] += 1;
    }

    /// Enterprises graded `x` under X and `y` under Y.
    pub fn get(&self, x: Option<Grade>, y: Option<Grade>) -> u64 {
        self.counts[Self::index(x)][Self::index(y)]
    }

    /// The counts by row (X) and column (Y), in [`Matrix::LABELS`] order.
    pub fn rows(&self) -> &[[u64; 5]; 5] {
        &self.counts
    }

    /// Every enterprise counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// Out of scope under X, in scope under Y.
    pub fn entering_scope(&self) -> u64 {
        self.counts[4][..4].iter().sum()
    }

    /// In scope under X, out of scope under Y.
    pub fn leaving_scope(&self) -> u64 {
        self.counts[..4].iter().map(|r| r[4]).sum()
    }
}

/// The China date at whose start (00:00, UTC+08:00) the official run for
/// `year` takes its knowledge cut: facts recorded before that instant are
/// known to it (DOMAIN.md "The trial rule set": facts recorded in Q1 about
/// the previous year are known to the revised run and not the trial's).
/// Trial `january_1`: 1 January of `year`+1, when the run takes place;
/// revised `first_quarter`: 1 April of `year`+1, i.e. the end of the run
/// window, 31 March 24:00. `None` beyond the calendar.
pub fn official_cut(run: AnnualRun, year: i32) -> Option<ChinaDate> {
    let (first, last) = run.run_dates(year)?;
    match run {
        AnnualRun::January1 => Some(first),
        AnnualRun::FirstQuarter => last.checked_add_days(1),
    }
}

/// The enterprise's division on V as known at K (its registration and
/// changes, corrections applied): what `--division` selects by, read
/// before the enterprise is graded.
pub fn division_on(records: &[Record], on: ChinaDate, known_at: Seq) -> String {
    let known = &records[..records.partition_point(|r| r.seq <= known_at)];
    crate::facts::identity(&crate::resolve(known), on).division
}

fn points(p: Points) -> String {
    if p.0 == 0 {
        "0.0".into()
    } else {
        format!("−{p}")
    }
}

fn scope_name(s: Scope) -> &'static str {
    match s {
        Scope::Licensed => "licensed",
        Scope::KeyCatalogue => "key_catalogue",
    }
}

fn scope_text(s: &Side) -> String {
    let name = scope_name(s.rules.scope);
    match s.out_of_scope {
        None if s.report.in_scope => format!("in scope ({name})"),
        None => "not in scope".into(),
        Some(OutOfScope::NoLicenceHeld) => format!("not in scope ({name}): no licence held in the past year"),
        Some(OutOfScope::NotOnKeyCatalogue) => format!("not in scope ({name}): not on the key-product catalogue"),
        Some(OutOfScope::NotRegistered) => format!("not in scope: not registered at seq {}", s.report.known_at_seq),
    }
}

/// "score 88.0 < 90.0": a side's score against a threshold.
fn score_vs(s: &Side, threshold: Points) -> String {
    match s.report.score {
        Some(p) => format!("score {p} {} {threshold}", if p >= threshold { "≥" } else { "<" }),
        None => format!("no score, threshold {threshold}"),
    }
}

/// Items of one dimension by their clause: (deduction rule, count, sum of points).
fn by_clause(d: Option<&DimensionResult>) -> BTreeMap<&str, (&str, usize, Points)> {
    let mut m: BTreeMap<&str, (&str, usize, Points)> = BTreeMap::new();
    for i in d.into_iter().flat_map(|d| &d.items) {
        let e = m.entry(i.clause.as_str()).or_insert((i.rule.as_str(), 0, Points::ZERO));
        e.1 += 1;
        e.2 = Points(e.2 .0 + i.points.0);
    }
    m
}

/// A deduction rule's effect on one side: "−10.0", "2 items, −20.0", "none (−10.0 each)",
/// "not in this dimension".
fn rule_text(rules: &RuleSet, dim: &str, rule: &str, got: Option<(usize, Points)>) -> String {
    let each = rules
        .dimensions
        .iter()
        .find(|d| d.id == dim)
        .and_then(|d| rules::Deduction::from_key(rule).and_then(|k| d.points.get(&k)).copied());
    match (got, each) {
        (Some((1, sum)), _) => points(sum),
        (Some((n, sum)), _) => format!("{n} items, {}", points(sum)),
        (_, Some(p)) => format!("none ({} each)", points(p)),
        (_, None) => "not in this dimension".into(),
    }
}

fn dimension_clauses(x: &Side, y: &Side, out: &mut Vec<Clause>) {
    let (a, b) = (x.report, y.report);
    let mut ids: Vec<&str> = a.dimensions.iter().map(|d| d.id.as_str()).collect();
    ids.extend(b.dimensions.iter().map(|d| d.id.as_str()).filter(|id| !a.dimensions.iter().any(|d| d.id == *id)));
    for id in ids {
        let (da, db) = (a.dimensions.iter().find(|d| d.id == id), b.dimensions.iter().find(|d| d.id == id));
        // A dimension one set lacks deducts nothing there.
        if da.map_or(Points::ZERO, |d| d.deduction) == db.map_or(Points::ZERO, |d| d.deduction) {
            continue;
        }
        let summary = |d: Option<&DimensionResult>| match d {
            None => "no such dimension".to_string(),
            Some(d) => format!("{} (cap {})", points(d.deduction), d.cap),
        };
        let (Some(da), Some(db)) = (da, db) else {
            // The dimension as a whole: the table its cap clause is in.
            let cap = da.or(db).map_or("", |d| d.clause.as_str());
            let path = cap.rsplit_once('.').map_or(cap, |(dim, _)| dim);
            out.push(Clause::new(path, summary(da), summary(db)));
            continue;
        };
        let (ra, rb) = (by_clause(Some(da)), by_clause(Some(db)));
        let mut keys: Vec<&str> = ra.keys().copied().collect();
        keys.extend(rb.keys().copied().filter(|k| !ra.contains_key(k)));
        for k in keys {
            let (ga, gb) = (ra.get(k), rb.get(k));
            if ga.map(|g| g.2) != gb.map(|g| g.2) {
                let rule = ga.or(gb).map_or("", |g| g.0);
                out.push(Clause::new(
                    k,
                    rule_text(x.rules, id, rule, ga.map(|g| (g.1, g.2))),
                    rule_text(y.rules, id, rule, gb.map(|g| (g.1, g.2))),
                ));
            }
        }
        let sum = |r: &BTreeMap<&str, (&str, usize, Points)>| Points(r.values().map(|v| v.2 .0).sum());
        let (sa, sb) = (sum(&ra), sum(&rb));
        if da.cap != db.cap && (sa > da.cap || sb > db.cap) {
            let capped = |s: Points, d: &DimensionResult| format!("{} (items {}, cap {})", points(d.deduction), points(s), d.cap);
            out.push(Clause::new(db.clause.as_str(), capped(sa, da), capped(sb, db)));
        }
    }
}

/// Where one side stands at each level of the grade rule (DOMAIN.md "Grades").
struct Levels {
    below: bool,
    /// D: score below the D threshold, or a trigger fired.
    d: bool,
    all_a: bool,
    all_b: bool,
}

impl Levels {
    fn of(s: &Side) -> Levels {
        let r = s.report;
        let below = r.d_threshold.as_ref().is_some_and(|t| t.below);
        let all = |a: bool| r.conditions.iter().filter(|c| c.id.of_a() == a).all(|c| c.met);
        Levels { below, d: below || r.triggers.iter().any(|t| t.fired), all_a: all(true), all_b: all(false) }
    }
}

/// The clause a report names for the verdict `id`, if it lists it.
fn verdict_clause<'r>(r: &'r GradeReport, id: &str) -> Option<&'r str> {
    let c = r.conditions.iter().find(|c| c.id == id).map(|c| c.clause.as_str());
    c.or_else(|| r.triggers.iter().find(|t| t.id == id).map(|t| t.clause.as_str()))
}

fn verdict_clauses(x: &Side, y: &Side, changes: &[VerdictChange], trigger: bool, out: &mut Vec<Clause>) {
    let (yes, no) = if trigger { ("fired", "quiet") } else { ("met", "not met") };
    let evidence = |r: &GradeReport, id: &str| -> Vec<String> {
        let e = if trigger {
            r.triggers.iter().find(|t| t.id == id).map(|t| t.evidence.clone())
        } else {
            r.conditions.iter().find(|c| c.id == id).map(|c| c.evidence.clone())
        };
        e.unwrap_or_default()
    };
    let text = |s: &Side, v: Option<bool>, id: &str| match v {
        None => format!("{id} not listed"),
        Some(v) => {
            let ev = evidence(s.report, id);
            let word = if v { yes } else { no };
            if ev.is_empty() {
                word.to_string()
            } else {
                format!("{word} ({})", ev.join(", "))
            }
        }
    };
    for c in changes {
        let name = c.id.as_str();
        let threshold = match name {
            "A1" => Some((x.rules.grades.a_min_score, y.rules.grades.a_min_score)),
            "B1" => Some((x.rules.grades.b_min_score, y.rules.grades.b_min_score)),
            _ => None,
        };
        // Listed on both sides: the clause the reports name (A1 and B1: the
        // score threshold); on one side only: the list.
        match (verdict_clause(x.report, name).filter(|_| c.from.is_some()), c.from, c.to) {
            (Some(clause), Some(fx), Some(fy)) => match threshold {
                Some((tx, ty)) => {
                    let t = |s: &Side, th: Points, met: bool| format!("{}: {}", score_vs(s, th), if met { "met" } else { "not met" });
                    out.push(Clause::new(clause, t(x, tx, fx), t(y, ty, fy)));
                }
                None => out.push(Clause::new(clause, text(x, c.from, name), text(y, c.to, name))),
            },
            _ => {
                let list = Verdict::from_id(name).map_or("grades", paths::list);
                out.push(Clause::new(list, text(x, c.from, name), text(y, c.to, name)));
            }
        }
    }
}

/// `annual_run`, when the sides were asked at different knowledge cuts and
/// facts recorded between them matter: counted or excluded on the later
/// side, or excluding an earlier fact there (a correction); when the scope
/// differs, any fact between valid by V (a licence, a registration, a change).
fn run_timing(x: &Side, y: &Side) -> Option<Clause> {
    let (a, b) = (x.report, y.report);
    if a.known_at_seq == b.known_at_seq {
        return None;
    }
    let (lo, hi, later) = if a.known_at_seq < b.known_at_seq { (a.known_at_seq, b.known_at_seq, b) } else { (b.known_at_seq, a.known_at_seq, a) };
    let between = |seq: Seq| seq > lo && seq <= hi;
    let new: Vec<&Event> = later.events.iter().filter(|e| between(e.seq)).collect();
    let mut refs: Vec<&str> = Vec::new();
    if a.in_scope != b.in_scope {
        // Any fact valid by V may bear on scope (a licence, a registration).
        refs.extend(new.iter().filter(|e| e.occurred_on <= later.on).map(|e| e.reference.as_str()));
    } else {
        refs.extend(new.iter().filter(|e| e.status != Status::Context).map(|e| e.reference.as_str()));
        // A correction recorded between the cuts that excludes an earlier fact.
        let by = later.events.iter().filter_map(|e| e.by.as_deref()).filter(|by| new.iter().any(|n| n.reference == *by));
        for r in by {
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
    }
    if refs.is_empty() {
        return None;
    }
    let side = |s: &Side| format!("{}: known at seq {}", s.rules.annual_run.as_str(), s.report.known_at_seq);
    let (mut tx, mut ty) = (side(x), side(y));
    let note = format!(" (+ {})", refs.join(", "));
    if std::ptr::eq(later, a) {
        tx += &note;
    } else {
        ty += &note;
    }
    Some(Clause::new("annual_run", tx, ty))
}

/// The rule-set clauses responsible for the difference between the
/// reports of one enterprise under X and Y (same V), each with what it gave
/// on either side: empty when they agree in scope, deductions, verdicts and
/// raise (and no fact lies between their cuts). Every difference in scope,
/// grade or score yields at least one clause.
pub fn attribute(x: &Side, y: &Side) -> Vec<Clause> {
    let (a, b) = (x.report, y.report);
    let mut out = Vec::new();
    if let Some(c) = run_timing(x, y) {
        out.push(c);
    }
    if a.in_scope != b.in_scope {
        out.push(Clause::new(a.scope.clause.as_str(), scope_text(x), scope_text(y)));
    }
    if !(a.in_scope && b.in_scope) {
        return out;
    }
    dimension_clauses(x, y, &mut out);
    if x.rules.base_score != y.rules.base_score {
        out.push(Clause::new("base_score", x.rules.base_score.to_string(), y.rules.base_score.to_string()));
    }
    let floored = |s: &Side| s.report.score == Some(s.rules.floor_score);
    if x.rules.floor_score != y.rules.floor_score && (floored(x) || floored(y)) {
        out.push(Clause::new("floor_score", x.rules.floor_score.to_string(), y.rules.floor_score.to_string()));
    }
    let d = diff(a, b);
    // Only the level of the grade rule where the two sides part is
    // responsible: D (score below, triggers), else A (its conditions), else B.
    let (lx, ly) = (Levels::of(x), Levels::of(y));
    if lx.d != ly.d {
        if lx.below != ly.below {
            let t = |s: &Side, l: &Levels| format!("{}: {}", score_vs(s, s.rules.grades.d_below_score), if l.below { "D" } else { "not D" });
            // The clause the report of the side below the threshold names.
            let below = [a, b].into_iter().filter_map(|r| r.d_threshold.as_ref()).find(|t| t.below);
            let clause = below.map_or(paths::D_BELOW_SCORE, |t| t.clause.as_str());
            out.push(Clause::new(clause, t(x, &lx), t(y, &ly)));
        }
        verdict_clauses(x, y, &d.triggers, true, &mut out);
    } else if !lx.d && lx.all_a != ly.all_a {
        let a: Vec<VerdictChange> = d.conditions.iter().filter(|c| c.id.starts_with('A')).cloned().collect();
        verdict_clauses(x, y, &a, false, &mut out);
    } else if !lx.d && !lx.all_a && lx.all_b != ly.all_b {
        let b: Vec<VerdictChange> = d.conditions.iter().filter(|c| c.id.starts_with('B')).cloned().collect();
        verdict_clauses(x, y, &b, false, &mut out);
    }
    // Raised on one side only (a raise on both from other base grades is not the move).
    if d.adjustment.0.is_some() != d.adjustment.1.is_some() {
        let t = |s: &Side, adj: &Option<String>| {
            let on = if s.rules.grades.overdue_raise { "true" } else { "false" };
            match adj {
                Some(a) => format!("{on}: raised {a}"),
                None => format!("{on}: no raise"),
            }
        };
        let raised = a.adjustments.first().or(b.adjustments.first());
        out.push(Clause::new(raised.map_or(paths::OVERDUE_RAISE, |r| r.clause.as_str()), t(x, &d.adjustment.0), t(y, &d.adjustment.1)));
    }
    if x.rules.past_year_months != y.rules.past_year_months && d.facts.iter().any(|f| f.from.is_some() && f.to.is_some()) {
        out.push(Clause::new("past_year_months", x.rules.past_year_months.to_string(), y.rules.past_year_months.to_string()));
    }
    out
}

#[cfg(test)]
mod tests;
