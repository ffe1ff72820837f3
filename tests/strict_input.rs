//! Strict, honest input (CONTRACT.md §2 "Strictness"): the inputs of issue 6
//! that used to be accepted, each run through the real binary. A rejected
//! import exits 2, names file:line:field, and appends nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "support/mod.rs"]
mod support;
use support::*;

const NOW: &str = "2026-07-01T10:00:00+08:00";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}


const E1: &str = "91660800000007919G";
const E2: &str = "916608000000158383";
/// Never registered (issue 6 input 14).
const E3: &str = "91110000600037341L";

/// Two registered, licensed enterprises with their 2024 reports: 6 facts.
fn base() -> String {
    let mut s = String::new();
    for (e, name, n) in [(E1, "石河子甲公司", 1), (E2, "石河子乙公司", 2)] {
        s += &format!("{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"{name}\",\"division\":\"08\",\"scale\":\"large\"}}\n");
        s += &format!("{{\"kind\":\"licence_granted\",\"ref\":\"LIC-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-0000{n}\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\"}}\n");
        s += &format!("{{\"kind\":\"self_inspection_report\",\"ref\":\"SIR-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-05-20\",\"year\":2024,\"filed_on\":\"2025-05-20\"}}\n");
    }
    s
}

/// A temporary directory with a ledger holding [`base`].
struct Fixture {
    dir: tempfile::TempDir,
    ledger: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("ledger");
        let f = Fixture { dir, ledger };
        let o = f.import("base.jsonl", &base());
        assert!(o.status.success(), "{}", stderr(&o));
        f
    }

    fn import(&self, name: &str, text: &str) -> Output {
        let file = self.dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        run(&self.ledger, &["import", file.to_str().unwrap(), "--format", "json"])
    }

    /// Imports and expects exit 2 with nothing appended; returns stderr.
    fn rejected(&self, name: &str, text: &str, records_before: usize) -> String {
        let o = self.import(name, text);
        assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
        self.assert_records(records_before);
        stderr(&o)
    }

    fn accepted(&self, name: &str, text: &str) -> String {
        let o = self.import(name, text);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    }

    fn assert_records(&self, n: usize) {
        let v = run(&self.ledger, &["verify"]);
        assert!(v.status.success(), "{}", stderr(&v));
        assert!(stdout(&v).contains(&format!(" {n} records verified")), "expected {n} records: {}", stdout(&v));
    }

    fn grade_json(&self, e: &str) -> serde_json::Value {
        let o = run(&self.ledger, &["grade", e, "--on", "2025-12-31", "--format", "json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    }
}

fn dimension<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["dimensions"].as_array().unwrap().iter().find(|d| d["id"] == id).unwrap()
}

fn condition<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["conditions"].as_array().unwrap().iter().find(|d| d["id"] == id).unwrap()
}

fn penalty(reference: &str, e: &str, measures: &str) -> String {
    format!("{{\"kind\":\"administrative_penalty\",\"ref\":\"{reference}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-06-01\",\"procedure\":\"ordinary\",\"measures\":{measures}}}\n")
}

fn complaint(reference: &str, e: &str) -> String {
    format!("{{\"kind\":\"complaint_verified\",\"ref\":\"{reference}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-06-01\",\"channel\":\"report\"}}\n")
}

#[test]
fn issue6_1_a_key_given_twice_rejects_the_line() {
    let f = Fixture::new();
    let mut text = complaint("C-OK", E1);
    // The last `measures` used to win: a licence revocation stored as a warning.
    text += &penalty("PEN-1", E1, r#"[{"type":"licence_revoked"}],"measures":[{"type":"warning"}]"#);
    text += &format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-2\",\"ref\":\"C-3\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-06-01\",\"channel\":\"report\"}}\n");
    text += &format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-4\",\"enterprise\":\"{E1}\",\"enterprise\":\"{E2}\",\"occurred_on\":\"2025-06-01\",\"channel\":\"report\"}}\n");
    text += &penalty("PEN-2", E1, r#"[{"type":"licence_revoked","type":"warning"}]"#);
    let err = f.rejected("dup.jsonl", &text, 6);
    for expected in ["dup.jsonl:2: field `measures`", "dup.jsonl:3: field `ref`", "dup.jsonl:4: field `enterprise`", "dup.jsonl:5: field `measures[0].type`"] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
    assert!(err.contains("given twice"), "{err}");
    assert!(!err.contains("dup.jsonl:1:"), "{err}");
}

