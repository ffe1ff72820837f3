//! What a decision record pins about a report: the engine that derived it,
//! a versioned canonical encoding of the report and the facts it was
//! derived from (docs/FORMAT.md "Decision records").

mod legacy;
mod writer;

use crate::GradeReport;
use model::{Record, Seq};
use sha2::{Digest, Sha256};

/// The grading engine, as recorded in a decision: the release that derived
/// the report. A decision that no longer reproduces under another engine is
/// a software change, not tampering.
pub const ENGINE_VERSION: &str = concat!("credit-ledger ", env!("CARGO_PKG_VERSION"));

/// The report encoding this engine writes into decisions.
///
/// - 1: SHA-256 of the report's pretty-printed JSON (record format 1 only;
///   still computed, for decisions issued then), without the clause trace.
/// - 2: SHA-256 of `credit-ledger report/2\n` followed by the report's
///   canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace,
///   numbers as serde_json writes them (scores with one decimal); without
///   the clause trace (`clause`, `scope`, `d_threshold`), which follows from
///   the pinned rule set and the rest of the report (docs/DECISIONS.md).
///
/// A change to the report's content or shape bumps this number (the golden
/// test `canonical_report_bytes_are_pinned` fails until it is bumped).
pub const REPORT_FORMAT: u16 = 2;

/// Hex SHA-256 of `report` in encoding `format`; `None` when this engine
/// does not know the format.
pub fn report_sha256(report: &GradeReport, format: u16) -> Option<String> {
    let bytes = match format {
        1 => legacy::pretty_json(report).into_bytes(),
        2 => {
            let mut out = Vec::with_capacity(4096);
            out.extend_from_slice(b"credit-ledger report/2\n");
            writer::report(report, &mut out);
            out
        }
        _ => return None,
    };
    Some(hex::encode(Sha256::digest(&bytes)))
}

/// The report's pretty JSON as encoding 1 hashes it: the `--format json`
/// form without the clause trace.
pub fn format_1_json(report: &GradeReport) -> String {
    legacy::pretty_json(report)
}

/// The report as canonical JSON (encoding 2): keys sorted, no whitespace,
/// no clause trace.
pub fn canonical_json(report: &GradeReport) -> String {
    let mut out = Vec::new();
    writer::report(report, &mut out);
    // Only JSON text was written: UTF-8 by construction.
    String::from_utf8(out).unwrap_or_default()
}

/// Hex SHA-256 over the chain hashes of `records` (one enterprise, seq
/// order) with seq ≤ `known_at`: exactly the facts a grade was derived from.
pub fn basis_sha256(records: &[Record], known_at: Seq) -> String {
    let mut h = Sha256::new();
    for r in records.iter().take_while(|r| r.seq <= known_at) {
        h.update(r.seq.0.to_be_bytes());
        h.update(r.hash);
    }
    hex::encode(h.finalize())
}
