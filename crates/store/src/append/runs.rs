//! How a pending append writes its index entries (docs/FORMAT.md, layout 2).
//!
//! A large import cannot hold every hash-index entry in memory, and
//! rewriting the buckets each time it spills made import time grow with
//! the square of its size. So a spill writes each touched bucket's new
//! entries as a *run*, a key of its own past the head (`X`/`P` ‖ bucket ‖
//! run), without reading anything; lookups read a bucket with its runs.
//! The commit merges every bucket once, with its runs and what is still
//! held, writes it back and removes the runs, and only then moves the head.
//! The enterprise lists are held in memory until the commit (`pending`),
//! so each is read and rewritten once per import.

use super::filter::SlotFilter;
use super::Appender;
use crate::index::Slot;
use crate::batches::Batches;
use crate::codec::{decode_bucket, encode_bucket, encode_seq_list};
use crate::index::merge;
use crate::keys::{self, bucket_key, bucket_run_key, enterprise_key};
use crate::{Ledger, StoreError};
use model::Seq;
use std::collections::{BTreeMap, HashMap};

impl Ledger {
    /// A bucket with its runs, merged, and the runs' keys: what lies past
    /// the head included (the caller filters by seq where it matters).
    pub(crate) fn bucket_with_runs(&self, index: u8, bucket: u16) -> Result<(Vec<(u64, Seq)>, Vec<sled::IVec>), StoreError> {
        let prefix = bucket_key(index, bucket);
        let mut entries = Vec::new();
        let mut run_keys = Vec::new();
        for kv in self.tree.scan_prefix(prefix) {
            let (k, v) = kv?;
            let mut e = decode_bucket(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source })?;
            if k.len() != prefix.len() {
                run_keys.push(k);
            }
            merge(&mut entries, &mut e);
        }
        Ok((entries, run_keys))
    }
}

impl Appender<'_> {
    /// Writes the held hash-index entries as one run per touched bucket,
    /// after the chunks they point at; reads nothing. The stored buckets
    /// (and so the cache of them) do not change; a Bloom filter per run and
    /// index remembers which slots the run holds.
    pub(super) fn write_runs(&mut self) -> Result<(), StoreError> {
        self.write_chunks()?;
        let run = self.runs;
        self.runs = run.checked_add(1).ok_or_else(|| StoreError::Inconsistent("an append wrote 2^32 index runs".into()))?;
        let mut out = Batches::appending(self.ledger, self.pending() as usize);
        for (index, held) in [(keys::REF, std::mem::take(&mut self.refs)), (keys::DUPLICATE, std::mem::take(&mut self.duplicates))] {
            let mut held: Vec<(u16, Vec<(u64, Seq)>)> = held.into_iter().collect();
            held.sort_unstable_by_key(|(b, _)| *b);
            let mut filter = SlotFilter::with_capacity(held.iter().map(|(_, e)| e.len()).sum());
            for (bucket, new) in &held {
                new.iter().for_each(|(hash, _)| filter.insert(Slot { bucket: *bucket, hash: *hash }));
            }
            self.filters.push((index, filter));
            for (bucket, mut new) in held {
                new.sort_unstable();
                out.insert(&bucket_run_key(index, bucket, run), encode_bucket(&new))?;
                self.run_buckets.insert((index, bucket));

            }
        }
        out.apply()?;
        self.held_entries = 0;
        Ok(())
    }

    /// The commit's index writes: each touched enterprise list and bucket
    /// is read once, merged with what is held (and the bucket's runs),
    /// written back in key order, and its runs removed. The records'
    /// chunks are written already.
    pub(super) fn write_indexes(&mut self) -> Result<(), StoreError> {
        let ledger = self.ledger;
        let mut out = Batches::appending(ledger, self.pending() as usize);
        for (uscc, new) in self.enterprises.sorted(self.committed.seq) {
            let mut seqs = ledger.enterprise_seqs(&uscc)?;
            // What an earlier, abandoned append left is gone (recovery), but
            // never list a seq twice.
            seqs.retain(|s| *s <= self.committed.seq);
            seqs.extend(new);
            out.insert(&enterprise_key(&uscc), encode_seq_list(&seqs))?;
        }
        let mut touched: BTreeMap<(u8, u16), Vec<(u64, Seq)>> = BTreeMap::new();
        for (index, held) in [(keys::REF, std::mem::take(&mut self.refs)), (keys::DUPLICATE, std::mem::take(&mut self.duplicates))] {
            touched.extend(held.into_iter().map(|(bucket, new)| ((index, bucket), new)));
        }
        for &key in &self.run_buckets {
            touched.entry(key).or_default();
        }
        let mut stored: HashMap<(u8, u16), Vec<(u64, Seq)>> = std::mem::take(&mut *self.stored.borrow_mut());
        self.stored_entries.set(0);
        for ((index, bucket), mut new) in touched {
            let mut entries = if self.run_buckets.contains(&(index, bucket)) {
                let (entries, run_keys) = ledger.bucket_with_runs(index, bucket)?;
                for k in run_keys {
                    out.remove(&k)?;
                }
                entries
            } else {
                match stored.remove(&(index, bucket)) {
                    Some(e) => e,
                    None => ledger.bucket(index, bucket)?,
                }
            };
            merge(&mut entries, &mut new);
            out.insert(&bucket_key(index, bucket), encode_bucket(&entries))?;
        }
        out.apply()?;
        self.run_buckets.clear();
        self.filters.clear();
        self.held_entries = 0;
        Ok(())
    }
}
