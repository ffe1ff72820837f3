//! The ledger on sled 0.34.7: append-only records with a gapless seq, a ref
//! index, a per-enterprise index and a SHA-256 hash chain. The only crate
//! that knows sled. Layout: docs/FORMAT.md.

mod disk;
mod failpoint;
mod keys;

use model::envelope::{self, EnvelopeError};
use model::record::GENESIS_HASH;
use model::{Fact, Record, Seq, Timestamp, Uscc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use keys::{enterprise_key, record_key, ref_key};

/// Magic of the stored head value.
const HEAD_MAGIC: [u8; 4] = *b"CLHD";
const HEAD_VERSION: u16 = 1;
/// Name of the one sled tree that holds the ledger.
const TREE: &str = "ledger/v1";

/// Why a ledger operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the ledger at {path}: {message}")]
    Open { path: String, message: String },
    #[error("ledger storage failed: {0}")]
    Sled(#[from] sled::Error),
    #[error("ledger value at {key} is damaged: {source}")]
    Corrupt { key: String, source: EnvelopeError },
    #[error("the ledger is inconsistent: {0}")]
    Inconsistent(String),
    #[error("cannot encode a record: {0}")]
    Encode(EnvelopeError),
    /// A write found no room (`reason`: "no space left on device", …);
    /// `outcome` says what that left.
    #[error("{reason} while {during}; {outcome}")]
    Full { reason: &'static str, during: String, outcome: &'static str },
}

/// What a full device during an append leaves: nothing new.
const APPEND_OUTCOME: &str = "nothing was acknowledged, and the ledger still holds every fact acknowledged before; \
free some space and import again (facts already stored are skipped as duplicates)";
/// What a full device during an open leaves: nothing changed.
const OPEN_OUTCOME: &str = "nothing was acknowledged or changed (opening writes sled's recovery snapshot); \
free some space and run the command again";

/// The ledger head: last seq (0 when empty), its chain hash and recorded time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: Seq,
    pub hash: [u8; 32],
    pub recorded_at: Option<Timestamp>,
}

impl Head {
    pub fn empty() -> Head {
        Head { seq: Seq(0), hash: GENESIS_HASH, recorded_at: None }
    }
}

/// An open ledger. Appends are serialized by an internal lock; sled itself
/// keeps a second process out of the directory.
pub struct Ledger {
    db: sled::Db,
    tree: sled::Tree,
    append_lock: Mutex<()>,
    /// The directory, for messages (empty for a scratch ledger).
    dir: PathBuf,
}

impl Ledger {
    /// Whether `dir` holds a ledger (sled's `conf` or `db` file): commands
    /// that only read refuse to create one.
    pub fn exists(dir: &Path) -> bool {
        dir.join("conf").is_file() || dir.join("db").is_file()
    }

    /// An empty ledger in a temporary directory of sled's (removed when
    /// dropped): an import into a ledger that does not exist yet is
    /// validated against it, so that a rejected import creates nothing.
    pub fn scratch() -> Result<Ledger, StoreError> {
        let open_err = |e: sled::Error| StoreError::Open { path: "(a temporary directory)".into(), message: e.to_string() };
        let db = sled::Config::new().temporary(true).open().map_err(open_err)?;
        let tree = db.open_tree(TREE).map_err(open_err)?;
        Ok(Ledger { db, tree, append_lock: Mutex::new(()), dir: PathBuf::new() })
    }

    /// Opens (or creates) the ledger in `dir`. Unfinished snapshot files a
    /// failed write left behind are removed first (see `disk`); a full
    /// device is [`StoreError::Full`].
    pub fn open(dir: &Path) -> Result<Ledger, StoreError> {
        let path = dir.display().to_string();
        let open_err = |e: sled::Error| {
            if let Some(reason) = disk::sled_full_reason(&e) {
                // Best effort: the next open removes it anyway.
                let _ = disk::remove_stale_snapshots(dir);
                StoreError::Full { reason, during: format!("opening the ledger at {path}"), outcome: OPEN_OUTCOME }
            } else {
                StoreError::Open { path: path.clone(), message: e.to_string() }
            }
        };
        // sled 0.34 releases its file lock from a background thread after the
        // last handle drops; a quick reopen in the same process may race it.
        let mut attempt = 0;
        let db = loop {
            disk::remove_stale_snapshots(dir).map_err(|e| StoreError::Open {
                path: path.clone(),
                message: format!("cannot remove an unfinished snapshot file: {e}"),
            })?;
            match sled::Config::new().path(dir).open() {
                Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") => {
                    if attempt == 250 {
                        return Err(StoreError::Open {
                            path: dir.display().to_string(),
                            message: "another process is using it (an import or a grading still running); try again when it has finished".into(),
                        });
                    }
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other.map_err(open_err)?,
            }
        };
        let tree = db.open_tree(TREE).map_err(open_err)?;
        Ok(Ledger { db, tree, append_lock: Mutex::new(()), dir: dir.to_path_buf() })
    }

