//! Issue 8, item 6: one replay scenario per change the revision made
//! (fixtures/replay-scenarios/, format in its README). Each file imports its
//! facts into a fresh ledger, runs `replay --rules X --vs-rules Y --on V`
//! through the binary and checks that exactly the listed enterprises move,
//! with both grades and scores and the clauses `replay` names; then replays
//! X against a draft of Y that undoes the change (`[undo]`, checked with
//! `rules check` and `rules diff`) and checks the moves it leaves.
//!
//! A libtest-mimic harness (`harness = false`): each file is its own test,
//! `issue8_revision_<stem>` (dashes as underscores), so
//! `cargo test --test replay_scenarios -- scope` runs the scope scenario.

#[path = "support/mod.rs"]
mod support;

use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use support::*;

/// After every `recorded_at` of the scenarios; facts without one are recorded now.
const NOW: &str = "2026-11-30T12:00:00+08:00";

/// The revision's changes (issue 8, item 6) and the clause path that names each in `replay`.
const CHANGES: [(&str, &[&str]); 5] = [
    ("scope", &["scope"]),
    ("complaints", &["dimensions.complaints"]),
    ("industry", &["dimensions.industry"]),
    ("thresholds", &["grades.a_min_score", "grades.b_min_score"]),
    ("annual_run", &["annual_run"]),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    title: String,
    /// One of [`CHANGES`].
    change: String,
    on: String,
    /// X and Y: shipped rule-set ids (X edited by `rules_edit` when given).
    rules: String,
    vs_rules: String,
    #[serde(default)]
    official_run: bool,
    known_at: Option<KnownAt>,
    facts: String,
    rules_edit: Option<Edit>,
    #[serde(default)]
    moves: Vec<Mover>,
    undo: Undo,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownAt {
    x: u64,
    y: u64,
}

/// A draft: a shipped file under `id` with each `[from, to]` replaced (`from` must occur once).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    id: String,
    replace: Vec<[String; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Undo {
    replace: Vec<[String; 2]>,
    /// Exactly the clause paths `rules diff Y UNDO` lists, in any order.
    diff: Vec<String>,
    #[serde(default)]
    moves: Vec<Mover>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Mover {
    enterprise: String,
    change: String,
    /// "none" (not in scope) or "GRADE SCORE", e.g. "B 90.0".
    x: String,
    y: String,
    clauses: Vec<String>,
}

fn dir() -> PathBuf {
    fixtures().join("replay-scenarios")
}

fn files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    v.sort();
    v
}

fn read(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    toml::from_str(&text).map_err(|e| format!("not a replay scenario: {e}"))
}

/// Writes the shipped file of `base` under `id`, with the replacements, to `dir/id.toml`.
fn draft(dir: &Path, base: &str, id: &str, replace: &[[String; 2]]) -> Result<PathBuf, String> {
    let mut text = std::fs::read_to_string(fixtures().join(format!("rules/{base}.toml"))).map_err(|e| format!("{base}: {e}"))?;
    for [from, to] in std::iter::once(&[format!("id = \"{base}\""), format!("id = \"{id}\"")]).chain(replace) {
        if text.matches(from.as_str()).count() != 1 {
            return Err(format!("{base}.toml does not hold {from:?} exactly once: the shipped file changed, adapt the scenario"));
        }
        text = text.replacen(from.as_str(), to, 1);
    }
    Ok(write(dir, &format!("{id}.toml"), &text))
}

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}

fn outcome(v: &Value) -> String {
    match (v["grade"].as_str(), v["score"].as_f64()) {
        (Some(g), Some(s)) => format!("{g} {s:.1}"),
        _ => "none".into(),
    }
}

/// `replay` of X against Y in JSON, its movers as [`Mover`]s by enterprise.
fn replay(l: &Path, sc: &Scenario, x: &str, y: &str) -> (Value, BTreeMap<String, Mover>) {
    let mut args = vec!["replay", "--rules", x, "--vs-rules", y, "--on", &sc.on, "--format", "json"];
    if sc.official_run {
        args.push("--official-run");
    }
    let j = json(run(l, &args));
    let movers = j["movers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let clauses = m["clauses"].as_array().unwrap().iter().map(|c| c["clause"].as_str().unwrap().to_string()).collect();
            let e = m["enterprise"].as_str().unwrap().to_string();
            (e.clone(), Mover { enterprise: e, change: m["change"].as_str().unwrap().into(), x: outcome(&m["x"]), y: outcome(&m["y"]), clauses })
        })
        .collect();
    (j, movers)
}

/// Mismatches between the movers replay listed and those expected.
fn compare(what: &str, got: &BTreeMap<String, Mover>, want: &[Mover], errors: &mut Vec<String>) {
    let want: BTreeMap<String, Mover> = want.iter().map(|m| (m.enterprise.clone(), m.clone())).collect();
    for (e, w) in &want {
        match got.get(e) {
            None => errors.push(format!("{what}: {e} does not move, expected {w:?}")),
            Some(g) if g != w => errors.push(format!("{what}: {e} moved as\n  {g:?}\nexpected\n  {w:?}")),
            Some(_) => {}
        }
    }
    for (e, g) in got {
        if !want.contains_key(e) {
            errors.push(format!("{what}: {e} moved and is not expected to: {g:?}"));
        }
    }
}