#[test]
fn issue6_2_amounts_are_exact_decimals() {
    let f = Fixture::new();
    for (i, bad) in ["99999.99999999999", "99999.999", "1e5"].iter().enumerate() {
        let text = penalty(&format!("PEN-BAD-{i}"), E1, &format!(r#"[{{"type":"fine","amount_yuan":{bad}}}]"#));
        let err = f.rejected("fine.jsonl", &text, 6);
        assert!(err.contains("fine.jsonl:1: field `measures[0].amount_yuan`"), "{bad}: {err}");
    }
    // Exactly ¥100,000.00 is a large fine (−10, 3-year publicity: A7 still
    // fails seven months later); ¥99,999.99 is a small one, publicized for 3
    // months only, so on V it no longer counts.
    let mut text = penalty("PEN-LARGE", E1, r#"[{"type":"fine","amount_yuan":100000.00}]"#);
    text += &penalty("PEN-SMALL", E2, r#"[{"type":"fine","amount_yuan":99999.99}]"#);
    f.accepted("fines.jsonl", &text);
    let large = f.grade_json(E1);
    assert_eq!(dimension(&large, "penalty")["deduction"], 10.0);
    assert_eq!(condition(&large, "A7")["met"], false);
    assert_eq!(condition(&large, "A7")["evidence"], serde_json::json!(["PEN-LARGE"]));
    let small = f.grade_json(E2);
    assert_eq!(dimension(&small, "penalty")["deduction"], 0.0);
    assert_eq!(condition(&small, "A7")["met"], true);
    let event = small["events"].as_array().unwrap().iter().find(|e| e["ref"] == "PEN-SMALL").unwrap();
    assert_eq!((event["status"].as_str(), event["reason"].as_str()), (Some("excluded"), Some("publicity_expired")));
}

#[test]
fn issue6_5_a_deadline_before_the_order_is_rejected() {
    let f = Fixture::new();
    let sampling = format!("{{\"kind\":\"sampling_inspection\",\"ref\":\"SMP-1\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-06-01\",\"level\":\"xpcc\",\"product\":\"胶合板\",\"result\":\"fail\",\"failed_items\":[\"甲醛释放量\"]}}\n");
    let order = |deadline: &str| format!("{{\"kind\":\"rectification_ordered\",\"ref\":\"RO-1\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-06-10\",\"target\":\"SMP-1\",\"deadline\":\"{deadline}\"}}\n");
    let err = f.rejected("order.jsonl", &(sampling.clone() + &order("2025-06-01")), 6);
    assert!(err.contains("order.jsonl:2: field `deadline`: 2025-06-01 is before the order's own valid date 2025-06-10"), "{err}");
    let clean = f.grade_json(E1);
    assert_eq!((clean["grade"].as_str(), &clean["adjustments"]), (Some("A"), &serde_json::json!([])));
    f.accepted("order.jsonl", &(sampling + &order("2025-07-10")));
    f.assert_records(8);
}

#[test]
fn issue6_6_a_report_filed_before_its_valid_date_is_rejected() {
    let f = Fixture::new();
    let report = |filed: &str| format!("{{\"kind\":\"self_inspection_report\",\"ref\":\"SIR-2025\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2026-03-10\",\"year\":2025,\"filed_on\":\"{filed}\"}}\n");
    let err = f.rejected("report.jsonl", &report("2026-03-09"), 6);
    assert!(err.contains("report.jsonl:1: field `filed_on`: 2026-03-09 is before the report's own valid date 2026-03-10"), "{err}");
    f.accepted("report.jsonl", &report("2026-03-10"));
    f.assert_records(7);
}

#[test]
fn issue6_7_a_verification_needs_a_licence_of_that_enterprise() {
    let f = Fixture::new();
    let verification = |r: &str, e: &str, no: &str| format!("{{\"kind\":\"licence_verification\",\"ref\":\"{r}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-06-01\",\"licence_no\":\"{no}\",\"result\":\"fail\"}}\n");
    // Never granted to anyone; granted to E2, not E1.
    let text = verification("VER-1", E1, "XK16-205-00009") + &verification("VER-2", E1, "XK16-205-00002");
    let err = f.rejected("ver.jsonl", &text, 6);
    assert!(err.contains("ver.jsonl:1: field `licence_no`: XK16-205-00009 was never granted to enterprise"), "{err}");
    assert!(err.contains(&format!("ver.jsonl:2: field `licence_no`: XK16-205-00002 was never granted to enterprise {E1}")), "{err}");
    assert_eq!(dimension(&f.grade_json(E1), "licensing")["deduction"], 0.0);
    // Its own licence, and a licence granted earlier in the same import.
    let grant = format!("{{\"kind\":\"licence_granted\",\"ref\":\"LIC-2\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-01-01\",\"licence_no\":\"XK16-205-00003\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2025-01-01\",\"valid_to\":\"2030-01-01\"}}\n");
    f.accepted("ver.jsonl", &(verification("VER-1", E1, "XK16-205-00001") + &grant + &verification("VER-3", E1, "XK16-205-00003")));
    f.assert_records(9);
}

#[test]
fn issue6_12_refs_that_only_look_different_are_rejected() {
    let f = Fixture::new();
    let original = "师市监罚〔2025〕12号";
    f.accepted("pen.jsonl", &penalty(original, E1, r#"[{"type":"warning"}]"#));
    let variants = [
        ("师市监罚〔2025〕12号 ", "has leading or trailing whitespace"),
        ("师市监罚〔2025〕12号\u{200B}", "contains the zero-width character U+200B"),
        ("师市监罚〔２０２５〕１２号", "probably a duplicate of \"师市监罚〔2025〕12号\""),
        ("师市监罚[2025]12号", "probably a duplicate of \"师市监罚〔2025〕12号\""),
        ("师市监罚（2025）12号", "probably a duplicate of \"师市监罚〔2025〕12号\""),
        ("师市监罚【2025】12号", "probably a duplicate of \"师市监罚〔2025〕12号\""),
    ];
    let mut text: String = variants.iter().map(|(r, _)| penalty(r, E1, r#"[{"type":"warning"}]"#)).collect();
    text += &format!("{{\"kind\":\"enterprise_changed\",\"ref\":\"CHG-1\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-02-01\",\"name\":\"石河子\u{202E}司公甲\"}}\n");
    let err = f.rejected("refs.jsonl", &text, 7);
    for (i, (_, why)) in variants.iter().enumerate() {
        let line = err.lines().find(|l| l.contains(&format!("refs.jsonl:{}: ", i + 1))).unwrap_or_else(|| panic!("line {}: {err}", i + 1));
        assert!(line.contains("field `ref`") && line.contains(why), "{line}");
    }
    assert!(err.contains("refs.jsonl:7: field `name`") && err.contains("U+202E"), "{err}");
    // Within one import: the second is named against the first.
    let text = penalty("师市监罚〔2025〕20号", E1, r#"[{"type":"warning"}]"#) + &penalty("师市监罚 [2025] 20号", E1, r#"[{"type":"warning"}]"#);
    let err = f.rejected("same.jsonl", &text, 7);
    assert!(err.contains("same.jsonl:2: field `ref`") && err.contains("probably a duplicate of \"师市监罚〔2025〕20号\""), "{err}");
    // An identical line is still a skipped duplicate; another kind or another
    // enterprise may use a look-alike ref.
    let out = f.accepted("again.jsonl", &penalty(original, E1, r#"[{"type":"warning"}]"#));
    assert_eq!(out.trim(), r#"{"appended":0,"duplicates":1,"first_seq":null,"last_seq":null}"#);
    f.accepted("other.jsonl", &(complaint("师市监罚[2025]12号", E1) + &penalty("师市监罚（2025）12号", E2, r#"[{"type":"warning"}]"#)));
    // The penalty counts once.
    let report = f.grade_json(E1);
    let items = &dimension(&report, "penalty")["items"];
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
}

#[test]
fn issue6_13_csv_text_cells_cannot_be_formulas() {
    let f = Fixture::new();
    let rename = |r: &str, e: &str, name: &str| format!("{{\"kind\":\"enterprise_changed\",\"ref\":\"{r}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-02-01\",\"name\":\"{name}\"}}\n");
    f.accepted("names.jsonl", &(rename("CHG-1", E1, "=1+2公司") + &rename("CHG-2", E2, "@SUM(A1)公司")));
    let o = run(&f.ledger, &["grade-all", "--on", "2025-12-31", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    // Name neutralized; score stays a number; a clean A's reasons are empty.
    assert!(lines[1].starts_with(&format!("{E1},'=1+2公司,08,A,100.0,,,,,")), "{}", lines[1]);
    assert!(lines[2].starts_with(&format!("{E2},'@SUM(A1)公司,08,A,100.0,")), "{}", lines[2]);
    // The table and JSON show the name as it is.
    let json = run(&f.ledger, &["grade-all", "--on", "2025-12-31", "--format", "json"]);
    assert!(stdout(&json).contains("\"name\": \"=1+2公司\""), "{}", stdout(&json));
}

#[test]
fn issue6_14_an_unregistered_enterprise_is_out_of_scope() {
    let f = Fixture::new();
    let text = format!(
        "{{\"kind\":\"licence_granted\",\"ref\":\"LIC-{E3}\",\"enterprise\":\"{E3}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-00007\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\"}}\n{}",
        penalty("PEN-E3", E3, r#"[{"type":"licence_revoked"}]"#)
    );
    f.accepted("e3.jsonl", &text);
    let r = f.grade_json(E3);
    assert_eq!(r["in_scope"], false);
    assert_eq!(r["grade"], serde_json::Value::Null);
    assert_eq!(r["score"], serde_json::Value::Null);
    assert_eq!(r["dimensions"], serde_json::json!([]));
    let table = run(&f.ledger, &["grade", E3, "--on", "2025-12-31"]);
    assert!(
        stdout(&table).contains("not in scope on 2025-12-31: no enterprise_registered of this enterprise is known at seq 8"),
        "{}",
        stdout(&table)
    );

    let note = "1 enterprise(s) with facts but no enterprise_registered known at seq 8 skipped (out of scope";
    let all = run(&f.ledger, &["grade-all", "--on", "2025-12-31"]);
    assert!(stdout(&all).contains("2 enterprises in scope") && stdout(&all).contains(note), "{}", stdout(&all));
    let json = run(&f.ledger, &["grade-all", "--on", "2025-12-31", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(stderr(&json).contains(note), "{}", stderr(&json));
    let csv = run(&f.ledger, &["grade-all", "--on", "2025-12-31", "--format", "csv"]);
    assert_eq!(stdout(&csv).lines().count(), 3);
    assert!(!stdout(&csv).contains(E3) && stderr(&csv).contains(note), "{}", stderr(&csv));

    let issued = run(&f.ledger, &["issue", "--year", "2025", "--format", "json"]);
    assert!(issued.status.success(), "{}", stderr(&issued));
    let out: serde_json::Value = serde_json::from_str(&stdout(&issued)).unwrap();
    assert_eq!((out["recorded"].as_u64(), out["unregistered"].as_u64()), (Some(2), Some(1)), "{out}");
}

/// An amount written as text is refused (amounts are JSON numbers read from
/// their literal text), at any depth, naming the field.
#[test]
fn issue6_2_an_amount_written_as_text_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("ledger");
    let line = format!("{{\"kind\":\"administrative_penalty\",\"ref\":\"P-T\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-03-01\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":\"5000\"}}]}}\n");
    let f = dir.path().join("text.jsonl");
    std::fs::write(&f, base() + &line).unwrap();
    let o = run(&l, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("field `measures[0].amount_yuan`: must be a number in yuan"), "{}", stderr(&o));
    assert!(!l.exists(), "nothing written");
}
