//! The credit-ledger commands (CONTRACT.md §2–4): raw arguments are parsed
//! by `args`, turned into the objects that do the work by each command, and
//! every error is one sentence with exit code 2 (rejected input, or a named
//! thing that does not exist) or 1 (anything else).
//!
//! A command takes everything from its [`Ctx`]: the ledger (a directory it
//! opens, or one the caller shares), its "now", the store of a new ledger,
//! and the sinks for what the binary prints on stdout and stderr. The
//! binary (`crates/cli`) and the server run the same commands and get the
//! same bytes.

pub mod args;
mod commands;
mod ctx;
pub mod error;
mod render;
mod render_appeal;
mod render_plan;
mod render_replay;
mod render_rules;

pub use commands::run;
/// The question's parts as the commands resolve them, for other shells
/// (the server's pages): the same parsing, defaults and messages.
pub use commands::{book_at, check_range, enterprise, known_at, named_rule_set, parse_date, resolve_question, rule_set, Resolved};
/// The division board's rows (issue 10): `grade-all --division` as reports.
pub use commands::{grade_division, DivisionGrades};
/// The rule-change impact page's data (issue 10): `replay` as data.
pub use commands::{replay, Replay};
pub use render_replay::{Question as ReplayQuestion, Replayed, Summary as ReplaySummary};
pub use ctx::{globals, Ctx, Files, Globals, Source};
pub use error::{CliError, CliResult};
