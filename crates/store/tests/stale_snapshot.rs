//! Issue 6, input 4: what a failed snapshot write leaves behind (an empty
//! or partial `snap.*.generating`) no longer keeps the ledger from opening.

use model::{parse_line, Timestamp};
use std::path::Path;
use store::Ledger;

fn facts(n: usize) -> Vec<(Timestamp, model::Fact)> {
    let t = Timestamp::parse("2025-06-01T09:00:00+08:00").unwrap();
    (0..n)
        .map(|i| {
            let line = format!(
                r#"{{"kind":"complaint_verified","ref":"C-{i}","enterprise":"91660800000007919G","occurred_on":"2025-05-01","channel":"report"}}"#
            );
            (t, parse_line(&line).unwrap().fact)
        })
        .collect()
}

/// sled 0.34.7 alone, retried while a dropped handle still holds the lock.
fn sled_open(dir: &Path) -> sled::Result<sled::Db> {
    for _ in 0..100 {
        match sled::open(dir) {
            Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => return other,
        }
    }
    sled::open(dir)
}

#[test]
fn issue6_4_an_unfinished_snapshot_file_is_removed_before_opening() {
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path();
    {
        let ledger = Ledger::open(l).unwrap();
        assert_eq!(ledger.append(facts(5)).unwrap().len(), 5);
    }
    // The next open writes a snapshot; then what a full disk leaves behind.
    drop(Ledger::open(l).unwrap());
    std::fs::write(l.join("snap.7FFFFFFFFFFFFFFF.generating"), b"").unwrap();
    std::fs::write(l.join("snap.7FFFFFFFFFFFFFFE.generating"), vec![0xA5; 300]).unwrap();
    // sled itself then refuses the directory …
    let Err(e) = sled_open(l) else { panic!("sled 0.34.7 picks the unfinished snapshot") };
    assert!(e.to_string().contains("corrupted"), "{e}");
    // … the ledger removes what was never committed and opens, whole.
    let ledger = Ledger::open(l).unwrap();
    assert_eq!(ledger.verify().unwrap(), 5);
    let left: Vec<String> = std::fs::read_dir(l).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!left.iter().any(|n| n.ends_with(".generating")), "{left:?}");
    assert!(left.iter().any(|n| n.starts_with("snap.")), "the committed snapshot stays: {left:?}");
}

#[test]
fn issue6_8_a_scratch_ledger_is_empty_and_leaves_nothing() {
    let scratch = Ledger::scratch().unwrap();
    assert_eq!(scratch.head().unwrap().seq.0, 0);
    assert_eq!(scratch.verify().unwrap(), 0);
    let dir = tempfile::tempdir().unwrap();
    assert!(!Ledger::exists(&dir.path().join("nothing")));
    assert!(!Ledger::exists(dir.path()), "an empty directory is no ledger");
}
