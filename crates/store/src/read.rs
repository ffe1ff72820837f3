//! Reads: records by seq, by ref and by enterprise, and scans in seq order.
//! Every public read is bounded by the committed head; the `*_upto` forms
//! take the bound explicitly (an import reads its own pending records).

use crate::backend::{Bytes, Scan};
use crate::codec::{chunk_ranges, chunk_start, decode_bucket, decode_seq_list};
use crate::index::{ref_slot, Slot};
use crate::keys::{self, bucket_key, chunk_key, enterprise_key};
use crate::{Ledger, StoreError, StoredEnterprise};
use model::fact::Kind;
use model::{Record, Seq, Timestamp, Uscc};
use std::collections::BTreeMap;

/// A chunk read from the store: its first seq, its value, and where each
/// envelope lies in it (its length table decoded and checked once).
pub(crate) struct Chunk {
    pub first: Seq,
    value: Bytes,
    ranges: Vec<std::ops::Range<usize>>,
}

impl Chunk {
    fn new(first: Seq, value: Bytes) -> Result<Chunk, StoreError> {
        let ranges = chunk_ranges(&value).map_err(|source| StoreError::Corrupt { key: keys::describe(&chunk_key(first)), source })?;
        Ok(Chunk { first, value, ranges })
    }

    /// The envelopes, in seq order.
    pub fn envelopes(&self) -> Vec<&[u8]> {
        self.ranges.iter().map(|r| &self.value[r.clone()]).collect()
    }

    /// The stored envelope of `seq`, if this chunk holds it.
    pub fn envelope(&self, seq: Seq) -> Option<&[u8]> {
        if seq < self.first {
            return None;
        }
        self.ranges.get((seq.0 - self.first.0) as usize).map(|r| &self.value[r.clone()])
    }
}

impl Ledger {
    /// The chunk that would hold `seq`: one point read.
    pub(crate) fn chunk_at(&self, seq: Seq) -> Result<Option<Chunk>, StoreError> {
        let first = chunk_start(seq);
        self.backend.get(&chunk_key(first))?.map(|value| Chunk::new(first, value)).transpose()
    }

    /// The stored envelope of `seq`, committed or not.
    pub(crate) fn envelope_of(&self, seq: Seq) -> Result<Option<Vec<u8>>, StoreError> {
        match self.chunk_at(seq)? {
            None => Ok(None),
            Some(c) => Ok(c.envelope(seq).map(|e| e.to_vec())),
        }
    }

    /// Decodes a stored record of any format. A format-1 change, correction
    /// or partial revocation is typed by its target's kind, read through the
    /// ref index (a target is earlier, and never itself such a correction).
    pub(crate) fn decode_record(&self, seq: Seq, v: &[u8]) -> Result<Record, StoreError> {
        let corrupt = |source| StoreError::Corrupt { key: format!("record seq {seq}"), source };
        let decoded = Record::decode_any(v).map_err(corrupt)?;
        let target_kind = match decoded.needs_target() {
            None => None,
            Some(target) => self.kind_of_ref(target, Seq(seq.0.saturating_sub(1)))?,
        };
        let rec = decoded.into_record(target_kind).map_err(corrupt)?;
        if rec.seq != seq {
            return Err(StoreError::Inconsistent(format!("the record stored as seq {seq} says it is seq {}", rec.seq)));
        }
        Ok(rec)
    }

    fn kind_of_ref(&self, reference: &str, upto: Seq) -> Result<Option<Kind>, StoreError> {
        match self.seq_of_ref_upto(reference, upto)? {
            None => Ok(None),
            Some(s) => {
                let v = self.envelope_of(s)?.ok_or_else(|| StoreError::Inconsistent(format!("ref index points at missing seq {s}")))?;
                Ok(Some(Record::decode(&v).map_err(|source| StoreError::Corrupt { key: format!("record seq {s}"), source })?.fact.kind()))
            }
        }
    }

