//! Runs every scenario in fixtures/scenarios/ (format: its README): imports
//! the facts into a fresh ledger, grades each expectation and compares the
//! grade, score, conditions, triggers, raise, deductions, every status and,
//! when given, the name and division in force on V (the comparisons are in
//! crates/grading/tests/scenario/mod.rs, shared with the grading crate's
//! in-memory runner).
//!
//! A libtest-mimic harness (`harness = false`): each file is its own test,
//! named by its stem, so `cargo test --test scenarios -- a2-rectified-on-time`
//! runs just that one (docs/TESTING.md).

#[path = "../crates/grading/tests/scenario/mod.rs"]
mod scenario;

use model::{Seq, Timestamp};
use scenario::Source;
use std::path::Path;

/// The harness's "now": facts without recorded_at are recorded then.
fn now() -> Timestamp {
    Timestamp::parse("2027-01-01T00:00:00Z").unwrap()
}

impl Source for store::Ledger {
    fn head(&self) -> Seq {
        store::Ledger::head(self).unwrap().seq
    }

    fn first_enterprise_known_at(&self, k: Seq) -> (String, Vec<model::Record>) {
        let mut all = self.all_by_enterprise(k).unwrap();
        let first = self.record(Seq(1)).unwrap().unwrap().fact.enterprise;
        (first.as_str().to_string(), all.remove(&first).unwrap_or_default())
    }
}

/// Runs one scenario; returns its mismatches.
fn run(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let sc = match scenario::read(path) {
        Ok(s) => s,
        Err(e) => return vec![e],
    };
    let dir = tempfile::tempdir().unwrap();
    let ledger = store::Ledger::open(dir.path()).unwrap();
    let input = ingest::Input::new(name.clone(), sc.facts.clone());
    if let Err(e) = ingest::import(&ledger, &[input], now()) {
        return vec![format!("{name}: import failed: {e:?}")];
    }
    scenario::check(&name, &sc, &ledger)
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    libtest_mimic::run(&args, scenario::trials(env!("CARGO_MANIFEST_DIR"), run)).exit();
}
