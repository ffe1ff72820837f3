//! Time on the grading path: the past-year window, licence coverage,
//! publicity and the liveness of each fact on V (DOMAIN.md "Time").

use crate::resolve::{Effective, Mark, Reason};
use model::fact::{Body, MeasureType};
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
    /// The past year of the rule set (`past_year_months`).
    pub fn new(v: ChinaDate, rules: &RuleSet) -> Window {
        Window::months(v, rules.past_year_months)
    }

    /// The `months` up to V: valid dates d with V − months < d ≤ V
    /// (a condition's own window, `[windows]`).
    pub fn months(v: ChinaDate, months: i32) -> Window {
        Window { start: v.add_months(-months), v }
    }

    pub fn contains(&self, d: ChinaDate) -> bool {
        self.start < d && d <= self.v
    }

    /// Whether the half-open period [from, to) shares a day with the window.
    pub fn overlaps(&self, from: ChinaDate, to: Option<ChinaDate>) -> bool {
        from <= self.v && to.is_none_or(|t| t > self.start.add_days(1))
    }
}

/// How long a penalty is publicized (Art. 10(1), the rule set's
/// `[publicity]`): `None` = not publicized (counts through the window
/// alone) — a procedure of `unpublicized_procedures`, or only measures of
/// `unpublicized_measures`; minor when every measure is of
/// `minor_measures` (a fine only below `minor_fine_below_yuan`).
pub fn publicity_months(body: &Body, rules: &RuleSet) -> Option<i32> {
    let Body::AdministrativePenalty(p) = body else { return None };
    if rules.unpublicized_procedures.contains(&p.procedure) || p.measures.iter().all(|m| rules.unpublicized_measures.contains(&m.kind)) {
        return None;
    }
    let minor = p.measures.iter().all(|m| {
        rules.minor_measures.contains(&m.kind) && (m.kind != MeasureType::Fine || m.amount_yuan.is_some_and(|a| a < rules.minor_fine_below))
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
/// `in_window`: whether the fact falls in the window `w` (a licence: held
/// on a day of it; a list entry: its period overlaps it; else its valid date).
pub fn time_exclusion(e: &Effective, w: &Window, rules: &RuleSet, in_window: bool) -> Option<(Reason, Option<String>)> {
    if e.occurred_on > w.v {
        return Some((Reason::AfterEvaluationDate, None));
    }
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
