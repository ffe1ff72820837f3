//! Command-line arguments (CONTRACT.md §3).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Grade the credit risk of production-licence holders from an append-only
/// ledger of regulatory facts (XPCC measures, Art. 9–19).
#[derive(Parser, Debug)]
#[command(name = "credit-ledger", version, about)]
pub struct Cli {
    /// Ledger directory [default: $CREDIT_LEDGER_DIR, else ./ledger]
    #[arg(long, global = true, value_name = "DIR")]
    pub ledger: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Append facts from JSON Lines files (`-` = stdin): all validated first, then appended atomically.
    Import(ImportArgs),
    /// One enterprise's grade report as of (V, K, R).
    Grade(GradeArgs),
    /// Every enterprise in scope, sorted by USCC, with the grade distribution.
    GradeAll(GradeAllArgs),
    /// Check every record: decoding, gapless seqs, the hash chain and both indexes.
    Verify(VerifyArgs),
    /// List the shipped rule sets with their effective dates and SHA-256.
    Rules,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// JSON Lines files of facts (CONTRACT.md §1); `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Output format: table (default) or json.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The question: evaluation date V, knowledge cut K, rule set R.
#[derive(Args, Debug)]
pub struct Question {
    /// Evaluation date V (YYYY-MM-DD, China civil date).
    #[arg(long, value_name = "V")]
    pub on: String,
    /// Knowledge cut K: only facts with seq ≤ K exist [default: the head].
    #[arg(long, value_name = "K", conflicts_with = "known_at")]
    pub known_at_seq: Option<u64>,
    /// Knowledge cut as a time: the last seq recorded at or before it (RFC 3339 with offset).
    #[arg(long, value_name = "TIME")]
    pub known_at: Option<String>,
    /// Rule set: a shipped id (xpcc-revised, xpcc-trial) or a rule-set file [default: in force on V].
    #[arg(long, value_name = "ID|FILE")]
    pub rules: Option<String>,
}

#[derive(Args, Debug)]
pub struct GradeArgs {
    /// Unified social credit code of the enterprise.
    pub uscc: String,
    #[command(flatten)]
    pub question: Question,
    /// Output format: table (default) or json (CONTRACT.md §4).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct GradeAllArgs {
    #[command(flatten)]
    pub question: Question,
    /// Only enterprises of this division (jurisdiction code in force on V, e.g. 08).
    #[arg(long, value_name = "D")]
    pub division: Option<String>,
    /// Output format: table (default), json (list of reports) or csv.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {}
