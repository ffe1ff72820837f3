//! Test support: alters stored bytes below the ledger's API, the way damage
//! or a forger would, so that tests can check that `verify` and `review`
//! notice. Each function opens the directory itself (the ledger must not be
//! open) and flushes before returning.

use crate::codec::{decode_seq_list, encode_chunk, encode_seq_list};
use crate::keys::{self, chunk_key, enterprise_key};
use crate::{Ledger, StoreError, StoreKind};
use model::{Seq, Uscc};
use std::path::Path;

/// The ledger in `dir` on its own store, without recovery.
fn raw(dir: &Path) -> Result<Ledger, StoreError> {
    let kind = StoreKind::of_dir(dir).unwrap_or_default();
    Ok(Ledger { backend: Ledger::open_backend(dir, kind)?, append_lock: Default::default(), dir: dir.to_path_buf() })
}

/// The stored envelope of the record at `seq`.
pub fn record_envelope(dir: &Path, seq: Seq) -> Result<Vec<u8>, StoreError> {
    let ledger = raw(dir)?;
    ledger.envelope_of(seq)?.ok_or_else(|| StoreError::Inconsistent(format!("no record at seq {seq}")))
}

/// Replaces the stored envelope of the record at `seq` with `bytes`.
pub fn replace_record_envelope(dir: &Path, seq: Seq, bytes: &[u8]) -> Result<(), StoreError> {
    let ledger = raw(dir)?;
    let chunk = ledger.chunk_at(seq)?.ok_or_else(|| StoreError::Inconsistent(format!("no record at seq {seq}")))?;
    let mut envs: Vec<Vec<u8>> = chunk.envelopes().into_iter().map(|e| e.to_vec()).collect();
    let i = (seq.0 - chunk.first.0) as usize;
    *envs.get_mut(i).ok_or_else(|| StoreError::Inconsistent(format!("no record at seq {seq}")))? = bytes.to_vec();
    ledger.backend.insert(&chunk_key(chunk.first), encode_chunk(envs.iter().map(|e| e.as_slice())))?;
    ledger.backend.flush()?;
    Ok(())
}

/// Removes `seq` from the index of ledger-wide records (`A`).
pub fn remove_ledger_wide_entry(dir: &Path, seq: Seq) -> Result<(), StoreError> {
    let ledger = raw(dir)?;
    let mut seqs = ledger.ledger_wide_seqs()?;
    seqs.retain(|s| *s != seq);
    ledger.backend.insert(keys::LEDGER_WIDE, encode_seq_list(&seqs))?;
    ledger.backend.flush()?;
    Ok(())
}

/// Removes `seq` from the enterprise index of `uscc`.
pub fn remove_enterprise_entry(dir: &Path, uscc: &Uscc, seq: Seq) -> Result<(), StoreError> {
    let ledger = raw(dir)?;
    let k = enterprise_key(uscc);
    let v = ledger.backend.get(&k)?.ok_or_else(|| StoreError::Inconsistent(format!("no enterprise index of {uscc}")))?;
    let mut seqs = decode_seq_list(&v).map_err(|source| StoreError::Corrupt { key: "enterprise index".into(), source })?;
    seqs.retain(|s| *s != seq);
    ledger.backend.insert(&k, encode_seq_list(&seqs))?;
    ledger.backend.flush()?;
    Ok(())
}
