//! `credit-ledger`: the command line over the ledger and the grading
//! (CONTRACT.md §2–4). The commands live in the `commands` crate; every
//! error becomes one sentence on stderr with exit code 2 (rejected input)
//! or 1 (anything else).

use clap::Parser;
use commands::args;
use std::process::ExitCode;

// glibc's allocator took a third of an import's time (perf, 10^6 facts).
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("credit-ledger: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
