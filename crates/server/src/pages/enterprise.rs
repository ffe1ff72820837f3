//! `GET /ui/enterprises/{uscc}`: the enterprise file (一企一档).

use super::asof::{self, AsOfQuery};
use super::{blocking, html, viewer, PageError};
use crate::state::AppState;
use access::{Action, Principal};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use model::Uscc;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Lookup {
    uscc: Option<String>,
}

/// `GET /ui/enterprises?uscc=…` (the home page's form): to the file.
pub async fn lookup(Extension(who): Extension<Principal>, q: Result<Query<Lookup>, QueryRejection>) -> Response {
    match q.ok().and_then(|Query(l)| l.uscc).map(|u| u.trim().to_uppercase()) {
        Some(u) if !u.is_empty() => Redirect::to(&format!("/ui/enterprises/{}", ui::query_escape(&u))).into_response(),
        _ => PageError::BadRequest("请输入统一社会信用代码。".into()).page(Some(&who)),
    }
}

/// The page; see the module doc of `ui::enterprise`.
pub async fn page(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, Path(uscc): Path<String>, q: Result<Query<AsOfQuery>, QueryRejection>) -> Response {
    // A query the form cannot send (a repeated field…) reads as no query.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    match render(st, &who, uscc, q).await {
        Ok((status, body)) => html(status, body),
        Err(e) => e.page(Some(&who)),
    }
}

async fn render(st: Arc<AppState>, who: &Principal, s: String, q: AsOfQuery) -> Result<(StatusCode, String), PageError> {
    let back = || ("/ui/".to_string(), "首页".to_string());
    let uscc = Uscc::parse(&s).map_err(|e| PageError::NotFound(format!("“{s}”不是有效的统一社会信用代码：{e}"), back()))?;
    let (ledger, head) = (st.ledger.clone(), st.head().seq);
    let today = st.clock.now().china_date();
    let who2 = who.clone();
    blocking(move || {
        // Rights first, as the API: a refusal never tells whether the enterprise exists.
        let division = crate::writer::division_of(&ledger, &uscc, head)?;
        who2.may(Action::ReadEnterprise { uscc: &uscc, division: division.as_deref() })?;
        if !ledger.has_enterprise(&uscc)? {
            return Err(PageError::NotFound(format!("账本中没有统一社会信用代码为 {uscc} 的企业。"), back()));
        }
        let all = ledger.enterprise_records(&uscc, head)?;
        let first = all.iter().map(|r| r.fact.occurred_on).min().zip(all.first().map(|r| r.seq));
        let (form, r) = asof::resolve(&ledger, head, today, &q, first)?;
        let status = if form.errors.any() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        let records = ledger.enterprise_records(&uscc, r.known_at)?;
        let dossier = appeal::dossier(&records, &uscc, &r.book, r.on, r.known_at).map_err(|e| PageError::Failed(e.to_string()))?;
        let report = grading::grade(uscc.as_str(), &records, r.on, r.known_at, &r.rules);
        let names = r.rules.dimensions.iter().map(|d| (d.id.clone(), d.name.clone())).collect();
        let question = ui::Question {
            on: r.on,
            known_at: r.known_at.0,
            rules_id: r.rules.id.clone(),
            rules_sha256: r.rules.sha256.clone(),
            permalink: format!("/ui/enterprises/{uscc}?on={}&k={}&rules={}", r.on, r.known_at.0, ui::query_escape(&r.rules.id)),
        };
        let file = ui::enterprise::EnterpriseFile { dossier: &dossier, report: &report, dimension_names: &names, question, form, rule_ids: asof::rule_ids(&r.book), head: head.0 };
        Ok((status, ui::enterprise::page_html(&viewer(&who2), &file)))
    })
    .await
}
