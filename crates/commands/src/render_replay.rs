//! The output of `replay`: a table for people, CSV (one row per enterprise
//! that moved), or one JSON document written mover by mover as the walk
//! goes (README "Replay after a rule change").

use crate::error::{CliError, CliResult};
use crate::render::{columns, csv_text};
use grading::replay::{Clause, Matrix, Move};
use model::fact::Grade;
use model::{ChinaDate, Points, Seq};
use rules::RuleSet;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

/// One side's question (V, K, R), and how K was chosen.
pub struct Question {
    pub rules: RuleSet,
    pub on: ChinaDate,
    pub known_at: Seq,
    /// "the head", "--known-at-seq" or the official run's cut, in words.
    pub how: String,
}

/// The two questions of one replay.
pub struct Head<'a> {
    pub on: ChinaDate,
    pub division: Option<&'a str>,
    pub x: &'a Question,
    pub y: &'a Question,
}

/// One enterprise replayed: its outcome (grade, score; `None` = not in
/// scope) under X and Y, how it moved, and the clauses responsible.
pub struct Replayed {
    pub enterprise: String,
    pub name: String,
    pub division: String,
    pub x: (Option<Grade>, Option<Points>),
    pub y: (Option<Grade>, Option<Points>),
    pub change: Option<Move>,
    pub clauses: Vec<Clause>,
}

/// Counts over the whole replay.
#[derive(Default)]
pub struct Summary {
    pub matrix: Matrix,
    pub moved: BTreeMap<Move, u64>,
}

impl Summary {
    fn moved(&self, m: Move) -> u64 {
        self.moved.get(&m).copied().unwrap_or(0)
    }
}

fn outcome_text(o: (Option<Grade>, Option<Points>)) -> String {
    match o {
        (Some(g), Some(s)) => format!("{g} {s}"),
        (Some(g), None) => g.to_string(),
        _ => "-".into(),
    }
}

/// The table: both questions, the transition matrix, the counts, and each
/// enterprise whose scope or grade moved with its clauses (score-only
/// changes are counted; csv and json list them).
pub fn table(h: &Head, s: &Summary, movers: &[Replayed]) -> String {
    let mut o = String::new();
    let division = h.division.map(|d| format!("division {d}")).unwrap_or_else(|| "all divisions".into());
    let _ = writeln!(o, "replay as of {} · {division}", h.on);
    let side = |l: &str, q: &Question| {
        vec![l.to_string(), q.rules.id.clone(), format!("sha256 {}", &q.rules.sha256[..12]), format!("known at seq {}", q.known_at), format!("({})", q.how)]
    };
    o += &columns(&[side("X", h.x), side("Y", h.y)]);
    let _ = writeln!(o, "\ntransitions: rows = grade under X ({}), columns = grade under Y ({})", h.x.rules.id, h.y.rules.id);
    let mut rows = vec![std::iter::once("X \\ Y".to_string()).chain(Matrix::LABELS.iter().map(|l| l.to_string())).chain(["total".into()]).collect::<Vec<_>>()];
    let m = s.matrix.rows();
    for (i, label) in Matrix::LABELS.iter().enumerate() {
        let mut r = vec![label.to_string()];
        r.extend(m[i].iter().map(u64::to_string));
        r.push(m[i].iter().sum::<u64>().to_string());
        rows.push(r);
    }
    let mut total = vec!["total".to_string()];
    total.extend((0..5).map(|j| m.iter().map(|r| r[j]).sum::<u64>().to_string()));
    total.push(s.matrix.total().to_string());
    rows.push(total);
    o += &columns(&rows);
    let _ = writeln!(
        o,
        "\n{} enterprises · entered scope {} · left scope {} · grade changed {} · score changed only {} (listed by --format csv and json)",
        s.matrix.total(),
        s.matrix.entering_scope(),
        s.matrix.leaving_scope(),
        s.moved(Move::Grade),
        s.moved(Move::Score)
    );
    if movers.is_empty() {
        let _ = writeln!(o, "\nno enterprise changed scope or grade");
        return o;
    }
    let _ = writeln!(o, "\nmoved ({}): scope or grade, with the clauses responsible", movers.len());
    let mut rows = vec![["USCC", "name", "X", "Y", "clause", "under X", "under Y"].map(String::from).to_vec()];
    for mv in movers {
        for (i, c) in mv.clauses.iter().enumerate() {
            let who = if i == 0 {
                vec![mv.enterprise.clone(), mv.name.clone(), outcome_text(mv.x), outcome_text(mv.y)]
            } else {
                vec![String::new(); 4]
            };
            rows.push(who.into_iter().chain([c.clause.clone(), c.x.clone(), c.y.clone()]).collect());
        }
    }
    o += &columns(&rows);
    o
}

