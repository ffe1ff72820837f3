//! Issue 11: supervision plans (`plan_issued`) are ledger-wide records like
//! rule-set adoptions: listed under the same key (`A`), in no enterprise's
//! file, trimmed by recovery and checked by `verify` like the other indexes.

use model::fact::{Body, PlanIssued, RuleSetAdopted, Source};
use model::{parse_line, ChinaDate, Fact, Seq, Timestamp, Uscc};
use store::Ledger;

const AUTH: &str = "11660000MB00000002";
const FIRM: &str = "91660800000007919G";

fn t() -> Timestamp {
    Timestamp::parse("2026-01-05T09:00:00+08:00").unwrap()
}

fn complaint(i: usize) -> Fact {
    let line = format!(r#"{{"kind":"complaint_verified","ref":"C-{i}","enterprise":"{FIRM}","occurred_on":"2025-05-01","channel":"report"}}"#);
    parse_line(&line).unwrap().fact
}

fn authority_fact(reference: String, body: Body) -> Fact {
    Fact { reference, enterprise: Uscc::parse(AUTH).unwrap(), occurred_on: ChinaDate::from_ymd(2026, 1, 5).unwrap(), source: Source::Manual, note: None, body }
}

fn adoption(id: &str) -> Fact {
    authority_fact(
        format!("RULES-{id}"),
        Body::RuleSetAdopted(RuleSetAdopted {
            id: id.into(),
            sha256: "0".repeat(64),
            effective_from: ChinaDate::from_ymd(2026, 1, 1).unwrap(),
            effective_to: None,
            replaces: None,
            file: format!("id = \"{id}\"\n"),
        }),
    )
}

fn plan(division: &str, year: i32) -> Fact {
    authority_fact(
        format!("PLAN-{division}-{year}"),
        Body::PlanIssued(PlanIssued {
            year,
            division: division.into(),
            known_at_seq: 1,
            head_hash: "1".repeat(64),
            salt: "2026-01-02 announced".into(),
            rules_id: "xpcc-trial".into(),
            rules_sha256: "2".repeat(64),
            inspectors: Some("[[inspector]]\nid = \"I-1\"\n".into()),
            draw_version: 1,
            engine_version: "credit-ledger test".into(),
            plan_sha256: "3".repeat(64),
        }),
    )
}

fn seqs(records: &[model::Record]) -> Vec<Seq> {
    records.iter().map(|r| r.seq).collect()
}

#[test]
fn issue11_plans_are_listed_apart_from_every_enterprise_and_from_the_adoptions() {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::open(dir.path()).unwrap();
    l.append(vec![(t(), complaint(1)), (t(), adoption("a")), (t(), plan("08", 2026)), (t(), complaint(2)), (t(), plan("07", 2026))]).unwrap();
    assert_eq!(seqs(&l.plans(Seq(5)).unwrap()), vec![Seq(3), Seq(5)], "every plan, in seq order");
    assert_eq!(seqs(&l.plans(Seq(4)).unwrap()), vec![Seq(3)], "only the plans known at K = 4");
    assert!(l.plans(Seq(2)).unwrap().is_empty());
    assert_eq!(seqs(&l.plans(Seq(u64::MAX)).unwrap()), vec![Seq(3), Seq(5)], "bounded by the head");
    let Body::PlanIssued(p) = &l.plans(Seq(5)).unwrap()[1].fact.body else { panic!("a plan") };
    assert_eq!(p.division, "07");
    // The adoption listing is unaffected: plans share the key, not the answer.
    assert_eq!(seqs(&l.adoptions(Seq(5)).unwrap()), vec![Seq(2)]);
    // No enterprise file holds a plan; the authority has none.
    let auth = Uscc::parse(AUTH).unwrap();
    assert!(!l.has_enterprise(&auth).unwrap(), "the authority has no enterprise file");
    let firm = Uscc::parse(FIRM).unwrap();
    assert_eq!(seqs(&l.enterprise_records(&firm, Seq(5)).unwrap()), vec![Seq(1), Seq(4)]);
    let walked: Vec<Uscc> = l.enterprises(Seq(5)).map(|e| e.unwrap().0).collect();
    assert_eq!(walked, vec![firm]);
    let stored: Vec<Uscc> = l.enterprises_stored(Seq(5)).map(|e| e.unwrap().uscc).collect();
    assert_eq!(stored, vec![firm], "the walk hands out no plan");
    let partitioned: Vec<Uscc> = l.enterprises_partitioned(Seq(5), 1).map(|e| e.unwrap().0).collect();
    assert_eq!(partitioned, vec![firm]);
    assert_eq!(l.verify().unwrap(), 5);
    // The record reads back exactly as appended.
    assert_eq!(l.record_by_ref("PLAN-08-2026").unwrap().unwrap().fact, plan("08", 2026));
}

#[test]
fn issue11_an_interrupted_plan_is_discarded_with_its_index_entry() {
    let dir = tempfile::tempdir().unwrap();
    let committed = {
        let l = Ledger::open(dir.path()).unwrap();
        l.append(vec![(t(), plan("08", 2026))]).unwrap();
        let dump = l.dump().unwrap();
        let mut a = l.appender_tuned(true, 1, 1 << 20).unwrap();
        a.push(t(), complaint(1)).unwrap();
        a.push(t(), plan("08", 2027)).unwrap();
        a.push(t(), adoption("b")).unwrap();
        // The process dies with the chunks written past the head.
        std::mem::forget(a);
        dump
    };
    let l = Ledger::open(dir.path()).unwrap();
    assert!(l.dump().unwrap() == committed, "recovery restored the committed ledger, ledger-wide index included");
    assert_eq!(seqs(&l.plans(Seq(u64::MAX)).unwrap()), vec![Seq(1)]);
    assert!(l.adoptions(Seq(u64::MAX)).unwrap().is_empty());
    assert_eq!(l.verify().unwrap(), 1);
}

#[test]
fn issue11_verify_notices_a_plan_missing_from_the_ledger_wide_index() {
    let dir = tempfile::tempdir().unwrap();
    {
        let l = Ledger::open(dir.path()).unwrap();
        l.append(vec![(t(), adoption("a")), (t(), complaint(1)), (t(), plan("08", 2026))]).unwrap();
        assert_eq!(l.verify().unwrap(), 3);
    }
    store::tamper::remove_ledger_wide_entry(dir.path(), Seq(3)).unwrap();
    let l = Ledger::open(dir.path()).unwrap();
    let e = l.verify().unwrap_err().to_string();
    assert!(e.contains("ledger-wide index"), "{e}");
    assert!(l.plans(Seq(3)).unwrap().is_empty(), "the damaged index lists no plan");
    assert_eq!(l.adoptions(Seq(3)).unwrap().len(), 1);
}

#[test]
fn issue11_a_restored_plan_is_listed_as_ledger_wide() {
    let from = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    let a = Ledger::open(from.path()).unwrap();
    a.append(vec![(t(), complaint(1)), (t(), plan("08", 2026))]).unwrap();
    let stored: Vec<_> = a.stored_records(Seq(1), Seq(2)).map(|r| r.unwrap()).collect();
    let b = Ledger::open(to.path()).unwrap();
    b.restore(stored).unwrap();
    assert_eq!(seqs(&b.plans(Seq(2)).unwrap()), vec![Seq(2)]);
    assert!(!b.has_enterprise(&Uscc::parse(AUTH).unwrap()).unwrap());
    assert_eq!(b.verify().unwrap(), 2);
}
