//! `POST /import`: a JSON Lines body, validated and appended by the writer
//! (issue 9, items 2 and 4). The answer is what `credit-ledger import`
//! prints; a refusal is a problem naming each rejected line and field.

use super::Params;
use crate::auth::HEAD;
use crate::problem::{Outcome, Problem, RejectedLine};
use crate::state::AppState;
use crate::writer::{ImportJob, ImportReply};
use access::{Principal, Role};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Query parameters of `POST /import`.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The input's name in messages (the CLI client sends the file path) [default: "-"];
    /// a multipart body names each part by its filename instead.
    pub name: Option<String>,
    /// `table` (the CLI's line, the default) or `json`.
    pub format: Option<String>,
    /// The ledger head seq the caller last saw: 409 when it moved.
    pub expected_head: Option<u64>,
    /// With `expected_version`: the enterprise whose last record the caller last saw.
    pub expected_enterprise: Option<String>,
    /// The seq of that enterprise's last record (0: none yet): 409 when it moved.
    pub expected_version: Option<u64>,
}

/// What `import --format json` prints.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportAnswer {
    pub appended: u64,
    pub duplicates: usize,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
}

#[utoipa::path(
    post, path = "/import", params(ImportQuery),
    request_body(content = String, content_type = "application/x-ndjson", description = "facts, one JSON object per line (CONTRACT.md §1); or `multipart/form-data`, one input per part named by its filename (several files, appended all or none)"),
    responses(
        (status = 200, description = "appended and flushed: the CLI's output", body = ImportAnswer),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 500, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = [])))]
pub async fn import(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Params(q): Params<ImportQuery>,
    request: Request,
) -> Result<Response, Problem> {
    if !may_write(&who) {
        return Err(Problem::forbidden(format!("token {:?} ({}) may not append facts", who.name, who.role.name())));
    }
    let inputs = inputs(&st, request, q.name).await?;
    let json = match q.format.as_deref() {
        None | Some("table") => false,
        Some("json") => true,
        Some(f) => return Err(Problem::rejected(format!("format={f:?}: import answers as table or json"))),
    };
    let expected_version = match (q.expected_enterprise.as_deref(), q.expected_version) {
        (None, None) => None,
        (Some(u), Some(v)) => Some((model::Uscc::parse(u).map_err(|e| Problem::rejected(format!("expected_enterprise: {u:?} is not a unified social credit code: {e}")))?, v)),
        _ => return Err(Problem::rejected("expected_enterprise and expected_version go together")),
    };
    let idempotency = idempotency_key(&headers)?.map(|key| (key, request_hash(&who.name, &inputs, &q.expected_head, &expected_version)));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job = ImportJob { inputs, expected_head: q.expected_head, expected_version, idempotency, principal: who, reply: tx };
    st.writer().ok_or_else(Problem::shutting_down)?.import(job).map_err(|_| Problem::shutting_down())?;
    let reply = rx.await.map_err(|_| Problem::failed("the writer stopped before answering; the request may not have been appended"))?;
    answer(reply, json)
}

/// Division staff with write: facts come from the division that holds the enterprise.
fn may_write(who: &Principal) -> bool {
    matches!(who.role, Role::Division { write: true, .. })
}

pub fn too_large(max: usize) -> Problem {
    Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", format!("the request body is larger than the limit of {max} bytes; nothing was written (split the file)"))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<uuid::Uuid>, Problem> {
    let Some(v) = headers.get("idempotency-key") else { return Ok(None) };
    let text = v.to_str().unwrap_or("");
    uuid::Uuid::parse_str(text.trim_matches('"'))
        .map(Some)
        .map_err(|_| Problem::rejected(format!("Idempotency-Key: {text:?} is not a UUID")))
}

