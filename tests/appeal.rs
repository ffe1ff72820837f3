//! Appeal review end to end with the real binary (issue 3): decision
//! records, exact reproduction, a later correction, objections, what-if,
//! diff, dossier, tampering, and bad requests.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "support/mod.rs"]
mod support;
use support::*;

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}


const E: &str = "91660800000007919G";
const F: &str = "916608000000158383";

/// Every command's "now" (`CREDIT_LEDGER_NOW`), and its China date.
const NOW: &str = "2026-07-01T10:00:00+08:00";
const TODAY: &str = "2026-07-01";

/// E: clean but for a ¥120,000 fine in 2025 (penalty −10, A5/A7/B4 fail → C).
/// F: clean (A).
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut facts = String::new();
    for (e, no) in [(E, 1), (F, 2)] {
        facts += &format!("{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业{no}\",\"division\":\"08\",\"scale\":\"large\",\"recorded_at\":\"2021-01-05T09:00:00+08:00\"}}\n");
        facts += &format!("{{\"kind\":\"licence_granted\",\"ref\":\"LIC-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-0000{no}\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\",\"recorded_at\":\"2021-01-05T09:00:00+08:00\"}}\n");
        facts += &format!("{{\"kind\":\"self_inspection_report\",\"ref\":\"SIR-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-05-20\",\"year\":2024,\"filed_on\":\"2025-05-20\",\"recorded_at\":\"2025-05-21T09:00:00+08:00\"}}\n");
    }
    facts += &format!("{{\"kind\":\"administrative_penalty\",\"ref\":\"PEN-1\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-06-01\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":120000}}],\"recorded_at\":\"2025-06-03T09:00:00+08:00\"}}\n");
    // Recorded times never go backwards: order the lines by them (stable).
    let mut lines: Vec<&str> = facts.lines().collect();
    lines.sort_by_key(|l| l.split("\"recorded_at\":\"").nth(1).unwrap_or("").to_string());
    let f = write(dir.path(), "facts.jsonl", &(lines.join("\n") + "\n"));
    let l = dir.path().join("ledger");
    ok(run(&l, &["import", f.to_str().unwrap()]));
    (dir, l)
}

