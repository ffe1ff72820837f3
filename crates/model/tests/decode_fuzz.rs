//! No stored byte makes `Record::decode` panic or allocate without bound
//! (issue 6, input 3 and item 5): real record envelopes (the golden bytes),
//! mutated by flipping, overwriting, inserting and deleting bytes, and plain
//! random bytes, all decode to a value or an error; the memory a decode
//! allocates stays within the envelope's payload limit.

use model::envelope::MAX_PAYLOAD;
use model::Record;
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts the bytes live on this thread and their peak, so that a test can
/// measure what one decode allocates (tests run on parallel threads).
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let _ = LIVE.try_with(|l| {
                l.set(l.get() + layout.size());
                let _ = PEAK.try_with(|m| m.set(m.get().max(l.get())));
            });
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(layout.size())));
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Decodes `bytes` and returns whether it decoded and the most memory the
/// decode held at once beyond what was live before it.
fn decode_measured(bytes: &[u8]) -> (bool, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let ok = decode_full(bytes).is_ok();
    (ok, PEAK.with(Cell::get) - base)
}

/// A decode may hold the payload limit once, and a little besides.
const MEMORY_BOUND: usize = MAX_PAYLOAD + 64 * 1024;

fn unframe(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let n = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        out.push(bytes[4..4 + n].to_vec());
        bytes = &bytes[4 + n..];
    }
    out
}

/// Decodes a value of any record format as the store does; a format-1
/// correction is typed as if its target were a penalty (whatever the bytes
/// say, conversion gives a record or an error).
fn decode_full(bytes: &[u8]) -> Result<Record, model::envelope::EnvelopeError> {
    Record::decode_any(bytes)?.into_record(Some(model::Kind::AdministrativePenalty))
}

/// Every golden record envelope, of every record format: one per fact kind,
/// decisions included.
fn seeds() -> Vec<Vec<u8>> {
    let mut out = unframe(include_bytes!("../../../fixtures/golden/records-v1.bin"));
    out.extend(unframe(include_bytes!("../../../fixtures/golden/decisions-v1.bin")));
    out.extend(unframe(include_bytes!("../../../fixtures/golden/records-v2.bin")));
    out.extend(unframe(include_bytes!("../../../fixtures/golden/decisions-v2.bin")));
    assert!(out.len() >= 52);
    for s in &out {
        assert!(Record::decode_any(s).is_ok(), "a golden record decodes");
    }
    out
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    /// A bincode varint claiming a huge integer (a length, a count, a day).
    HugeVarint { at: usize, overwrite: bool },
    /// The varint at `at` replaced by another value of 1, 2, 4 or 8 bytes
    /// (tags 251/252/253): reaches every integer field, dates included.
    Varint { at: usize, width: u8, value: u64 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..12)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..24).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), any::<bool>()).prop_map(|(at, overwrite)| Mutation::HugeVarint { at, overwrite }),
        (any::<usize>(), 0u8..4, any::<u64>()).prop_map(|(at, width, value)| Mutation::Varint { at, width, value }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    match m {
        Mutation::Flip { at, bit } => bytes[at % n] ^= 1 << bit,
        Mutation::Set { at, byte } => bytes[at % n] = *byte,
        Mutation::Insert { at, bytes: b } => {
            let at = at % (n + 1);
            bytes.splice(at..at, b.iter().copied());
        }
        Mutation::Delete { at, len } => {
            let at = at % n;
            bytes.drain(at..(at + len).min(n));
        }
        Mutation::HugeVarint { at, overwrite } => {
            let at = 6 + at % (n - 6);
            let huge = [0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F];
            if *overwrite {
                let end = (at + huge.len()).min(n);
                bytes.splice(at..end, huge);
            } else {
                bytes.splice(at..at, huge);
            }
        }
        Mutation::Varint { at, width, value } => {
            let at = 6 + at % (n - 6);
            let old_len = match bytes[at] {
                0xFB => 3,
                0xFC => 5,
                0xFD => 9,
                _ => 1,
            };
            let new: Vec<u8> = match width {
                0 => vec![(*value % 251) as u8],
                1 => [&[0xFB][..], &(*value as u16).to_le_bytes()].concat(),
                2 => [&[0xFC][..], &(*value as u32).to_le_bytes()].concat(),
                _ => [&[0xFD][..], &value.to_le_bytes()].concat(),
            };
            bytes.splice(at..(at + old_len).min(n), new);
        }
    }
}

