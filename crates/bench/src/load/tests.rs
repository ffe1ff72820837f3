//! The generator's core with tiny numbers: no timing, only that every
//! acknowledged append is in the ledger and that the counts add up.

use crate::phase::{run, Spec};
use std::time::Duration;

fn spec(scratch: &std::path::Path, max_round: usize) -> Spec {
    Spec {
        enterprises: 4,
        writers: 2,
        appends: 5,
        time: Duration::from_secs(120),
        readers: 1,
        max_round,
        scratch: scratch.to_path_buf(),
        seed: 7,
    }
}

#[test]
fn issue9_load_smoke_every_acknowledged_append_is_in_the_ledger() {
    let scratch = tempfile::tempdir().unwrap();
    for max_round in [server::writer::MAX_ROUND, 1] {
        let out = run(&spec(scratch.path(), max_round)).unwrap_or_else(|e| panic!("max_round {max_round}: {e}"));
        // `run` itself fails when an acknowledged ref is missing; the counts:
        assert_eq!(out.acked, 10, "max_round {max_round}: 2 writers × 5 appends, all acknowledged");
        assert_eq!(out.append_latency.len(), 10);
        assert_eq!(out.head, 2 * 4 + 10, "max_round {max_round}: 4 enterprises × 2 pre-loaded facts + 10 appends");
        assert!(!out.read_latency.is_empty(), "max_round {max_round}: the reader read at least once");
        assert!(!out.by_time, "stopped by the count, not the time bound");
    }
}

#[test]
fn issue9_load_a_phase_stops_at_the_time_bound() {
    let scratch = tempfile::tempdir().unwrap();
    let s = Spec { writers: 1, appends: u64::MAX, time: Duration::from_millis(300), ..spec(scratch.path(), 1) };
    let out = run(&s).unwrap();
    assert!(out.by_time);
    assert_eq!(out.head, 8 + out.acked, "every acknowledged append, and nothing else, was appended");
}

#[test]
fn issue9_load_a_missing_acknowledged_ref_is_reported() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = crate::harness::Harness::start(scratch.path(), 1).unwrap().stop().unwrap();
    let never = "PEN-LOAD-NEVER".to_string();
    let err = crate::phase::check_ledger(&dir.path().join("ledger"), &[&never]).unwrap_err();
    assert!(err.to_string().contains("1 acknowledged ref(s) are missing from the ledger, e.g. PEN-LOAD-NEVER"), "{err}");
}

#[test]
fn issue9_load_the_readers_read_is_a_grade_report() {
    let scratch = tempfile::tempdir().unwrap();
    let h = crate::harness::Harness::start(scratch.path(), 1).unwrap();
    let c = crate::client::Client::new(&h.url);
    let (status, text) = c.post(Some(crate::facts::WRITER_TOKEN), "/import?format=json", &crate::facts::preload(2)).unwrap();
    assert_eq!(status, 200, "{text}");
    let uscc = crate::facts::uscc(2);
    let (status, text) = c.get(Some(crate::facts::READER_TOKEN), &crate::client::read_path(&uscc)).unwrap();
    assert_eq!(status, 200, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["enterprise"], uscc.as_str(), "{text}");
    assert!(v.get("grade").is_some(), "{text}");
    h.stop().unwrap();
}
