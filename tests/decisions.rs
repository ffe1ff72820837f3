//! Self-describing decision records (issue 6): a `grade_issued` records V,
//! the rule set, K, the head hash at K, the facts graded, the engine and
//! the report format; `review` says which of facts, rules, engine/report
//! format or stored bytes differ when a decision does not reproduce.

use model::fact::Body;
use model::{Record, Seq};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use store::Ledger;

#[path = "support/mod.rs"]
mod support;
use support::*;

const NOW: &str = "2026-07-01T10:00:00+08:00";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}


const E: &str = "91660800000007919G";

/// One enterprise with a ¥120,000 fine in 2025 (grade C), issued for 2025.
fn issued() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let facts = fined_enterprise(E);
    let f = write(dir.path(), "facts.jsonl", &facts);
    let l = dir.path().join("ledger");
    ok(run(&l, &["import", f.to_str().unwrap()]));
    ok(run(&l, &["issue", "--year", "2025"]));
    (dir, l)
}

fn decision_ref() -> String {
    format!("GRADE-2025-{E}-1")
}

/// Reviews `reference`; returns (exit code, review JSON).
fn review(l: &Path, reference: &str) -> (Option<i32>, Value) {
    let o = run(l, &["review", reference, "--format", "json"]);
    (o.status.code(), serde_json::from_slice(&o.stdout).unwrap_or(Value::Null))
}

