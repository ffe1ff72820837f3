//! The supervision plan on the fixture division (issue 11): ratios from the
//! rule set, a draw anyone can re-check (`plan verify`), byte-for-byte
//! reproduction, a changed fact before K changing the draw, mid-year
//! updates, and the refusals.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

#[path = "support/mod.rs"]
mod support;
use support::*;

/// After the fixture's last recorded fact (2026-11-15).
const NOW: &str = "2026-11-20T10:00:00+08:00";
const AUTHORITY: &str = "11659001MB1234567X";
const SALT: &str = "2026-01-05 公告盐值 7f3a";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}

fn authority() -> String {
    let first17 = &AUTHORITY[..17];
    format!("{first17}{}", model::Uscc::check_char(first17.as_bytes()) as char)
}

fn inspectors() -> String {
    fixtures().join("plan/inspectors-08.toml").display().to_string()
}

/// A ledger of the fixture division with the 2025 annual run issued, built
/// from `facts` once per distinct text and copied for each test.
fn issued_from(facts: &str, tag: &str) -> (tempfile::TempDir, PathBuf) {
    static BASE: OnceLock<tempfile::TempDir> = OnceLock::new();
    let base = BASE.get_or_init(|| tempfile::tempdir().unwrap());
    let built = base.path().join(tag);
    if !built.exists() {
        let f = write(base.path(), &format!("{tag}.jsonl"), facts);
        let l = base.path().join(format!("{tag}-building"));
        ok(run(&l, &["import", f.to_str().unwrap()]));
        ok(run(&l, &["issue", "--year", "2025"]));
        std::fs::rename(&l, &built).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("ledger");
    copy_dir(&built, &l);
    (dir, l)
}

fn fixture_facts() -> String {
    std::fs::read_to_string(fixtures().join("division-08/facts.jsonl")).unwrap()
}

fn issued() -> (tempfile::TempDir, PathBuf) {
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    issued_from(&fixture_facts(), "fixture")
}

fn plan_json(l: &Path, extra: &[&str]) -> Value {
    let auth = authority();
    let mut args = vec!["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", auth.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    json(run(l, &args))
}

fn sampled(plan: &Value) -> Vec<String> {
    plan["plan"]["enterprises"].as_array().unwrap().iter().filter(|e| e["sampled"] == true).map(|e| e["enterprise"].as_str().unwrap().to_string()).collect()
}

#[test]
fn issue11_fixture_plan_reaches_the_rule_sets_ratios_and_verifies() {
    let (_d, l) = issued();
    let ins = inspectors();
    let p = plan_json(&l, &["--inspectors", &ins]);
    assert_eq!(p["ref"], "PLAN-2026-08");
    let revised = rules::shipped().unwrap().by_id("xpcc-revised").unwrap().clone();
    assert_eq!(p["plan"]["rules_id"], "xpcc-revised", "in force on 1 January 2026");
    let mut total = 0;
    for row in p["plan"]["grades"].as_array().unwrap() {
        let g = row["grade"].as_str().unwrap();
        let (ratio, per_year) = revised.supervision[g];
        let n = row["enterprises"].as_u64().unwrap();
        assert_eq!(row["sampling_ratio_percent"].as_u64(), Some(u64::from(ratio)), "grade {g}");
        assert_eq!(row["sampled"].as_u64(), Some((n * u64::from(ratio)).div_ceil(100)), "grade {g}: ⌈n × ratio / 100⌉");
        assert_eq!(row["mandatory_inspections"].as_u64(), Some(n * u64::from(per_year)), "grade {g}");
        total += n;
    }
    let entries = p["plan"]["enterprises"].as_array().unwrap();
    assert_eq!(entries.len() as u64, total);
    assert!(total > 100, "the fixture division has its issued grades: {total}");
    // Every inspection has two inspectors, never a conflicted one.
    for ins in p["plan"]["inspections"].as_array().unwrap() {
        let pair: Vec<&str> = ins["inspectors"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        assert_eq!(pair.len(), 2);
        if ins["enterprise"] == "91659001924574FK83" {
            assert!(!pair.contains(&"I02") && !pair.contains(&"I04"), "{pair:?}");
        }
    }
    let v = json(run(&l, &["plan", "verify", "PLAN-2026-08", "--format", "json"]));
    assert_eq!(v["matches"], true, "{v}");
    assert_eq!(v["recomputed_plan_sha256"], p["plan_sha256"]);
    let t = ok(run(&l, &["plan", "verify", "PLAN-2026-08"]));
    assert!(t.contains("MATCH: the plan reproduces"), "{t}");
    // Shown again without --salt: the same plan, recomputed from its record.
    let again = json(run(&l, &["plan", "--year", "2026", "--division", "08", "--format", "json"]));
    assert_eq!(again, p);
}

#[test]
fn issue11_same_inputs_reproduce_byte_for_byte_and_a_changed_fact_changes_the_draw() {
    let (_a, la) = issued();
    let (_b, lb) = issued();
    let a = ok(run(&la, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &authority(), "--format", "json"]));
    let b = ok(run(&lb, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &authority(), "--format", "json"]));
    assert_eq!(a, b, "same ledger, same salt: the same bytes");
    // One fact before K differs (a note): another head hash, another draw.
    let facts = fixture_facts().replacen("\"source\":\"publicity_system\"", "\"source\":\"publicity_system\",\"note\":\"改\"", 1);
    let (_c, lc) = issued_from(&facts, "changed");
    let c: Value = serde_json::from_str(&ok(run(&lc, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &authority(), "--format", "json"]))).unwrap();
    let a: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(a["plan"]["known_at_seq"], c["plan"]["known_at_seq"], "the same K");
    assert_ne!(a["plan"]["head_hash"], c["plan"]["head_hash"]);
    assert_ne!(a["plan"]["seed"], c["plan"]["seed"]);
    assert_eq!(a["plan"]["grades"], c["plan"]["grades"], "the same grades and counts");
    assert_ne!(sampled(&a), sampled(&c), "another draw");
    // Another salt on the same ledger: another draw too.
    let (_d, ld) = issued();
    let d = json(run(&ld, &["plan", "--year", "2026", "--division", "08", "--salt", "another", "--authority", &authority(), "--format", "json"]));
    assert_ne!(sampled(&a), sampled(&d));
}

