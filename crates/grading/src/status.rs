//! Each fact's status in the report: counted, excluded (with the reason and
//! the correction behind it) or context (CONTRACT.md §4; docs/DECISIONS.md).

use crate::facts::{licence_class, Standing};
use crate::report::{Event, Status};
use crate::resolve::{Reason, Resolved};
use model::fact::{Body, InspectionOutcome, PassFail, TerminationMode};
use model::Record;
use rules::{Deduction, RiskClass, RuleSet};
use std::collections::{BTreeSet, HashMap};

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
    let position: HashMap<&str, usize> = r.facts.iter().enumerate().map(|(i, e)| (e.reference(), i)).collect();
    known
        .iter()
        .map(|rec| {
            let reference = rec.fact.reference.clone();
            let mut ev = Event {
                seq: rec.seq,
                reference: reference.clone(),
                kind: rec.fact.kind(),
                occurred_on: rec.fact.occurred_on,
                status: Status::Context,
                reason: None,
                by: None,
            };
            let Some(&i) = position.get(reference.as_str()) else { return ev };
            let e = &r.facts[i];
            ev.occurred_on = e.occurred_on;
            if counted.contains(reference.as_str()) {
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
