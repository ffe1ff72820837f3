//! The re-checkable random draw (README "Re-checking a plan").
//!
//! seed = SHA-256(lp("credit-ledger plan draw 1") ‖ lp(head hash at K, lower-case
//! hex) ‖ lp(year, decimal) ‖ lp(division) ‖ lp(salt)), where lp(s) is the
//! UTF-8 byte length of s as u32 big-endian followed by the bytes. The
//! random stream is the ChaCha20 keystream of RFC 8439 with key = seed,
//! an all-zero 96-bit nonce and block counter 0, read 8 bytes at a time as
//! little-endian u64. A number below n is drawn by rejection: x is taken
//! when x < n × ⌊2^64 / n⌋ and gives x mod n; otherwise the next x is read.

use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20;
use sha2::{Digest, Sha256};

/// Version of the draw construction recorded in `plan_issued`.
pub const DRAW_VERSION: u16 = 1;

const DOMAIN: &str = "credit-ledger plan draw 1";

/// The 32-byte seed of the draw for these public inputs.
pub fn seed(head_hash: &str, year: i32, division: &str, salt: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [DOMAIN, &head_hash.to_ascii_lowercase(), &year.to_string(), division, salt] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

/// A stream of uniform draws from the seed's keystream.
pub struct Draw {
    cipher: ChaCha20,
    block: [u8; 64],
    used: usize,
}

impl Draw {
    pub fn new(seed: [u8; 32]) -> Draw {
        let cipher = ChaCha20::new(&seed.into(), &[0u8; 12].into());
        Draw { cipher, block: [0; 64], used: 64 }
    }

    /// The next 8 keystream bytes as a little-endian u64.
    pub fn next_u64(&mut self) -> u64 {
        if self.used == 64 {
            self.block = [0; 64];
            // 2^32 blocks (256 GiB) would exhaust the counter; a plan reads
            // a few words per enterprise.
            self.cipher.apply_keystream(&mut self.block);
            self.used = 0;
        }
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.block[self.used..self.used + 8]);
        self.used += 8;
        u64::from_le_bytes(w)
    }

    /// A uniform number in 0..n (n > 0; 0 gives 0 without reading).
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        loop {
            if let Some(v) = accept(self.next_u64(), n) {
                return v;
            }
        }
    }

    /// Partial Fisher–Yates: for i in 0..k, swap item i with item
    /// i + below(len − i). The first k items are then the choice.
    pub fn choose<T>(&mut self, items: &mut [T], k: usize) {
        let n = items.len();
        for i in 0..k.min(n) {
            let j = i + self.below((n - i) as u64) as usize;
            items.swap(i, j);
        }
    }
}

/// x mod n when x < n × ⌊2^64 / n⌋ (n > 1), else `None`: the next word is read.
fn accept(x: u64, n: u64) -> Option<u64> {
    let zone = ((1u128 << 64) / n as u128) * n as u128;
    ((x as u128) < zone).then_some(x % n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8439 §2.4.2's cipher with its key, nonce zero: the keystream of
    /// block 0 for the all-zero key is the published test vector (RFC 8439
    /// A.1 #1: 76 b8 e0 ad a0 f1 3d 90 …).
    #[test]
    fn issue11_keystream_is_rfc8439_chacha20() {
        let mut d = Draw::new([0; 32]);
        assert_eq!(d.next_u64(), u64::from_le_bytes([0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90]));
        assert_eq!(d.next_u64(), u64::from_le_bytes([0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28]));
    }

    #[test]
    fn issue11_seed_is_length_prefixed_sha256_of_the_inputs() {
        let mut h = Sha256::new();
        for p in ["credit-ledger plan draw 1", "ab", "2026", "08", "salt"] {
            h.update((p.len() as u32).to_be_bytes());
            h.update(p.as_bytes());
        }
        let want: [u8; 32] = h.finalize().into();
        assert_eq!(seed("AB", 2026, "08", "salt"), want);
        // Moving a byte between fields changes the seed (the length prefixes).
        assert_ne!(seed("ab", 2026, "08", "salt"), seed("ab", 2026, "08s", "alt"));
        assert_ne!(seed("ab", 2026, "08", "salt"), seed("ab", 2027, "08", "salt"));
    }

    #[test]
    fn issue11_accept_rejects_exactly_the_biased_tail() {
        // 2^64 mod 3 = 1: only 2^64 − 1 lies past 3 × ⌊2^64 / 3⌋.
        assert_eq!(accept(u64::MAX, 3), None);
        assert_eq!(accept(u64::MAX - 1, 3), Some((u64::MAX - 1) % 3));
        assert_eq!(accept(0, 3), Some(0));
        // 2^64 mod 10 = 6: the last six words are rejected.
        assert_eq!(accept(u64::MAX - 5, 10), None);
        assert_eq!(accept(u64::MAX - 6, 10), Some((u64::MAX - 6) % 10));
        // A power of two divides 2^64: nothing is rejected.
        assert_eq!(accept(u64::MAX, 4), Some(3));
    }

    #[test]
    fn issue11_below_rejects_the_biased_zone() {
        // With n = 3, 2^64 mod 3 = 1: only x = 2^64 − 1 is outside the zone.
        let mut d = Draw::new([7; 32]);
        for n in [1u64, 2, 3, 10, 1 << 40] {
            for _ in 0..200 {
                assert!(d.below(n) < n);
            }
        }
        let mut a = Draw::new([9; 32]);
        let mut b = Draw::new([9; 32]);
        let x = b.next_u64();
        assert_eq!(a.below(1000), x % 1000, "x is in the zone for n = 1000 unless x ≥ 2^64 − 616");
    }

    #[test]
    fn issue11_choose_is_a_partial_fisher_yates() {
        let mut items: Vec<u32> = (0..10).collect();
        let mut d = Draw::new([1; 32]);
        d.choose(&mut items, 3);
        let mut r = Draw::new([1; 32]);
        let mut want: Vec<u32> = (0..10).collect();
        for i in 0..3 {
            let j = i + r.below((10 - i) as u64) as usize;
            want.swap(i, j);
        }
        assert_eq!(items, want);
        let mut sorted = items.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>(), "a permutation");
    }
}
