//! The scenario format of fixtures/scenarios/README.md and the comparisons
//! made for each expectation: grade, score, failed conditions, fired
//! triggers, raise, deductions, every status and, when given, the name and
//! division in force on V. Shared by the two runners: tests/scenarios.rs
//! (facts imported into a real ledger) and crates/grading/tests/
//! grading_scenarios.rs (facts sealed in memory, so that mutation testing of
//! the grading crate needs no other crate's build).
#![allow(dead_code)]

use model::{ChinaDate, Record, Seq};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub title: String,
    pub clauses: Vec<String>,
    pub rules: Option<String>,
    pub facts: String,
    pub expect: Vec<Expect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub on: String,
    pub known_at_seq: Option<u64>,
    /// Optional: the name in force on V.
    pub name: Option<String>,
    /// Optional: the division in force on V.
    pub division: Option<String>,
    pub grade: String,
    pub score: Option<f64>,
    pub failed: Vec<String>,
    pub fired: Vec<String>,
    pub adjusted: bool,
    pub deductions: Option<BTreeMap<String, f64>>,
    pub status: BTreeMap<String, String>,
}

/// Where a runner keeps the scenario's records.
pub trait Source {
    /// The last seq.
    fn head(&self) -> Seq;
    /// The graded enterprise (that of the fact at seq 1) and its records known at K, in seq order.
    fn first_enterprise_known_at(&self, k: Seq) -> (String, Vec<Record>);
}

/// The suite is there: a path or glob mistake must not pass as "no scenario failed".
pub const MIN_SCENARIOS: usize = 40;

/// Every `*.toml` in fixtures/scenarios/, sorted. `manifest_dir` is the
/// running crate's directory (two levels below the repository root).
pub fn scenario_files(manifest_dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(manifest_dir).join("../../fixtures/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Reads and parses one scenario file.
pub fn read(path: &Path) -> Result<Scenario, String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let sc: Scenario = toml::from_str(&text).map_err(|e| format!("{name}: not a scenario: {e}"))?;
    if sc.title.is_empty() || sc.clauses.is_empty() {
        return Err(format!("{name}: title and clauses are required"));
    }
    Ok(sc)
}

fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

/// Grades every expectation of `sc` from `src`; returns the mismatches.
pub fn check(name: &str, sc: &Scenario, src: &dyn Source) -> Vec<String> {
    let book = rules::shipped().unwrap();
    let mut problems = Vec::new();
    for (n, ex) in sc.expect.iter().enumerate() {
        let at = format!("{name} [expect {n}, on {}]", ex.on);
        let on = ChinaDate::parse_plain(&ex.on).unwrap();
        let rules = match &sc.rules {
            Some(id) => book.by_id(id).unwrap(),
            None => book.in_force(on).unwrap(),
        };
        let k = Seq(ex.known_at_seq.unwrap_or(src.head().0));
        // A scenario may hold several enterprises; the first fact's is graded.
        let (first, records) = src.first_enterprise_known_at(k);
        let r = grading::grade(&first, &records, on, k, rules);
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
        let failed: Vec<String> = r.failed_conditions().map(|c| c.id.to_string()).collect();
        let mut want_failed = ex.failed.clone();
        want_failed.sort();
        let mut got_failed = failed;
        got_failed.sort();
        check("failed", got_failed.join(" "), want_failed.join(" "));
        let mut fired: Vec<String> = r.fired_triggers().map(|t| t.id.to_string()).collect();
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

/// The libtest-mimic trials of a runner: the suite check, then one trial per
/// file named by its stem, running `run` on the file's path.
pub fn trials(manifest_dir: &str, run: fn(&Path) -> Vec<String>) -> Vec<libtest_mimic::Trial> {
    use libtest_mimic::{Failed, Trial};
    let files = scenario_files(manifest_dir);
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
    trials
}
