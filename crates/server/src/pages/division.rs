//! `GET /ui/divisions/{d}`: the division board (处室看板), and its table as
//! shown downloaded as CSV and XLSX. Rights as `GET /grade-all?division=d`:
//! a division token reads its own division only; enterprise tokens none.

use super::asof::{self, AsOfQuery, Resolved};
use super::{blocking, html, viewer, PageError};
use crate::state::AppState;
use access::{Action, Principal};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;
use std::sync::Arc;
use ui::chart::bars::Distribution;
use ui::form::AsOf;
use ui::table::{Row, View};

/// The board's routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/ui/divisions", get(lookup))
        .route("/ui/divisions/{d}", get(page))
        .route("/ui/divisions/{d}/table.csv", get(csv))
        .route("/ui/divisions/{d}/table.xlsx", get(xlsx))
}

#[derive(Deserialize)]
pub struct Lookup {
    division: Option<String>,
}

/// `GET /ui/divisions?division=08` (the home page's form): to the board.
pub async fn lookup(Extension(who): Extension<Principal>, q: Result<Query<Lookup>, QueryRejection>) -> Response {
    let d = q.ok().and_then(|Query(l)| l.division).map(|d| d.trim().to_string()).unwrap_or_default();
    match model::fact::check_division(&d) {
        Ok(()) => Redirect::to(&format!("/ui/divisions/{d}")).into_response(),
        Err(_) => PageError::BadRequest(format!("处室代码应为两位数字，例如 08；收到“{d}”。")).page(Some(&who)),
    }
}

/// The board's query: the as-of form (V, K, R) and the table's view.
#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    on: Option<String>,
    k: Option<String>,
    rules: Option<String>,
    /// `uscc`, `name`, `grade` or `score`.
    sort: Option<String>,
    /// `asc` or `desc`.
    dir: Option<String>,
    /// `A`…`D`; empty: every grade.
    grade: Option<String>,
    /// Text found in the name or the USCC.
    q: Option<String>,
}

/// What every answer of the board is made of, at one (V, K, R).
struct Gathered {
    form: AsOf,
    r: Resolved,
    head: u64,
    grades: commands::DivisionGrades,
    view: View,
}

impl Gathered {
    fn rows(&self) -> Vec<Row> {
        self.grades.rows.iter().map(|(r, d)| Row::of(r, d.as_ref())).collect()
    }

    fn question(&self, division: &str) -> ui::Question {
        let r = &self.r;
        ui::Question {
            on: r.on,
            known_at: r.known_at.0,
            rules_id: r.rules.id.clone(),
            rules_sha256: r.rules.sha256.clone(),
            permalink: format!("/ui/divisions/{division}?on={}&k={}&rules={}&{}", r.on, r.known_at.0, ui::query_escape(&r.rules.id), self.view.query()),
        }
    }
}

/// Checks the code and the rights, resolves (V, K, R) and the view, and
/// grades the division on the blocking pool.
async fn gather(st: Arc<AppState>, who: &Principal, d: &str, q: BoardQuery) -> Result<Gathered, PageError> {
    model::fact::check_division(d).map_err(|_| PageError::BadRequest(format!("“{d}”不是处室代码：处室代码为两位数字，例如 08。")))?;
    who.may(Action::ReadDivision { division: Some(d) })?;
    let view = View::parse(q.sort.as_deref(), q.dir.as_deref(), q.grade.as_deref(), q.q.as_deref()).map_err(PageError::BadRequest)?;
    let (ledger, head) = (st.ledger.clone(), st.head().seq);
    let today = st.clock.now().china_date();
    let division = d.to_string();
    let asked = AsOfQuery { on: q.on, k: q.k, rules: q.rules };
    blocking(move || {
        let (form, r) = asof::resolve(&ledger, head, today, &asked, None)?;
        let grades = commands::grade_division(&ledger, r.on, r.known_at, &r.rules, &division).map_err(PageError::of)?;
        Ok(Gathered { form, r, head: head.0, grades, view })
    })
    .await
}

fn query(q: Result<Query<BoardQuery>, QueryRejection>) -> BoardQuery {
    // A query no link or form sends (a repeated field…) reads as no query.
    q.map(|Query(q)| q).unwrap_or_default()
}

/// The page; see the module doc of `ui::division`.
pub async fn page(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, Path(d): Path<String>, q: Result<Query<BoardQuery>, QueryRejection>) -> Response {
    let g = match gather(st, &who, &d, query(q)).await {
        Ok(g) => g,
        Err(e) => return e.page(Some(&who)),
    };
    let status = if g.form.errors.any() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let rows = g.rows();
    let shown = g.view.apply(&rows);
    let last_run = g.grades.last_run.as_ref().map(|(y, ds)| (*y, Distribution::of(ds.iter().map(|x| Some(x.decision.grade)))));
    let board = ui::division::Board {
        division: &d,
        rows: &rows,
        shown: &shown,
        view: &g.view,
        last_run,
        question: g.question(&d),
        form: g.form.clone(),
        rule_ids: asof::rule_ids(&g.r.book),
        head: g.head,
    };
    html(status, ui::division::page_html(&viewer(&who), &board))
}

/// The rows of a download: as the page shows them. A field the form would
/// have refused is refused here too (the links always carry valid ones).
async fn shown(st: Arc<AppState>, who: &Principal, d: &str, q: BoardQuery) -> Result<(Gathered, Vec<Row>), PageError> {
    let g = gather(st, who, d, q).await?;
    let e = &g.form.errors;
    if e.any() {
        let all: Vec<&str> = [&e.on, &e.known_at, &e.rules].into_iter().flatten().map(String::as_str).collect();
        return Err(PageError::BadRequest(format!("无法下载：{}", all.join("；"))));
    }
    let rows = g.view.apply(&g.rows());
    Ok((g, rows))
}

/// A download's answer: `bytes` as an attachment named `name`.
fn attachment(content_type: &'static str, name: String, bytes: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The name is ASCII (two digits, a date, a seq), so it needs no escaping.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

fn file_name(d: &str, g: &Gathered, ext: &str) -> String {
    format!("division-{d}-{}-k{}.{ext}", g.r.on, g.r.known_at.0)
}

/// `GET /ui/divisions/{d}/table.csv`: the table as shown, UTF-8 with BOM.
pub async fn csv(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, Path(d): Path<String>, q: Result<Query<BoardQuery>, QueryRejection>) -> Response {
    let answer = async {
        let (g, rows) = shown(st, &who, &d, query(q)).await?;
        let bytes = blocking(move || ui::table::csv(&rows).map_err(|e| PageError::Failed(e.to_string()))).await?;
        Ok::<_, PageError>(attachment("text/csv; charset=utf-8", file_name(&d, &g, "csv"), bytes))
    };
    answer.await.unwrap_or_else(|e| e.page(Some(&who)))
}

/// `GET /ui/divisions/{d}/table.xlsx`: the table as shown, one sheet.
pub async fn xlsx(State(st): State<Arc<AppState>>, Extension(who): Extension<Principal>, Path(d): Path<String>, q: Result<Query<BoardQuery>, QueryRejection>) -> Response {
    let answer = async {
        let (g, rows) = shown(st, &who, &d, query(q)).await?;
        let sheet = format!("第{d}处室");
        // Writing a workbook is CPU work: off the async threads.
        let bytes = blocking(move || ui::table::xlsx(&sheet, &rows).map_err(|e| PageError::Failed(e.to_string()))).await?;
        Ok::<_, PageError>(attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file_name(&d, &g, "xlsx"), bytes))
    };
    answer.await.unwrap_or_else(|e| e.page(Some(&who)))
}
