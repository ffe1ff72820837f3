//! The `credit-ledger` binary, run for real in temporary directories:
//! exit codes, formats, knowledge cuts, reproducibility, crash safety.

use std::path::Path;
use std::process::{Command, Output, Stdio};

#[path = "support/mod.rs"]
mod support;
use support::*;

const NOW: &str = "2026-01-15T12:00:00+08:00";

fn bin() -> Command {
    bin_at(NOW)
}

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}


const E1: &str = "91660800000007919G";
const E2: &str = "916608000000158383";

/// Two enterprises: E1 clean (A), E2 with a failed sampling (B), then a
/// revocation of that sampling recorded later.
fn facts() -> String {
    let mut s = String::new();
    for (e, name) in [(E1, "石河子甲公司"), (E2, "石河子乙公司")] {
        s += &format!("{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"{name}\",\"division\":\"08\",\"scale\":\"large\",\"recorded_at\":\"2020-01-11T09:00:00+08:00\"}}\n");
        s += &format!("{{\"kind\":\"licence_granted\",\"ref\":\"LIC-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-0000{}\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\",\"recorded_at\":\"2020-02-02T09:00:00+08:00\"}}\n", if e == E1 { 1 } else { 2 });
        s += &format!("{{\"kind\":\"self_inspection_report\",\"ref\":\"SIR-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-05-20\",\"year\":2024,\"filed_on\":\"2025-05-20\",\"recorded_at\":\"2025-05-21T09:00:00+08:00\"}}\n");
    }
    s += &format!("{{\"kind\":\"sampling_inspection\",\"ref\":\"SMP-1\",\"enterprise\":\"{E2}\",\"occurred_on\":\"2025-06-01\",\"level\":\"xpcc\",\"product\":\"胶合板\",\"result\":\"fail\",\"failed_items\":[\"甲醛释放量\"],\"recorded_at\":\"2025-06-05T09:00:00+08:00\"}}\n");
    s += &format!("{{\"kind\":\"act_revoked\",\"ref\":\"REV-1\",\"enterprise\":\"{E2}\",\"occurred_on\":\"2025-09-01\",\"target\":\"SMP-1\",\"recorded_at\":\"2025-09-02T09:00:00+08:00\"}}\n");
    // Recorded times must not go backwards: order the lines by them (stable).
    let mut lines: Vec<&str> = s.lines().collect();
    lines.sort_by_key(|l| l.split("\"recorded_at\":\"").nth(1).unwrap_or("").to_string());
    lines.join("\n") + "\n"
}

fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("facts.jsonl");
    std::fs::write(&file, facts()).unwrap();
    let o = run(&dir.path().join("ledger"), &["import", file.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), r#"{"appended":8,"duplicates":0,"first_seq":1,"last_seq":8}"#);
    dir
}

