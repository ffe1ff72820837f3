//! Every enterprise's records, in USCC order, for whole-ledger questions
//! (`grade-all`, `issue`), in time linear in the ledger and memory bounded
//! by a partition.
//!
//! Records are stored in seq order, so one enterprise's records lie in many
//! chunks; reading them enterprise by enterprise is a random read per record,
//! which once the ledger outgrows sled's cache costs a page read each. So:
//! the enterprise index (small) splits the USCCs into contiguous ranges of
//! at most [`PARTITION_RECORDS`] records; one sequential walk over the chunks
//! copies each record's stored bytes to its range's spill file; then each
//! range is read back whole, grouped by the enterprise lists of its USCCs
//! (read again, a short sweep) and handed out in USCC order, still encoded
//! ([`StoredEnterprise`]): the caller decodes each record once, on the
//! grading threads. A ledger that fits one range keeps it in memory.
//!
//! Memory: the store's cache (`CACHE_BYTES`, kept by `Backend::scan`), 2 bytes
//! per record up to the bound (a seq's range: 20 MB at 10^7 records), a
//! 16 KiB write buffer per range (one range per [`PARTITION_RECORDS`]
//! records: 8 MB at 10^7), and the ranges being handed out, each its stored
//! bytes (~6 MB for 20,000 records) plus the records decoded from it.
//!
//!
//! Every whole-tree scan goes through `Backend::scan`, which keeps the
//! store's page cache within its limit while it crosses the tree.

use crate::codec::{decode_chunk, decode_seq_list};
use crate::keys::{self, enterprise_key};
use crate::{Ledger, StoreError};
use model::{Record, Seq, Uscc};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::ops::Range;
use std::sync::Arc;

/// Records per partition: what memory holds at once, per range handed out.
pub const PARTITION_RECORDS: u64 = 20_000;

fn io_err(what: &'static str, source: std::io::Error) -> StoreError {
    StoreError::Spill { what, source }
}

/// Bytes of a spill file's write buffer.
const SPILL_BUFFER: usize = 16 * 1024;

/// One enterprise's committed records up to the walk's bound, as stored
/// (each envelope verbatim, in seq order); [`Ledger::decode_enterprise`]
/// decodes them.
#[derive(Debug)]
pub struct StoredEnterprise {
    pub uscc: Uscc,
    /// The bytes of the range it was read with, shared by its enterprises.
    bytes: Arc<Vec<u8>>,
    /// Each record's seq and where its envelope lies in `bytes`.
    records: Vec<(Seq, Range<usize>)>,
}

impl StoredEnterprise {
    /// The number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether it holds no record (never, as the walk hands it out).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl Ledger {
    /// Decodes an enterprise's stored records (each once), checking each is
    /// a fact of that enterprise.
    pub fn decode_enterprise(&self, e: &StoredEnterprise) -> Result<Vec<Record>, StoreError> {
        let mut out = Vec::with_capacity(e.records.len());
        for (seq, at) in &e.records {
            let rec = self.decode_record(*seq, &e.bytes[at.clone()])?;
            if rec.fact.enterprise != e.uscc {
                return Err(StoreError::Inconsistent(format!("the enterprise index of {} lists seq {seq}, a fact of {}", e.uscc, rec.fact.enterprise)));
            }
            out.push(rec);
        }
        Ok(out)
    }
}

/// A range's records on their way out: a spill file, or (a single range)
/// the bytes in memory. Both hold seq u64 BE ‖ length u32 BE ‖ envelope per record.
enum Spill {
    File(BufWriter<File>),
    Memory(Vec<u8>),
}

/// The walk's state: ranges planned, spill files written, the range being handed out.
pub(crate) struct EnterpriseWalk<'l> {
    ledger: &'l Ledger,
    upto: Seq,
    /// The ranges not yet handed out, in USCC order: their first and last USCC, and records.
    ranges: std::vec::IntoIter<((Uscc, Uscc), Spill)>,
    _dir: Option<tempfile::TempDir>,
    current: std::vec::IntoIter<StoredEnterprise>,
    failed: bool,
}

