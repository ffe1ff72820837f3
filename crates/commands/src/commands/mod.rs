//! Each command turns validated arguments into library calls.

mod appeal;
mod archive;
mod grade;
mod fresh;
mod import;
mod migrate;
mod rule_sets;
mod rules_adopt;
mod replay;
mod walk;

use crate::args::{Cli, Command, Question, ReportFormat, VerifyArgs};
use crate::error::{CliError, CliResult};
use model::{ChinaDate, Seq, Timestamp};
use rules::{RuleBook, RuleSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use store::Ledger;

pub fn run(cli: Cli) -> CliResult {
    set_now(cli.now)?;
    set_store(cli.store)?;
    let dir = ledger_dir(cli.ledger);
    match cli.command {
        Command::Import(a) => import::run(&dir, a),
        Command::Grade(a) => grade::one(&dir, a),
        Command::GradeAll(a) => grade::all(&dir, a),
        Command::Issue(a) => appeal::issue(&dir, a),
        Command::Review(a) => appeal::review(&dir, a),
        Command::Diff(a) => appeal::diff(&dir, a),
        Command::Replay(a) => replay::run(&dir, a),
        Command::WhatIf(a) => appeal::what_if(&dir, a),
        Command::Dossier(a) => appeal::dossier(&dir, a),
        Command::Verify(a) => match a.archive {
            Some(file) => archive::verify(&file, a.format),
            None => verify(&dir, a),
        },
        Command::Export(a) => archive::export(&dir, a),
        Command::Restore(a) => archive::restore(&dir, a),
        Command::Rules(a) => rule_sets::run(&dir, a),
        Command::Migrate(a) => migrate::run(a),
    }
}

/// `verify`: every record checked; with `--format json` one object on
/// stdout whether it passes or not (README "verify --format json").
fn verify(dir: &Path, a: VerifyArgs) -> CliResult {
    let ledger = open_existing(dir)?;
    let checked = ledger.verify().and_then(|n| Ok((n, ledger.head()?)));
    match (a.format, checked) {
        (ReportFormat::Table, Ok((n, head))) => {
            println!("ledger {}: {n} records verified; head seq {} hash {}", dir.display(), head.seq, hex(&head.hash));
            Ok(())
        }
        (ReportFormat::Json, Ok((n, head))) => {
            let j = serde_json::json!({
                "ledger": dir.display().to_string(),
                "ok": true,
                "records": n,
                "head": {
                    "seq": head.seq.0,
                    "hash": hex(&head.hash),
                    "recorded_at": head.recorded_at.map(|t| t.to_rfc3339()),
                },
            });
            println!("{j}");
            Ok(())
        }
        (ReportFormat::Table, Err(e)) => Err(e.into()),
        (ReportFormat::Json, Err(e)) => {
            let e = CliError::from(e);
            println!("{}", serde_json::json!({ "ledger": dir.display().to_string(), "ok": false, "error": e.to_string() }));
            Err(e)
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The command's single "now", fixed once per run.
static NOW: OnceLock<Timestamp> = OnceLock::new();

/// Fixes "now" from `--now`, else `$CREDIT_LEDGER_NOW` (for tests and
/// backfills); without either, [`now`] reads the system clock once. A
/// given time may not be later than the system clock: recorded times never
/// decrease, so a "now" in the future would block every later import.
fn set_now(flag: Option<String>) -> CliResult {
    let env = std::env::var("CREDIT_LEDGER_NOW").ok().filter(|v| !v.is_empty());
    let Some((source, value)) = flag.map(|v| ("--now", v)).or_else(|| env.map(|v| ("$CREDIT_LEDGER_NOW", v))) else {
        return Ok(());
    };
    let t = Timestamp::parse(&value).map_err(|e| CliError::Rejected(format!("{source}: {e}")))?;
    let clock = Timestamp::from_utc(chrono::Utc::now());
    if t > clock {
        return Err(CliError::Rejected(format!("{source}: {value} is later than the system clock ({clock}); it may only move \"now\" back")));
    }
    let _ = NOW.set(t);
    Ok(())
}

static STORE: OnceLock<store::StoreKind> = OnceLock::new();

/// Fixes the store of a new ledger from `--store`, else `$CREDIT_LEDGER_STORE`.
fn set_store(flag: Option<String>) -> CliResult {
    let env = std::env::var("CREDIT_LEDGER_STORE").ok().filter(|v| !v.is_empty());
    let Some((source, value)) = flag.map(|v| ("--store", v)).or_else(|| env.map(|v| ("$CREDIT_LEDGER_STORE", v))) else {
        return Ok(());
    };
    let kind = store::StoreKind::parse(&value).ok_or_else(|| CliError::Rejected(format!("{source}: {value:?} is no store (sled or redb)")))?;
    let _ = STORE.set(kind);
    Ok(())
}

/// The store a new ledger is created on (sled unless `--store` says otherwise).
pub fn new_store() -> store::StoreKind {
    STORE.get().copied().unwrap_or_default()
}

/// The command's "now": `--now` / `$CREDIT_LEDGER_NOW`, else the system
/// clock (read once, so one command has one "now").
pub fn now() -> Timestamp {
    *NOW.get_or_init(|| Timestamp::from_utc(chrono::Utc::now()))
}

/// `--ledger`, else `$CREDIT_LEDGER_DIR`, else `./ledger` (CONTRACT.md §3).
fn ledger_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("CREDIT_LEDGER_DIR").map(PathBuf::from)).unwrap_or_else(|| PathBuf::from("ledger"))
}

/// Opens a ledger that must already exist (reading never creates one): a
/// missing one is a rejected `--ledger` argument (exit 2, CONTRACT.md §3).
fn open_existing(dir: &Path) -> CliResult<Ledger> {
    if !Ledger::exists(dir) {
        return Err(CliError::Rejected(format!(
            "there is no ledger at {} (import facts first, or give --ledger DIR)",
            dir.display()
        )));
    }
    Ok(Ledger::open(dir)?)
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
pub fn resolve_question(q: &Question, ledger: &Ledger) -> CliResult<Resolved> {
    let on = parse_date("--on", &q.on)?;
    let known_at = known_at(q.known_at_seq, q.known_at.as_deref(), ledger)?;
    let rules = rule_set(q.rules.as_deref(), on, &book_at(ledger, known_at)?)?;
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
pub fn rule_set(arg: Option<&str>, on: ChinaDate, book: &RuleBook) -> CliResult<RuleSet> {
    match arg {
        None => book.in_force(on).cloned().ok_or_else(|| CliError::Failed("no rule set is installed".into())),
        Some(r) => named_rule_set(r, book),
    }
}

/// `ID|FILE`: a file when it ends in `.toml` or is one, else an installed
/// id (an unknown id is refused, naming the installed ones).
pub fn named_rule_set(arg: &str, book: &RuleBook) -> CliResult<RuleSet> {
    if arg.ends_with(".toml") || Path::new(arg).is_file() {
        rule_file(arg, book)
    } else {
        Ok(book.by_id(arg)?.clone())
    }
}

/// Loads a rule-set file with the checker of `rules check`: a file with any
/// problem is refused, every problem listed with its line (exit 2). A rule
/// set is identified by id and SHA-256 together: a file that reuses a
/// shipped or adopted set's id with other bytes is refused, so that no decision can
/// name an id whose meaning is ambiguous.
pub fn rule_file(path: &str, shipped: &RuleBook) -> CliResult<RuleSet> {
    // The shell reads the file; the rules crate only parses bytes (no I/O).
    let bytes = read_rule_file(path)?;
    Ok(shipped.load(path, &bytes)?)
}

/// A rule-set file's bytes; unreadable: exit 2.
pub fn read_rule_file(path: &str) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| rules::RulesError::Io { path: path.to_string(), message: e.to_string() }.into())
}

/// JSON Lines inputs (`-` = stdin) for import and what-if, read line by
/// line when the command runs; a file that cannot be opened is refused
/// here, before anything is created.
pub fn read_inputs(files: &[String]) -> CliResult<Vec<ingest::Input>> {
    for f in files.iter().filter(|f| *f != "-") {
        std::fs::File::open(f).map_err(|e| CliError::Rejected(format!("cannot read {f}: {e}")))?;
    }
    Ok(files.iter().map(|f| ingest::Input::file(f)).collect())
}

/// Today's China civil date: that of [`now`] (never the machine's zone).
pub fn today() -> ChinaDate {
    now().china_date()
}

/// A USCC argument, and the enterprise must have facts in the ledger.
pub fn enterprise(ledger: &Ledger, s: &str) -> CliResult<model::Uscc> {
    let uscc = model::Uscc::parse(s).map_err(|e| CliError::Rejected(format!("{s:?} is not a unified social credit code: {e}")))?;
    if !ledger.has_enterprise(&uscc)? {
        return Err(CliError::Rejected(format!("the ledger has no fact of enterprise {uscc}")));
    }
    Ok(uscc)
}

/// V must lie in the ledger's range for the enterprise: from its first
/// fact's valid date to today.
pub fn check_range(on: ChinaDate, records: &[model::Record]) -> CliResult {
    let first = records.iter().map(|r| r.fact.occurred_on).min();
    let today = today();
    match first {
        Some(f) if on < f || on > today => Err(CliError::Rejected(format!(
            "date {on} is outside the ledger's range for this enterprise ({f} to today, {today})"
        ))),
        _ => Ok(()),
    }
}