/// Decodes and, when the bytes decode, checks what a decoded record
/// promises: its dates and times are in the supported range (so grading
/// arithmetic on them cannot overflow) and it encodes again.
fn check(bytes: &[u8]) -> Result<usize, TestCaseError> {
    let (_, used) = decode_measured(bytes);
    if let Ok(r) = decode_full(bytes) {
        prop_assert!(r.fact.occurred_on.is_supported(), "decoded {}", r.fact.occurred_on);
        prop_assert!(r.recorded_at.is_supported(), "decoded {}", r.recorded_at);
        let _ = (r.fact.occurred_on.add_years(-3).month_end(), r.fact.occurred_on.add_months(36).add_days(1));
        prop_assert!(r.encode().is_ok(), "a decoded record encodes again");
    }
    Ok(used)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn issue6_3_mutated_records_never_panic(pick in any::<usize>(), muts in proptest::collection::vec(mutation(), 1..6)) {
        let seeds = seeds();
        let mut bytes = seeds[pick % seeds.len()].clone();
        for m in &muts {
            if bytes.len() <= 6 {
                break;
            }
            apply(&mut bytes, m);
        }
        let used = check(&bytes)?;
        prop_assert!(used <= MEMORY_BOUND, "a decode held {used} bytes");
    }

    #[test]
    fn issue6_3_random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600), header in any::<bool>()) {
        // With a valid header the payload reaches the decoder.
        let mut bytes = if header { b"CLRC\x00\x01".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(&body);
        prop_assert!(header || decode_full(&bytes).is_err());
        let used = check(&bytes)?;
        prop_assert!(used <= MEMORY_BOUND, "a decode held {used} bytes");
    }
}

/// A varint claiming a huge integer at every position of every real record
/// (where a length or a count is read, it claims a huge string or list):
/// the claimed size is never allocated.
#[test]
fn issue6_3_a_huge_varint_anywhere_allocates_within_the_limit() {
    let mut worst = 0;
    for seed in seeds() {
        for at in 6..seed.len() {
            for overwrite in [true, false] {
                let mut bytes = seed.clone();
                apply(&mut bytes, &Mutation::HugeVarint { at: at - 6, overwrite });
                // Where an integer field (a seq, a year, a hash byte) is hit it may decode.
                let (_, used) = decode_measured(&bytes);
                worst = worst.max(used);
            }
        }
    }
    assert!(worst <= MEMORY_BOUND, "a decode held {worst} bytes");
}

/// The ref's length prefix of a real record replaced by a huge claim, and by
/// one just under the payload limit whose bytes are not there: both fail,
/// and neither allocates the claimed size.
#[test]
fn issue6_3_a_huge_length_prefix_is_rejected_without_allocating_it() {
    let seed = &seeds()[0];
    // The ref "G-REG" is a string of length 5 (one varint byte).
    let pos = seed.windows(6).position(|w| w == b"\x05G-REG").expect("the first golden record is G-REG");
    for claim in [vec![0xFD, 0, 0, 0, 0, 0, 0, 0, 0x40], [vec![0xFC], ((MAX_PAYLOAD - 1) as u32).to_le_bytes().to_vec()].concat()] {
        let bytes = [&seed[..pos], &claim[..], &seed[pos + 1..]].concat();
        let (ok, used) = decode_measured(&bytes);
        assert!(!ok, "{claim:02x?}");
        assert!(used <= MEMORY_BOUND, "a decode held {used} bytes");
        let e = decode_full(&bytes).unwrap_err().to_string();
        assert!(e.contains("does not decode"), "{e}");
    }
}
