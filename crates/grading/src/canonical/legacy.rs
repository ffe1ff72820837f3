//! Report encoding 1: the report's pretty JSON in the shape it had before
//! the clause trace (issue 8, item 4), which encoding 1 leaves out as
//! encoding 2 does. Borrowed mirrors of the report's structs, their fields
//! in the order serde writes them.

use crate::report::{Adjustment, ConditionResult, DimensionResult, Event, GradeReport, Item, RulesRef, TriggerResult};
use model::fact::Grade;
use model::{ChinaDate, Points, Seq};
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    enterprise: &'a str,
    name: &'a str,
    division: &'a str,
    on: ChinaDate,
    known_at_seq: Seq,
    rules: &'a RulesRef,
    in_scope: bool,
    grade: Option<Grade>,
    score: Option<Points>,
    dimensions: Vec<Dimension<'a>>,
    conditions: Vec<Verdict<'a>>,
    triggers: Vec<Fired<'a>>,
    adjustments: Vec<Raise<'a>>,
    events: &'a [Event],
}

#[derive(Serialize)]
struct Dimension<'a> {
    id: &'a str,
    deduction: Points,
    cap: Points,
    items: Vec<Deduction<'a>>,
}

#[derive(Serialize)]
struct Deduction<'a> {
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
    points: Points,
    rule: &'a str,
}

#[derive(Serialize)]
struct Verdict<'a> {
    id: &'static str,
    met: bool,
    evidence: &'a [String],
}

#[derive(Serialize)]
struct Fired<'a> {
    id: &'static str,
    fired: bool,
    evidence: &'a [String],
}

#[derive(Serialize)]
struct Raise<'a> {
    id: &'a str,
    from: Grade,
    to: Grade,
    evidence: &'a [String],
}

fn item(i: &Item) -> Deduction<'_> {
    let Item { reference, points, rule, clause: _ } = i;
    Deduction { reference: reference.as_deref(), points: *points, rule }
}

fn dimension(d: &DimensionResult) -> Dimension<'_> {
    let DimensionResult { id, deduction, cap, items, clause: _ } = d;
    Dimension { id, deduction: *deduction, cap: *cap, items: items.iter().map(item).collect() }
}

fn condition(c: &ConditionResult) -> Verdict<'_> {
    let ConditionResult { id, met, evidence, clause: _ } = c;
    Verdict { id: id.as_str(), met: *met, evidence }
}

fn trigger(t: &TriggerResult) -> Fired<'_> {
    let TriggerResult { id, fired, evidence, clause: _ } = t;
    Fired { id: id.as_str(), fired: *fired, evidence }
}

fn adjustment(a: &Adjustment) -> Raise<'_> {
    let Adjustment { id, from, to, evidence, clause: _ } = a;
    Raise { id, from: *from, to: *to, evidence }
}

/// The report's pretty JSON without its clause trace: what encoding 1 hashes.
pub(super) fn pretty_json(r: &GradeReport) -> String {
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
    let legacy = Report {
        enterprise,
        name,
        division,
        on: *on,
        known_at_seq: *known_at_seq,
        rules,
        in_scope: *in_scope,
        grade: *grade,
        score: *score,
        dimensions: dimensions.iter().map(dimension).collect(),
        conditions: conditions.iter().map(condition).collect(),
        triggers: triggers.iter().map(trigger).collect(),
        adjustments: adjustments.iter().map(adjustment).collect(),
        events,
    };
    serde_json::to_string_pretty(&legacy).expect("a report always serializes")
}
