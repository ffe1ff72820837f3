//! `grade USCC` and `grade-all`.

use super::resolve_question;
use crate::args::{Format, GradeAllArgs, GradeArgs, ReportFormat};
use crate::ctx::{note, stdout_failed, Ctx};
use crate::error::{CliError, CliResult};
use crate::render;
use model::Uscc;
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

pub fn one(ctx: &mut Ctx<'_>, a: GradeArgs) -> CliResult {
    Uscc::parse(&a.uscc).map_err(|e| CliError::Rejected(format!("{:?} is not a unified social credit code: {e}", a.uscc)))?;
    let ledger = ctx.existing()?;
    let q = resolve_question(&a.question, &ledger, &ctx.files)?;
    ctx.known_at = Some(q.known_at);
    let uscc = super::enterprise(&ledger, &a.uscc)?;
    let records = ledger.enterprise_records(&uscc, q.known_at)?;
    let (report, out_of_scope) = grading::grade_and_scope(uscc.as_str(), &records, q.on, q.known_at, &q.rules);
    let text = match a.format {
        ReportFormat::Json => report.to_json() + "\n",
        ReportFormat::Table => render::report_table(&report, out_of_scope),
    };
    ctx.print(&text)
}

/// `grade-all`: enterprises stream past in USCC order, one batch at a time
/// (`walk::each_batch`), each batch decoded and graded in parallel, and rows
/// are written as they are graded. Memory holds the walk's partitions in
/// flight (see `store::stream`) and two batches of enterprises (the table,
/// for people, keeps its rows).
pub fn all(ctx: &mut Ctx<'_>, a: GradeAllArgs) -> CliResult {
    if a.format == Format::Xlsx && a.output.is_none() {
        return Err(CliError::Rejected("--format xlsx writes a binary workbook, never to stdout: give --output FILE".into()));
    }
    if let Some(d) = &a.division {
        model::fact::check_division(d).map_err(|e| CliError::Rejected(format!("--division: {}", e.message)))?;
    }
    let ledger = ctx.existing()?;
    let q = resolve_question(&a.question, &ledger, &ctx.files)?;
    ctx.known_at = Some(q.known_at);
    let mut out = Output::open(a.output.as_deref(), ctx.out)?;
    let bar = super::walk::Progress::new("grading", ctx.progress);
    if a.format == Format::Csv {
        out.write(&csv_line(render::CSV_HEADER)?)?;
    }
    let mut table_rows = Vec::new();
    // The workbook is assembled whole (the writer holds every cell).
    let mut xlsx_rows = Vec::new();
    let (mut unregistered, mut in_scope) = (0usize, 0usize);
    let result = super::walk::each_batch(&ledger, q.known_at, |batch| {
        let graded: Vec<_> = batch
            .par_iter()
            .map(|e| -> Result<_, store::StoreError> {
                let records = ledger.decode_enterprise(e)?;
                Ok(grading::grade_and_scope(e.uscc.as_str(), &records, q.on, q.known_at, &q.rules))
            })
            .collect::<Result<_, _>>()?;
        for (r, out_of_scope) in graded {
            if out_of_scope == Some(grading::OutOfScope::NotRegistered) {
                unregistered += 1;
            }
            if !(r.in_scope && a.division.as_ref().is_none_or(|d| *d == r.division)) {
                continue;
            }
            match a.format {
                Format::Table => table_rows.push(r),
                Format::Csv => out.write(&csv_line(render::csv_row(&r))?)?,
                Format::Json => {
                    out.write(if in_scope == 0 { b"[\n" } else { b",\n" })?;
                    out.write(render::json_element(&r)?.as_bytes())?;
                }
                Format::Jsonl => out.write(render::json_line(&r)?.as_bytes())?,
                Format::Xlsx => xlsx_rows.push(render::xlsx_row(&r)),
            }
            in_scope += 1;
        }
        bar.set(in_scope as u64);
        Ok(())
    });
    drop(bar);
    if let Err(e) = result {
        out.discard();
        return Err(e);
    }
    // Enterprises with facts but no registration: a footer line in the
    // table; on stderr for json and csv, whose shapes stay as CONTRACT.md §3.
    let skipped = (unregistered > 0).then(|| render::unregistered_note(unregistered, q.known_at));
    if let (Some(skip), Format::Json | Format::Csv | Format::Jsonl | Format::Xlsx) = (&skipped, a.format) {
        note(ctx.err, format_args!("credit-ledger: {skip}"));
    }
    match a.format {
        Format::Table => {
            let text = render::all_table(&table_rows, q.on, q.known_at, &q.rules) + &skipped.map(|n| n + "\n").unwrap_or_default();
            out.write(text.as_bytes())?;
        }
        Format::Json => out.write(if in_scope == 0 { b"[]\n" } else { b"\n]\n" })?,
        Format::Xlsx => {
            let sheet = xlsx::Sheet { name: render::XLSX_SHEET.into(), headers: render::XLSX_HEADER.iter().map(|h| h.to_string()).collect(), rows: xlsx_rows };
            match xlsx::workbook(&[sheet]) {
                Ok(bytes) => out.write(&bytes)?,
                Err(e) => {
                    out.discard();
                    return Err(CliError::Failed(format!("cannot write the workbook: {e}")));
                }
            }
        }
        Format::Csv | Format::Jsonl => {}
    }
    out.finish()
}

