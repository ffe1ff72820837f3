//! Issue 7: a large import writes its hash-index entries as runs in
//! temporary files instead of rewriting buckets, and holds its enterprise
//! lists until the commit. These tests pin what that must not change: lookups during
//! the import see every pending fact, the committed ledger is byte for byte
//! the one an import without runs writes, and an interrupted import leaves
//! exactly the committed ledger behind.

use model::fact::Kind;
use model::{parse_line, Seq, Timestamp, Uscc};
use store::{Appender, Ledger};

const USCCS: [&str; 4] = ["91660800000007919G", "91659001924574FK83", "91660800MA77C0020D", "91660800MA77D00104"];

fn fact(i: usize) -> (Timestamp, model::Fact) {
    let t = Timestamp::parse("2025-06-01T09:00:00+08:00").unwrap();
    let uscc = if i % 7 == 0 { USCCS[3] } else { USCCS[i % 3] };
    let line = format!(r#"{{"kind":"complaint_verified","ref":"C-{i}","enterprise":"{uscc}","occurred_on":"2025-05-01","channel":"report"}}"#);
    (t, parse_line(&line).unwrap().fact)
}

fn push(a: &mut Appender<'_>, range: std::ops::Range<usize>) {
    for i in range {
        let (t, f) = fact(i);
        a.push(t, f).unwrap();
    }
}

/// Every key and value of the ledger's tree, in key order.
fn dump(dir: &std::path::Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    // sled 0.34 releases its file lock from a background thread after the
    // last handle drops: a reopen right after may have to wait for it.
    let db = (0..250)
        .find_map(|_| sled::open(dir).ok().or_else(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            None
        }))
        .expect("the ledger reopens");
    let tree = db.open_tree("ledger/v2").unwrap();
    tree.iter().map(|kv| kv.unwrap()).map(|(k, v)| (k.to_vec(), v.to_vec())).collect()
}

/// Keys that are no chunk, list, bucket or head: a run must never be one.
fn strays_in(dump: &[(Vec<u8>, Vec<u8>)]) -> usize {
    dump.iter().filter(|(k, _)| !matches!((k[0], k.len()), (b'R', 9) | (b'E', 19) | (b'X' | b'P', 3) | (b'M', 5))).count()
}

/// A ledger of facts 0..100 committed, then 100..`to` appended with runs
/// every 10 facts (20 hash-index entries) and chunks every 30 records.
fn with_runs(dir: &std::path::Path, to: usize, commit: bool) {
    let l = Ledger::open(dir).unwrap();
    let mut a = l.appender(true).unwrap();
    push(&mut a, 0..100);
    a.commit().unwrap();
    let mut a = l.appender_tuned(true, 30, 20).unwrap();
    push(&mut a, 100..to);
    // Lookups see the facts spilled into runs, the written chunks and the held ones.
    assert_eq!(a.seq_of_ref("C-101").unwrap(), Some(Seq(102)));
    assert_eq!(a.seq_of_ref("C-5").unwrap(), Some(Seq(6)), "a committed ref");
    assert_eq!(a.seq_of_ref(&format!("C-{}", to - 1)).unwrap(), Some(Seq(to as u64)), "a held ref");
    assert_eq!(a.seq_of_ref("C-99999").unwrap(), None);
    let dup = a.probable_duplicate(&Uscc::parse(USCCS[1]).unwrap(), Kind::ComplaintVerified, "Ｃ-103").unwrap();
    assert_eq!(dup.map(|r| r.seq), Some(Seq(104)), "a full-width variant of a spilled ref");
    let e = Uscc::parse(USCCS[3]).unwrap();
    let seqs: Vec<u64> = a.enterprise_records(&e).unwrap().iter().map(|r| r.seq.0).collect();
    let expected: Vec<u64> = (0..to).filter(|i| i % 7 == 0).map(|i| i as u64 + 1).collect();
    assert_eq!(seqs, expected, "committed and pending records of one enterprise, in seq order");
    if commit {
        a.commit().unwrap();
    } else {
        // The process dies: no commit, no abort, no cleanup.
        std::mem::forget(a);
    }
}

/// The same facts, each import holding everything until its commit.
fn without_runs(dir: &std::path::Path, to: usize) {
    let l = Ledger::open(dir).unwrap();
    for range in [0..100, 100..to] {
        let mut a = l.appender(true).unwrap();
        push(&mut a, range);
        a.commit().unwrap();
    }
}

#[test]
fn issue7_an_import_with_index_runs_commits_the_same_bytes() {
    let (x, y) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    with_runs(x.path(), 400, true);
    without_runs(y.path(), 400);
    let (got, expected) = (dump(x.path()), dump(y.path()));
    assert_eq!(strays_in(&got), 0, "no run is ever stored in the ledger");
    assert!(got == expected, "a committed import with runs differs from one without");
    assert_eq!(Ledger::open(x.path()).unwrap().verify().unwrap(), 400);
}

#[test]
fn issue7_an_interrupted_import_with_runs_leaves_the_committed_ledger() {
    let (x, y) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    with_runs(x.path(), 400, false);
    without_runs(y.path(), 100);
    let y_dump = dump(y.path());
    let left = dump(x.path());
    assert_eq!(strays_in(&left), 0, "no run is ever stored in the ledger");
    assert!(left != y_dump, "the interrupted import had written chunks past the head");
    let l = Ledger::open(x.path()).unwrap();
    assert_eq!(l.verify().unwrap(), 100);
    drop(l);
    // The second import of `without_runs` committed nothing more (100..100).
    assert!(dump(x.path()) == y_dump, "recovery did not restore the committed ledger exactly");
}

#[test]
fn issue7_lookups_into_an_empty_ledger_see_spilled_runs() {
    // An empty ledger reads no stored bucket; only the runs' filters lead
    // to what was spilled.
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::open(dir.path()).unwrap();
    let mut a = l.appender_tuned(true, 30, 20).unwrap();
    push(&mut a, 0..300);
    for i in [0, 1, 150, 299] {
        assert_eq!(a.seq_of_ref(&format!("C-{i}")).unwrap(), Some(Seq(i as u64 + 1)), "ref C-{i}");
    }
    assert_eq!(a.seq_of_ref("C-300").unwrap(), None);
    let dup = a.probable_duplicate(&Uscc::parse(USCCS[2]).unwrap(), Kind::ComplaintVerified, "Ｃ-2").unwrap();
    assert_eq!(dup.map(|r| r.seq), Some(Seq(3)));
    a.commit().unwrap();
    assert_eq!(l.seq_of_ref("C-7").unwrap(), Some(Seq(8)));
    assert_eq!(l.verify().unwrap(), 300);
}
