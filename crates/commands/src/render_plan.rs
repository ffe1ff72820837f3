//! The supervision plan as a table, JSON, CSV and an XLSX workbook (issue 11).

use crate::commands::plan::Issued;
use crate::error::{CliError, CliResult};
use crate::render::columns;
use std::fmt::Write;
use supervision::{Cadence, Move, Purpose, Update};
use xlsx::{workbook, Cell, Sheet};

pub fn json<T: serde::Serialize>(v: &T) -> CliResult<String> {
    serde_json::to_string_pretty(v).map(|s| s + "\n").map_err(|e| CliError::Failed(format!("cannot render json: {e}")))
}

/// `plan --format json`: the record's ref and seq, the plan's hash and the plan itself.
pub fn plan_json(i: &Issued) -> CliResult<serde_json::Value> {
    let names: serde_json::Map<String, serde_json::Value> =
        i.inspectors.iter().flat_map(|p| p.list.iter()).map(|x| (x.id.clone(), serde_json::Value::String(x.name.clone()))).collect();
    Ok(serde_json::json!({
        "ref": i.reference,
        "seq": i.seq.0,
        "plan_sha256": i.plan.sha256().map_err(|e| CliError::Failed(e.to_string()))?,
        "inspector_names": names,
        "inspectors_file": i.record.inspectors,
        "plan": i.plan,
    }))
}

fn cadence(c: Cadence) -> &'static str {
    match c {
        Cadence::None => "no routine on-site inspection",
        Cadence::Year => "per year",
        Cadence::HalfYear => "per half-year",
        Cadence::Quarter => "per quarter",
    }
}

/// As JSON spells it (serde's snake_case names).
fn cadence_id(c: Cadence) -> &'static str {
    match c {
        Cadence::None => "none",
        Cadence::Year => "year",
        Cadence::HalfYear => "half_year",
        Cadence::Quarter => "quarter",
    }
}

/// 第一季度 … 第四季度.
fn quarter_zh(q: u8) -> String {
    format!("第{}季度", ["一", "二", "三", "四"].get(usize::from(q).wrapping_sub(1)).copied().unwrap_or("?"))
}

fn cadence_zh(c: Cadence) -> &'static str {
    match c {
        Cadence::None => "不主动实施现场检查",
        Cadence::Year => "每年",
        Cadence::HalfYear => "每半年",
        Cadence::Quarter => "每季度",
    }
}

fn pair(i: &Issued, p: &Option<[String; 2]>) -> String {
    match p {
        None => String::new(),
        Some([a, b]) => {
            let name = |id: &str| i.inspectors.as_ref().and_then(|l| l.name(id)).map(|n| format!("{id} {n}")).unwrap_or_else(|| id.to_string());
            format!("{} + {}", name(a), name(b))
        }
    }
}

/// `plan` for a terminal: the inputs, the grades' lines, every enterprise, the inspections.
pub fn table(i: &Issued) -> String {
    let p = &i.plan;
    let mut o = String::new();
    let _ = writeln!(o, "supervision plan {} of division {} — {} at seq {}", p.year, p.division, i.reference, i.seq);
    let _ = writeln!(o, "grades in force: the {} evaluation's decisions known at K = {} (head hash {})", p.year - 1, p.known_at_seq, p.head_hash);
    let _ = writeln!(o, "rules {} (sha256 {}…) · salt {:?} · draw {} · seed {}", p.rules_id, &p.rules_sha256[..12.min(p.rules_sha256.len())], p.salt, p.draw_version, p.seed);
    let _ = writeln!(o, "plan sha256 {}", i.record.plan_sha256);
    let _ = writeln!(o);
    let mut rows = vec![["grade", "enterprises", "ratio %", "sampled", "reached %", "inspections/yr", "cadence", "on-site total"].map(String::from).to_vec()];
    for g in &p.grades {
        rows.push(vec![
            g.grade.to_string(),
            g.enterprises.to_string(),
            g.sampling_ratio_percent.to_string(),
            g.sampled.to_string(),
            g.sampled_percent.clone(),
            g.inspections_per_year.to_string(),
            cadence(g.cadence).to_string(),
            g.mandatory_inspections.to_string(),
        ]);
    }
    o += &columns(&rows);
    let _ = writeln!(o);
    let mut rows = vec![["USCC", "name", "grade", "Q1", "Q2", "Q3", "Q4", "sampling"].map(String::from).to_vec()];
    for e in &p.enterprises {
        let mut r = vec![e.enterprise.clone(), e.name.clone(), e.grade.to_string()];
        r.extend(e.mandatory.iter().map(|n| n.to_string()));
        r.push(e.sampling_quarter.map(|q| format!("drawn, Q{q}")).unwrap_or_else(|| "-".into()));
        rows.push(r);
    }
    o += &columns(&rows);
    if i.inspectors.is_some() {
        let _ = writeln!(o);
        let mut rows = vec![["quarter", "USCC", "purpose", "inspectors"].map(String::from).to_vec()];
        for x in &p.inspections {
            rows.push(vec![format!("Q{}", x.quarter), x.enterprise.clone(), purpose(x.purpose).to_string(), pair(i, &x.inspectors)]);
        }
        o += &columns(&rows);
    }
    o
}

