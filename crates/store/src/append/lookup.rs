//! What a pending append answers: its own records and the ledger's, by
//! seq, by ref, by probable-duplicate key and by enterprise.

use super::{Appender, CACHED_ENTRIES};
use crate::index::{duplicate_slot_of_key, ref_slot, Slot};
use crate::keys;
use crate::StoreError;
use model::fact::Kind;
use model::{Fact, Record, Seq, Uscc};
use std::collections::HashMap;

impl Appender<'_> {
    /// The pending record at `seq` (> the committed head), if any.
    pub fn pending_record(&self, seq: Seq) -> Result<Option<Record>, StoreError> {
        if seq <= self.committed.seq || seq > self.tip.seq {
            return Ok(None);
        }
        if seq > self.written {
            return Ok(Some(self.buffer[(seq.0 - self.written.0 - 1) as usize].0.clone()));
        }
        self.ledger.record_any(seq)
    }

    /// The seq of the fact with ref `reference`, committed or pending.
    pub fn seq_of_ref(&self, reference: &str) -> Result<Option<Seq>, StoreError> {
        let slot = ref_slot(reference);
        let mut seqs = self.held(&self.refs, slot);
        seqs.extend(self.stored_candidates(keys::REF, slot)?);
        for seq in seqs {
            let same = match self.pending_record(seq)? {
                Some(r) => r.fact.reference == reference,
                None => self.ledger.ref_at(seq)? == reference,
            };
            if same {
                return Ok(Some(seq));
            }
        }
        Ok(None)
    }

    /// Seqs ≤ the tip under `slot` in the stored bucket (read once, then
    /// cached; none to read while the ledger is empty) and in the runs this
    /// append wrote (read only when a run's filter may hold the slot).
    fn stored_candidates(&self, index: u8, slot: Slot) -> Result<Vec<Seq>, StoreError> {
        let key = (index, slot.bucket);
        let matching = |entries: &[(u64, Seq)]| -> Vec<Seq> {
            let from = entries.partition_point(|(h, _)| *h < slot.hash);
            entries[from..].iter().take_while(|(h, _)| *h == slot.hash).map(|(_, s)| *s).filter(|s| *s <= self.tip.seq).collect()
        };
        let mut out = Vec::new();
        for run in self.runs.iter().filter(|r| r.may_hold(index, slot)) {
            // Rare: the slot is pending, or a false positive.
            out.extend(matching(&run.entries(index, slot.bucket)?));
        }
        if self.committed.seq.0 == 0 {
            return Ok(out);
        }
        if !self.stored.borrow().contains_key(&key) {
            let entries = self.ledger.bucket(index, slot.bucket)?;
            if self.stored_entries.get() + entries.len() > CACHED_ENTRIES {
                self.stored.borrow_mut().clear();
                self.stored_entries.set(0);
            }
            self.stored_entries.set(self.stored_entries.get() + entries.len());
            self.stored.borrow_mut().insert(key, entries);
        }
        out.extend(matching(&self.stored.borrow()[&key]));
        Ok(out)
    }

    /// The fact with ref `reference`, committed or pending.
    pub fn record_by_ref(&self, reference: &str) -> Result<Option<Record>, StoreError> {
        match self.seq_of_ref(reference)? {
            None => Ok(None),
            Some(s) if s > self.committed.seq => self.pending_record(s),
            Some(s) => self.ledger.record_any(s),
        }
    }

    fn held(&self, map: &HashMap<u16, Vec<(u64, Seq)>>, slot: Slot) -> Vec<Seq> {
        map.get(&slot.bucket).map(|v| v.iter().filter(|(h, _)| *h == slot.hash).map(|(_, s)| *s).collect()).unwrap_or_default()
    }

    /// A fact of enterprise `uscc` and kind `kind`, committed or pending,
    /// whose ref has the same probable-duplicate key as `reference`.
    pub fn probable_duplicate(&self, uscc: &Uscc, kind: Kind, reference: &str) -> Result<Option<Record>, StoreError> {
        let key = model::ref_key(reference);
        let slot = duplicate_slot_of_key(uscc.as_bytes(), kind.name(), &key);
        *self.last_duplicate_slot.borrow_mut() = Some((identity(uscc, kind, reference), slot));
        let mut seqs = self.held(&self.duplicates, slot);
        seqs.extend(self.stored_candidates(keys::DUPLICATE, slot)?);
        for seq in seqs {
            let rec = match self.pending_record(seq)? {
                Some(r) => r,
                None => self.ledger.record_any(seq)?.ok_or_else(|| StoreError::Inconsistent(format!("duplicate index points at missing seq {seq}")))?,
            };
            if rec.fact.enterprise == *uscc && rec.fact.kind() == kind && model::ref_key(&rec.fact.reference) == key {
                return Ok(Some(rec));
            }
        }
        Ok(None)
    }

    /// The slot [`Appender::probable_duplicate`] computed for this fact, if
    /// it was the last one asked about.
    pub(super) fn remembered_duplicate_slot(&self, fact: &Fact) -> Option<Slot> {
        let last = self.last_duplicate_slot.borrow();
        let (id, slot) = last.as_ref()?;
        (*id == identity(&fact.enterprise, fact.kind(), &fact.reference)).then_some(*slot)
    }

    /// The enterprise's records, committed then pending, in seq order.
    pub fn enterprise_records(&self, uscc: &Uscc) -> Result<Vec<Record>, StoreError> {
        // The stored list holds committed seqs only: the pending ones are
        // held until the commit.
        let mut seqs = self.ledger.enterprise_seqs(uscc)?;
        seqs.retain(|s| *s <= self.committed.seq);
        let (written, held): (Vec<Seq>, Vec<Seq>) = self.enterprises.seqs(uscc, self.committed.seq).into_iter().partition(|s| *s <= self.written);
        seqs.extend(written);
        let mut out = self.ledger.records_at_bounded(&seqs)?;
        for s in held {
            if let Some(r) = self.pending_record(s)? {
                out.push(r);
            }
        }
        Ok(out)
    }
}

/// What a remembered duplicate slot was computed from: USCC, kind and ref,
/// length-prefixed so that no two triples give the same bytes.
fn identity(uscc: &Uscc, kind: Kind, reference: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(40 + reference.len());
    for part in [uscc.as_bytes(), kind.name().as_bytes(), reference.as_bytes()] {
        v.extend_from_slice(&(part.len() as u32).to_be_bytes());
        v.extend_from_slice(part);
    }
    v
}
