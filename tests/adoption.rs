//! Issue 8, item 1: rule changes are facts. `rules adopt` records a
//! validated rule file, byte for byte, with the dates it is in force; the
//! rule set for (V, K) is the adoption known at K whose dates cover V (the
//! shipped sets where none does); `review` reproduces with the ledger's
//! bytes; bad adoptions append nothing.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "support/mod.rs"]
mod support;
use support::*;

const NOW: &str = "2026-07-01T10:00:00+08:00";
const E: &str = "91660800000007919G";
/// The adopting authority (a government organ's USCC).
const AUTH: &str = "11660000MB00000002";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}

/// One enterprise with a ¥120,000 fine in 2025: score 90.0 under the
/// shipped revised set (penalty_fine_large = 10.0).
fn ledger() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let facts = fined_enterprise(E);
    let f = write(dir.path(), "facts.jsonl", &facts);
    let l = dir.path().join("ledger");
    ok(run(&l, &["import", f.to_str().unwrap()]));
    (dir, l)
}

/// The shipped revised file under another id, a large fine worth `points`.
fn draft(dir: &Path, id: &str, points: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("rules/xpcc-revised.toml")).unwrap();
    assert!(text.contains("penalty_fine_large = 10.0"), "the shipped file changed: adapt this test");
    let text = text.replace("id = \"xpcc-revised\"", &format!("id = \"{id}\"")).replace("penalty_fine_large = 10.0", &format!("penalty_fine_large = {points}"));
    write(dir, &format!("{id}-{points}.toml"), &text)
}

fn adopt(l: &Path, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["rules", "adopt", file.to_str().unwrap(), "--authority", AUTH];
    args.extend_from_slice(extra);
    run(l, &args)
}

/// (rules id, score) of E's grade.
fn graded(l: &Path, extra: &[&str]) -> (String, f64) {
    let mut args = vec!["grade", E, "--format", "json"];
    args.extend_from_slice(extra);
    let j = json(run(l, &args));
    (j["rules"]["id"].as_str().unwrap().to_string(), j["score"].as_f64().unwrap())
}

fn head(l: &Path) -> u64 {
    json(run(l, &["verify", "--format", "json"]))["head"]["seq"].as_u64().unwrap()
}

#[test]
fn issue8_an_adopted_rule_set_is_in_force_on_its_dates_as_known_at_k() {
    let (dir, l) = ledger();
    let f = draft(dir.path(), "xpcc-2026", "15.0");
    let out = json(adopt(&l, &f, &["--effective-from", "2026-01-01", "--format", "json"]));
    assert_eq!((out["adopted"].as_str(), out["seq"].as_u64()), (Some("xpcc-2026"), Some(5)));
    assert_eq!(graded(&l, &["--on", "2025-12-31"]), ("xpcc-revised".into(), 90.0), "before its dates: the shipped set");
    // V = 2026-05-31: the fine of 2025-06-01 is still in the past year.
    let shipped = graded(&l, &["--on", "2026-05-31", "--rules", "xpcc-revised"]).1;
    assert_eq!(graded(&l, &["--on", "2026-05-31"]), ("xpcc-2026".into(), shipped - 5.0), "on its dates: the adopted set");
    assert_eq!(graded(&l, &["--on", "2026-05-31", "--known-at-seq", "4"]), ("xpcc-revised".into(), shipped), "not yet known at K = 4");
    assert_eq!(graded(&l, &["--on", "2025-12-31", "--rules", "xpcc-2026"]), ("xpcc-2026".into(), 85.0), "an adopted id names its set");
    // The file beside the binary no longer matters: the ledger holds the bytes.
    std::fs::remove_file(&f).unwrap();
    assert_eq!(graded(&l, &["--on", "2026-05-31"]), ("xpcc-2026".into(), shipped - 5.0));
    let list = json(run(&l, &["rules", "--format", "json"]));
    let adopted: Vec<&Value> = list.as_array().unwrap().iter().filter(|s| s["source"] == "adopted").collect();
    assert_eq!(adopted.len(), 1);
    assert_eq!((adopted[0]["id"].as_str(), adopted[0]["seq"].as_u64(), adopted[0]["effective_from"].as_str()), (Some("xpcc-2026"), Some(5), Some("2026-01-01")));
    assert!(list.as_array().unwrap().iter().any(|s| s["source"] == "shipped" && s["id"] == "xpcc-revised"));
}

