//! The rules that keep the generator's output importable at any size
//! (issue 7): a termination ends only granted licences and is recorded after
//! their grants; one change registration per enterprise and day.

use super::plan::one_change_a_day;
use super::*;

const USCC: &str = "91659001MA0000000X";

fn term(no: &str, grant_on: NaiveDate, valid_from: NaiveDate, verify_on: Option<NaiveDate>) -> Term {
    Term {
        licence_no: no.into(),
        grant_on,
        valid_from,
        valid_to: plus_years(valid_from, 5),
        first: true,
        verify_on,
        verified: false,
    }
}

/// A licence holder since 2019 whose licence `XK01` expires on 2024-03-01
/// and is renewed under a new number `XK02`, granted on 2024-01-15.
fn renewing(seed: u64, termination: Option<NaiveDate>) -> Ent {
    let terms = vec![
        term("XK01-001-00001", d(2019, 3, 1), d(2019, 3, 1), None),
        term("XK01-001-00002", d(2024, 1, 15), d(2024, 3, 1), Some(d(2024, 2, 20))),
    ];
    holder(seed, terms, termination)
}

/// A holder of one licence `XK01-001-00003`, first granted on 2024-01-15.
fn fresh(seed: u64, termination: Option<NaiveDate>) -> Ent {
    let terms = vec![term("XK01-001-00003", d(2024, 1, 15), d(2024, 1, 15), None)];
    holder(seed, terms, termination)
}

fn holder(seed: u64, terms: Vec<Term>, termination: Option<NaiveDate>) -> Ent {
    let active_from = terms[0].grant_on;
    Ent {
        uscc: USCC.into(),
        rng: Rng::new(seed),
        licensed: true,
        worst_static: 0,
        licences: vec![Licence { cat: 0, prod: 0, terms }],
        key_product: None,
        active_from,
        active_end: termination.unwrap_or(plus(last_day(), 1)),
        termination: termination.map(|t| (t, "cancelled")),
        floors: BTreeMap::new(),
        profiles: BTreeMap::new(),
        load_time: d(2021, 1, 4).and_hms_opt(9, 0, 0).unwrap(),
    }
}

#[test]
fn issue7_a_termination_ends_only_granted_licences() {
    // Ending on the day the new number comes into force: that number was
    // never granted (its grant is not written), so it is not ended either;
    // the old one has expired that very day.
    let e = renewing(1, Some(d(2024, 3, 1)));
    assert!(!e.licences[0].terms[1].issued(d(2024, 3, 1)));
    assert_eq!(e.licence_nos_ended(d(2024, 3, 1), d(2024, 3, 1)), Vec::<String>::new());
    // Once verified, the grant is written, and ended with the enterprise.
    let mut v = renewing(1, Some(d(2024, 3, 1)));
    v.licences[0].terms[1].verified = true;
    assert!(v.licences[0].terms[1].issued(d(2024, 3, 1)));
    assert_eq!(v.licence_nos_ended(d(2024, 3, 1), d(2024, 3, 1)), ["XK01-001-00002"]);
    // Ending before: the old number, and the new one only if verified.
    let day = d(2024, 2, 25);
    assert_eq!(e.licence_nos_ended(day, day), ["XK01-001-00001"]);
    assert_eq!(v.licence_nos_ended(day, day), ["XK01-001-00001", "XK01-001-00002"]);
}

/// The facts of one enterprise after phase 3, by kind.
fn emitted(e: &mut Ent, gen: &mut Gen) -> Vec<(&'static str, String, NaiveDate, NaiveDateTime)> {
    gen.emit_all_licences(std::slice::from_mut(e));
    gen.facts
        .iter()
        .map(|f| {
            let no = match f.get("licence_no") {
                Some(J::S(s)) => s.clone(),
                _ => String::new(),
            };
            (f.kind, no, f.occurred, f.recorded)
        })
        .collect()
}

/// Every termination and verification is recorded after a grant of its
/// number dated on or before it (what import checks, in file order).
fn assert_granted_first(facts: &[(&'static str, String, NaiveDate, NaiveDateTime)], what: &str) {
    for (kind, no, on, at) in facts.iter().filter(|f| f.0 != "licence_granted") {
        let grant = facts
            .iter()
            .any(|g| g.0 == "licence_granted" && g.1 == *no && g.2 <= *on && g.3 < *at);
        assert!(grant, "{what}: {kind} of {no} on {on}, recorded {at}, before any grant of it");
    }
}

#[test]
fn issue7_a_planned_termination_is_recorded_after_the_grants_it_ends() {
    // A licence granted a few days before the enterprise stops: over many
    // draws the grant's recording lag often passes the termination's.
    for seed in 0..200 {
        let mut e = fresh(seed, Some(d(2024, 1, 18)));
        let mut gen = Gen::new("08", Serials::new());
        let facts = emitted(&mut e, &mut gen);
        assert!(facts.iter().any(|f| f.0 == "licence_terminated"));
        assert_granted_first(&facts, &format!("seed {seed}"));
    }
}

#[test]
fn issue7_a_grant_is_recorded_before_an_earlier_termination_of_it() {
    // A termination made in phase 2 (a revocation), recorded the day after
    // the grant's date: the grant written in phase 3 is recorded before it.
    for seed in 0..50 {
        let mut e = fresh(seed, None);
        let mut gen = Gen::new("08", Serials::new());
        let mut rng = Rng::new(seed);
        let how = ("兵市监许吊", "revoked_penalty", "依据行政处罚决定吊销生产许可证");
        let nos = e.licence_nos_ended(d(2024, 1, 16), d(2024, 1, 16));
        assert_eq!(nos, ["XK01-001-00003"]);
        gen.terminate_licences(&e, &mut rng, d(2024, 1, 16), nos, how, 1, None, &BTreeMap::new());
        e.active_end = d(2024, 1, 16);
        let facts = emitted(&mut e, &mut gen);
        assert_granted_first(&facts, &format!("seed {seed}"));
    }
}

#[test]
fn issue7_two_changes_on_one_day_get_distinct_days() {
    let day = d(2022, 1, 10);
    let mut changes = vec![(day, "scale"), (day, "name"), (plus(day, 1), "key_catalogue")];
    one_change_a_day(&mut changes, d(2026, 10, 1));
    let days: Vec<NaiveDate> = changes.iter().map(|c| c.0).collect();
    assert_eq!(days, [day, plus(day, 1), plus(day, 2)]);
    // No room left before the last allowed day: the extra change is dropped.
    let mut tight = vec![(day, "scale"), (day, "name")];
    one_change_a_day(&mut tight, day);
    assert_eq!(tight, [(day, "name")]);
}
