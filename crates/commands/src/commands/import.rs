//! `import FILE...`: validate all, append atomically, print the counts.
//! `import --format xlsx FILE --sheet NAME --mapping MAPPING.toml`: the
//! same for the rows of one sheet, read through a mapping (docs/SHEETS.md).
//!
//! A rejected import creates nothing (CONTRACT.md §3). When the ledger does
//! not exist yet, it is built aside and put in place only once every line
//! has passed (`fresh`), so a first import streams like any other.

use crate::args::{ImportArgs, ImportFormat};
use crate::ctx::{note, Ctx, Files, Source};
use crate::error::{CliError, CliResult};
use ingest::sheet::{Mapping, Sheet, SheetError};
use ingest::{ImportError, ImportOutcome};
use std::io::Write;
use store::Ledger;

/// Imports into the shared ledger, or the one at the directory (created
/// when there is none).
pub fn run(ctx: &mut Ctx<'_>, a: ImportArgs) -> CliResult {
    let now = ctx.now;
    let out = if a.format == ImportFormat::Xlsx {
        let sheet = read_sheet(&a, &ctx.files, ctx.err)?;
        into_ledger(ctx, |ledger, err| ingest::sheet::import(ledger, &sheet, now).map_err(|e| sheet_rejected(e, err)))?
    } else {
        if let Some(flag) = [("--sheet", &a.sheet), ("--mapping", &a.mapping)].iter().find_map(|(f, v)| v.as_ref().map(|_| *f)) {
            return Err(CliError::Rejected(format!("{flag} is only for --format xlsx (an XLSX workbook read through a mapping)")));
        }
        let inputs = super::read_inputs(&a.files, &ctx.files)?;
        into_ledger(ctx, |ledger, err| ingest::import(ledger, &inputs, now).map_err(|e| rejected(e, err)))?
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

/// Runs `import` on the command's ledger: the shared one, the one at the
/// directory, or a new one there (see [`super::fresh`]; when another
/// import created it meanwhile, that one).
fn into_ledger(ctx: &mut Ctx<'_>, import: impl Fn(&Ledger, &mut dyn Write) -> CliResult<ImportOutcome>) -> CliResult<ImportOutcome> {
    match &ctx.ledger {
        Source::Shared(ledger) => import(ledger, ctx.err),
        Source::Dir(dir) if Ledger::exists(dir) => import(&Ledger::open(dir)?, ctx.err),
        Source::Dir(dir) => {
            if dir.exists() && !dir.is_dir() {
                return Err(CliError::Rejected(format!("--ledger {}: it is a file, not a directory", dir.display())));
            }
            let err = &mut *ctx.err;
            match super::fresh::build(dir, ctx.store, |ledger| import(ledger, err)) {
                Err(super::fresh::FreshError::Taken(_)) if Ledger::exists(dir) => import(&Ledger::open(dir)?, err),
                other => other.map_err(CliError::from),
            }
        }
    }
}

/// The sheet of `import --format xlsx`, read and converted before any
/// ledger is touched: exactly one FILE, the mapping and the workbook read
/// through `files`; every problem is rejected input (exit 2), rows at
/// fault listed on `err` one per line.
fn read_sheet(a: &ImportArgs, files: &Files, err: &mut dyn Write) -> CliResult<Sheet> {
    let [file] = a.files.as_slice() else {
        return Err(CliError::Rejected(format!("--format xlsx reads exactly one FILE (an XLSX workbook), not {}", a.files.len())));
    };
    let (Some(sheet), Some(mapping)) = (&a.sheet, &a.mapping) else {
        return Err(CliError::Rejected("--format xlsx needs --sheet NAME and --mapping MAPPING.toml".into()));
    };
    if file == "-" {
        return Err(CliError::Rejected("--format xlsx reads a workbook file, not stdin".into()));
    }
    let read = |name: &str| files.read(name).map_err(|e| CliError::Rejected(format!("cannot read {name}: {e}; nothing was appended")));
    let mapping = Mapping::parse(mapping, &read(mapping)?).map_err(|e| sheet_rejected(e, err))?;
    let bytes = read(file)?;
    Sheet::read(file, &bytes, sheet, &mapping).map_err(|e| sheet_rejected(e, err))
}

/// Rejected rows go to `err` one per line; the error is one sentence.
fn sheet_rejected(e: SheetError, err: &mut dyn Write) -> CliError {
    match e {
        SheetError::Rows(rows) => {
            for r in &rows {
                note(err, r);
            }
            CliError::Rejected(format!("{} row(s) rejected, listed above; nothing was appended", rows.len()))
        }
        SheetError::Import(ImportError::Store(e)) => e.into(),
        e => CliError::Rejected(e.to_string()),
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
