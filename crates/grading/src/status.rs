//! Each fact's status in the report: counted, excluded (with the reason and
//! the correction behind it) or context (CONTRACT.md §4; docs/DECISIONS.md),
//! from its classification ([`crate::classify`]).

use crate::classify::{adverse, Classified};
use crate::report::{Event, Status};
use crate::resolve::Reason;
use model::Record;
use rules::RuleSet;
use std::collections::BTreeSet;

/// The events list: every record known at K in seq order with its status.
pub fn events(known: &[Record], classified: &[Classified], counted: &BTreeSet<&str>, rules: &RuleSet) -> Vec<Event> {
    // The classified facts are the non-correction records among `known`,
    // both in seq order: one walk pairs each record with its fact.
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
            while classified.get(next).is_some_and(|c| c.fact.seq() < rec.seq) {
                next += 1;
            }
            let Some(c) = classified.get(next).filter(|c| c.fact.seq() == rec.seq) else {
                return ev;
            };
            let e = c.fact;
            ev.occurred_on = e.occurred_on;
            if counted.contains(reference) {
                ev.status = Status::Counted;
                return ev;
            }
            let was_adverse = adverse(&rec.fact.body, rules);
            let is_adverse = adverse(&e.body, rules);
            let exclusion: Option<(Reason, Option<String>)> = match &c.exclusion {
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
