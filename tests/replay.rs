//! `replay` (issue 8, item 5) run for real: on the fixture division its
//! grades are grade-all's under either rule set, every mover has its
//! clauses, a draft file replays without adoption, `--official-run` takes
//! each set's own knowledge cut; CSV and JSON shapes; rejected arguments.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

#[path = "support/mod.rs"]
mod support;
use support::*;

/// After every fixture fact's recorded time (the last is 2026-11-15).
const NOW: &str = "2026-11-30T12:00:00+08:00";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}

/// The fixture division imported into `dir/ledger`.
fn fixture_ledger(dir: &Path) -> std::path::PathBuf {
    let l = dir.join("ledger");
    let facts = fixtures().join("division-08/facts.jsonl");
    ok(run(&l, &["import", facts.to_str().unwrap()]));
    l
}

/// grade-all's CSV as USCC → (grade, score).
fn grade_all(l: &Path, rules: &str) -> BTreeMap<String, (String, String)> {
    let text = ok(run(l, &["grade-all", "--on", "2025-12-31", "--rules", rules, "--format", "csv"]));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().map(|row| row.unwrap()).map(|row| (row[0].to_string(), (row[3].to_string(), row[4].to_string()))).collect()
}

/// A replay side in JSON as (grade, score) text, "" when not in scope.
fn side(v: &Value) -> (String, String) {
    let g = v["grade"].as_str().unwrap_or("").to_string();
    let s = v["score"].as_f64().map(|s| format!("{s:.1}")).unwrap_or_default();
    (g, s)
}

const LABELS: [&str; 5] = ["A", "B", "C", "D", "not in scope"];

