//! The per-line checks that need the ledger: duplicates and probable
//! duplicates, recorded time, licences, targets, partial-revocation parts and
//! change fields.

use crate::relations::{check_corrected, check_grant_voided, introduced};
use grading::resolve::resolve;
use model::fact::{Body, FieldError, Kind};
use model::{ChinaDate, Fact, FactDraft, Parts, Patch, Record, Timestamp};
use std::collections::HashMap;
use store::{Appender, Ledger, StoreError};

pub(crate) enum LineFault {
    Field(FieldError),
    Store(StoreError),
}

impl From<FieldError> for LineFault {
    fn from(e: FieldError) -> Self {
        LineFault::Field(e)
    }
}

impl From<StoreError> for LineFault {
    fn from(e: StoreError) -> Self {
        LineFault::Store(e)
    }
}

/// Records the enterprise cache may hold before it is emptied: memory stays
/// bounded whatever the import's size.
const CACHE_RECORDS: usize = 30_000;

/// Accepts lines one by one against the ledger and the lines accepted
/// before them, appending each accepted fact to an [`Appender`] (which
/// writes past the head as it goes, or holds everything in a dry run).
pub struct Checker<'l> {
    appender: Appender<'l>,
    now: Timestamp,
    last_recorded: Option<Timestamp>,
    /// Records of enterprises recently touched (ledger and pending).
    enterprise_cache: HashMap<model::Uscc, Vec<Record>>,
    cached_records: usize,
    duplicates: usize,
}

fn err(field: &str, message: impl Into<String>) -> LineFault {
    LineFault::Field(FieldError::new(field, message))
}

