//! A plan brought up to date for grade changes (issue 11 item 4).

use model::fact::Grade;
use model::ChinaDate;
use rules::RuleSet;
use supervision::plan::Purpose;
use supervision::update::{open_from, Planned};
use supervision::{update, Cadence, Current, Entry, Move, Plan};

fn rules() -> RuleSet {
    RuleSet::parse("xpcc-revised.toml", include_bytes!("../../../fixtures/rules/xpcc-revised.toml")).unwrap()
}

fn entry(id: &str, grade: Grade, mandatory: [u32; 4], sampling_quarter: Option<u8>) -> Entry {
    Entry {
        enterprise: id.into(),
        name: format!("企业{id}"),
        grade,
        decision: format!("GI-{id}"),
        cadence: Cadence::HalfYear,
        mandatory,
        sampled: sampling_quarter.is_some(),
        sampling_quarter,
    }
}

fn plan(enterprises: Vec<Entry>) -> Plan {
    Plan {
        plan_format: 1,
        year: 2026,
        division: "08".into(),
        known_at_seq: 1,
        head_hash: "00".into(),
        salt: "s".into(),
        rules_id: "xpcc-revised".into(),
        rules_sha256: String::new(),
        draw_version: 1,
        seed: String::new(),
        grades: vec![],
        enterprises,
        inspections: vec![],
    }
}

fn now(id: &str, grade: Option<Grade>) -> Current {
    Current { enterprise: id.into(), name: format!("企业{id}"), grade, reason: format!("reason of {id}") }
}

fn on(s: &str) -> ChinaDate {
    ChinaDate::parse_plain(s).unwrap()
}

fn m(quarter: u8) -> Planned {
    Planned { quarter, purpose: Purpose::Mandatory }
}

#[test]
fn issue11_open_quarters_start_at_the_dates_quarter() {
    assert_eq!(open_from(2026, on("2026-01-01")), 1);
    assert_eq!(open_from(2026, on("2026-03-31")), 1);
    assert_eq!(open_from(2026, on("2026-04-01")), 2);
    assert_eq!(open_from(2026, on("2026-12-31")), 4);
    assert_eq!(open_from(2026, on("2025-12-31")), 1);
    assert_eq!(open_from(2026, on("2027-01-01")), 5);
}

#[test]
fn issue11_moving_to_d_adds_quarterly_inspections_and_sampling_in_open_quarters() {
    let r = rules();
    let p = plan(vec![entry("b1", Grade::B, [1, 0, 0, 1], None)]);
    // On 1 May (Q2 open): D = one a quarter, 100 % sampling.
    let u = update(&p, &r, on("2026-05-01"), &[now("b1", Some(Grade::D))]);
    assert_eq!(u.first_open_quarter, 2);
    let c = &u.changes[0];
    assert_eq!((c.from, c.to, c.movement), (Some(Grade::B), Some(Grade::D), Move::Stricter));
    assert_eq!(c.added, vec![m(2), m(3), Planned { quarter: 2, purpose: Purpose::Sampling }], "Q1 is history; Q4 already had one");
    assert!(c.dropped.is_empty());
    assert_eq!(c.reason, "reason of b1");
    assert_eq!((u.inspections_added, u.inspections_dropped), (3, 0));
}

#[test]
fn issue11_moving_to_a_drops_open_inspections_and_sampling() {
    let r = rules();
    let p = plan(vec![entry("c1", Grade::C, [0, 1, 1, 0], Some(3)), entry("d1", Grade::D, [1, 1, 1, 1], Some(1))]);
    let u = update(&p, &r, on("2026-04-15"), &[now("c1", Some(Grade::A)), now("d1", Some(Grade::D))]);
    assert_eq!(u.changes.len(), 1, "an unchanged grade is no change");
    let c = &u.changes[0];
    assert_eq!(c.movement, Move::Looser);
    assert!(c.added.is_empty());
    // A: ratio 5 % is not 0, so the drawn sampling stays; mandatory ones go.
    assert_eq!(c.dropped, vec![m(2), m(3)]);
}

