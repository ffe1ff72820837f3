//! `credit-ledger serve` (issue 9): reads the access file, binds, prints
//! the URL, and serves until SIGTERM or Ctrl-C; then drains the writer's
//! queue and exits 0 (see the `server` crate).

use commands::args::ServeArgs;
use commands::{CliError, CliResult, Globals};
use std::time::Duration;

pub fn run(g: Globals, a: ServeArgs, fixed_now: bool) -> CliResult {
    let bytes = std::fs::read(&a.access).map_err(|e| CliError::Rejected(format!("--access {}: {e}", a.access.display())))?;
    let access = access::AccessList::parse(&a.access.display().to_string(), &bytes).map_err(|e| CliError::Rejected(e.to_string()))?;
    if a.max_body == 0 || a.round == 0 || a.timeout == 0 {
        return Err(CliError::Rejected("--max-body, --round and --timeout must be at least 1".into()));
    }
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).try_init();
    let config = server::Config {
        audit_path: a.audit.clone().unwrap_or_else(|| server::default_audit_path(&g.dir)),
        ledger_dir: g.dir.clone(),
        access,
        clock: if fixed_now { server::Clock::Fixed(g.now) } else { server::Clock::System },
        max_body: a.max_body,
        request_timeout: Duration::from_secs(a.timeout),
        store: g.store,
        max_round: a.round,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&a.listen).await.map_err(|e| CliError::Rejected(format!("--listen {}: {e}", a.listen)))?;
        let addr = listener.local_addr().map_err(|e| CliError::Failed(e.to_string()))?;
        // Say so before announcing a URL that would not serve this ledger.
        if let Some(other) = store::serving::holder(&g.dir) {
            return Err(CliError::Failed(format!("another server holds the ledger at {}: {other}", g.dir.display())));
        }
        println!("credit-ledger: serving the ledger at {} on http://{addr} (audit trail {}); SIGTERM or Ctrl-C stops", g.dir.display(), config.audit_path.display());
        server::serve(config, listener, shutdown_signal()).await.map_err(|e| CliError::Failed(e.to_string()))?;
        println!("credit-ledger: stopped; every acknowledged request is on disk");
        Ok(())
    })
}

/// SIGTERM or SIGINT.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM can be watched");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