/// Runs one scenario file; returns its mismatches.
fn check(path: &Path) -> Vec<String> {
    let sc = match read(path) {
        Ok(s) => s,
        Err(e) => return vec![e],
    };
    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut errors = Vec::new();
    let Some((_, names)) = CHANGES.iter().find(|(c, _)| *c == sc.change) else {
        return vec![format!("change {:?} is none of {:?}", sc.change, CHANGES.map(|c| c.0))];
    };
    // The change is what moves someone: its clause is named, here or under the undo.
    if !sc.moves.iter().chain(&sc.undo.moves).any(|m| m.clauses.iter().any(|c| names.contains(&c.as_str()))) {
        errors.push(format!("no expected move names the clause of {:?} ({names:?})", sc.change));
    }
    if sc.title.is_empty() {
        errors.push("a title is required".into());
    }

    let tmp = tempfile::tempdir().unwrap();
    let l = tmp.path().join("ledger");
    let facts = write(tmp.path(), "facts.jsonl", &sc.facts);
    let o = run(&l, &["import", facts.to_str().unwrap()]);
    if !o.status.success() {
        return vec![format!("import failed: {}", stderr(&o))];
    }
    let x = match &sc.rules_edit {
        None => sc.rules.clone(),
        Some(edit) => match draft(tmp.path(), &sc.rules, &edit.id, &edit.replace) {
            Ok(p) => p.to_str().unwrap().to_string(),
            Err(e) => return vec![e],
        },
    };

    // The revision's replay: exactly these enterprises move, as stated.
    let (j, got) = replay(&l, &sc, &x, &sc.vs_rules);
    compare(&format!("replay {} → {}", sc.rules, sc.vs_rules), &got, &sc.moves, &mut errors);
    if let Some(k) = &sc.known_at {
        let seen = (j["x"]["known_at_seq"].as_u64(), j["y"]["known_at_seq"].as_u64());
        if seen != (Some(k.x), Some(k.y)) {
            errors.push(format!("known_at_seq (x, y) = {seen:?}, expected ({}, {})", k.x, k.y));
        }
    }
    // The table names the same movers and clauses.
    let mut args = vec!["replay", "--rules", x.as_str(), "--vs-rules", sc.vs_rules.as_str(), "--on", sc.on.as_str()];
    if sc.official_run {
        args.push("--official-run");
    }
    let table = ok(run(&l, &args));
    for m in sc.moves.iter().filter(|m| m.change != "score") {
        for s in std::iter::once(&m.enterprise).chain(&m.clauses) {
            if !table.contains(s.as_str()) {
                errors.push(format!("the table does not show {s} (mover {}):\n{table}", m.enterprise));
            }
        }
    }

    // Undo the change in Y: the draft validates, differs by that change only, and moves as stated.
    let undo = match draft(tmp.path(), &sc.vs_rules, &format!("undo-{stem}"), &sc.undo.replace) {
        Ok(p) => p,
        Err(e) => return [errors, vec![e]].concat(),
    };
    let u = undo.to_str().unwrap();
    let o = run(&l, &["rules", "check", u]);
    if !o.status.success() {
        errors.push(format!("rules check of the undo draft: {}", stderr(&o)));
        return errors;
    }
    let d = json(run(&l, &["rules", "diff", &sc.vs_rules, u, "--format", "json"]));
    let paths: BTreeSet<&str> = d["changes"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).filter(|p| *p != "id").collect();
    let want: BTreeSet<&str> = sc.undo.diff.iter().map(String::as_str).collect();
    if paths != want {
        errors.push(format!("rules diff {} undo: {paths:?}, expected {want:?}", sc.vs_rules));
    }
    let (_, got) = replay(&l, &sc, &x, u);
    compare(&format!("replay {} → undo", sc.rules), &got, &sc.undo.moves, &mut errors);
    errors
}

/// Every change of the revision has a scenario.
fn coverage() -> Vec<String> {
    let seen: BTreeSet<String> = files().iter().filter_map(|p| read(p).ok()).map(|s| s.change).collect();
    CHANGES.iter().filter(|(c, _)| !seen.contains(*c)).map(|(c, _)| format!("no replay scenario for the change {c:?}")).collect()
}

fn trial(name: String, f: impl FnOnce() -> Vec<String> + Send + 'static) -> libtest_mimic::Trial {
    libtest_mimic::Trial::test(name, move || {
        let errors = f();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n").into())
        }
    })
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let mut trials: Vec<libtest_mimic::Trial> = files()
        .into_iter()
        .map(|p| {
            let name = format!("issue8_revision_{}", p.file_stem().unwrap().to_string_lossy().replace('-', "_"));
            trial(name, move || check(&p))
        })
        .collect();
    trials.push(trial("issue8_revision_every_change_has_a_scenario".into(), coverage));
    libtest_mimic::run(&args, trials).exit();
}