#[test]
fn issue8_decisions_reproduce_with_the_rule_bytes_from_the_ledger() {
    let (dir, l) = ledger();
    // Issued before any adoption: under the shipped set.
    ok(run(&l, &["issue", "--year", "2024"]));
    let f = draft(dir.path(), "xpcc-2024", "15.0");
    ok(adopt(&l, &f, &["--effective-from", "2024-01-01"]));
    ok(run(&l, &["issue", "--year", "2025"]));
    std::fs::remove_file(&f).unwrap();
    for (reference, rules) in [(format!("GRADE-2024-{E}-1"), "xpcc-revised"), (format!("GRADE-2025-{E}-1"), "xpcc-2024")] {
        let o = run(&l, &["review", &reference, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{reference}: {}", stderr(&o));
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(r["reproduction"]["matches"], true, "{reference}");
        assert_eq!(r["decision"]["decision"]["rules_id"], rules, "{reference}");
    }
}

#[test]
fn issue8_the_later_adoption_replaces_an_overlapping_one_only_when_it_says_so() {
    let (dir, l) = ledger();
    ok(adopt(&l, &draft(dir.path(), "a", "15.0"), &["--effective-from", "2026-01-01"]));
    let b = draft(dir.path(), "b", "20.0");
    let o = adopt(&l, &b, &["--effective-from", "2026-05-01", "--effective-to", "2027-01-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--replaces"), "{}", stderr(&o));
    let o = adopt(&l, &b, &["--effective-from", "2026-05-01", "--effective-to", "2027-01-01", "--replaces", "zzz"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(head(&l), 5, "refused adoptions append nothing");
    ok(adopt(&l, &b, &["--effective-from", "2026-05-01", "--effective-to", "2027-01-01", "--replaces", "a"]));
    let shipped = |on: &str| graded(&l, &["--on", on, "--rules", "xpcc-revised"]).1;
    assert_eq!(graded(&l, &["--on", "2026-04-30"]), ("a".into(), shipped("2026-04-30") - 5.0));
    assert_eq!(graded(&l, &["--on", "2026-05-15"]), ("b".into(), shipped("2026-05-15") - 10.0));
    assert_eq!(graded(&l, &["--on", "2027-01-01"]).0, "a", "after b's dates, a again");
}

#[test]
fn issue8_bad_adoptions_are_refused_and_append_nothing() {
    let (dir, l) = ledger();
    let before = head(&l);
    let fine = draft(dir.path(), "x", "15.05");
    let same_id = draft(dir.path(), "xpcc-revised", "15.0");
    let good = draft(dir.path(), "y", "15.0");
    let cases: Vec<(Vec<&str>, &Path, &str)> = vec![
        (vec!["--effective-from", "2026-01-01"], &fine, "one decimal"),
        (vec!["--effective-from", "2026-01-01"], &same_id, "id of their own"),
        (vec!["--effective-from", "2026-01-01", "--effective-to", "2025-01-01"], &good, "--effective-to 2025-01-01 must be after --effective-from 2026-01-01"),
        (vec!["--effective-from", "2026-13-01"], &good, "is no calendar day"),
        (vec!["--effective-from", "2026-01-01", "--replaces", "xpcc-trial"], &good, "--replaces"),
    ];
    for (extra, file, says) in cases {
        let o = adopt(&l, file, &extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{extra:?}: {}", stderr(&o));
    }
    let o = run(&l, &["rules", "adopt", good.to_str().unwrap(), "--effective-from", "2026-01-01", "--authority", "11660000MB0000000X"]);
    assert_eq!(o.status.code(), Some(2), "a bad authority code: {}", stderr(&o));
    // Only `rules adopt` writes the kind: an import line of it is refused.
    let line = format!(r#"{{"kind":"rule_set_adopted","ref":"R-1","enterprise":"{AUTH}","occurred_on":"2026-01-01","id":"z","sha256":"00","effective_from":"2026-01-01","effective_to":null,"replaces":null,"file":"id = \"z\""}}"#);
    let f = write(dir.path(), "adopt.jsonl", &(line + "\n"));
    let o = run(&l, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("rules adopt"), "{}", stderr(&o));
    assert_eq!(head(&l), before, "nothing was appended");
    // Adopting never creates a ledger.
    let none = dir.path().join("none");
    let o = adopt(&none, &good, &["--effective-from", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!none.exists());
}

#[test]
fn issue8_adoptions_survive_export_and_restore() {
    let (dir, l) = ledger();
    ok(adopt(&l, &draft(dir.path(), "xpcc-2026", "15.0"), &["--effective-from", "2026-01-01"]));
    let archive = dir.path().join("a.jsonl");
    ok(run(&l, &["export", archive.to_str().unwrap()]));
    ok(run(&l, &["verify", "--archive", archive.to_str().unwrap()]));
    let restored = dir.path().join("restored");
    ok(run(&restored, &["restore", archive.to_str().unwrap()]));
    assert_eq!(graded(&restored, &["--on", "2025-12-31", "--rules", "xpcc-2026"]), ("xpcc-2026".into(), 85.0));
    assert_eq!(graded(&restored, &["--on", "2026-05-31"]), graded(&l, &["--on", "2026-05-31"]));
    let exported = std::fs::read_to_string(&archive).unwrap();
    assert!(exported.contains(r#""kind":"rule_set_adopted""#), "the archive shows the adoption as a fact");
}

/// A decision graded under a file that was never adopted: `review` cannot
/// find its rule bytes in the ledger or the shipped sets and says so (exit
/// 1); given the file, it reproduces.
#[test]
fn issue8_review_names_a_rule_set_neither_shipped_nor_adopted() {
    let (dir, l) = ledger();
    let f = draft(dir.path(), "draft-2025", "15.0");
    ok(run(&l, &["issue", "--year", "2025", "--rules", f.to_str().unwrap()]));
    let reference = format!("GRADE-2025-{E}-1");
    let o = run(&l, &["review", &reference]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("neither shipped nor adopted") || stderr(&o).contains("neither shipped nor adopted"), "{}{}", stdout(&o), stderr(&o));
    let o = run(&l, &["review", &reference, "--rules", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