impl<'l> Checker<'l> {
    /// `spill`: whether accepted facts may be written past the head before
    /// the commit (an import) or are held in memory (a dry run).
    pub fn new(ledger: &'l Ledger, now: Timestamp, spill: bool) -> Result<Checker<'l>, StoreError> {
        let appender = ledger.appender(spill)?;
        let last_recorded = appender.committed().recorded_at;
        Ok(Checker { appender, now, last_recorded, enterprise_cache: HashMap::new(), cached_records: 0, duplicates: 0 })
    }

    pub(crate) fn into_parts(self) -> (Appender<'l>, usize) {
        (self.appender, self.duplicates)
    }

    /// The kind of the fact known under `reference` (pending or in the
    /// ledger): a change, correction or partial revocation is typed by it.
    pub(crate) fn kind_of(&self, reference: &str) -> Result<Option<Kind>, StoreError> {
        Ok(self.known(reference)?.map(|f| f.kind()))
    }

    /// The fact known under `reference`, pending or in the ledger.
    fn known(&self, reference: &str) -> Result<Option<Fact>, StoreError> {
        Ok(self.appender.record_by_ref(reference)?.map(|r| r.fact))
    }

    pub(crate) fn accept(&mut self, draft: FactDraft) -> Result<(), LineFault> {
        let FactDraft { fact, recorded_at } = draft;
        // Duplicates are skipped before any other check (CONTRACT.md §2).
        if let Some(existing) = self.appender.record_by_ref(&fact.reference)? {
            if existing.fact == fact {
                self.duplicates += 1;
                return Ok(());
            }
            let place = if existing.seq > self.appender.committed().seq { "earlier in this import" } else { "in the ledger" };
            return Err(err("ref", format!("{:?} is already {place} with different content", fact.reference)));
        }
        if fact.kind() == Kind::GradeIssued {
            return Err(err("kind", "grade_issued is written only by the ledger's own annual run"));
        }
        if fact.kind() == Kind::RuleSetAdopted {
            return Err(err("kind", "rule_set_adopted is written only by `rules adopt`"));
        }
        if fact.kind() == Kind::PlanIssued {
            return Err(err("kind", "plan_issued is written only by `plan`"));
        }
        if let Some(other) = self.appender.probable_duplicate(&fact.enterprise, fact.kind(), &fact.reference)?.map(|r| r.fact.reference) {
            return Err(err(
                "ref",
                format!(
                    "{:?} is probably a duplicate of {other:?}, a {} of the same enterprise: the refs differ only in character width, bracket form or spaces",
                    fact.reference,
                    fact.kind()
                ),
            ));
        }
        let at = recorded_at.unwrap_or(self.now);
        if at > self.now {
            return Err(err("recorded_at", format!("{at} is in the future (now is {})", self.now)));
        }
        if let Some(last) = self.last_recorded {
            if at < last {
                return Err(err("recorded_at", format!("{at} is before {last}, already recorded; recorded time never goes backwards")));
            }
        }
        if fact.occurred_on > at.china_date() {
            return Err(err(
                "occurred_on",
                format!("valid date {} is later than the China date {} on which it was recorded", fact.occurred_on, at.china_date()),
            ));
        }
        let recorded_on = at.china_date();
        match &fact.body {
            Body::SelfInspectionReport(r) if r.filed_on > recorded_on => {
                return Err(err("filed_on", format!("{} is later than the China date {recorded_on} on which it was recorded", r.filed_on)));
            }
            Body::EnterpriseRegistered(_) => {
                let already = self.enterprise_records(&fact.enterprise)?.iter().find(|r| r.fact.kind() == Kind::EnterpriseRegistered).map(|r| r.fact.reference.clone());
                if let Some(r) = already {
                    return Err(err("kind", format!("enterprise {} is already registered ({r:?}); record changes as enterprise_changed", fact.enterprise)));
                }
            }
            // Ending or verifying a licence the ledger never heard of is most
            // likely a typo (or a fact of another enterprise).
            Body::LicenceTerminated(model::fact::LicenceTerminated { licence_no, .. })
            | Body::LicenceVerification(model::fact::LicenceVerification { licence_no, .. }) => {
                let records = self.enterprise_records(&fact.enterprise)?;
                let granted = records.iter().any(|r| matches!(&r.fact.body, Body::LicenceGranted(g) if &g.licence_no == licence_no));
                if !granted {
                    return Err(err("licence_no", format!("{licence_no} was never granted to enterprise {}", fact.enterprise)));
                }
                crate::relations::check_licence_granted(records, &fact.body, fact.occurred_on)?;
            }
            Body::ObjectionDecided(d) => {
                let earlier = self.enterprise_records(&fact.enterprise)?.iter().find_map(|r| match &r.fact.body {
                    Body::ObjectionDecided(x) if x.target == d.target => Some(r.fact.reference.clone()),
                    _ => None,
                });
                if let Some(e) = earlier {
                    return Err(err("target", format!("objection {:?} was already decided by {e:?}", d.target)));
                }
            }
            _ => {}
        }
        if let Some(target) = fact.body.target() {
            self.check_target(&fact, target, recorded_on)?;
        }
        self.last_recorded = Some(at);
        let rec = self.appender.push(at, fact)?;
        if let Some(list) = self.enterprise_cache.get_mut(&rec.fact.enterprise) {
            list.push(rec);
            self.cached_records += 1;
        }
        Ok(())
    }

    fn check_target(&mut self, fact: &Fact, target: &str, recorded_on: ChinaDate) -> Result<(), LineFault> {
        let Some(t) = self.known(target)? else {
            return Err(err("target", format!("{target:?} is not a fact in the ledger or earlier in this import")));
        };
        if fact.occurred_on < t.occurred_on {
            return Err(err("occurred_on", format!("{} is before the valid date {} of its target {target:?}", fact.occurred_on, t.occurred_on)));
        }
        if t.enterprise != fact.enterprise {
            return Err(err("target", format!("{target:?} belongs to enterprise {}, not {}", t.enterprise, fact.enterprise)));
        }
        if fact.kind().target_allowed(t.kind()) == Some(false) {
            return Err(err("target", format!("a {} cannot aim at {target:?}, a {}", fact.kind(), t.kind())));
        }
        match &fact.body {
            Body::ActPartiallyRevoked(p) => {
                let current = self.effective_body(fact, target)?;
                let parts = Parts::of(&current).map(|p| p.names()).unwrap_or_default();
                if let Some(missing) = p.parts.names().iter().find(|x| !parts.contains(x)) {
                    return Err(err("parts", format!("{missing:?} is not a part of {target:?} as corrected (parts: {})", parts.join(", "))));
                }
            }
            Body::ActChanged(c) => self.check_patch(fact, target, &c.changes, "changes", None)?,
            Body::ActRevoked(_) | Body::RecordCorrected(model::fact::RecordCorrected { corrected: None, .. }) => {
                check_grant_voided(self.enterprise_records(&fact.enterprise)?, target)?
            }
            Body::RecordCorrected(c) => {
                if let Some(p) = &c.corrected {
                    self.check_patch(fact, target, p, "corrected", Some(recorded_on))?
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The enterprise's records in the ledger and pending in this import
    /// (read once, then kept up to date while the cache has room).
    fn enterprise_records(&mut self, uscc: &model::Uscc) -> Result<&Vec<Record>, LineFault> {
        if !self.enterprise_cache.contains_key(uscc) {
            let records = self.appender.enterprise_records(uscc)?;
            if self.cached_records + records.len() > CACHE_RECORDS {
                self.enterprise_cache.clear();
                self.cached_records = 0;
            }
            self.cached_records += records.len();
            self.enterprise_cache.insert(*uscc, records);
        }
        Ok(&self.enterprise_cache[uscc])
    }

    /// The target's content and valid date with every correction known so
    /// far applied.
    fn effective(&mut self, fact: &Fact, target: &str) -> Result<(Body, ChinaDate), LineFault> {
        let records = self.enterprise_records(&fact.enterprise)?;
        let resolved = resolve(records);
        resolved
            .get(target)
            .map(|e| (e.body.clone(), e.occurred_on))
            .ok_or_else(|| err("target", format!("{target:?} cannot be corrected")))
    }

    fn effective_body(&mut self, fact: &Fact, target: &str) -> Result<Body, LineFault> {
        self.effective(fact, target).map(|(b, _)| b)
    }

    /// A change or correction, applied to the target as corrected so far,
    /// must give a valid content; a corrected valid date may not pass the
    /// date the correction was recorded (`move_date_until`). The patch is
    /// typed by the target's kind at parse time, so unknown fields are
    /// already refused; this is the one place its effect is validated.
    fn check_patch(&mut self, fact: &Fact, target: &str, patch: &Patch, field: &str, move_date_until: Option<ChinaDate>) -> Result<(), LineFault> {
        let (mut current, valid_date) = self.effective(fact, target)?;
        if patch.body.kind() != current.kind() {
            return Err(err(field, format!("is typed for a {}, but {target:?} is a {}", patch.body.kind(), current.kind())));
        }
        if let (Some(d), Some(limit)) = (patch.occurred_on, move_date_until) {
            if d > limit {
                return Err(err(&format!("{field}.occurred_on"), format!("{d} is later than the China date {limit} on which the correction was recorded")));
            }
        }
        let before = Fact { occurred_on: valid_date, body: current.clone(), ..fact.clone() };
        let occurred_on = patch.apply(&mut current, valid_date);
        // The corrected fact as a whole: its content and its (possibly moved)
        // valid date, e.g. a deadline may not fall before the order's date;
        // and its relations with the facts around it, as for a line. Only a
        // fault the correction brings is refused (see `introduced`).
        let corrected = Fact { occurred_on, body: current, ..fact.clone() };
        introduced(before.validate(), corrected.validate()).map_err(|e| err(&format!("{field}.{}", e.field), e.message))?;
        let records = self.enterprise_records(&fact.enterprise)?;
        introduced(
            check_corrected(records, fact, target, &before.body, before.occurred_on, field),
            check_corrected(records, fact, target, &corrected.body, occurred_on, field),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Checker, LineFault};
    use model::fact::{Body, PlanIssued, Source};
    use model::{ChinaDate, Fact, FactDraft, Timestamp, Uscc};
    use store::Ledger;

    /// Issue 11: a well-formed `plan_issued` reaching the checker by another
    /// road than a JSON line (the parser refuses those first) is refused
    /// too: only `plan` writes the kind.
    #[test]
    fn issue11_the_checker_refuses_a_plan_issued_fact() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(dir.path()).unwrap();
        let now = Timestamp::parse("2026-01-05T09:00:00+08:00").unwrap();
        let mut checker = Checker::new(&ledger, now, false).unwrap();
        let fact = Fact {
            reference: "PLAN-08-2026".into(),
            enterprise: Uscc::parse("11660000MB00000002").unwrap(),
            occurred_on: ChinaDate::from_ymd(2026, 1, 5).unwrap(),
            source: Source::Manual,
            note: None,
            body: Body::PlanIssued(PlanIssued {
                year: 2026,
                division: "08".into(),
                known_at_seq: 0,
                head_hash: "0".repeat(64),
                salt: "s".into(),
                rules_id: "xpcc-trial".into(),
                rules_sha256: "0".repeat(64),
                inspectors: None,
                draw_version: 1,
                engine_version: "credit-ledger test".into(),
                plan_sha256: "0".repeat(64),
            }),
        };
        assert!(fact.validate().is_ok(), "the fact itself is well formed");
        match checker.accept(FactDraft { fact, recorded_at: None }) {
            Err(LineFault::Field(e)) => {
                assert_eq!(e.field, "kind");
                assert!(e.message.contains("only by `plan`"), "{}", e.message);
            }
            Err(LineFault::Store(e)) => panic!("a store error: {e}"),
            Ok(()) => panic!("a plan_issued fact was accepted"),
        }
        let (appender, _) = checker.into_parts();
        assert_eq!(appender.pending(), 0, "nothing held");
    }
}
