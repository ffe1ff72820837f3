//! The rule-set format, key by key (docs/RULES.md). Each key is read here
//! once, by the accessor that validates it and records its clause: a key
//! added to the format is one line here (and its field in [`RuleSet`]);
//! `rules check`, `show` and `diff` then know it without further change.

use crate::clause::{Clauses, Leaf};
use crate::file::{AnnualRun, Dimension, Grades, ProductRisk, RuleSet, Scope};
use crate::reader::{suggestion, Table};
use crate::{Condition, Deduction, Trigger, Verdict};
use model::fact::{ListKind, MeasureType, Procedure};
use model::{ChinaDate, Points, Yuan};
use std::collections::{BTreeMap, BTreeSet};

/// The largest amount of money a rule set may name, in yuan (10^12).
const MAX_YUAN: i64 = 1_000_000_000_000;
/// Publicity periods: up to 100 years, far from the calendar's limits.
const MAX_MONTHS: i64 = 1200;
/// Look-back windows (`past_year_months`, `[windows]`), in months.
const WINDOW_MONTHS: std::ops::RangeInclusive<i64> = 1..=120;

/// Defaults of the optional keys (docs/RULES.md): what the engine did
/// before they were keys, so a file without them grades as before.
pub(crate) mod defaults {
    use super::*;

    /// `[publicity] minor_measures`.
    pub const MINOR_MEASURES: &[MeasureType] = &[MeasureType::Warning, MeasureType::PublicCriticism, MeasureType::Fine];
    /// `[publicity] unpublicized_procedures`.
    pub const UNPUBLICIZED_PROCEDURES: &[Procedure] = &[Procedure::Simple];
    /// `[publicity] unpublicized_measures`.
    pub const UNPUBLICIZED_MEASURES: &[MeasureType] = &[MeasureType::Warning];
    const BLACKLISTS: &[ListKind] = &[ListKind::AbnormalOperations, ListKind::SeriousViolation, ListKind::OtherBlacklist];
    const DEFAULTERS: &[ListKind] = &[ListKind::JudgmentDefaulter];

    /// `[lists]`: A5 and B4 the blacklists, A6 and B5 the judgment
    /// defaulters, D1 the serious-violation list; no other verdict takes
    /// list entries.
    pub fn lists(v: Verdict) -> &'static [ListKind] {
        match v {
            Verdict::Condition(Condition::A5 | Condition::B4) => BLACKLISTS,
            Verdict::Condition(Condition::A6 | Condition::B5) => DEFAULTERS,
            Verdict::Trigger(Trigger::D1) => &[ListKind::SeriousViolation],
            _ => &[],
        }
    }
}

/// Keeps `v` when `ok` accepts it, else reports the problem at `key`.
fn ensure<T>(r: &Table<'_>, key: &str, v: Option<T>, ok: impl FnOnce(&T) -> Result<(), String>) -> Option<T> {
    let v = v?;
    match ok(&v) {
        Ok(()) => Some(v),
        Err(m) => {
            r.problem(key, m);
            None
        }
    }
}

/// Requires `lower < upper` (both known), naming the other key.
fn strictly_below(lower: Points, upper: Option<Points>, upper_key: &str) -> Result<(), String> {
    match upper {
        Some(u) if lower >= u => Err(format!("must be below {upper_key} ({u}), got {lower}")),
        _ => Ok(()),
    }
}

