//! How a pending append writes its index entries (docs/FORMAT.md, layout 2).
//!
//! A large import cannot hold every hash-index entry in memory, and
//! rewriting the buckets each time it spills made import time grow with
//! the square of its size. So a spill writes the held entries as a *run*
//! in a temporary file (`runfile`), without reading anything; lookups read
//! a run only when its Bloom filter may hold the slot. The commit merges
//! every touched bucket once, with its runs and what is still held, writes
//! it back, and only then moves the head. The enterprise lists are held in
//! memory until the commit (`pending`), so each is read and rewritten once
//! per import.

use super::runfile::Run;
use super::Appender;
use crate::batches::Batches;
use crate::codec::{encode_bucket, encode_seq_list};
use crate::index::merge;
use crate::keys::{self, bucket_key, enterprise_key};
use crate::StoreError;
use model::Seq;
use std::collections::HashMap;

impl Appender<'_> {
    /// Writes the held hash-index entries as a run (after the chunks they
    /// point at, so that a run never names a record the ledger lacks).
    pub(super) fn write_runs(&mut self) -> Result<(), StoreError> {
        self.write_chunks()?;
        self.runs.push(Run::write(std::mem::take(&mut self.refs), std::mem::take(&mut self.duplicates))?);
        self.held_entries = 0;
        Ok(())
    }

    /// The commit's index writes: each touched enterprise list and bucket
    /// is read once, merged with what is held and what the runs hold, and
    /// written back in key order. The records' chunks are written already.
    pub(super) fn write_indexes(&mut self) -> Result<(), StoreError> {
        let ledger = self.ledger;
        let mut out = Batches::appending(ledger, self.pending() as usize);
        if !self.ledger_wide.is_empty() {
            let mut seqs = ledger.ledger_wide_seqs()?;
            seqs.retain(|s| *s <= self.committed.seq);
            seqs.append(&mut self.ledger_wide);
            out.insert(keys::LEDGER_WIDE, encode_seq_list(&seqs))?;
        }
        for (uscc, new) in self.enterprises.sorted(self.committed.seq) {
            let mut seqs = ledger.enterprise_seqs(&uscc)?;
            // What an earlier, abandoned append left is gone (recovery), but
            // never list a seq twice.
            seqs.retain(|s| *s <= self.committed.seq);
            seqs.extend(new);
            out.insert(&enterprise_key(&uscc), encode_seq_list(&seqs))?;
        }
        let mut stored: HashMap<(u8, u16), Vec<(u64, Seq)>> = std::mem::take(&mut *self.stored.borrow_mut());
        self.stored_entries.set(0);
        // `P` sorts before `X`: key order.
        for (index, mut held) in [(keys::DUPLICATE, std::mem::take(&mut self.duplicates)), (keys::REF, std::mem::take(&mut self.refs))] {
            // Without runs (every import under ~10^6 facts) only the held
            // buckets are touched: no walk over all 65,536.
            let buckets: Vec<u16> = if self.runs.is_empty() {
                let mut b: Vec<u16> = held.keys().copied().collect();
                b.sort_unstable();
                b
            } else {
                (0..=u16::MAX).collect()
            };
            for bucket in buckets {
                let mut new = held.remove(&bucket).unwrap_or_default();
                for run in &self.runs {
                    new.extend(run.entries(index, bucket)?);
                }
                if new.is_empty() {
                    continue;
                }
                let mut entries = match stored.remove(&(index, bucket)) {
                    Some(e) => e,
                    None => ledger.bucket(index, bucket)?,
                };
                merge(&mut entries, &mut new);
                out.insert(&bucket_key(index, bucket), encode_bucket(&entries))?;
            }
        }
        out.apply()?;
        self.runs.clear();
        self.held_entries = 0;
        Ok(())
    }
}
