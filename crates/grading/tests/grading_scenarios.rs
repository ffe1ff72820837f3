//! The scenarios of fixtures/scenarios/ graded straight from their lines:
//! each fact parsed (model::parse_line) and sealed in memory with seqs 1, 2,
//! 3 …, without the store or the import checks (tests/scenarios.rs runs the
//! same files through a real import). The comparisons are those of
//! tests/scenarios.rs (scenario/mod.rs). This lets `make mutants` test the
//! grading crate against every scenario while building only this crate.
//! A libtest-mimic harness: one test per file, named by its stem.

mod scenario;

use model::record::GENESIS_HASH;
use model::{Record, Seq, Timestamp};
use scenario::Source;
use std::path::Path;

struct Sealed(Vec<Record>);

impl Source for Sealed {
    fn head(&self) -> Seq {
        Seq(self.0.len() as u64)
    }

    fn first_enterprise_known_at(&self, k: Seq) -> (String, Vec<Record>) {
        let first = self.0[0].fact.enterprise;
        let records = self.0.iter().filter(|r| r.seq <= k && r.fact.enterprise == first).cloned().collect();
        (first.as_str().to_string(), records)
    }
}

fn seal(facts: &str) -> Result<Vec<Record>, String> {
    let mut prev = GENESIS_HASH;
    let mut out = Vec::new();
    // A correction is typed by the kind of its target, an earlier line.
    let mut kinds = std::collections::HashMap::new();
    for (i, line) in facts.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let fact = model::parse_line_with(line, &|t| kinds.get(t).copied()).map_err(|e| format!("line {}: {e:?}", i + 1))?.fact;
        kinds.insert(fact.reference.clone(), fact.kind());
        let r = Record::seal(Seq(i as u64 + 1), Timestamp(0), fact, prev).map_err(|e| format!("line {}: {e:?}", i + 1))?;
        prev = r.hash;
        out.push(r);
    }
    Ok(out)
}

fn run(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let sc = match scenario::read(path) {
        Ok(s) => s,
        Err(e) => return vec![e],
    };
    match seal(&sc.facts) {
        Ok(records) => scenario::check(&name, &sc, &Sealed(records)),
        Err(e) => vec![format!("{name}: {e}")],
    }
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    libtest_mimic::run(&args, scenario::trials(env!("CARGO_MANIFEST_DIR"), run)).exit();
}
