//! The ledger's two hash indexes (docs/FORMAT.md, layout 2): refs and
//! probable-duplicate keys, each spread over 65,536 buckets so that an
//! import rewrites a bounded number of values, whatever the ledger's size.

use model::{ref_key, Fact, Seq};
use sha2::{Digest, Sha256};

/// Where an entry lives: its bucket and the 64 bits compared within it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slot {
    pub bucket: u16,
    pub hash: u64,
}

fn slot(domain: &[u8], parts: &[&[u8]]) -> Slot {
    let mut h = Sha256::new();
    h.update(domain);
    for p in parts {
        h.update((p.len() as u32).to_be_bytes());
        h.update(p);
    }
    let d = h.finalize();
    Slot { bucket: u16::from_be_bytes([d[0], d[1]]), hash: u64::from_be_bytes(d[2..10].try_into().expect("8")) }
}

/// The ref index slot of `reference`: SHA-256("ref" ‖ len ‖ UTF-8).
pub fn ref_slot(reference: &str) -> Slot {
    slot(b"ref", &[reference.as_bytes()])
}

/// The probable-duplicate slot of a fact: its enterprise, kind and
/// [`ref_key`] (CONTRACT.md §2: refs that differ only in width, brackets or
/// spaces are probable duplicates within one enterprise and kind).
pub fn duplicate_slot(fact: &Fact) -> Slot {
    duplicate_slot_of(fact.enterprise.as_bytes(), fact.kind().name(), &fact.reference)
}

/// [`duplicate_slot`] from its parts.
pub fn duplicate_slot_of(uscc: &[u8], kind: &str, reference: &str) -> Slot {
    duplicate_slot_of_key(uscc, kind, &ref_key(reference))
}

/// [`duplicate_slot_of`] with the ref's [`ref_key`] already computed.
pub fn duplicate_slot_of_key(uscc: &[u8], kind: &str, key: &str) -> Slot {
    slot(b"dup", &[uscc, kind.as_bytes(), key.as_bytes()])
}

/// Merges `new` (any order) into a sorted bucket.
pub fn merge(bucket: &mut Vec<(u64, Seq)>, new: &mut Vec<(u64, Seq)>) {
    bucket.append(new);
    bucket.sort_unstable();
    bucket.dedup();
}
