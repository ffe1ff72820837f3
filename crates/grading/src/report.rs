//! The grade report of CONTRACT.md §4: the grade and its whole trace,
//! each deduction, verdict and raise naming the rule-set clause that
//! produced it (issue 8, item 4; docs/RULES.md "Clause paths").
//!
//! The `clause` fields, `scope` and `d_threshold` follow from the rule set
//! (pinned by its SHA-256) and the rest of the report, so the decision
//! encodings (formats 1 and 2, [`crate::canonical`]) leave them out:
//! decisions issued before them still reproduce (docs/DECISIONS.md).

use model::fact::Grade;
use model::{ChinaDate, Points, Seq};
use rules::{Condition, Trigger};
use serde::Serialize;

/// The rule set a report was graded under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RulesRef {
    pub id: String,
    /// Hex SHA-256 of the rule-set file's bytes.
    pub sha256: String,
}

/// One deduction: the fact behind it (`None` for an absence, e.g. a report
/// never filed) and its points before the dimension's cap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub points: Points,
    /// The deduction rule (rule-set key) that gave the points.
    pub rule: String,
    /// Its clause: `dimensions.<id>.points.<rule>`.
    pub clause: String,
}

/// A dimension's deduction after its cap, with its items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DimensionResult {
    pub id: String,
    pub deduction: Points,
    pub cap: Points,
    pub items: Vec<Item>,
    /// The clause that capped the items' sum: `dimensions.<id>.cap`.
    pub clause: String,
}

/// An A/B condition: whether it holds, and the facts that make it fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionResult {
    pub id: Condition,
    pub met: bool,
    pub evidence: Vec<String>,
    /// `grades.a_conditions[A4]`; A1 and B1: their threshold,
    /// `grades.a_min_score`, `grades.b_min_score`.
    pub clause: String,
}

/// A D trigger: whether it fired, and the facts that fire it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TriggerResult {
    pub id: Trigger,
    pub fired: bool,
    pub evidence: Vec<String>,
    /// `grades.d_triggers[D1]`.
    pub clause: String,
}

/// A raise of the grade (only listed when it changed the grade).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    pub id: String,
    pub from: Grade,
    pub to: Grade,
    pub evidence: Vec<String>,
    /// `grades.overdue_raise`.
    pub clause: String,
}

/// Who is graded: the rule set's scope rule and its clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScopeClause {
    /// `scope`.
    pub clause: String,
    /// `licensed` or `key_catalogue`.
    pub rule: &'static str,
}

/// The score threshold of D and its verdict (in scope only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Threshold {
    /// `grades.d_below_score`.
    pub clause: String,
    pub threshold: Points,
    /// Whether the score is below it (the grade is then D).
    pub below: bool,
}

/// `counted`, `excluded` or `context` (CONTRACT.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Counted,
    Excluded,
    Context,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Counted => "counted",
            Status::Excluded => "excluded",
            Status::Context => "context",
        }
    }
}

/// Every fact of the enterprise known at K, with what it did to the grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub seq: Seq,
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: model::fact::Kind,
    /// Valid date as corrected.
    pub occurred_on: ChinaDate,
    pub status: Status,
    /// Reason code (DOMAIN.md) when excluded.
    pub reason: Option<&'static str>,
    /// The correction that caused the exclusion.
    pub by: Option<String>,
}

/// The grade of one enterprise as of (V, K, R): CONTRACT.md §4. The same
/// inputs give a byte-identical JSON rendering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeReport {
    pub enterprise: String,
    pub name: String,
    pub division: String,
    pub on: ChinaDate,
    pub known_at_seq: Seq,
    pub rules: RulesRef,
    pub in_scope: bool,
    /// The scope rule that decided `in_scope`.
    pub scope: ScopeClause,
    pub grade: Option<Grade>,
    pub score: Option<Points>,
    /// The D score threshold; `None` out of scope.
    pub d_threshold: Option<Threshold>,
    pub dimensions: Vec<DimensionResult>,
    pub conditions: Vec<ConditionResult>,
    pub triggers: Vec<TriggerResult>,
    pub adjustments: Vec<Adjustment>,
    pub events: Vec<Event>,
}

impl GradeReport {
    /// The report as pretty JSON (the `--format json` form).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    pub fn failed_conditions(&self) -> impl Iterator<Item = &ConditionResult> {
        self.conditions.iter().filter(|c| !c.met)
    }

    pub fn fired_triggers(&self) -> impl Iterator<Item = &TriggerResult> {
        self.triggers.iter().filter(|t| t.fired)
    }

    /// A short account of what decided the grade, e.g. `D2`, `A4 A5`,
    /// `B1 +overdue`, `score<60` (the rule set's `d_below_score`); `-` for
    /// a clean A.
    pub fn decisive_reasons(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let pre = self.adjustments.first().map(|a| a.from).or(self.grade);
        match pre {
            None => return "out of scope".into(),
            Some(Grade::D) => {
                let fired: Vec<String> = self.fired_triggers().map(|t| t.id.to_string()).collect();
                if fired.is_empty() {
                    parts.push(match &self.d_threshold {
                        Some(t) => format!("score<{}", whole(t.threshold)),
                        None => "score".into(),
                    });
                } else {
                    parts.extend(fired);
                }
            }
            Some(Grade::A) => {}
            Some(Grade::B) => parts.extend(self.failed_conditions().filter(|c| c.id.of_a()).map(|c| c.id.to_string())),
            Some(Grade::C) => parts.extend(self.failed_conditions().filter(|c| !c.id.of_a()).map(|c| c.id.to_string())),
        }
        if !self.adjustments.is_empty() {
            parts.push("+overdue".into());
        }
        if parts.is_empty() {
            "-".into()
        } else {
            parts.join(" ")
        }
    }
}

/// Points without a decimal when whole (`60`), else with one (`59.5`).
fn whole(p: Points) -> String {
    if p.0 % 10 == 0 {
        (p.0 / 10).to_string()
    } else {
        p.to_string()
    }
}

impl GradeReport {
    /// Hex SHA-256 of the report in the current decision encoding
    /// ([`crate::REPORT_FORMAT`]): what a new decision record pins.
    pub fn sha256(&self) -> String {
        crate::canonical::report_sha256(self, crate::REPORT_FORMAT).unwrap_or_default()
    }
}
