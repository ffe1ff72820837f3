//! The plan's draw against its documented construction (issue 11).

use model::fact::Grade;
use rules::RuleSet;
use supervision::draw::seed;
use supervision::{draw_plan, Draw, Graded, Inputs, Inspectors, Plan, Purpose};

fn rules() -> RuleSet {
    RuleSet::parse("xpcc-revised.toml", include_bytes!("../../../fixtures/rules/xpcc-revised.toml")).unwrap()
}

/// A valid USCC for a number (check character computed).
fn uscc(n: u32) -> String {
    let first17 = format!("91650800MA{:07}", n);
    let c = model::Uscc::check_char(first17.as_bytes()) as char;
    format!("{first17}{c}")
}

/// 10 A, 15 B, 10 C, 5 D.
fn graded() -> Vec<Graded> {
    (0..40u32)
        .map(|i| {
            let grade = match i {
                0..=9 => Grade::A,
                10..=24 => Grade::B,
                25..=34 => Grade::C,
                _ => Grade::D,
            };
            Graded { enterprise: uscc(i), name: format!("企业{i}"), grade, decision: format!("GI-2025-{i}") }
        })
        .rev() // the input order does not matter
        .collect()
}

const HEAD: &str = "ab12000000000000000000000000000000000000000000000000000000000000";

fn plan_with(rules: &RuleSet, head: &str, salt: &str, pool: Option<&Inspectors>) -> Plan {
    draw_plan(Inputs { year: 2026, division: "08", known_at_seq: 99, head_hash: head, salt, rules, enterprises: graded(), inspectors: pool }).unwrap()
}

#[test]
fn issue11_sampled_counts_reach_the_rule_sets_ratios() {
    let r = rules();
    let p = plan_with(&r, HEAD, "2026公告", None);
    let rows: Vec<(Grade, usize, usize, &str)> = p.grades.iter().map(|g| (g.grade, g.enterprises, g.sampled, g.sampled_percent.as_str())).collect();
    // ⌈n × ratio / 100⌉ with the revised ratios A 5, B 20, C 50, D 100.
    assert_eq!(rows, vec![(Grade::A, 10, 1, "10.0"), (Grade::B, 15, 3, "20.0"), (Grade::C, 10, 5, "50.0"), (Grade::D, 5, 5, "100.0")]);
    for g in Grade::ALL {
        let flagged = p.enterprises.iter().filter(|e| e.grade == *g && e.sampled).count();
        assert_eq!(flagged, p.grades.iter().find(|x| x.grade == *g).unwrap().sampled);
    }
    assert!(p.enterprises.windows(2).all(|w| w[0].enterprise < w[1].enterprise), "USCC order");
    assert_eq!(p.enterprises.iter().filter(|e| e.sampled).count(), p.inspections.iter().filter(|i| i.purpose == Purpose::Sampling).count());
}

#[test]
fn issue11_mandatory_inspections_follow_each_grades_cadence() {
    let p = plan_with(&rules(), HEAD, "s", None);
    for e in &p.enterprises {
        let m = e.mandatory;
        match e.grade {
            Grade::A => assert_eq!(m, [0; 4], "Art. 16: no routine on-site inspection"),
            Grade::B | Grade::C => {
                assert_eq!(m[0] + m[1], 1, "one in the first half-year: {m:?}");
                assert_eq!(m[2] + m[3], 1, "one in the second half-year: {m:?}");
            }
            Grade::D => assert_eq!(m, [1; 4], "Art. 19: one a quarter"),
        }
    }
    // Over 25 B/C enterprises the half-year's quarter is drawn, not fixed.
    let firsts: std::collections::BTreeSet<u32> = p.enterprises.iter().filter(|e| e.grade == Grade::B).map(|e| e.mandatory[0]).collect();
    assert_eq!(firsts.len(), 2, "both quarters of the half occur");
    let rows: Vec<u32> = p.grades.iter().map(|g| g.mandatory_inspections).collect();
    assert_eq!(rows, vec![0, 30, 20, 20]);
    use supervision::Cadence::{HalfYear, None as NoRoutine, Quarter};
    let regimes: Vec<_> = p.grades.iter().map(|g| (g.cadence, g.skips_routine_inspection)).collect();
    assert_eq!(regimes, vec![(NoRoutine, true), (HalfYear, false), (HalfYear, false), (Quarter, false)]);
    for e in &p.enterprises {
        let want = match e.grade {
            Grade::A => NoRoutine,
            Grade::B | Grade::C => HalfYear,
            Grade::D => Quarter,
        };
        assert_eq!(e.cadence, want, "{}", e.enterprise);
    }
    assert_eq!(p.inspections.iter().filter(|i| i.purpose == Purpose::Mandatory).count(), 70);
    assert!(p.inspections.windows(2).all(|w| (w[0].quarter, &w[0].enterprise, w[0].purpose) <= (w[1].quarter, &w[1].enterprise, w[1].purpose)));
}

