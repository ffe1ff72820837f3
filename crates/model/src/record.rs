//! A ledger record: a fact with its seq, recorded time and chain hash, and
//! its stored forms by format version (docs/FORMAT.md).

use crate::envelope::{self, EnvelopeError};
use crate::fact::Kind;
use crate::v1::RecordV1;
use crate::{Fact, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// A ledger position: gapless, starting at 1; the only order of the ledger.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Seq(pub u64);

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Magic of a stored record value.
pub const RECORD_MAGIC: [u8; 4] = *b"CLRC";
/// Current record format version (docs/FORMAT.md): 2 = typed corrections and
/// self-describing decisions. Version 1 is read by [`crate::v1`].
pub const RECORD_VERSION: u16 = 2;

/// The chain hash of the empty ledger (the predecessor of seq 1).
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// The format a record was sealed in, which decides how its hash is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sealed {
    /// Sealed in the current format (or not sealed yet: pending in an import).
    Current,
    /// Read from record format 1; whether its stored hash matched its
    /// format-1 content, checked when it was decoded.
    Format1 { hash_ok: bool },
}

/// One appended fact. `hash` = SHA-256(`prev_hash` ‖ bincode(seq,
/// recorded_at, fact)) over the fact in the format it was sealed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub fact: Fact,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
    pub sealed: Sealed,
}

#[derive(Serialize)]
struct Hashed<'a> {
    seq: Seq,
    recorded_at: Timestamp,
    fact: &'a Fact,
}

/// The stored form of format 2 (bincode): exactly these fields, in order.
#[derive(Serialize)]
struct StoredV2<'a> {
    seq: Seq,
    recorded_at: Timestamp,
    fact: &'a Fact,
    prev_hash: [u8; 32],
    hash: [u8; 32],
}

#[derive(Deserialize)]
struct OwnedV2 {
    seq: Seq,
    recorded_at: Timestamp,
    fact: Fact,
    prev_hash: [u8; 32],
    hash: [u8; 32],
}

/// A decoded record value: current, or of an older format still to be
/// converted (a format-1 correction needs its target's kind).
#[derive(Clone, Debug)]
pub enum Decoded {
    Current(Record),
    Format1(RecordV1),
}

impl Decoded {
    /// The ref whose kind the conversion needs, if any.
    pub fn needs_target(&self) -> Option<&str> {
        match self {
            Decoded::Current(_) => None,
            Decoded::Format1(r) => r.needs_target(),
        }
    }

    /// The record in today's types; `target_kind` answers [`Self::needs_target`].
    pub fn into_record(self, target_kind: Option<Kind>) -> Result<Record, EnvelopeError> {
        match self {
            Decoded::Current(r) => Ok(r),
            Decoded::Format1(r) => r.upgrade(target_kind).map_err(|e| EnvelopeError::Decode(format!("record format 1: {e}"))),
        }
    }
}

impl Record {
    /// Seals a fact at `seq` after the record whose hash is `prev_hash`.
    pub fn seal(seq: Seq, recorded_at: Timestamp, fact: Fact, prev_hash: [u8; 32]) -> Result<Record, EnvelopeError> {
        let hash = Self::chain_hash(seq, recorded_at, &fact, &prev_hash)?;
        Ok(Record { seq, recorded_at, fact, prev_hash, hash, sealed: Sealed::Current })
    }

    /// A fact pending in an import or a what-if, at the seq it would get;
    /// not sealed (zero hashes).
    pub fn pending(seq: Seq, recorded_at: Timestamp, fact: Fact) -> Record {
        Record { seq, recorded_at, fact, prev_hash: GENESIS_HASH, hash: GENESIS_HASH, sealed: Sealed::Current }
    }

    pub fn chain_hash(seq: Seq, recorded_at: Timestamp, fact: &Fact, prev: &[u8; 32]) -> Result<[u8; 32], EnvelopeError> {
        let bytes = envelope::payload(&Hashed { seq, recorded_at, fact })?;
        Ok(Self::hash_link(prev, &bytes))
    }

    /// SHA-256(`prev` ‖ `content`): one link of the chain.
    pub fn hash_link(prev: &[u8; 32], content: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(prev);
        h.update(content);
        h.finalize().into()
    }

    /// Whether `hash` matches the record's content (in the format it was
    /// sealed in) and `prev_hash`.
    pub fn hash_is_valid(&self) -> bool {
        match self.sealed {
            Sealed::Current => Self::chain_hash(self.seq, self.recorded_at, &self.fact, &self.prev_hash).map(|h| h == self.hash).unwrap_or(false),
            Sealed::Format1 { hash_ok } => hash_ok,
        }
    }

    /// The stored value: an envelope of the current format. Appends always
    /// write the current format; an older record is never rewritten.
    pub fn encode(&self) -> Result<Vec<u8>, EnvelopeError> {
        let stored = StoredV2 { seq: self.seq, recorded_at: self.recorded_at, fact: &self.fact, prev_hash: self.prev_hash, hash: self.hash };
        envelope::encode(RECORD_MAGIC, RECORD_VERSION, &stored)
    }

    /// Decodes a stored value of any known format; the envelope version
    /// selects the decoder.
    pub fn decode_any(bytes: &[u8]) -> Result<Decoded, EnvelopeError> {
        let (version, body) = envelope::open(RECORD_MAGIC, RECORD_VERSION, bytes)?;
        match version {
            1 => Ok(Decoded::Format1(envelope::decode_payload::<RecordV1>(body)?)),
            _ => {
                let r: OwnedV2 = envelope::decode_payload(body)?;
                Ok(Decoded::Current(Record { seq: r.seq, recorded_at: r.recorded_at, fact: r.fact, prev_hash: r.prev_hash, hash: r.hash, sealed: Sealed::Current }))
            }
        }
    }

    /// Decodes a stored value whose conversion needs no other record (any
    /// current record; a format-1 record other than a typed correction).
    pub fn decode(bytes: &[u8]) -> Result<Record, EnvelopeError> {
        Self::decode_any(bytes)?.into_record(None)
    }
}
