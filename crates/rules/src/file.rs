//! The rule-set file: TOML shape, validation, hash.

use crate::{Deduction, CONDITIONS, TRIGGERS};
use model::{ChinaDate, Points, Yuan};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Why a rule-set file was refused. `origin` names the file or shipped id.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("rule set {origin}: {message}")]
    Toml { origin: String, message: String },
    #[error("rule set {origin}: `{field}` {message}")]
    Invalid { origin: String, field: String, message: String },
    #[error("cannot read rule-set file {path}: {message}")]
    Io { path: String, message: String },
    #[error("no rule set with id {0:?} is installed (shipped: {1})")]
    Unknown(String, String),
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
    pub a_conditions: Vec<String>,
    pub b_conditions: Vec<String>,
    pub d_triggers: Vec<String>,
    pub d4_min_refusals: u32,
    pub overdue_raise: bool,
}

/// A validated rule set. Built only by [`RuleSet::parse`].
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
    /// A fine of at least this deducts `penalty_fine_large`.
    pub fine_large_from: Yuan,
    pub self_inspection_due: (u32, u32),
    pub product_risk: ProductRisk,
    pub dimensions: Vec<Dimension>,
    /// Art. 16–19 reference supervision per grade: (sampling ratio %, inspections per year).
    pub supervision: BTreeMap<String, (u32, u32)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleSet {
    id: String,
    title: String,
    effective_from: String,
    effective_to: Option<String>,
    scope: String,
    annual_run: String,
    base_score: f64,
    floor_score: f64,
    past_year_months: i32,
    grades: RawGrades,
    publicity: RawPublicity,
    self_inspection: RawSelfInspection,
    product_risk: RawProductRisk,
    penalty: RawPenalty,
    dimensions: Vec<RawDimension>,
    supervision: RawSupervision,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrades {
    a_min_score: f64,
    b_min_score: f64,
    d_below_score: f64,
    a_conditions: Vec<String>,
    b_conditions: Vec<String>,
    d_triggers: Vec<String>,
    d4_min_refusals: u32,
    overdue_raise: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublicity {
    minor_penalty_months: i32,
    other_penalty_months: i32,
    minor_fine_below_yuan: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelfInspection {
    due_month: u32,
    due_day: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProductRisk {
    high: Vec<String>,
    elevated: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPenalty {
    fine_large_from_yuan: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    id: String,
    name: String,
    cap: f64,
    points: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSupervision {
    sampling_ratio_percent: BTreeMap<String, u32>,
    inspections_per_year: BTreeMap<String, u32>,
}

struct Check<'a> {
    origin: &'a str,
}

impl Check<'_> {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> RulesError {
        RulesError::Invalid { origin: self.origin.to_string(), field: field.into(), message: message.into() }
    }

    /// A TOML float that must be an exact, non-negative number of tenths.
    fn points(&self, field: &str, v: f64) -> Result<Points, RulesError> {
        let tenths = (v * 10.0).round();
        if !v.is_finite() || !(0.0..=1000.0).contains(&v) || ((v * 10.0) - tenths).abs() > 1e-9 {
            return Err(self.err(field, format!("must be a non-negative number of points with at most one decimal, got {v}")));
        }
        Ok(Points(tenths as i64))
    }

    fn date(&self, field: &str, s: &str) -> Result<ChinaDate, RulesError> {
        ChinaDate::parse_plain(s).map_err(|e| self.err(field, e.to_string()))
    }

    fn ids(&self, field: &str, ids: &[String], allowed: &[&str], prefix: &str) -> Result<(), RulesError> {
        let mut seen = BTreeSet::new();
        for id in ids {
            if !allowed.contains(&id.as_str()) || !id.starts_with(prefix) {
                return Err(self.err(field, format!("names unknown id {id:?} (allowed: {prefix}…)")));
            }
            if !seen.insert(id) {
                return Err(self.err(field, format!("names {id:?} twice")));
            }
        }
        Ok(())
    }
}

impl RuleSet {
    /// Parses and validates a rule-set file's bytes. `origin` names it in errors.
    pub fn parse(origin: &str, bytes: &[u8]) -> Result<RuleSet, RulesError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| RulesError::Toml { origin: origin.into(), message: format!("not UTF-8: {e}") })?;
        let raw: RawRuleSet =
            toml::from_str(text).map_err(|e| RulesError::Toml { origin: origin.into(), message: one_line(&e.to_string()) })?;
        let c = Check { origin };
        if raw.id.is_empty() || !raw.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(c.err("id", "must be a non-empty id of letters, digits, '-' and '_'"));
        }
        let effective_from = c.date("effective_from", &raw.effective_from)?;
        let effective_to = raw.effective_to.as_deref().map(|s| c.date("effective_to", s)).transpose()?;
        if matches!(effective_to, Some(t) if t <= effective_from) {
            return Err(c.err("effective_to", "must be after effective_from"));
        }
        let scope = match raw.scope.as_str() {
            "licensed" => Scope::Licensed,
            "key_catalogue" => Scope::KeyCatalogue,
            s => return Err(c.err("scope", format!("must be \"licensed\" or \"key_catalogue\", got {s:?}"))),
        };
        let annual_run = match raw.annual_run.as_str() {
            "january_1" => AnnualRun::January1,
            "first_quarter" => AnnualRun::FirstQuarter,
            s => return Err(c.err("annual_run", format!("must be \"january_1\" or \"first_quarter\", got {s:?}"))),
        };
        let base_score = c.points("base_score", raw.base_score)?;
        let floor_score = c.points("floor_score", raw.floor_score)?;
        if !(1..=120).contains(&raw.past_year_months) {
            return Err(c.err("past_year_months", "must be between 1 and 120"));
        }
        let g = &raw.grades;
        let grades = Grades {
            a_min_score: c.points("grades.a_min_score", g.a_min_score)?,
            b_min_score: c.points("grades.b_min_score", g.b_min_score)?,
            d_below_score: c.points("grades.d_below_score", g.d_below_score)?,
            a_conditions: g.a_conditions.clone(),
            b_conditions: g.b_conditions.clone(),
            d_triggers: g.d_triggers.clone(),
            d4_min_refusals: g.d4_min_refusals,
            overdue_raise: g.overdue_raise,
        };
        if !(floor_score <= grades.d_below_score
            && grades.d_below_score <= grades.b_min_score
            && grades.b_min_score <= grades.a_min_score
            && grades.a_min_score <= base_score)
        {
            return Err(c.err("grades", "thresholds must satisfy floor ≤ d_below ≤ b_min ≤ a_min ≤ base"));
        }
        c.ids("grades.a_conditions", &grades.a_conditions, CONDITIONS, "A")?;
        c.ids("grades.b_conditions", &grades.b_conditions, CONDITIONS, "B")?;
        c.ids("grades.d_triggers", &grades.d_triggers, TRIGGERS, "D")?;
        if grades.d4_min_refusals == 0 {
            return Err(c.err("grades.d4_min_refusals", "must be at least 1"));
        }
        let p = &raw.publicity;
        // 1200 months = 100 years: longer than any publicity rule, and it keeps
        // date arithmetic on supported dates far from chrono's limits.
        if !(0..=1200).contains(&p.minor_penalty_months) || !(0..=1200).contains(&p.other_penalty_months) || p.minor_fine_below_yuan <= 0 {
            return Err(c.err("publicity", "periods must be 0–1200 months and the fine limit positive"));
        }
        if raw.penalty.fine_large_from_yuan <= 0 {
            return Err(c.err("penalty.fine_large_from_yuan", "must be positive"));
        }
        let (m, d) = (raw.self_inspection.due_month, raw.self_inspection.due_day);
        if ChinaDate::from_ymd(2023, m, d).is_none() {
            return Err(c.err("self_inspection", format!("{m}-{d} is not a day of the year")));
        }
        let high: BTreeSet<String> = raw.product_risk.high.iter().cloned().collect();
        let elevated: BTreeSet<String> = raw.product_risk.elevated.iter().cloned().collect();
        if let Some(both) = high.intersection(&elevated).next() {
            return Err(c.err("product_risk", format!("{both:?} is both high and elevated")));
        }
        let mut dimensions = Vec::new();
        let mut seen_ids = BTreeSet::new();
        let mut seen_keys: BTreeMap<Deduction, String> = BTreeMap::new();
        for (i, rd) in raw.dimensions.iter().enumerate() {
            let f = format!("dimensions[{i}]");
            if rd.id.is_empty() || !rd.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return Err(c.err(format!("{f}.id"), "must be lower_snake_case"));
            }
            if !seen_ids.insert(rd.id.clone()) {
                return Err(c.err(format!("{f}.id"), format!("{:?} appears twice", rd.id)));
            }
            let cap = c.points(&format!("{f}.cap"), rd.cap)?;
            if cap == Points::ZERO {
                return Err(c.err(format!("{f}.cap"), "must be positive"));
            }
            let mut points = BTreeMap::new();
            for (k, v) in &rd.points {
                let ded = Deduction::from_key(k)
                    .ok_or_else(|| c.err(format!("{f}.points.{k}"), "is not a known deduction rule (docs/RULES.md)"))?;
                if let Some(other) = seen_keys.insert(ded, rd.id.clone()) {
                    return Err(c.err(format!("{f}.points.{k}"), format!("is already in dimension {other:?}")));
                }
                points.insert(ded, c.points(&format!("{f}.points.{k}"), *v)?);
            }
            dimensions.push(Dimension { id: rd.id.clone(), name: rd.name.clone(), cap, points });
        }
        if dimensions.is_empty() {
            return Err(c.err("dimensions", "must list at least one dimension"));
        }
        let mut supervision = BTreeMap::new();
        for g in ["A", "B", "C", "D"] {
            let ratio = raw.supervision.sampling_ratio_percent.get(g).copied();
            let per_year = raw.supervision.inspections_per_year.get(g).copied();
            match (ratio, per_year) {
                (Some(r), Some(n)) if r <= 100 => {
                    supervision.insert(g.to_string(), (r, n));
                }
                _ => return Err(c.err("supervision", format!("needs a ratio ≤ 100 and an inspection count for grade {g}"))),
            }
        }
        Ok(RuleSet {
            id: raw.id,
            title: raw.title,
            sha256: hex::encode(Sha256::digest(bytes)),
            effective_from,
            effective_to,
            scope,
            annual_run,
            base_score,
            floor_score,
            past_year_months: raw.past_year_months,
            grades,
            minor_penalty_months: p.minor_penalty_months,
            other_penalty_months: p.other_penalty_months,
            minor_fine_below: Yuan::from_yuan(p.minor_fine_below_yuan),
            fine_large_from: Yuan::from_yuan(raw.penalty.fine_large_from_yuan),
            self_inspection_due: (m, d),
            product_risk: ProductRisk { high, elevated },
            dimensions,
            supervision,
        })
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

    /// Whether a condition/trigger id is in force in this set.
    pub fn uses(&self, id: &str) -> bool {
        let g = &self.grades;
        g.a_conditions.iter().chain(&g.b_conditions).chain(&g.d_triggers).any(|x| x == id)
    }
}

/// TOML errors draw the offending line over several lines; keep one sentence.
fn one_line(s: &str) -> String {
    let mut parts = s.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('|') && !l.chars().all(|c| c == '^' || c == ' '));
    let head = parts.next().unwrap_or("not valid TOML").to_string();
    match parts.next_back() {
        Some(last) if last != head => format!("{head} {last}"),
        _ => head,
    }
}