    /// The record at `seq`, committed or not (`None` past the last chunk).
    pub(crate) fn record_any(&self, seq: Seq) -> Result<Option<Record>, StoreError> {
        self.envelope_of(seq)?.map(|v| self.decode_record(seq, &v)).transpose()
    }

    /// The record at `seq`, if it is committed.
    pub fn record(&self, seq: Seq) -> Result<Option<Record>, StoreError> {
        if seq.0 == 0 || seq > self.head()?.seq {
            return Ok(None);
        }
        self.record_any(seq)
    }

    /// The entries of a bucket (sorted by hash, then seq).
    pub(crate) fn bucket(&self, index: u8, bucket: u16) -> Result<Vec<(u64, Seq)>, StoreError> {
        let k = bucket_key(index, bucket);
        match self.backend.get(&k)? {
            None => Ok(Vec::new()),
            Some(v) => decode_bucket(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source }),
        }
    }

    /// Seqs ≤ `upto` in the bucket entries of `slot`.
    pub(crate) fn candidates(&self, index: u8, slot: Slot, upto: Seq) -> Result<Vec<Seq>, StoreError> {
        let entries = self.bucket(index, slot.bucket)?;
        let from = entries.partition_point(|(h, _)| *h < slot.hash);
        Ok(entries[from..].iter().take_while(|(h, _)| *h == slot.hash).map(|(_, s)| *s).filter(|s| *s <= upto).collect())
    }

    /// The ref of the record at `seq` (any format; no conversion needed).
    pub(crate) fn ref_at(&self, seq: Seq) -> Result<String, StoreError> {
        let v = self.envelope_of(seq)?.ok_or_else(|| StoreError::Inconsistent(format!("an index points at missing seq {seq}")))?;
        Ok(match Record::decode_any(&v).map_err(|source| StoreError::Corrupt { key: format!("record seq {seq}"), source })? {
            model::Decoded::Current(r) => r.fact.reference,
            model::Decoded::Format1(r) => r.fact.reference,
        })
    }

    /// The seq of the fact whose ref is `reference`, among seqs ≤ `upto`.
    pub(crate) fn seq_of_ref_upto(&self, reference: &str, upto: Seq) -> Result<Option<Seq>, StoreError> {
        for seq in self.candidates(keys::REF, ref_slot(reference), upto)? {
            let v = self.envelope_of(seq)?.ok_or_else(|| StoreError::Inconsistent(format!("ref index points at missing seq {seq}")))?;
            // A format-1 record is read without its target's kind: only its ref matters here.
            let same = match Record::decode_any(&v).map_err(|source| StoreError::Corrupt { key: format!("record seq {seq}"), source })? {
                model::Decoded::Current(r) => r.fact.reference == reference,
                model::Decoded::Format1(r) => r.fact.reference == reference,
            };
            if same {
                return Ok(Some(seq));
            }
        }
        Ok(None)
    }

    /// The seq of the committed fact whose ref is `reference`.
    pub fn seq_of_ref(&self, reference: &str) -> Result<Option<Seq>, StoreError> {
        self.seq_of_ref_upto(reference, self.head()?.seq)
    }

    /// The committed record whose fact has ref `reference`.
    pub fn record_by_ref(&self, reference: &str) -> Result<Option<Record>, StoreError> {
        match self.seq_of_ref(reference)? {
            None => Ok(None),
            Some(seq) => self.record_any(seq),
        }
    }

    /// The enterprise's seqs, committed or not, ascending.
    pub(crate) fn enterprise_seqs(&self, uscc: &Uscc) -> Result<Vec<Seq>, StoreError> {
        let k = enterprise_key(uscc);
        match self.backend.get(&k)? {
            None => Ok(Vec::new()),
            Some(v) => decode_seq_list(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source }),
        }
    }

    /// The seqs of every ledger-wide record (rule-set adoptions and
    /// supervision plans), committed or not, ascending.
    pub(crate) fn ledger_wide_seqs(&self) -> Result<Vec<Seq>, StoreError> {
        match self.backend.get(keys::LEDGER_WIDE)? {
            None => Ok(Vec::new()),
            Some(v) => decode_seq_list(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(keys::LEDGER_WIDE), source }),
        }
    }

    /// The ledger-wide records with seq ≤ `upto` (bounded by the head) and
    /// of kind `kind`, in seq order. A listed record of another ledger-wide
    /// kind is skipped; one of an enterprise's kind is an inconsistency.
    fn ledger_wide(&self, upto: Seq, kind: Kind) -> Result<Vec<Record>, StoreError> {
        let upto = upto.min(self.head()?.seq);
        let mut seqs = self.ledger_wide_seqs()?;
        seqs.retain(|s| *s <= upto);
        let mut records = self.records_at(&seqs)?;
        if let Some(r) = records.iter().find(|r| !r.fact.kind().is_ledger_wide()) {
            return Err(StoreError::Inconsistent(format!("the ledger-wide index lists seq {}, a {}", r.seq, r.fact.kind())));
        }
        records.retain(|r| r.fact.kind() == kind);
        Ok(records)
    }

    /// The rule-set adoptions with seq ≤ `upto` (bounded by the head), in
    /// seq order (issue 8: the rule set in force for (V, K)).
    pub fn adoptions(&self, upto: Seq) -> Result<Vec<Record>, StoreError> {
        self.ledger_wide(upto, Kind::RuleSetAdopted)
    }

    /// The `plan_issued` records with seq ≤ `upto` (bounded by the head),
    /// in seq order (issue 11: the supervision plans issued, known at K).
    pub fn plans(&self, upto: Seq) -> Result<Vec<Record>, StoreError> {
        self.ledger_wide(upto, Kind::PlanIssued)
    }

    /// The records at `seqs` (ascending), reading each chunk once.
    pub(crate) fn records_at(&self, seqs: &[Seq]) -> Result<Vec<Record>, StoreError> {
        self.records_at_with(seqs, false)
    }

    /// [`Ledger::records_at`] for an import, whose cold reads must not pile
    /// up in the store's cache (see `Backend::get_bounded`).
    pub(crate) fn records_at_bounded(&self, seqs: &[Seq]) -> Result<Vec<Record>, StoreError> {
        self.records_at_with(seqs, true)
    }

    fn records_at_with(&self, seqs: &[Seq], bounded: bool) -> Result<Vec<Record>, StoreError> {
        let mut out = Vec::with_capacity(seqs.len());
        let mut chunk: Option<Chunk> = None;
        for &seq in seqs {
            let hit = match &chunk {
                Some(c) => c.first <= seq && c.envelope(seq).is_some(),
                None => false,
            };
            if !hit {
                chunk = if bounded {
                    // An import's many random reads (a reader's few keep sled's
                    // plain reads, 4× faster at the median: 303 µs against 1.26 ms).
                    let first = chunk_start(seq);
                    self.backend.get_bounded(&chunk_key(first))?.map(|value| Chunk::new(first, value)).transpose()?
                } else {
                    self.chunk_at(seq)?
                };
            }
            let env = match &chunk {
                Some(c) => c.envelope(seq),
                None => None,
            }
            .ok_or_else(|| StoreError::Inconsistent(format!("the enterprise index points at missing seq {seq}")))?;
            out.push(self.decode_record(seq, env)?);
        }
        Ok(out)
    }

    /// One enterprise's records with seq ≤ `upto`, in seq order: its seq
    /// list, then the chunks that hold them.
    pub fn enterprise_records(&self, uscc: &Uscc, upto: Seq) -> Result<Vec<Record>, StoreError> {
        let upto = upto.min(self.head()?.seq);
        let mut seqs = self.enterprise_seqs(uscc)?;
        seqs.retain(|s| *s <= upto);
        let records = self.records_at(&seqs)?;
        if let Some(r) = records.iter().find(|r| r.fact.enterprise != *uscc) {
            return Err(StoreError::Inconsistent(format!("the enterprise index of {uscc} lists seq {}, a fact of {}", r.seq, r.fact.enterprise)));
        }
        Ok(records)
    }

    /// Whether the ledger holds any committed fact of this enterprise.
    pub fn has_enterprise(&self, uscc: &Uscc) -> Result<bool, StoreError> {
        let head = self.head()?.seq;
        Ok(self.enterprise_seqs(uscc)?.first().is_some_and(|s| *s <= head))
    }

    /// Every enterprise with a committed fact, in USCC order, with its
    /// records of seq ≤ `upto`, each decoded once; time linear in the
    /// ledger, memory bounded by a partition (see `stream`).
    pub fn enterprises(&self, upto: Seq) -> impl Iterator<Item = Result<(Uscc, Vec<Record>), StoreError>> + '_ {
        self.enterprises_partitioned(upto, crate::stream::PARTITION_RECORDS)
    }

    /// [`Ledger::enterprises`] with the records still encoded, for callers
    /// that decode them on other threads ([`Ledger::decode_enterprise`]).
    pub fn enterprises_stored(&self, upto: Seq) -> impl Iterator<Item = Result<StoredEnterprise, StoreError>> + '_ {
        self.enterprises_stored_partitioned(upto, crate::stream::PARTITION_RECORDS)
    }

    /// [`Ledger::enterprises`] with partitions of `partition_records` (tests).
    #[doc(hidden)]
    pub fn enterprises_partitioned(&self, upto: Seq, partition_records: u64) -> impl Iterator<Item = Result<(Uscc, Vec<Record>), StoreError>> + '_ {
        self.enterprises_stored_partitioned(upto, partition_records).map(move |e| {
            let e = e?;
            let records = self.decode_enterprise(&e)?;
            Ok((e.uscc, records))
        })
    }

    fn enterprises_stored_partitioned(&self, upto: Seq, partition_records: u64) -> impl Iterator<Item = Result<StoredEnterprise, StoreError>> + '_ {
        let (walk, err) = match crate::stream::EnterpriseWalk::new(self, upto, partition_records) {
            Ok(w) => (Some(w), None),
            Err(e) => (None, Some(Err(e))),
        };
        err.into_iter().chain(walk.into_iter().flatten())
    }

    /// Every record with seq ≤ `upto`, grouped by enterprise.
    pub fn all_by_enterprise(&self, upto: Seq) -> Result<BTreeMap<Uscc, Vec<Record>>, StoreError> {
        let upto = upto.min(self.head()?.seq);
        self.enterprises(upto).collect()
    }

    /// Committed records with `from` ≤ seq ≤ `to`, in order, each with its
    /// stored envelope (verbatim, in the record's own format). One forward
    /// scan over the chunks (the store's cache stays bounded, see `Backend::scan`).
    pub fn scan_stored(&self, from: Seq, to: Seq) -> impl Iterator<Item = Result<(Record, Vec<u8>), StoreError>> + '_ {
        self.chunk_walk(from, to, true)
    }

    /// Committed records with `from` ≤ seq ≤ `to`, in order.
    pub fn scan(&self, from: Seq, to: Seq) -> impl Iterator<Item = Result<Record, StoreError>> + '_ {
        self.chunk_walk(from, to, false).map(|r| r.map(|(rec, _)| rec))
    }

    /// The records `from` ..= `to` (bounded by the head), each with its
    /// envelope if `envelopes` (else an empty vector: no copy).
    fn chunk_walk(&self, from: Seq, to: Seq, envelopes: bool) -> ChunkWalk<'_> {
        let next = Seq(from.0.max(1));
        let to = match self.head() {
            Ok(h) => Ok(to.min(h.seq)),
            Err(e) => Err(e),
        };
        let chunks = match &to {
            Ok(to) if *to >= next => Some(self.scan_chunks(next, *to)),
            _ => None,
        };
        ChunkWalk { ledger: self, chunks, envelopes, next, to, pending: Vec::new() }
    }

    /// A scan of the keys starting with `prefix` (one of `keys`' prefixes).
    pub(crate) fn scan_prefix(&self, prefix: u8) -> Scan<'_> {
        self.backend.scan(&[prefix], std::ops::Bound::Excluded(&[prefix + 1]))
    }

    /// A scan of the chunks that hold seqs `from`..=`to`.
    pub(crate) fn scan_chunks(&self, from: Seq, to: Seq) -> Scan<'_> {
        self.backend.scan(&chunk_key(chunk_start(from)), std::ops::Bound::Included(&chunk_key(to)))
    }

    /// The last seq recorded at or before `t` (0 when none): a binary search
    /// over seq, as recorded times never decrease along the ledger.
    pub fn seq_at_time(&self, t: Timestamp) -> Result<Seq, StoreError> {
        let head = self.head()?;
        let (mut lo, mut hi) = (0u64, head.seq.0);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            let rec = self.record_any(Seq(mid))?.ok_or_else(|| StoreError::Inconsistent(format!("seq {mid} is missing below the head")))?;
            if rec.recorded_at <= t {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Ok(Seq(lo))
    }
}

