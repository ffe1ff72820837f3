//! Command-line arguments (CONTRACT.md §3).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Grade the credit risk of production-licence holders from an append-only
/// ledger of regulatory facts (XPCC measures, Art. 9–19).
#[derive(Parser, Debug, Clone)]
#[command(name = "credit-ledger", version, about)]
pub struct Cli {
    /// Ledger directory [default: $CREDIT_LEDGER_DIR, else ./ledger]
    #[arg(long, global = true, value_name = "DIR")]
    pub ledger: Option<PathBuf>,
    /// The command's "now" (RFC 3339 with offset), for tests and backfills:
    /// recorded time of imported facts without one, of issued decisions, and
    /// "today" [default: $CREDIT_LEDGER_NOW, else the system clock]. Never
    /// later than the system clock.
    #[arg(long, global = true, value_name = "TIME")]
    pub now: Option<String>,
    /// The store a new ledger is created on: sled (the default) or redb, the
    /// comparison store of BENCHMARKS.md. An existing ledger always opens on
    /// its own store [default: $CREDIT_LEDGER_STORE, else sled]
    #[arg(long, global = true, value_name = "STORE")]
    pub store: Option<String>,
    /// Run the command through the server at URL (`credit-ledger serve`)
    /// instead of on a ledger directory, with the same output; the bearer
    /// token is read from $CREDIT_LEDGER_TOKEN [default: $CREDIT_LEDGER_SERVER]
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Append facts from JSON Lines files (`-` = stdin), or from an XLSX sheet through a mapping (--format xlsx): all validated first, then appended atomically.
    Import(ImportArgs),
    /// One enterprise's grade report as of (V, K, R).
    Grade(GradeArgs),
    /// Every enterprise in scope, sorted by USCC, with the grade distribution.
    GradeAll(GradeAllArgs),
    /// The official annual run (Art. 15): append one grade_issued decision record per enterprise in scope.
    Issue(IssueArgs),
    /// Re-derive an issued grade (or the one an objection targets), check it reproduces exactly, and show what changed since.
    Review(ReviewArgs),
    /// Differences between two questions about one enterprise: two knowledge cuts, two rule sets or two dates.
    Diff(DiffArgs),
    /// Every enterprise graded under two rule sets: the transition matrix and who moved, with the clauses responsible.
    Replay(ReplayArgs),
    /// The grade as if the facts in FILE were appended now, without appending them.
    WhatIf(WhatIfArgs),
    /// The enterprise's whole file (一企一档): identity, licences, facts with their corrections, decisions, grade history.
    Dossier(DossierArgs),
    /// Check every record: decoding, gapless seqs, the hash chain and both indexes; or, with --archive, an export on its own.
    Verify(VerifyArgs),
    /// Write the whole ledger as a JSON Lines archive: every record with its seq, recorded time and chain hash.
    Export(ExportArgs),
    /// Rebuild a new ledger from an archive, verified whole first, ending at the same head hash.
    Restore(RestoreArgs),
    /// Rule sets: list the shipped ones (the default), or check, show or diff rule-set files (docs/RULES.md).
    Rules(RulesArgs),
    /// Convert a ledger written by credit-ledger 0.2 or earlier (storage layout 1) into a new directory in today's layout, record for record.
    Migrate(MigrateArgs),
    /// Serve the ledger over HTTP (README "The server"): one writer, concurrent readers, bearer tokens, an audit trail.
    Serve(ServeArgs),
    /// Show the server's audit trail, checking its hash chain (exit 1 when broken).
    Audit(AuditArgs),
    /// The supervision plan of a division for a year (Art. 15–19): draw and issue it, show it, update it for grade changes, or `plan verify REF`.
    Plan(PlanArgs),
}

/// Output of grade-all: a table, a JSON list of reports, CSV, JSON Lines
/// (one compact report per line, for streaming; grade-all only), or an
/// XLSX workbook with Chinese headers (grade-all only, to `--output FILE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Jsonl,
    Xlsx,
}