/// Reads a whole rule set from its root table; `None` when anything is wrong
/// (every problem is then reported). `sha256` and `clauses` are left empty.
pub(crate) fn read(r: &mut Table<'_>) -> Option<RuleSet> {
    let id = r.text("id");
    let id = ensure(r, "id", id, |id| {
        let ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok { Ok(()) } else { Err(format!("must be a non-empty id of letters, digits, '-' and '_', got {id:?}")) }
    });
    let title = r.text("title");
    let effective_from = r.date("effective_from");
    let effective_to = r.opt_date("effective_to");
    let effective_to = ensure(r, "effective_to", effective_to, |to| match (to, effective_from) {
        (Some(to), Some(from)) if *to <= from => Err(format!("must be after effective_from ({from}), got {to}")),
        _ => Ok(()),
    });
    let scope = r.choice("scope", &[("licensed", Scope::Licensed), ("key_catalogue", Scope::KeyCatalogue)]);
    let annual_run = r.choice("annual_run", &[("january_1", AnnualRun::January1), ("first_quarter", AnnualRun::FirstQuarter)]);
    let base_score = r.points("base_score");
    let floor_score = r.points("floor_score");
    let floor_score = ensure(r, "floor_score", floor_score, |f| strictly_below(*f, base_score, "base_score"));
    let past_year_months = r.int("past_year_months", WINDOW_MONTHS);
    let grades = r.table("grades", |g| grades(g, base_score, floor_score));
    let publicity = r.table("publicity", publicity);
    let lists = r.opt_table("lists", lists);
    let windows = r.opt_table("windows", |w| windows(w, past_year_months));
    let self_inspection_due = r.table("self_inspection", self_inspection);
    let product_risk = r.table("product_risk", product_risk);
    let fine_large_from = r.table("penalty", |p| p.int("fine_large_from_yuan", 1..=MAX_YUAN));
    let dimensions = dimensions(r);
    let supervision = r.table("supervision", supervision);

    let (Some(id), Some(title), Some(effective_from), Some(effective_to), Some(scope), Some(annual_run)) =
        (id, title, effective_from, effective_to, scope, annual_run)
    else {
        return None;
    };
    let (Some(base_score), Some(floor_score), Some(past_year_months), Some(grades), Some(publicity)) =
        (base_score, floor_score, past_year_months, grades, publicity)
    else {
        return None;
    };
    let (Some(self_inspection_due), Some(product_risk), Some(fine_large_from), Some(dimensions), Some(supervision)) =
        (self_inspection_due, product_risk, fine_large_from, dimensions, supervision)
    else {
        return None;
    };
    let (Some(lists), Some(windows)) = (lists, windows) else {
        return None;
    };
    let Publicity { minor_months: minor_penalty_months, other_months: other_penalty_months, minor_fine_below, minor_measures, unpublicized_procedures, unpublicized_measures } =
        publicity;
    Some(RuleSet {
        id,
        title,
        sha256: String::new(),
        effective_from,
        effective_to,
        scope,
        annual_run,
        base_score,
        floor_score,
        past_year_months: i32::try_from(past_year_months).ok()?,
        grades,
        minor_penalty_months,
        other_penalty_months,
        minor_fine_below,
        minor_measures,
        unpublicized_procedures,
        unpublicized_measures,
        fine_large_from: Yuan::from_yuan(fine_large_from),
        lists,
        windows,
        self_inspection_due,
        product_risk,
        dimensions,
        supervision,
        clauses: Clauses::default(),
    })
}

/// `[grades]`: thresholds a_min > b_min > d_below ≥ floor, a_min ≤ base;
/// condition and trigger ids that name something (Art. 9, 11, 12).
fn grades(g: &mut Table<'_>, base: Option<Points>, floor: Option<Points>) -> Option<Grades> {
    let a = g.points("a_min_score");
    let a = ensure(g, "a_min_score", a, |a| match base {
        Some(base) if *a > base => Err(format!("must not exceed base_score ({base}), got {a}")),
        _ => Ok(()),
    });
    let b = g.points("b_min_score");
    let b = ensure(g, "b_min_score", b, |b| strictly_below(*b, a, "a_min_score"));
    let d = g.points("d_below_score");
    let d = ensure(g, "d_below_score", d, |d| strictly_below(*d, b, "b_min_score"));
    let d = ensure(g, "d_below_score", d, |d| match floor {
        Some(f) if *d < f => Err(format!("must not be below floor_score ({f}), got {d}")),
        _ => Ok(()),
    });
    let a_conditions = g.ids("a_conditions", |id| of_list(id, 'A'));
    let b_conditions = g.ids("b_conditions", |id| of_list(id, 'B'));
    let d_triggers = g.ids("d_triggers", |id| of_list(id, 'D'));
    let d4_min_refusals = g.int("d4_min_refusals", 1..=100);
    let overdue_raise = g.boolean("overdue_raise");
    Some(Grades {
        a_min_score: a?,
        b_min_score: b?,
        d_below_score: d?,
        a_conditions: a_conditions?.iter().filter_map(|id| Condition::from_id(id)).collect(),
        b_conditions: b_conditions?.iter().filter_map(|id| Condition::from_id(id)).collect(),
        d_triggers: d_triggers?.iter().filter_map(|id| Trigger::from_id(id)).collect(),
        d4_min_refusals: u32::try_from(d4_min_refusals?).ok()?,
        overdue_raise: overdue_raise?,
    })
}

/// An id of a `[grades]` list must name a condition (A, B) or trigger (D)
/// of its list.
fn of_list(id: &str, list: char) -> Result<(), String> {
    if Verdict::from_id(id).is_some_and(|v| v.as_str().starts_with(list)) {
        return Ok(());
    }
    let known: Vec<&str> = Verdict::all().map(Verdict::as_str).filter(|k| k.starts_with(list)).collect();
    let what = if list == 'D' { "trigger" } else { "condition" };
    Err(format!("{id:?} names no {what} of the {list} list (known: {})", known.join(", ")))
}

