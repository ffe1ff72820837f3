//! The command line as a client of `credit-ledger serve` (issue 9, item 7;
//! README "The command line as a client"). With `--server URL` (or
//! `$CREDIT_LEDGER_SERVER`) a command becomes one request to the server's
//! endpoint for it, with the bearer token of `$CREDIT_LEDGER_TOKEN`; the
//! server runs the same command on its ledger and answers with its stdout,
//! stderr and exit (console frames), which are printed here as they come.
//! Files named by arguments are read here and sent; the server reads none
//! of its own. The ledger, "now" and the store of a new ledger are the
//! server's: `--ledger`, `--now` and `--store` are refused with `--server`.

mod calls;
mod http;
mod output;

use commands::args::{Cli, Command};
use commands::{CliError, CliResult};

/// The server's URL: `--server`, else `$CREDIT_LEDGER_SERVER` (not for
/// `serve`, which is the server), if either is given and not empty.
pub fn server_url(cli: &Cli) -> Option<String> {
    let env = || std::env::var("CREDIT_LEDGER_SERVER").ok().filter(|_| !matches!(cli.command, Command::Serve(_)));
    cli.server.clone().or_else(env).filter(|u| !u.is_empty())
}

/// Runs `cli`'s command through the server at `url`; prints what the
/// local command would print and returns its error (exit code included).
pub fn run(cli: Cli, url: &str, now: model::Timestamp) -> CliResult {
    let given = [("--ledger", cli.ledger.is_some()), ("--now", cli.now.is_some()), ("--store", cli.store.is_some())];
    if let Some((flag, _)) = given.iter().find(|(_, g)| *g) {
        return Err(CliError::Rejected(format!(
            "{flag} is the server's with --server {url}: give it to `credit-ledger serve`, or run without --server (and with $CREDIT_LEDGER_SERVER empty) on a ledger directory"
        )));
    }
    let server = http::Server::new(url)?;
    match calls::call(cli.command)? {
        calls::Plan::Send(call) => server.execute(call),
        calls::Plan::Local(command) => local(command, now),
    }
}

/// A command that reads no ledger (`verify --archive FILE`): run here.
fn local(command: Command, now: model::Timestamp) -> CliResult {
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut err = std::io::stderr();
    let mut ctx = commands::Ctx {
        // Never opened: the command reads only its archive.
        ledger: commands::Source::Dir(std::path::PathBuf::from("/nonexistent/credit-ledger/no-ledger")),
        now,
        store: store::StoreKind::default(),
        out: &mut out,
        err: &mut err,
        progress: true,
        files: commands::Files::Disk,
        known_at: None,
    };
    let result = commands::run(command, &mut ctx);
    let flushed = std::io::Write::flush(&mut out).map_err(|e| CliError::Failed(format!("cannot write stdout: {e}")));
    result.and(flushed)
}
