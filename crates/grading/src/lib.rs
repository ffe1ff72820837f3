//! The grading projection, pure: (facts known at K, V, rule set R) → grade
//! report (CONTRACT.md §4). No I/O, no clock, no globals: K, V and R are
//! arguments, and the same arguments give the same report byte for byte.

pub mod canonical;
pub mod conditions;
pub mod diff;
pub mod facts;
pub mod report;
pub mod resolve;
pub mod score;
pub mod status;
pub mod window;

pub use report::{Adjustment, ConditionResult, DimensionResult, Event, GradeReport, Item, RulesRef, Status, TriggerResult};
pub use canonical::{basis_sha256, report_sha256, ENGINE_VERSION, REPORT_FORMAT};
pub use diff::{diff, ReportDiff};
pub use resolve::{resolve, Reason, Resolved};

use conditions::{gather, overdue_orders};
use facts::{identity, Licences, Standing};
use model::fact::Grade;
use model::{ChinaDate, Record, Seq};
use rules::{RuleSet, Scope};
use score::{deductions, Scorer};
use std::collections::BTreeSet;
use window::Window;

/// Grades one enterprise as of (V = `on`, K = `known_at`, R = `rules`).
///
/// `records` are the enterprise's records in seq order; those after K are
/// ignored. The grade follows DOMAIN.md "Grades": D when the score is below
/// the D threshold or a trigger fires; else A when every A condition holds;
/// else B when every B condition holds; else C; then the overdue raise.
pub fn grade(enterprise: &str, records: &[Record], on: ChinaDate, known_at: Seq, rules: &RuleSet) -> GradeReport {
    let known = &records[..records.partition_point(|r| r.seq <= known_at)];
    let resolved = resolve(known);
    let w = Window::new(on, rules);
    let id = identity(&resolved, on);
    let lic = Licences::new(&resolved);
    let in_scope = match rules.scope {
        Scope::Licensed => lic.any_held(w.start.add_days(1), on),
        Scope::KeyCatalogue => id.key_catalogue,
    };
    let mut report = GradeReport {
        enterprise: enterprise.to_string(),
        name: id.name.clone(),
        division: id.division.clone(),
        on,
        known_at_seq: known_at,
        rules: RulesRef { id: rules.id.clone(), sha256: rules.sha256.clone() },
        in_scope,
        grade: None,
        score: None,
        dimensions: Vec::new(),
        conditions: Vec::new(),
        triggers: Vec::new(),
        adjustments: Vec::new(),
        events: Vec::new(),
    };
    let standing = Standing::new(&resolved, &w, rules, &lic);
    if in_scope {
        let live = |i: usize| standing.live(i);
        let findings = gather(&resolved, &live, &w, rules, &lic);
        let mut scorer = Scorer::new(rules);
        let late = findings.self_inspection.as_ref().map(|r| r.as_deref());
        deductions(&mut scorer, &resolved, &live, &id, &lic, &w, late);
        let (dimensions, score) = scorer.finish();

        let g = &rules.grades;
        let condition = |cid: &str| -> ConditionResult {
            let evidence = match cid {
                "A9" => findings.self_inspection.clone().map(|r| r.into_iter().collect()).unwrap_or_default(),
                "A1" | "B1" => Vec::new(),
                _ => findings.evidence.get(cid).cloned().unwrap_or_default(),
            };
            let met = match cid {
                "A1" => score >= g.a_min_score,
                "B1" => score >= g.b_min_score,
                "A9" => findings.self_inspection.is_none(),
                _ => evidence.is_empty(),
            };
            ConditionResult { id: cid.to_string(), met, evidence }
        };
        let a: Vec<ConditionResult> = g.a_conditions.iter().map(|c| condition(c)).collect();
        let b: Vec<ConditionResult> = g.b_conditions.iter().map(|c| condition(c)).collect();
        let triggers: Vec<TriggerResult> = g
            .d_triggers
            .iter()
            .map(|t| {
                let evidence = findings.evidence.get(t.as_str()).cloned().unwrap_or_default();
                TriggerResult { id: t.clone(), fired: !evidence.is_empty(), evidence }
            })
            .collect();

        let base = if score < g.d_below_score || triggers.iter().any(|t| t.fired) {
            Grade::D
        } else if a.iter().all(|c| c.met) {
            Grade::A
        } else if b.iter().all(|c| c.met) {
            Grade::B
        } else {
            Grade::C
        };
        let overdue = if g.overdue_raise { overdue_orders(&resolved, &w) } else { Vec::new() };
        let mut grade = base;
        if base != Grade::D && !overdue.is_empty() {
            grade = base.raised();
            report.adjustments.push(Adjustment { id: "overdue_rectification".into(), from: base, to: grade, evidence: overdue });
        }
        report.grade = Some(grade);
        report.score = Some(score);
        report.dimensions = dimensions;
        report.conditions = a.into_iter().chain(b).collect();
        report.triggers = triggers;
    }
    let counted: BTreeSet<&str> = report
        .dimensions
        .iter()
        .flat_map(|d| d.items.iter().filter_map(|i| i.reference.as_deref()))
        .chain(report.conditions.iter().flat_map(|c| c.evidence.iter().map(String::as_str)))
        .chain(report.triggers.iter().flat_map(|t| t.evidence.iter().map(String::as_str)))
        .chain(report.adjustments.iter().flat_map(|a| a.evidence.iter().map(String::as_str)))
        .collect();
    let events = status::events(known, &resolved, &standing, &counted, rules);
    report.events = events;
    report
}
