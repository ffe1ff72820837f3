//! Sign-in (the token kept in a cookie for the pages), sign-out, and the
//! home page that points each role at what it may open.

use super::{html, own_division, viewer, COOKIE};
use crate::state::AppState;
use access::{Principal, Role};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only a page of ours: never an open redirect, and only printable ASCII
/// (the `Location` header takes nothing else; control characters would
/// make the answer fail).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/ui/") && !n.starts_with("//") && !n.contains('\\') && n.bytes().all(|b| b.is_ascii_graphic()) => n,
        _ => "/ui/",
    }
}

/// `GET /ui/login`: the form.
pub async fn form(Query(q): Query<Next>) -> Response {
    html(StatusCode::OK, ui::errors::login(safe_next(q.next.as_deref()), None))
}

#[derive(Deserialize)]
pub struct Credentials {
    token: String,
    next: Option<String>,
}

/// `POST /ui/login`: a known token is kept in the cookie and the browser
/// goes on to `next`; an unknown one gets the form again (401).
pub async fn submit(State(st): State<Arc<AppState>>, Form(c): Form<Credentials>) -> Response {
    let next = safe_next(c.next.as_deref()).to_string();
    let token = c.token.trim();
    if st.access.authenticate(token).is_none() {
        return html(StatusCode::UNAUTHORIZED, ui::errors::login(&next, Some("令牌无效：请核对后重新输入。")));
    }
    let cookie = format!("{COOKIE}={}; Path=/ui; HttpOnly; SameSite=Strict", cookie_value(token));
    let mut r = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// Tokens are printable; anything a cookie cannot hold is percent-encoded.
fn cookie_value(token: &str) -> String {
    ui::query_escape(token)
}

/// The token in a request's cookie, for `/ui/` paths only.
pub fn token_from_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == COOKIE).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if let (b'%', Some(Some(h)), Some(Some(l))) = (b[i], b.get(i + 1).map(|c| hex(*c)), b.get(i + 2).map(|c| hex(*c))) {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `GET /ui/logout`: the cookie cleared.
pub async fn logout() -> Response {
    let mut r = Redirect::to("/ui/login").into_response();
    r.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_static("credit_ledger_token=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0"));
    r
}

/// `GET /ui/`: where this viewer may go.
pub async fn home(Extension(who): Extension<Principal>) -> Response {
    let enterprise = match &who.role {
        Role::Enterprise { uscc } => Some(uscc.to_string()),
        _ => None,
    };
    let divisions: Vec<String> = own_division(&who).map(|d| vec![d.to_string()]).unwrap_or_default();
    html(StatusCode::OK, ui::errors::home(&viewer(&who), &divisions, enterprise.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn issue10_next_is_one_of_our_pages_in_printable_ascii_or_home() {
        assert_eq!(safe_next(Some("/ui/enterprises/X?on=2025-12-31&q=%E9%92%A2")), "/ui/enterprises/X?on=2025-12-31&q=%E9%92%A2");
        for bad in ["https://evil.example/", "//evil.example/ui/", "/ui/\\evil", "/ui/\r\nX-Evil: 1", "/ui/\u{7f}", "/ui/\0", "/ui/档", "/api/x"] {
            assert_eq!(safe_next(Some(bad)), "/ui/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/ui/");
    }
}
