//! Each command turns validated arguments into library calls.

mod appeal;
mod archive;
mod audit_trail;
mod board;
mod grade;
mod fresh;
mod import;
mod migrate;
pub(crate) mod plan;
mod rule_sets;
mod rules_adopt;
mod replay;
mod walk;

use crate::args::{Command, Question, ReportFormat, VerifyArgs};
use crate::ctx::{Ctx, Files, Source};
use crate::error::{CliError, CliResult};
use model::{ChinaDate, Seq, Timestamp};
use rules::{RuleBook, RuleSet};
use store::{Head, Ledger};

pub use board::{grade_division, DivisionGrades};
pub use replay::{replay, Replay};

/// Runs one command in `ctx`: its output goes to `ctx.out` and `ctx.err`,
/// byte for byte what the binary prints, and `ctx.known_at` is set to the
/// knowledge cut the answer used, when it resolved one. The binary prints
/// the error, prefixed `credit-ledger: `, and exits with its exit code.
pub fn run(command: Command, ctx: &mut Ctx<'_>) -> CliResult {
    if let (Source::Dir(dir), false) = (&ctx.ledger, matches!(command, Command::Audit(_) | Command::Migrate(_))) {
        if let Some(url) = store::serving::holder(dir) {
            return Err(CliError::Failed(format!(
                "the ledger at {} is held by the server at {url}; run the command through it: --server {url} (token in $CREDIT_LEDGER_TOKEN)",
                dir.display()
            )));
        }
    }
    match command {
        Command::Import(a) => import::run(ctx, a),
        Command::Grade(a) => grade::one(ctx, a),
        Command::GradeAll(a) => grade::all(ctx, a),
        Command::Issue(a) => appeal::issue(ctx, a),
        Command::Review(a) => appeal::review(ctx, a),
        Command::Diff(a) => appeal::diff(ctx, a),
        Command::Replay(a) => replay::run(ctx, a),
        Command::WhatIf(a) => appeal::what_if(ctx, a),
        Command::Dossier(a) => appeal::dossier(ctx, a),
        Command::Verify(a) => match a.archive {
            Some(file) => archive::verify(ctx, &file, a.format),
            None => verify(ctx, a),
        },
        Command::Export(a) => archive::export(ctx, a),
        Command::Restore(a) => archive::restore(ctx, a),
        Command::Rules(a) => rule_sets::run(ctx, a),
        Command::Migrate(a) => migrate::run(ctx, a),
        Command::Audit(a) => audit_trail::run(ctx, a),
        Command::Plan(a) => plan::run(ctx, a),
        // The binary runs the server itself (it needs the `server` crate).
        Command::Serve(_) => Err(CliError::Failed("serve runs only in the credit-ledger binary".into())),
    }
}

/// `verify`: every record checked; with `--format json` one object on
/// stdout whether it passes or not (README "verify --format json").
fn verify(ctx: &mut Ctx<'_>, a: VerifyArgs) -> CliResult {
    let ledger = ctx.existing()?;
    let dir = ctx.ledger.dir().display().to_string();
    let checked = ledger.verify().and_then(|n| Ok((n, verified_head(&ledger, n)?)));
    if let Ok((_, head)) = &checked {
        ctx.known_at = Some(head.seq);
    }
    match (a.format, checked) {
        (ReportFormat::Table, Ok((n, head))) => ctx.println(format!("ledger {dir}: {n} records verified; head seq {} hash {}", head.seq, hex(&head.hash))),
        (ReportFormat::Json, Ok((n, head))) => {
            let j = serde_json::json!({
                "ledger": dir,
                "ok": true,
                "records": n,
                "head": {
                    "seq": head.seq.0,
                    "hash": hex(&head.hash),
                    "recorded_at": head.recorded_at.map(|t| t.to_rfc3339()),
                },
            });
            ctx.println(j)
        }
        (ReportFormat::Table, Err(e)) => Err(e.into()),
        (ReportFormat::Json, Err(e)) => {
            let e = CliError::from(e);
            ctx.println(serde_json::json!({ "ledger": dir, "ok": false, "error": e.to_string() }))?;
            Err(e)
        }
    }
}