/// The README procedure, written out independently: sampling is the first
/// use of the keystream, grade by grade, by partial Fisher–Yates over the
/// grade's enterprises in USCC order.
#[test]
fn issue11_sampling_reproduces_from_the_documented_construction() {
    let r = rules();
    let p = plan_with(&r, HEAD, "salt-x", None);
    let mut d = Draw::new(seed(HEAD, 2026, "08", "salt-x"));
    assert_eq!(p.seed, hex::encode(seed(HEAD, 2026, "08", "salt-x")));
    let mut all = graded();
    all.sort_by(|a, b| a.enterprise.cmp(&b.enterprise));
    for (g, k) in [(Grade::A, 1), (Grade::B, 3), (Grade::C, 5), (Grade::D, 5)] {
        let mut of: Vec<&str> = all.iter().filter(|e| e.grade == g).map(|e| e.enterprise.as_str()).collect();
        let n = of.len();
        for i in 0..k {
            let j = i + d.below((n - i) as u64) as usize;
            of.swap(i, j);
        }
        let mut want: Vec<&str> = of[..k].to_vec();
        want.sort();
        let got: Vec<&str> = p.enterprises.iter().filter(|e| e.grade == g && e.sampled).map(|e| e.enterprise.as_str()).collect();
        assert_eq!(got, want, "grade {g}");
    }
}

#[test]
fn issue11_same_inputs_same_bytes_other_inputs_other_draw() {
    let r = rules();
    let a = plan_with(&r, HEAD, "s", None);
    assert_eq!(a.canonical().unwrap(), plan_with(&r, HEAD, "s", None).canonical().unwrap());
    assert_eq!(a.sha256().unwrap().len(), 64);
    let sampled = |p: &Plan| p.enterprises.iter().filter(|e| e.sampled).map(|e| e.enterprise.clone()).collect::<Vec<_>>();
    let other_head = HEAD.replace("ab12", "ab13");
    for b in [plan_with(&r, &other_head, "s", None), plan_with(&r, HEAD, "t", None)] {
        assert_ne!(a.seed, b.seed);
        assert_ne!(a.sha256().unwrap(), b.sha256().unwrap());
        // 1 of 10 A, 3 of 15 B, 5 of 10 C: the chance of the same choice is < 10⁻⁵.
        assert_ne!(sampled(&a), sampled(&b));
    }
}

fn pool(n: usize, conflicted_with: &str, conflicted: usize) -> Inspectors {
    let mut t = String::new();
    for i in 0..n {
        t += &format!("[[inspector]]\nid = \"I{i:02}\"\nname = \"检查员{i}\"\n");
        if i < conflicted {
            t += &format!("conflicts = [\"{conflicted_with}\"]\n");
        }
    }
    Inspectors::parse("inspectors.toml", &t).unwrap()
}

