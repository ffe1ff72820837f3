//! `rules list|check|show|diff` and `--rules BADFILE` (issue 8, item 2),
//! run through the real binary.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "support/mod.rs"]
mod support;
use support::*;

const NOW: &str = "2026-01-15T12:00:00+08:00";
const E: &str = "91660800000007919G";

fn bin() -> Command {
    bin_at(NOW)
}

fn rules(args: &[&str]) -> Output {
    bin().arg("rules").args(args).output().unwrap()
}

fn shipped_file(id: &str) -> PathBuf {
    fixtures().join("rules").join(format!("{id}.toml"))
}

fn shipped_text(id: &str) -> String {
    std::fs::read_to_string(shipped_file(id)).unwrap()
}

/// The revised set with four problems on known lines.
fn bad_text() -> String {
    shipped_text("xpcc-revised")
        .replace("id = \"xpcc-revised\"", "id = \"draft\"")
        .replace("past_year_months = 12 ", "past_year_months = 12\nbonus = 1 ")
        .replace("b_min_score = 80.0", "b_min_score = 95.0")
        .replace("sampling_failed = 10.0", "sampling_fialed = 10.0")
        .replace("complaint = 2.0", "complaint = 2.05")
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// The (line, key) pairs the bad file must be reported with, in order.
fn bad_problems(text: &str) -> Vec<(usize, &'static str)> {
    vec![
        (line_of(text, "bonus = 1"), "bonus"),
        (line_of(text, "b_min_score"), "grades.b_min_score"),
        (line_of(text, "sampling_fialed"), "dimensions[3].points.sampling_fialed"),
        (line_of(text, "complaint = 2.05"), "dimensions[6].points.complaint"),
    ]
}

#[test]
fn issue8_bare_rules_is_rules_list() {
    for format in ["table", "json"] {
        let bare = ok(rules(&["--format", format]));
        assert_eq!(bare, ok(rules(&["list", "--format", format])));
        assert!(bare.contains("xpcc-trial") && bare.contains("xpcc-revised"), "{bare}");
    }
    for sub in ["list", "check", "show", "diff"] {
        let h = rules(&[sub, "--help"]);
        assert!(h.status.success() && !h.stdout.is_empty(), "rules {sub} --help");
    }
}

#[test]
fn issue8_rules_check_ok_names_id_and_sha256() {
    let file = shipped_file("xpcc-trial");
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(std::fs::read(&file).unwrap()));
    let out = ok(rules(&["check", file.to_str().unwrap()]));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("ok: ") && out.contains("xpcc-trial") && out.contains(&sha), "{out}");
    let j = json(rules(&["check", file.to_str().unwrap(), "--format", "json"]));
    assert_eq!((j["ok"].as_bool(), j["id"].as_str(), j["sha256"].as_str()), (Some(true), Some("xpcc-trial"), Some(sha.as_str())));
    assert_eq!(j["problems"], serde_json::json!([]));
}

#[test]
fn issue8_rules_check_lists_every_problem_with_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = bad_text();
    let file = write(dir.path(), "draft.toml", &text);
    let f = file.to_str().unwrap();
    let o = rules(&["check", f]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], format!("credit-ledger: rule set {f} is refused: 4 problems"));
    let want = bad_problems(&text);
    assert_eq!(lines.len(), 1 + want.len(), "{err}");
    for ((line, key), got) in want.iter().zip(&lines[1..]) {
        assert!(got.starts_with(&format!("{f}:{line}: {key}: ")), "{got:?} should be at {line} {key}");
    }

    let o = rules(&["check", f, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((j["ok"].as_bool(), j["file"].as_str(), j["id"].is_null()), (Some(false), Some(f), true));
    let got: Vec<(usize, &str)> =
        j["problems"].as_array().unwrap().iter().map(|p| (p["line"].as_u64().unwrap() as usize, p["key"].as_str().unwrap())).collect();
    assert_eq!(got, want);
    assert!(j["problems"][2]["message"].as_str().unwrap().contains("did you mean `sampling_failed`?"), "{j}");
    assert_eq!(stderr(&o).lines().count(), 1, "json: one sentence on stderr");

    let o = rules(&["check", dir.path().join("missing.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read rule-set file"), "{}", stderr(&o));
}

#[test]
fn issue8_rules_check_refuses_what_rules_file_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let text = shipped_text("xpcc-revised").replace("sampling_failed = 10.0", "sampling_failed = 20.0");
    let file = write(dir.path(), "draft.toml", &text);
    let o = rules(&["check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}:{}: id: rule set id \"xpcc-revised\" is the shipped set", file.display(), line_of(&text, "id = "))), "{}", stderr(&o));
}