impl<'l> EnterpriseWalk<'l> {
    pub(crate) fn new(ledger: &'l Ledger, upto: Seq, partition_records: u64) -> Result<EnterpriseWalk<'l>, StoreError> {
        let upto = upto.min(ledger.head()?.seq);
        // Each range's first and last USCC; a seq's range (2 bytes per record).
        let mut range_of_seq = vec![u16::MAX; upto.0 as usize + 1];
        let mut bounds: Vec<(Uscc, Uscc)> = Vec::new();
        let mut in_range = 0u64;
        for kv in ledger.scan_prefix(keys::ENTERPRISE) {
            let (k, v) = kv?;
            let uscc = uscc_of_key(&k)?;
            let seqs = decode_seq_list(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source })?;
            let n = seqs.iter().take_while(|s| **s <= upto).count() as u64;
            if n == 0 {
                continue;
            }
            match bounds.last_mut() {
                Some((_, last)) if in_range + n <= partition_records => *last = uscc,
                _ => {
                    bounds.push((uscc, uscc));
                    in_range = 0;
                }
            }
            in_range += n;
            let r = u16::try_from(bounds.len() - 1).map_err(|_| StoreError::Inconsistent("too many partitions for the enterprise walk".into()))?;
            for s in seqs.into_iter().take_while(|s| *s <= upto) {
                range_of_seq[s.0 as usize] = r;
            }
        }
        let mut walk = EnterpriseWalk { ledger, upto, ranges: Vec::new().into_iter(), _dir: None, current: Vec::new().into_iter(), failed: false };
        let mut spills = Vec::with_capacity(bounds.len());
        if bounds.len() == 1 {
            spills.push(Spill::Memory(Vec::new()));
        } else if bounds.len() > 1 {
            let dir = tempfile::Builder::new().prefix("credit-ledger-walk").tempdir().map_err(|e| io_err("create", e))?;
            for i in 0..bounds.len() {
                let f = File::options().read(true).write(true).create_new(true).open(dir.path().join(format!("range-{i}"))).map_err(|e| io_err("create", e))?;
                spills.push(Spill::File(BufWriter::with_capacity(SPILL_BUFFER, f)));
            }
            walk._dir = Some(dir);
        }
        // Ledger-wide records (adoptions, plans) are in no enterprise's file.
        let ledger_wide: std::collections::HashSet<Seq> = ledger.ledger_wide_seqs()?.into_iter().collect();
        walk.each_stored(|seq, env| {
            let r = range_of_seq[seq.0 as usize];
            if r == u16::MAX && ledger_wide.contains(&seq) {
                return Ok(());
            }
            let head = record_head(seq, env.len())?;
            match spills.get_mut(r as usize).ok_or_else(|| StoreError::Inconsistent(format!("seq {seq} is in no enterprise's index")))? {
                Spill::Memory(v) => {
                    v.extend_from_slice(&head);
                    v.extend_from_slice(env);
                    Ok(())
                }
                Spill::File(w) => w.write_all(&head).and_then(|_| w.write_all(env)).map_err(|e| io_err("write", e)),
            }
        })?;
        walk.ranges = bounds.into_iter().zip(spills).collect::<Vec<_>>().into_iter();
        Ok(walk)
    }

