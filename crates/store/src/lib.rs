//! The ledger on sled 0.34.7, layout 2 (docs/FORMAT.md): records in
//! seq-ordered chunks, a per-enterprise seq list, hash-bucketed ref and
//! probable-duplicate indexes, and a head written last as the commit point.
//! The only crate that knows sled (and redb, the comparison store behind
//! the same [`backend`] trait).
//!
//! Why this shape: sled keeps one page per ~16 keys and zeroes every free
//! log segment on open, and a random-key insert costs it ~10 µs and, inside
//! one batch, memory until the batch ends. So every per-fact key is
//! sequential (chunks), and the random-key values (enterprise lists, index
//! buckets) are bounded in number and rewritten once per commit.

mod append;
mod backend;
mod batches;
mod codec;
mod disk;
mod failpoint;
pub mod index;
mod keys;
pub mod legacy;
mod read;
mod recover;
pub mod serving;
mod stream;
pub mod tamper;
mod verify;

use model::envelope::{self, EnvelopeError};
use model::record::GENESIS_HASH;
use model::{Record, Seq, Timestamp};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use append::Appender;
pub use backend::{BackendError, StoreKind};
use backend::{Backend, RedbBackend, SledBackend};
pub use keys::{chunk_key, enterprise_key};
pub use stream::StoredEnterprise;

/// Magic of the stored head value.
const HEAD_MAGIC: [u8; 4] = *b"CLHD";
const HEAD_VERSION: u16 = 1;
/// The one sled tree of layout 2.
const TREE: &str = "ledger/v2";
/// sled's page cache, in bytes: reads beyond it go to the file.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a ledger operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("cannot open the ledger at {path}: {message}")]
    Open { path: String, message: String },
    /// The directory holds a ledger of an earlier layout: it is never
    /// reinterpreted, only converted by `migrate`.
    #[error(
        "the ledger at {path} was written by credit-ledger 0.2 or earlier (storage layout 1); \
         convert it once with `credit-ledger migrate --from {path} --to NEW_DIR`, which checks every record and leaves the old directory as it is"
    )]
    OldLayout { path: String },
    #[error("ledger storage failed: {0}")]
    Storage(#[from] BackendError),
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
    /// A whole-ledger walk could not use its temporary spill files.
    #[error("cannot {what} a temporary file of the whole-ledger walk (in TMPDIR): {source}")]
    Spill { what: &'static str, source: std::io::Error },
    /// A restored record does not continue the ledger.
    #[error("record seq {seq} does not continue the ledger: {why}")]
    Discontinuous { seq: Seq, why: String },
    /// A large import could not use its temporary index run files.
    #[error("cannot {what} a temporary index file of the import (in TMPDIR): {source}")]
    RunFile { what: &'static str, source: std::io::Error },
}

/// What a full device during an append leaves: nothing new.
const APPEND_OUTCOME: &str = "nothing was acknowledged, and the ledger still holds every fact acknowledged before; \
free some space and import again (facts already stored are skipped as duplicates)";
/// What a full device during an open leaves: nothing changed.
const OPEN_OUTCOME: &str = "nothing was acknowledged or changed (opening writes sled's recovery snapshot); \
free some space and run the command again";

/// The ledger head: last committed seq (0 when empty), its chain hash and
/// recorded time. Records past it are not part of the ledger.
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

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Storage(BackendError::Sled(e))
    }
}

/// An open ledger. Appends are serialized by an internal lock; the store
/// (sled or redb) keeps a second process out of the directory.
pub struct Ledger {
    backend: Box<dyn Backend>,
    append_lock: Mutex<()>,
    /// The directory, for messages (empty for a scratch ledger).
    dir: PathBuf,
}

impl Ledger {
    /// Whether `dir` holds a ledger (sled's `conf` or `db` file, or redb's
    /// `ledger.redb`): commands that only read refuse to create one.
    pub fn exists(dir: &Path) -> bool {
        StoreKind::of_dir(dir).is_some()
    }

