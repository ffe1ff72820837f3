//! `import FILE...`: validate all, append atomically, print the counts.
//!
//! A rejected import creates nothing (CONTRACT.md §3). When the ledger does
//! not exist yet, it is built aside and put in place only once every line
//! has passed (`fresh`), so a first import streams like any other.

use crate::args::{ImportArgs, ImportFormat};
use crate::error::{CliError, CliResult};
use ingest::{ImportError, ImportOutcome, Input};
use model::Timestamp;
use std::path::Path;
use store::Ledger;

pub fn run(dir: &Path, a: ImportArgs) -> CliResult {
    let inputs = super::read_inputs(&a.files)?;
    let now = super::now();
    let out = if Ledger::exists(dir) {
        ingest::import(&Ledger::open(dir)?, &inputs, now).map_err(rejected)?
    } else {
        if dir.exists() && !dir.is_dir() {
            return Err(CliError::Rejected(format!("--ledger {}: it is a file, not a directory", dir.display())));
        }
        first_import(dir, &inputs, now)?
    };
    let (first, last) = (out.first_seq(), out.last_seq());
    if a.format == ImportFormat::Json {
        let j = serde_json::json!({
            "appended": out.appended,
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
        println!("appended {}, duplicates {}, rejected 0{range}", out.appended, out.duplicates);
    }
    Ok(())
}

/// Imports into a new ledger at `dir` (see [`super::fresh`]); when another
/// import created it meanwhile, imports into that one.
fn first_import(dir: &Path, inputs: &[Input], now: Timestamp) -> CliResult<ImportOutcome> {
    match super::fresh::build(dir, |ledger| ingest::import(ledger, inputs, now).map_err(rejected)) {
        Err(super::fresh::FreshError::Taken(_)) if Ledger::exists(dir) => ingest::import(&Ledger::open(dir)?, inputs, now).map_err(rejected),
        other => other.map_err(CliError::from),
    }
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
        e => CliError::Rejected(e.to_string()),
    }
}