fn import(dir: &Path) -> PathBuf {
    let facts = format!(
        "{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-1\",\"enterprise\":\"{E}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业\",\"division\":\"08\",\"scale\":\"large\"}}\n\
         {{\"kind\":\"licence_granted\",\"ref\":\"LIC-1\",\"enterprise\":\"{E}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-00001\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\"}}\n"
    );
    let l = dir.join("ledger");
    ok(run_at(NOW, &l, &["import", write(dir, "facts.jsonl", &facts).to_str().unwrap()]));
    l
}

#[test]
fn issue8_a_bad_rules_file_is_refused_by_every_command_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let l = import(dir.path());
    let head = json(run_at(NOW, &l, &["verify", "--format", "json"]))["head"].clone();
    let text = bad_text();
    let file = write(dir.path(), "draft.toml", &text);
    let f = file.to_str().unwrap();
    let out = dir.path().join("grades.csv");
    for args in [
        vec!["grade", E, "--on", "2025-12-31", "--rules", f],
        vec!["grade-all", "--on", "2025-12-31", "--rules", f, "--output", out.to_str().unwrap()],
        vec!["issue", "--year", "2025", "--rules", f],
        vec!["diff", E, "--on", "2025-12-31", "--vs-rules", f],
        vec!["rules", "show", f],
    ] {
        let o = run_at(NOW, &l, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        let err = stderr(&o);
        let want = bad_problems(&text);
        assert_eq!(err.lines().count(), 1 + want.len(), "{args:?}: {err}");
        for (line, key) in want {
            assert!(err.contains(&format!("{f}:{line}: {key}: ")), "{args:?}: {err}");
        }
    }
    assert!(!out.exists(), "grade-all wrote its output");
    assert_eq!(json(run_at(NOW, &l, &["verify", "--format", "json"]))["head"], head, "the ledger changed");
}

#[test]
fn issue8_rules_show_json_round_trips_the_file() {
    for id in ["xpcc-trial", "xpcc-revised"] {
        let mut shown = json(rules(&["show", id, "--format", "json"]));
        let sha = shown.as_object_mut().unwrap().remove("sha256").unwrap();
        assert_eq!(sha.as_str().unwrap().len(), 64);
        // An absent effective_to is shown as null; the file leaves it out.
        shown.as_object_mut().unwrap().retain(|_, v| !v.is_null());
        // The optional keys the file leaves out are shown with their defaults
        // (docs/RULES.md "Optional keys and their defaults").
        let top = shown.as_object_mut().unwrap();
        let (lists, windows) = (top.remove("lists").unwrap(), top.remove("windows").unwrap());
        assert_eq!(lists["D1"], serde_json::json!(["serious_violation"]), "{id}");
        assert_eq!(windows["A5"], 12, "{id}");
        let publicity = top["publicity"].as_object_mut().unwrap();
        assert_eq!(publicity.remove("unpublicized_procedures"), Some(serde_json::json!(["simple"])), "{id}");
        assert!(publicity.remove("minor_measures").is_some() && publicity.remove("unpublicized_measures").is_some(), "{id}");
        let file: Value = toml::from_str(&shipped_text(id)).unwrap();
        assert_eq!(shown, file, "{id}: show --format json must carry every key of the file with its value");
        // The same from the file's path.
        let mut by_path = json(rules(&["show", shipped_file(id).to_str().unwrap(), "--format", "json"]));
        by_path.as_object_mut().unwrap().retain(|_, v| !v.is_null());
        assert_eq!(by_path["sha256"], sha);
    }
    let j = json(rules(&["show", "xpcc-revised", "--format", "json"]));
    assert_eq!((j["grades"]["a_min_score"].as_f64(), j["effective_to"].is_null()), (Some(90.0), true));
    assert_eq!(j["dimensions"][6]["id"], "complaints");
    assert_eq!(j["dimensions"][6]["points"]["complaint"].as_f64(), Some(2.0));
}