#[test]
fn grade_json_follows_the_contract() {
    let dir = imported();
    let l = dir.path().join("ledger");
    let o = run(&l, &["grade", E2, "--on", "2025-12-31", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["grade"], "A");
    assert_eq!(j["score"], 100.0);
    assert_eq!(j["known_at_seq"], 8);
    assert_eq!(j["rules"]["id"], "xpcc-revised");
    assert_eq!(j["rules"]["sha256"].as_str().unwrap().len(), 64);
    let smp = j["events"].as_array().unwrap().iter().find(|e| e["ref"] == "SMP-1").unwrap();
    assert_eq!((smp["status"].as_str(), smp["reason"].as_str(), smp["by"].as_str()), (Some("excluded"), Some("revoked"), Some("REV-1")));
}

#[test]
fn a_knowledge_cut_before_the_revocation_still_counts_the_sampling() {
    let dir = imported();
    let l = dir.path().join("ledger");
    let by_seq = run(&l, &["grade", E2, "--on", "2025-12-31", "--known-at-seq", "7", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&by_seq.stdout).unwrap();
    assert_eq!((j["grade"].as_str(), j["score"].as_f64()), (Some("B"), Some(90.0)));
    let by_time = run(&l, &["grade", E2, "--on", "2025-12-31", "--known-at", "2025-08-01T00:00:00+08:00", "--format", "json"]);
    assert_eq!(by_seq.stdout, by_time.stdout, "--known-at resolves to the last seq recorded by then");
}

#[test]
fn reports_are_byte_identical_across_runs_and_time_zones() {
    let dir = imported();
    let l = dir.path().join("ledger");
    let a = bin().arg("--ledger").arg(&l).args(["grade", E2, "--on", "2025-12-31", "--format", "json"]).env("TZ", "America/Los_Angeles").output().unwrap();
    let b = bin().arg("--ledger").arg(&l).args(["grade", E2, "--on", "2025-12-31", "--format", "json"]).env("TZ", "Asia/Tokyo").output().unwrap();
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn grade_all_csv_is_sorted_and_written_whole() {
    let dir = imported();
    let l = dir.path().join("ledger");
    let out = dir.path().join("grades.csv");
    let o = run(&l, &["grade-all", "--on", "2025-12-31", "--known-at-seq", "7", "--format", "csv", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("enterprise,name,division,grade,score"));
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with(&format!("{E1},石河子甲公司,08,A,100.0")), "{}", lines[1]);
    assert!(lines[2].starts_with(&format!("{E2},石河子乙公司,08,B,90.0")), "{}", lines[2]);
    let table = run(&l, &["grade-all", "--on", "2025-12-31", "--division", "08"]);
    assert!(stdout(&table).contains("2 enterprises in scope: A 2 (100.0%)"), "{}", stdout(&table));
    let none = run(&l, &["grade-all", "--on", "2025-12-31", "--division", "09"]);
    assert!(stdout(&none).contains("0 enterprises in scope"));
}

#[test]
fn rejected_arguments_exit_2_with_one_sentence() {
    let dir = imported();
    let l = dir.path().join("ledger");
    for args in [
        vec!["grade", "91660800000007919X", "--on", "2025-12-31"],
        vec!["grade", E1, "--on", "2025-13-01"],
        vec!["grade", E1, "--on", "2025-12-31", "--known-at-seq", "99"],
        vec!["grade", "91110000600037341L", "--on", "2025-12-31"],
        vec!["grade", E1, "--on", "2025-12-31", "--rules", "nope"],
        vec!["grade-all", "--on", "2025-12-31", "--rules", "/no/such/rules.toml"],
    ] {
        let o = run(&l, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).trim().lines().count(), 1, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("credit-ledger: "));
    }
}

#[test]
fn reading_a_missing_ledger_is_rejected_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("nothing-here");
    let o = run(&l, &["grade", E1, "--on", "2025-12-31"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!l.exists());
}

#[test]
fn a_rejected_import_exits_2_and_appends_nothing() {
    let dir = imported();
    let l = dir.path().join("ledger");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-1\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-01-01\",\"channel\":\"report\"}}\n{{\"kind\":\"complaint_verified\",\"ref\":\"C-2\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-01-01\",\"channel\":\"fax\"}}\n")).unwrap();
    let o = run(&l, &["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.jsonl:2: field `channel`"), "{}", stderr(&o));
    let v = run(&l, &["verify"]);
    assert!(stdout(&v).contains("8 records verified"), "{}", stdout(&v));
}

