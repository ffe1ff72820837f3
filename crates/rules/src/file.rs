//! The rule set: its parts as the grading reads them, and its errors.

use crate::clause::Clauses;
use crate::{Condition, Deduction, Problem, Trigger, Verdict};
use model::fact::{ListKind, MeasureType, Procedure};
use model::{ChinaDate, Points, Yuan};
use std::collections::{BTreeMap, BTreeSet};

/// Why a rule-set file was refused. `origin` names the file or shipped id.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file does not validate: every problem, in the order of its lines.
    /// Displayed as a heading line, then one `origin:line: key: message` per problem.
    #[error("{}", problems_text(origin, problems))]
    Problems { origin: String, problems: Vec<Problem> },
    #[error("cannot read rule-set file {path}: {message}")]
    Io { path: String, message: String },
    #[error("no rule set with id {0:?} is shipped or adopted (known: {1})")]
    Unknown(String, String),
}

/// One line per problem, after a heading naming the file and the count.
fn problems_text(origin: &str, problems: &[Problem]) -> String {
    let n = problems.len();
    let mut s = format!("rule set {origin} is refused: {n} problem{}", if n == 1 { "" } else { "s" });
    for p in problems {
        s.push('\n');
        s.push_str(&p.located(origin));
    }
    s
}

/// Who is graded (Art. 2–3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Revised: held a valid production licence on some day of the past year.
    Licensed,
    /// Trial: producers of key-catalogue products (the enterprise's flag on V).
    KeyCatalogue,
}

/// When the annual evaluation runs (Art. 15; informs decision records).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnnualRun {
    /// Trial: on 1 January.
    January1,
    /// Revised: during the first quarter.
    FirstQuarter,
}

impl AnnualRun {
    /// The evaluation date V of the official run for `year`: 31 December of
    /// that year under both sets (Art. 15: the previous year is evaluated).
    /// `None` outside the calendar.
    pub fn evaluation_date(self, year: i32) -> Option<ChinaDate> {
        ChinaDate::from_ymd(year, 12, 31)
    }

    /// The China dates [first, last] on which the official run for `year`
    /// takes place: 1 January of the next year (trial), or its first
    /// quarter, 1 January – 31 March (revised).
    pub fn run_dates(self, year: i32) -> Option<(ChinaDate, ChinaDate)> {
        let first = ChinaDate::from_ymd(year.checked_add(1)?, 1, 1)?;
        let last = match self {
            AnnualRun::January1 => first,
            AnnualRun::FirstQuarter => ChinaDate::from_ymd(year + 1, 3, 31)?,
        };
        Some((first, last))
    }

    /// The name used in rule-set files.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnualRun::January1 => "january_1",
            AnnualRun::FirstQuarter => "first_quarter",
        }
    }
}

/// Product risk class of a catalogue category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskClass {
    General,
    Elevated,
    High,
}

/// Categories by risk class; every other category is general.
#[derive(Clone, Debug)]
pub struct ProductRisk {
    pub high: BTreeSet<String>,
    pub elevated: BTreeSet<String>,
}

impl ProductRisk {
    pub fn class_of(&self, category: &str) -> RiskClass {
        if self.high.contains(category) {
            RiskClass::High
        } else if self.elevated.contains(category) {
            RiskClass::Elevated
        } else {
            RiskClass::General
        }
    }
}

/// One scoring dimension: its id (report id), name, cap and point rules.
#[derive(Clone, Debug)]
pub struct Dimension {
    pub id: String,
    pub name: String,
    /// Tenths of a point.
    pub cap: Points,
    pub points: BTreeMap<Deduction, Points>,
}

/// Grade thresholds and which conditions/triggers apply (Art. 9, 11, 12).
#[derive(Clone, Debug)]
pub struct Grades {
    pub a_min_score: Points,
    pub b_min_score: Points,
    pub d_below_score: Points,
    pub a_conditions: Vec<Condition>,
    pub b_conditions: Vec<Condition>,
    pub d_triggers: Vec<Trigger>,
    pub d4_min_refusals: u32,
    pub overdue_raise: bool,
}