#[test]
fn issue8_replay_fixture_agrees_with_grade_all_and_names_clauses() {
    let dir = tempfile::tempdir().unwrap();
    let l = fixture_ledger(dir.path());
    let text = std::fs::read_to_string(fixtures().join("division-08/facts.jsonl")).unwrap();
    let enterprises: BTreeSet<String> =
        text.lines().map(|line| serde_json::from_str::<Value>(line).unwrap()["enterprise"].as_str().unwrap().to_string()).collect();

    let j = json(run(&l, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--format", "json"]));
    let (trial, revised) = (grade_all(&l, "xpcc-trial"), grade_all(&l, "xpcc-revised"));
    let none = (String::new(), String::new());
    let outcome = |m: &BTreeMap<String, (String, String)>, e: &str| m.get(e).cloned().unwrap_or_else(|| none.clone());

    // The matrix: every enterprise once, as grade-all grades it under each set.
    assert_eq!(j["enterprises"], enterprises.len());
    let mut expected: BTreeMap<(String, String), u64> = BTreeMap::new();
    for e in &enterprises {
        let label = |g: String| if g.is_empty() { "not in scope".to_string() } else { g };
        *expected.entry((label(outcome(&trial, e).0), label(outcome(&revised, e).0))).or_default() += 1;
    }
    let mut sum = 0;
    for x in LABELS {
        for y in LABELS {
            let n = j["matrix"][x][y].as_u64().unwrap();
            assert_eq!(n, expected.get(&(x.to_string(), y.to_string())).copied().unwrap_or(0), "matrix[{x}][{y}]");
            sum += n;
        }
    }
    assert_eq!(sum as usize, enterprises.len());

    // Movers: exactly the enterprises whose outcome differs, with both outcomes and clauses.
    let movers: BTreeMap<String, &Value> = j["movers"].as_array().unwrap().iter().map(|m| (m["enterprise"].as_str().unwrap().to_string(), m)).collect();
    for e in &enterprises {
        let (x, y) = (outcome(&trial, e), outcome(&revised, e));
        match movers.get(e) {
            None => assert_eq!(x, y, "{e} moved but is not listed"),
            Some(m) => {
                assert_eq!((side(&m["x"]), side(&m["y"])), (x.clone(), y.clone()), "{e}");
                let change = if x.0.is_empty() != y.0.is_empty() { "scope" } else if x.0 != y.0 { "grade" } else { "score" };
                assert_eq!(m["change"], change, "{e}");
                let clauses: Vec<&str> = m["clauses"].as_array().unwrap().iter().map(|c| c["clause"].as_str().unwrap()).collect();
                assert!(!clauses.is_empty(), "{e} moved with no clause");
                if change == "scope" {
                    assert!(clauses.contains(&"scope"), "{e}: {clauses:?}");
                }
            }
        }
    }
    let moved = &j["moved"];
    assert_eq!(moved["scope"].as_u64().unwrap() + moved["grade"].as_u64().unwrap() + moved["score"].as_u64().unwrap(), movers.len() as u64);
    assert!(moved["scope"].as_u64().unwrap() > 0, "the revision narrowed the scope: {moved}");
    assert_eq!(j["entering_scope"].as_u64().unwrap() + j["leaving_scope"].as_u64().unwrap(), moved["scope"].as_u64().unwrap());
    for (k, id) in [("x", "xpcc-trial"), ("y", "xpcc-revised")] {
        assert_eq!(j[k]["rules_id"], id);
        assert_eq!(j[k]["rules_sha256"].as_str().unwrap().len(), 64);
        assert_eq!(j[k]["on"], "2025-12-31");
        assert_eq!(j[k]["known_at_seq"], 5148);
        assert_eq!(j[k]["known_at"], "the head");
    }

    // CSV: the header, then one row per mover, the same ones, written to --output.
    let out = dir.path().join("moves.csv");
    ok(run(&l, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--format", "csv", "--output", out.to_str().unwrap()]));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["enterprise", "name", "division", "change", "x_grade", "x_score", "y_grade", "y_score", "clauses", "x_rules_id", "x_known_at_seq", "y_rules_id", "y_known_at_seq"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|row| row.unwrap()).collect();
    assert_eq!(rows.len(), movers.len());
    for row in &rows {
        let m = movers[&row[0]];
        assert_eq!(row[3], *m["change"].as_str().unwrap());
        assert_eq!((row[4].to_string(), row[5].to_string()), side(&m["x"]));
        assert_eq!((row[6].to_string(), row[7].to_string()), side(&m["y"]));
        assert!(!row[8].is_empty());
        assert_eq!((&row[9], &row[11]), ("xpcc-trial", "xpcc-revised"));
    }

    // The table: the matrix and the scope movers with their clause.
    let table = ok(run(&l, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31"]));
    assert!(table.contains("transitions: rows = grade under X (xpcc-trial), columns = grade under Y (xpcc-revised)"), "{table}");
    assert!(table.contains(&format!("{} enterprises · entered scope {}", enterprises.len(), j["entering_scope"])), "{table}");
    assert!(table.contains("not in scope (key_catalogue): not on the key-product catalogue"), "{table}");

    // --division: read before grading; another division has no enterprise.
    let d08 = json(run(&l, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--division", "08", "--format", "json"]));
    assert_eq!((&d08["matrix"], &d08["movers"]), (&j["matrix"], &j["movers"]));
    let d09 = json(run(&l, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--division", "09", "--format", "json"]));
    assert_eq!((d09["enterprises"].as_u64(), d09["movers"].as_array().map(Vec::len)), (Some(0), Some(0)));

    // A draft never adopted: the sampling deduction raised from 10 to 20.
    let revised = std::fs::read_to_string(fixtures().join("rules/xpcc-revised.toml")).unwrap();
    let raised = revised.replace("sampling_failed = 10.0", "sampling_failed = 20.0");
    let draft = write(dir.path(), "draft.toml", &raised.replace("id = \"xpcc-revised\"", "id = \"draft-sampling\""));
    let d = json(run(&l, &["replay", "--rules", "xpcc-revised", "--vs-rules", draft.to_str().unwrap(), "--on", "2025-12-31", "--format", "json"]));
    assert_eq!(d["y"]["rules_id"], "draft-sampling");
    let known = d["movers"].as_array().unwrap().iter().find(|m| m["enterprise"] == "916590010490277371").expect("the steel works moves");
    assert_eq!((side(&known["x"]), side(&known["y"])), (("B".into(), "84.0".into()), ("C".into(), "74.0".into())));
    let clauses: Vec<&str> = known["clauses"].as_array().unwrap().iter().map(|c| c["clause"].as_str().unwrap()).collect();
    assert_eq!(clauses, ["dimensions.sampling.points.sampling_failed", "grades.b_min_score"]);
    assert_eq!((&known["clauses"][0]["x"], &known["clauses"][0]["y"]), (&Value::from("−10.0"), &Value::from("−20.0")));
    for m in d["movers"].as_array().unwrap() {
        assert!(m["clauses"].as_array().unwrap().iter().any(|c| c["clause"] == "dimensions.sampling.points.sampling_failed"), "{m}");
    }
    // The same draft under the shipped id is refused: an id has one meaning.
    let same_id = write(dir.path(), "same-id.toml", &raised);
    let o = run(&l, &["replay", "--rules", "xpcc-revised", "--vs-rules", same_id.to_str().unwrap(), "--on", "2025-12-31"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

const E: &str = "91660800000007919G";

/// A licence holder on the key catalogue, clean in 2025, and facts about
/// 2025 recorded in the first quarter of 2026: a failed sampling at 00:00
/// on 1 January (after the trial's run began) and a verified complaint at
/// 23:59:59 on 31 March (the revised run's last moment); then a second
/// failed sampling recorded in April, known to neither run.
fn timing_facts() -> String {
    let lines = [
        format!(r#"{{"kind":"enterprise_registered","ref":"REG-1","enterprise":"{E}","occurred_on":"2020-01-10","name":"石河子甲公司","division":"08","scale":"large","key_catalogue":true,"recorded_at":"2020-01-11T09:00:00+08:00"}}"#),
        format!(r#"{{"kind":"licence_granted","ref":"LIC-1","enterprise":"{E}","occurred_on":"2020-02-01","licence_no":"XK16-205-00001","product":"胶合板","category":"人造板","valid_from":"2020-02-01","valid_to":"2029-01-31","recorded_at":"2020-02-02T09:00:00+08:00"}}"#),
        format!(r#"{{"kind":"self_inspection_report","ref":"SIR-2024","enterprise":"{E}","occurred_on":"2025-05-20","year":2024,"filed_on":"2025-05-20","recorded_at":"2025-05-21T09:00:00+08:00"}}"#),
        format!(r#"{{"kind":"sampling_inspection","ref":"SMP-1","enterprise":"{E}","occurred_on":"2025-11-20","level":"xpcc","product":"胶合板","result":"fail","failed_items":["甲醛释放量"],"recorded_at":"2026-01-01T00:00:00+08:00"}}"#),
        format!(r#"{{"kind":"complaint_verified","ref":"CP-1","enterprise":"{E}","occurred_on":"2025-12-01","channel":"complaint","recorded_at":"2026-03-31T23:59:59+08:00"}}"#),
        format!(r#"{{"kind":"sampling_inspection","ref":"SMP-2","enterprise":"{E}","occurred_on":"2025-12-10","level":"xpcc","product":"胶合板","result":"fail","failed_items":["甲醛释放量"],"recorded_at":"2026-04-01T00:00:00+08:00"}}"#),
    ];
    lines.join("\n") + "\n"
}

#[test]
fn issue8_replay_official_run_takes_each_sets_cut() {
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("ledger");
    let facts = write(dir.path(), "facts.jsonl", &timing_facts());
    ok(run(&l, &["import", facts.to_str().unwrap()]));
    let args = ["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--format", "json"];

    let j = json(run(&l, &[&args[..], &["--official-run"]].concat()));
    // Trial: recorded before 1 January 00:00 → seqs 1–3; revised: by 31 March 24:00 → 1–5.
    assert_eq!((j["x"]["known_at_seq"].as_u64(), j["y"]["known_at_seq"].as_u64()), (Some(3), Some(5)));
    assert!(j["x"]["known_at"].as_str().unwrap().contains("before 2026-01-01T00:00:00+08:00"), "{}", j["x"]);
    assert!(j["y"]["known_at"].as_str().unwrap().contains("before 2026-04-01T00:00:00+08:00"), "{}", j["y"]);
    let m = &j["movers"][0];
    assert_eq!(j["movers"].as_array().unwrap().len(), 1);
    assert_eq!((side(&m["x"]), side(&m["y"])), (("A".into(), "100.0".into()), ("B".into(), "88.0".into())));
    assert_eq!(m["clauses"][0]["clause"], "annual_run");
    assert_eq!(m["clauses"][0]["x"], "january_1: known at seq 3");
    assert_eq!(m["clauses"][0]["y"], "first_quarter: known at seq 5 (+ SMP-1, CP-1)");
    let clauses: Vec<&str> = m["clauses"].as_array().unwrap().iter().map(|c| c["clause"].as_str().unwrap()).collect();
    assert!(clauses.contains(&"dimensions.sampling.points.sampling_failed") && clauses.contains(&"grades.a_conditions[A4]"), "{clauses:?}");

    // At the head both sets know everything (two failed samplings): trial
    // 80 → B, revised 78 with the complaint → C; the run timing plays no part.
    let head = json(run(&l, &args));
    assert_eq!((head["x"]["known_at_seq"].as_u64(), head["y"]["known_at_seq"].as_u64()), (Some(6), Some(6)));
    assert_eq!(head["matrix"]["B"]["C"], 1);
    let m = &head["movers"][0];
    let clauses: Vec<&str> = m["clauses"].as_array().unwrap().iter().map(|c| c["clause"].as_str().unwrap()).collect();
    assert_eq!(clauses, ["dimensions.complaints", "grades.b_min_score"]);

    // One set on both sides: the same cut, nothing moves.
    let same = json(run(&l, &["replay", "--rules", "xpcc-revised", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--official-run", "--format", "json"]));
    assert_eq!((same["x"]["known_at_seq"].as_u64(), same["movers"].as_array().map(Vec::len)), (Some(5), Some(0)));
    let table = ok(run(&l, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--official-run"]));
    assert!(table.contains("known at seq 3  (official run (january_1): the last seq recorded before 2026-01-01T00:00:00+08:00)"), "{table}");
}

#[test]
fn issue8_replay_rejects_bad_arguments_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("ledger");
    let facts = write(dir.path(), "facts.jsonl", &timing_facts());
    ok(run(&l, &["import", facts.to_str().unwrap()]));
    let out = dir.path().join("out.csv");
    let o = out.to_str().unwrap();
    for args in [
        vec!["replay", "--rules", "nope", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--output", o],
        vec!["replay", "--rules", "xpcc-trial", "--vs-rules", "/no/such/rules.toml", "--on", "2025-12-31", "--output", o],
        vec!["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-13-01", "--output", o],
        vec!["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--known-at-seq", "99", "--output", o],
        vec!["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--division", "8x", "--output", o],
        vec!["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--known-at-seq", "3", "--official-run"],
        vec!["replay", "--rules", "xpcc-trial", "--on", "2025-12-31"],
    ] {
        let r = run(&l, &args);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {}", stderr(&r));
        assert!(!out.exists(), "{args:?} wrote its output");
    }
    let r = run(&l, &["replay", "--rules", "nope", "--vs-rules", "xpcc-revised", "--on", "2025-12-31"]);
    assert!(stderr(&r).contains("xpcc-trial, xpcc-revised"), "{}", stderr(&r));
    let missing = dir.path().join("no-ledger");
    let r = run(&missing, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(!missing.exists());
}
