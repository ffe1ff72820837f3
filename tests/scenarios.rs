//! Runs every scenario in fixtures/scenarios/ (format: its README): imports
//! the facts into a fresh ledger, grades each expectation and compares the
//! grade, score, conditions, triggers, raise, deductions, every status and,
//! when given, the name and division in force on V.
//!
//! A libtest-mimic harness (`harness = false`): each file is its own test,
//! named by its stem, so `cargo test --test scenarios -- a2-rectified-on-time`
//! runs just that one (docs/TESTING.md).

use libtest_mimic::{Arguments, Failed, Trial};
use model::{ChinaDate, Seq, Timestamp};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    title: String,
    clauses: Vec<String>,
    rules: Option<String>,
    facts: String,
    expect: Vec<Expect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    on: String,
    known_at_seq: Option<u64>,
    /// Optional: the name in force on V.
    name: Option<String>,
    /// Optional: the division in force on V.
    division: Option<String>,
    grade: String,
    score: Option<f64>,
    failed: Vec<String>,
    fired: Vec<String>,
    adjusted: bool,
    deductions: Option<BTreeMap<String, f64>>,
    status: BTreeMap<String, String>,
}

/// The harness's "now": facts without recorded_at are recorded then.
fn now() -> Timestamp {
    Timestamp::parse("2027-01-01T00:00:00Z").unwrap()
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

/// Runs one scenario; returns its mismatches.
fn run(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let sc: Scenario = match toml::from_str(&text) {
        Ok(s) => s,
        Err(e) => return vec![format!("{name}: not a scenario: {e}")],
    };
    assert!(!sc.title.is_empty() && !sc.clauses.is_empty(), "{name}: title and clauses are required");
    let dir = tempfile::tempdir().unwrap();
    let ledger = store::Ledger::open(dir.path()).unwrap();
    let input = ingest::Input::new(name.clone(), sc.facts.clone());
    if let Err(e) = ingest::import(&ledger, &[input], now()) {
        return vec![format!("{name}: import failed: {e:?}")];
    }
    let book = rules::shipped().unwrap();
    let mut problems = Vec::new();
    for (n, ex) in sc.expect.iter().enumerate() {
        let at = format!("{name} [expect {n}, on {}]", ex.on);
        let on = ChinaDate::parse_plain(&ex.on).unwrap();
        let rules = match &sc.rules {
            Some(id) => book.by_id(id).unwrap(),
            None => book.in_force(on).unwrap(),
        };
        let k = Seq(ex.known_at_seq.unwrap_or(ledger.head().unwrap().seq.0));
        let mut all = ledger.all_by_enterprise(k).unwrap();
        // A scenario may hold several enterprises; the first fact's is graded.
        let first = ledger.record(Seq(1)).unwrap().unwrap().fact.enterprise;
        let records = all.remove(&first).unwrap_or_default();
        let r = grading::grade(first.as_str(), &records, on, k, rules);
        let mut check = |what: &str, got: String, want: String| {
            if got != want {
                problems.push(format!("{at}: {what}: got {got}, expected {want}"));
            }
        };
        if let Some(want) = &ex.name {
            check("name", r.name.clone(), want.clone());
        }
        if let Some(want) = &ex.division {
            check("division", r.division.clone(), want.clone());
        }
        check("grade", r.grade.map(|g| g.to_string()).unwrap_or("none".into()), ex.grade.clone());
        check("score", format!("{:?}", r.score.map(|s| s.0)), format!("{:?}", ex.score.map(tenths)));
        let failed: Vec<String> = r.failed_conditions().map(|c| c.id.clone()).collect();
        let mut want_failed = ex.failed.clone();
        want_failed.sort();
        let mut got_failed = failed;
        got_failed.sort();
        check("failed", got_failed.join(" "), want_failed.join(" "));
        let mut fired: Vec<String> = r.fired_triggers().map(|t| t.id.clone()).collect();
        fired.sort();
        let mut want_fired = ex.fired.clone();
        want_fired.sort();
        check("fired", fired.join(" "), want_fired.join(" "));
        check("adjusted", (!r.adjustments.is_empty()).to_string(), ex.adjusted.to_string());
        if let Some(want) = &ex.deductions {
            for d in &r.dimensions {
                let w = want.get(&d.id).map(|x| tenths(*x)).unwrap_or(0);
                check(&format!("deduction {}", d.id), d.deduction.0.to_string(), w.to_string());
            }
            for id in want.keys() {
                if !r.dimensions.iter().any(|d| &d.id == id) {
                    problems.push(format!("{at}: expected dimension {id} is not in the report"));
                }
            }
        }
        let got: BTreeMap<String, String> = r
            .events
            .iter()
            .map(|e| {
                let mut s = e.status.as_str().to_string();
                if let Some(reason) = e.reason {
                    s = format!("{s}:{reason}");
                }
                if let Some(by) = &e.by {
                    s = format!("{s}:{by}");
                }
                (e.reference.clone(), s)
            })
            .collect();
        for (rf, want) in &ex.status {
            match got.get(rf) {
                None => problems.push(format!("{at}: status of {rf}: no such event")),
                Some(g) if g != want => problems.push(format!("{at}: status of {rf}: got {g}, expected {want}")),
                _ => {}
            }
        }
        for rf in got.keys().filter(|k| !ex.status.contains_key(*k)) {
            problems.push(format!("{at}: event {rf} has no expected status"));
        }
    }
    problems
}

/// The suite is there: a path or glob mistake must not pass as "no scenario failed".
const MIN_SCENARIOS: usize = 40;

fn main() {
    let args = Arguments::from_args();
    let files = scenario_files();
    let count = files.len();
    let mut trials = vec![Trial::test("scenario_suite_is_present", move || {
        if count >= MIN_SCENARIOS {
            Ok(())
        } else {
            Err(format!("expected the scenario suite, found {count} files").into())
        }
    })];
    trials.extend(files.into_iter().map(|path| {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        Trial::test(stem, move || {
            let problems = run(&path);
            if problems.is_empty() {
                Ok(())
            } else {
                Err(Failed::from(format!("{} mismatches:\n{}", problems.len(), problems.join("\n"))))
            }
        })
    }));
    libtest_mimic::run(&args, trials).exit();
}
