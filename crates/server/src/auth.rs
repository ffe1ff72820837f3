//! Every request passes here: refused while shutting down (503), its
//! bearer token authenticated (401 without detail), and, once answered,
//! recorded in the audit trail with who, what, the K answered and the outcome.

use crate::problem::{Outcome, Problem};
use crate::state::AppState;
use access::Principal;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The response header that names the knowledge cut (ledger seq) an answer used.
pub const KNOWN_AT: &str = "credit-ledger-known-at";
/// The response header that names the ledger head after a write.
pub const HEAD: &str = "credit-ledger-head";

/// Paths anyone may read without a token (still audited).
const PUBLIC: [&str; 2] = ["/openapi.json", "/healthz"];

/// The middleware; see the module doc.
pub async fn guard(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let target = req.uri().path_and_query().map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    // The pages (and only they) also take the token from their cookie.
    let page = req.uri().path() == "/ui" || req.uri().path().starts_with("/ui/");
    let cookie = if page { crate::pages::login::token_from_cookie(req.headers()) } else { None };
    let principal = bearer(&req).or(cookie.as_deref()).and_then(|t| st.access.authenticate(t)).cloned();
    let response = if st.is_closing() {
        Problem::shutting_down().into_response()
    } else if PUBLIC.contains(&req.uri().path()) || (page && req.uri().path() == "/ui/login") {
        next.run(req).await
    } else if let Some(p) = &principal {
        req.extensions_mut().insert(p.clone());
        next.run(req).await
    } else if page {
        // A person without a (valid) cookie: to the sign-in form, then back here.
        axum::response::Redirect::to(&format!("/ui/login?next={}", ui::query_escape(&target))).into_response()
    } else {
        Problem::unauthorized().into_response()
    };
    st.record(entry(&st, principal.as_ref(), method, target, &response));
    response
}

fn bearer(req: &Request) -> Option<&str> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn entry(st: &AppState, p: Option<&Principal>, method: String, target: String, r: &Response) -> audit::Request {
    let known_at = r.headers().get(KNOWN_AT).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let outcome = r.extensions().get::<Outcome>().map_or_else(|| r.status().canonical_reason().unwrap_or("").to_lowercase(), |o| o.0.clone());
    audit::Request {
        at: st.clock.china_rfc3339(),
        who: p.map_or("-".to_string(), |p| p.name.clone()),
        role: p.map_or("-", |p| p.role.name()).to_string(),
        method,
        target,
        known_at,
        status: r.status().as_u16(),
        outcome,
    }
}
