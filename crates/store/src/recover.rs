//! Recovery: what an interrupted or abandoned import left past the head
//! (chunks, and index entries pointing at them) is discarded. Chunks are
//! always written before the index entries that point at them, and removed
//! after them, so the orphans' chunks say which entries to remove.

use crate::codec::{chunk_start, encode_bucket, encode_chunk, encode_seq_list};
use crate::index::{duplicate_slot_of, ref_slot};
use crate::keys::{self, bucket_key, chunk_key, enterprise_key};
use crate::batches::Batches;
use crate::{Ledger, StoreError};
use model::{Decoded, Record, Seq, Uscc};
use std::collections::BTreeSet;
use std::ops::Bound;


impl Ledger {
    /// Discards everything past the committed head, if anything is there
    /// (one range probe when nothing is).
    pub(crate) fn discard_uncommitted(&self) -> Result<(), StoreError> {
        let head = self.head()?.seq;
        let past_head = match self.chunk_at(Seq(head.0 + 1))? {
            // The head's chunk is not full: does it hold more than the head?
            Some(c) if c.first <= head => c.envelopes().len() as u64 > head.0 + 1 - c.first.0,
            _ => self.backend.scan(&chunk_key(Seq(head.0 + 1)), Bound::Included(&chunk_key(Seq(u64::MAX)))).next().is_some(),
        };
        if past_head {
            self.discard_after(head)?;
        }
        Ok(())
    }