/// One CSV record (RFC 4180 quoting), with its line end.
pub(super) fn csv_line<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(cells: I) -> CliResult<Vec<u8>> {
    let fail = |e: String| CliError::Failed(format!("cannot render csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cells).map_err(|e| fail(e.to_string()))?;
    w.into_inner().map_err(|e| fail(e.to_string()))
}

/// Where `grade-all` and `replay` write: the command's stdout, or a file
/// written whole or not at all (a temporary sibling, synced, then renamed).
pub(super) enum Output<'w> {
    Stdout(&'w mut (dyn Write + Send)),
    File { tmp: std::path::PathBuf, path: std::path::PathBuf, w: std::io::BufWriter<std::fs::File> },
}

impl<'w> Output<'w> {
    /// The file at `path`, else `stdout` (the command's).
    pub(super) fn open(path: Option<&Path>, stdout: &'w mut (dyn Write + Send)) -> CliResult<Output<'w>> {
        let Some(path) = path else { return Ok(Output::Stdout(stdout)) };
        let tmp = temp_path(path)?;
        let f = std::fs::File::create(&tmp).map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
        Ok(Output::File { tmp, path: path.to_path_buf(), w: std::io::BufWriter::new(f) })
    }

    pub(super) fn write(&mut self, bytes: &[u8]) -> CliResult {
        match self {
            Output::Stdout(w) => w.write_all(bytes).map_err(stdout_failed),
            Output::File { path, w, .. } => w.write_all(bytes).map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display()))),
        }
    }

    pub(super) fn finish(self) -> CliResult {
        match self {
            Output::Stdout(w) => w.flush().map_err(stdout_failed),
            Output::File { tmp, path, w } => {
                let fail = |e: std::io::Error| CliError::Failed(format!("cannot write {}: {e}", path.display()));
                let done = w.into_inner().map_err(|e| e.into_error()).and_then(|f| f.sync_all()).and_then(|_| std::fs::rename(&tmp, &path));
                done.map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    fail(e)
                })
            }
        }
    }

    pub(super) fn discard(self) {
        if let Output::File { tmp, .. } = self {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// The temporary sibling of `path`, after checking `path` can be written.
fn temp_path(path: &Path) -> CliResult<std::path::PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if path.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: it is a directory", path.display())));
    }
    // The file is replaced by a rename: a device or a pipe (/dev/null, a FIFO) would be replaced too.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(CliError::Rejected(format!("cannot write {}: it is not a regular file (a device or a pipe); name a file, or leave the option out to print", path.display())));
    }
    if !parent.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: directory {} does not exist", path.display(), parent.display())));
    }
    Ok(parent.join(format!(".{}.tmp-{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("out"), std::process::id())))
}
