//! Hand-encoded keys of the ledger tree (docs/FORMAT.md). Big-endian,
//! fixed width where it matters, so that scans sort by seq.

use model::{Seq, Uscc};

/// `M` + "head": the head value.
pub const HEAD: &[u8] = b"Mhead";
const RECORD: u8 = b'R';
const REF: u8 = b'X';
const ENTERPRISE: u8 = b'E';

/// `R` ‖ seq (u64 BE): 9 bytes.
pub fn record_key(seq: Seq) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = RECORD;
    k[1..].copy_from_slice(&seq.0.to_be_bytes());
    k
}

/// `X` ‖ ref (UTF-8): point lookups only.
pub fn ref_key(reference: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + reference.len());
    k.push(REF);
    k.extend_from_slice(reference.as_bytes());
    k
}

/// `E` ‖ USCC (18 ASCII bytes) ‖ seq (u64 BE): 27 bytes.
pub fn enterprise_key(uscc: &Uscc, seq: Seq) -> [u8; 27] {
    let mut k = [0u8; 27];
    k[0] = ENTERPRISE;
    k[1..19].copy_from_slice(uscc.as_bytes());
    k[19..].copy_from_slice(&seq.0.to_be_bytes());
    k
}

pub fn enterprise_prefix(uscc: &Uscc) -> [u8; 19] {
    let mut k = [0u8; 19];
    k[0] = ENTERPRISE;
    k[1..].copy_from_slice(uscc.as_bytes());
    k
}

pub fn seq_of_enterprise_key(k: &[u8]) -> Option<Seq> {
    (k.len() == 27 && k[0] == ENTERPRISE).then(|| Seq(u64::from_be_bytes(k[19..].try_into().expect("8 bytes"))))
}

pub fn encode_seq(seq: Seq) -> [u8; 8] {
    seq.0.to_be_bytes()
}

pub fn decode_seq(v: &[u8]) -> Option<Seq> {
    v.try_into().ok().map(|b| Seq(u64::from_be_bytes(b)))
}

/// A key for error messages.
pub fn describe(k: &[u8]) -> String {
    match k.first() {
        Some(&RECORD) if k.len() == 9 => format!("record seq {}", u64::from_be_bytes(k[1..].try_into().expect("8"))),
        _ => format!("{:02x?}", k),
    }
}
