//! The HTTP endpoints. Each handler checks the caller's rights, hands the
//! work to the writer (appends) or to the blocking pool (reads at a
//! consistent K), and answers with the CLI's own output or a problem.

pub mod console;
pub mod events;
pub mod import;
pub mod read;
pub mod rules;

use crate::problem::Problem;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Query parameters whose errors are problems (400) naming the parameter.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(t)) => Ok(Params(t)),
            Err(e) => Err(Problem::rejected(format!("query parameters: {}", e.body_text().trim_start_matches("Failed to deserialize query string: ")))),
        }
    }
}

/// The head, for clients that send `expected_head`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct HeadAnswer {
    /// Last committed (flushed) seq; 0 for an empty ledger.
    pub seq: u64,
    /// Its chain hash, lowercase hex.
    pub hash: String,
    /// Its recorded time, RFC 3339 UTC; null for an empty ledger.
    pub recorded_at: Option<String>,
}

/// `GET /head`: the ledger head as last flushed.
#[utoipa::path(get, path = "/head", responses((status = 200, body = HeadAnswer), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn head(axum::extract::State(st): axum::extract::State<std::sync::Arc<crate::state::AppState>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let h = st.head();
    let answer = HeadAnswer { seq: h.seq.0, hash: hex::encode(h.hash), recorded_at: h.recorded_at.map(|t| t.to_rfc3339()) };
    let mut r = axum::Json(answer).into_response();
    r.headers_mut().insert(crate::auth::KNOWN_AT, h.seq.0.into());
    r
}
