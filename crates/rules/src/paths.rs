//! Key paths of the clauses a grade names (issue 8, item 4; docs/RULES.md
//! "Clause paths"): the key of the rule-set file that produced a deduction,
//! a verdict or a raise, with dimensions named by id
//! (`dimensions.sampling.points.sampling_failed`) and a condition or trigger
//! of a list by its id (`grades.a_conditions[A4]`). Grade reports carry
//! these, and replay names them.

use crate::{Condition, Deduction, Trigger, Verdict};

/// Who is graded (Art. 2–3).
pub const SCOPE: &str = "scope";
/// The score below which the grade is D.
pub const D_BELOW_SCORE: &str = "grades.d_below_score";
/// The overdue-rectification raise.
pub const OVERDUE_RAISE: &str = "grades.overdue_raise";

/// A dimension, as a whole: `dimensions.<id>`.
pub fn dimension(dim: &str) -> String {
    format!("dimensions.{dim}")
}

/// A dimension's cap: `dimensions.<id>.cap`.
pub fn cap(dim: &str) -> String {
    format!("dimensions.{dim}.cap")
}

/// A deduction rule's points: `dimensions.<id>.points.<rule>`.
pub fn points(dim: &str, d: Deduction) -> String {
    format!("dimensions.{dim}.points.{}", d.key())
}

/// The list a verdict is listed in: `grades.a_conditions`,
/// `grades.b_conditions` or `grades.d_triggers`.
pub fn list(v: Verdict) -> &'static str {
    match v {
        Verdict::Condition(c) if c.of_a() => "grades.a_conditions",
        Verdict::Condition(_) => "grades.b_conditions",
        Verdict::Trigger(_) => "grades.d_triggers",
    }
}

/// A condition's clause: A1 and B1 are the score thresholds
/// (`grades.a_min_score`, `grades.b_min_score`); any other is its entry in
/// its list, `grades.a_conditions[A4]`.
pub fn condition(c: Condition) -> String {
    match c {
        Condition::A1 => "grades.a_min_score".into(),
        Condition::B1 => "grades.b_min_score".into(),
        c => format!("{}[{c}]", list(Verdict::Condition(c))),
    }
}

/// A trigger's clause: `grades.d_triggers[D1]`.
pub fn trigger(t: Trigger) -> String {
    format!("{}[{t}]", list(Verdict::Trigger(t)))
}

/// The clause of a condition or trigger.
pub fn verdict(v: Verdict) -> String {
    match v {
        Verdict::Condition(c) => condition(c),
        Verdict::Trigger(t) => trigger(t),
    }
}
