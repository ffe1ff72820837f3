//! Export and restore of a whole ledger, and the verification of an export
//! on its own (issue 7, item 5; README "Durability and recovery").
//!
//! An archive is JSON Lines, one object per line:
//!
//! ```text
//! {"archive":"credit-ledger","version":1}
//! {"seq":1,"recorded_at":"2023-01-06T02:00:00Z","prev_hash":"00…00","hash":"5e…","record":"Q0xSQwAC…","fact":{"kind":"enterprise_registered",…}}
//! …                                    one line per record, seq 1, 2, … in order
//! {"head":{"seq":5148,"hash":"9a…","recorded_at":"2026-11-30T00:00:00Z"},"records":5148}
//! ```
//!
//! `record` is the base64 of the record's stored envelope exactly as the
//! ledger stores it, in its own record format (1 or 2, docs/FORMAT.md): it
//! is authoritative, because a format-1 record's chain hash is over its
//! format-1 bytes, and a restore writes it back verbatim. The other fields
//! repeat it for people and tools (`fact` in contract JSON) and must agree
//! with it. The trailer makes a truncated archive detectable.
//!
//! [`verify_archive`] needs neither the store nor write access. Export and
//! restore stream: memory is bounded by one line (export, verification) or
//! one chunk of [`RESTORE_CHUNK`] records (restore), whatever the ledger's size.

pub mod base64;
mod error;
mod line;
mod read;

pub use error::{ArchiveError, Problem};
pub use line::{Header, HeadLine, RecordLine, Trailer, ARCHIVE_NAME, ARCHIVE_VERSION};
pub use read::ArchiveReader;

use model::envelope;
use model::record::{GENESIS_HASH, RECORD_MAGIC, RECORD_VERSION};
use model::{Record, Seq};
use std::io::{BufRead, Seek, Write};
use store::{Head, Ledger, StoreError};

/// Records appended per batch (one atomic write and one flush) by a restore.
pub const RESTORE_CHUNK: usize = 10_000;

/// What an archive holds, or what an export wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchiveSummary {
    /// Number of records (= the head's seq).
    pub records: u64,
    /// The ledger head the archive ends at.
    pub head: Head,
    /// How many records are stored in record format 1.
    pub format1: u64,
}

/// Writes the whole ledger, up to the head read when the export starts, to
/// `out` (see the crate docs), one record at a time, then flushes `out`.
/// Refuses to write a line the archive's own verification would refuse:
/// a ledger whose chain is broken fails with [`ArchiveError::Store`] naming
/// the seq (run `verify` on it). Errors writing are [`ArchiveError::Write`].
pub fn export<W: Write + ?Sized>(ledger: &Ledger, out: &mut W) -> Result<ArchiveSummary, ArchiveError> {
    let head = ledger.head()?;
    export_records(head, ledger.stored_records(Seq(1), head.seq), out)
}

/// [`export`] of a storage-layout-1 ledger (credit-ledger 0.2 and earlier),
/// read only: with [`restore`], how such a ledger is carried into today's
/// layout record for record.
pub fn export_legacy<W: Write + ?Sized>(ledger: &store::legacy::LegacyLedger, out: &mut W) -> Result<ArchiveSummary, ArchiveError> {
    let head = ledger.head()?;
    export_records(head, ledger.scan_stored(Seq(1), head.seq), out)
}

/// Writes the archive of the records `records` (seq order, from 1) ending at `head`.
fn export_records<W: Write + ?Sized>(
    head: Head,
    records: impl Iterator<Item = Result<(Record, Vec<u8>), StoreError>>,
    out: &mut W,
) -> Result<ArchiveSummary, ArchiveError> {
    write_json(out, &Header::current())?;
    let mut prev = Head::empty();
    let mut format1 = 0;
    for item in records {
        let (rec, bytes) = item?;
        check_link(&prev, &rec)?;
        if let Ok((1, _)) = envelope::open(RECORD_MAGIC, RECORD_VERSION, &bytes) {
            format1 += 1;
        }
        write_json(out, &record_line(&rec, &bytes))?;
        prev = Head { seq: rec.seq, hash: rec.hash, recorded_at: Some(rec.recorded_at) };
    }
    if prev != head {
        return Err(StoreError::Inconsistent(format!("the head says seq {}, the records end at seq {}", head.seq, prev.seq)).into());
    }
    let trailer = Trailer {
        head: HeadLine { seq: head.seq.0, hash: hex::encode(head.hash), recorded_at: head.recorded_at.map(|t| t.to_rfc3339()) },
        records: head.seq.0,
    };
    write_json(out, &trailer)?;
    out.flush().map_err(ArchiveError::Write)?;
    Ok(ArchiveSummary { records: head.seq.0, head, format1 })
}

