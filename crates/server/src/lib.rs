//! The ledger as a service (issue 9): `credit-ledger serve`.
//!
//! The server owns the ledger directory. One writer thread appends (see
//! [`writer`]); readers run on the blocking pool at the head published
//! when they start, so they never wait for the writer; every request is
//! authenticated against the access file and recorded in the audit trail.
//! Shutdown (a future the caller hands in: SIGTERM in the binary) stops
//! accepting, lets the requests in flight finish, drains and flushes the
//! writer's queue, syncs the audit trail, and returns.

pub mod api;
mod auth;
pub mod clock;
mod openapi;
pub mod pages;
pub mod problem;
mod state;
pub mod writer;

pub use auth::{HEAD, KNOWN_AT};
pub use clock::Clock;
pub use openapi::ApiDoc;
pub use state::AppState;

use access::AccessList;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::Ledger;
use tokio::sync::watch;

/// The default largest request body: 64 MiB (about 200,000 facts).
pub const DEFAULT_MAX_BODY: usize = 64 << 20;

/// How the server runs.
pub struct Config {
    /// The ledger directory (created empty when missing).
    pub ledger_dir: PathBuf,
    pub access: AccessList,
    /// The audit trail file (see the `audit` crate).
    pub audit_path: PathBuf,
    pub clock: Clock,
    /// The largest request body, in bytes: larger ones get 413 unread.
    pub max_body: usize,
    /// How long one request may take before it is cut off (408); event
    /// streams are exempt.
    pub request_timeout: Duration,
    /// The store a new ledger is created on.
    pub store: store::StoreKind,
    /// Requests one writer round takes at most ([`writer::MAX_ROUND`]);
    /// 1 is the naive baseline, one flush per request.
    pub max_round: usize,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Audit(#[from] audit::AuditError),
    /// Another server runs on this ledger directory.
    #[error("{0}")]
    Held(String),
    #[error("cannot serve on {addr}: {source}")]
    Io { addr: String, source: std::io::Error },
}

/// The audit trail's default place: `<ledger-dir>.audit.jsonl`.
pub use audit::default_path as default_audit_path;

/// Serves on `listener` until `shutdown` completes, then drains (see the
/// crate doc). Opens the ledger and the audit trail first: either failing
/// is an error before anything is served.
pub async fn serve(config: Config, listener: tokio::net::TcpListener, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServerError> {
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    if let Some(parent) = config.ledger_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| ServerError::Io { addr: addr.clone(), source })?;
    }
    let _claim = store::serving::claim(&config.ledger_dir, &format!("http://{addr}")).map_err(ServerError::Held)?;
    let (dir, kind) = (config.ledger_dir.clone(), config.store);
    let ledger = tokio::task::spawn_blocking(move || Ledger::open_or_create(&dir, kind)).await.expect("opening the ledger does not panic")?;
    let ledger = Arc::new(ledger);
    let trail = audit::Trail::open(&config.audit_path)?;
    let (audit_tx, audit_thread) = start_audit(trail);
    let (heads_tx, heads_rx) = watch::channel(ledger.head()?);
    let (writer, writer_thread) = writer::Writer::start(ledger.clone(), config.clock, heads_tx, config.max_round);
    let (closed_tx, closed_rx) = watch::channel(false);
    let st = Arc::new(AppState::new(ledger, config.access, config.clock, heads_rx, writer, audit_tx, closed_rx, config.max_body, config.audit_path.clone()));
    let app = router(st.clone(), config.request_timeout);
    let closing = st.clone();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            closing.start_closing();
            let _ = closed_tx.send(true);
        })
        .await;
    st.close_writer();
    let _ = tokio::task::spawn_blocking(move || writer_thread.join()).await;
    st.close_audit();
    let _ = tokio::task::spawn_blocking(move || audit_thread.join()).await;
    served.map_err(|source| ServerError::Io { addr, source })
}

/// Every route, behind the guard (auth, audit) and the request limits.
pub fn router(st: Arc<AppState>, timeout: Duration) -> Router {
    let limited = Router::new()
        .route("/head", get(api::head))
        .route("/grade/{uscc}", get(api::read::grade))
        .route("/dossier/{uscc}", get(api::read::dossier))
        .route("/diff/{uscc}", get(api::read::diff))
        .route("/what-if/{uscc}", post(api::read::what_if))
        .route("/review/{reference}", get(api::read::review))
        .route("/rules", get(api::rules::list))
        .route("/rules/diff", get(api::rules::diff))
        .route("/rules/check", post(api::rules::check))
        .route("/rules/{id}", get(api::rules::show))
        .route("/openapi.json", get(openapi::document))
        .route("/healthz", get(|| async { "ok\n" }))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout));
    Router::new()
        // Long answers, streamed, and writes (which must not be cut off once
        // queued: a timeout would answer 408 for facts that then land).
        .route("/events", get(api::events::events))
        .route("/import", post(api::import::import))
        .route("/issue", post(api::rules::issue))
        .route("/rules/adopt", post(api::rules::adopt))
        .route("/grade-all", get(api::read::grade_all))
        .route("/replay", get(api::read::replay))
        .route("/verify", get(api::read::verify))
        .route("/export", get(api::read::export))
        .route("/audit", get(api::read::audit))
        .fallback(api::read::no_route)
        .merge(limited)
        .merge(pages::routes())
        .layer(DefaultBodyLimit::max(st.max_body))
        // A declared Content-Length over the limit: 413 before the body is read.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(st.max_body))
        .layer(axum::middleware::map_response_with_state(st.clone(), as_problem))
        .layer(axum::middleware::from_fn_with_state(st.clone(), auth::guard))
        // gzip when the client asks for it (never the event stream: tower-http's default predicate).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(st)
}

/// The plain errors of the layers below (413 of the body limit, 408 of the
/// timeout, 405 of the router) as the problems every other refusal is.
async fn as_problem(axum::extract::State(st): axum::extract::State<Arc<AppState>>, r: axum::response::Response) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    // Ours carry a content type (problem, console frames); theirs plain text or none.
    let theirs = r.headers().get(axum::http::header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    match r.status() {
        _ if !theirs => r,
        StatusCode::PAYLOAD_TOO_LARGE => api::import::too_large(st.max_body).into_response(),
        StatusCode::REQUEST_TIMEOUT => problem::Problem::new(StatusCode::REQUEST_TIMEOUT, "timeout", "the request took longer than the server's --timeout; for a read, nothing changed").into_response(),
        StatusCode::METHOD_NOT_ALLOWED => problem::Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "this endpoint does not take that method (see /openapi.json)").into_response(),
        _ => r,
    }
}

/// The audit thread: writes each queued line, syncs whenever the queue is
/// empty, and once more when the queue closes.
fn start_audit(mut trail: audit::Trail) -> (std::sync::mpsc::Sender<audit::Request>, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel::<audit::Request>();
    let thread = std::thread::Builder::new()
        .name("audit-trail".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut write = |r| {
                    if let Err(e) = trail.append(r) {
                        tracing::error!("audit trail: {e}");
                    }
                };
                write(first);
                while let Ok(next) = rx.try_recv() {
                    write(next);
                }
                if let Err(e) = trail.sync() {
                    tracing::error!("audit trail: {e}");
                }
            }
        })
        .expect("the audit thread starts");
    (tx, thread)
}