/// Output of the other commands: a readable table or JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
}

/// Output of import, or (`xlsx`) what its input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Table,
    Json,
    /// FILE is an XLSX workbook whose sheet `--sheet` is read through the
    /// mapping `--mapping` (docs/SHEETS.md); the outcome is reported as a table.
    Xlsx,
}

#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    /// JSON Lines files of facts (CONTRACT.md §1); `-` reads stdin. With
    /// `--format xlsx`: exactly one XLSX workbook.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Output format (table or json) of a JSON Lines import; `xlsx` instead
    /// says that FILE is an XLSX workbook (read with --sheet and --mapping,
    /// docs/SHEETS.md), and the outcome is printed as a table.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ImportFormat,
    /// With --format xlsx (required there, refused otherwise): the name of the sheet to read.
    #[arg(long, value_name = "NAME", required_if_eq("format", "xlsx"))]
    pub sheet: Option<String>,
    /// With --format xlsx (required there, refused otherwise): the mapping file (TOML,
    /// docs/SHEETS.md) from the sheet's columns to fact fields, e.g.
    /// fixtures/mappings/sampling-notice.toml or fixtures/mappings/penalty-list.toml.
    #[arg(long, value_name = "MAPPING.toml", required_if_eq("format", "xlsx"))]
    pub mapping: Option<String>,
}

/// The question: evaluation date V, knowledge cut K, rule set R.
#[derive(Args, Debug, Clone)]
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

#[derive(Args, Debug, Clone)]
pub struct GradeArgs {
    /// Unified social credit code of the enterprise.
    pub uscc: String,
    #[command(flatten)]
    pub question: Question,
    /// Output format (json: CONTRACT.md §4).
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Args, Debug, Clone)]
pub struct GradeAllArgs {
    #[command(flatten)]
    pub question: Question,
    /// Only enterprises of this division (jurisdiction code in force on V, e.g. 08).
    #[arg(long, value_name = "D")]
    pub division: Option<String>,
    /// Output format: table (default), json (list of reports), csv, jsonl (one report per line) or xlsx (a workbook; needs --output).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// Check this archive (an `export`) instead of a ledger: no --ledger, no sled, nothing written (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    pub archive: Option<String>,
    /// Output format (json: README "verify --format json").
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on; keep it on loopback unless a proxy with TLS stands in front.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The access file: bearer tokens by SHA-256, with roles (README "Access file").
    #[arg(long, value_name = "FILE")]
    pub access: std::path::PathBuf,
    /// The audit trail [default: <ledger-dir>.audit.jsonl, beside the ledger].
    #[arg(long, value_name = "FILE")]
    pub audit: Option<std::path::PathBuf>,
    /// The largest request body, in bytes (64 MiB by default, about 200,000 facts).
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_body: usize,
    /// Seconds one request may take (event streams and long listings excepted).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub timeout: u64,
    /// Requests one writer round appends with one flush at most; 1 = one flush per request (the benchmark's baseline).
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub round: usize,
}

#[derive(Args, Debug, Clone)]
pub struct AuditArgs {
    /// The audit trail [default: <ledger-dir>.audit.jsonl].
    #[arg(long, value_name = "FILE")]
    pub audit: Option<std::path::PathBuf>,
    /// Only the last N lines.
    #[arg(long, value_name = "N")]
    pub tail: Option<usize>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Args, Debug, Clone)]
pub struct MigrateArgs {
    /// The old ledger directory (read only: its records are never changed).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// The new ledger directory (must not exist yet).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct RulesArgs {
    /// What to do with rule sets [default: list].
    #[command(subcommand)]
    pub command: Option<RulesCommand>,
    /// Output format (json: README "Rule-set tools").
    #[arg(long, value_enum, default_value = "table", global = true)]
    pub format: ReportFormat,
}

