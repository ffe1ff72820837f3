//! `export FILE`, `restore FILE` and `verify --archive FILE` (issue 7,
//! item 5; README "Durability and recovery"). The archive format and its
//! checks live in the `archive` crate.

use super::hex;
use crate::args::{ExportArgs, ReportFormat, RestoreArgs};
use crate::ctx::{note, Ctx, Held, Source};
use crate::error::{CliError, CliResult};
use archive::{ArchiveError, ArchiveSummary};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek};
use std::path::Path;
use store::Ledger;

/// `export FILE`: the whole ledger as an archive; a file is written whole
/// or not at all (a temporary sibling, synced, then renamed).
pub fn export(ctx: &mut Ctx<'_>, a: ExportArgs) -> CliResult {
    let (current, legacy) = open_for_export(ctx)?;
    let dir = ctx.ledger.dir().to_path_buf();
    let export = |w: &mut dyn std::io::Write| match (&current, &legacy) {
        (Some(l), _) => archive::export(l, w),
        (None, Some(l)) => archive::export_legacy(l, w),
        (None, None) => Err(archive::ArchiveError::Store(store::StoreError::Inconsistent("no ledger opened".into()))),
    };
    if a.file == "-" {
        let s = export(ctx.out).map_err(failed)?;
        ctx.known_at = Some(s.head.seq);
        note(ctx.err, format_args!("exported {} records from {}; head seq {} hash {}", s.records, dir.display(), s.head.seq, hex(&s.head.hash)));
        return Ok(());
    }
    let path = Path::new(&a.file);
    let s = write_atomically(path, |w| export(w))?;
    ctx.known_at = Some(s.head.seq);
    ctx.println(format_args!("exported {} records from {} to {}; head seq {} hash {}", s.records, dir.display(), path.display(), s.head.seq, hex(&s.head.hash)))
}

/// The ledger `export` reads: the shared one, or the one at the directory.
/// A layout-1 ledger exports too (read only): export + restore is how it
/// is carried into today's layout (`migrate` does both in one step).
fn open_for_export<'a>(ctx: &Ctx<'a>) -> CliResult<(Option<Held<'a>>, Option<store::legacy::LegacyLedger>)> {
    let Source::Dir(dir) = &ctx.ledger else { return Ok((Some(ctx.existing()?), None)) };
    match ctx.existing() {
        Ok(l) => Ok((Some(l), None)),
        Err(e) if !Ledger::exists(dir) || !matches!(Ledger::open(dir), Err(store::StoreError::OldLayout { .. })) => Err(e),
        Err(e) => match store::legacy::LegacyLedger::open(dir)? {
            Some(old) => Ok((None, Some(old))),
            None => Err(e),
        },
    }
}

/// `restore FILE`: a new ledger at DIR from an archive. Refuses an existing
/// ledger or a non-empty directory, and an archive that fails verification
/// (exit 2, nothing created). The archive is verified whole, then restored
/// into a temporary sibling directory that is renamed to DIR once the
/// restored ledger verifies: a ledger appears at DIR whole or not at all.
pub fn restore(ctx: &mut Ctx<'_>, a: RestoreArgs) -> CliResult {
    let dir = ctx.own_dir("restore")?.to_path_buf();
    let dir = dir.as_path();
    if a.file == "-" {
        return Err(CliError::Rejected("restore reads its archive twice (verified whole first, then appended): give a file, not -".into()));
    }
    check_new_ledger(dir)?;
    let mut file = File::open(&a.file).map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", a.file)))?;
    let verified = archive::verify_archive(BufReader::new(&file))
        .map_err(|e| CliError::Rejected(format!("{}: {e}; nothing was restored", a.file)))?;
    let s = super::fresh::build(dir, ctx.store, |ledger| {
        file.rewind().map_err(|e| CliError::Failed(format!("cannot rewind {}: {e}", a.file)))?;
        archive::restore_verified(BufReader::new(&file), ledger, &verified)
            .map_err(|e| CliError::Failed(format!("restore into {} failed: {e}; nothing was restored", dir.display())))
    })?;
    ctx.println(format_args!(
        "restored {} records ({} in record format 1) into {}; head seq {} hash {}",
        s.records,
        s.format1,
        dir.display(),
        s.head.seq,
        hex(&s.head.hash)
    ))
}

