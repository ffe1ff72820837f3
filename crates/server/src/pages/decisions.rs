//! `GET /ui/decisions/{ref}`: the review of an issued grade (what
//! `credit-ledger review REF` answers), and `POST …/what-if`: the same page
//! with the what-if of an objection's correcting facts (nothing written).
//! Rights as `GET /review/{ref}`: the ref's enterprise must be readable; a
//! ref not in the ledger needs the right to read everything (403 for
//! division and enterprise tokens, so no existence leaks; 404 otherwise).

use super::{blocking, html, viewer, PageError};
use crate::state::AppState;
use access::{Action, Principal};
use appeal::AppealError;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Form, Router};
use model::{Seq, Timestamp};
use serde::Deserialize;
use std::sync::Arc;
use store::Ledger;
use ui::review::{KnownAtField, WhatIfForm};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/ui/decisions/{reference}", get(page)).route("/ui/decisions/{reference}/what-if", axum::routing::post(what_if))
}

/// The page's query: the review's "now" and the objection the what-if form is for.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewQuery {
    k: Option<String>,
    objection: Option<String>,
}

/// The what-if form.
#[derive(Debug, Default, Deserialize)]
pub struct WhatIfBody {
    k: Option<String>,
    objection: Option<String>,
    facts: Option<String>,
}

/// The page; see the module doc of `ui::review`.
pub async fn page(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, Path(reference): Path<String>, q: Result<Query<ReviewQuery>, QueryRejection>) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let form = WhatIfForm { objection: q.objection.unwrap_or_default(), ..WhatIfForm::default() };
    respond(st, who, reference, q.k, form, false).await
}

/// The page with the what-if of the facts sent.
pub async fn what_if(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
    Path(reference): Path<String>,
    body: Result<Form<WhatIfBody>, FormRejection>,
) -> Response {
    let b = body.map(|Form(b)| b).unwrap_or_default();
    let form = WhatIfForm { objection: b.objection.unwrap_or_default(), facts: b.facts.unwrap_or_default(), errors: Vec::new() };
    respond(st, who, reference, b.k, form, true).await
}

async fn respond(st: Arc<AppState>, who: Principal, reference: String, k: Option<String>, form: WhatIfForm, run: bool) -> Response {
    let (ledger, head, now) = (st.ledger.clone(), st.head().seq, st.clock.now());
    let who2 = who.clone();
    match blocking(move || render(&ledger, &who2, head, now, &reference, k, form, run)).await {
        Ok((status, body)) => html(status, body),
        Err(e) => e.page(Some(&who)),
    }
}

fn back() -> (String, String) {
    ("/ui/".to_string(), "首页".to_string())
}

