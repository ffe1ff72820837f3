//! A ledger record: a fact with its seq, recorded time and chain hash.

use crate::envelope::{self, EnvelopeError};
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
/// Current record format version (docs/FORMAT.md).
pub const RECORD_VERSION: u16 = 1;

/// The chain hash of the empty ledger (the predecessor of seq 1).
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// One appended fact. `hash` = SHA-256(`prev_hash` ‖ bincode(seq, recorded_at, fact)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub fact: Fact,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

#[derive(Serialize)]
struct Hashed<'a> {
    seq: Seq,
    recorded_at: Timestamp,
    fact: &'a Fact,
}

impl Record {
    /// Seals a fact at `seq` after the record whose hash is `prev_hash`.
    pub fn seal(seq: Seq, recorded_at: Timestamp, fact: Fact, prev_hash: [u8; 32]) -> Result<Record, EnvelopeError> {
        let hash = Self::chain_hash(seq, recorded_at, &fact, &prev_hash)?;
        Ok(Record { seq, recorded_at, fact, prev_hash, hash })
    }

    pub fn chain_hash(seq: Seq, recorded_at: Timestamp, fact: &Fact, prev: &[u8; 32]) -> Result<[u8; 32], EnvelopeError> {
        let bytes = envelope::payload(&Hashed { seq, recorded_at, fact })?;
        let mut h = Sha256::new();
        h.update(prev);
        h.update(&bytes);
        Ok(h.finalize().into())
    }

    /// Whether `hash` matches the record's content and `prev_hash`.
    pub fn hash_is_valid(&self) -> bool {
        Self::chain_hash(self.seq, self.recorded_at, &self.fact, &self.prev_hash).map(|h| h == self.hash).unwrap_or(false)
    }

    pub fn encode(&self) -> Result<Vec<u8>, EnvelopeError> {
        envelope::encode(RECORD_MAGIC, RECORD_VERSION, self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Record, EnvelopeError> {
        envelope::decode(RECORD_MAGIC, RECORD_VERSION, bytes).map(|(_, r)| r)
    }
}
