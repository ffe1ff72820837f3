//! Hand-encoded values of layout 2 (docs/FORMAT.md): record chunks, the
//! per-enterprise seq lists and the hash buckets. Each starts with a magic
//! and a version; decoding checks every length and refuses trailing bytes.

use model::envelope::EnvelopeError;
use model::Seq;

const CHUNK_MAGIC: &[u8; 4] = b"CLCK";
const LIST_MAGIC: &[u8; 4] = b"CLEI";
const BUCKET_MAGIC: &[u8; 4] = b"CLBK";
const VERSION: u16 = 1;

/// Records per chunk: chunk n holds seqs 64n+1 ..= 64n+64, so the chunk of
/// a seq is one point read. The last chunk fills up over later commits.
pub const CHUNK_RECORDS: u64 = 64;

/// The first seq of the chunk that holds `seq` (≥ 1).
pub fn chunk_start(seq: Seq) -> Seq {
    Seq((seq.0.saturating_sub(1)) / CHUNK_RECORDS * CHUNK_RECORDS + 1)
}

fn bad(what: &str) -> EnvelopeError {
    EnvelopeError::Decode(what.to_string())
}

fn header(magic: &[u8; 4], v: &[u8], what: &str) -> Result<(), EnvelopeError> {
    if v.len() < 6 {
        return Err(EnvelopeError::Short(v.len()));
    }
    if &v[..4] != magic {
        return Err(EnvelopeError::Magic { found: v[..4].try_into().expect("4"), expected: *magic });
    }
    let version = u16::from_be_bytes([v[4], v[5]]);
    if version != VERSION {
        return Err(bad(&format!("{what} has version {version}; this release reads version {VERSION}")));
    }
    Ok(())
}

/// A chunk: consecutive records' envelopes, verbatim, in seq order.
/// `CLCK` ‖ version u16 ‖ count u16 ‖ count × length u32 ‖ envelopes.
pub fn encode_chunk<'a>(envelopes: impl ExactSizeIterator<Item = &'a [u8]> + Clone) -> Vec<u8> {
    let n = envelopes.len();
    let total: usize = envelopes.clone().map(|e| e.len()).sum();
    let mut v = Vec::with_capacity(8 + 4 * n + total);
    v.extend_from_slice(CHUNK_MAGIC);
    v.extend_from_slice(&VERSION.to_be_bytes());
    v.extend_from_slice(&(n as u16).to_be_bytes());
    for e in envelopes.clone() {
        v.extend_from_slice(&(e.len() as u32).to_be_bytes());
    }
    for e in envelopes {
        v.extend_from_slice(e);
    }
    v
}

/// The envelopes of a chunk, as slices of `v`.
pub fn decode_chunk(v: &[u8]) -> Result<Vec<&[u8]>, EnvelopeError> {
    Ok(chunk_ranges(v)?.into_iter().map(|r| &v[r]).collect())
}

/// Where each envelope of a chunk lies in `v`, after checking every length.
pub fn chunk_ranges(v: &[u8]) -> Result<Vec<std::ops::Range<usize>>, EnvelopeError> {
    header(CHUNK_MAGIC, v, "record chunk")?;
    let n = u16::from_be_bytes([v.get(6).copied().ok_or_else(|| bad("chunk too short"))?, v.get(7).copied().ok_or_else(|| bad("chunk too short"))?]) as usize;
    let mut at = 8 + 4 * n;
    if n == 0 || v.len() < at {
        return Err(bad("record chunk is empty or shorter than its length table"));
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let len = u32::from_be_bytes(v[8 + 4 * i..12 + 4 * i].try_into().expect("4 bytes")) as usize;
        let end = at.checked_add(len).filter(|&e| e <= v.len()).ok_or_else(|| bad("record chunk is shorter than its lengths say"))?;
        out.push(at..end);
        at = end;
    }
    if at != v.len() {
        return Err(EnvelopeError::Trailing(v.len() - at));
    }
    Ok(out)
}

fn put_varint(v: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        v.push((x as u8) | 0x80);
        x >>= 7;
    }
    v.push(x as u8);
}

fn get_varint(v: &[u8], at: &mut usize) -> Option<u64> {
    let mut x = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *v.get(*at)?;
        *at += 1;
        x |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(x);
        }
    }
    None
}

