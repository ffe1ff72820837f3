//! Appends with a commit point. An [`Appender`] seals records one by one,
//! writes them in chunks past the head as it goes (so memory stays bounded
//! by a chunk, whatever the import's size), updates the indexes, and only
//! then moves the head in one atomic write and flushes: the commit.
//! Until then nothing it wrote is visible to a reader, and what a crash or
//! an abandoned import leaves past the head is discarded (see `recover`).

use crate::codec::{chunk_start, encode_chunk, CHUNK_RECORDS};
mod filter;
mod lookup;
mod pending;
mod runfile;
mod runs;

use crate::index::{duplicate_slot, ref_slot, Slot};
use crate::keys::{self, chunk_key};
use crate::{BackendError, Head, Ledger, StoreError};
use model::{Fact, Record, Seq, Sealed, Timestamp};
use pending::PendingEnterprises;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::MutexGuard;

/// Records held before they are written as chunks.
const SPILL_RECORDS: usize = 4096;
/// Hash-index entries held before they are written as runs (past the
/// head): 2 per record, 16 bytes each, so about 32 MB. Fewer runs leave
/// sled fewer free segments, which it zeroes at every open.
const INDEX_ENTRIES: usize = 2 << 20;

/// A pending append; see the module doc. Holds the ledger's append lock.
pub struct Appender<'l> {
    ledger: &'l Ledger,
    _lock: MutexGuard<'l, ()>,
    committed: Head,
    tip: Head,
    /// Sealed records not yet written, with their envelopes.
    buffer: Vec<(Record, Vec<u8>)>,
    /// The last seq written into chunks.
    written: Seq,
    /// Whether records may be written before the commit (false: a dry run
    /// that only validates keeps everything in memory and writes nothing).
    spill: bool,
    /// Records held before they are written; hash-index entries held
    /// before they are written as runs (tests lower both).
    spill_records: usize,
    index_entries: usize,
    /// The enterprise index entries, held until the commit (see `pending`).
    enterprises: PendingEnterprises,
    /// Pending ledger-wide records: rule-set adoptions, supervision plans
    /// (few: held whole until the commit).
    ledger_wide: Vec<Seq>,
    refs: HashMap<u16, Vec<(u64, Seq)>>,
    duplicates: HashMap<u16, Vec<(u64, Seq)>>,
    held_entries: usize,
    /// The runs written so far (temporary files; see `runs`).
    runs: Vec<runfile::Run>,
    /// The probable-duplicate slot last computed by a lookup, keyed by
    /// (USCC, kind, ref): the fact pushed next usually is that one, and
    /// its slot costs an NFKC normalisation.
    last_duplicate_slot: RefCell<Option<(Vec<u8>, Slot)>>,
    /// Bucket values as stored in the tree (committed entries only: runs
    /// are files of their own), read once per append (bounded by
    /// [`CACHED_ENTRIES`]): lookups and the commit's rewrite share them.
    stored: RefCell<Buckets>,
    stored_entries: Cell<usize>,
    done: bool,
}

/// Bucket entries by (index, bucket).
type Buckets = HashMap<(u8, u16), Vec<(u64, Seq)>>;

/// Stored bucket entries the cache may hold (16 bytes each).
const CACHED_ENTRIES: usize = 1 << 20;