/// `[publicity]`, as read.
struct Publicity {
    minor_months: i32,
    other_months: i32,
    minor_fine_below: Yuan,
    minor_measures: BTreeSet<MeasureType>,
    unpublicized_procedures: BTreeSet<Procedure>,
    unpublicized_measures: BTreeSet<MeasureType>,
}

/// `[publicity]`: months of minor and other penalties, the minor fine
/// limit; optionally which measures are minor and which procedures and
/// measures are not publicized.
fn publicity(p: &mut Table<'_>) -> Option<Publicity> {
    let minor = p.int("minor_penalty_months", 0..=MAX_MONTHS);
    let other = p.int("other_penalty_months", 0..=MAX_MONTHS);
    let minor = ensure(p, "minor_penalty_months", minor, |m| match other {
        Some(o) if *m > o => Err(format!("must not exceed other_penalty_months ({o}), got {m}")),
        _ => Ok(()),
    });
    let fine = p.int("minor_fine_below_yuan", 1..=MAX_YUAN);
    let measures = |p: &mut Table<'_>, key: &str, default: &[MeasureType]| {
        p.opt_names(key, MeasureType::from_name, MeasureType::as_str, MeasureType::ALL, default)
    };
    let minor_measures = measures(p, "minor_measures", defaults::MINOR_MEASURES);
    let unpublicized_procedures =
        p.opt_names("unpublicized_procedures", Procedure::from_name, Procedure::as_str, Procedure::ALL, defaults::UNPUBLICIZED_PROCEDURES);
    let unpublicized_measures = measures(p, "unpublicized_measures", defaults::UNPUBLICIZED_MEASURES);
    Some(Publicity {
        minor_months: i32::try_from(minor?).ok()?,
        other_months: i32::try_from(other?).ok()?,
        minor_fine_below: Yuan::from_yuan(fine?),
        minor_measures: minor_measures?,
        unpublicized_procedures: unpublicized_procedures?,
        unpublicized_measures: unpublicized_measures?,
    })
}

/// Refuses the keys of a verdict-keyed table that name no verdict `ok`
/// accepts (`why` says which ones do).
fn verdict_keys(t: &mut Table<'_>, ok: impl Fn(Verdict) -> bool, why: &str) -> bool {
    let mut fine = true;
    for key in t.keys() {
        match Verdict::from_id(&key) {
            Some(v) if ok(v) => {}
            Some(_) => {
                t.refuse(&key, format!("takes no entry here: {why}"));
                fine = false;
            }
            None => {
                let hint = suggestion(&key, Verdict::all().map(Verdict::as_str)).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                t.refuse(&key, format!("is not a condition or trigger id (A1–A9, B1–B5, D1–D6){hint}"));
                fine = false;
            }
        }
    }
    fine
}