    /// Calls `f` with every stored record of seq ≤ `upto`, in seq order,
    /// walking the chunks sequentially.
    fn each_stored(&self, mut f: impl FnMut(Seq, &[u8]) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let mut expected = Seq(1);
        if self.upto.0 > 0 {
            for kv in self.ledger.scan_chunks(Seq(1), self.upto) {
                let (k, v) = kv?;
                let first = keys::seq_of_chunk_key(&k).ok_or_else(|| StoreError::Inconsistent("malformed chunk key".into()))?;
                let envs = decode_chunk(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source })?;
                for (i, env) in envs.into_iter().enumerate() {
                    let seq = Seq(first.0 + i as u64);
                    if seq > self.upto {
                        break;
                    }
                    if seq != expected {
                        return Err(StoreError::Inconsistent(format!("seq {expected} is missing below the head")));
                    }
                    f(seq, env)?;
                    expected = Seq(seq.0 + 1);
                }
            }
        }
        if expected.0 != self.upto.0 + 1 {
            return Err(StoreError::Inconsistent(format!("seq {expected} is missing below the head")));
        }
        Ok(())
    }

    /// A range's records, grouped by its enterprises' lists (read again).
    fn load(&self, (first, last): (Uscc, Uscc), spill: Spill) -> Result<Vec<StoredEnterprise>, StoreError> {
        let bytes = match spill {
            Spill::Memory(v) => v,
            Spill::File(w) => {
                let mut f = w.into_inner().map_err(|e| io_err("write", e.into_error()))?;
                std::io::Seek::rewind(&mut f).map_err(|e| io_err("read", e))?;
                let len = f.metadata().map_err(|e| io_err("read", e))?.len();
                let mut v = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
                f.read_to_end(&mut v).map_err(|e| io_err("read", e))?;
                v
            }
        };
        // The records, in seq order, as written.
        let mut at_seq: Vec<(Seq, Range<usize>)> = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let head = bytes.get(at..at + 12).ok_or_else(|| StoreError::Inconsistent("a spill file of the enterprise walk is truncated".into()))?;
            let seq = Seq(u64::from_be_bytes(head[..8].try_into().expect("8")));
            let len = u32::from_be_bytes(head[8..].try_into().expect("4")) as usize;
            let env = at + 12..at + 12 + len;
            if env.end > bytes.len() {
                return Err(StoreError::Inconsistent("a spill file of the enterprise walk is truncated".into()));
            }
            at = env.end;
            at_seq.push((seq, env));
        }
        let mut out = Vec::new();
        let mut placed = 0usize;
        let bytes = Arc::new(bytes);
        for kv in self.ledger.backend.scan(&enterprise_key(&first), std::ops::Bound::Included(&enterprise_key(&last))) {
            let (k, v) = kv?;
            let uscc = uscc_of_key(&k)?;
            let seqs = decode_seq_list(&v).map_err(|source| StoreError::Corrupt { key: keys::describe(&k), source })?;
            let mut records = Vec::with_capacity(seqs.len());
            for s in seqs.into_iter().take_while(|s| *s <= self.upto) {
                let i = at_seq.binary_search_by_key(&s, |(seq, _)| *seq).map_err(|_| StoreError::Inconsistent(format!("the enterprise index of {uscc} lists seq {s}, which the walk did not read with it")))?;
                records.push((s, at_seq[i].1.clone()));
            }
            if !records.is_empty() {
                placed += records.len();
                out.push(StoredEnterprise { uscc, bytes: Arc::clone(&bytes), records });
            }
        }
        if placed != at_seq.len() {
            return Err(StoreError::Inconsistent(format!("the enterprise lists from {first} to {last} do not list exactly the records read for them")));
        }
        Ok(out)
    }
}

/// A spill record's head: seq u64 BE ‖ envelope length u32 BE.
fn record_head(seq: Seq, len: usize) -> Result<[u8; 12], StoreError> {
    let len = u32::try_from(len).map_err(|_| StoreError::Inconsistent(format!("the record stored as seq {seq} is over 4 GiB")))?;
    let mut h = [0u8; 12];
    h[..8].copy_from_slice(&seq.0.to_be_bytes());
    h[8..].copy_from_slice(&len.to_be_bytes());
    Ok(h)
}

/// The USCC of an enterprise list's key.
fn uscc_of_key(k: &[u8]) -> Result<Uscc, StoreError> {
    std::str::from_utf8(&k[1..])
        .ok()
        .and_then(|s| Uscc::parse(s).ok())
        .ok_or_else(|| StoreError::Inconsistent(format!("malformed enterprise index key {}", keys::describe(k))))
}

impl Iterator for EnterpriseWalk<'_> {
    type Item = Result<StoredEnterprise, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.failed {
                return None;
            }
            if let Some(item) = self.current.next() {
                return Some(Ok(item));
            }
            let (bounds, spill) = self.ranges.next()?;
            match self.load(bounds, spill) {
                Ok(list) => self.current = list.into_iter(),
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

