//! The lines of an archive (JSON Lines, one object per line): a header,
//! one line per record in seq order, a trailer. See the crate docs.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The header's `archive` value.
pub const ARCHIVE_NAME: &str = "credit-ledger";
/// The archive format this build writes and reads.
pub const ARCHIVE_VERSION: u32 = 1;

/// Line 1: `{"archive":"credit-ledger","version":1}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub archive: String,
    pub version: u32,
}

impl Header {
    pub fn current() -> Header {
        Header { archive: ARCHIVE_NAME.into(), version: ARCHIVE_VERSION }
    }
}

/// One record. `record` (base64 of the stored envelope, exactly as stored,
/// record format 1 or 2) is authoritative; the other fields repeat what it
/// holds, for people and tools, and must agree with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordLine {
    pub seq: u64,
    /// RFC 3339 UTC, as the contract prints times.
    pub recorded_at: String,
    /// Lowercase hex, 64 digits.
    pub prev_hash: String,
    /// Lowercase hex, 64 digits.
    pub hash: String,
    /// Standard base64 of the stored envelope.
    pub record: String,
    /// The fact in contract JSON (`model::parse::to_json`; a format-1 record
    /// as today's code reads it).
    pub fact: Map<String, Value>,
}

/// The ledger head an archive ends at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadLine {
    pub seq: u64,
    pub hash: String,
    /// `null` for an empty ledger.
    pub recorded_at: Option<String>,
}

/// Last line: `{"head":{…},"records":N}`. An archive without it is truncated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trailer {
    pub head: HeadLine,
    pub records: u64,
}
