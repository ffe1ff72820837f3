//! The credit-ledger commands (CONTRACT.md §2–4): raw arguments are parsed
//! by `args`, turned into the objects that do the work by each command, and
//! every error is one sentence with exit code 2 (rejected input) or 1
//! (anything else). The binary (`crates/cli`) runs them on a directory.

pub mod args;
mod commands;
pub mod error;
mod render;
mod render_appeal;
mod render_replay;
mod render_rules;

pub use commands::run;
