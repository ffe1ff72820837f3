//! Issue 8: rule-set adoptions are ledger-wide records, listed under their
//! own key (`A`), in no enterprise's file; recovery and `verify` keep that
//! list exact like the other indexes.

use model::fact::{Body, RuleSetAdopted, Source};
use model::{parse_line, ChinaDate, Fact, Seq, Timestamp, Uscc};
use store::Ledger;

const AUTH: &str = "11660000MB00000002";

fn t() -> Timestamp {
    Timestamp::parse("2026-01-02T09:00:00+08:00").unwrap()
}

fn complaint(i: usize) -> Fact {
    let line = format!(r#"{{"kind":"complaint_verified","ref":"C-{i}","enterprise":"91660800000007919G","occurred_on":"2025-05-01","channel":"report"}}"#);
    parse_line(&line).unwrap().fact
}

fn adoption(id: &str) -> Fact {
    Fact {
        reference: format!("RULES-{id}"),
        enterprise: Uscc::parse(AUTH).unwrap(),
        occurred_on: ChinaDate::from_ymd(2026, 1, 1).unwrap(),
        source: Source::Manual,
        note: None,
        body: Body::RuleSetAdopted(RuleSetAdopted {
            id: id.into(),
            sha256: "0".repeat(64),
            effective_from: ChinaDate::from_ymd(2026, 1, 1).unwrap(),
            effective_to: None,
            replaces: None,
            file: format!("id = \"{id}\"\n"),
        }),
    }
}

#[test]
fn issue8_adoptions_are_listed_apart_from_every_enterprise() {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::open(dir.path()).unwrap();
    l.append(vec![(t(), complaint(1)), (t(), adoption("a")), (t(), complaint(2))]).unwrap();
    let seqs: Vec<Seq> = l.adoptions(Seq(3)).unwrap().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, vec![Seq(2)]);
    assert!(l.adoptions(Seq(1)).unwrap().is_empty(), "not known at K = 1");
    let auth = Uscc::parse(AUTH).unwrap();
    assert!(!l.has_enterprise(&auth).unwrap(), "the authority has no enterprise file");
    let walked: Vec<Uscc> = l.enterprises(Seq(3)).map(|e| e.unwrap().0).collect();
    assert_eq!(walked, vec![Uscc::parse("91660800000007919G").unwrap()]);
    let stored: Vec<Uscc> = l.enterprises_stored(Seq(3)).map(|e| e.unwrap().uscc).collect();
    assert_eq!(stored.len(), 1, "the walk hands out no adoption");
    assert_eq!(l.verify().unwrap(), 3);
}

#[test]
fn issue8_an_interrupted_adoption_is_discarded_with_its_index_entry() {
    let dir = tempfile::tempdir().unwrap();
    let committed = {
        let l = Ledger::open(dir.path()).unwrap();
        l.append(vec![(t(), adoption("a"))]).unwrap();
        let dump = l.dump().unwrap();
        let mut a = l.appender_tuned(true, 1, 1 << 20).unwrap();
        a.push(t(), complaint(1)).unwrap();
        a.push(t(), adoption("b")).unwrap();
        a.push(t(), complaint(2)).unwrap();
        // The process dies with the chunks written past the head.
        std::mem::forget(a);
        dump
    };
    let l = Ledger::open(dir.path()).unwrap();
    assert!(l.dump().unwrap() == committed, "recovery restored the committed ledger, adoption index included");
    assert_eq!(l.adoptions(Seq(u64::MAX)).unwrap().len(), 1);
    assert_eq!(l.verify().unwrap(), 1);
}