fn causes(r: &Value) -> Vec<String> {
    r["reproduction"]["causes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect()
}

/// Opens the ledger in-process (after the CLI has released it).
fn ledger(l: &Path) -> Ledger {
    Ledger::open(l).unwrap()
}

#[test]
fn issue6_a_decision_records_v_k_rules_facts_engine_and_report_format() {
    let (_dir, l) = issued();
    let rec = ledger(&l).record_by_ref(&decision_ref()).unwrap().unwrap();
    let Body::GradeIssued(g) = &rec.fact.body else { panic!("a grade_issued") };
    assert_eq!(g.on.to_string(), "2025-12-31", "V is recorded, from the rule set's annual run");
    assert_eq!((g.year, g.known_at_seq, g.report_format), (2025, 4, grading::REPORT_FORMAT));
    assert_eq!(g.engine_version, grading::ENGINE_VERSION);
    assert_eq!(g.rules_id, "xpcc-revised");
    let records = ledger(&l).enterprise_records(&model::Uscc::parse(E).unwrap(), Seq(4)).unwrap();
    assert_eq!(g.basis_sha256.as_deref(), Some(grading::basis_sha256(&records, Seq(4)).as_str()));
    let (code, r) = review(&l, &decision_ref());
    assert_eq!(code, Some(0));
    assert_eq!(r["reproduction"]["matches"], true);
    assert_eq!(causes(&r), Vec::<String>::new());
    assert_eq!(r["issued"]["on"], "2025-12-31");
}

/// Appends a copy of the decision with `edit` applied, sealed properly (so
/// no stored byte is wrong), and returns its ref.
fn append_variant(l: &Path, name: &str, edit: impl FnOnce(&mut model::fact::GradeIssued)) -> String {
    let lg = ledger(l);
    let mut rec: Record = lg.record_by_ref(&decision_ref()).unwrap().unwrap();
    let Body::GradeIssued(g) = &mut rec.fact.body else { panic!("a grade_issued") };
    edit(g);
    rec.fact.reference = name.to_string();
    let at = lg.head().unwrap().recorded_at.unwrap();
    lg.append(vec![(at, rec.fact)]).unwrap();
    name.to_string()
}

#[test]
fn issue6_a_changed_report_format_is_an_engine_change_not_tampering() {
    let (_dir, l) = issued();
    // A decision as an engine with another report encoding would have issued it.
    let other_format = append_variant(&l, "GRADE-OLD-FORMAT", |g| {
        g.report_format = 99;
        g.engine_version = "credit-ledger 9.9.9".into();
        g.report_sha256 = "e".repeat(64);
    });
    let (code, r) = review(&l, &other_format);
    assert_eq!(code, Some(1));
    assert_eq!(causes(&r), vec!["engine_or_report_format"]);
    assert_eq!(r["reproduction"]["grade_and_score_reproduce"], true);
    let problems = r["reproduction"]["problems"].to_string();
    assert!(problems.contains("report format 99 is not known"), "{problems}");
    assert!(!problems.contains("altered"), "not tampering: {problems}");
    // Same format, other hash, another engine: still a software change.
    let other_engine = append_variant(&l, "GRADE-OLD-ENGINE", |g| {
        g.engine_version = "credit-ledger 0.1.5".into();
        g.report_sha256 = "f".repeat(64);
    });
    let o = run(&l, &["review", &other_engine]);
    assert_eq!(o.status.code(), Some(1));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("MISMATCH — engine/report format changed"), "{table}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("the grade and score still reproduce"));
}

#[test]
fn issue6_a_different_grade_under_the_same_rules_and_facts_is_an_engine_change() {
    let (_dir, l) = issued();
    let reference = append_variant(&l, "GRADE-OTHER-GRADE", |g| {
        g.grade = model::fact::Grade::A;
        g.engine_version = "credit-ledger 0.0.1".into();
    });
    let (code, r) = review(&l, &reference);
    assert_eq!(code, Some(1));
    assert_eq!(causes(&r), vec!["engine_or_report_format"]);
    assert_eq!(r["reproduction"]["grade_and_score_reproduce"], false);
}

#[test]
fn issue6_altered_stored_bytes_are_tampering() {
    let (_dir, l) = issued();
    {
        let mut rec = Record::decode(&store::tamper::record_envelope(&l, Seq(4)).unwrap()).unwrap();
        if let Body::AdministrativePenalty(p) = &mut rec.fact.body {
            p.measures[0].amount_yuan = Some(model::Yuan::from_yuan(50_000));
        }
        store::tamper::replace_record_envelope(&l, Seq(4), &rec.encode().unwrap()).unwrap();
    }
    let (code, r) = review(&l, &decision_ref());
    assert_eq!(code, Some(1));
    assert!(causes(&r).contains(&"stored_bytes".to_string()), "{r}");
    assert!(!causes(&r).contains(&"engine_or_report_format".to_string()));
}

#[test]
fn issue6_facts_missing_from_the_basis_are_named_as_facts() {
    let (_dir, l) = issued();
    {
        // Drop the penalty from the enterprise index: every stored record
        // still matches the chain, but the facts graded are not the same.
        store::tamper::remove_enterprise_entry(&l, &model::Uscc::parse(E).unwrap(), Seq(4)).unwrap();
    }
    let (code, r) = review(&l, &decision_ref());
    assert_eq!(code, Some(1));
    assert_eq!(causes(&r), vec!["facts"], "{r}");
}

#[test]
fn issue6_a_changed_rule_file_is_named_as_rules() {
    let (dir, l) = issued();
    let rules = std::fs::read_to_string(fixtures().join("rules/xpcc-revised.toml")).unwrap().replace("id = \"xpcc-revised\"", "id = \"local\"");
    let file = write(dir.path(), "rules.toml", &rules);
    ok(run(&l, &["issue", "--year", "2024", "--rules", file.to_str().unwrap()]));
    write(dir.path(), "rules.toml", &rules.replace("penalty_fine_large = 10.0", "penalty_fine_large = 5.0"));
    let o = run(&l, &["review", &format!("GRADE-2024-{E}-1"), "--rules", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(causes(&r), vec!["rules"]);
}

#[test]
fn issue6_15_supersede_without_an_earlier_decision_is_refused() {
    let (_dir, l) = issued();
    let o = run(&l, &["issue", "--year", "2024", "--supersede"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no decision of 2024 was issued before"));
    // Nothing was appended: 4 facts and 1 decision.
    assert_eq!(ledger(&l).head().unwrap().seq, Seq(5));
}

#[test]
fn issue6_15_a_rule_file_reusing_a_shipped_id_with_other_bytes_is_refused() {
    let (dir, l) = issued();
    let rules = std::fs::read_to_string(fixtures().join("rules/xpcc-revised.toml")).unwrap().replace("penalty_fine_large = 10.0", "penalty_fine_large = 5.0");
    let file = write(dir.path(), "rules.toml", &rules);
    for args in [vec!["issue", "--year", "2024", "--rules"], vec!["review", "GRADE-2025-91660800000007919G-1", "--rules"]] {
        let mut args = args.clone();
        args.push(file.to_str().unwrap());
        let o = run(&l, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("\"xpcc-revised\" is the shipped set \"xpcc-revised\"'s id"), "{err}");
    }
    assert_eq!(ledger(&l).head().unwrap().seq, Seq(5));
    // An id that differs only in letter case is the same id.
    let upper = write(dir.path(), "upper.toml", &rules.replace("id = \"xpcc-revised\"", "id = \"XPCC-REVISED\""));
    let o = run(&l, &["issue", "--year", "2024", "--rules", upper.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    // The unchanged shipped file is the shipped set itself: accepted.
    let same = fixtures().join("rules/xpcc-revised.toml");
    ok(run(&l, &["issue", "--year", "2024", "--rules", same.to_str().unwrap()]));
}