/// A first import is built aside and renamed into place (issue 7): a
/// rejected one leaves nothing at all, not even the hidden directory it
/// was built in, nor the parents of the ledger's path; an accepted one
/// leaves only the ledger.
#[test]
fn issue7_a_rejected_first_import_leaves_nothing_anywhere() {
    let t = tempfile::tempdir().unwrap();
    let l = t.path().join("a/b/ledger");
    let bad = t.path().join("bad.jsonl");
    // 5,000 good lines (written past the head in chunks), then a bad one.
    let mut text = String::new();
    for i in 0..5000 {
        text += &format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-{i}\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-01-01\",\"channel\":\"report\"}}\n");
    }
    text += &format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-X\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-01-01\",\"channel\":\"fax\"}}\n");
    std::fs::write(&bad, &text).unwrap();
    let listing = || {
        let mut v: Vec<String> = std::fs::read_dir(t.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    };
    let o = run(&l, &["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.jsonl:5001: field `channel`"), "{}", stderr(&o));
    assert_eq!(listing(), vec!["bad.jsonl"], "nothing created beside the input");
    // The same lines without the bad one: the ledger appears, and only it.
    std::fs::write(&bad, text.lines().take(5000).map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let o = run(&l, &["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(listing(), vec!["a", "bad.jsonl"]);
    let names: Vec<String> = std::fs::read_dir(t.path().join("a/b")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["ledger"]);
    assert!(stdout(&run(&l, &["verify"])).contains("5000 records verified"));
}

#[test]
fn stdin_import_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("ledger");
    let mut child = bin().arg("--ledger").arg(&l).args(["import", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(facts().as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(stdout(&o).contains("appended 8, duplicates 0, rejected 0, seqs 1..=8"), "{}", stdout(&o));
    for cmd in ["import", "grade", "grade-all", "verify", "rules"] {
        let h = bin().args([cmd, "--help"]).output().unwrap();
        assert!(h.status.success() && !h.stdout.is_empty(), "{cmd} --help");
    }
}

/// Kills an import of a large file at several moments: the reopened ledger
/// holds either none or all of it, and verifies.
#[test]
fn a_killed_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.jsonl");
    let mut s = facts();
    for i in 0..20_000 {
        s += &format!("{{\"kind\":\"complaint_verified\",\"ref\":\"BIG-{i}\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-10-01\",\"channel\":\"report\",\"recorded_at\":\"2025-10-02T09:00:00+08:00\"}}\n");
    }
    std::fs::write(&file, s).unwrap();
    for (i, delay_ms) in [5u64, 40, 120, 300, 700].iter().enumerate() {
        let l = dir.path().join(format!("ledger-{i}"));
        let mut child = bin().arg("--ledger").arg(&l).args(["import", file.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(*delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if !l.exists() {
            continue;
        }
        let v = run(&l, &["verify"]);
        assert!(v.status.success(), "after kill at {delay_ms} ms: {}", stderr(&v));
        let text = stdout(&v);
        assert!(text.contains(" 0 records verified") || text.contains(" 20008 records verified"), "after kill at {delay_ms} ms: {text}");
    }
}

/// Issue 7: `--store redb` creates the ledger on redb (one file,
/// `ledger.redb`); it then answers exactly as the sled ledger of the same
/// facts, and later commands open it on redb without the flag.
#[test]
fn issue7_a_ledger_created_on_redb_answers_as_on_sled() {
    let dir = imported();
    let file = dir.path().join("facts.jsonl");
    let redb = dir.path().join("ledger-redb");
    let o = run(&redb, &["--store", "redb", "import", file.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(redb.join("ledger.redb").is_file(), "the redb ledger is one file");
    assert!(!redb.join("db").exists(), "no sled file beside it");
    let sled = dir.path().join("ledger");
    for args in [&["grade", E2, "--on", "2025-12-31", "--format", "json"][..], &["grade-all", "--on", "2025-12-31", "--format", "csv"], &["verify"]] {
        let (a, b) = (ok(run(&sled, args)), ok(run(&redb, args)));
        assert_eq!(a.replace("ledger-redb", "ledger"), b.replace("ledger-redb", "ledger"), "{args:?}");
    }
    let o = run(&dir.path().join("other"), &["--store", "lmdb", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("sled or redb"), "{}", stderr(&o));
    assert!(!dir.path().join("other").exists(), "a rejected --store creates nothing");
}
