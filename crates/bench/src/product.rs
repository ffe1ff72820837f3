//! The product in-process: one enterprise read from the ledger and graded,
//! through the library calls `credit-ledger grade` makes
//! (crates/commands/src/commands/grade.rs). The one file to adapt when the store's
//! API changes.

use crate::worker::{sample_lines, us};
use std::path::Path;
use std::time::Instant;

/// Opens the ledger, then for each sampled USCC: its records up to the head
/// (read), then `grading::grade_and_scope` with the rule set in force on `on`.
/// Reports the open time, read + grade p50/p99 and read-only p50/p99 in µs.
pub fn read(dir: &Path, sample: &Path, on: &str) -> Result<serde_json::Value, String> {
    let ents = sample_lines(sample)?;
    let on = model::ChinaDate::parse_plain(on).map_err(|e| format!("--on: {e}"))?;
    let book = rules::shipped().map_err(|e| e.to_string())?;
    let rules = book.in_force(on).ok_or("no rule set in force")?.clone();
    let t = Instant::now();
    let ledger = store::Ledger::open(dir).map_err(|e| e.to_string())?;
    let head = ledger.head().map_err(|e| e.to_string())?.seq;
    let opened = t.elapsed();
    let (mut total, mut reads, mut records) = (Vec::new(), Vec::new(), 0u64);
    for u in &ents {
        let t = Instant::now();
        let uscc = model::Uscc::parse(u).map_err(|e| format!("{u}: {e}"))?;
        let recs = ledger.enterprise_records(&uscc, head).map_err(|e| e.to_string())?;
        let read = t.elapsed();
        let graded = grading::grade_and_scope(uscc.as_str(), &recs, on, head, &rules);
        std::hint::black_box(graded);
        total.push(t.elapsed());
        reads.push(read);
        records += recs.len() as u64;
    }
    let mut v = crate::sqlite::latencies(opened, &total, records);
    v["read_p50_us"] = us(crate::stats::percentile(&reads, 50)).into();
    v["read_p99_us"] = us(crate::stats::percentile(&reads, 99)).into();
    Ok(v)
}