#[test]
fn issue11_half_year_regime_keeps_the_planned_quarter_when_open() {
    let r = rules();
    // D → B on 1 Feb: one per half-year; the plan had Q1..Q4; H1 keeps its
    // first open quarter (Q1), H2 the first (Q3).
    let p = plan(vec![entry("d1", Grade::D, [1, 1, 1, 1], Some(2))]);
    let u = update(&p, &r, on("2026-02-01"), &[now("d1", Some(Grade::B))]);
    assert_eq!(u.changes[0].dropped, vec![m(2), m(4)]);
    // A → C on 1 Aug: H1 closed; one in H2, its first open quarter (Q3).
    let p = plan(vec![entry("a1", Grade::A, [0; 4], None)]);
    let u = update(&p, &r, on("2026-08-01"), &[now("a1", Some(Grade::C))]);
    assert_eq!(u.changes[0].added, vec![m(3)]);
    // B with the H2 inspection in Q4 → C on 1 Jul: it stays in Q4.
    let p = plan(vec![entry("b1", Grade::B, [1, 0, 0, 1], None)]);
    let u = update(&p, &r, on("2026-07-01"), &[now("b1", Some(Grade::C))]);
    assert!(u.changes[0].added.is_empty() && u.changes[0].dropped.is_empty(), "{:?}", u.changes[0]);
}

#[test]
fn issue11_entering_and_leaving_the_scope() {
    let r = rules();
    let p = plan(vec![entry("b1", Grade::B, [0, 1, 1, 0], Some(4))]);
    let u = update(&p, &r, on("2026-06-30"), &[now("b1", None), now("n1", Some(Grade::D))]);
    let left = u.changes.iter().find(|c| c.enterprise == "b1").unwrap();
    assert_eq!(left.movement, Move::Left);
    assert_eq!(left.dropped, vec![m(2), m(3), Planned { quarter: 4, purpose: Purpose::Sampling }]);
    let entered = u.changes.iter().find(|c| c.enterprise == "n1").unwrap();
    assert_eq!((entered.from, entered.movement), (None, Move::Entered));
    assert_eq!(entered.added, vec![m(2), m(3), m(4), Planned { quarter: 2, purpose: Purpose::Sampling }]);
    assert_eq!(u.changes.iter().map(|c| c.enterprise.as_str()).collect::<Vec<_>>(), ["b1", "n1"], "USCC order");
}

/// An odd count (here C: 3 a year): the remainder goes first to open
/// quarters that already had one, then to the earliest open ones.
#[test]
fn issue11_odd_counts_reschedule_into_planned_then_earliest_quarters() {
    let text = std::str::from_utf8(include_bytes!("../../../fixtures/rules/xpcc-revised.toml")).unwrap();
    let edited = text
        .replace("inspections_per_year = { A = 0, B = 2, C = 2, D = 4 }", "inspections_per_year = { A = 0, B = 2, C = 3, D = 4 }")
        .replace("id = \"xpcc-revised\"", "id = \"odd\"");
    let r = RuleSet::parse("odd.toml", edited.as_bytes()).unwrap();
    let p = plan(vec![entry("a1", Grade::A, [0; 4], None)]);
    let u = update(&p, &r, on("2026-04-01"), &[now("a1", Some(Grade::C))]);
    assert_eq!(u.changes[0].added, vec![m(2), m(3), m(4)]);
    let p = plan(vec![entry("d1", Grade::D, [1, 1, 1, 1], None)]);
    let u = update(&p, &r, on("2026-01-15"), &[now("d1", Some(Grade::C))]);
    assert_eq!(u.changes[0].dropped, vec![m(4)], "three of four planned quarters kept, the earliest");
    // B with its second-half inspection in Q4 → C on 1 Jul: Q4 kept, then Q3.
    let p = plan(vec![entry("b1", Grade::B, [1, 0, 0, 1], None)]);
    let u = update(&p, &r, on("2026-07-01"), &[now("b1", Some(Grade::C))]);
    assert_eq!((u.changes[0].added.clone(), u.changes[0].dropped.clone()), (vec![m(3)], vec![]));
}
