//! The server under test: `server::serve` in this process, on 127.0.0.1:0
//! (loopback only), on a fresh ledger in a temporary directory.

use std::time::Duration;

/// The tokio worker threads of the server: the machine's cores, as the
/// `credit-ledger serve` runtime would use.
fn server_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A running server and its ledger directory.
pub struct Harness {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), server::ServerError>>>,
}

/// Why the server could not start or stop.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("cannot prepare the server: {0}")]
    Setup(String),
    #[error("the server failed: {0}")]
    Server(#[from] server::ServerError),
    #[error("the server thread panicked")]
    Panicked,
}

impl Harness {
    /// Starts a server on a new ledger under `scratch` with writer rounds
    /// of at most `max_round` requests (1: one flush per request).
    pub fn start(scratch: &std::path::Path, max_round: usize) -> Result<Harness, HarnessError> {
        let setup = |e: &dyn std::fmt::Display| HarnessError::Setup(e.to_string());
        std::fs::create_dir_all(scratch).map_err(|e| setup(&e))?;
        let dir = tempfile::Builder::new().prefix("load-").tempdir_in(scratch).map_err(|e| setup(&e))?;
        let access = access::AccessList::parse("access.toml", crate::facts::access_toml().as_bytes()).map_err(|e| setup(&e))?;
        let config = server::Config {
            ledger_dir: dir.path().join("ledger"),
            access,
            audit_path: dir.path().join("ledger.audit.jsonl"),
            clock: server::Clock::System,
            max_body: server::DEFAULT_MAX_BODY,
            request_timeout: Duration::from_secs(60),
            store: store::StoreKind::Sled,
            max_round,
        };
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(server_workers()).enable_all().build().map_err(|e| setup(&e))?;
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).map_err(|e| setup(&e))?;
        let url = format!("http://{}", listener.local_addr().map_err(|e| setup(&e))?);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("server".into())
            .spawn(move || {
                rt.block_on(server::serve(config, listener, async move {
                    let _ = rx.await;
                }))
            })
            .map_err(|e| setup(&e))?;
        let mut h = Harness { url, dir, stop: Some(tx), thread: Some(thread) };
        let client = crate::client::Client::new(&h.url);
        for _ in 0..500 {
            if client.get(None, "/healthz").is_ok_and(|(s, _)| s == 200) {
                return Ok(h);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        h.shutdown()?;
        Err(HarnessError::Setup(format!("the server on {} did not answer /healthz within 5 s", h.url)))
    }

    /// Stops the server as SIGTERM does (drains and flushes the writer's
    /// queue) and hands back its directory, deleted when dropped.
    pub fn stop(mut self) -> Result<tempfile::TempDir, HarnessError> {
        self.shutdown()?;
        let empty = tempfile::tempdir().map_err(|e| HarnessError::Setup(e.to_string()))?;
        Ok(std::mem::replace(&mut self.dir, empty))
    }

    fn shutdown(&mut self) -> Result<(), HarnessError> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take() {
            Some(t) => Ok(t.join().map_err(|_| HarnessError::Panicked)??),
            None => Ok(()),
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
