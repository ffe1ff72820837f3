//! Readable tables and CSV of grade reports.

use crate::error::{CliError, CliResult};
use grading::GradeReport;
use model::{ChinaDate, Seq};
use rules::RuleSet;
use std::collections::BTreeMap;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// Pads to a display width (CJK characters count two columns).
fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Lays out rows in columns separated by two spaces.
pub(crate) fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..n).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| UnicodeWidthStr::width(s.as_str())).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r.iter().enumerate().map(|(i, s)| if i + 1 == r.len() { s.clone() } else { pad(s, widths[i]) }).collect();
        let _ = writeln!(out, "  {}", line.join("  ").trim_end());
    }
    out
}

fn grade_text(r: &GradeReport) -> String {
    r.grade.map(|g| g.to_string()).unwrap_or_else(|| "-".into())
}

fn score_text(r: &GradeReport) -> String {
    r.score.map(|s| s.to_string()).unwrap_or_else(|| "-".into())
}

/// One enterprise's report, for a terminal.
/// `out_of_scope`: why the enterprise is not graded, said in one sentence.
pub fn report_table(r: &GradeReport, out_of_scope: Option<grading::OutOfScope>) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}  division {}", r.enterprise, r.name, r.division);
    let _ = writeln!(o, "as of {} · known at seq {} · rules {} (sha256 {})", r.on, r.known_at_seq, r.rules.id, &r.rules.sha256[..12]);
    if !r.in_scope {
        match out_of_scope {
            Some(why) => {
                let _ = writeln!(o, "{}; no grade.", why.explain(r.on, r.known_at_seq));
            }
            None => {
                let _ = writeln!(o, "not in scope on {}: no grade", r.on);
            }
        }
    } else {
        let _ = writeln!(o, "grade {}  score {}  decisive: {}", grade_text(r), score_text(r), r.decisive_reasons());
        if let (Some(t), Some(score)) = (r.d_threshold.as_ref().filter(|t| t.below), r.score) {
            let _ = writeln!(o, "score {score} is below {} ({}): D", t.threshold, t.clause);
        }
        let _ = writeln!(o, "\ndimensions (deduction / cap: items; clauses dimensions.<id>.cap and dimensions.<id>.points.<rule>)");
        let rows: Vec<Vec<String>> = r
            .dimensions
            .iter()
            .map(|d| {
                let items: Vec<String> = d
                    .items
                    .iter()
                    .map(|i| format!("{} −{} {}", i.reference.as_deref().unwrap_or("(absent)"), i.points, i.rule))
                    .collect();
                let deduction = if d.deduction.0 == 0 { "0.0".to_string() } else { format!("−{}", d.deduction) };
                vec![d.id.clone(), deduction, format!("/ {}", d.cap), items.join("; ")]
            })
            .collect();
        o += &columns(&rows);
        let _ = writeln!(o, "\nconditions");
        let rows: Vec<Vec<String>> = r
            .conditions
            .iter()
            .map(|c| vec![c.id.to_string(), if c.met { "met".into() } else { "NOT MET".into() }, c.clause.clone(), c.evidence.join(", ")])
            .collect();
        o += &columns(&rows);
        let _ = writeln!(o, "\ntriggers");
        let rows: Vec<Vec<String>> = r
            .triggers
            .iter()
            .map(|t| vec![t.id.to_string(), if t.fired { "FIRED".into() } else { "-".into() }, t.clause.clone(), t.evidence.join(", ")])
            .collect();
        o += &columns(&rows);
        for a in &r.adjustments {
            let _ = writeln!(o, "\nadjustment {}: {} → {} ({}) · {}", a.id, a.from, a.to, a.evidence.join(", "), a.clause);
        }
    }
    let _ = writeln!(o, "\nevents");
    let mut rows = vec![vec!["seq".into(), "ref".into(), "kind".into(), "valid date".into(), "status".into(), "reason".into(), "by".into()]];
    rows.extend(r.events.iter().map(|e| {
        vec![
            e.seq.to_string(),
            e.reference.clone(),
            e.kind.to_string(),
            e.occurred_on.to_string(),
            e.status.as_str().to_string(),
            e.reason.unwrap_or("").to_string(),
            e.by.clone().unwrap_or_default(),
        ]
    }));
    o += &columns(&rows);
    o
}

/// The division table: one row per enterprise, then the distribution.
pub fn all_table(reports: &[GradeReport], on: ChinaDate, k: Seq, rules: &RuleSet) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "grades as of {on} · known at seq {k} · rules {} (sha256 {})", rules.id, &rules.sha256[..12]);
    let mut rows = vec![vec!["USCC".into(), "name".into(), "grade".into(), "score".into(), "decisive reasons".into()]];
    rows.extend(reports.iter().map(|r| vec![r.enterprise.clone(), r.name.clone(), grade_text(r), score_text(r), r.decisive_reasons()]));
    o += &columns(&rows);
    o += &distribution(reports);
    o
}

/// Grade counts and shares.
pub fn distribution(reports: &[GradeReport]) -> String {
    let mut counts: BTreeMap<String, usize> = ["A", "B", "C", "D"].iter().map(|g| (g.to_string(), 0)).collect();
    for r in reports {
        if let Some(g) = r.grade {
            *counts.entry(g.to_string()).or_default() += 1;
        }
    }
    let total = reports.len().max(1);
    let parts: Vec<String> = counts
        .iter()
        .map(|(g, n)| format!("{g} {n} ({}.{}%)", n * 1000 / total / 10, n * 1000 / total % 10))
        .collect();
    format!("\n{} enterprises in scope: {}\n", reports.len(), parts.join(", "))
}