#[test]
fn issue11_inspectors_two_per_inspection_never_conflicted_never_the_same_pair_twice_in_a_row() {
    let r = rules();
    let d = uscc(39); // a D enterprise: four inspections
    let inspectors = pool(4, &d, 1);
    let p = plan_with(&r, HEAD, "s", Some(&inspectors));
    let mut last_of: std::collections::HashMap<&str, &[String; 2]> = Default::default();
    let mut previous: Option<&[String; 2]> = None;
    for ins in &p.inspections {
        let pair = ins.inspectors.as_ref().expect("every inspection gets inspectors");
        assert!(pair[0] < pair[1], "two different inspectors, id order");
        if ins.enterprise == d {
            assert!(!pair.contains(&"I00".to_string()), "I00 is conflicted with {d}");
        }
        assert_ne!(last_of.get(ins.enterprise.as_str()), Some(&pair), "same pair twice in a row for {}", ins.enterprise);
        assert_ne!(previous, Some(pair), "same pair on consecutive inspections");
        last_of.insert(&ins.enterprise, pair);
        previous = Some(pair);
    }
    let used: std::collections::BTreeSet<&String> = p.inspections.iter().flat_map(|i| i.inspectors.as_ref().unwrap().iter()).collect();
    assert_eq!(used.len(), 4, "the draw spreads over the pool");
}

#[test]
fn issue11_too_few_eligible_inspectors_names_the_enterprise() {
    let r = rules();
    let d = uscc(39);
    let three_one_conflicted = pool(3, &d, 2);
    let err =
        draw_plan(Inputs { year: 2026, division: "08", known_at_seq: 1, head_hash: HEAD, salt: "s", rules: &r, enterprises: graded(), inspectors: Some(&three_one_conflicted) })
            .unwrap_err()
            .to_string();
    assert!(err.contains(&d) && err.contains("企业39") && err.contains("1 eligible inspector(s) of 3"), "{err}");
    // Two eligible inspectors cannot inspect a D enterprise four times without repeating the pair.
    let two = pool(2, &d, 0);
    let err = draw_plan(Inputs { year: 2026, division: "08", known_at_seq: 1, head_hash: HEAD, salt: "s", rules: &r, enterprises: graded(), inspectors: Some(&two) })
        .unwrap_err()
        .to_string();
    assert!(err.contains("twice in a row"), "{err}");
}

#[test]
fn issue11_percent_rounds_half_up_to_one_decimal() {
    use supervision::plan::percent;
    assert_eq!(percent(1, 3), "33.3");
    assert_eq!(percent(2, 3), "66.7");
    assert_eq!(percent(1, 8), "12.5");
    assert_eq!(percent(1, 16), "6.3");
    assert_eq!(percent(0, 5), "0.0");
    assert_eq!(percent(0, 0), "—");
}

/// A per-year count that is neither 0 nor even: ⌊n / 4⌋ a quarter, the
/// remainder in as many distinct drawn quarters (docs/RULES.md).
#[test]
fn issue11_odd_counts_spread_over_distinct_drawn_quarters() {
    let text = std::str::from_utf8(include_bytes!("../../../fixtures/rules/xpcc-revised.toml")).unwrap();
    let edited = text
        .replace("inspections_per_year = { A = 0, B = 2, C = 2, D = 4 }", "inspections_per_year = { A = 1, B = 3, C = 5, D = 7 }")
        .replace("id = \"xpcc-revised\"", "id = \"odd\"");
    let r = RuleSet::parse("odd.toml", edited.as_bytes()).unwrap();
    let p = plan_with(&r, HEAD, "s", None);
    let mut placements = std::collections::BTreeSet::new();
    for e in &p.enterprises {
        let m = e.mandatory;
        let (base, rem) = match e.grade {
            Grade::A => (0, 1),
            Grade::B => (0, 3),
            Grade::C => (1, 1),
            Grade::D => (1, 3),
        };
        assert_eq!(m.iter().sum::<u32>(), 4 * base + rem, "{:?}: {m:?}", e.grade);
        assert!(m.iter().all(|&q| q == base || q == base + 1), "distinct quarters get the remainder: {m:?}");
        assert_eq!(e.cadence, supervision::Cadence::Year);
        placements.insert(m);
    }
    assert!(placements.len() > 4, "the quarters are drawn, not fixed: {placements:?}");
}
