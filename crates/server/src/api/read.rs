//! The read endpoints: each is one CLI command run against the shared
//! ledger (see `console`), with the CLI's parameters as query parameters
//! (`--known-at-seq` → `known_at_seq`), its validation, messages and output.
//! A question without a knowledge cut is answered at the head published
//! when the request starts (flushed), and says so in `Credit-Ledger-Known-At`.

use super::console::{self, wants_console};
use super::Params;
use crate::problem::Problem;
use crate::state::AppState;
use access::{Action, Principal};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use commands::args::{self, Command, Format, ReportFormat};
use commands::Files;
use model::Uscc;
use serde::Deserialize;
use std::sync::Arc;

pub(crate) const TEXT: &str = "text/plain; charset=utf-8";
pub(crate) const JSON: &str = "application/json";
const CSV: &str = "text/csv; charset=utf-8";

/// `format` of a one-report answer: `table` (default) or `json`.
pub(crate) fn report_format(f: Option<&str>) -> Result<(ReportFormat, &'static str), Problem> {
    match f {
        None | Some("table") => Ok((ReportFormat::Table, TEXT)),
        Some("json") => Ok((ReportFormat::Json, JSON)),
        Some(other) => Err(Problem::rejected(format!("format={other:?}: use table or json"))),
    }
}

/// `format` of a list: `table` (default), `json` or `csv`.
fn list_format(f: Option<&str>) -> Result<(Format, &'static str), Problem> {
    match f {
        None | Some("table") => Ok((Format::Table, TEXT)),
        Some("json") => Ok((Format::Json, JSON)),
        Some("csv") => Ok((Format::Csv, CSV)),
        Some("jsonl") => Ok((Format::Jsonl, "application/x-ndjson")),
        Some(other) => Err(Problem::rejected(format!("format={other:?}: use table, json, csv or (grade-all) jsonl"))),
    }
}

/// The question's parameters (CONTRACT.md §3), shared by grade, grade-all and diff.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GradeQuery {
    /// V: the valid date, YYYY-MM-DD (China civil date).
    pub on: String,
    /// K: the knowledge cut, a ledger seq [default: the head when the request starts].
    pub known_at_seq: Option<u64>,
    /// K as a time (RFC 3339): the last seq recorded at or before it.
    pub known_at: Option<String>,
    /// R: a rule-set id [default: the set in force on V].
    pub rules: Option<String>,
    /// `table` or `json`.
    pub format: Option<String>,
}

/// The K a question without one is answered at: the published head.
fn question(st: &AppState, on: String, known_at_seq: Option<u64>, known_at: Option<String>, rules: Option<String>) -> (args::Question, Option<u64>) {
    let k = match (known_at_seq, &known_at) {
        (None, None) => Some(st.head().seq.0),
        (k, _) => k,
    };
    (args::Question { on, known_at_seq: k, known_at, rules }, k)
}

/// The enterprise `s` names, and its division as of the published head
/// (`None`: not in the ledger); a malformed USCC is refused as the CLI does.
async fn enterprise(st: &Arc<AppState>, s: &str) -> Result<(Uscc, Option<String>), Problem> {
    let uscc = Uscc::parse(s).map_err(|e| Problem::rejected(format!("{s:?} is not a unified social credit code: {e}")))?;
    let (ledger, head, u) = (st.ledger.clone(), st.head().seq, uscc);
    let division = tokio::task::spawn_blocking(move || crate::writer::division_of(&ledger, &u, head))
        .await
        .map_err(|_| Problem::failed("the division lookup stopped"))?
        .map_err(|e| Problem::failed(e.to_string()))?;
    Ok((uscc, division))
}

/// Refuses unless `who` may read enterprise `s`.
async fn may_read(st: &Arc<AppState>, who: &Principal, s: &str) -> Result<(), Problem> {
    let (uscc, division) = enterprise(st, s).await?;
    who.may(Action::ReadEnterprise { uscc: &uscc, division: division.as_deref() }).map_err(Problem::from)
}

pub(crate) fn none() -> Files {
    Files::Given(Default::default())
}