    /// The store that holds this ledger.
    pub fn store_kind(&self) -> StoreKind {
        self.backend.kind()
    }

    /// The directory the ledger was opened from (empty for a scratch ledger), for messages.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An empty ledger in a temporary directory of sled's (removed when
    /// dropped), for checking input against nothing.
    pub fn scratch() -> Result<Ledger, StoreError> {
        let open_err = |e: sled::Error| StoreError::Open { path: "(a temporary directory)".into(), message: e.to_string() };
        let db = sled::Config::new().temporary(true).cache_capacity(CACHE_BYTES).open().map_err(open_err)?;
        let tree = db.open_tree(TREE).map_err(open_err)?;
        Ok(Ledger { backend: Box::new(SledBackend::new(db, tree)), append_lock: Mutex::new(()), dir: PathBuf::new() })
    }

    /// Opens (or creates) the ledger in `dir`, then discards what an
    /// interrupted import left past the head (see `recover`). Unfinished
    /// snapshot files a failed write left behind are removed first (see
    /// `disk`); a full device is [`StoreError::Full`]; a layout-1 directory
    /// is [`StoreError::OldLayout`].
    /// A redb ledger (`ledger.redb`) opens on redb; anything else on sled.
    pub fn open(dir: &Path) -> Result<Ledger, StoreError> {
        Ledger::open_or_create(dir, StoreKind::Sled)
    }

    /// Opens the ledger in `dir` on whichever store holds it, or creates
    /// one on `kind` when `dir` holds none.
    pub fn open_or_create(dir: &Path, kind: StoreKind) -> Result<Ledger, StoreError> {
        let backend = Ledger::open_backend(dir, StoreKind::of_dir(dir).unwrap_or(kind))?;
        let ledger = Ledger { backend, append_lock: Mutex::new(()), dir: dir.to_path_buf() };
        ledger.discard_uncommitted()?;
        Ok(ledger)
    }

    /// The store in `dir`, opened (or created) as `kind`, without recovery.
    pub(crate) fn open_backend(dir: &Path, kind: StoreKind) -> Result<Box<dyn Backend>, StoreError> {
        match kind {
            StoreKind::Sled => Ok(Box::new(Ledger::open_sled(dir)?)),
            StoreKind::Redb => Ok(Box::new(open_redb(dir)?)),
        }
    }

    fn open_sled(dir: &Path) -> Result<SledBackend, StoreError> {
        let path = dir.display().to_string();
        let db = open_db(dir)?;
        let open_err = |e: sled::Error| open_error(dir, e);
        let names = db.tree_names();
        let has = |n: &str| names.iter().any(|t| t.as_ref() == n.as_bytes());
        if has(legacy::TREE) && !has(TREE) {
            return Err(StoreError::OldLayout { path });
        }
        let tree = db.open_tree(TREE).map_err(open_err)?;
        Ok(SledBackend::new(db, tree))
    }

    /// A store failure while writing `n` facts: a full device, or storage.
    fn write_err(&self, n: usize, e: impl Into<BackendError>) -> StoreError {
        let e = e.into();
        if let Some(reason) = e.io().and_then(disk::full_reason) {
            let during = format!("appending {n} fact(s) to the ledger at {}", self.dir.display());
            StoreError::Full { reason, during, outcome: APPEND_OUTCOME }
        } else {
            StoreError::Storage(e)
        }
    }

    /// The current head.
    pub fn head(&self) -> Result<Head, StoreError> {
        match self.backend.get(keys::HEAD)? {
            None => Ok(Head::empty()),
            Some(v) => envelope::decode(HEAD_MAGIC, HEAD_VERSION, &v)
                .map(|(_, h)| h)
                .map_err(|source| StoreError::Corrupt { key: "head".into(), source }),
        }
    }

    fn encode_head(head: &Head) -> Result<Vec<u8>, StoreError> {
        envelope::encode(HEAD_MAGIC, HEAD_VERSION, head).map_err(StoreError::Encode)
    }
}

