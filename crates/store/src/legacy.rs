//! Layout 1 (credit-ledger 0.1 and 0.2), read only: `migrate` exports a
//! ledger of that layout so that it can be restored into today's. Nothing
//! here writes.
//!
//! Layout 1 kept everything in the tree `ledger/v1`: `R`‖seq → record,
//! `X`‖ref → seq, `E`‖USCC‖seq → empty, `Mhead` → head.

use crate::{Head, StoreError, HEAD_MAGIC, HEAD_VERSION};
use model::envelope;
use model::{Record, Seq};
use std::path::Path;

/// The tree of layout 1.
pub const TREE: &str = "ledger/v1";
const HEAD: &[u8] = b"Mhead";

fn record_key(seq: Seq) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = b'R';
    k[1..].copy_from_slice(&seq.0.to_be_bytes());
    k
}

fn ref_key(reference: &str) -> Vec<u8> {
    let mut k = vec![b'X'];
    k.extend_from_slice(reference.as_bytes());
    k
}

/// A layout-1 ledger opened for reading.
pub struct LegacyLedger {
    _db: sled::Db,
    tree: sled::Tree,
}

impl LegacyLedger {
    /// Opens a layout-1 ledger; `None` when `dir` holds no layout-1 tree.
    pub fn open(dir: &Path) -> Result<Option<LegacyLedger>, StoreError> {
        let db = crate::open_db(dir)?;
        if !db.tree_names().iter().any(|t| t.as_ref() == TREE.as_bytes()) {
            return Ok(None);
        }
        let tree = db.open_tree(TREE)?;
        Ok(Some(LegacyLedger { _db: db, tree }))
    }

    /// The head.
    pub fn head(&self) -> Result<Head, StoreError> {
        match self.tree.get(HEAD)? {
            None => Ok(Head::empty()),
            Some(v) => envelope::decode(HEAD_MAGIC, HEAD_VERSION, &v)
                .map(|(_, h)| h)
                .map_err(|source| StoreError::Corrupt { key: "head".into(), source }),
        }
    }

    fn seq_of_ref(&self, reference: &str) -> Result<Option<Seq>, StoreError> {
        match self.tree.get(ref_key(reference))? {
            None => Ok(None),
            Some(v) => <[u8; 8]>::try_from(v.as_ref())
                .map(|b| Some(Seq(u64::from_be_bytes(b))))
                .map_err(|_| StoreError::Inconsistent(format!("ref index entry of {reference:?} is not a seq"))),
        }
    }

    /// Decodes a stored record of any format; a format-1 correction is
    /// typed by its target's kind, read through the ref index.
    fn decode_record(&self, seq: Seq, v: &[u8]) -> Result<Record, StoreError> {
        let corrupt = |source| StoreError::Corrupt { key: format!("record seq {seq}"), source };
        let decoded = Record::decode_any(v).map_err(corrupt)?;
        let target_kind = match decoded.needs_target() {
            None => None,
            Some(target) => match self.seq_of_ref(target)? {
                None => None,
                Some(t) => match self.tree.get(record_key(t))? {
                    None => None,
                    Some(tv) => Some(Record::decode(&tv).map_err(|source| StoreError::Corrupt { key: format!("record seq {t}"), source })?.fact.kind()),
                },
            },
        };
        decoded.into_record(target_kind).map_err(corrupt)
    }

    /// Records with `from` ≤ seq ≤ `to`, in order, each with its stored envelope.
    pub fn scan_stored(&self, from: Seq, to: Seq) -> impl Iterator<Item = Result<(Record, Vec<u8>), StoreError>> + '_ {
        let range = if to < from { None } else { Some(self.tree.range(record_key(from)..=record_key(to))) };
        range.into_iter().flatten().map(move |kv| {
            let (k, v) = kv?;
            let seq = Seq(u64::from_be_bytes(k[1..].try_into().map_err(|_| StoreError::Inconsistent("malformed record key".into()))?));
            Ok((self.decode_record(seq, &v)?, v.to_vec()))
        })
    }
}
