//! Index writes in bounded batches: sled holds a batch's garbage until the
//! batch ends, so a batch of 10^5 values costs gigabytes.

use crate::backend::Batch;
use crate::{Ledger, StoreError};

/// Values written per sled batch.
const VALUES_PER_BATCH: usize = 512;

/// A sled batch applied every [`VALUES_PER_BATCH`] values, and by [`Batches::apply`].
pub(crate) struct Batches<'l> {
    ledger: &'l Ledger,
    /// `Some(n)` for an append of n pending records (its errors name them,
    /// and the `indexes` failpoint fires); `None` for recovery.
    appending: Option<usize>,
    batch: Batch,
    values: usize,
}

impl<'l> Batches<'l> {
    /// Batches of an append holding `n` pending records.
    pub(crate) fn appending(ledger: &'l Ledger, n: usize) -> Batches<'l> {
        Batches { ledger, appending: Some(n), batch: Batch::default(), values: 0 }
    }

    /// Batches of recovery, which is idempotent: the chunks go last.
    pub(crate) fn recovering(ledger: &'l Ledger) -> Batches<'l> {
        Batches { ledger, appending: None, batch: Batch::default(), values: 0 }
    }

    pub(crate) fn insert(&mut self, k: &[u8], v: Vec<u8>) -> Result<(), StoreError> {
        self.batch.insert(k, v);
        self.count()
    }

    pub(crate) fn remove(&mut self, k: &[u8]) -> Result<(), StoreError> {
        self.batch.remove(k);
        self.count()
    }

    fn count(&mut self) -> Result<(), StoreError> {
        self.values += 1;
        if self.values >= VALUES_PER_BATCH {
            self.apply()?;
        }
        Ok(())
    }

    /// Applies what is batched.
    pub(crate) fn apply(&mut self) -> Result<(), StoreError> {
        if self.values == 0 {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        self.values = 0;
        match self.appending {
            Some(n) => {
                crate::failpoint::write("indexes").map_err(|e| self.ledger.write_err(n, e))?;
                self.ledger.backend.apply(batch).map_err(|e| self.ledger.write_err(n, e))
            }
            None => Ok(self.ledger.backend.apply(batch)?),
        }
    }
}
