//! Each fact's status in the report: counted, excluded (with the reason and
//! the correction behind it) or context (CONTRACT.md §4; docs/DECISIONS.md).

use crate::facts::{licence_class, Standing};
use crate::report::{Event, Status};
use crate::resolve::{Reason, Resolved};
use model::fact::{Body, InspectionOutcome, PassFail, TerminationMode};
use model::Record;
use rules::{Deduction, RiskClass, RuleSet};
use std::collections::BTreeSet;

/// Whether a fact with this content is adverse by nature: the kind of fact
/// that deducts points or fails a condition when it is live.
pub fn adverse(body: &Body, rules: &RuleSet) -> bool {
    match body {
        Body::SamplingInspection(s) => s.result == PassFail::Fail,
        Body::SupervisionInspection(i) => i.outcome != InspectionOutcome::NoIssue,
        Body::LicenceVerification(v) => v.result == PassFail::Fail,
        Body::LicenceTerminated(t) => matches!(t.mode, TerminationMode::RevokedPenalty | TerminationMode::WithdrawnFraud),
        Body::LicenceGranted(_) => match licence_class(body, rules) {
            RiskClass::High => rules.points_of(Deduction::ProductHigh).is_some(),
            RiskClass::Elevated => rules.points_of(Deduction::ProductElevated).is_some(),
            RiskClass::General => false,
        },
        Body::AdministrativePenalty(_)
        | Body::ComplaintVerified(_)
        | Body::PublicOpinion(_)
        | Body::QualityRiskFinding(_)
        | Body::ListEntered(_)
        | Body::BadCreditInfo(_) => true,
        _ => false,
    }
}

/// The events list: every record known at K in seq order with its status.
pub fn events(known: &[Record], r: &Resolved, standing: &Standing, counted: &BTreeSet<&str>, rules: &RuleSet) -> Vec<Event> {
    // `r.facts` are the non-correction records among `known`, both in seq
    // order: one walk pairs each record with its resolved fact.
    let mut next = 0;
    known
        .iter()
        .map(|rec| {
            let reference = rec.fact.reference.as_str();
            let mut ev = Event {
                seq: rec.seq,
                reference: reference.to_string(),
                kind: rec.fact.kind(),
                occurred_on: rec.fact.occurred_on,
                status: Status::Context,
                reason: None,
                by: None,
            };
            while r.facts.get(next).is_some_and(|e| e.seq() < rec.seq) {
                next += 1;
            }
            let i = next;
            if r.facts.get(i).is_none_or(|e| e.seq() != rec.seq) {
                return ev;
            }
            let e = &r.facts[i];
            ev.occurred_on = e.occurred_on;
            if counted.contains(reference) {
                ev.status = Status::Counted;
                return ev;
            }
            let was_adverse = adverse(&rec.fact.body, rules);
            let is_adverse = adverse(&e.body, rules);
            let exclusion: Option<(Reason, Option<String>)> = match &standing.exclusion[i] {
                // Voiding and time reasons come before a change (docs/DECISIONS.md).
                Some(x) if was_adverse || is_adverse => Some(x.clone()),
                _ if was_adverse && !is_adverse => e.altered.as_ref().map(|m| (m.reason, Some(m.by.clone()))),
                _ => None,
            };
            if let Some((reason, by)) = exclusion {
                ev.status = Status::Excluded;
                ev.reason = Some(reason.code());
                ev.by = by;
            }
            ev
        })
        .collect()
}
