//! `import FILE...`: validate all, append atomically, print the counts.

use crate::args::{ImportArgs, ImportFormat};
use crate::error::{CliError, CliResult};
use chrono::Utc;
use ingest::ImportError;
use model::Timestamp;
use std::path::Path;
use store::Ledger;

pub fn run(dir: &Path, a: ImportArgs) -> CliResult {
    let inputs = super::read_inputs(&a.files)?;
    let ledger = Ledger::open(dir)?;
    let now = Timestamp::from_utc(Utc::now());
    match ingest::import(&ledger, &inputs, now) {
        Ok(out) => {
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
        Err(ImportError::Rejected(lines)) => {
            for l in &lines {
                eprintln!("{l}");
            }
            Err(CliError::Rejected(format!("{} line(s) rejected, listed above; nothing was appended", lines.len())))
        }
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}
