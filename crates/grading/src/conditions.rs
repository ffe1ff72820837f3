//! Art. 11–12 conditions, the reference D triggers, the self-inspection
//! verdict and the overdue-rectification raise.

use crate::facts::Licences;
use crate::resolve::{Effective, Resolved};
use crate::window::{is_blacklist, list_end, publicity_months, Window};
use model::fact::{Body, FindingCode, InspectionOutcome, ListKind, MeasureType, OpinionForm, PassFail, Severity, TerminationMode};
use model::ChinaDate;
use rules::RuleSet;
use std::collections::BTreeMap;

/// What the facts live on V say, by condition/trigger id: the refs of the
/// facts that make a condition fail or a trigger fire.
pub struct Findings {
    pub evidence: BTreeMap<&'static str, Vec<String>>,
    /// The A9 verdict: `None` met; `Some(late report ref or None)` failed.
    pub self_inspection: Option<Option<String>>,
}

impl Findings {
    fn add(&mut self, id: &'static str, e: &Effective) {
        let v = self.evidence.entry(id).or_default();
        if !v.iter().any(|r| r == e.reference()) {
            v.push(e.reference().to_string());
        }
    }
}

/// Gathers the evidence of A2–A8, B2–B5 and D1–D6 from live facts.
pub fn gather(r: &Resolved, live: &dyn Fn(usize) -> bool, w: &Window, rules: &RuleSet, lic: &Licences) -> Findings {
    let mut f = Findings { evidence: BTreeMap::new(), self_inspection: self_inspection(r, w, rules, lic) };
    let removals: Vec<&Effective> = r.facts.iter().filter(|e| matches!(e.body, Body::ListRemoved(_))).collect();
    let mut refusals: Vec<&Effective> = Vec::new();
    for (i, e) in r.facts.iter().enumerate() {
        if !live(i) {
            continue;
        }
        match &e.body {
            Body::SamplingInspection(s) if s.result == PassFail::Fail => {
                f.add("A4", e);
                if s.recheck {
                    f.add("D3", e);
                }
            }
            Body::SupervisionInspection(x) => {
                if x.outcome != InspectionOutcome::NoIssue {
                    f.add("A4", e);
                }
                if x.outcome == InspectionOutcome::Refused {
                    f.add("B3", e);
                    refusals.push(e);
                }
                let codes = || x.findings.iter().map(|g| g.code);
                if codes().any(|c| matches!(c, FindingCode::NonconformingMaterials | FindingCode::NonconformingConditions))
                    && !rectified_by(r, e, w.v)
                {
                    f.add("A2", e);
                    f.add("B2", e);
                }
                if codes().any(|c| matches!(c, FindingCode::Concealment | FindingCode::FalseCommitment)) {
                    f.add("A8", e);
                }
            }
            Body::PublicOpinion(o) => {
                if o.form == OpinionForm::MediaExposure || o.strong_consumer_reaction {
                    f.add("A3", e);
                }
                if o.form == OpinionForm::RegulatorNotice {
                    f.add("A4", e);
                }
            }
            Body::AdministrativePenalty(p) => {
                f.add("A5", e);
                f.add("B4", e);
                if publicity_months(&e.body, rules).is_some() {
                    f.add("A7", e);
                }
                if p.measures.iter().any(|m| m.kind == MeasureType::LicenceRevoked) {
                    f.add("D2", e);
                }
                if p.measures.iter().any(|m| m.kind == MeasureType::CriminalReferral) {
                    f.add("D6", e);
                }
            }
            Body::ListEntered(l) => {
                if is_blacklist(l.list) {
                    f.add("A5", e);
                    f.add("B4", e);
                }
                if l.list == ListKind::JudgmentDefaulter {
                    f.add("A6", e);
                    f.add("B5", e);
                }
                let on_list_on_v = list_end(e, &removals, w.v).is_none_or(|end| w.v < end);
                if l.list == ListKind::SeriousViolation && on_list_on_v {
                    f.add("D1", e);
                }
            }
            Body::BadCreditInfo(_) => f.add("A7", e),
            Body::LicenceTerminated(t)
                if matches!(t.mode, TerminationMode::RevokedPenalty | TerminationMode::WithdrawnFraud) =>
            {
                f.add("D2", e)
            }
            Body::QualityRiskFinding(q) if q.severity == Severity::MajorAccident => f.add("D5", e),
            _ => {}
        }
    }
    if refusals.len() as u32 >= rules.grades.d4_min_refusals {
        for e in refusals {
            f.add("D4", e);
        }
    }
    f
}

/// Live, not void rectification orders of a fact, each with whether a live
/// completion is dated on or before `by`.
fn orders_of<'r, 'a>(r: &'r Resolved<'a>, target: &str, v: ChinaDate) -> Vec<&'r Effective<'a>> {
    r.facts
        .iter()
        .filter(|o| o.void.is_none() && o.occurred_on <= v)
        .filter(|o| matches!(&o.body, Body::RectificationOrdered(x) if x.target == target))
        .collect()
}

fn completed_by(r: &Resolved, order: &Effective, by: ChinaDate) -> bool {
    r.facts.iter().any(|c| {
        c.void.is_none()
            && c.occurred_on <= by
            && matches!(&c.body, Body::RectificationCompleted(x) if x.target == order.reference())
    })
}

/// A2: a nonconforming finding is rectified on V when it has at least one
/// order and every order is completed on or before V.
fn rectified_by(r: &Resolved, finding: &Effective, v: ChinaDate) -> bool {
    let orders = orders_of(r, finding.reference(), v);
    !orders.is_empty() && orders.iter().all(|o| completed_by(r, o, v))
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
fn self_inspection(r: &Resolved, w: &Window, rules: &RuleSet, lic: &Licences) -> Option<Option<String>> {
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