/// The head `verify` checked (`n` records): the current head, unless a
/// writer sharing the ledger appended meanwhile; then record `n`.
fn verified_head(ledger: &Ledger, n: u64) -> Result<Head, store::StoreError> {
    let head = ledger.head()?;
    if head.seq.0 == n {
        return Ok(head);
    }
    Ok(match ledger.record(Seq(n))? {
        Some(r) => Head { seq: r.seq, hash: r.hash, recorded_at: Some(r.recorded_at) },
        None => Head::empty(),
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn shipped() -> CliResult<RuleBook> {
    rules::shipped().map_err(|e| CliError::Failed(format!("shipped rule sets are broken: {e}")))
}

pub fn parse_date(field: &str, s: &str) -> CliResult<ChinaDate> {
    ChinaDate::parse_plain(s).map_err(|e| CliError::Rejected(format!("{field}: {e}")))
}

/// A resolved question: V, K, R.
pub struct Resolved {
    pub on: ChinaDate,
    pub known_at: Seq,
    pub rules: RuleSet,
}

/// Turns `--on`, `--known-at-seq` / `--known-at` and `--rules` into (V, K, R).
pub fn resolve_question(q: &Question, ledger: &Ledger, files: &Files) -> CliResult<Resolved> {
    let on = parse_date("--on", &q.on)?;
    let known_at = known_at(q.known_at_seq, q.known_at.as_deref(), ledger)?;
    let rules = rule_set(q.rules.as_deref(), on, &book_at(ledger, known_at)?, files)?;
    Ok(Resolved { on, known_at, rules })
}

/// K from `--known-at-seq` or `--known-at TIME`; default the head.
pub fn known_at(seq: Option<u64>, time: Option<&str>, ledger: &Ledger) -> CliResult<Seq> {
    let head = ledger.head()?.seq;
    match (seq, time) {
        (Some(k), _) if k > head.0 => Err(CliError::Rejected(format!("knowledge cut {k} is beyond the ledger head (seq {head})"))),
        (Some(k), _) => Ok(Seq(k)),
        (None, Some(t)) => {
            let t = Timestamp::parse(t).map_err(|e| CliError::Rejected(format!("--known-at: {e}")))?;
            Ok(ledger.seq_at_time(t)?)
        }
        (None, None) => Ok(head),
    }
}

/// The rule sets a question at K may use: the shipped ones and the
/// adoptions known at K (issue 8).
pub fn book_at(ledger: &Ledger, k: Seq) -> CliResult<RuleBook> {
    Ok(ingest::book_at(ledger, k)?)
}

/// A rule set by id (shipped or adopted in `book`), a rule-set file, or
/// the set in force on V.
pub fn rule_set(arg: Option<&str>, on: ChinaDate, book: &RuleBook, files: &Files) -> CliResult<RuleSet> {
    match arg {
        None => book.in_force(on).cloned().ok_or_else(|| CliError::Failed("no rule set is installed".into())),
        Some(r) => named_rule_set(r, book, files),
    }
}

/// `ID|FILE`: a file when it ends in `.toml` or is one, else an installed
/// id (an unknown id is refused, naming the installed ones).
pub fn named_rule_set(arg: &str, book: &RuleBook, files: &Files) -> CliResult<RuleSet> {
    if arg.ends_with(".toml") || files.is_file(arg) {
        rule_file(arg, book, files)
    } else {
        Ok(book.by_id(arg)?.clone())
    }
}

/// Loads a rule-set file with the checker of `rules check`: a file with any
/// problem is refused, every problem listed with its line (exit 2). A rule
/// set is identified by id and SHA-256 together: a file that reuses a
/// shipped or adopted set's id with other bytes is refused, so that no decision can
/// name an id whose meaning is ambiguous.
pub fn rule_file(path: &str, shipped: &RuleBook, files: &Files) -> CliResult<RuleSet> {
    // The shell reads the file; the rules crate only parses bytes (no I/O).
    let bytes = read_rule_file(path, files)?;
    Ok(shipped.load(path, &bytes)?)
}

/// A rule-set file's bytes; unreadable: exit 2.
pub fn read_rule_file(path: &str, files: &Files) -> CliResult<Vec<u8>> {
    files.read(path).map_err(|e| rules::RulesError::Io { path: path.to_string(), message: e.to_string() }.into())
}

/// JSON Lines inputs (`-` = stdin) for import and what-if, read line by
/// line when the command runs; a file that cannot be opened is refused
/// here, before anything is created.
pub fn read_inputs(names: &[String], files: &Files) -> CliResult<Vec<ingest::Input>> {
    names.iter().map(|f| files.input(f).map_err(|e| CliError::Rejected(format!("cannot read {f}: {e}")))).collect()
}

/// A USCC argument, and the enterprise must have facts in the ledger.
pub fn enterprise(ledger: &Ledger, s: &str) -> CliResult<model::Uscc> {
    let uscc = model::Uscc::parse(s).map_err(|e| CliError::Rejected(format!("{s:?} is not a unified social credit code: {e}")))?;
    if !ledger.has_enterprise(&uscc)? {
        return Err(CliError::NotFound(format!("the ledger has no fact of enterprise {uscc}")));
    }
    Ok(uscc)
}

/// V must lie in the ledger's range for the enterprise: from its first
/// fact's valid date to `today`.
pub fn check_range(on: ChinaDate, records: &[model::Record], today: ChinaDate) -> CliResult {
    let first = records.iter().map(|r| r.fact.occurred_on).min();
    match first {
        Some(f) if on < f || on > today => Err(CliError::Rejected(format!(
            "date {on} is outside the ledger's range for this enterprise ({f} to today, {today})"
        ))),
        _ => Ok(()),
    }
}
