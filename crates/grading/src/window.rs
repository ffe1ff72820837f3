//! Time on the grading path: the past-year window, licence coverage,
//! publicity and the liveness of each fact on V (DOMAIN.md "Time").

use crate::resolve::{Effective, Mark, Reason};
use model::fact::{Body, ListKind, MeasureType, Procedure};
use model::ChinaDate;
use rules::RuleSet;

/// The past year as of V: valid dates d with `start` < d ≤ `v`.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// V − 1 year (clamped): the last day before the window.
    pub start: ChinaDate,
    pub v: ChinaDate,
}

impl Window {
    pub fn new(v: ChinaDate, rules: &RuleSet) -> Window {
        Window { start: v.add_months(-rules.past_year_months), v }
    }

    pub fn contains(&self, d: ChinaDate) -> bool {
        self.start < d && d <= self.v
    }

    /// Whether the half-open period [from, to) shares a day with the window.
    pub fn overlaps(&self, from: ChinaDate, to: Option<ChinaDate>) -> bool {
        from <= self.v && to.is_none_or(|t| t > self.start.add_days(1))
    }
}

/// How long a penalty is publicized (Art. 10(1), reference SAMR rule):
/// `None` = not publicized (counts through the window alone).
pub fn publicity_months(body: &Body, rules: &RuleSet) -> Option<i32> {
    let Body::AdministrativePenalty(p) = body else { return None };
    if p.procedure == Procedure::Simple || p.measures.iter().all(|m| m.kind == MeasureType::Warning) {
        return None;
    }
    let minor = p.measures.iter().all(|m| match m.kind {
        MeasureType::Warning | MeasureType::PublicCriticism => true,
        MeasureType::Fine => m.amount_yuan.is_some_and(|a| a < rules.minor_fine_below),
        _ => false,
    });
    Some(if minor { rules.minor_penalty_months } else { rules.other_penalty_months })
}

/// The end of a list entry's period on V: the earliest live removal dated ≤ V.
pub fn list_end(entry: &Effective, removals: &[&Effective], v: ChinaDate) -> Option<ChinaDate> {
    removals
        .iter()
        .filter(|r| r.void.is_none() && r.occurred_on <= v)
        .filter(|r| matches!(&r.body, Body::ListRemoved(t) if t.target == entry.reference()))
        .map(|r| r.occurred_on)
        .min()
}

/// Whether a credit repair (Art. 10(6)) can aim at this kind of fact.
fn repairable(body: &Body) -> bool {
    matches!(
        body,
        Body::AdministrativePenalty(_)
            | Body::ListEntered(_)
            | Body::BadCreditInfo(_)
            | Body::SamplingInspection(_)
            | Body::SupervisionInspection(_)
            | Body::QualityRiskFinding(_)
            | Body::PublicOpinion(_)
            | Body::ComplaintVerified(_)
    )
}

/// Why a fact (as corrected, not void) is no basis on V for reasons of time,
/// in precedence order: after V › outside the window › repaired ›
/// publicity / impact over. `None` = it is live on V.
///
/// `held_in_window` is for licences; `list_end` for list entries.
pub fn time_exclusion(
    e: &Effective,
    w: &Window,
    rules: &RuleSet,
    held_in_window: Option<bool>,
    list_end: Option<ChinaDate>,
) -> Option<(Reason, Option<String>)> {
    if e.occurred_on > w.v {
        return Some((Reason::AfterEvaluationDate, None));
    }
    let in_window = match (&e.body, held_in_window) {
        (_, Some(held)) => held,
        (Body::ListEntered(_), _) => w.overlaps(e.occurred_on, list_end),
        _ => w.contains(e.occurred_on),
    };
    if !in_window {
        return Some((Reason::OutsideWindow, None));
    }
    if let Some((d, Mark { by, .. })) = &e.repair {
        if *d <= w.v && repairable(&e.body) {
            return Some((Reason::Repaired, Some(by.clone())));
        }
    }
    if let Some(months) = publicity_months(&e.body, rules) {
        if w.v >= e.occurred_on.add_months(months) {
            return Some((Reason::PublicityExpired, None));
        }
    }
    if let Body::BadCreditInfo(b) = &e.body {
        if b.impact_until.is_some_and(|u| u <= w.v) {
            return Some((Reason::ImpactExpired, None));
        }
    }
    None
}

/// Whether a list entry is of a list that blocks A5/B4.
pub fn is_blacklist(l: ListKind) -> bool {
    matches!(l, ListKind::AbnormalOperations | ListKind::SeriousViolation | ListKind::OtherBlacklist)
}