/// Everything the request asks, hashed: a reused key must ask the same.
/// The token is part of it: a key is one caller's, never another's answer.
fn request_hash(who: &str, inputs: &[(String, Vec<u8>)], head: &Option<u64>, version: &Option<(model::Uscc, u64)>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(format!("{who:?}\n{head:?}\n{:?}\n", version.as_ref().map(|(u, v)| (u.as_str(), v))));
    for (name, body) in inputs {
        h.update(format!("{name:?} {}\n", body.len()));
        h.update(body);
    }
    h.finalize().into()
}

/// The request's named JSON Lines inputs. A `multipart/form-data` body
/// carries one input per part, named by the part's filename (else its
/// field name): `import A B` through `--server`, whose rejections name each
/// file and line as the local command does. Any other body is one input,
/// named `name` [default: `-`].
pub(crate) async fn inputs(st: &Arc<AppState>, request: Request, name: Option<String>) -> Result<Vec<(String, Vec<u8>)>, Problem> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        let body = Bytes::from_request(request, st).await.map_err(|e| unread(st, e.status(), e.body_text()))?;
        return Ok(vec![(name.unwrap_or_else(|| "-".to_string()), body.to_vec())]);
    }
    if name.is_some() {
        return Err(Problem::rejected("name: a multipart body names each input by its part's filename"));
    }
    let mut form = Multipart::from_request(request, st).await.map_err(|e| unread(st, e.status(), e.body_text()))?;
    let mut inputs = Vec::new();
    while let Some(part) = form.next_field().await.map_err(|e| unread(st, e.status(), e.body_text()))? {
        let name = part.file_name().or(part.name()).unwrap_or("-").to_string();
        let body = part.bytes().await.map_err(|e| unread(st, e.status(), e.body_text()))?;
        inputs.push((name, body.to_vec()));
    }
    if inputs.is_empty() {
        return Err(Problem::rejected("the multipart body has no part: no input was sent"));
    }
    Ok(inputs)
}

/// A body that could not be read: too large (413), else malformed (400).
fn unread(st: &AppState, status: StatusCode, why: String) -> Problem {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(st.max_body),
        _ => Problem::rejected(format!("cannot read the request body: {why}")),
    }
}

fn answer(reply: ImportReply, json: bool) -> Result<Response, Problem> {
    match reply {
        ImportReply::Appended(a) => {
            let text = if json {
                let j = ImportAnswer { appended: a.appended, duplicates: a.duplicates, first_seq: a.first_seq.map(|s| s.0), last_seq: a.last_seq.map(|s| s.0) };
                serde_json::to_string(&j).unwrap_or_default() + "\n"
            } else {
                let range = match (a.first_seq, a.last_seq) {
                    (Some(f), Some(l)) => format!(", seqs {f}..={l}"),
                    _ => String::new(),
                };
                format!("appended {}, duplicates {}, rejected 0{range}\n", a.appended, a.duplicates)
            };
            let replay = if a.replayed { "replayed the first answer of its Idempotency-Key (nothing appended now): " } else { "" };
            let outcome = Outcome(format!("{replay}appended {}, duplicates {}; head seq {}", a.appended, a.duplicates, a.head));
            let mut r = text.into_response();
            if json {
                r.headers_mut().insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
            }
            r.headers_mut().insert(HEAD, a.head.0.into());
            r.extensions_mut().insert(outcome);
            Ok(r)
        }
        ImportReply::Rejected(lines) => {
            let mut p = Problem::rejected(format!("{} line(s) rejected, listed above; nothing was appended", lines.len()));
            p.rejections = lines
                .into_iter()
                .map(|l| RejectedLine { text: l.to_string(), file: l.file, line: l.line, field: l.field, message: l.message })
                .collect();
            Err(p)
        }
        ImportReply::Conflict(why) => Err(Problem::conflict(why)),
        ImportReply::Forbidden(why) => Err(Problem::forbidden(why)),
        ImportReply::KeyReused(key) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            format!("Idempotency-Key {key} was used before with another request; nothing was written"),
        )),
        ImportReply::Failed(why) => Err(Problem::failed(why)),
    }
}