/// Walks chunks in seq order, yielding each record once.
struct ChunkWalk<'l> {
    ledger: &'l Ledger,
    chunks: Option<Scan<'l>>,
    /// Whether each record comes with a copy of its envelope.
    envelopes: bool,
    next: Seq,
    to: Result<Seq, StoreError>,
    /// Decoded records of the current chunk not yet yielded, last first.
    pending: Vec<(Record, Vec<u8>)>,
}

impl ChunkWalk<'_> {
    /// The records of the next chunk with `next` ≤ seq ≤ `to`.
    fn load(&mut self, to: Seq) -> Result<Vec<(Record, Vec<u8>)>, StoreError> {
        let missing = |seq: Seq| StoreError::Inconsistent(format!("seq {seq} is missing below the head"));
        let (k, v) = self.chunks.as_mut().and_then(|c| c.next()).transpose()?.ok_or_else(|| missing(self.next))?;
        let first = keys::seq_of_chunk_key(&k).ok_or_else(|| StoreError::Inconsistent(format!("malformed chunk key {}", keys::describe(&k))))?;
        if first > self.next {
            return Err(missing(self.next));
        }
        let chunk = Chunk::new(first, v)?;
        let mut out = Vec::new();
        for (i, env) in chunk.envelopes().into_iter().enumerate() {
            let seq = Seq(first.0 + i as u64);
            if seq >= self.next && seq <= to {
                let copy = if self.envelopes { env.to_vec() } else { Vec::new() };
                out.push((self.ledger.decode_record(seq, env)?, copy));
            }
        }
        if out.is_empty() {
            return Err(missing(self.next));
        }
        Ok(out)
    }
}

impl Iterator for ChunkWalk<'_> {
    type Item = Result<(Record, Vec<u8>), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        let to = match &self.to {
            Ok(to) => *to,
            Err(_) => return Some(Err(std::mem::replace(&mut self.to, Ok(Seq(0))).err()?)),
        };
        if let Some(r) = self.pending.pop() {
            return Some(Ok(r));
        }
        if self.next > to {
            return None;
        }
        match self.load(to) {
            Err(e) => {
                self.to = Ok(Seq(0));
                Some(Err(e))
            }
            Ok(mut recs) => {
                self.next = Seq(recs.last().expect("non-empty").0.seq.0 + 1);
                recs.reverse();
                self.pending = recs;
                self.pending.pop().map(Ok)
            }
        }
    }
}