/// Opens sled in `dir`, waiting briefly for a lock a dropped handle of this
/// process still holds.
pub(crate) fn open_db(dir: &Path) -> Result<sled::Db, StoreError> {
    let path = dir.display().to_string();
    // sled 0.34 releases its file lock from a background thread after the
    // last handle drops; a quick reopen in the same process may race it.
    let mut attempt = 0;
    loop {
        disk::remove_stale_snapshots(dir)
            .map_err(|e| StoreError::Open { path: path.clone(), message: format!("cannot remove an unfinished snapshot file: {e}") })?;
        match sled::Config::new().path(dir).cache_capacity(CACHE_BYTES).open() {
            Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") => {
                if attempt == 250 {
                    return Err(StoreError::Open {
                        path,
                        message: "another process is using it (an import or a grading still running); try again when it has finished".into(),
                    });
                }
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other.map_err(|e| open_error(dir, e)),
        }
    }
}

/// Opens (or creates) a redb ledger in `dir`, waiting briefly for a lock a
/// dropped handle still holds, as [`open_db`] does for sled.
fn open_redb(dir: &Path) -> Result<RedbBackend, StoreError> {
    for _ in 0..250 {
        match RedbBackend::open(dir, CACHE_BYTES as usize) {
            Ok(b) => return Ok(b),
            Err(backend::RedbOpenError::Locked) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(backend::RedbOpenError::Failed(e)) => return Err(open_error(dir, e)),
        }
    }
    Err(StoreError::Open {
        path: dir.display().to_string(),
        message: "another process is using it (an import or a grading still running); try again when it has finished".into(),
    })
}

fn open_error(dir: &Path, e: impl Into<BackendError>) -> StoreError {
    let e = e.into();
    let path = dir.display().to_string();
    if let Some(reason) = e.io().and_then(disk::full_reason) {
        // Best effort: the next open removes it anyway.
        let _ = disk::remove_stale_snapshots(dir);
        StoreError::Full { reason, during: format!("opening the ledger at {path}"), outcome: OPEN_OUTCOME }
    } else {
        StoreError::Open {
            path,
            message: format!("{e}; if the directory was damaged, restore it from an export (`credit-ledger restore`, see the README's \"Durability and recovery\")"),
        }
    }
}

// Archive support (issue 7, item 5: export and restore; used by the `archive` crate).
impl Ledger {
    /// Committed records with `from` ≤ seq ≤ `to`, in seq order, each with
    /// its envelope exactly as stored (record format 1 or 2, docs/FORMAT.md):
    /// a format-1 record's chain hash is over its format-1 bytes, so only
    /// those bytes restore it.
    pub fn stored_records(&self, from: Seq, to: Seq) -> impl Iterator<Item = Result<(Record, Vec<u8>), StoreError>> + '_ {
        self.scan_stored(from, to)
    }

    /// Appends records restored from an archive, verbatim, as one commit:
    /// each must continue the chain ([`Appender::push_stored`]); on
    /// [`StoreError::Discontinuous`] nothing of the batch is kept.
    pub fn restore(&self, batch: Vec<(Record, Vec<u8>)>) -> Result<(), StoreError> {
        let mut a = self.appender(true)?;
        for (rec, envelope) in batch {
            if let Err(e) = a.push_stored(rec, envelope) {
                a.abort()?;
                return Err(e);
            }
        }
        a.commit()?;
        Ok(())
    }
}

/// Stored (key, value) pairs, in key order.
pub type Dump = Vec<(Vec<u8>, Vec<u8>)>;

impl Ledger {
    /// Every stored key and value, in key order, whatever the store (tests
    /// compare the layouts of two stores, or of two ways of writing).
    #[doc(hidden)]
    pub fn dump(&self) -> Result<Dump, StoreError> {
        self.backend.scan(&[], std::ops::Bound::Unbounded).map(|kv| Ok(kv.map(|(k, v)| (k.to_vec(), v.to_vec()))?)).collect()
    }
}