    /// A sled failure while writing `n` facts: a full device, or storage.
    fn write_err(&self, n: usize, e: sled::Error) -> StoreError {
        if let Some(reason) = disk::sled_full_reason(&e) {
            let during = format!("appending {n} fact(s) to the ledger at {}", self.dir.display());
            StoreError::Full { reason, during, outcome: APPEND_OUTCOME }
        } else {
            StoreError::Sled(e)
        }
    }

    /// The current head.
    pub fn head(&self) -> Result<Head, StoreError> {
        match self.tree.get(keys::HEAD)? {
            None => Ok(Head::empty()),
            Some(v) => envelope::decode(HEAD_MAGIC, HEAD_VERSION, &v)
                .map(|(_, h)| h)
                .map_err(|source| StoreError::Corrupt { key: "head".into(), source }),
        }
    }

    /// Decodes a stored record of any format. A format-1 change, correction
    /// or partial revocation is typed by its target's kind, read through the
    /// ref index (targets are never themselves such corrections).
    fn decode_record(&self, key: &[u8], v: &[u8]) -> Result<Record, StoreError> {
        let corrupt = |source| StoreError::Corrupt { key: keys::describe(key), source };
        let decoded = Record::decode_any(v).map_err(corrupt)?;
        let target_kind = match decoded.needs_target() {
            None => None,
            Some(target) => match self.seq_of_ref(target)? {
                None => None,
                Some(seq) => {
                    let tk = record_key(seq);
                    match self.tree.get(tk)? {
                        None => None,
                        Some(tv) => Some(Record::decode(&tv).map_err(|source| StoreError::Corrupt { key: keys::describe(&tk), source })?.fact.kind()),
                    }
                }
            },
        };
        decoded.into_record(target_kind).map_err(corrupt)
    }

    /// The record at `seq`.
    pub fn record(&self, seq: Seq) -> Result<Option<Record>, StoreError> {
        let k = record_key(seq);
        self.tree.get(k)?.map(|v| self.decode_record(&k, &v)).transpose()
    }

    /// The seq of the fact whose ref is `reference`.
    pub fn seq_of_ref(&self, reference: &str) -> Result<Option<Seq>, StoreError> {
        match self.tree.get(ref_key(reference))? {
            None => Ok(None),
            Some(v) => keys::decode_seq(&v)
                .map(Some)
                .ok_or_else(|| StoreError::Inconsistent(format!("ref index entry of {reference:?} is not a seq"))),
        }
    }

    /// The record whose fact has ref `reference`.
    pub fn record_by_ref(&self, reference: &str) -> Result<Option<Record>, StoreError> {
        match self.seq_of_ref(reference)? {
            None => Ok(None),
            Some(seq) => match self.record(seq)? {
                None => Err(StoreError::Inconsistent(format!("ref {reference:?} points at missing seq {seq}"))),
                // The index must point at the fact it names.
                Some(r) if r.fact.reference != reference => {
                    Err(StoreError::Inconsistent(format!("ref index entry of {reference:?} points at seq {seq}, the fact {:?}", r.fact.reference)))
                }
                Some(r) => Ok(Some(r)),
            },
        }
    }

    /// One enterprise's records with seq ≤ `upto`, in seq order: one range
    /// scan of the enterprise index, then a point read per record.
    pub fn enterprise_records(&self, uscc: &Uscc, upto: Seq) -> Result<Vec<Record>, StoreError> {
        let (lo, hi) = (enterprise_key(uscc, Seq(1)), enterprise_key(uscc, upto));
        let mut out = Vec::new();
        if upto.0 == 0 {
            return Ok(out);
        }
        for kv in self.tree.range(lo..=hi) {
            let (k, _) = kv?;
            let seq = keys::seq_of_enterprise_key(&k)
                .ok_or_else(|| StoreError::Inconsistent("malformed enterprise index key".into()))?;
            let rec = self
                .record(seq)?
                .ok_or_else(|| StoreError::Inconsistent(format!("enterprise index points at missing seq {seq}")))?;
            out.push(rec);
        }
        Ok(out)
    }

