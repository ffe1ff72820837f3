//! `import FILE...`: validate all, append atomically, print the counts.
//!
//! A rejected import creates nothing (CONTRACT.md §3). When the ledger does
//! not exist yet, it is built aside and put in place only once every line
//! has passed (`fresh`), so a first import streams like any other.

use crate::args::{ImportArgs, ImportFormat};
use crate::ctx::{note, Ctx, Source};
use crate::error::{CliError, CliResult};
use ingest::{ImportError, ImportOutcome, Input};
use model::Timestamp;
use std::io::Write;
use std::path::Path;
use store::{Ledger, StoreKind};

/// Imports into the shared ledger, or the one at the directory (created
/// when there is none).
pub fn run(ctx: &mut Ctx<'_>, a: ImportArgs) -> CliResult {
    let inputs = super::read_inputs(&a.files, &ctx.files)?;
    let now = ctx.now;
    let out = match &ctx.ledger {
        Source::Shared(ledger) => ingest::import(ledger, &inputs, now).map_err(|e| rejected(e, ctx.err))?,
        Source::Dir(dir) if Ledger::exists(dir) => ingest::import(&Ledger::open(dir)?, &inputs, now).map_err(|e| rejected(e, ctx.err))?,
        Source::Dir(dir) => {
            if dir.exists() && !dir.is_dir() {
                return Err(CliError::Rejected(format!("--ledger {}: it is a file, not a directory", dir.display())));
            }
            first_import(dir, ctx.store, &inputs, now, ctx.err)?
        }
    };
    let (first, last) = (out.first_seq(), out.last_seq());
    if a.format == ImportFormat::Json {
        let j = serde_json::json!({
            "appended": out.appended,
            "duplicates": out.duplicates,
            "first_seq": first.map(|s| s.0),
            "last_seq": last.map(|s| s.0),
        });
        ctx.println(j)
    } else {
        let range = match (first, last) {
            (Some(a), Some(b)) => format!(", seqs {a}..={b}"),
            _ => String::new(),
        };
        ctx.println(format!("appended {}, duplicates {}, rejected 0{range}", out.appended, out.duplicates))
    }
}

/// Imports into a new ledger at `dir` on `store` (see [`super::fresh`]);
/// when another import created it meanwhile, imports into that one.
fn first_import(dir: &Path, store: StoreKind, inputs: &[Input], now: Timestamp, err: &mut dyn Write) -> CliResult<ImportOutcome> {
    match super::fresh::build(dir, store, |ledger| ingest::import(ledger, inputs, now).map_err(|e| rejected(e, err))) {
        Err(super::fresh::FreshError::Taken(_)) if Ledger::exists(dir) => ingest::import(&Ledger::open(dir)?, inputs, now).map_err(|e| rejected(e, err)),
        other => other.map_err(CliError::from),
    }
}

/// Rejected lines go to `err` one per line; the error is one sentence.
fn rejected(e: ImportError, err: &mut dyn Write) -> CliError {
    match e {
        ImportError::Rejected(lines) => {
            for l in &lines {
                note(err, l);
            }
            CliError::Rejected(format!("{} line(s) rejected, listed above; nothing was appended", lines.len()))
        }
        ImportError::Store(e) => e.into(),
        e => CliError::Rejected(e.to_string()),
    }
}