fn purpose(p: Purpose) -> &'static str {
    match p {
        Purpose::Mandatory => "on-site inspection",
        Purpose::Sampling => "random sampling",
    }
}

fn purpose_zh(p: Purpose) -> &'static str {
    match p {
        Purpose::Mandatory => "现场监督检查",
        Purpose::Sampling => "双随机抽查",
    }
}

/// The CSV header of `plan --format csv`: one row per enterprise.
pub const CSV_HEADER: [&str; 12] = ["enterprise", "name", "grade", "decision", "cadence", "q1", "q2", "q3", "q4", "sampled", "sampling_quarter", "inspections"];

/// `plan --format csv`: one row per enterprise, its inspections (quarter, purpose, pair) in the last column.
pub fn csv(i: &Issued) -> CliResult<Vec<u8>> {
    let fail = |e: csv::Error| CliError::Failed(format!("cannot render csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).map_err(fail)?;
    for e in &i.plan.enterprises {
        let inspections: Vec<String> = i
            .plan
            .inspections
            .iter()
            .filter(|x| x.enterprise == e.enterprise)
            .map(|x| {
                let who = x.inspectors.as_ref().map(|[a, b]| format!(" {a}+{b}")).unwrap_or_default();
                format!("Q{} {}{who}", x.quarter, if x.purpose == Purpose::Sampling { "sampling" } else { "on-site" })
            })
            .collect();
        let q = e.mandatory.map(|n| n.to_string());
        w.write_record([
            crate::render::csv_text(&e.enterprise),
            crate::render::csv_text(&e.name),
            e.grade.to_string(),
            crate::render::csv_text(&e.decision),
            cadence_id(e.cadence).to_string(),
            q[0].clone(),
            q[1].clone(),
            q[2].clone(),
            q[3].clone(),
            e.sampled.to_string(),
            e.sampling_quarter.map(|q| q.to_string()).unwrap_or_default(),
            inspections.join("; "),
        ])
        .map_err(fail)?;
    }
    w.into_inner().map_err(|e| CliError::Failed(format!("cannot render csv: {e}")))
}

/// `plan --format xlsx`: four sheets with Chinese headers (the plan, the
/// grades' lines, the inspections, the draw's inputs).
pub fn xlsx(i: &Issued) -> CliResult<Vec<u8>> {
    let p = &i.plan;
    let t = |s: &str| Cell::Text(s.to_string());
    let n = |v: u64| Cell::Int(v as i64);
    let plan = Sheet {
        name: "监管计划".into(),
        headers: ["统一社会信用代码", "企业名称", "信用风险等级", "等级决定文号", "现场检查频次", "第一季度", "第二季度", "第三季度", "第四季度", "双随机抽查", "抽查季度"]
            .map(String::from)
            .to_vec(),
        rows: p
            .enterprises
            .iter()
            .map(|e| {
                let mut r = vec![t(&e.enterprise), t(&e.name), t(e.grade.as_str()), t(&e.decision), t(cadence_zh(e.cadence))];
                r.extend(e.mandatory.iter().map(|&q| n(q.into())));
                r.push(t(if e.sampled { "抽中" } else { "未抽中" }));
                r.push(e.sampling_quarter.map(|q| t(&quarter_zh(q))).unwrap_or(Cell::Empty));
                r
            })
            .collect(),
    };
    let grades = Sheet {
        name: "分级统计".into(),
        headers: ["信用风险等级", "企业数", "抽查比例(%)", "抽中数", "实际抽查比例(%)", "每年最少现场检查", "现场检查频次", "现场检查合计"].map(String::from).to_vec(),
        rows: p
            .grades
            .iter()
            .map(|g| {
                vec![
                    t(g.grade.as_str()),
                    n(g.enterprises as u64),
                    n(g.sampling_ratio_percent.into()),
                    n(g.sampled as u64),
                    g.sampled_percent.parse::<f64>().map(|value| Cell::Number { value, decimals: 1 }).unwrap_or_else(|_| Cell::Empty),
                    n(g.inspections_per_year.into()),
                    t(cadence_zh(g.cadence)),
                    n(g.mandatory_inspections.into()),
                ]
            })
            .collect(),
    };
    let inspections = Sheet {
        name: "检查安排".into(),
        headers: ["季度", "统一社会信用代码", "企业名称", "检查类型", "检查人员"].map(String::from).to_vec(),
        rows: p
            .inspections
            .iter()
            .map(|x| {
                let name = p.entry(&x.enterprise).map(|e| e.name.as_str()).unwrap_or("");
                vec![t(&quarter_zh(x.quarter)), t(&x.enterprise), t(name), t(purpose_zh(x.purpose)), t(&pair(i, &x.inspectors))]
            })
            .collect(),
    };
    let inputs = Sheet {
        name: "计划依据".into(),
        headers: ["项目", "值"].map(String::from).to_vec(),
        rows: [
            ("计划编号", t(&i.reference)),
            ("账本序号", n(i.seq.0)),
            ("年度", Cell::Int(i64::from(p.year))),
            ("师", t(&p.division)),
            ("知识截止序号 K", n(p.known_at_seq)),
            ("K 处链哈希", t(&p.head_hash)),
            ("公开盐值", t(&p.salt)),
            ("规则集", t(&p.rules_id)),
            ("规则集 SHA-256", t(&p.rules_sha256)),
            ("抽签算法版本", n(p.draw_version.into())),
            ("种子", t(&p.seed)),
            ("计划 SHA-256", t(&i.record.plan_sha256)),
        ]
        .into_iter()
        .map(|(k, v)| vec![t(k), v])
        .collect(),
    };
    workbook(&[plan, grades, inspections, inputs]).map_err(|e| CliError::Failed(format!("cannot write the workbook: {e}")))
}

fn movement(m: Move) -> &'static str {
    match m {
        Move::Stricter => "stricter",
        Move::Looser => "looser",
        Move::Entered => "entered",
        Move::Left => "left",
    }
}

/// `plan --as-of`: who moved into a stricter or looser regime, and the inspections added or dropped.
pub fn update_table(i: &Issued, u: &Update, k: model::Seq) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "supervision plan {} of division {} ({} at seq {}) as of {} (grades known at K = {k})", u.year, i.plan.division, i.reference, i.seq, u.as_of);
    if u.first_open_quarter > 4 {
        let _ = writeln!(o, "the year is over: no quarter is open");
    } else {
        let open = if u.first_open_quarter == 4 { "Q4".to_string() } else { format!("Q{}–Q4", u.first_open_quarter) };
        let _ = writeln!(o, "open quarters: {open} (earlier quarters stay as planned)");
    }
    let moved = u.changes.iter().filter(|c| matches!(c.movement, Move::Stricter | Move::Looser)).count();
    let _ = writeln!(
        o,
        "{moved} enterprise(s) changed grade, {} entered or left the scope: {} inspection(s) added, {} dropped",
        u.changes.len() - moved,
        u.inspections_added,
        u.inspections_dropped
    );
    if u.changes.is_empty() {
        return o;
    }
    let list = |v: &[supervision::update::Planned]| -> String {
        if v.is_empty() {
            return "-".into();
        }
        v.iter().map(|x| format!("Q{} {}", x.quarter, if x.purpose == Purpose::Sampling { "sampling" } else { "on-site" })).collect::<Vec<_>>().join(", ")
    };
    let g = |x: Option<model::fact::Grade>| x.map(|g| g.to_string()).unwrap_or_else(|| "-".into());
    let mut rows = vec![["USCC", "name", "grade", "regime", "added", "dropped", "reason"].map(String::from).to_vec()];
    for c in &u.changes {
        rows.push(vec![
            c.enterprise.clone(),
            c.name.clone(),
            format!("{} → {}", g(c.from), g(c.to)),
            movement(c.movement).into(),
            list(&c.added),
            list(&c.dropped),
            c.reason.clone(),
        ]);
    }
    o + &columns(&rows)
}

/// `plan verify` for a terminal.
pub fn verify_table(i: &Issued, sha: &str, problems: &[String]) -> String {
    let r = &i.record;
    let mut o = String::new();
    let _ = writeln!(o, "plan {} (seq {}): year {}, division {}", i.reference, i.seq, r.year, r.division);
    let _ = writeln!(
        o,
        "inputs: K = {}, head hash {}, salt {:?}, rules {} (sha256 {}), draw {}{}",
        r.known_at_seq,
        r.head_hash,
        r.salt,
        r.rules_id,
        r.rules_sha256,
        r.draw_version,
        if r.inspectors.is_some() { ", inspector list recorded" } else { "" }
    );
    let _ = writeln!(o, "seed {}", i.plan.seed);
    let _ = writeln!(o, "recorded plan sha256   {}", r.plan_sha256);
    let _ = writeln!(o, "recomputed plan sha256 {sha}");
    if problems.is_empty() {
        let _ = writeln!(o, "MATCH: the plan reproduces from its public inputs");
    } else {
        for p in problems {
            let _ = writeln!(o, "  {p}");
        }
    }
    o
}