/// `verify --archive FILE`: the archive checked on its own (no ledger, no
/// sled, nothing written). Exit 1 when it is damaged, naming the first bad
/// line and seq; with `--format json`, one object on stdout either way.
pub fn verify(ctx: &mut Ctx<'_>, file: &str, format: ReportFormat) -> CliResult {
    let reader: Box<dyn BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(BufReader::new(File::open(file).map_err(|e| CliError::Rejected(format!("cannot read {file}: {e}")))?))
    };
    match (format, archive::verify_archive(reader)) {
        (ReportFormat::Table, Ok(s)) => ctx.println(format_args!(
            "archive {file}: {} records verified ({} in record format 1); head seq {} hash {}",
            s.records,
            s.format1,
            s.head.seq,
            hex(&s.head.hash)
        )),
        (ReportFormat::Json, Ok(s)) => ctx.println(summary_json(file, &s)),
        (ReportFormat::Table, Err(e)) => Err(CliError::Failed(format!("archive {file}: {e}"))),
        (ReportFormat::Json, Err(e)) => {
            let j = serde_json::json!({ "archive": file, "ok": false, "error": e.to_string(), "line": e.line(), "seq": e.seq() });
            ctx.println(j)?;
            Err(CliError::Failed(format!("archive {file}: {e}")))
        }
    }
}

fn summary_json(file: &str, s: &ArchiveSummary) -> serde_json::Value {
    serde_json::json!({
        "archive": file,
        "ok": true,
        "records": s.records,
        "format1_records": s.format1,
        "head": {
            "seq": s.head.seq.0,
            "hash": hex(&s.head.hash),
            "recorded_at": s.head.recorded_at.map(|t| t.to_rfc3339()),
        },
    })
}

fn failed(e: ArchiveError) -> CliError {
    CliError::Failed(e.to_string())
}

/// A restore only creates a ledger: DIR must not exist or be an empty directory.
fn check_new_ledger(dir: &Path) -> CliResult {
    let refuse = |why: String| Err(CliError::Rejected(format!("--ledger {}: {why}; restore only creates a new ledger", dir.display())));
    if Ledger::exists(dir) {
        return refuse("there is already a ledger there".into());
    }
    if dir.exists() && !dir.is_dir() {
        return refuse("it is a file, not a directory".into());
    }
    if dir.is_dir() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", dir.display())))?;
        if entries.next().is_some() {
            return refuse("the directory is not empty".into());
        }
    }
    Ok(())
}

/// Streams a file whole or not at all: a temporary sibling, synced, then
/// renamed over `path`.
fn write_atomically<T>(path: &Path, write: impl FnOnce(&mut BufWriter<File>) -> Result<T, ArchiveError>) -> CliResult<T> {
    if path.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: it is a directory", path.display())));
    }
    // The file is replaced by a rename: a device or a pipe (/dev/null, a FIFO) would be replaced too.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(CliError::Rejected(format!("cannot write {}: it is not a regular file (a device or a pipe); name a file, or leave the option out to print", path.display())));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: directory {} does not exist", path.display(), parent.display())));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("archive");
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let fail = |e: String| CliError::Failed(format!("cannot write {}: {e}", path.display()));
    let result = File::create(&tmp).map_err(|e| fail(e.to_string())).and_then(|f| {
        let mut w = BufWriter::new(f);
        let t = write(&mut w).map_err(|e| match e {
            ArchiveError::Write(e) => fail(e.to_string()),
            other => failed(other),
        })?;
        let f = w.into_inner().map_err(|e| fail(e.error().to_string()))?;
        f.sync_all().map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))?;
        File::open(parent).and_then(|d| d.sync_all()).map_err(|e| fail(e.to_string()))?;
        Ok(t)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