    /// Whether the ledger holds any fact of this enterprise.
    pub fn has_enterprise(&self, uscc: &Uscc) -> Result<bool, StoreError> {
        Ok(self.tree.scan_prefix(keys::enterprise_prefix(uscc)).next().transpose()?.is_some())
    }

    /// Every record with seq ≤ `upto`, grouped by enterprise (one sequential
    /// scan; each record decoded once). For whole-division runs.
    pub fn all_by_enterprise(&self, upto: Seq) -> Result<BTreeMap<Uscc, Vec<Record>>, StoreError> {
        let mut out: BTreeMap<Uscc, Vec<Record>> = BTreeMap::new();
        for rec in self.scan(Seq(1), upto) {
            let rec = rec?;
            out.entry(rec.fact.enterprise).or_default().push(rec);
        }
        Ok(out)
    }

    /// Records with `from` ≤ seq ≤ `to`, in order.
    pub fn scan(&self, from: Seq, to: Seq) -> impl Iterator<Item = Result<Record, StoreError>> + '_ {
        let range = if to < from { None } else { Some(self.tree.range(record_key(from)..=record_key(to))) };
        range.into_iter().flatten().map(|kv| {
            let (k, v) = kv?;
            self.decode_record(&k, &v)
        })
    }

    /// The last seq recorded at or before `t` (0 when none): a binary search
    /// over seq, as recorded times never decrease along the ledger.
    pub fn seq_at_time(&self, t: Timestamp) -> Result<Seq, StoreError> {
        let head = self.head()?;
        let (mut lo, mut hi) = (0u64, head.seq.0);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            let rec = self
                .record(Seq(mid))?
                .ok_or_else(|| StoreError::Inconsistent(format!("seq {mid} is missing below the head")))?;
            if rec.recorded_at <= t {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Ok(Seq(lo))
    }

    /// Appends facts atomically, in order, then flushes: the returned seqs
    /// are acknowledged only once they are durable. The caller has validated
    /// the facts (refs unique, targets known, times ordered).
    pub fn append(&self, facts: Vec<(Timestamp, Fact)>) -> Result<Vec<Record>, StoreError> {
        let _guard = self.append_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut head = self.head()?;
        let mut batch = sled::Batch::default();
        let mut records = Vec::with_capacity(facts.len());
        for (recorded_at, fact) in facts {
            let seq = Seq(head.seq.0 + 1);
            let rec = Record::seal(seq, recorded_at, fact, head.hash).map_err(StoreError::Encode)?;
            batch.insert(&record_key(seq), rec.encode().map_err(StoreError::Encode)?);
            batch.insert(ref_key(&rec.fact.reference), &keys::encode_seq(seq));
            batch.insert(&enterprise_key(&rec.fact.enterprise, seq), &[]);
            head = Head { seq, hash: rec.hash, recorded_at: Some(recorded_at) };
            records.push(rec);
        }
        if records.is_empty() {
            return Ok(records);
        }
        batch.insert(keys::HEAD, envelope::encode(HEAD_MAGIC, HEAD_VERSION, &head).map_err(StoreError::Encode)?);
        let n = records.len();
        failpoint::write("apply_batch").map_err(|e| self.write_err(n, e.into()))?;
        self.tree.apply_batch(batch).map_err(|e| self.write_err(n, e))?;
        failpoint::write("flush").map_err(|e| self.write_err(n, e.into()))?;
        self.db.flush().map_err(|e| self.write_err(n, e))?;
        Ok(records)
    }

    /// Checks every record: decodes, seqs gapless, chain hashes, and that the
    /// head and both indexes agree. Returns the number of records checked.
    pub fn verify(&self) -> Result<u64, StoreError> {
        let head = self.head()?;
        let mut prev = GENESIS_HASH;
        let mut n = 0u64;
        let mut last_time = None;
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
            if self.seq_of_ref(&rec.fact.reference)? != Some(rec.seq) {
                return Err(StoreError::Inconsistent(format!("ref index disagrees at seq {n}")));
            }
            if self.tree.get(enterprise_key(&rec.fact.enterprise, rec.seq))?.is_none() {
                return Err(StoreError::Inconsistent(format!("enterprise index misses seq {n}")));
            }
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
        Ok(n)
    }
}