/// An appeal error as a page: an unknown ref 404, a ref of another kind
/// 404 with a link to the enterprise's file.
fn appeal_page(e: AppealError, uscc: &str) -> PageError {
    match e {
        AppealError::NotFound(m) => PageError::NotFound(m, back()),
        AppealError::Rejected(m) => PageError::NotFound(format!("这不是可复核的分类结果决定或异议：{m}"), (format!("/ui/enterprises/{uscc}"), "该企业的信用档案".into())),
        AppealError::Store(e) => e.into(),
        other => PageError::Failed(other.to_string()),
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    ledger: &Ledger,
    who: &Principal,
    head: Seq,
    now: Timestamp,
    reference: &str,
    k: Option<String>,
    mut form: WhatIfForm,
    run: bool,
) -> Result<(StatusCode, String), PageError> {
    // Rights first, as GET /review/{ref}: a refusal never tells whether the ref exists.
    let record = ledger.record_by_ref(reference)?;
    match &record {
        Some(r) => {
            let division = crate::writer::division_of(ledger, &r.fact.enterprise, head)?;
            who.may(Action::ReadEnterprise { uscc: &r.fact.enterprise, division: division.as_deref() })?;
        }
        None => who.may(Action::ReadAll)?,
    }
    let Some(record) = record.filter(|r| r.seq <= head) else {
        return Err(PageError::NotFound(format!("账本中没有编号为“{reference}”的决定或异议。"), back()));
    };
    let uscc = record.fact.enterprise;
    // K, the review's "now": the head unless the field names another (from the ref's own record on).
    let mut known_at = KnownAtField { typed: k.as_deref().map(str::trim).unwrap_or("").to_string(), error: None };
    let at = if known_at.typed.is_empty() {
        head
    } else {
        match known_at.typed.parse::<u64>() {
            Err(_) => {
                known_at.error = Some("知识截点应为账本序号（非负整数）".into());
                head
            }
            Ok(x) if x > head.0 => {
                known_at.error = Some(format!("知识截点超过账本最新序号 {}", head.0));
                head
            }
            Ok(x) if x < record.seq.0 => {
                known_at.error = Some(format!("知识截点早于“{reference}”的记录（账本序号 {}）", record.seq.0));
                head
            }
            Ok(x) => Seq(x),
        }
    };
    let book = commands::book_at(ledger, head).map_err(PageError::of)?;
    let review = appeal::review_at(ledger, &book, reference, at).map_err(|e| appeal_page(e, uscc.as_str()))?;
    let g = &review.decision.decision;
    let mut status = if known_at.error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let what_if = if run { run_what_if(ledger, &book, &review, now, &mut form)? } else { None };
    if !form.errors.is_empty() {
        status = StatusCode::BAD_REQUEST;
    }
    let question = ui::Question {
        on: g.on,
        known_at: at.0,
        rules_id: g.rules_id.clone(),
        rules_sha256: g.rules_sha256.clone(),
        permalink: format!("{}?k={}", ui::review::base(&review.decision.reference), at.0),
    };
    let p = ui::review::ReviewPage { review: &review, question, known_at, head: head.0, form, what_if: what_if.as_ref() };
    Ok((status, ui::review::page_html(&viewer(who), &p)))
}

/// The what-if of the form's facts as of the decision's V under the rule
/// set the review graded with, validated like an import; refused facts
/// come back beside the field.
fn run_what_if(ledger: &Ledger, book: &rules::RuleBook, review: &appeal::Review, now: Timestamp, form: &mut WhatIfForm) -> Result<Option<appeal::WhatIf>, PageError> {
    let d = &review.decision;
    if !form.objection.is_empty() && !d.objections.iter().any(|o| o.reference == form.objection) {
        form.errors.push(format!("“{}”不是针对此决定的异议。", form.objection));
        return Ok(None);
    }
    if form.facts.trim().is_empty() {
        form.errors.push("请粘贴至少一行更正事实（JSON Lines，每行一项）。".into());
        return Ok(None);
    }
    let r = &review.current.rules;
    let rules = book.all_sets().find(|s| s.id == r.id && s.sha256 == r.sha256).ok_or_else(|| PageError::Failed(format!("rule set {} is not installed", r.id)))?;
    let uscc = model::Uscc::parse(&d.enterprise).map_err(|e| PageError::Failed(e.to_string()))?;
    let inputs = [ingest::Input::new("更正事实", form.facts.clone())];
    match appeal::what_if(ledger, &uscc, &inputs, d.decision.on, rules, now) {
        Ok(w) => Ok(Some(w)),
        Err(AppealError::Import(ingest::ImportError::Rejected(lines))) => {
            form.errors.push(format!("{} 行未通过校验（与导入相同的校验），未作任何假设：", lines.len()));
            form.errors.extend(lines.iter().map(|l| l.to_string()));
            Ok(None)
        }
        Err(AppealError::Rejected(m)) | Err(AppealError::NotFound(m)) => {
            form.errors.push(m);
            Ok(None)
        }
        Err(AppealError::Import(ingest::ImportError::Read { message, .. })) => {
            form.errors.push(message);
            Ok(None)
        }
        Err(e) => Err(PageError::Failed(e.to_string())),
    }
}
