//! `GET /ui/replay?rules=X&vs=Y&on=V[&k=K][&division=D]`: the rule-change
//! impact (what `credit-ledger replay` answers). Rights as `GET /replay`
//! (`ReadDivision`): jurisdiction and auditor tokens any division or all,
//! a division token its own (the page fills it in), an enterprise token none.
//! Defaults: V today, K the head, X the set in force on V, Y the other
//! shipped set.

use super::{blocking, html, own_division, viewer, PageError};
use crate::state::AppState;
use access::{Action, Principal};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use model::{ChinaDate, Seq};
use rules::{RuleBook, RuleSet};
use serde::Deserialize;
use std::sync::Arc;
use ui::replay::{Impact, ImpactForm, Mover, RuleSide};

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/ui/replay", get(page))
}

/// The form's fields, as typed (all optional).
#[derive(Debug, Default, Deserialize)]
pub struct ReplayQuery {
    on: Option<String>,
    rules: Option<String>,
    vs: Option<String>,
    k: Option<String>,
    division: Option<String>,
}

/// The page; see the module doc of `ui::replay`.
pub async fn page(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, q: Result<Query<ReplayQuery>, QueryRejection>) -> Response {
    // A query the form cannot send (a repeated field…) reads as no query.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    match render(st, &who, q).await {
        Ok((status, body)) => html(status, body),
        Err(e) => e.page(Some(&who)),
    }
}

fn link(id: &str) -> String {
    format!("/ui/replay?rules={}", ui::query_escape(id))
}

/// `id` in `book`, or the page listing the known ids.
fn named(book: &RuleBook, id: &str) -> Result<RuleSet, PageError> {
    book.by_id(id).cloned().map_err(|_| PageError::UnknownRules { asked: id.to_string(), known: book.sets().iter().map(|s| (s.id.clone(), s.sha256.clone())).collect(), link })
}

/// Y by default: the first shipped set other than X (else any other known one).
fn other_set(book: &RuleBook, x: &RuleSet) -> Result<RuleSet, PageError> {
    let shipped = rules::shipped().map_err(|e| PageError::Failed(e.to_string()))?;
    let other = |sets: &[RuleSet]| sets.iter().find(|s| s.id != x.id).map(|s| s.id.clone());
    let id = other(shipped.sets()).or_else(|| other(book.sets())).ok_or_else(|| PageError::Failed("only one rule set is installed: nothing to compare".into()))?;
    named(book, &id)
}

async fn render(st: Arc<AppState>, who: &Principal, q: ReplayQuery) -> Result<(StatusCode, String), PageError> {
    let typed = |s: &Option<String>| s.as_deref().map(str::trim).unwrap_or("").to_string();
    let mut form = ImpactForm { on: typed(&q.on), rules: typed(&q.rules), vs: typed(&q.vs), known_at: typed(&q.k), division: typed(&q.division), ..ImpactForm::default() };
    // Rights first, as GET /replay; a division token is answered for its own division.
    let forced = own_division(who).map(str::to_string);
    if let (Some(own), true) = (&forced, form.division.is_empty()) {
        form.division = own.clone();
    }
    if !form.division.is_empty() && model::fact::check_division(&form.division).is_err() {
        form.errors.division = Some(format!("处室代码应为两位数字，例如 08；收到“{}”。", form.division));
    }
    let division = (!form.division.is_empty() && form.errors.division.is_none()).then(|| form.division.clone());
    who.may(Action::ReadDivision { division: division.as_deref().or(forced.as_deref()) })?;
    let (ledger, head) = (st.ledger.clone(), st.head().seq);
    let today = st.clock.now().china_date();
    let who2 = who.clone();
    blocking(move || {
        let on = if form.on.is_empty() {
            today
        } else {
            match ChinaDate::parse_plain(&form.on) {
                Ok(d) => d,
                Err(e) => {
                    form.errors.on = Some(format!("日期应写作 YYYY-MM-DD，例如 2025-12-31（{e}）"));
                    today
                }
            }
        };
        let known_at = if form.known_at.is_empty() {
            head
        } else {
            match form.known_at.parse::<u64>() {
                Ok(k) if k <= head.0 => Seq(k),
                Ok(_) => {
                    form.errors.known_at = Some(format!("知识截点超过账本最新序号 {}", head.0));
                    head
                }
                Err(_) => {
                    form.errors.known_at = Some("知识截点应为账本序号（非负整数）".into());
                    head
                }
            }
        };
        let book = commands::book_at(&ledger, known_at).map_err(PageError::of)?;
        let x = match form.rules.as_str() {
            "" => book.in_force(on).cloned().ok_or_else(|| PageError::Failed("no rule set is installed".into()))?,
            id => named(&book, id)?,
        };
        let y = match form.vs.as_str() {
            "" => other_set(&book, &x)?,
            id => named(&book, id)?,
        };
        let status = if form.errors.any() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        // With a refused field, the answer for the defaults of that field (the form keeps what was typed).
        let division = if form.errors.division.is_some() { forced.clone() } else { division };
        let r = commands::replay(&ledger, x, y, on, known_at, division.as_deref()).map_err(PageError::of)?;
        let impact = impact(&r, known_at);
        let question = ui::Question {
            on,
            known_at: known_at.0,
            rules_id: r.x.rules.id.clone(),
            rules_sha256: r.x.rules.sha256.clone(),
            permalink: format!(
                "/ui/replay?rules={}&vs={}&on={on}&k={}{}",
                ui::query_escape(&r.x.rules.id),
                ui::query_escape(&r.y.rules.id),
                known_at.0,
                division.as_ref().map(|d| format!("&division={d}")).unwrap_or_default()
            ),
        };
        let rule_ids = book.sets().iter().map(|s| s.id.clone()).collect();
        let p = ui::replay::ImpactPage { impact: &impact, question, form, rule_ids, forced_division: forced, head: head.0 };
        Ok((status, ui::replay::page_html(&viewer(&who2), &p)))
    })
    .await
}

fn impact(r: &commands::Replay, known_at: Seq) -> Impact {
    let moved = |m| r.summary.moved.get(&m).copied().unwrap_or(0);
    Impact {
        on: r.on,
        known_at: known_at.0,
        division: r.division.clone(),
        x: RuleSide { id: r.x.rules.id.clone(), sha256: r.x.rules.sha256.clone() },
        y: RuleSide { id: r.y.rules.id.clone(), sha256: r.y.rules.sha256.clone() },
        matrix: *r.summary.matrix.rows(),
        moved_scope: moved(grading::replay::Move::Scope),
        moved_grade: moved(grading::replay::Move::Grade),
        moved_score: moved(grading::replay::Move::Score),
        movers: r
            .movers
            .iter()
            .filter_map(|m| {
                Some(Mover { uscc: m.enterprise.clone(), name: m.name.clone(), division: m.division.clone(), x: m.x, y: m.y, change: m.change?, clauses: m.clauses.clone() })
            })
            .collect(),
    }
}
