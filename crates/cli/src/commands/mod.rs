//! Each command turns validated arguments into library calls.

mod grade;
mod import;

use crate::args::{Cli, Command, Question};
use crate::error::{CliError, CliResult};
use model::{ChinaDate, Seq, Timestamp};
use rules::{RuleBook, RuleSet};
use std::path::{Path, PathBuf};
use store::Ledger;

pub fn run(cli: Cli) -> CliResult {
    let dir = ledger_dir(cli.ledger);
    match cli.command {
        Command::Import(a) => import::run(&dir, a),
        Command::Grade(a) => grade::one(&dir, a),
        Command::GradeAll(a) => grade::all(&dir, a),
        Command::Verify(_) => {
            let ledger = open_existing(&dir)?;
            let n = ledger.verify()?;
            let head = ledger.head()?;
            println!("ledger {}: {n} records verified; head seq {} hash {}", dir.display(), head.seq, hex(&head.hash));
            Ok(())
        }
        Command::Rules => {
            let book = shipped()?;
            for s in book.sets() {
                let to = s.effective_to.map(|d| d.to_string()).unwrap_or_else(|| "open".into());
                println!("{:<14} {} .. {:<10}  sha256 {}  {}", s.id, s.effective_from, to, s.sha256, s.title);
            }
            Ok(())
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `--ledger`, else `$CREDIT_LEDGER_DIR`, else `./ledger` (CONTRACT.md §3).
fn ledger_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("CREDIT_LEDGER_DIR").map(PathBuf::from)).unwrap_or_else(|| PathBuf::from("ledger"))
}

/// Opens a ledger that must already exist (reading never creates one).
fn open_existing(dir: &Path) -> CliResult<Ledger> {
    if !dir.join("conf").exists() && !dir.join("db").exists() {
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
    let head = ledger.head()?.seq;
    let known_at = match (q.known_at_seq, &q.known_at) {
        (Some(k), _) if k > head.0 => {
            return Err(CliError::Rejected(format!("--known-at-seq {k} is beyond the ledger head (seq {head})")))
        }
        (Some(k), _) => Seq(k),
        (None, Some(t)) => {
            let t = Timestamp::parse(t).map_err(|e| CliError::Rejected(format!("--known-at: {e}")))?;
            ledger.seq_at_time(t)?
        }
        (None, None) => head,
    };
    let book = shipped()?;
    let rules = match &q.rules {
        None => book.in_force(on).cloned().ok_or_else(|| CliError::Failed("no rule set is installed".into()))?,
        Some(r) if r.ends_with(".toml") || Path::new(r).is_file() => RuleSet::load(Path::new(r))?,
        Some(id) => book.by_id(id)?.clone(),
    };
    Ok(Resolved { on, known_at, rules })
}
