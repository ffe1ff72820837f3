//! `make bench`: times the main paths on the fixture division, through the
//! same library calls as the binary. Reports medians of several runs; no
//! test asserts on time (timings vary by machine).
//!
//! Usage: cargo run --release --example bench [-- RUNS]

use ingest::{import, Input};
use model::{ChinaDate, Timestamp};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/division-08/facts.jsonl");
    let text = std::fs::read_to_string(path).expect("fixture");
    let now = Timestamp::parse("2026-11-30T00:00:00Z").unwrap();
    let on = ChinaDate::parse_plain("2025-12-31").unwrap();
    let book = rules::shipped().unwrap();
    let rules = book.in_force(on).unwrap();

    let (mut t_import, mut t_all, mut t_one) = (Vec::new(), Vec::new(), Vec::new());
    let mut facts = 0;
    let mut enterprises = 0;
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let ledger = store::Ledger::open(dir.path()).unwrap();
        let t = Instant::now();
        let out = import(&ledger, &[Input::new("facts", text.clone())], now).unwrap();
        t_import.push(t.elapsed());
        facts = out.appended as usize;
        let head = ledger.head().unwrap().seq;

        let t = Instant::now();
        let all = ledger.all_by_enterprise(head).unwrap();
        let graded: Vec<_> = all.iter().map(|(u, r)| grading::grade(u.as_str(), r, on, head, rules)).collect();
        t_all.push(t.elapsed());
        enterprises = graded.len();

        // One enterprise at a time, as `grade` does: index scan + decode + grade.
        let t = Instant::now();
        for u in all.keys() {
            let recs = ledger.enterprise_records(u, head).unwrap();
            std::hint::black_box(grading::grade(u.as_str(), &recs, on, head, rules));
        }
        t_one.push(t.elapsed() / all.len() as u32);
    }
    let ti = median(t_import);
    println!("fixture: {facts} facts, {enterprises} enterprises, {runs} runs (medians)");
    println!("import (validate + one atomic flushed append): {:>9.1?}  ({:.0} facts/s)", ti, facts as f64 / ti.as_secs_f64());
    println!("grade-all, V = {on}:                        {:>9.1?}", median(t_all));
    println!("grade one enterprise (index scan + grade):     {:>9.1?}", median(t_one));
}
