//! Errors as RFC 9457 problem details (`application/problem+json`): a
//! `type` URI naming the kind, a `title`, the `status`, one `detail`
//! sentence (the CLI's own message) and, for rejected import lines, each
//! line with its field.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One rejected input line, as the CLI prints it on stderr.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RejectedLine {
    /// The input's name (`name=` of the request; the CLI sends the file path).
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// The field's path, when one field is at fault.
    pub field: Option<String>,
    pub message: String,
    /// The whole sentence, exactly as the CLI prints it.
    pub text: String,
}

/// A problem answer (RFC 9457).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Rejected lines of an import or a what-if (at most 10,000 listed).
    /// JSON only (an HTTP answer, never stored), so `skip_serializing_if` is safe here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejections: Vec<RejectedLine>,
}

impl Problem {
    /// A problem with `status`, named by `kind` (the last part of its type URI).
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("https://credit-ledger.invalid/problems/{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            rejections: Vec::new(),
        }
    }

    pub fn unauthorized() -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required (Authorization: Bearer …)")
    }

    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn rejected(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "rejected", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, "conflict", detail)
    }

    pub fn failed(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "failed", detail)
    }

    pub fn shutting_down() -> Problem {
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "shutting-down", "the server is shutting down; try again when it is back")
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A caller outside its rights: 403 naming the token and what it may not do.
impl From<access::Refusal> for Problem {
    fn from(r: access::Refusal) -> Problem {
        Problem::forbidden(r.to_string())
    }
}

/// The sentence the audit trail records for a response (set by handlers).
#[derive(Clone, Debug)]
pub struct Outcome(pub String);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let outcome = Outcome(self.detail.clone());
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut r = (status, body).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r.extensions_mut().insert(outcome);
        r
    }
}