/// The archive line of one record and its stored envelope.
pub fn record_line(rec: &Record, stored: &[u8]) -> RecordLine {
    RecordLine {
        seq: rec.seq.0,
        recorded_at: rec.recorded_at.to_rfc3339(),
        prev_hash: hex::encode(rec.prev_hash),
        hash: hex::encode(rec.hash),
        record: base64::encode(stored),
        fact: model::parse::to_json(&rec.fact),
    }
}

/// An export never writes a record that does not continue the chain.
fn check_link(prev: &Head, rec: &Record) -> Result<(), StoreError> {
    let n = prev.seq.0 + 1;
    if rec.seq.0 != n {
        return Err(StoreError::Inconsistent(format!("expected seq {n}, found {}", rec.seq)));
    }
    if rec.prev_hash != if n == 1 { GENESIS_HASH } else { prev.hash } || !rec.hash_is_valid() {
        return Err(StoreError::Inconsistent(format!("the hash chain is broken at seq {n}: the record was altered")));
    }
    Ok(())
}

fn write_json<W: Write + ?Sized, T: serde::Serialize>(out: &mut W, value: &T) -> Result<(), ArchiveError> {
    let mut text = serde_json::to_vec(value).map_err(|e| ArchiveError::Write(e.into()))?;
    text.push(b'\n');
    out.write_all(&text).map_err(ArchiveError::Write)
}

/// Checks an archive on its own, with no store and no write access: the
/// header; each record's envelope decodes (format 1 or 2); seqs gapless
/// from 1; each prev_hash is the previous record's hash and each hash
/// matches its content; recorded time never goes backwards; the line's
/// seq, hashes, recorded_at and fact JSON equal the decoded record's; the
/// trailer's head and count equal the last record's; nothing follows it.
/// The first failure is returned, naming its line and seq. Refs are not
/// checked for uniqueness (that would hold every ref in memory); a ref given
/// twice, which only a forged archive holds, fails the restore's final
/// verification of the ledger's indexes instead.
pub fn verify_archive<R: BufRead>(reader: R) -> Result<ArchiveSummary, ArchiveError> {
    let mut records = ArchiveReader::new(reader);
    for item in &mut records {
        item?;
    }
    Ok(*records.summary().expect("a reader that ends without an error has read the trailer"))
}

/// Rebuilds a ledger from an archive: verifies the whole archive first
/// (one pass) and appends nothing if it fails, then rewinds and appends it
/// with [`restore_verified`]. `ledger` must be empty ([`ArchiveError::NotEmpty`]).
pub fn restore<R: BufRead + Seek>(mut reader: R, ledger: &Ledger) -> Result<ArchiveSummary, ArchiveError> {
    check_empty(ledger)?;
    let verified = verify_archive(&mut reader)?;
    reader.rewind().map_err(|e| ArchiveError::Read { line: 0, message: format!("cannot rewind: {e}") })?;
    restore_verified(reader, ledger, &verified)
}

/// The append pass of a restore, for an archive [`verify_archive`] passed
/// as `verified`: reads it again (re-checking each line), appends its
/// records verbatim in chunks of [`RESTORE_CHUNK`] ([`Ledger::restore`]),
/// then verifies the ledger (`Ledger::verify`, which also checks the
/// indexes, so a ref given twice is caught) and that it ends at the
/// archive's head. An error here may leave a part of the archive appended
/// (the command restores into a temporary directory, removed on failure).
pub fn restore_verified<R: BufRead>(reader: R, ledger: &Ledger, verified: &ArchiveSummary) -> Result<ArchiveSummary, ArchiveError> {
    restore_verified_in_chunks(reader, ledger, verified, RESTORE_CHUNK)
}

/// [`restore_verified`] with `chunk` records per batch (at least 1).
pub fn restore_verified_in_chunks<R: BufRead>(reader: R, ledger: &Ledger, verified: &ArchiveSummary, chunk_len: usize) -> Result<ArchiveSummary, ArchiveError> {
    check_empty(ledger)?;
    let chunk_len = chunk_len.max(1);
    let mut records = ArchiveReader::new(reader);
    let mut chunk = Vec::with_capacity(chunk_len);
    for item in &mut records {
        chunk.push(item?);
        if chunk.len() == chunk_len {
            ledger.restore(std::mem::take(&mut chunk))?;
        }
    }
    ledger.restore(chunk)?;
    let summary = *records.summary().expect("a reader that ends without an error has read the trailer");
    if summary != *verified {
        return Err(ArchiveError::Changed(format!("head seq {}, verified head seq {}", summary.head.seq, verified.head.seq)));
    }
    let n = ledger.verify()?;
    let head = ledger.head()?;
    if n != summary.records || head != summary.head {
        return Err(StoreError::Inconsistent(format!("the restored ledger ends at seq {}, the archive at seq {}", head.seq, summary.head.seq)).into());
    }
    Ok(summary)
}

fn check_empty(ledger: &Ledger) -> Result<(), ArchiveError> {
    match ledger.head()?.seq.0 {
        0 => Ok(()),
        n => Err(ArchiveError::NotEmpty(n)),
    }
}