/// `[lists]` (optional): per condition or trigger, the list kinds whose
/// entries are its evidence; a verdict left out keeps its default.
fn lists(t: &mut Table<'_>) -> Option<BTreeMap<Verdict, BTreeSet<ListKind>>> {
    let mut ok = verdict_keys(t, Verdict::takes_lists, "A1, B1 and A9 are not decided by list entries");
    let mut out = BTreeMap::new();
    for v in Verdict::all().filter(|v| v.takes_lists()) {
        let default = defaults::lists(v);
        // A verdict with no default lists and no entry records no clause.
        if default.is_empty() && !t.has(v.as_str()) {
            continue;
        }
        match t.opt_names(v.as_str(), ListKind::from_name, ListKind::as_str, ListKind::ALL, default) {
            Some(kinds) => {
                out.insert(v, kinds);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// `[windows]` (optional): per condition or trigger that weighs a past
/// year, its look-back in months; one left out follows `past_year_months`.
fn windows(t: &mut Table<'_>, past_year_months: Option<i64>) -> Option<BTreeMap<Verdict, i32>> {
    let mut ok = verdict_keys(t, Verdict::has_window, "A1, B1, A9 and D1 weigh no past-year window");
    let mut out = BTreeMap::new();
    for v in Verdict::all().filter(|v| v.has_window()) {
        if t.has(v.as_str()) {
            match t.int(v.as_str(), WINDOW_MONTHS).and_then(|m| i32::try_from(m).ok()) {
                Some(m) => {
                    out.insert(v, m);
                }
                None => ok = false,
            }
        } else if let Some(m) = past_year_months {
            t.record_default(v.as_str(), Leaf::Int(m));
        }
    }
    ok.then_some(out)
}

/// `[self_inspection]`: the report's due day in year Y+1 (A9).
fn self_inspection(s: &mut Table<'_>) -> Option<(u32, u32)> {
    let month = s.int("due_month", 1..=12);
    let day = s.int("due_day", 1..=31);
    let (m, d) = (u32::try_from(month?).ok()?, u32::try_from(day?).ok()?);
    // A common year: a due day must exist every year (no 29 February).
    ensure(s, "due_day", Some((m, d)), |_| match ChinaDate::from_ymd(2023, m, d) {
        Some(_) => Ok(()),
        None => Err(format!("{m}-{d} is not a day of every year")),
    })
}

/// `[product_risk]`: catalogue categories of high and elevated risk, disjoint.
fn product_risk(p: &mut Table<'_>) -> Option<ProductRisk> {
    let high = p.ids("high", |_| Ok(()));
    let in_high = high.clone().unwrap_or_default();
    let elevated = p.ids("elevated", |c| if in_high.iter().any(|h| h == c) { Err(format!("{c:?} is also high")) } else { Ok(()) });
    Some(ProductRisk { high: high?.into_iter().collect(), elevated: elevated?.into_iter().collect() })
}

/// `[[dimensions]]`: known, distinct ids; a positive cap; points per known
/// deduction rule, each rule in one dimension only.
fn dimensions(r: &mut Table<'_>) -> Option<Vec<Dimension>> {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut rules: BTreeMap<Deduction, String> = BTreeMap::new();
    r.tables("dimensions", |d| {
        let here = d.loc().to_string();
        let id = d.text("id");
        let id = ensure(d, "id", id, |id| {
            // Any snake_case id: a dimension is what its points hold, so a new
            // one needs no code (docs/DECISIONS.md "Dimension ids").
            let snake = id.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && id.len() <= 40
                && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !snake {
                return Err(format!("{id:?} is not a dimension id (lower-case letters, digits and '_', starting with a letter, at most 40)"));
            }
            match ids.insert(id.clone(), here.clone()) {
                Some(first) => Err(format!("{id:?} is already the id of {first}")),
                None => Ok(()),
            }
        });
        let name = d.text("name");
        let cap = d.points("cap");
        let cap = ensure(d, "cap", cap, |c| if *c == Points::ZERO { Err("must be positive".into()) } else { Ok(()) });
        let dim_id = id.clone().unwrap_or_else(|| here.clone());
        let points = d.table("points", |p| {
            let mut out = BTreeMap::new();
            let mut ok = true;
            for key in p.keys() {
                let Some(rule) = Deduction::from_key(&key) else {
                    let hint = suggestion(&key, Deduction::ALL.iter().map(|d| d.key())).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    p.refuse(&key, format!("is not a known deduction rule (docs/RULES.md){hint}"));
                    ok = false;
                    continue;
                };
                let pts = p.points(&key);
                if let Some(first) = rules.insert(rule, dim_id.clone()) {
                    p.problem(&key, format!("is already in dimension {first:?}; a deduction rule belongs to one dimension"));
                    ok = false;
                }
                match pts {
                    Some(pts) => {
                        out.insert(rule, pts);
                    }
                    None => ok = false,
                }
            }
            ok.then_some(out)
        });
        Some(Dimension { id: id?, name: name?, cap: cap?, points: points? })
    })
}

/// `[supervision]`: per grade A–D, a sampling ratio (%) and minimum on-site
/// inspections per year (Art. 16–19), neither falling from A to D.
fn supervision(s: &mut Table<'_>) -> Option<BTreeMap<String, (u32, u32)>> {
    let per_grade = |t: &mut Table<'_>, max: i64| -> Option<Vec<u32>> {
        let v: Vec<Option<i64>> = ["A", "B", "C", "D"].iter().map(|g| t.int(g, 0..=max)).collect();
        v.into_iter().map(|x| x.and_then(|x| u32::try_from(x).ok())).collect()
    };
    // A worse grade is never supervised less (Art. 16–19: A lowered, B
    // normal, C key monitoring, D greatly raised): the plan relies on it
    // to call a move stricter or looser.
    let rising = |t: &Table<'_>, v: &[u32], what: &str| -> bool {
        let g = ["A", "B", "C", "D"];
        match (1..4).find(|&i| v[i] < v[i - 1]) {
            Some(i) => {
                t.problem(g[i], format!("{what} of grade {} ({}) is below grade {}'s ({}): a worse grade is never supervised less", g[i], v[i], g[i - 1], v[i - 1]));
                false
            }
            None => true,
        }
    };
    let ratio = s.table("sampling_ratio_percent", |t| per_grade(t, 100).filter(|v| rising(t, v, "the sampling ratio")));
    let count = s.table("inspections_per_year", |t| per_grade(t, 366).filter(|v| rising(t, v, "the inspections per year")));
    let (ratio, count) = (ratio?, count?);
    Some(["A", "B", "C", "D"].iter().enumerate().map(|(i, g)| (g.to_string(), (ratio[i], count[i]))).collect())
}
