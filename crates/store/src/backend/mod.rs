//! The key-value store under the ledger (issue 7: "the same layout on redb
//! behind the same store trait"). The ledger's layout, commit point and
//! recovery live above this trait; a backend only gets, applies batches,
//! scans a key range in order and flushes.
//!
//! Two backends: sled 0.34.7, the default and the store this project was
//! asked for, and redb, kept so that the benchmarks can measure the same
//! layout on both (BENCHMARKS.md, docs/DECISIONS.md). A directory holds one
//! or the other; [`StoreKind::of_dir`] tells which.

mod redb;
mod sled;

pub(crate) use self::redb::{RedbBackend, RedbOpenError};
pub(crate) use self::sled::SledBackend;

use std::ops::{Bound, Deref};
use std::path::Path;

/// Which store holds a ledger directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StoreKind {
    /// sled 0.34.7 (the default): files `conf`, `db`, `blobs/`, `snap.*`.
    #[default]
    Sled,
    /// redb (comparison store): one file, `ledger.redb`.
    Redb,
}

impl StoreKind {
    /// The store of an existing ledger in `dir`, or `None` when `dir`
    /// holds neither.
    pub fn of_dir(dir: &Path) -> Option<StoreKind> {
        if dir.join(self::redb::FILE).is_file() {
            Some(StoreKind::Redb)
        } else if dir.join("conf").is_file() || dir.join("db").is_file() {
            Some(StoreKind::Sled)
        } else {
            None
        }
    }

    /// Parses `sled` or `redb` (the CLI's `--store`).
    pub fn parse(s: &str) -> Option<StoreKind> {
        match s {
            "sled" => Some(StoreKind::Sled),
            "redb" => Some(StoreKind::Redb),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            StoreKind::Sled => "sled",
            StoreKind::Redb => "redb",
        }
    }
}

/// A failure of the store under the ledger, with its source kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    #[error("sled: {0}")]
    Sled(#[from] ::sled::Error),
    #[error("redb: {0}")]
    Redb(#[from] ::redb::Error),
    /// An I/O failure outside the store (test failpoints).
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl BackendError {
    /// The I/O error underneath, if any (full-device detection).
    pub fn io(&self) -> Option<&std::io::Error> {
        match self {
            BackendError::Sled(::sled::Error::Io(e)) | BackendError::Io(e) | BackendError::Redb(::redb::Error::Io(e)) => Some(e),
            _ => None,
        }
    }
}

/// A stored value (or key) as a backend hands it out: sled's shared buffer
/// without a copy, or owned bytes.
#[derive(Clone, Debug)]
pub(crate) enum Bytes {
    Sled(::sled::IVec),
    Owned(Box<[u8]>),
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Sled(v) => v,
            Bytes::Owned(v) => v,
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

/// Writes applied together: `Some(value)` inserts, `None` removes.
#[derive(Default)]
pub(crate) struct Batch {
    pub ops: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

impl Batch {
    pub fn insert(&mut self, k: &[u8], v: Vec<u8>) {
        self.ops.push((k.to_vec(), Some(v)));
    }

    pub fn remove(&mut self, k: &[u8]) {
        self.ops.push((k.to_vec(), None));
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// An in-order scan of a key range.
pub(crate) type Scan<'a> = Box<dyn Iterator<Item = Result<(Bytes, Bytes), BackendError>> + Send + 'a>;

/// The store under a [`crate::Ledger`]. Writes of one batch land together;
/// nothing is durable before [`Backend::flush`] returns.
pub(crate) trait Backend: Send + Sync {
    fn get(&self, key: &[u8]) -> Result<Option<Bytes>, BackendError>;

    /// A point read of an import's many cold reads, which must not pile up
    /// in the backend's cache (sled needs help, see `sled::get_bounded`).
    fn get_bounded(&self, key: &[u8]) -> Result<Option<Bytes>, BackendError> {
        self.get(key)
    }

    fn apply(&self, batch: Batch) -> Result<(), BackendError>;

    fn insert(&self, key: &[u8], value: Vec<u8>) -> Result<(), BackendError> {
        let mut b = Batch::default();
        b.insert(key, value);
        self.apply(b)
    }

    /// Keys from `from` (inclusive) to `to`, in key order, holding the cache
    /// to its limit however far the scan goes.
    fn scan(&self, from: &[u8], to: Bound<&[u8]>) -> Scan<'_>;

    /// Makes every applied batch durable (blocking).
    fn flush(&self) -> Result<(), BackendError>;

    fn kind(&self) -> StoreKind;
}
