//! The web pages (issue 10) under `/ui/`: each handler checks the viewer's
//! rights exactly as the API does, gathers the answer on the blocking pool
//! at a consistent K, and hands it to the pure `ui` crate to render.
//!
//! Browsers cannot send a bearer header from a link, so `/ui/login` takes
//! the same token in a form and keeps it in a cookie (`HttpOnly`,
//! `SameSite=Strict`, path `/ui`) that only the pages accept.

pub mod asof;
pub mod decisions;
pub mod division;
pub mod enterprise;
pub mod login;
pub mod replay;

use crate::state::AppState;
use access::{Principal, Role};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use ui::Viewer;

/// The cookie that carries the token for the pages.
pub const COOKIE: &str = "credit_ledger_token";

/// The pages' routes (merged under the guard with the API's).
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/ui", get(|| async { axum::response::Redirect::to("/ui/") }))
        .route("/ui/", get(login::home))
        .route("/ui/login", get(login::form).post(login::submit))
        .route("/ui/logout", get(login::logout))
        .route("/ui/enterprises", get(enterprise::lookup))
        .route("/ui/enterprises/{uscc}", get(enterprise::page))
        .merge(division::routes())
        .merge(decisions::routes())
        .merge(replay::routes())
}

/// The viewer as the header shows them.
pub fn viewer(p: &Principal) -> Viewer {
    Viewer { name: p.name.clone(), role: p.role.name().to_string() }
}

/// Why a page could not be shown; each becomes a page of its own with
/// the right status, one sentence and a way back — never a stack trace.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// 404, with the link back (href, label).
    #[error("{0}")]
    NotFound(String, (String, String)),
    /// 403.
    #[error("{0}")]
    Forbidden(String),
    /// 400 for input no form on the pages sends.
    #[error("{0}")]
    BadRequest(String),
    /// 404: a rule-set id that is not known; the known (id, sha256) and
    /// how to link each.
    #[error("no rule set {asked:?}")]
    UnknownRules { asked: String, known: Vec<(String, String)>, link: fn(&str) -> String },
    /// 500.
    #[error("{0}")]
    Failed(String),
}

impl PageError {
    /// Renders the error for `who`.
    pub fn page(self, who: Option<&Principal>) -> Response {
        let v = who.map(viewer);
        let v = v.as_ref();
        let (status, body) = match &self {
            PageError::NotFound(what, (href, label)) => (StatusCode::NOT_FOUND, ui::errors::not_found(v, what, (href, label))),
            PageError::Forbidden(why) => (StatusCode::FORBIDDEN, ui::errors::forbidden(v, why)),
            PageError::BadRequest(why) => (StatusCode::BAD_REQUEST, ui::errors::bad_request(v, why)),
            PageError::UnknownRules { asked, known, link } => (StatusCode::NOT_FOUND, ui::errors::unknown_rule_set(v, asked, known, link)),
            PageError::Failed(why) => {
                tracing::error!("page failed: {why}");
                (StatusCode::INTERNAL_SERVER_ERROR, ui::errors::failed(v, why))
            }
        };
        html(status, body)
    }

    /// A command's error: rejected → 400, not found → 404 (back home), failed → 500.
    pub fn of(e: commands::CliError) -> PageError {
        match e {
            commands::CliError::Rejected(m) => PageError::BadRequest(m),
            commands::CliError::NotFound(m) => PageError::NotFound(m, ("/ui/".into(), "首页".into())),
            other => PageError::Failed(other.to_string()),
        }
    }
}

impl From<access::Refusal> for PageError {
    fn from(r: access::Refusal) -> PageError {
        PageError::Forbidden(r.to_string())
    }
}

impl From<store::StoreError> for PageError {
    fn from(e: store::StoreError) -> PageError {
        PageError::Failed(e.to_string())
    }
}

/// An HTML answer; pages are never cached (they answer "as known now" by default).
pub fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, Html(body)).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    r
}

/// Runs `f` on the blocking pool (ledger reads).
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, PageError> + Send + 'static) -> Result<T, PageError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| PageError::Failed("the page's work stopped".into()))?
}

/// The divisions a principal may open (for the home page).
pub fn own_division(p: &Principal) -> Option<&str> {
    match &p.role {
        Role::Division { division, .. } => Some(division),
        _ => None,
    }
}
