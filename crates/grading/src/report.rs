//! The grade report of CONTRACT.md §4: the grade and its whole trace.

use model::fact::Grade;
use model::{ChinaDate, Points, Seq};
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
}

/// A dimension's deduction after its cap, with its items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DimensionResult {
    pub id: String,
    pub deduction: Points,
    pub cap: Points,
    pub items: Vec<Item>,
}

/// An A/B condition: whether it holds, and the facts that make it fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionResult {
    pub id: String,
    pub met: bool,
    pub evidence: Vec<String>,
}

/// A D trigger: whether it fired, and the facts that fire it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TriggerResult {
    pub id: String,
    pub fired: bool,
    pub evidence: Vec<String>,
}

/// A raise of the grade (only listed when it changed the grade).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    pub id: String,
    pub from: Grade,
    pub to: Grade,
    pub evidence: Vec<String>,
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
    pub grade: Option<Grade>,
    pub score: Option<Points>,
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
    /// `B1 +overdue`, `score<60`; `-` for a clean A.
    pub fn decisive_reasons(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let pre = self.adjustments.first().map(|a| a.from).or(self.grade);
        match pre {
            None => return "out of scope".into(),
            Some(Grade::D) => {
                let fired: Vec<String> = self.fired_triggers().map(|t| t.id.clone()).collect();
                if fired.is_empty() {
                    parts.push("score<60".into());
                } else {
                    parts.extend(fired);
                }
            }
            Some(Grade::A) => {}
            Some(Grade::B) => parts.extend(self.failed_conditions().filter(|c| c.id.starts_with('A')).map(|c| c.id.clone())),
            Some(Grade::C) => parts.extend(self.failed_conditions().filter(|c| c.id.starts_with('B')).map(|c| c.id.clone())),
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

impl GradeReport {
    /// Hex SHA-256 of the report in the current decision encoding
    /// ([`crate::REPORT_FORMAT`]): what a new decision record pins.
    pub fn sha256(&self) -> String {
        crate::canonical::report_sha256(self, crate::REPORT_FORMAT).unwrap_or_default()
    }
}
