//! Issue 8, "Done when", end to end on the fixture ledger
//! (fixtures/division-08): replay trial → revised with its matrix, movers
//! and clauses; `--official-run` and what the run date changes; a draft
//! (the sampling deduction raised) checked, compared and replayed without
//! adopting it; decisions issued; the draft adopted from 2026-01-01, which
//! changes the rule set in force for later V exactly as the replay
//! predicted; the decisions issued before it still reproduce under `review`
//! (README "Changing the rules, step by step").

#[path = "support/mod.rs"]
mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use support::*;

/// After every fixture fact's recorded time (the last is 2026-11-15).
const NOW: &str = "2026-11-30T12:00:00+08:00";
/// The adopting authority (a government organ's USCC).
const AUTH: &str = "11660000MB00000002";
/// A steel works with one failed sampling in 2025: B 84.0 under the revised set.
const STEEL: &str = "916590010490277371";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}

/// `grade-all --on V ARGS… --format csv` as USCC → (grade, score, rules id, known_at_seq).
fn grade_all(l: &Path, on: &str, extra: &[&str]) -> BTreeMap<String, (String, String, String, String)> {
    let text = ok(run(l, &[&["grade-all", "--on", on, "--format", "csv"], extra].concat()));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name} in {h:?}"));
    let (g, s, id, k) = (col("grade"), col("score"), col("rules_id"), col("known_at_seq"));
    r.records().map(|row| row.unwrap()).map(|row| (row[0].to_string(), (row[g].into(), row[s].into(), row[id].into(), row[k].into()))).collect()
}

/// A replay's movers in JSON as USCC → (change, x "G S", y "G S", clause paths).
fn movers(j: &Value) -> BTreeMap<String, (String, String, String, Vec<String>)> {
    let side = |v: &Value| match (v["grade"].as_str(), v["score"].as_f64()) {
        (Some(g), Some(s)) => format!("{g} {s:.1}"),
        _ => "none".into(),
    };
    j["movers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let clauses = m["clauses"].as_array().unwrap().iter().map(|c| c["clause"].as_str().unwrap().to_string()).collect();
            (m["enterprise"].as_str().unwrap().to_string(), (m["change"].as_str().unwrap().to_string(), side(&m["x"]), side(&m["y"]), clauses))
        })
        .collect()
}

fn head(l: &Path) -> u64 {
    json(run(l, &["verify", "--format", "json"]))["head"]["seq"].as_u64().unwrap()
}