/// The `rules` subcommands. Bare `rules` is `rules list`.
#[derive(Subcommand, Debug, Clone)]
pub enum RulesCommand {
    /// List the shipped rule sets, and those adopted in the ledger, with their effective dates and SHA-256.
    List,
    /// Check a rule-set file: every problem with its line and key (exit 2), or ok with its id and SHA-256.
    Check(RulesCheckArgs),
    /// Print every clause of a rule set.
    Show(RulesShowArgs),
    /// Clause by clause, what changed from rule set A to rule set B.
    Diff(RulesDiffArgs),
    /// Record a validated rule-set file in the ledger as adopted, with the dates it is in force.
    Adopt(AdoptArgs),
}

#[derive(Args, Debug, Clone)]
pub struct RulesCheckArgs {
    /// The rule-set file (TOML, docs/RULES.md).
    #[arg(value_name = "FILE")]
    pub file: String,
}

#[derive(Args, Debug, Clone)]
pub struct RulesShowArgs {
    /// A shipped rule-set id (xpcc-trial, xpcc-revised) or a rule-set file.
    #[arg(value_name = "ID|FILE")]
    pub rules: String,
}

#[derive(Args, Debug, Clone)]
pub struct RulesDiffArgs {
    /// The rule set changed from: a shipped id or a file.
    #[arg(value_name = "A")]
    pub a: String,
    /// The rule set changed to: a shipped id or a file.
    #[arg(value_name = "B")]
    pub b: String,
}

#[derive(Args, Debug, Clone)]
pub struct AdoptArgs {
    /// The rule-set file (TOML; docs/RULES.md).
    pub file: PathBuf,
    /// First day in force (YYYY-MM-DD, China date).
    #[arg(long, value_name = "DATE")]
    pub effective_from: String,
    /// First day no longer in force [default: open-ended].
    #[arg(long, value_name = "DATE")]
    pub effective_to: Option<String>,
    /// The id of the earlier adoption whose dates these overlap, which this one replaces there.
    #[arg(long, value_name = "ID")]
    pub replaces: Option<String>,
    /// Unified social credit code of the adopting authority (the market-regulation bureau).
    #[arg(long, value_name = "USCC")]
    pub authority: String,
    /// Document number of the adoption act [default: RULES-<id>-<effective-from>].
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct IssueArgs {
    /// The year evaluated: V = 31 December of it.
    #[arg(long)]
    pub year: i32,
    /// Record new decisions that replace those already issued for the year.
    #[arg(long)]
    pub supersede: bool,
    /// Rule set [default: the one in force on V].
    #[arg(long, value_name = "ID|FILE")]
    pub rules: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Args, Debug, Clone)]
