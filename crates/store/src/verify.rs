//! `verify`: every record decodes, seqs are gapless, each hash matches its
//! content and links to the one before, recorded time never goes back, and
//! the head and the three indexes hold exactly the ledger's records.
//!
//! The indexes are checked without a lookup per record: each side (the
//! records, and each index's entries) is folded into a multiset digest (a
//! count and a wrapping sum of a 128-bit hash of each entry), which agree
//! only when both hold the same entries. Memory stays constant: every scan
//! is a `Backend::scan`, which keeps the store's cache within its limit.

use crate::codec::{decode_bucket, decode_seq_list};
use crate::index::{duplicate_slot, ref_slot, Slot};
use crate::keys::{self, bucket_key};
use crate::keys::BUCKET_KEY_LEN;
use crate::{Ledger, StoreError};
use model::record::GENESIS_HASH;
use model::{Seq, Uscc};
use std::hash::{Hash, Hasher};

/// A multiset digest: entries counted and their hashes summed.
#[derive(Default, PartialEq, Eq, Debug)]
struct Digest {
    count: u64,
    sum: u128,
}

impl Digest {
    fn add(&mut self, entry: impl Hash) {
        // Both sides are folded in one process: the hash need not be stable.
        let mut a = std::collections::hash_map::DefaultHasher::new();
        entry.hash(&mut a);
        let lo = a.finish();
        1u8.hash(&mut a);
        let hi = a.finish();
        self.count += 1;
        self.sum = self.sum.wrapping_add((u128::from(hi) << 64) | u128::from(lo));
    }
}

impl Ledger {
    /// Checks the whole ledger; returns the number of records checked.
    pub fn verify(&self) -> Result<u64, StoreError> {
        let head = self.head()?;
        let mut prev = GENESIS_HASH;
        let mut n = 0u64;
        let mut last_time = None;
        let (mut by_enterprise, mut by_ref, mut by_dup) = (Digest::default(), Digest::default(), Digest::default());
        let mut ledger_wide = Vec::new();
        for rec in self.scan(Seq(1), head.seq) {
            let rec = rec?;
            n += 1;
            if rec.seq != Seq(n) {
                return Err(StoreError::Inconsistent(format!("expected seq {n}, found {}", rec.seq)));
            }
            if rec.prev_hash != prev || !rec.hash_is_valid() {
                return Err(StoreError::Inconsistent(format!("the hash chain is broken at seq {n}: the record was altered")));
            }
            // Recorded time never goes backwards along the ledger.
            if last_time.is_some_and(|t| rec.recorded_at < t) {
                return Err(StoreError::Inconsistent(format!("recorded time goes backwards at seq {n}")));
            }
            last_time = Some(rec.recorded_at);
            if rec.fact.kind().is_ledger_wide() {
                ledger_wide.push(rec.seq);
            } else {
                by_enterprise.add((rec.fact.enterprise, rec.seq));
            }
            let Slot { bucket, hash } = ref_slot(&rec.fact.reference);
            by_ref.add((bucket, hash, rec.seq));
            let Slot { bucket, hash } = duplicate_slot(&rec.fact);
            by_dup.add((bucket, hash, rec.seq));
            prev = rec.hash;
        }
        if n != head.seq.0 || prev != head.hash {
            return Err(StoreError::Inconsistent(format!("head says seq {}, found {n} records", head.seq)));
        }
        // The head's recorded time bounds every later import: it must be the last record's.
        if head.recorded_at != last_time {
            return Err(StoreError::Inconsistent(format!(
                "the head's recorded time {} is not the last record's {}",
                head.recorded_at.map(|t| t.to_string()).unwrap_or_else(|| "none".into()),
                last_time.map(|t| t.to_string()).unwrap_or_else(|| "none".into())
            )));
        }
        if self.enterprise_digest(head.seq)? != by_enterprise {
            return Err(StoreError::Inconsistent("the enterprise index does not list exactly the ledger's records".into()));
        }
        let mut listed = self.ledger_wide_seqs()?;
        listed.retain(|s| *s <= head.seq);
        if listed != ledger_wide {
            return Err(StoreError::Inconsistent("the ledger-wide index does not list exactly the ledger's ledger-wide records (rule-set adoptions, supervision plans)".into()));
        }
        if self.bucket_digest(keys::REF, head.seq)? != by_ref {
            return Err(StoreError::Inconsistent("the ref index does not hold exactly the ledger's records".into()));
        }
        if self.bucket_digest(keys::DUPLICATE, head.seq)? != by_dup {
            return Err(StoreError::Inconsistent("the duplicate index does not hold exactly the ledger's records".into()));
        }
        Ok(n)
    }

    /// Entries past the head belong to an append not committed (in progress,
    /// or interrupted and discarded at the next open): not the ledger's.
    fn enterprise_digest(&self, head: Seq) -> Result<Digest, StoreError> {
        let mut d = Digest::default();
        for kv in self.scan_prefix(keys::ENTERPRISE) {
            let (k, v) = kv?;
            let uscc = std::str::from_utf8(&k[1..])
                .ok()
                .and_then(|s| Uscc::parse(s).ok())
                .ok_or_else(|| StoreError::Inconsistent(format!("malformed enterprise index key {}", keys::describe(&k))))?;
            for seq in decode_seq_list(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source })?.into_iter().filter(|s| *s <= head) {
                d.add((uscc, seq));
            }
        }
        Ok(d)
    }

    /// Entries of a ref bucket sharing a hash must be facts of distinct refs
    /// (a ref names one fact; a hash collision is legitimate, a repeat is not).
    fn refs_are_distinct(&self, entries: &[(u64, Seq)]) -> Result<(), StoreError> {
        for run in entries.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            let seqs: Vec<Seq> = run.iter().map(|(_, s)| *s).collect();
            let mut refs: Vec<(String, Seq)> = self.records_at(&seqs)?.into_iter().map(|r| (r.fact.reference, r.seq)).collect();
            refs.sort();
            if let Some(w) = refs.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(StoreError::Inconsistent(format!("ref {:?} names two facts, seq {} and seq {}", w[0].0, w[0].1, w[1].1)));
            }
        }
        Ok(())
    }

    fn bucket_digest(&self, index: u8, head: Seq) -> Result<Digest, StoreError> {
        let mut d = Digest::default();
        for kv in self.scan_prefix(index) {
            let (k, v) = kv?;
            if k.len() != BUCKET_KEY_LEN {
                return Err(StoreError::Inconsistent(format!("malformed index key {}", keys::describe(&k))));
            }
            let bucket = u16::from_be_bytes([k[1], k[2]]);
            debug_assert_eq!(bucket_key(index, bucket).as_slice(), k.as_ref());
            let mut entries = decode_bucket(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source })?;
            entries.retain(|(_, s)| *s <= head);
            for (hash, seq) in &entries {
                d.add((bucket, *hash, *seq));
            }
            if index == keys::REF {
                self.refs_are_distinct(&entries)?;
            }
        }
        Ok(d)
    }
}
