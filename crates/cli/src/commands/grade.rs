//! `grade USCC` and `grade-all`.

use super::{open_existing, resolve_question};
use crate::args::{Format, GradeAllArgs, GradeArgs, ReportFormat};
use crate::error::{CliError, CliResult};
use crate::render;
use model::Uscc;
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn one(dir: &Path, a: GradeArgs) -> CliResult {
    Uscc::parse(&a.uscc).map_err(|e| CliError::Rejected(format!("{:?} is not a unified social credit code: {e}", a.uscc)))?;
    let ledger = open_existing(dir)?;
    let q = resolve_question(&a.question, &ledger)?;
    let uscc = super::enterprise(&ledger, &a.uscc)?;
    let records = ledger.enterprise_records(&uscc, q.known_at)?;
    let (report, out_of_scope) = grading::grade_and_scope(uscc.as_str(), &records, q.on, q.known_at, &q.rules);
    let text = match a.format {
        ReportFormat::Json => report.to_json() + "\n",
        ReportFormat::Table => render::report_table(&report, out_of_scope),
    };
    print!("{text}");
    Ok(())
}

pub fn all(dir: &Path, a: GradeAllArgs) -> CliResult {
    if let Some(d) = &a.division {
        model::fact::check_division(d).map_err(|e| CliError::Rejected(format!("--division: {}", e.message)))?;
    }
    let ledger = open_existing(dir)?;
    let q = resolve_question(&a.question, &ledger)?;
    let by_enterprise = ledger.all_by_enterprise(q.known_at)?;
    let bar = (std::io::stderr().is_terminal() && by_enterprise.len() > 500).then(|| {
        let b = indicatif::ProgressBar::new(by_enterprise.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("grading {bar:40} {pos}/{len} enterprises ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut reports = Vec::new();
    let mut unregistered = 0;
    for (uscc, records) in &by_enterprise {
        let (r, out_of_scope) = grading::grade_and_scope(uscc.as_str(), records, q.on, q.known_at, &q.rules);
        if out_of_scope == Some(grading::OutOfScope::NotRegistered) {
            unregistered += 1;
        }
        if r.in_scope && a.division.as_ref().is_none_or(|d| *d == r.division) {
            reports.push(r);
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // Enterprises with facts but no registration: a footer line in the
    // table; on stderr for json and csv, whose shapes stay as CONTRACT.md §3.
    let skipped = (unregistered > 0).then(|| render::unregistered_note(unregistered, q.known_at));
    if let (Some(note), Format::Json | Format::Csv) = (&skipped, a.format) {
        eprintln!("credit-ledger: {note}");
    }
    let text = match a.format {
        Format::Table => render::all_table(&reports, q.on, q.known_at, &q.rules) + &skipped.map(|n| n + "\n").unwrap_or_default(),
        Format::Json => {
            serde_json::to_string_pretty(&reports).map_err(|e| CliError::Failed(format!("cannot render json: {e}")))? + "\n"
        }
        Format::Csv => render::all_csv(&reports)?,
    };
    match &a.output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).map_err(|e| CliError::Failed(format!("cannot write stdout: {e}")))?;
        }
        Some(path) => write_atomically(path, text.as_bytes())?,
    }
    Ok(())
}

/// Writes a whole file or nothing: a temporary sibling, synced, then renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> CliResult {
    let fail = |e: std::io::Error| CliError::Failed(format!("cannot write {}: {e}", path.display()));
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if path.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: it is a directory", path.display())));
    }
    if !parent.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: directory {} does not exist", path.display(), parent.display())));
    }
    let tmp = parent.join(format!(".{}.tmp-{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("out"), std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(fail)?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })?;
    std::fs::rename(&tmp, path).map_err(fail)
}