impl Ledger {
    /// Starts an append. With `spill` false nothing is written until
    /// [`Appender::commit`] (for dry runs, which never commit).
    pub fn appender(&self, spill: bool) -> Result<Appender<'_>, StoreError> {
        self.appender_tuned(spill, SPILL_RECORDS, INDEX_ENTRIES)
    }

    /// [`Ledger::appender`] writing after `spill_records` held records and
    /// `index_entries` held index entries: for tests of the commit point.
    #[doc(hidden)]
    pub fn appender_tuned(&self, spill: bool, spill_records: usize, index_entries: usize) -> Result<Appender<'_>, StoreError> {
        let lock = self.append_lock.lock().unwrap_or_else(|p| p.into_inner());
        let head = self.head()?;
        Ok(Appender {
            ledger: self,
            _lock: lock,
            committed: head,
            tip: head,
            buffer: Vec::new(),
            written: head.seq,
            spill,
            spill_records,
            index_entries,
            enterprises: PendingEnterprises::default(),
            ledger_wide: Vec::new(),
            refs: HashMap::new(),
            duplicates: HashMap::new(),
            held_entries: 0,
            runs: Vec::new(),
            last_duplicate_slot: RefCell::new(None),
            stored: RefCell::new(HashMap::new()),
            stored_entries: Cell::new(0),
            done: false,
        })
    }

    /// Appends facts atomically, in order, then flushes: the returned
    /// records are acknowledged only once they are durable. The caller has
    /// validated the facts (refs unique, targets known, times ordered).
    pub fn append(&self, facts: Vec<(Timestamp, Fact)>) -> Result<Vec<Record>, StoreError> {
        let mut a = self.appender(true)?;
        let mut out = Vec::with_capacity(facts.len());
        for (at, fact) in facts {
            out.push(a.push(at, fact)?);
        }
        a.commit()?;
        Ok(out)
    }
}

impl<'l> Appender<'l> {
    /// The head this append started from.
    pub fn committed(&self) -> Head {
        self.committed
    }

    /// The last pending record's seq, hash and time (the committed head when
    /// nothing is pending).
    pub fn tip(&self) -> Head {
        self.tip
    }

    /// How many records are pending.
    pub fn pending(&self) -> u64 {
        self.tip.seq.0 - self.committed.seq.0
    }

    /// Seals `fact` as the next record and holds it for the commit.
    pub fn push(&mut self, recorded_at: Timestamp, fact: Fact) -> Result<Record, StoreError> {
        let seq = Seq(self.tip.seq.0 + 1);
        let rec = Record::seal(seq, recorded_at, fact, self.tip.hash).map_err(StoreError::Encode)?;
        let env = rec.encode().map_err(StoreError::Encode)?;
        self.hold(rec.clone(), env)?;
        Ok(rec)
    }

    /// Holds a record restored verbatim (its envelope in its own format):
    /// it must continue the chain exactly.
    pub fn push_stored(&mut self, rec: Record, envelope: Vec<u8>) -> Result<(), StoreError> {
        let expected = Seq(self.tip.seq.0 + 1);
        let fault = |why: String| Err(StoreError::Discontinuous { seq: rec.seq, why });
        if rec.seq != expected {
            return fault(format!("the next seq is {expected}"));
        }
        if rec.prev_hash != self.tip.hash {
            return fault("its previous hash is not the hash of the record before it".into());
        }
        if !rec.hash_is_valid() {
            return fault("its hash does not match its content".into());
        }
        if self.tip.recorded_at.is_some_and(|t| rec.recorded_at < t) {
            return fault("its recorded time is before the record before it".into());
        }
        if !matches!(rec.sealed, Sealed::Current | Sealed::Format1 { .. }) {
            return fault("unknown record format".into());
        }
        // A ref names one fact: a forged archive may give one twice.
        if let Some(other) = self.seq_of_ref(&rec.fact.reference)? {
            return fault(format!("its ref {:?} is already the ref of seq {other}", rec.fact.reference));
        }
        self.hold(rec, envelope)
    }

    fn hold(&mut self, rec: Record, env: Vec<u8>) -> Result<(), StoreError> {
        let seq = rec.seq;
        if rec.fact.kind().is_ledger_wide() {
            // In no enterprise's file (docs/FORMAT.md, `A`).
            self.enterprises.skip()?;
            self.ledger_wide.push(seq);
        } else {
            self.enterprises.push(rec.fact.enterprise)?;
        }
        let r = ref_slot(&rec.fact.reference);
        self.refs.entry(r.bucket).or_default().push((r.hash, seq));
        let d = self.remembered_duplicate_slot(&rec.fact).unwrap_or_else(|| duplicate_slot(&rec.fact));
        self.duplicates.entry(d.bucket).or_default().push((d.hash, seq));
        self.held_entries += 2;
        self.tip = Head { seq, hash: rec.hash, recorded_at: Some(rec.recorded_at) };
        self.buffer.push((rec, env));
        if self.spill && self.buffer.len() >= self.spill_records {
            self.write_chunks()?;
        }
        if self.spill && self.held_entries >= self.index_entries {
            self.write_runs()?;
        }
        Ok(())
    }