/// A validated rule set. Built only by [`RuleSet::parse`] / [`RuleSet::check`].
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub id: String,
    pub title: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub effective_from: ChinaDate,
    /// Exclusive; `None` = open-ended.
    pub effective_to: Option<ChinaDate>,
    pub scope: Scope,
    pub annual_run: AnnualRun,
    pub base_score: Points,
    pub floor_score: Points,
    /// Length of "近1年" in months (12).
    pub past_year_months: i32,
    pub grades: Grades,
    /// Publicity of ordinary-procedure penalties, in months.
    pub minor_penalty_months: i32,
    pub other_penalty_months: i32,
    /// A fine below this (and only warnings/criticism besides) is a minor penalty.
    pub minor_fine_below: Yuan,
    /// Measures that keep an ordinary-procedure penalty minor (publicized
    /// `minor_penalty_months`): each of its measures is one of these; a
    /// `fine` only when below `minor_fine_below`. `[publicity]
    /// minor_measures`.
    pub minor_measures: BTreeSet<MeasureType>,
    /// Procedures whose penalties are never publicized (`simple`).
    pub unpublicized_procedures: BTreeSet<Procedure>,
    /// A penalty whose every measure is one of these is not publicized
    /// (`warning`).
    pub unpublicized_measures: BTreeSet<MeasureType>,
    /// A fine of at least this deducts `penalty_fine_large`.
    pub fine_large_from: Yuan,
    /// `[lists]`: the list kinds whose entries are evidence of each
    /// condition or trigger (defaults filled in; a verdict not here takes
    /// no list entries). D1 counts an entry on the list on V; the others an
    /// entry whose period overlaps their window.
    pub lists: BTreeMap<Verdict, BTreeSet<ListKind>>,
    /// `[windows]`: the look-back of a condition or trigger in months,
    /// where the file sets one; see [`RuleSet::window_months`].
    pub windows: BTreeMap<Verdict, i32>,
    pub self_inspection_due: (u32, u32),
    pub product_risk: ProductRisk,
    pub dimensions: Vec<Dimension>,
    /// Art. 16–19 reference supervision per grade: (sampling ratio %, inspections per year).
    pub supervision: BTreeMap<String, (u32, u32)>,
    /// Every clause of the file as validated, shaped like the file (for
    /// `rules show` and `rules diff`).
    pub clauses: Clauses,
}

impl RuleSet {
    /// Parses and validates a rule-set file's bytes (UTF-8 TOML, docs/RULES.md).
    /// `origin` names the file in the error, which lists every problem.
    pub fn parse(origin: &str, bytes: &[u8]) -> Result<RuleSet, RulesError> {
        RuleSet::check(bytes).map_err(|problems| RulesError::Problems { origin: origin.to_string(), problems })
    }

    /// Validates a rule-set file's bytes: the rule set, or every problem
    /// found (unknown keys, bad values, order), each with its line and key
    /// path, in the order of their lines. Backs [`RuleSet::parse`] and
    /// `rules check`.
    pub fn check(bytes: &[u8]) -> Result<RuleSet, Vec<Problem>> {
        crate::check::check(bytes)
    }

    /// Whether V falls in [effective_from, effective_to).
    pub fn in_force_on(&self, on: ChinaDate) -> bool {
        self.effective_from <= on && self.effective_to.is_none_or(|t| on < t)
    }

    /// The points of a deduction rule and the dimension that holds it.
    pub fn points_of(&self, d: Deduction) -> Option<(usize, Points)> {
        self.dimensions
            .iter()
            .enumerate()
            .find_map(|(i, dim)| dim.points.get(&d).map(|p| (i, *p)))
    }

    /// Whether a condition or trigger is in force in this set.
    pub fn uses(&self, v: Verdict) -> bool {
        let g = &self.grades;
        match v {
            Verdict::Condition(c) => g.a_conditions.contains(&c) || g.b_conditions.contains(&c),
            Verdict::Trigger(t) => g.d_triggers.contains(&t),
        }
    }

    /// How far back a condition or trigger looks, in months: its
    /// `[windows]` entry, else `past_year_months`.
    pub fn window_months(&self, v: Verdict) -> i32 {
        self.windows.get(&v).copied().unwrap_or(self.past_year_months)
    }

    /// Whether entries of list `kind` are evidence of `v`.
    pub fn lists(&self, v: Verdict, kind: ListKind) -> bool {
        self.lists.get(&v).is_some_and(|k| k.contains(&kind))
    }
}