    /// Removes the chunks after `head` and every index entry past it, then flushes.
    pub(crate) fn discard_after(&self, head: Seq) -> Result<(), StoreError> {
        let mut enterprises: BTreeSet<Uscc> = BTreeSet::new();
        let mut buckets: BTreeSet<(u8, u16)> = BTreeSet::new();
        let mut ledger_wide = false;
        // Chunks from the head's own (kept up to the head) to the last.
        let mut chunk_keys = Vec::new();
        for kv in self.backend.scan(&chunk_key(chunk_start(Seq(head.0 + 1))), Bound::Included(&chunk_key(Seq(u64::MAX)))) {
            let (k, _) = kv?;
            chunk_keys.push(k);
        }
        for k in &chunk_keys {
            let first = keys::seq_of_chunk_key(k).ok_or_else(|| StoreError::Inconsistent("malformed chunk key".into()))?;
            let chunk = self.chunk_at(first)?.ok_or_else(|| StoreError::Inconsistent("chunk vanished during recovery".into()))?;
            for (i, env) in chunk.envelopes().into_iter().enumerate() {
                let seq = Seq(first.0 + i as u64);
                if seq <= head {
                    continue;
                }
                // Identity only: a format-1 correction's target may already be gone.
                let corrupt = |source| StoreError::Corrupt { key: format!("record seq {seq}"), source };
                let (uscc, reference, kind) = match Record::decode_any(env).map_err(corrupt)? {
                    Decoded::Current(r) => (r.fact.enterprise, r.fact.reference.clone(), r.fact.kind()),
                    Decoded::Format1(r) => (r.fact.enterprise, r.fact.reference.clone(), r.fact.body.kind()),
                };
                if kind.is_ledger_wide() {
                    ledger_wide = true;
                } else {
                    enterprises.insert(uscc);
                }
                buckets.insert((keys::REF, ref_slot(&reference).bucket));
                buckets.insert((keys::DUPLICATE, duplicate_slot_of(uscc.as_bytes(), kind.name(), &reference).bucket));
            }
        }
        let mut batch = Batches::recovering(self);
        if ledger_wide {
            let mut seqs = self.ledger_wide_seqs()?;
            seqs.retain(|s| *s <= head);
            if seqs.is_empty() {
                batch.remove(keys::LEDGER_WIDE)?;
            } else {
                batch.insert(keys::LEDGER_WIDE, encode_seq_list(&seqs))?;
            }
        }
        for uscc in &enterprises {
            let mut seqs = self.enterprise_seqs(uscc)?;
            let before = seqs.len();
            seqs.retain(|s| *s <= head);
            if seqs.len() == before {
                continue;
            }
            if seqs.is_empty() {
                batch.remove(&enterprise_key(uscc))?;
            } else {
                batch.insert(&enterprise_key(uscc), encode_seq_list(&seqs))?;
            }
        }
        for &(index, bucket) in &buckets {
            let mut e = self.bucket(index, bucket)?;
            let before = e.len();
            e.retain(|(_, s)| *s <= head);
            if e.len() == before {
                continue;
            }
            if e.is_empty() {
                batch.remove(&bucket_key(index, bucket))?;
            } else {
                batch.insert(&bucket_key(index, bucket), encode_bucket(&e))?;
            }
        }
        batch.apply()?;
        self.backend.flush()?;
        let mut batch = Batches::recovering(self);
        for k in chunk_keys {
            let first = keys::seq_of_chunk_key(&k).ok_or_else(|| StoreError::Inconsistent("malformed chunk key".into()))?;
            if first <= head {
                let chunk = self.chunk_at(first)?.ok_or_else(|| StoreError::Inconsistent("chunk vanished during recovery".into()))?;
                let keep: Vec<&[u8]> = chunk.envelopes().into_iter().take((head.0 + 1 - first.0) as usize).collect();
                batch.insert(&k, encode_chunk(keep.into_iter()))?;
            } else {
                batch.remove(&k)?;
            }
        }
        batch.apply()?;
        self.backend.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{keys, Ledger};
    use model::fact::{Body, PlanIssued, RuleSetAdopted, Source};
    use model::{parse_line, ChinaDate, Fact, Seq, Timestamp, Uscc};

    fn adoption(id: &str) -> Fact {
        Fact {
            reference: format!("RULES-{id}"),
            enterprise: Uscc::parse("11660000MB00000002").unwrap(),
            occurred_on: ChinaDate::from_ymd(2026, 1, 1).unwrap(),
            source: Source::Manual,
            note: None,
            body: Body::RuleSetAdopted(RuleSetAdopted {
                id: id.into(),
                sha256: "0".repeat(64),
                effective_from: ChinaDate::from_ymd(2026, 1, 1).unwrap(),
                effective_to: None,
                replaces: None,
                file: String::new(),
            }),
        }
    }

    fn plan(year: i32) -> Fact {
        Fact {
            reference: format!("PLAN-08-{year}"),
            enterprise: Uscc::parse("11660000MB00000002").unwrap(),
            occurred_on: ChinaDate::from_ymd(2026, 1, 5).unwrap(),
            source: Source::Manual,
            note: None,
            body: Body::PlanIssued(PlanIssued {
                year,
                division: "08".into(),
                known_at_seq: 1,
                head_hash: "1".repeat(64),
                salt: "salt".into(),
                rules_id: "xpcc-trial".into(),
                rules_sha256: "2".repeat(64),
                inspectors: None,
                draw_version: 1,
                engine_version: "credit-ledger test".into(),
                plan_sha256: "3".repeat(64),
            }),
        }
    }

    /// Issue 11: the same crash with a supervision plan in the uncommitted
    /// append: recovery trims it from the ledger-wide list like an adoption.
    #[test]
    fn issue11_recovery_trims_an_uncommitted_plan_from_the_ledger_wide_list() {
        let t = Timestamp::parse("2026-01-05T09:00:00+08:00").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (committed, old_head) = {
            let l = Ledger::open(dir.path()).unwrap();
            l.append(vec![(t, adoption("a")), (t, plan(2026))]).unwrap();
            let committed = l.dump().unwrap();
            let old_head = l.head().unwrap();
            l.append(vec![(t, plan(2027))]).unwrap();
            assert_eq!(l.ledger_wide_seqs().unwrap(), vec![Seq(1), Seq(2), Seq(3)]);
            l.backend.insert(keys::HEAD, Ledger::encode_head(&old_head).unwrap()).unwrap();
            l.backend.flush().unwrap();
            (committed, old_head)
        };
        let l = Ledger::open(dir.path()).unwrap();
        assert_eq!(l.head().unwrap(), old_head);
        assert_eq!(l.ledger_wide_seqs().unwrap(), vec![Seq(1), Seq(2)]);
        assert!(l.dump().unwrap() == committed, "recovery left more than the committed ledger");
        assert_eq!(l.plans(Seq(u64::MAX)).unwrap().len(), 1);
        assert_eq!(l.verify().unwrap(), 2);
    }

    /// A crash after the commit wrote its index entries (the adoption list
    /// among them) but before it moved the head: the next open trims every
    /// index, the adoption list included, back to the head.
    #[test]
    fn issue8_recovery_trims_the_adoption_list_to_the_head() {
        let t = Timestamp::parse("2026-01-02T09:00:00+08:00").unwrap();
        let complaint = parse_line(r#"{"kind":"complaint_verified","ref":"C-1","enterprise":"91660800000007919G","occurred_on":"2025-05-01","channel":"report"}"#).unwrap().fact;
        let dir = tempfile::tempdir().unwrap();
        let (committed, old_head) = {
            let l = Ledger::open(dir.path()).unwrap();
            l.append(vec![(t, adoption("a"))]).unwrap();
            let committed = l.dump().unwrap();
            let old_head = l.head().unwrap();
            l.append(vec![(t, complaint), (t, adoption("b"))]).unwrap();
            assert_eq!(l.ledger_wide_seqs().unwrap(), vec![Seq(1), Seq(3)]);
            // Undo only the head write of the second append.
            l.backend.insert(keys::HEAD, Ledger::encode_head(&old_head).unwrap()).unwrap();
            l.backend.flush().unwrap();
            (committed, old_head)
        };
        let l = Ledger::open(dir.path()).unwrap();
        assert_eq!(l.head().unwrap(), old_head);
        assert_eq!(l.ledger_wide_seqs().unwrap(), vec![Seq(1)]);
        assert!(l.dump().unwrap() == committed, "recovery left more than the committed ledger");
        assert_eq!(l.verify().unwrap(), 1);
    }
}
