//! Art. 11–12 conditions and the reference D triggers, read from the
//! counted citations ([`crate::classify`]); the self-inspection verdict and
//! the overdue-rectification raise.

use crate::classify::{completed_by, Count, Target};
use crate::facts::Licences;
use crate::report::{ConditionResult, TriggerResult};
use crate::resolve::{Effective, Resolved};
use crate::window::Window;
use model::fact::Body;
use model::{ChinaDate, Points};
use rules::{paths, Condition, RuleSet, Trigger};

/// The refs behind the counts of `target`, each once, in order; whether any
/// counts (an absence counts without a ref).
fn evidence(counts: &[Count], target: Target) -> (bool, Vec<String>) {
    let mut any = false;
    let mut refs: Vec<String> = Vec::new();
    for c in counts.iter().filter(|c| c.target == target) {
        any = true;
        if let Some(r) = c.reference {
            if !refs.iter().any(|x| x == r) {
                refs.push(r.to_string());
            }
        }
    }
    (any, refs)
}

/// The verdict of a condition on V: A1 and B1 by the score against their
/// threshold (no evidence: the causes are the dimension items); any other
/// met when nothing counts against it.
pub fn condition(c: Condition, counts: &[Count], score: Points, rules: &RuleSet) -> ConditionResult {
    let (failed, evidence) = evidence(counts, Target::Condition(c));
    let met = match c {
        Condition::A1 => score >= rules.grades.a_min_score,
        Condition::B1 => score >= rules.grades.b_min_score,
        _ => !failed,
    };
    let evidence = if matches!(c, Condition::A1 | Condition::B1) { Vec::new() } else { evidence };
    ConditionResult { id: c, met, evidence, clause: paths::condition(c) }
}

/// The verdict of a trigger on V: fired when anything counts towards it.
pub fn trigger(t: Trigger, counts: &[Count]) -> TriggerResult {
    let (fired, evidence) = evidence(counts, Target::Trigger(t));
    TriggerResult { id: t, fired, evidence, clause: paths::trigger(t) }
}

/// The overdue-rectification raise (Art. 16(3), 17(3), 18(2)): orders with
/// their deadline in the past year and before V, not completed on or before
/// the deadline. An order whose target is void is void with it.
pub fn overdue_orders(r: &Resolved, w: &Window) -> Vec<String> {
    r.facts
        .iter()
        .filter(|o| o.void.is_none() && o.occurred_on <= w.v)
        .filter_map(|o| match &o.body {
            Body::RectificationOrdered(x) => Some((o, x)),
            _ => None,
        })
        .filter(|(_, x)| r.get(&x.target).is_some_and(|t| t.void.is_none()))
        .filter(|(_, x)| w.contains(x.deadline) && x.deadline < w.v)
        .filter(|(o, x)| !completed_by(r, o, x.deadline))
        .map(|(o, _)| o.reference().to_string())
        .collect()
}

/// A9 (and the licensing deduction): the latest report due on or before V
/// must have been filed on time. `None` = met.
pub fn self_inspection(r: &Resolved, w: &Window, rules: &RuleSet, lic: &Licences) -> Option<Option<String>> {
    let (m, d) = rules.self_inspection_due;
    let due = |y: i32| ChinaDate::from_ymd(y + 1, m, d).unwrap_or_else(|| ChinaDate::from_ymd(y + 1, m, 28).expect("valid"));
    let earliest = r.facts.iter().map(|e| e.occurred_on.year()).min()?;
    let year = (earliest..w.v.year())
        .rev()
        .filter(|&y| due(y) <= w.v)
        .find(|&y| match (ChinaDate::from_ymd(y, 1, 1), ChinaDate::from_ymd(y, 12, 31)) {
            (Some(a), Some(b)) => lic.any_held(a, b),
            _ => false,
        })?;
    let reports: Vec<(&Effective, ChinaDate)> = r
        .facts
        .iter()
        .filter(|e| e.void.is_none())
        .filter_map(|e| match &e.body {
            Body::SelfInspectionReport(x) if x.year == year && x.filed_on <= w.v => Some((e, x.filed_on)),
            _ => None,
        })
        .collect();
    if reports.iter().any(|(_, filed)| *filed <= due(year)) {
        return None;
    }
    let late = reports.iter().max_by_key(|(e, filed)| (*filed, e.seq())).map(|(e, _)| e.reference().to_string());
    Some(late)
}
