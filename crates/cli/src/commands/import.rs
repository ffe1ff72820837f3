//! `import FILE...`: validate all, append atomically, print the counts.
//!
//! A rejected import creates nothing (CONTRACT.md §3): when the ledger does
//! not exist yet, the lines are validated against an empty scratch ledger
//! and the directory is created only once they all pass.

use crate::args::{ImportArgs, ImportFormat};
use crate::error::{CliError, CliResult};
use ingest::{ImportError, ImportOutcome};
use std::path::Path;
use store::Ledger;

pub fn run(dir: &Path, a: ImportArgs) -> CliResult {
    let inputs = super::read_inputs(&a.files)?;
    let now = super::now();
    let result = if Ledger::exists(dir) {
        ingest::import(&Ledger::open(dir)?, &inputs, now)
    } else {
        if dir.exists() && !dir.is_dir() {
            return Err(CliError::Rejected(format!("--ledger {}: it is a file, not a directory", dir.display())));
        }
        let plan = ingest::validate(&Ledger::scratch()?, &inputs, now).map_err(rejected)?;
        let ledger = Ledger::open(dir)?;
        // Another import may have created it meanwhile: then validate again.
        if ledger.head()?.seq.0 == 0 {
            ledger.append(plan.facts).map(|appended| ImportOutcome { appended, duplicates: plan.duplicates }).map_err(ImportError::Store)
        } else {
            ingest::import(&ledger, &inputs, now)
        }
    };
    let out = result.map_err(rejected)?;
    let (first, last) = (out.first_seq(), out.last_seq());
    if a.format == ImportFormat::Json {
        let j = serde_json::json!({
            "appended": out.appended.len(),
            "duplicates": out.duplicates,
            "first_seq": first.map(|s| s.0),
            "last_seq": last.map(|s| s.0),
        });
        println!("{j}");
    } else {
        let range = match (first, last) {
            (Some(a), Some(b)) => format!(", seqs {a}..={b}"),
            _ => String::new(),
        };
        println!("appended {}, duplicates {}, rejected 0{range}", out.appended.len(), out.duplicates);
    }
    Ok(())
}

/// Rejected lines go to stderr one per line; the error is one sentence.
fn rejected(e: ImportError) -> CliError {
    match e {
        ImportError::Rejected(lines) => {
            for l in &lines {
                eprintln!("{l}");
            }
            CliError::Rejected(format!("{} line(s) rejected, listed above; nothing was appended", lines.len()))
        }
        ImportError::Store(e) => e.into(),
    }
}