#[utoipa::path(get, path = "/grade/{uscc}", params(("uscc" = String, Path, description = "unified social credit code"), GradeQuery),
    responses((status = 200, description = "`credit-ledger grade`'s output"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn grade(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Path(uscc): Path<String>, Params(q): Params<GradeQuery>) -> Result<Response, Problem> {
    may_read(&st, &who, &uscc).await?;
    let (format, ct) = report_format(q.format.as_deref())?;
    let (question, k) = question(&st, q.on, q.known_at_seq, q.known_at, q.rules);
    let command = Command::Grade(args::GradeArgs { uscc, question, format });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, k).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GradeAllQuery {
    pub on: String,
    pub known_at_seq: Option<u64>,
    pub known_at: Option<String>,
    pub rules: Option<String>,
    /// One division, e.g. `08` (division tokens must give their own).
    pub division: Option<String>,
    /// `table`, `json`, `csv` or `jsonl` (one report per line); large answers stream.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/grade-all", params(GradeAllQuery),
    responses((status = 200, description = "`credit-ledger grade-all`'s output, streamed"), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn grade_all(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<GradeAllQuery>) -> Result<Response, Problem> {
    who.may(Action::ReadDivision { division: q.division.as_deref() })?;
    let (format, ct) = list_format(q.format.as_deref())?;
    let (question, k) = question(&st, q.on, q.known_at_seq, q.known_at, q.rules);
    let command = Command::GradeAll(args::GradeAllArgs { question, division: q.division, format, output: None });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, k).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DossierQuery {
    /// The file as of this date [default: today].
    pub as_of: Option<String>,
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/dossier/{uscc}", params(("uscc" = String, Path), DossierQuery),
    responses((status = 200, description = "`credit-ledger dossier`'s output"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn dossier(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Path(uscc): Path<String>, Params(q): Params<DossierQuery>) -> Result<Response, Problem> {
    may_read(&st, &who, &uscc).await?;
    let (format, ct) = report_format(q.format.as_deref())?;
    let command = Command::Dossier(args::DossierArgs { uscc, as_of: q.as_of, format });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    pub on: String,
    pub known_at_seq: Option<u64>,
    pub known_at: Option<String>,
    pub rules: Option<String>,
    /// Compare with this knowledge cut…
    pub vs_known_at_seq: Option<u64>,
    /// …or this rule set…
    pub vs_rules: Option<String>,
    /// …or this valid date.
    pub vs_on: Option<String>,
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/diff/{uscc}", params(("uscc" = String, Path), DiffQuery),
    responses((status = 200, description = "`credit-ledger diff`'s output"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn diff(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Path(uscc): Path<String>, Params(q): Params<DiffQuery>) -> Result<Response, Problem> {
    may_read(&st, &who, &uscc).await?;
    let (format, ct) = report_format(q.format.as_deref())?;
    let given = [q.vs_known_at_seq.is_some(), q.vs_rules.is_some(), q.vs_on.is_some()].iter().filter(|b| **b).count();
    if given != 1 {
        return Err(Problem::rejected("give exactly one of vs_known_at_seq, vs_rules and vs_on"));
    }
    let (question, _) = question(&st, q.on, q.known_at_seq, q.known_at, q.rules);
    let command = Command::Diff(args::DiffArgs { uscc, question, vs_known_at_seq: q.vs_known_at_seq, vs_rules: q.vs_rules, vs_on: q.vs_on, format });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WhatIfQuery {
    pub on: String,
    pub rules: Option<String>,
    /// The body's name in messages (the CLI client sends the file path) [default: "-"].
    pub name: Option<String>,
    pub format: Option<String>,
}

#[utoipa::path(post, path = "/what-if/{uscc}", params(("uscc" = String, Path), WhatIfQuery),
    request_body(content = String, content_type = "application/x-ndjson", description = "the facts to suppose, JSON Lines; or `multipart/form-data`, one input per part named by its filename"),
    responses((status = 200, description = "`credit-ledger what-if`'s output; nothing is appended"), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn what_if(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Path(uscc): Path<String>,
    Params(q): Params<WhatIfQuery>,
    request: axum::extract::Request,
) -> Result<Response, Problem> {
    may_read(&st, &who, &uscc).await?;
    let (format, ct) = report_format(q.format.as_deref())?;
    let inputs = super::import::inputs(&st, request, q.name).await?;
    let with = inputs.iter().map(|(name, _)| name.clone()).collect();
    let files = Files::Given(inputs.into_iter().collect());
    let command = Command::WhatIf(args::WhatIfArgs { uscc, on: q.on, with, rules: q.rules, format });
    Ok(console::run(&st, command, files, wants_console(&headers), ct, None).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/review/{ref}", params(("ref" = String, Path, description = "a grade_issued or objection_filed ref"), FormatQuery),
    responses((status = 200, description = "`credit-ledger review`'s output"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn review(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Path(reference): Path<String>, Params(q): Params<FormatQuery>) -> Result<Response, Problem> {
    let (format, ct) = report_format(q.format.as_deref())?;
    let (ledger, r) = (st.ledger.clone(), reference.clone());
    let owner = tokio::task::spawn_blocking(move || ledger.record_by_ref(&r)).await.map_err(|_| Problem::failed("the ref lookup stopped"))?;
    match owner.map_err(|e| Problem::failed(e.to_string()))? {
        Some(rec) => may_read(&st, &who, rec.fact.enterprise.as_str()).await?,
        // Nothing to leak: the command says the ref is unknown, but only to those who read everything.
        None => who.may(Action::ReadAll)?,
    }
    let command = Command::Review(args::ReviewArgs { reference, rules: None, format });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReplayQuery {
    /// X: a rule-set id.
    pub rules: String,
    /// Y: a rule-set id.
    pub vs_rules: String,
    pub on: String,
    pub known_at_seq: Option<u64>,
    /// `true`: K of the official run of V's year.
    pub official_run: Option<bool>,
    pub division: Option<String>,
    /// `table`, `json` or `csv`.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/replay", params(ReplayQuery),
    responses((status = 200, description = "`credit-ledger replay`'s output"), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn replay(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<ReplayQuery>) -> Result<Response, Problem> {
    who.may(Action::ReadDivision { division: q.division.as_deref() })?;
    let (format, ct) = list_format(q.format.as_deref())?;
    let official_run = q.official_run.unwrap_or(false);
    let head = (!official_run && q.known_at_seq.is_none()).then(|| st.head().seq.0);
    let command = Command::Replay(args::ReplayArgs {
        rules: q.rules,
        vs_rules: q.vs_rules,
        on: q.on,
        known_at_seq: q.known_at_seq,
        official_run,
        division: q.division,
        format,
        output: None,
        head,
    });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[utoipa::path(get, path = "/verify", params(FormatQuery),
    responses((status = 200, description = "`credit-ledger verify`'s output"), (status = 403, body = Problem), (status = 500, body = Problem)),
    security(("bearer" = [])))]
pub async fn verify(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<FormatQuery>) -> Result<Response, Problem> {
    who.may(Action::Verify)?;
    let (format, ct) = report_format(q.format.as_deref())?;
    let command = Command::Verify(args::VerifyArgs { archive: None, format });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[utoipa::path(get, path = "/export",
    responses((status = 200, description = "`credit-ledger export`'s archive (JSON Lines), streamed"), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn export(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap) -> Result<Response, Problem> {
    who.may(Action::ReadAll)?;
    let command = Command::Export(args::ExportArgs { file: "-".into() });
    Ok(console::run(&st, command, none(), wants_console(&headers), "application/x-ndjson", Some(st.head().seq.0)).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only the last N lines.
    pub tail: Option<usize>,
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/audit", params(AuditQuery),
    responses((status = 200, description = "`credit-ledger audit`: the audit trail, its hash chain checked (lines answered so far; the trail is synced in batches)"), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn audit(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<AuditQuery>) -> Result<Response, Problem> {
    who.may(Action::Verify)?;
    let (format, ct) = report_format(q.format.as_deref())?;
    let command = Command::Audit(args::AuditArgs { audit: Some(st.audit_path.clone()), tail: q.tail, format });
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

/// 404 for paths no endpoint serves, as a problem.
pub async fn no_route() -> Response {
    Problem::not_found("no such endpoint (see /openapi.json)").into_response()
}