/// The footer of `grade-all` about enterprises skipped for want of a registration.
pub fn unregistered_note(n: usize, k: Seq) -> String {
    format!("{n} enterprise(s) with facts but no enterprise_registered known at seq {k} skipped (out of scope; their division is unknown)")
}

/// A CSV text cell made safe for spreadsheets (OWASP "CSV injection"): a
/// cell beginning with `=`, `+`, `-`, `@`, tab or carriage return gets a
/// leading `'`, so it is shown as text, never run as a formula.
pub fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The CSV header of `grade-all`.
pub const CSV_HEADER: [&str; 12] =
    ["enterprise", "name", "division", "grade", "score", "failed_conditions", "fired_triggers", "adjustment", "decisive_reasons", "known_at_seq", "rules_id", "rules_sha256"];

/// One CSV row of `grade-all` (RFC 4180 quoting by the writer). Text cells
/// pass through [`csv_text`]; numbers (score, seq) keep their form.
pub fn csv_row(r: &GradeReport) -> [String; 12] {
    let failed: Vec<&str> = r.failed_conditions().map(|c| c.id.as_str()).collect();
    let fired: Vec<&str> = r.fired_triggers().map(|t| t.id.as_str()).collect();
    let adj = r.adjustments.first().map(|a| format!("{}→{}", a.from, a.to)).unwrap_or_default();
    [
        csv_text(&r.enterprise),
        csv_text(&r.name),
        csv_text(&r.division),
        csv_text(&grade_text(r)),
        score_text(r),
        csv_text(&failed.join(" ")),
        csv_text(&fired.join(" ")),
        csv_text(&adj),
        // A clean A has no decisive reason: an empty cell, like the
        // other list columns (the table shows `-`).
        csv_text(&Some(r.decisive_reasons()).filter(|d| d != "-").unwrap_or_default()),
        r.known_at_seq.to_string(),
        csv_text(&r.rules.id),
        csv_text(&r.rules.sha256),
    ]
}

/// The sheet of `grade-all --format xlsx` (issue 11, part 6).
pub const XLSX_SHEET: &str = "信用风险等级";

/// Its column headers: the columns of [`CSV_HEADER`], in Chinese.
pub const XLSX_HEADER: [&str; 12] =
    ["统一社会信用代码", "企业名称", "所属师", "信用风险等级", "得分", "未满足条件", "触发情形", "等级调整", "决定性理由", "知识截止序号", "规则集", "规则集SHA-256"];

/// One row of `grade-all --format xlsx`: the values of [`csv_row`], the
/// score (one decimal) and the knowledge cut as numbers, an empty value as
/// a blank cell. Text is written as text, so it needs no guard against
/// formulas (unlike [`csv_text`]).
pub fn xlsx_row(r: &GradeReport) -> Vec<xlsx::Cell> {
    use xlsx::Cell;
    let text = |s: String| if s.is_empty() { Cell::Empty } else { Cell::Text(s) };
    let failed: Vec<&str> = r.failed_conditions().map(|c| c.id.as_str()).collect();
    let fired: Vec<&str> = r.fired_triggers().map(|t| t.id.as_str()).collect();
    let adj = r.adjustments.first().map(|a| format!("{}→{}", a.from, a.to)).unwrap_or_default();
    // Points as f64 only here, for the spreadsheet's own number type.
    let score = r.score.map_or_else(|| Cell::text("-"), |s| Cell::Number { value: s.as_f64(), decimals: 1 });
    // A seq past i64 cannot occur in a ledger; it would still be written exactly, as text.
    let known = i64::try_from(r.known_at_seq.0).map_or_else(|_| Cell::Text(r.known_at_seq.to_string()), Cell::Int);
    vec![
        text(r.enterprise.clone()),
        text(r.name.clone()),
        text(r.division.clone()),
        text(grade_text(r)),
        score,
        text(failed.join(" ")),
        text(fired.join(" ")),
        text(adj),
        text(Some(r.decisive_reasons()).filter(|d| d != "-").unwrap_or_default()),
        known,
        text(r.rules.id.clone()),
        text(r.rules.sha256.clone()),
    ]
}

/// One report of `grade-all --format jsonl`: compact, on one line.
pub fn json_line(r: &GradeReport) -> CliResult<String> {
    serde_json::to_string(r).map(|l| l + "\n").map_err(|e| CliError::Failed(format!("cannot render json: {e}")))
}

/// One report as an element of a pretty-printed JSON array: exactly what
/// `serde_json::to_string_pretty` writes for it inside a list (two spaces
/// deeper), so that a streamed list equals the list printed whole.
pub fn json_element(r: &GradeReport) -> CliResult<String> {
    let one = serde_json::to_string_pretty(r).map_err(|e| CliError::Failed(format!("cannot render json: {e}")))?;
    let mut o = String::with_capacity(one.len() + 64);
    for (i, line) in one.lines().enumerate() {
        if i > 0 {
            o.push('\n');
        }
        o.push_str("  ");
        o.push_str(line);
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::csv_text;

    #[test]
    fn formula_like_text_cells_are_neutralized() {
        for (raw, safe) in [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx")] {
            assert_eq!(csv_text(raw), safe);
        }
        for same in ["石河子甲公司", "a=b", "", "'quoted", "A4 A5"] {
            assert_eq!(csv_text(same), same);
        }
    }
}