pub struct ReviewArgs {
    /// Ref of a grade_issued, objection_filed or objection_decided fact.
    #[arg(value_name = "REF")]
    pub reference: String,
    /// A rule-set file to trust besides the shipped ones (when the decision used one).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Args, Debug, Clone)]
pub struct DiffArgs {
    /// Unified social credit code of the enterprise.
    pub uscc: String,
    #[command(flatten)]
    pub question: Question,
    /// Compare with this knowledge cut.
    #[arg(long, value_name = "K2", group = "vs")]
    pub vs_known_at_seq: Option<u64>,
    /// Compare with this rule set.
    #[arg(long, value_name = "ID|FILE", group = "vs")]
    pub vs_rules: Option<String>,
    /// Compare with this evaluation date.
    #[arg(long, value_name = "V2", group = "vs")]
    pub vs_on: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// `replay`: the same V under rule sets X and Y (README "Replay after a rule change").
#[derive(Args, Debug, Clone)]
pub struct ReplayArgs {
    /// Rule set X: a shipped id or a rule-set file (a draft need not be adopted).
    #[arg(long, value_name = "ID|FILE")]
    pub rules: String,
    /// Rule set Y, compared with X: a shipped id or a rule-set file.
    #[arg(long, value_name = "ID|FILE")]
    pub vs_rules: String,
    /// Evaluation date V (YYYY-MM-DD, China civil date).
    #[arg(long, value_name = "V")]
    pub on: String,
    /// Knowledge cut K of both sides [default: the head].
    #[arg(long, value_name = "K", conflicts_with = "official_run")]
    pub known_at_seq: Option<u64>,
    /// K of each side from its rule set's annual run: january_1 → the last seq recorded before
    /// 1 January of year(V)+1, first_quarter → by 31 March of year(V)+1, 24:00 (China time).
    #[arg(long)]
    pub official_run: bool,
    /// Only enterprises of this division (jurisdiction code in force on V, e.g. 08).
    #[arg(long, value_name = "D")]
    pub division: Option<String>,
    /// Output format: table (default), csv (one row per enterprise that moved) or json.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Not an argument: the head a server answers at when no knowledge cut
    /// is given (the one published when the request started), still
    /// called "the head" in the answer.
    #[arg(skip)]
    pub head: Option<u64>,
}

#[derive(Args, Debug, Clone)]
pub struct WhatIfArgs {
    /// Unified social credit code of the enterprise.
    pub uscc: String,
    /// Evaluation date V.
    #[arg(long, value_name = "V")]
    pub on: String,
    /// JSON Lines facts to suppose appended (validated like an import; nothing is written).
    #[arg(long = "with", value_name = "FILE", required = true)]
    pub with: Vec<String>,
    /// Rule set [default: in force on V].
    #[arg(long, value_name = "ID|FILE")]
    pub rules: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Args, Debug, Clone)]
pub struct DossierArgs {
    /// Unified social credit code of the enterprise.
    pub uscc: String,
    /// The file's date: licences held and the grade history end here [default: today, China date].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The archive to write (whole or not at all); `-` writes stdout.
    #[arg(value_name = "FILE")]
    pub file: String,
}

#[derive(Args, Debug, Clone)]
pub struct RestoreArgs {
    /// The archive to restore from (a file: it is read twice, to verify it whole before appending).
    #[arg(value_name = "FILE")]
    pub file: String,
}

/// Output of `plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Table,
    Json,
    Csv,
    /// A workbook (needs --output).
    Xlsx,
}

/// `plan --year Y --division D`: with `--salt` (and `--authority`) the
/// plan is drawn from the grades in force (the decisions of the evaluation
/// of Y − 1 known at K) and issued as a `plan_issued` record; without, the
/// issued plan is recomputed and shown; with `--as-of DATE`, its changes
/// for grades that moved since (README "The supervision plan").
#[derive(Args, Debug, Clone)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub command: Option<PlanCommand>,
    /// The plan year Y.
    #[arg(long)]
    pub year: Option<i32>,
    /// The division (jurisdiction code, e.g. 08).
    #[arg(long, value_name = "D")]
    pub division: Option<String>,
    /// The public salt announced before the draw: draws and issues the plan.
    #[arg(long, value_name = "TEXT")]
    pub salt: Option<String>,
    /// USCC of the issuing authority (the market-regulation bureau); needed with --salt.
    #[arg(long, value_name = "USCC")]
    pub authority: Option<String>,
    /// Inspector list (TOML: [[inspector]] id, name, conflicts): two are drawn per inspection.
    #[arg(long, value_name = "FILE")]
    pub inspectors: Option<String>,
    /// Knowledge cut K of the draw (with --salt) or of the grades (with --as-of) [default: the head].
    #[arg(long, value_name = "K")]
    pub known_at_seq: Option<u64>,
    /// Rule set whose [supervision] table sets the regimes [default: in force on 1 January of Y].
    #[arg(long, value_name = "ID|FILE")]
    pub rules: Option<String>,
    /// Update the issued plan for the grades as of DATE (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: PlanFormat,
    /// Write to FILE (whole or not at all) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum PlanCommand {
    /// Recompute an issued plan from the public inputs in its record and say whether it matches (exit 1 when not).
    Verify(PlanVerifyArgs),
}

#[derive(Args, Debug, Clone)]
pub struct PlanVerifyArgs {
    /// Ref of the plan_issued record (PLAN-<year>-<division>).
    #[arg(value_name = "REF")]
    pub reference: String,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}