#[test]
fn issue8_rule_change_workflow_on_the_fixture_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("ledger");
    let facts = fixtures().join("division-08/facts.jsonl");
    ok(run(&l, &["import", facts.to_str().unwrap()]));
    assert_eq!(head(&l), 5148);
    let replay = |x: &str, y: &str, on: &str, extra: &[&str]| json(run(&l, &[&["replay", "--rules", x, "--vs-rules", y, "--on", on, "--format", "json"], extra].concat()));

    // 1. Trial → revised on 2025-12-31: the matrix, and every mover with its clauses.
    let table = ok(run(&l, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31"]));
    assert!(table.contains("transitions: rows = grade under X (xpcc-trial), columns = grade under Y (xpcc-revised)"), "{table}");
    assert!(table.contains("moved (66): scope or grade, with the clauses responsible"), "{table}");
    let at_head = replay("xpcc-trial", "xpcc-revised", "2025-12-31", &[]);
    assert_eq!((at_head["entering_scope"].as_u64(), at_head["leaving_scope"].as_u64()), (Some(35), Some(31)));
    let head_movers = movers(&at_head);
    assert_eq!(head_movers.len(), 78, "66 scope moves and 12 score-only moves");
    for (e, (change, _, _, clauses)) in &head_movers {
        assert!(!clauses.is_empty(), "{e} moved with no clause");
        assert!(!clauses.contains(&"annual_run".to_string()), "{e}: one knowledge cut, no run timing");
        if change == "scope" {
            assert!(clauses.contains(&"scope".to_string()), "{e}: {clauses:?}");
        } else {
            // The revision's other changes: the complaints dimension, the industry dimension dropped.
            assert!(clauses.iter().any(|c| c.starts_with("dimensions.complaints") || c == "dimensions.industry"), "{e}: {clauses:?}");
        }
    }

    // 2. --official-run: trial K before 1 January 2026, revised K by 31 March; the
    // 237 fixture facts recorded in Q1 2026 are known to the revised run only.
    let q1 = std::fs::read_to_string(&facts)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["recorded_at"].as_str().unwrap().to_string())
        .filter(|t| ts(t) >= ts("2026-01-01T00:00:00+08:00") && ts(t) < ts("2026-04-01T00:00:00+08:00"))
        .count();
    let official = replay("xpcc-trial", "xpcc-revised", "2025-12-31", &["--official-run"]);
    let (kx, ky) = (official["x"]["known_at_seq"].as_u64().unwrap(), official["y"]["known_at_seq"].as_u64().unwrap());
    assert_eq!((kx, ky, (ky - kx) as usize), (4292, 4529, q1));
    // Movers with facts recorded between the two cuts that bear on V name `annual_run` and those facts.
    let timed: Vec<&Value> = official["movers"].as_array().unwrap().iter().flat_map(|m| m["clauses"].as_array().unwrap()).filter(|c| c["clause"] == "annual_run").collect();
    assert_eq!(timed.len(), 9, "{timed:?}");
    for c in timed {
        assert_eq!(c["x"], "january_1: known at seq 4292");
        assert!(c["y"].as_str().unwrap().starts_with("first_quarter: known at seq 4529 (+ "), "{c}");
    }
    // What the run date alone changes on the fixture: the revised set run on
    // 1 January against the revised set run in Q1 — one score, no grade (a
    // verified complaint recorded in Q1). The grade moves of the run timing
    // are in fixtures/replay-scenarios/annual-run-first-quarter.toml.
    let revised = std::fs::read_to_string(fixtures().join("rules/xpcc-revised.toml")).unwrap();
    let set_id = |text: &str, id: &str| text.replacen("id = \"xpcc-revised\"", &format!("id = \"{id}\""), 1);
    let jan1 = write(dir.path(), "revised-jan1.toml", &set_id(&revised, "revised-jan1").replacen("annual_run = \"first_quarter\"", "annual_run = \"january_1\"", 1));
    let run_date = replay(jan1.to_str().unwrap(), "xpcc-revised", "2025-12-31", &["--official-run"]);
    assert_eq!(run_date["moved"], serde_json::json!({"scope": 0, "grade": 0, "score": 1}));
    let (e, m) = movers(&run_date).into_iter().next().unwrap();
    assert_eq!((e.as_str(), m.1.as_str(), m.2.as_str()), ("9166080085836532UM", "B 84.0", "B 82.0"));
    assert_eq!(m.3, ["annual_run", "dimensions.complaints.points.complaint"]);

    // 3. A draft: the sampling deduction raised from 10 to 20. Check, diff, replay — nothing written.
    assert!(revised.contains("sampling_failed = 10.0"), "the shipped file changed: adapt this test");
    let draft = write(dir.path(), "xpcc-2026.toml", &set_id(&revised, "xpcc-2026").replacen("sampling_failed = 10.0", "sampling_failed = 20.0", 1));
    let d = draft.to_str().unwrap();
    let checked = ok(run(&l, &["rules", "check", d]));
    assert!(checked.starts_with(&format!("ok: {d} is rule set xpcc-2026 (sha256 ")), "{checked}");
    let diff = json(run(&l, &["rules", "diff", "xpcc-revised", d, "--format", "json"]));
    let paths: Vec<&str> = diff["changes"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["id", "dimensions.sampling.points.sampling_failed"]);
    assert_eq!((diff["changes"][1]["old"].as_f64(), diff["changes"][1]["new"].as_f64()), (Some(10.0), Some(20.0)));
    let on_2025 = movers(&replay("xpcc-revised", d, "2025-12-31", &[]));
    assert_eq!(on_2025[STEEL], ("grade".into(), "B 84.0".into(), "C 74.0".into(), vec!["dimensions.sampling.points.sampling_failed".into(), "grades.b_min_score".into()]));
    for (e, m) in &on_2025 {
        assert!(m.3.contains(&"dimensions.sampling.points.sampling_failed".to_string()), "{e}: {m:?}");
    }
    // The draft's prediction for a later V, 2026-06-30.
    let predicted = movers(&replay("xpcc-revised", d, "2026-06-30", &[]));
    assert!(!predicted.is_empty());
    let rules_list = json(run(&l, &["rules", "list", "--format", "json"]));
    assert!(rules_list.as_array().unwrap().iter().all(|s| s["source"] == "shipped"), "replaying a draft adopts nothing");
    assert_eq!(head(&l), 5148, "check, diff and replay write nothing");

    // 4. The 2025 grades issued under the set in force (the shipped revised set).
    let before_2025 = grade_all(&l, "2025-12-31", &[]);
    let before_2026 = grade_all(&l, "2026-06-30", &[]);
    let draft_2026 = grade_all(&l, "2026-06-30", &["--rules", d]);
    assert!(before_2026.values().all(|g| g.2 == "xpcc-revised"));
    let issued = ok(run(&l, &["issue", "--year", "2025"]));
    assert!(issued.contains("issued 200 grades for 2025") && issued.contains("rules xpcc-revised"), "{issued}");
    let decided = head(&l);

    // 5. Adopt the draft from 2026-01-01: in force for V from then on, as known after the adoption.
    let adopted = json(run(&l, &["rules", "adopt", d, "--effective-from", "2026-01-01", "--authority", AUTH, "--format", "json"]));
    assert_eq!((adopted["adopted"].as_str(), adopted["seq"].as_u64()), (Some("xpcc-2026"), Some(decided + 1)));
    std::fs::remove_file(&draft).unwrap(); // the ledger holds its bytes now
    let after_2026 = grade_all(&l, "2026-06-30", &[]);
    let after_2025 = grade_all(&l, "2025-12-31", &[]);
    assert!(after_2026.values().all(|g| g.2 == "xpcc-2026"), "V after the effective date: the adopted set");
    assert!(after_2025.values().all(|g| g.2 == "xpcc-revised"), "V before it: the shipped set still");
    let outcome = |m: &BTreeMap<String, (String, String, String, String)>| -> BTreeMap<String, (String, String)> { m.iter().map(|(e, g)| (e.clone(), (g.0.clone(), g.1.clone()))).collect() };
    assert_eq!(outcome(&after_2025), outcome(&before_2025));
    assert_eq!(outcome(&after_2026), outcome(&draft_2026), "the adopted set grades as the draft did");
    // Exactly the enterprises the replay said would move, moved, as it said.
    let moved: BTreeMap<String, (String, String)> = before_2026
        .iter()
        .filter(|(e, g)| after_2026.get(*e).map(|a| (&a.0, &a.1)) != Some((&g.0, &g.1)))
        .map(|(e, g)| (e.clone(), (format!("{} {}", g.0, g.1), after_2026.get(e).map(|a| format!("{} {}", a.0, a.1)).unwrap_or_default())))
        .collect();
    let expected: BTreeMap<String, (String, String)> = predicted.iter().map(|(e, m)| (e.clone(), (m.1.clone(), m.2.clone()))).collect();
    assert_eq!(moved, expected);
    // A knowledge cut before the adoption still gets the old rules.
    let cut = grade_all(&l, "2026-06-30", &["--known-at-seq", &decided.to_string()]);
    assert!(cut.values().all(|g| g.2 == "xpcc-revised"));

    // 6. The decisions issued before the adoption still reproduce, under the set they were issued with.
    for e in [STEEL, "91659001008458Y409", "9165900121670924WM"] {
        let r = json(run(&l, &["review", &format!("GRADE-2025-{e}-1"), "--format", "json"]));
        assert_eq!(r["reproduction"]["matches"], true, "{e}: {}", r["reproduction"]);
        assert_eq!(r["decision"]["decision"]["rules_id"], "xpcc-revised", "{e}");
        assert_eq!(r["decision"]["decision"]["known_at_seq"], 5148, "{e}");
    }
    let text = ok(run(&l, &["review", &format!("GRADE-2025-{STEEL}-1")]));
    assert!(text.contains("reproduction: OK"), "{text}");
}
