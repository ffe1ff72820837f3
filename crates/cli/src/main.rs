//! `credit-ledger`: the command line over the ledger and the grading
//! (CONTRACT.md §2–4). The commands live in the `commands` crate and write
//! to the sinks given here (stdout, stderr); every error becomes one
//! sentence on stderr with exit code 2 (rejected input) or 1 (anything else).

mod serve;

use clap::Parser;
use commands::{args, CliError, CliResult, Ctx, Source};
use std::io::Write;
use std::process::ExitCode;

// glibc's allocator took a third of an import's time (perf, 10^6 facts).
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run(args::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("credit-ledger: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs the command on the ledger directory, stdout buffered (and flushed
/// before the error, if any, is printed), stderr as it comes.
fn run(cli: args::Cli) -> CliResult {
    let g = commands::globals(&cli)?;
    if let args::Command::Serve(a) = cli.command {
        // A fixed "now" (tests, backfills) stays fixed; else the clock runs.
        let fixed = cli.now.is_some() || std::env::var("CREDIT_LEDGER_NOW").is_ok_and(|v| !v.is_empty());
        return serve::run(g, a, fixed);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut err = std::io::stderr();
    let mut ctx = Ctx { ledger: Source::Dir(g.dir), now: g.now, store: g.store, out: &mut out, err: &mut err, progress: true, files: commands::Files::Disk, known_at: None };
    let result = commands::run(cli.command, &mut ctx);
    let flushed = out.flush().map_err(|e| CliError::Failed(format!("cannot write stdout: {e}")));
    result.and(flushed)
}
