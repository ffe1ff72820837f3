//! One index run of a large import: the hash-index entries it held when it
//! spilled, in an unnamed temporary file (in TMPDIR; it vanishes with the
//! process, however that ends), with a directory of where each bucket's
//! entries lie and a Bloom filter per index. Nothing of a run is ever in
//! the ledger, so a run leaves sled no garbage (sled 0.34.7 zeroes every
//! free log segment at each open: runs once kept in sled made one `grade`
//! at 10^7 facts open in 143 ms instead of 65).

use super::filter::SlotFilter;
use crate::index::Slot;
use crate::keys;
use crate::StoreError;
use model::Seq;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;

/// Bytes of one entry in a run file: hash u64 BE ‖ seq u64 BE.
const ENTRY: u64 = 16;
const BUCKETS: usize = 1 << 16;

fn io(what: &'static str) -> impl Fn(std::io::Error) -> StoreError {
    move |source| StoreError::RunFile { what, source }
}

/// Where the buckets of `index` start in a run's directory.
fn base(index: u8) -> usize {
    if index == keys::REF {
        0
    } else {
        BUCKETS
    }
}

pub(super) struct Run {
    file: std::fs::File,
    /// (first entry, count) of each bucket: the ref index's 65,536, then
    /// the duplicate index's.
    directory: Vec<(u64, u32)>,
    ref_filter: SlotFilter,
    duplicate_filter: SlotFilter,
}

impl Run {
    /// Writes the held entries of the ref and the duplicate index (by
    /// bucket, in any order) as a run.
    pub(super) fn write(refs: HashMap<u16, Vec<(u64, Seq)>>, duplicates: HashMap<u16, Vec<(u64, Seq)>>) -> Result<Run, StoreError> {
        let file = tempfile::tempfile().map_err(io("create"))?;
        let mut directory = vec![(0u64, 0u32); 2 * BUCKETS];
        let mut at = 0u64;
        let mut w = BufWriter::with_capacity(1 << 16, &file);
        let mut filter = |index: u8, held: HashMap<u16, Vec<(u64, Seq)>>| -> Result<SlotFilter, StoreError> {
            let mut buckets: Vec<(u16, Vec<(u64, Seq)>)> = held.into_iter().collect();
            buckets.sort_unstable_by_key(|(b, _)| *b);
            let mut filter = SlotFilter::with_capacity(buckets.iter().map(|(_, e)| e.len()).sum());
            for (bucket, mut entries) in buckets {
                entries.sort_unstable();
                let count = u32::try_from(entries.len()).map_err(|_| StoreError::Inconsistent("an index run holds 2^32 entries of one bucket".into()))?;
                directory[base(index) + usize::from(bucket)] = (at, count);
                for (hash, seq) in entries {
                    filter.insert(Slot { bucket, hash });
                    w.write_all(&hash.to_be_bytes()).map_err(io("write"))?;
                    w.write_all(&seq.0.to_be_bytes()).map_err(io("write"))?;
                }
                at += u64::from(count);
            }
            Ok(filter)
        };
        let ref_filter = filter(keys::REF, refs)?;
        let duplicate_filter = filter(keys::DUPLICATE, duplicates)?;
        w.flush().map_err(io("write"))?;
        drop(w);
        Ok(Run { file, directory, ref_filter, duplicate_filter })
    }

    /// False only if this run holds no entry of `slot` in `index`.
    pub(super) fn may_hold(&self, index: u8, slot: Slot) -> bool {
        if index == keys::REF {
            self.ref_filter.may_hold(slot)
        } else {
            self.duplicate_filter.may_hold(slot)
        }
    }

    /// The run's entries of one bucket, sorted.
    pub(super) fn entries(&self, index: u8, bucket: u16) -> Result<Vec<(u64, Seq)>, StoreError> {
        let (first, count) = self.directory[base(index) + usize::from(bucket)];
        if count == 0 {
            return Ok(Vec::new());
        }
        let mut bytes = vec![0u8; count as usize * ENTRY as usize];
        self.file.read_exact_at(&mut bytes, first * ENTRY).map_err(io("read"))?;
        Ok(bytes
            .chunks_exact(ENTRY as usize)
            .map(|e| (u64::from_be_bytes(e[..8].try_into().expect("8")), Seq(u64::from_be_bytes(e[8..].try_into().expect("8")))))
            .collect())
    }
}