/// The CSV header of `replay`.
pub const CSV_HEADER: [&str; 13] = [
    "enterprise",
    "name",
    "division",
    "change",
    "x_grade",
    "x_score",
    "y_grade",
    "y_score",
    "clauses",
    "x_rules_id",
    "x_known_at_seq",
    "y_rules_id",
    "y_known_at_seq",
];

/// One CSV row: an enterprise that moved (`change` scope, grade or score;
/// empty grade and score = not in scope); `clauses` are the key paths
/// separated by "; " (their values are in the table and JSON).
pub fn csv_row(m: &Replayed, x: &Question, y: &Question) -> [String; 13] {
    let g = |o: (Option<Grade>, Option<Points>)| o.0.map(|g| g.to_string()).unwrap_or_default();
    let p = |o: (Option<Grade>, Option<Points>)| o.1.map(|p| p.to_string()).unwrap_or_default();
    let clauses: Vec<&str> = m.clauses.iter().map(|c| c.clause.as_str()).collect();
    [
        csv_text(&m.enterprise),
        csv_text(&m.name),
        csv_text(&m.division),
        m.change.map(Move::as_str).unwrap_or_default().to_string(),
        g(m.x),
        p(m.x),
        g(m.y),
        p(m.y),
        csv_text(&clauses.join("; ")),
        csv_text(&x.rules.id),
        x.known_at.to_string(),
        csv_text(&y.rules.id),
        y.known_at.to_string(),
    ]
}

fn question_json(q: &Question) -> Value {
    json!({
        "rules_id": q.rules.id,
        "rules_sha256": q.rules.sha256,
        "annual_run": q.rules.annual_run.as_str(),
        "on": q.on.to_string(),
        "known_at_seq": q.known_at.0,
        "known_at": q.how,
    })
}

fn compact(v: &Value) -> CliResult<String> {
    serde_json::to_string(v).map_err(|e| CliError::Failed(format!("cannot render json: {e}")))
}

/// The JSON document up to its list of movers: V, the division and both
/// questions (V, K, R with the rule set's id and SHA-256).
pub fn json_start(h: &Head) -> CliResult<String> {
    Ok(format!(
        "{{\n  \"on\": {},\n  \"division\": {},\n  \"x\": {},\n  \"y\": {},\n  \"movers\": [",
        compact(&json!(h.on.to_string()))?,
        compact(&json!(h.division))?,
        compact(&question_json(h.x))?,
        compact(&question_json(h.y))?
    ))
}

/// One mover of the JSON list, on its own line.
pub fn json_mover(m: &Replayed, first: bool) -> CliResult<String> {
    let side = |o: (Option<Grade>, Option<Points>)| json!({ "grade": o.0, "score": o.1 });
    let v = json!({
        "enterprise": m.enterprise,
        "name": m.name,
        "division": m.division,
        "change": m.change,
        "x": side(m.x),
        "y": side(m.y),
        "clauses": m.clauses,
    });
    Ok(format!("{}\n    {}", if first { "" } else { "," }, compact(&v)?))
}

/// The end of the JSON document: the counts and the transition matrix
/// (`matrix[grade under X][grade under Y]`, "not in scope" included).
pub fn json_end(s: &Summary) -> CliResult<String> {
    let m = s.matrix.rows();
    let row = |i: usize| -> Value { Matrix::LABELS.iter().zip(m[i]).map(|(l, n)| (l.to_string(), json!(n))).collect::<serde_json::Map<_, _>>().into() };
    let matrix: serde_json::Map<String, Value> = Matrix::LABELS.iter().enumerate().map(|(i, l)| (l.to_string(), row(i))).collect();
    let moved = json!({ "scope": s.moved(Move::Scope), "grade": s.moved(Move::Grade), "score": s.moved(Move::Score) });
    Ok(format!(
        "\n  ],\n  \"enterprises\": {},\n  \"entering_scope\": {},\n  \"leaving_scope\": {},\n  \"moved\": {},\n  \"matrix\": {}\n}}\n",
        s.matrix.total(),
        s.matrix.entering_scope(),
        s.matrix.leaving_scope(),
        compact(&moved)?,
        compact(&Value::Object(matrix))?
    ))
}
