//! Issue 7: the same layout on redb behind the store trait. The two stores
//! must hold the same keys and values byte for byte after the same appends
//! (so the benchmarks compare stores, not layouts), and the commit point
//! and recovery must work on redb as they do on sled.

use model::{parse_line, Seq, Timestamp};
use store::{Appender, Ledger, StoreKind};

const USCCS: [&str; 3] = ["91660800000007919G", "91659001924574FK83", "91660800MA77C0020D"];

fn push(a: &mut Appender<'_>, range: std::ops::Range<usize>) {
    let t = Timestamp::parse("2025-06-01T09:00:00+08:00").unwrap();
    for i in range {
        let uscc = USCCS[i % 3];
        let line = format!(r#"{{"kind":"complaint_verified","ref":"C-{i}","enterprise":"{uscc}","occurred_on":"2025-05-01","channel":"report"}}"#);
        a.push(t, parse_line(&line).unwrap().fact).unwrap();
    }
}

/// Facts 0..100 committed, then 100..`to` with chunks written every 30
/// records and index runs every 20 entries; committed or not.
fn write(l: &Ledger, to: usize, commit: bool) {
    let mut a = l.appender(true).unwrap();
    push(&mut a, 0..100);
    a.commit().unwrap();
    let mut a = l.appender_tuned(true, 30, 20).unwrap();
    push(&mut a, 100..to);
    if commit {
        a.commit().unwrap();
    } else {
        // The process dies mid-import: no commit, no abort, no cleanup.
        std::mem::forget(a);
    }
}

#[test]
fn issue7_redb_holds_the_same_bytes_as_sled() {
    let (s, r) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let sled = Ledger::open_or_create(s.path(), StoreKind::Sled).unwrap();
    let redb = Ledger::open_or_create(r.path(), StoreKind::Redb).unwrap();
    assert_eq!((sled.store_kind(), redb.store_kind()), (StoreKind::Sled, StoreKind::Redb));
    write(&sled, 400, true);
    write(&redb, 400, true);
    let (a, b) = (sled.dump().unwrap(), redb.dump().unwrap());
    assert!(a.len() > 10, "the dump holds the chunks, lists, buckets and head");
    assert!(a == b, "the same appends left different keys or values on sled and redb");
    assert_eq!(redb.verify().unwrap(), 400);
    assert_eq!(redb.head().unwrap(), sled.head().unwrap());
}

#[test]
fn issue7_a_redb_ledger_reopens_on_redb_whatever_is_asked() {
    let r = tempfile::tempdir().unwrap();
    {
        let l = Ledger::open_or_create(r.path(), StoreKind::Redb).unwrap();
        write(&l, 150, true);
    }
    assert_eq!(StoreKind::of_dir(r.path()), Some(StoreKind::Redb));
    assert!(Ledger::exists(r.path()));
    let l = Ledger::open(r.path()).unwrap();
    assert_eq!(l.store_kind(), StoreKind::Redb);
    assert_eq!(l.head().unwrap().seq, Seq(150));
    assert_eq!(l.verify().unwrap(), 150);
}

#[test]
fn issue7_an_interrupted_import_on_redb_leaves_the_committed_ledger() {
    let (r, s) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let committed = {
        let l = Ledger::open_or_create(s.path(), StoreKind::Redb).unwrap();
        write(&l, 100, true);
        l.dump().unwrap()
    };
    let left = {
        let l = Ledger::open_or_create(r.path(), StoreKind::Redb).unwrap();
        write(&l, 400, false);
        l.dump().unwrap()
    };
    assert!(left.len() > committed.len(), "the interrupted import had written chunks past the head");
    let l = Ledger::open(r.path()).unwrap();
    assert_eq!(l.head().unwrap().seq, Seq(100));
    assert!(l.dump().unwrap() == committed, "recovery on redb did not restore the committed ledger exactly");
    assert_eq!(l.verify().unwrap(), 100);
}