#[test]
fn issue_review_correct_object_and_review_again() {
    let (dir, l) = setup();
    let out = json(run(&l, &["issue", "--year", "2025", "--format", "json"]));
    assert_eq!((out["recorded"].as_u64(), out["known_at_seq"].as_u64(), out["first_seq"].as_u64()), (Some(2), Some(7), Some(8)));
    assert_eq!(out["distribution"], serde_json::json!({"A": 1, "C": 1}));
    // A second run of the same year is refused and appends nothing.
    let again = run(&l, &["issue", "--year", "2025"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--supersede"));

    let decision = format!("GRADE-2025-{E}-1");
    let r = json(run(&l, &["review", &decision, "--format", "json"]));
    assert_eq!(r["reproduction"]["matches"], true);
    assert_eq!(r["decision"]["decision"]["grade"], "C");
    assert_eq!(r["current"]["grade"], "C");
    assert_eq!(r["changes"]["facts"].as_array().unwrap().len(), 0);

    // The penalty is revoked on review (行政复议); the objection is upheld.
    // Decisions are dated on the day they are issued (NOW's), so is what follows.
    let today = TODAY;
    let later = format!(
        "{{\"kind\":\"objection_filed\",\"ref\":\"OBJ-1\",\"enterprise\":\"{E}\",\"occurred_on\":\"{today}\",\"target\":\"{decision}\",\"grounds\":\"处罚已被撤销\"}}\n\
         {{\"kind\":\"act_revoked\",\"ref\":\"REV-1\",\"enterprise\":\"{E}\",\"occurred_on\":\"{today}\",\"target\":\"PEN-1\"}}\n\
         {{\"kind\":\"objection_decided\",\"ref\":\"OBJ-1-D\",\"enterprise\":\"{E}\",\"occurred_on\":\"{today}\",\"target\":\"OBJ-1\",\"outcome\":\"upheld\"}}\n"
    );
    let f = write(dir.path(), "later.jsonl", &later);
    ok(run(&l, &["import", f.to_str().unwrap()]));
    let r = json(run(&l, &["review", "OBJ-1", "--format", "json"]));
    assert_eq!(r["reproduction"]["matches"], true, "the issued grade still reproduces from its own K");
    assert_eq!((r["decision"]["decision"]["grade"].as_str(), r["current"]["grade"].as_str()), (Some("C"), Some("A")));
    let facts = r["changes"]["facts"].as_array().unwrap();
    let pen = facts.iter().find(|f| f["ref"] == "PEN-1").expect("the penalty's status changed");
    assert_eq!((pen["from"]["status"].as_str(), pen["to"]["reason"].as_str(), pen["to"]["by"].as_str(), pen["article"].as_str()), (Some("counted"), Some("revoked"), Some("REV-1"), Some("Art. 10(2)")));
    let objection = &r["decision"]["objections"][0];
    assert_eq!((objection["ref"].as_str(), objection["decided"]["outcome"].as_str()), (Some("OBJ-1"), Some("upheld")));
    let table = ok(run(&l, &["review", &decision]));
    assert!(table.contains("reproduction: OK") && table.contains("the grade CHANGES") && table.contains("upheld"), "{table}");
    // An objection is decided once.
    let twice = write(dir.path(), "twice.jsonl", &format!("{{\"kind\":\"objection_decided\",\"ref\":\"OBJ-1-D2\",\"enterprise\":\"{E}\",\"occurred_on\":\"{today}\",\"target\":\"OBJ-1\",\"outcome\":\"rejected\"}}\n"));
    let o = run(&l, &["import", twice.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already decided by \"OBJ-1-D\""));

    // Superseding records a new decision that names the old one.
    let s = json(run(&l, &["issue", "--year", "2025", "--supersede", "--format", "json"]));
    assert_eq!(s["superseding"].as_u64(), Some(2));
    let r2 = json(run(&l, &["review", &format!("GRADE-2025-{E}-2"), "--format", "json"]));
    assert_eq!((r2["decision"]["decision"]["grade"].as_str(), r2["decision"]["decision"]["supersedes"].as_str()), (Some("A"), Some(decision.as_str())));
    let d = json(run(&l, &["dossier", E, "--format", "json"]));
    assert_eq!(d["decisions"][0]["superseded_by"].as_str(), Some(format!("GRADE-2025-{E}-2").as_str()));
}

#[test]
fn a_tampered_rule_file_or_ledger_value_is_a_loud_mismatch() {
    let (dir, l) = setup();
    // Issue under a rule-set file, then review with an edited copy of it.
    let rules = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules/xpcc-revised.toml"))
        .unwrap()
        .replace("id = \"xpcc-revised\"", "id = \"division-08-local\"");
    let file = write(dir.path(), "rules.toml", &rules);
    ok(run(&l, &["issue", "--year", "2025", "--rules", file.to_str().unwrap()]));
    let decision = format!("GRADE-2025-{E}-1");
    assert!(ok(run(&l, &["review", &decision, "--rules", file.to_str().unwrap()])).contains("reproduction: OK"));
    write(dir.path(), "rules.toml", &rules.replace("penalty_fine_large = 10.0", "penalty_fine_large = 5.0"));
    let o = run(&l, &["review", &decision, "--rules", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("MISMATCH") && err.contains("rule set division-08-local now has sha256"), "{err}");

    // Alter the penalty's stored value (fine lowered) behind the ledger's back.
    let tree_dir = l.clone();
    {
        let mut rec = model::Record::decode(&store::tamper::record_envelope(&tree_dir, model::Seq(7)).unwrap()).unwrap();
        if let model::fact::Body::AdministrativePenalty(p) = &mut rec.fact.body {
            p.measures[0].amount_yuan = Some(model::Yuan::from_yuan(50_000));
        }
        // Reseal it with a fresh hash, as a careful forger would: the next
        // record's link still names the old hash.
        let forged = model::Record::seal(rec.seq, rec.recorded_at, rec.fact.clone(), rec.prev_hash).unwrap();
        assert!(forged.hash_is_valid() && forged.hash != rec.hash);
        store::tamper::replace_record_envelope(&tree_dir, model::Seq(7), &forged.encode().unwrap()).unwrap();
    }
    write(dir.path(), "rules.toml", &rules);
    let o = run(&l, &["review", &decision, "--rules", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = r["reproduction"]["problems"].to_string();
    assert!(problems.contains("record seq 7 (PEN-1) no longer matches the hash chain"), "{problems}");
    assert!(problems.contains("re-derived report hash"), "{problems}");
}

#[test]
fn what_if_appends_nothing_and_diff_compares_questions() {
    let (dir, l) = setup();
    let head = ok(run(&l, &["verify"]));
    let f = write(dir.path(), "rev.jsonl", &format!("{{\"kind\":\"act_revoked\",\"ref\":\"REV-X\",\"enterprise\":\"{E}\",\"occurred_on\":\"2026-01-20\",\"target\":\"PEN-1\"}}\n"));
    let w = json(run(&l, &["what-if", E, "--on", "2025-12-31", "--with", f.to_str().unwrap(), "--format", "json"]));
    assert_eq!((w["current"]["grade"].as_str(), w["what_if"]["grade"].as_str()), (Some("C"), Some("A")));
    assert_eq!(w["changes"]["facts"][0]["to"]["reason"], "revoked");
    assert_eq!(ok(run(&l, &["verify"])), head, "what-if wrote nothing");
    // A what-if file is validated like an import.
    let bad = write(dir.path(), "bad.jsonl", &format!("{{\"kind\":\"act_revoked\",\"ref\":\"REV-Y\",\"enterprise\":\"{E}\",\"occurred_on\":\"2026-01-20\",\"target\":\"NOPE\"}}\n"));
    assert_eq!(run(&l, &["what-if", E, "--on", "2025-12-31", "--with", bad.to_str().unwrap()]).status.code(), Some(2));

    let d = json(run(&l, &["diff", E, "--on", "2025-12-31", "--known-at-seq", "6", "--vs-known-at-seq", "7", "--format", "json"]));
    assert_eq!((d["from"]["grade"].as_str(), d["to"]["grade"].as_str(), d["grade_changed"].as_bool()), (Some("A"), Some("C"), Some(true)));
    assert_eq!(d["dimensions"][0]["id"], "penalty");
    let d = json(run(&l, &["diff", E, "--on", "2025-12-31", "--vs-on", "2026-06-30", "--format", "json"]));
    // By 2026-06-30 the fine has left the past year; the 2025 report, due that day, was never filed.
    assert_eq!((d["to"]["grade"].as_str(), d["to"]["score"].as_f64()), (Some("B"), Some(95.0)));
    let pen = d["facts"].as_array().unwrap().iter().find(|f| f["ref"] == "PEN-1").unwrap();
    assert_eq!((pen["to"]["status"].as_str(), pen["to"]["reason"].as_str(), pen["article"].as_str()), (Some("excluded"), Some("outside_window"), Some("Art. 10(7)")));
}

#[test]
fn dossier_threads_corrections_and_tracks_the_grade_history() {
    let (dir, l) = setup();
    let f = write(dir.path(), "rev.jsonl", &format!("{{\"kind\":\"act_revoked\",\"ref\":\"REV-1\",\"enterprise\":\"{E}\",\"occurred_on\":\"2026-01-20\",\"target\":\"PEN-1\"}}\n"));
    ok(run(&l, &["import", f.to_str().unwrap()]));
    let d = json(run(&l, &["dossier", E, "--as-of", "2026-02-28", "--format", "json"]));
    assert_eq!((d["name"].as_str(), d["licences"][0]["held_on_date"].as_bool()), (Some("企业1"), Some(true)));
    let pen = d["facts"].as_array().unwrap().iter().find(|f| f["ref"] == "PEN-1").unwrap();
    assert_eq!(pen["threads"][0]["ref"], "REV-1");
    assert!(pen["threads"][0]["recorded_at"].as_str().unwrap().ends_with('Z'), "recorded times are RFC 3339");
    let early = json(run(&l, &["dossier", E, "--as-of", "2025-01-31", "--format", "json"]));
    assert!(early["facts"].as_array().unwrap().iter().all(|f| f["occurred_on"].as_str().unwrap() <= "2025-01-31"));
    assert!(!early["facts"].to_string().contains("PEN-1"), "a fact dated after --as-of is not in the file as of then");
    let history = d["history"].as_array().unwrap();
    assert_eq!(history.first().unwrap()["on"], "2020-02-29");
    assert_eq!(history.last().unwrap()["on"], "2026-02-28");
    // Out of the trial scope until 2022 (no key-catalogue flag); B from 2023 for the
    // missing 2021 report; A once the 2024 report is filed. With everything known
    // now the revoked penalty never counts, so it moves no grade.
    let changes = d["changes"].as_array().unwrap();
    assert_eq!(changes.iter().map(|c| (c["on"].as_str().unwrap(), c["to"].as_str().unwrap())).collect::<Vec<_>>(), vec![("2023-01-31", "B"), ("2025-06-30", "A")]);
    assert!(!d["changes"].to_string().contains("PEN-1"));
    assert_eq!(history.last().unwrap()["grade"], "A");
    let table = ok(run(&l, &["dossier", E, "--as-of", "2026-02-28"]));
    assert!(table.contains("└ #8") && table.contains("grade history"), "{table}");
}

#[test]
fn bad_requests_exit_2() {
    let (_dir, l) = setup();
    ok(run(&l, &["issue", "--year", "2025"]));
    for args in [
        vec!["review", "NO-SUCH-REF"],
        vec!["review", "PEN-1"],
        vec!["diff", E, "--on", "2025-12-31", "--vs-known-at-seq", "999"],
        vec!["diff", E, "--on", "2019-12-31", "--vs-on", "2025-12-31"],
        vec!["diff", E, "--on", "2025-12-31"],
        vec!["dossier", E, "--as-of", "2099-01-01"],
        vec!["what-if", E, "--on", "2025-12-31", "--with", "/no/such/file.jsonl"],
        vec!["issue", "--year", "2999"],
        vec!["issue", "--year", "2019"],
    ] {
        let o = run(&l, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(String::from_utf8_lossy(&o.stderr).trim().lines().count(), 1, "{args:?}");
    }
}

#[test]
fn an_upheld_objection_without_correcting_facts_is_pointed_out() {
    let (dir, l) = setup();
    ok(run(&l, &["issue", "--year", "2025"]));
    let today = TODAY;
    let f = write(dir.path(), "obj.jsonl", &format!(
        "{{\"kind\":\"objection_filed\",\"ref\":\"OBJ-9\",\"enterprise\":\"{E}\",\"occurred_on\":\"{today}\",\"target\":\"GRADE-2025-{E}-1\",\"grounds\":\"罚款金额有误\"}}\n\
         {{\"kind\":\"objection_decided\",\"ref\":\"OBJ-9-D\",\"enterprise\":\"{E}\",\"occurred_on\":\"{today}\",\"target\":\"OBJ-9\",\"outcome\":\"upheld\"}}\n"));
    ok(run(&l, &["import", f.to_str().unwrap()]));
    let r = json(run(&l, &["review", "OBJ-9-D", "--format", "json"]));
    assert_eq!(r["current"]["grade"], "C");
    assert!(r["notes"][0].as_str().unwrap().contains("OBJ-9 was upheld, but no correcting fact"), "{}", r["notes"]);
}
