//! The redb backend: the ledger's one table in one file, `ledger.redb`.
//! Kept to measure the same layout against sled (issue 7); not the default.
//!
//! Each batch is a write transaction committed with `Durability::None`;
//! [`Backend::flush`] commits an empty transaction with
//! `Durability::Immediate`, which makes them all durable at once, as sled's
//! `flush` does. Reads share one read transaction until the next write.

use super::{Backend, BackendError, Batch, Bytes, Scan, StoreKind};
use ::redb::{Database, DatabaseError, Durability, ReadOnlyTable, ReadableDatabase, TableDefinition, TableError};
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The file of a redb ledger in its directory.
pub(crate) const FILE: &str = "ledger.redb";
/// The ledger's table: the same keys and values as sled's tree.
const TABLE: TableDefinition<&[u8], &[u8]> = TableDefinition::new(crate::TREE);

type Table = ReadOnlyTable<&'static [u8], &'static [u8]>;

fn err(e: impl Into<::redb::Error>) -> BackendError {
    BackendError::Redb(e.into())
}

/// The ledger's table in a redb file.
pub(crate) struct RedbBackend {
    db: Database,
    /// The table as of the last write, shared by reads until the next one.
    reader: Mutex<Option<Arc<Table>>>,
}

/// Why a redb ledger did not open.
pub(crate) enum RedbOpenError {
    /// Another process (or a handle of this one) holds the file.
    Locked,
    Failed(BackendError),
}

impl RedbBackend {
    /// Opens or creates `dir/ledger.redb` with a cache of `cache_bytes`.
    pub(crate) fn open(dir: &Path, cache_bytes: usize) -> Result<RedbBackend, RedbOpenError> {
        std::fs::create_dir_all(dir).map_err(|e| RedbOpenError::Failed(BackendError::Io(e)))?;
        let db = match Database::builder().set_cache_size(cache_bytes).create(dir.join(FILE)) {
            Ok(db) => db,
            Err(DatabaseError::DatabaseAlreadyOpen) => return Err(RedbOpenError::Locked),
            Err(e) => return Err(RedbOpenError::Failed(err(e))),
        };
        let backend = RedbBackend { db, reader: Mutex::new(None) };
        match backend.table() {
            Ok(_) => {}
            Err(BackendError::Redb(::redb::Error::TableDoesNotExist(_))) => {
                // A new file: create the table, durably.
                let tx = backend.db.begin_write().map_err(|e| RedbOpenError::Failed(err(e)))?;
                tx.open_table(TABLE).map_err(|e| RedbOpenError::Failed(err(e)))?;
                tx.commit().map_err(|e| RedbOpenError::Failed(err(e)))?;
            }
            Err(e) => return Err(RedbOpenError::Failed(e)),
        }
        Ok(backend)
    }

    fn table(&self) -> Result<Arc<Table>, BackendError> {
        let mut reader = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = reader.as_ref() {
            return Ok(t.clone());
        }
        let table = match self.db.begin_read().map_err(err)?.open_table(TABLE) {
            Ok(t) => Arc::new(t),
            Err(TableError::TableDoesNotExist(name)) => return Err(BackendError::Redb(::redb::Error::TableDoesNotExist(name))),
            Err(e) => return Err(err(e)),
        };
        *reader = Some(table.clone());
        Ok(table)
    }

    fn forget_reader(&self) {
        *self.reader.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn commit(&self, batch: Batch, durability: Durability) -> Result<(), BackendError> {
        let mut tx = self.db.begin_write().map_err(err)?;
        tx.set_durability(durability).map_err(err)?;
        {
            let mut t = tx.open_table(TABLE).map_err(err)?;
            for (k, v) in &batch.ops {
                match v {
                    Some(v) => {
                        t.insert(k.as_slice(), v.as_slice()).map_err(err)?;
                    }
                    None => {
                        t.remove(k.as_slice()).map_err(err)?;
                    }
                }
            }
        }
        let done = tx.commit().map_err(err);
        self.forget_reader();
        done
    }
}

impl Backend for RedbBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Bytes>, BackendError> {
        let table = self.table()?;
        let value = table.get(key).map_err(err)?;
        Ok(value.map(|v| Bytes::Owned(v.value().into())))
    }

    fn apply(&self, batch: Batch) -> Result<(), BackendError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.commit(batch, Durability::None)
    }

    fn scan(&self, from: &[u8], to: Bound<&[u8]>) -> Scan<'_> {
        let range = self.table().and_then(|t| t.range::<&[u8]>((Bound::Included(from), to)).map_err(err));
        match range {
            Err(e) => Box::new(std::iter::once(Err(e))),
            Ok(range) => Box::new(range.map(|kv| {
                kv.map(|(k, v)| (Bytes::Owned(k.value().into()), Bytes::Owned(v.value().into()))).map_err(err)
            })),
        }
    }

    fn flush(&self) -> Result<(), BackendError> {
        self.commit(Batch::default(), Durability::Immediate)
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Redb
    }
}