#[test]
fn issue8_rules_show_prints_every_clause() {
    let out = ok(rules(&["show", "xpcc-revised"]));
    for needle in [
        "rule set xpcc-revised · sha256 ",
        "scope             licensed",
        "annual_run        first_quarter",
        "[grades]",
        "a_conditions     [A1, A2, A3, A4, A5, A6, A7, A8, A9]",
        "[publicity]",
        "[self_inspection]",
        "[product_risk]",
        "[penalty]",
        "[[dimensions]] complaints",
        "[supervision]",
        "[inspections_per_year]",
    ] {
        assert!(out.contains(needle), "{needle:?} missing:\n{out}");
    }
    // Every deduction rule of the file, with its points.
    for rule in ["sampling_failed  10.0", "complaint  2.0", "opinion_strong_reaction   8.0"] {
        assert!(out.contains(rule), "{rule:?} missing:\n{out}");
    }
    let o = rules(&["show", "xpcc-nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("xpcc-trial, xpcc-revised"), "{}", stderr(&o));
}

#[test]
fn issue8_rules_diff_of_the_shipped_sets_shows_the_revision() {
    let out = ok(rules(&["diff", "xpcc-trial", "xpcc-revised"]));
    for line in [
        "  scope: key_catalogue → licensed",
        "  annual_run: january_1 → first_quarter",
        "  effective_to: 2023-01-01 → none",
        "  dimensions.industry: removed {id = industry, name = 行业属性, cap = 5.0, points = {product_high = 5.0, product_elevated = 3.0}}",
        "  dimensions.complaints: added {id = complaints, name = 经核实的投诉举报, cap = 10.0, points = {complaint = 2.0}}",
        "  dimensions.industry.points.product_high: moved to dimensions.quality_risk.points.product_high (5.0)",
        "12 clauses differ",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} missing:\n{out}");
    }
    // The shipped thresholds are the same numbers: no grades clause differs.
    assert!(!out.contains("grades."), "{out}");

    let j = json(rules(&["diff", "xpcc-trial", "xpcc-revised", "--format", "json"]));
    assert_eq!((j["a"]["id"].as_str(), j["b"]["id"].as_str(), j["identical"].as_bool()), (Some("xpcc-trial"), Some("xpcc-revised"), Some(false)));
    let changes = j["changes"].as_array().unwrap();
    let find = |path: &str| changes.iter().find(|c| c["path"] == path).unwrap_or_else(|| panic!("{path} missing: {j}"));
    assert_eq!(find("scope"), &serde_json::json!({"change": "changed", "path": "scope", "old": "key_catalogue", "new": "licensed"}));
    assert_eq!(find("effective_to")["new"], Value::Null);
    assert_eq!(find("dimensions.industry")["change"], "removed");
    assert_eq!(find("dimensions.complaints")["new"]["points"]["complaint"].as_f64(), Some(2.0));
    let moved = find("dimensions.industry.points.product_elevated");
    assert_eq!((moved["change"].as_str(), moved["to"].as_str()), (Some("moved"), Some("dimensions.quality_risk.points.product_elevated")));
}

#[test]
fn issue8_rules_diff_of_a_set_with_itself_or_a_draft() {
    let j = json(rules(&["diff", "xpcc-revised", "xpcc-revised", "--format", "json"]));
    assert_eq!((j["identical"].as_bool(), j["changes"].as_array().map(Vec::len)), (Some(true), Some(0)));
    let dir = tempfile::tempdir().unwrap();
    let text = shipped_text("xpcc-revised").replace("id = \"xpcc-revised\"", "id = \"draft\"");
    let base = write(dir.path(), "base.toml", &text);
    let same = write(dir.path(), "same.toml", &(text.clone() + "\n# only a comment\n"));
    let out = ok(rules(&["diff", same.to_str().unwrap(), same.to_str().unwrap()]));
    assert!(out.ends_with("no clause differs (the same bytes)\n"), "{out}");
    let out = ok(rules(&["diff", base.to_str().unwrap(), same.to_str().unwrap()]));
    assert!(out.ends_with("no clause differs (the files differ only in comments, layout or the order of ids)\n"), "{out}");
    let draft = write(dir.path(), "draft.toml", &text.replace("sampling_failed = 10.0", "sampling_failed = 20.0").replace("\"A8\", \"A9\"]", "\"A8\"]"));
    let out = ok(rules(&["diff", same.to_str().unwrap(), draft.to_str().unwrap()]));
    assert_eq!(
        out.lines().skip(1).collect::<Vec<_>>(),
        ["  grades.a_conditions: removed A9", "  dimensions.sampling.points.sampling_failed: 10.0 → 20.0", "2 clauses differ"],
        "{out}"
    );
    let out = ok(rules(&["diff", "xpcc-revised", same.to_str().unwrap()]));
    assert_eq!(out.lines().skip(1).collect::<Vec<_>>(), ["  id: xpcc-revised → draft", "1 clause differs"], "{out}");
}
