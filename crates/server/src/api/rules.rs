//! The rule-set endpoints (`credit-ledger rules …`) and the two
//! ledger-wide writes that run alone on the writer thread: `issue` and
//! `rules adopt`. A rule-set file travels as the request body; the server
//! never reads a file of its own for a request.

use super::console::{self, wants_console};
use super::read::{none, report_format};
use super::Params;
use crate::problem::Problem;
use crate::state::AppState;
use access::{Action, Principal};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use commands::args::{self, Command, RulesCommand};
use commands::Files;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RulesQuery {
    pub format: Option<String>,
}

fn rules(command: Option<RulesCommand>, format: Option<&str>) -> Result<(Command, &'static str), Problem> {
    let (format, ct) = report_format(format)?;
    Ok((Command::Rules(args::RulesArgs { command, format }), ct))
}

#[utoipa::path(get, path = "/rules", params(RulesQuery),
    responses((status = 200, description = "`credit-ledger rules list`: shipped and adopted rule sets")), security(("bearer" = [])))]
pub async fn list(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<RulesQuery>) -> Result<Response, Problem> {
    who.may(Action::ReadRules)?;
    let (command, ct) = rules(Some(RulesCommand::List), q.format.as_deref())?;
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[utoipa::path(get, path = "/rules/{id}", params(("id" = String, Path, description = "a shipped or adopted rule-set id"), RulesQuery),
    responses((status = 200, description = "`credit-ledger rules show`"), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn show(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Path(id): Path<String>, Params(q): Params<RulesQuery>) -> Result<Response, Problem> {
    who.may(Action::ReadRules)?;
    let (command, ct) = rules(Some(RulesCommand::Show(args::RulesShowArgs { rules: id })), q.format.as_deref())?;
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RulesDiffQuery {
    /// A: a rule-set id.
    pub a: String,
    /// B: a rule-set id.
    pub b: String,
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/rules/diff", params(RulesDiffQuery),
    responses((status = 200, description = "`credit-ledger rules diff A B`"), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn diff(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<RulesDiffQuery>) -> Result<Response, Problem> {
    who.may(Action::ReadRules)?;
    let (command, ct) = rules(Some(RulesCommand::Diff(args::RulesDiffArgs { a: q.a, b: q.b })), q.format.as_deref())?;
    Ok(console::run(&st, command, none(), wants_console(&headers), ct, None).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RulesCheckQuery {
    /// The file's name in messages [default: rules.toml].
    pub name: Option<String>,
    pub format: Option<String>,
}

/// The uploaded file's name: the client's, as messages name it [default: rules.toml].
fn file_name(name: Option<String>) -> String {
    name.unwrap_or_else(|| "rules.toml".into())
}

#[utoipa::path(post, path = "/rules/check", params(RulesCheckQuery), request_body(content = String, content_type = "application/toml"),
    responses((status = 200, description = "`credit-ledger rules check FILE`"), (status = 400, body = Problem)), security(("bearer" = [])))]
pub async fn check(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<RulesCheckQuery>, body: Bytes) -> Result<Response, Problem> {
    who.may(Action::ReadRules)?;
    let file = file_name(q.name);
    let files = Files::Given([(file.clone(), body.to_vec())].into_iter().collect());
    let (command, ct) = rules(Some(RulesCommand::Check(args::RulesCheckArgs { file })), q.format.as_deref())?;
    Ok(console::run(&st, command, files, wants_console(&headers), ct, None).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AdoptQuery {
    pub name: Option<String>,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub replaces: Option<String>,
    /// The adopting authority's USCC.
    pub authority: String,
    /// The adoption notice's ref.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub format: Option<String>,
}

#[utoipa::path(post, path = "/rules/adopt", params(AdoptQuery), request_body(content = String, content_type = "application/toml"),
    responses((status = 200, description = "`credit-ledger rules adopt FILE`: recorded after the flush"), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn adopt(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<AdoptQuery>, body: Bytes) -> Result<Response, Problem> {
    who.may(Action::WriteAll)?;
    let file = file_name(q.name);
    let files = Files::Given([(file.clone(), body.to_vec())].into_iter().collect());
    let adopt = args::AdoptArgs {
        file: file.into(),
        effective_from: q.effective_from,
        effective_to: q.effective_to,
        replaces: q.replaces,
        authority: q.authority,
        reference: q.reference,
    };
    let (command, ct) = rules(Some(RulesCommand::Adopt(adopt)), q.format.as_deref())?;
    Ok(console::on_writer(&st, command, files, wants_console(&headers), ct).await)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IssueQuery {
    pub year: i32,
    pub supersede: Option<bool>,
    pub rules: Option<String>,
    pub format: Option<String>,
}

#[utoipa::path(post, path = "/issue", params(IssueQuery),
    responses((status = 200, description = "`credit-ledger issue`: decision records appended, after the flush"), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn issue(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, headers: HeaderMap, Params(q): Params<IssueQuery>) -> Result<Response, Problem> {
    who.may(Action::WriteAll)?;
    let (format, ct) = report_format(q.format.as_deref())?;
    let command = Command::Issue(args::IssueArgs { year: q.year, supersede: q.supersede.unwrap_or(false), rules: q.rules, format });
    Ok(console::on_writer(&st, command, none(), wants_console(&headers), ct).await)
}