    /// Writes the held records as chunks past the head (not yet visible).
    fn write_chunks(&mut self) -> Result<(), StoreError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        crate::failpoint::write("chunks").map_err(|e| self.ledger.write_err(self.buffer.len(), e))?;
        let mut batch = crate::backend::Batch::default();
        let mut start = 0;
        while start < self.buffer.len() {
            let first = chunk_start(self.buffer[start].0.seq);
            let end = (start + (first.0 + CHUNK_RECORDS - self.buffer[start].0.seq.0) as usize).min(self.buffer.len());
            let part = &self.buffer[start..end];
            let value = if first < part[0].0.seq {
                // The chunk was begun by an earlier commit (or spill): extend it.
                let chunk = self.ledger.chunk_at(first)?.ok_or_else(|| StoreError::Inconsistent(format!("the chunk from seq {first} is missing")))?;
                let mut envs: Vec<&[u8]> = chunk.envelopes();
                if first.0 + envs.len() as u64 != part[0].0.seq.0 {
                    return Err(StoreError::Inconsistent(format!("the chunk from seq {first} does not end before seq {}", part[0].0.seq)));
                }
                envs.extend(part.iter().map(|(_, e)| e.as_slice()));
                encode_chunk(envs.into_iter())
            } else {
                encode_chunk(part.iter().map(|(_, e)| e.as_slice()))
            };
            batch.insert(&chunk_key(first), value);
            start = end;
        }
        let n = self.buffer.len();
        self.ledger.backend.apply(batch).map_err(|e| self.ledger.write_err(n, e))?;
        self.written = self.buffer.last().expect("non-empty").0.seq;
        self.buffer.clear();
        Ok(())
    }

    /// Writes what is held, then moves the head and flushes: from here the
    /// records are acknowledged. Returns the new head.
    pub fn commit(mut self) -> Result<Head, StoreError> {
        if self.pending() == 0 {
            self.done = true;
            return Ok(self.committed);
        }
        let n = self.pending() as usize;
        self.write_chunks()?;
        self.write_indexes()?;
        let ledger = self.ledger;
        crate::failpoint::write("flush").map_err(|e| ledger.write_err(n, e))?;
        ledger.backend.flush().map_err(|e| ledger.write_err(n, e))?;
        crate::failpoint::write("head").map_err(|e| ledger.write_err(n, e))?;
        ledger.backend.insert(keys::HEAD, Ledger::encode_head(&self.tip)?).map_err(|e| ledger.write_err(n, e))?;
        let flushed = crate::failpoint::write("flush head").map_err(BackendError::Io).and_then(|_| ledger.backend.flush());
        if let Err(e) = flushed {
            // Not acknowledged, so it must not appear later either: put the
            // old head back (the store may still write the new one out at exit);
            // dropping `self` then removes what lies past it.
            let _ = Ledger::encode_head(&self.committed).map(|old| ledger.backend.insert(keys::HEAD, old));
            return Err(ledger.write_err(n, e));
        }
        self.done = true;
        Ok(self.tip)
    }

    /// Drops everything pending; what was written past the head is removed.
    pub fn abort(mut self) -> Result<(), StoreError> {
        self.done = true;
        if self.written > self.committed.seq || !self.buffer.is_empty() {
            self.buffer.clear();
            self.ledger.discard_after(self.committed.seq)?;
        }
        Ok(())
    }

    /// Ends a dry run (`spill` false): the held records, in seq order;
    /// nothing was written and nothing is.
    pub fn into_held(mut self) -> Vec<Record> {
        self.done = true;
        debug_assert!(!self.spill, "a spilling append is committed or aborted");
        std::mem::take(&mut self.buffer).into_iter().map(|(r, _)| r).collect()
    }
}

impl Drop for Appender<'_> {
    fn drop(&mut self) {
        if !self.done && self.written > self.committed.seq {
            // Best effort: the next open discards it anyway.
            let _ = self.ledger.discard_after(self.committed.seq);
        }
    }
}
