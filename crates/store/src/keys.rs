//! Hand-encoded keys of the ledger tree, layout 2 (docs/FORMAT.md).
//! Big-endian and fixed width, so that scans sort by seq, USCC or bucket.

use model::{Seq, Uscc};

/// `M` + "head": the head value, the ledger's commit point.
pub const HEAD: &[u8] = b"Mhead";
/// `A`: the seqs of every ledger-wide record (rule-set adoptions and
/// supervision plans, [`model::fact::Kind::is_ledger_wide`]), in no
/// enterprise's list.
pub const LEDGER_WIDE: &[u8] = b"A";
pub(crate) const CHUNK: u8 = b'R';
pub(crate) const ENTERPRISE: u8 = b'E';
pub(crate) const REF: u8 = b'X';
pub(crate) const DUPLICATE: u8 = b'P';

/// `R` ‖ first seq (u64 BE): 9 bytes. The chunk holding `seq` is the last
/// key at or before `chunk_key(seq)`.
pub fn chunk_key(first: Seq) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = CHUNK;
    k[1..].copy_from_slice(&first.0.to_be_bytes());
    k
}

/// The first seq of a chunk key.
pub fn seq_of_chunk_key(k: &[u8]) -> Option<Seq> {
    (k.len() == 9 && k[0] == CHUNK).then(|| Seq(u64::from_be_bytes(k[1..].try_into().expect("8 bytes"))))
}

/// `E` ‖ USCC (18 ASCII bytes): 19 bytes.
pub fn enterprise_key(uscc: &Uscc) -> [u8; 19] {
    let mut k = [0u8; 19];
    k[0] = ENTERPRISE;
    k[1..].copy_from_slice(uscc.as_bytes());
    k
}

/// `X` or `P` ‖ bucket (u16 BE): 3 bytes.
pub fn bucket_key(index: u8, bucket: u16) -> [u8; 3] {
    let b = bucket.to_be_bytes();
    [index, b[0], b[1]]
}

/// A key for error messages.
pub fn describe(k: &[u8]) -> String {
    match (k.first(), k.len()) {
        (Some(b'A'), 1) => "ledger-wide record index".to_string(),
        (Some(&CHUNK), 9) => format!("record chunk from seq {}", u64::from_be_bytes(k[1..].try_into().expect("8"))),
        (Some(&ENTERPRISE), 19) => format!("enterprise index of {}", String::from_utf8_lossy(&k[1..])),
        (Some(&REF), 3) => format!("ref index bucket {}", u16::from_be_bytes([k[1], k[2]])),
        (Some(&DUPLICATE), 3) => format!("duplicate index bucket {}", u16::from_be_bytes([k[1], k[2]])),
        _ => format!("{:02x?}", k),
    }
}

/// The length of an index bucket's key (`X`/`P` ‖ bucket).
pub(crate) const BUCKET_KEY_LEN: usize = 3;