#[test]
fn issue11_plan_refusals_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixtures().join("division-08/facts.jsonl");
    let l = dir.path().join("ledger");
    ok(run(&l, &["import", f.to_str().unwrap()]));
    let auth = authority();
    let head = |l: &Path| json(run(l, &["verify", "--format", "json"]))["head"]["seq"].clone();
    let before = head(&l);
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no grades of the 2025 evaluation are issued for division 08") && stderr(&o).contains("issue --year 2025"), "{}", stderr(&o));
    assert_eq!(head(&l), before);

    let (_d, l) = issued();
    let before = head(&l);
    let o = run(&l, &["plan", "--year", "2026", "--division", "08"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no 2026 plan of division 08 is issued yet") && stderr(&o).contains("--salt"), "{}", stderr(&o));
    // Fewer than two eligible inspectors for an enterprise: named.
    let tight = write(l.parent().unwrap(), "tight.toml", "[[inspector]]\nid = \"I01\"\nname = \"甲\"\n[[inspector]]\nid = \"I02\"\nname = \"乙\"\nconflicts = [\"91659001924574FK83\"]\n[[inspector]]\nid = \"I03\"\nname = \"丙\"\nconflicts = [\"91659001924574FK83\"]\n");
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--inspectors", tight.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("91659001924574FK83") && stderr(&o).contains("石河子市同力人造板有限责任公司") && stderr(&o).contains("1 eligible inspector(s) of 3"),
        "{}",
        stderr(&o)
    );
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT]);
    assert!(stderr(&o).contains("--authority"), "{}", stderr(&o));
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--format", "xlsx"]);
    assert!(stderr(&o).contains("--output"), "{}", stderr(&o));
    // The output cannot be written: the plan is not issued, no temporary file is left.
    let missing = l.parent().unwrap().join("no-such-dir/plan.xlsx");
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--format", "xlsx", "--output", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--format", "csv", "--output", l.parent().unwrap().to_str().unwrap()]);
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
    // A device or a pipe is never replaced by the written file (it was, through the rename).
    let fifo = l.parent().unwrap().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let is_fifo = |p: &Path| std::os::unix::fs::FileTypeExt::is_fifo(&std::fs::symlink_metadata(p).unwrap().file_type());
    for args in [
        vec!["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--format", "csv", "--output", fifo.to_str().unwrap()],
        vec!["grade-all", "--on", "2025-12-31", "--format", "csv", "--output", fifo.to_str().unwrap()],
        vec!["export", fifo.to_str().unwrap()],
    ] {
        let o = run(&l, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
        assert!(is_fifo(&fifo), "{args:?} replaced the pipe");
    }
    // A salt is taken exactly as announced.
    for (salt, says) in [(" s", "spaces at its start or end"), ("a\tb", "control character"), (&"x".repeat(1025)[..], "longer than 1024 bytes")] {
        let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", salt, "--authority", &auth]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    // A rule file that is not adopted could not be recomputed from the ledger.
    let text = std::fs::read_to_string(fixtures().join("rules/xpcc-revised.toml")).unwrap().replace("id = \"xpcc-revised\"", "id = \"local\"");
    let file = write(l.parent().unwrap(), "local.toml", &text);
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--rules", file.to_str().unwrap()]);
    assert!(stderr(&o).contains("must be shipped or adopted"), "{}", stderr(&o));
    // K inside the 2025 run (seqs 5149..=5348), before it, and another division.
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--known-at-seq", "5200"]);
    assert!(stderr(&o).contains("falls inside the 2025 annual run") && stderr(&o).contains("continue at seq 5201"), "{}", stderr(&o));
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth, "--known-at-seq", "5148"]);
    assert!(stderr(&o).contains("were issued after K = 5148 (from seq 5149)"), "{}", stderr(&o));
    let o = run(&l, &["plan", "--year", "2026", "--division", "99", "--salt", SALT, "--authority", &auth]);
    assert!(stderr(&o).contains("no enterprise of division 99") && !stderr(&o).contains("issue --year"), "{}", stderr(&o));
    let tmp: Vec<_> = std::fs::read_dir(l.parent().unwrap()).unwrap().filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().contains(".tmp-")).collect();
    assert!(tmp.is_empty(), "temporary files left: {tmp:?}");
    assert_eq!(head(&l), before, "nothing was written");
    // Issued once; a second draw with another salt is refused.
    ok(run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &auth]));
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", "again", "--authority", &auth]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("was issued as PLAN-2026-08"), "{}", stderr(&o));
    // import refuses a plan_issued line.
    let line = write(l.parent().unwrap(), "p.jsonl", &format!("{{\"kind\":\"plan_issued\",\"ref\":\"P\",\"enterprise\":\"{auth}\",\"occurred_on\":\"2026-01-01\"}}\n"));
    assert_eq!(run(&l, &["import", line.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn issue11_as_of_lists_moves_and_the_inspections_added_or_dropped() {
    let (_d, l) = issued();
    let p = plan_json(&l, &[]);
    // An A enterprise of the plan gets a serious penalty in May 2026 (licence revoked → D).
    let a = p["plan"]["enterprises"].as_array().unwrap().iter().find(|e| e["grade"] == "A").expect("an A enterprise").clone();
    let uscc = a["enterprise"].as_str().unwrap();
    let fact = format!(
        "{{\"kind\":\"administrative_penalty\",\"ref\":\"XJ-PLAN-TEST-1\",\"enterprise\":\"{uscc}\",\"occurred_on\":\"2026-05-10\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":500000}},{{\"type\":\"licence_revoked\"}}]}}\n"
    );
    let f = write(l.parent().unwrap(), "penalty.jsonl", &fact);
    ok(run(&l, &["import", f.to_str().unwrap()]));
    let u = json(run(&l, &["plan", "--year", "2026", "--division", "08", "--as-of", "2026-06-01", "--format", "json"]));
    let changes = u["update"]["changes"].as_array().unwrap();
    let c = changes.iter().find(|c| c["enterprise"] == uscc).unwrap_or_else(|| panic!("{uscc} moved: {u}"));
    assert_eq!(c["from"], "A");
    assert_ne!(c["to"], "A");
    assert!(c["move"] == "stricter" || c["move"] == "left", "{c}");
    assert!(!c["reason"].as_str().unwrap().is_empty());
    if c["move"] == "stricter" {
        let quarters: Vec<u64> = c["added"].as_array().unwrap().iter().filter(|x| x["purpose"] == "mandatory").map(|x| x["quarter"].as_u64().unwrap()).collect();
        assert!(!quarters.is_empty() && quarters.iter().all(|&q| q >= 2), "open quarters only: {quarters:?}");
    }
    assert_eq!(u["update"]["first_open_quarter"], 2);
    let t = ok(run(&l, &["plan", "--year", "2026", "--division", "08", "--as-of", "2026-06-01"]));
    assert!(t.contains(uscc) && t.contains("A → "), "{t}");
    for (as_of, k) in [("2027-01-01", None), ("2025-12-31", None), ("2026-06-01", Some("100"))] {
        let mut args = vec!["plan", "--year", "2026", "--division", "08", "--as-of", as_of];
        args.extend(k.iter().flat_map(|k| ["--known-at-seq", *k]));
        let o = run(&l, &args);
        assert_eq!(o.status.code(), Some(2), "{as_of} {k:?}: {}", stdout(&o));
    }
    let o = run(&l, &["plan", "--year", "2026", "--division", "08", "--as-of", "2026-12-31"]);
    assert!(stdout(&o).contains("open quarters: Q4 ("), "{}", stdout(&o));
}

/// README "Re-checking a plan": docs/recheck-plan.py, an independent
/// implementation (Python, standard library only), recomputes the plan from
/// its public inputs and finds the same SHA-256; a changed input does not.
#[test]
fn issue11_an_independent_implementation_rechecks_the_plan() {
    let (d, l) = issued();
    let ins = inspectors();
    let out = ok(run(&l, &["plan", "--year", "2026", "--division", "08", "--salt", SALT, "--authority", &authority(), "--inspectors", &ins, "--format", "json"]));
    let f = write(d.path(), "plan.json", &out);
    let script = fixtures().join("../docs/recheck-plan.py");
    let o = std::process::Command::new("python3").arg(&script).arg(&f).arg(&ins).output().expect("python3 (3.11+) runs the re-check");
    assert!(o.status.success() && stdout(&o).contains("MATCH"), "{}{}", stdout(&o), stderr(&o));
    let p: Value = serde_json::from_str(&out).unwrap();
    assert!(stdout(&o).contains(p["plan_sha256"].as_str().unwrap()));
    // The list the plan printed serves as well; without any list, or with another salt, it cannot match.
    let o = std::process::Command::new("python3").arg(&script).arg(&f).output().unwrap();
    assert!(o.status.success() && stdout(&o).contains("MATCH"), "{}{}", stdout(&o), stderr(&o));
    let mut stripped: Value = serde_json::from_str(&out).unwrap();
    stripped["inspectors_file"] = Value::Null;
    let g = write(d.path(), "no-list.json", &stripped.to_string());
    let o = std::process::Command::new("python3").arg(&script).arg(&g).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("no inspector list"), "{}", stderr(&o));
    let other = write(d.path(), "other.json", &out.replace(SALT, "another salt"));
    let o = std::process::Command::new("python3").arg(&script).arg(&other).arg(&ins).output().unwrap();
    assert!(stdout(&o).contains("MISMATCH"), "{}", stdout(&o));
}

/// Issue 11 item 6: the plan as a workbook, read back with calamine.
#[test]
fn issue11_plan_xlsx_has_chinese_headers_and_reads_back() {
    use calamine::{DataType, Reader, Xlsx};
    let (d, l) = issued();
    let ins = inspectors();
    let p = plan_json(&l, &["--inspectors", &ins]);
    let x = d.path().join("plan.xlsx");
    ok(run(&l, &["plan", "--year", "2026", "--division", "08", "--format", "xlsx", "--output", x.to_str().unwrap()]));
    let bytes = std::fs::read(&x).unwrap();
    let y = d.path().join("again.xlsx");
    ok(run(&l, &["plan", "--year", "2026", "--division", "08", "--format", "xlsx", "--output", y.to_str().unwrap()]));
    assert_eq!(bytes, std::fs::read(&y).unwrap(), "the same plan, the same bytes");
    let mut book: Xlsx<_> = calamine::open_workbook(&x).unwrap();
    assert_eq!(book.sheet_names(), vec!["监管计划", "分级统计", "检查安排", "计划依据"]);
    let plan = book.worksheet_range("监管计划").unwrap();
    let header: Vec<String> = plan.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..4], ["统一社会信用代码", "企业名称", "信用风险等级", "等级决定文号"]);
    let entries = p["plan"]["enterprises"].as_array().unwrap();
    assert_eq!(plan.height(), entries.len() + 1);
    let first: Vec<String> = plan.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(first[0], entries[0]["enterprise"].as_str().unwrap());
    assert_eq!(first[2], entries[0]["grade"].as_str().unwrap());
    let grades = book.worksheet_range("分级统计").unwrap();
    let b: Vec<String> = grades.rows().nth(2).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!((b[0].as_str(), b[2].as_str()), ("B", "20"));
    assert_eq!(b[3], p["plan"]["grades"][1]["sampled"].to_string());
    let inspections = book.worksheet_range("检查安排").unwrap();
    assert_eq!(inspections.height(), p["plan"]["inspections"].as_array().unwrap().len() + 1);
    let inputs = book.worksheet_range("计划依据").unwrap();
    assert!(inputs.rows().any(|r| r[1].as_string().as_deref() == p["plan_sha256"].as_str()));
    // The header row is frozen in every sheet (the sheet XML's pane), and
    // the name column is as wide as its widest name (CJK counted double).
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for n in 1..=4 {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap(), &mut xml).unwrap();
        assert!(xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#), "sheet {n}: {xml:.400}");
        if n == 1 {
            let widest = entries.iter().map(|e| e["name"].as_str().unwrap().chars().count() * 2).max().unwrap();
            // rust_xlsxwriter stores a width of w characters as w + 0.7109375 (its padding).
            let pattern = r#"<col min="2" max="2" width=""#;
            let at = xml.find(pattern).expect("the name column's width") + pattern.len();
            let width: f64 = xml[at..].split('"').next().unwrap().parse().unwrap();
            assert_eq!(width.floor() as usize, widest + 2, "name column width: {xml:.600}");
        }
    }
}