/// One enterprise's seqs, ascending: `CLEI` ‖ version ‖ varint count ‖
/// varint first seq ‖ varint gaps.
pub fn encode_seq_list(seqs: &[Seq]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + 2 * seqs.len());
    v.extend_from_slice(LIST_MAGIC);
    v.extend_from_slice(&VERSION.to_be_bytes());
    put_varint(&mut v, seqs.len() as u64);
    let mut prev = 0;
    for s in seqs {
        put_varint(&mut v, s.0 - prev);
        prev = s.0;
    }
    v
}

pub fn decode_seq_list(v: &[u8]) -> Result<Vec<Seq>, EnvelopeError> {
    header(LIST_MAGIC, v, "enterprise index")?;
    let mut at = 6;
    let n = get_varint(v, &mut at).ok_or_else(|| bad("enterprise index count"))?;
    // Each entry takes at least one byte: a count beyond that is damage.
    if n > (v.len() - at) as u64 {
        return Err(bad("enterprise index count exceeds its bytes"));
    }
    let mut out = Vec::with_capacity(n as usize);
    let mut prev = 0u64;
    for _ in 0..n {
        let gap = get_varint(v, &mut at).ok_or_else(|| bad("enterprise index entry"))?;
        prev = prev.checked_add(gap).filter(|_| gap > 0).ok_or_else(|| bad("enterprise index seqs are not ascending"))?;
        out.push(Seq(prev));
    }
    if at != v.len() {
        return Err(EnvelopeError::Trailing(v.len() - at));
    }
    Ok(out)
}

/// A hash bucket: (hash u64, seq u64) pairs sorted by hash then seq.
/// `CLBK` ‖ version ‖ count u32 ‖ count × (hash u64 BE ‖ seq u64 BE).
pub fn encode_bucket(entries: &[(u64, Seq)]) -> Vec<u8> {
    let mut v = Vec::with_capacity(10 + 16 * entries.len());
    v.extend_from_slice(BUCKET_MAGIC);
    v.extend_from_slice(&VERSION.to_be_bytes());
    v.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for (h, s) in entries {
        v.extend_from_slice(&h.to_be_bytes());
        v.extend_from_slice(&s.0.to_be_bytes());
    }
    v
}

pub fn decode_bucket(v: &[u8]) -> Result<Vec<(u64, Seq)>, EnvelopeError> {
    header(BUCKET_MAGIC, v, "index bucket")?;
    let n = v.get(6..10).map(|b| u32::from_be_bytes(b.try_into().expect("4")) as usize).ok_or_else(|| bad("index bucket count"))?;
    if v.len() != 10 + 16 * n {
        return Err(bad("index bucket length does not match its count"));
    }
    let out: Vec<(u64, Seq)> = v[10..]
        .chunks_exact(16)
        .map(|e| (u64::from_be_bytes(e[..8].try_into().expect("8")), Seq(u64::from_be_bytes(e[8..].try_into().expect("8")))))
        .collect();
    if out.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bad("index bucket entries are not sorted"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_round_trips_and_refuses_damage() {
        let a = b"first".as_slice();
        let b = b"second record".as_slice();
        let v = encode_chunk([a, b].into_iter());
        assert_eq!(decode_chunk(&v).unwrap(), vec![a, b]);
        let mut longer = v.clone();
        longer.push(0);
        assert!(matches!(decode_chunk(&longer), Err(EnvelopeError::Trailing(1))));
        assert!(decode_chunk(&v[..v.len() - 1]).is_err());
        let mut magic = v.clone();
        magic[0] = b'X';
        assert!(matches!(decode_chunk(&magic), Err(EnvelopeError::Magic { .. })));
    }

    #[test]
    fn seq_list_round_trips_and_refuses_damage() {
        let seqs = vec![Seq(1), Seq(2), Seq(300), Seq(1 << 40)];
        let v = encode_seq_list(&seqs);
        assert_eq!(decode_seq_list(&v).unwrap(), seqs);
        let mut t = v.clone();
        t.push(1);
        assert!(decode_seq_list(&t).is_err());
        // A zero gap would repeat a seq.
        let dup = encode_seq_list(&[Seq(5), Seq(5)]);
        assert!(decode_seq_list(&dup).is_err());
    }

    #[test]
    fn bucket_round_trips_and_refuses_unsorted() {
        let e = vec![(1, Seq(9)), (1, Seq(10)), (7, Seq(2))];
        assert_eq!(decode_bucket(&encode_bucket(&e)).unwrap(), e);
        let unsorted = encode_bucket(&[(7, Seq(2)), (1, Seq(9))]);
        assert!(decode_bucket(&unsorted).is_err());
        assert!(decode_bucket(&encode_bucket(&e)[..20]).is_err());
    }
}
