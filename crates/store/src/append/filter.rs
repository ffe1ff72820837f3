//! Which hash-index slots a pending append has spilled into runs, as Bloom
//! filters (one per run and index, ~10 bits per entry, about 1% false
//! positives): a lookup whose slot no filter may hold reads no run, so a
//! large import's uniqueness checks (nearly all misses) cost no sled reads.

use crate::index::Slot;

/// Bits per entry and probes per lookup: about 1% false positives.
const BITS_PER_ENTRY: usize = 10;
const PROBES: u64 = 7;

/// One Bloom filter over the slots of one run of one index.
pub(super) struct SlotFilter {
    bits: Vec<u64>,
    /// Bit count − 1 (a power of two).
    mask: u64,
}

impl SlotFilter {
    /// A filter sized for `entries` slots.
    pub(super) fn with_capacity(entries: usize) -> SlotFilter {
        let bits = (entries.max(1) * BITS_PER_ENTRY).next_power_of_two().max(64);
        SlotFilter { bits: vec![0; bits / 64], mask: bits as u64 - 1 }
    }

    pub(super) fn insert(&mut self, slot: Slot) {
        for p in positions(slot, self.mask) {
            self.bits[(p / 64) as usize] |= 1 << (p % 64);
        }
    }

    /// False only if `slot` was never inserted.
    pub(super) fn may_hold(&self, slot: Slot) -> bool {
        positions(slot, self.mask).all(|p| self.bits[(p / 64) as usize] & (1 << (p % 64)) != 0)
    }
}

/// The probe positions of a slot (double hashing over its 80 bits).
fn positions(slot: Slot, mask: u64) -> impl Iterator<Item = u64> {
    let h1 = slot.hash;
    let h2 = (slot.hash.rotate_left(32) ^ u64::from(slot.bucket).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1;
    (0..PROBES).map(move |i| h1.wrapping_add(i.wrapping_mul(h2)) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_every_inserted_slot_and_few_others() {
        let slot = |i: u64| Slot { bucket: (i % 65_536) as u16, hash: i.wrapping_mul(0xD6E8_FEB8_6659_FD93) };
        let mut f = SlotFilter::with_capacity(10_000);
        for i in 0..10_000 {
            f.insert(slot(i));
        }
        assert!((0..10_000).all(|i| f.may_hold(slot(i))), "a Bloom filter never forgets");
        let false_positives = (10_000..110_000).filter(|&i| f.may_hold(slot(i))).count();
        assert!(false_positives < 3_000, "{false_positives} false positives in 100,000");
    }
}
