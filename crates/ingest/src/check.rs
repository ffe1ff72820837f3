//! The per-line checks that need the ledger: duplicates and probable
//! duplicates, recorded time, licences, targets, partial-revocation parts and
//! change fields.

use crate::{PendingByEnterprise, Plan};
use crate::relations::{check_corrected, check_grant_voided, introduced};
use grading::resolve::resolve;
use model::fact::{Body, FieldError, Kind};
use model::{ChinaDate, Fact, FactDraft, Parts, Patch, Record, Seq, Timestamp};
use std::collections::HashMap;
use store::{Ledger, StoreError};

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

/// Accepts lines one by one against the ledger and the lines accepted
/// before them.
pub struct Checker<'l> {
    ledger: &'l Ledger,
    now: Timestamp,
    head: Seq,
    last_recorded: Option<Timestamp>,
    pending: Vec<(Timestamp, Fact)>,
    pending_refs: HashMap<String, usize>,
    /// Ledger records of the enterprises this import touches, plus pending ones.
    enterprise_cache: PendingByEnterprise,
    /// Per enterprise touched: (kind, [`ref_key`]) → the ref that has it, for
    /// the ledger's facts and those accepted so far.
    ref_keys: HashMap<model::Uscc, HashMap<(Kind, String), String>>,
    duplicates: usize,
}

fn err(field: &str, message: impl Into<String>) -> LineFault {
    LineFault::Field(FieldError::new(field, message))
}

impl<'l> Checker<'l> {
    pub fn new(ledger: &'l Ledger, now: Timestamp) -> Result<Checker<'l>, StoreError> {
        let head = ledger.head()?;
        Ok(Checker {
            ledger,
            now,
            head: head.seq,
            last_recorded: head.recorded_at,
            pending: Vec::new(),
            pending_refs: HashMap::new(),
            enterprise_cache: HashMap::new(),
            ref_keys: HashMap::new(),
            duplicates: 0,
        })
    }

    pub(crate) fn finish(self) -> Plan {
        Plan { facts: self.pending, duplicates: self.duplicates }
    }

    /// The kind of the fact known under `reference` (pending or in the
    /// ledger): a change, correction or partial revocation is typed by it.
    pub(crate) fn kind_of(&self, reference: &str) -> Result<Option<Kind>, StoreError> {
        Ok(self.known(reference)?.map(|f| f.kind()))
    }

    /// The fact known under `reference`, pending first, then the ledger.
    fn known(&self, reference: &str) -> Result<Option<Fact>, StoreError> {
        if let Some(&i) = self.pending_refs.get(reference) {
            return Ok(Some(self.pending[i].1.clone()));
        }
        Ok(self.ledger.record_by_ref(reference)?.map(|r| r.fact))
    }

    pub(crate) fn accept(&mut self, draft: FactDraft) -> Result<(), LineFault> {
        let FactDraft { fact, recorded_at } = draft;
        // Duplicates are skipped before any other check (CONTRACT.md §2).
        if let Some(existing) = self.known(&fact.reference)? {
            if existing == fact {
                self.duplicates += 1;
                return Ok(());
            }
            let place = match self.pending_refs.get(&fact.reference) {
                Some(_) => "earlier in this import".to_string(),
                None => "in the ledger".to_string(),
            };
            return Err(err("ref", format!("{:?} is already {place} with different content", fact.reference)));
        }
        if fact.kind() == Kind::GradeIssued {
            return Err(err("kind", "grade_issued is written only by the ledger's own annual run"));
        }
        let key = (fact.kind(), ref_key(&fact.reference));
        if let Some(other) = self.ref_keys(&fact.enterprise)?.get(&key) {
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
        if let Some(keys) = self.ref_keys.get_mut(&fact.enterprise) {
            keys.insert(key, fact.reference.clone());
        }
        self.pending_refs.insert(fact.reference.clone(), self.pending.len());
        let seq = Seq(self.head.0 + self.pending.len() as u64 + 1);
        if let Some(list) = self.enterprise_cache.get_mut(&fact.enterprise) {
            list.push(Record::pending(seq, at, fact.clone()));
        }
        self.pending.push((at, fact));
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
    /// (read once per import, then kept up to date).
    fn enterprise_records(&mut self, uscc: &model::Uscc) -> Result<&Vec<Record>, LineFault> {
        if !self.enterprise_cache.contains_key(uscc) {
            let mut records = self.ledger.enterprise_records(uscc, self.head)?;
            for (i, (at, f)) in self.pending.iter().enumerate() {
                if f.enterprise == *uscc {
                    let seq = Seq(self.head.0 + i as u64 + 1);
                    records.push(Record::pending(seq, *at, f.clone()));
                }
            }
            self.enterprise_cache.insert(*uscc, records);
        }
        Ok(&self.enterprise_cache[uscc])
    }

    /// The enterprise's ref keys (built once per import from its records).
    fn ref_keys(&mut self, uscc: &model::Uscc) -> Result<&HashMap<(Kind, String), String>, LineFault> {
        if !self.ref_keys.contains_key(uscc) {
            let mut keys = HashMap::new();
            for r in self.enterprise_records(uscc)? {
                keys.entry((r.fact.kind(), ref_key(&r.fact.reference))).or_insert_with(|| r.fact.reference.clone());
            }
            self.ref_keys.insert(*uscc, keys);
        }
        Ok(&self.ref_keys[uscc])
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

/// A ref as compared for probable duplicates (CONTRACT.md §2): NFKC (so
/// full-width digits, letters and brackets become ASCII), the bracket forms
/// 〔〕 [] （） 【】 and their look-alikes 〖〗 〘〙 ⦅⦆ 〈〉 《》 unified to `()`,
/// every whitespace character removed.
pub fn ref_key(reference: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    reference
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〔' | '[' | '【' | '〖' | '〘' | '⦅' | '〈' | '《' => '(',
            '〕' | ']' | '】' | '〗' | '〙' | '⦆' | '〉' | '》' => ')',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ref_key;

    #[test]
    fn ref_keys_unify_width_brackets_and_spaces() {
        let k = ref_key("师市监罚〔2025〕12号");
        for same in ["师市监罚[2025]12号", "师市监罚（2025）12号", "师市监罚【2025】12号", "师市监罚(2025)12号", "师市监罚〔２０２５〕１２号", "师市监罚 〔2025〕 12号", "师市监罚［2025］12号"] {
            assert_eq!(ref_key(same), k, "{same}");
        }
        assert_ne!(ref_key("师市监罚〔2025〕13号"), k);
        assert_ne!(ref_key("师市监简罚〔2025〕12号"), k);
    }
}
