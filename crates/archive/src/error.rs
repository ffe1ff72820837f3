//! Why an archive was refused, or an export or restore failed.

use model::envelope::EnvelopeError;
use store::StoreError;

/// What is wrong with one record line.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("not a record line: {0}")]
    Json(String),
    #[error("the line holds seq {found} where seq {expected} belongs: a record is missing or out of order")]
    Seq { expected: u64, found: u64 },
    #[error("its stored record is not valid base64: {0}")]
    Base64(String),
    #[error("its stored record does not decode: {0}")]
    Decode(EnvelopeError),
    #[error("a record of format 1 follows one of format 2, which a ledger never writes")]
    FormatOrder,
    #[error("the line's {field} is {line}, but the stored record's is {stored}")]
    Field { field: &'static str, line: String, stored: String },
    #[error("its prev_hash is not the hash of seq {0}: the chain is broken")]
    Chain(u64),
    #[error("its hash does not match its content: the record was altered")]
    Hash,
    #[error("its recorded time {at} is before seq {prev_seq}'s {prev}: recorded time never goes backwards")]
    TimeBackwards { at: String, prev_seq: u64, prev: String },
    #[error("its fact JSON differs from the stored record's fact at field `{0}`")]
    Fact(String),
}

/// Why an archive was refused, or an export or restore failed. Every
/// refusal names the archive line and, for a record, its seq.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot read the archive at line {line}: {message}")]
    Read { line: u64, message: String },
    #[error("archive line {line}: {problem}")]
    Header { line: u64, problem: String },
    #[error("archive line {line}, seq {seq}: {problem}")]
    Record { line: u64, seq: u64, problem: Problem },
    #[error("archive line {line} (the trailer): {problem}")]
    Trailer { line: u64, problem: String },
    #[error("the archive ends after line {line} without its trailer: it is truncated after seq {last_seq}")]
    Truncated { line: u64, last_seq: u64 },
    #[error("archive line {line} follows the trailer; an archive ends with its trailer")]
    AfterTrailer { line: u64 },
    #[error("cannot write the archive: {0}")]
    Write(std::io::Error),
    #[error("a restore needs an empty ledger; this one's head is seq {0}")]
    NotEmpty(u64),
    #[error("the archive changed between its verification and the restore (now: {0})")]
    Changed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ArchiveError {
    /// The first bad seq, when a record line is at fault.
    pub fn seq(&self) -> Option<u64> {
        match self {
            ArchiveError::Record { seq, .. } => Some(*seq),
            ArchiveError::Truncated { last_seq, .. } => Some(last_seq + 1),
            _ => None,
        }
    }

    /// The archive line at fault, when there is one (1-based).
    pub fn line(&self) -> Option<u64> {
        match self {
            ArchiveError::Read { line, .. }
            | ArchiveError::Header { line, .. }
            | ArchiveError::Record { line, .. }
            | ArchiveError::Trailer { line, .. }
            | ArchiveError::Truncated { line, .. }
            | ArchiveError::AfterTrailer { line } => Some(*line),
            _ => None,
        }
    }
}
