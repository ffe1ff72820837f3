//! A plan brought up to date for grades that changed during the year
//! (`plan --as-of DATE`, issue 11 item 4).
//!
//! Quarters before the one holding DATE are history and stay as planned.
//! In the open quarters (DATE's and later) an enterprise whose grade
//! changed gets the new regime's minimum: ⌊per year / 4⌋ a quarter; the
//! remainder of a half-year regime goes, in each half, to the quarter the
//! plan already had one extra in, if still open, else to the half's first
//! open quarter; another remainder to quarters that already had one extra,
//! then to the earliest open ones. Random sampling is not redrawn mid-year:
//! a new ratio of 100 % adds a sampling inspection in DATE's quarter, a
//! ratio of 0 % drops an open one. An enterprise that left the scope loses
//! its open inspections; one that entered it gets its regime's minimum.

use crate::plan::{Entry, Plan, Purpose};
use crate::regime::Regime;
use model::fact::Grade;
use model::ChinaDate;
use rules::RuleSet;
use serde::Serialize;

/// An enterprise's grade as of the update's date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    pub enterprise: String,
    pub name: String,
    /// `None`: not in scope on the date.
    pub grade: Option<Grade>,
    /// Why (the grade report's decisive reasons, or why out of scope).
    pub reason: String,
}

/// How an enterprise's regime moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// To a worse grade: a stricter regime (Art. 18–19).
    Stricter,
    /// To a better grade: a looser regime (Art. 16–17).
    Looser,
    /// Not in the plan; in scope now.
    Entered,
    /// In the plan; out of scope now.
    Left,
}

/// One planned inspection added or dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub quarter: u8,
    pub purpose: Purpose,
}

/// One enterprise whose grade changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub enterprise: String,
    pub name: String,
    pub from: Option<Grade>,
    pub to: Option<Grade>,
    #[serde(rename = "move")]
    pub movement: Move,
    pub added: Vec<Planned>,
    pub dropped: Vec<Planned>,
    pub reason: String,
}

/// The plan's changes as of a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Update {
    pub year: i32,
    pub as_of: ChinaDate,
    /// The first quarter (1–4) still open on `as_of`; 5 when the year is over.
    pub first_open_quarter: u8,
    /// USCC order.
    pub changes: Vec<Change>,
    pub inspections_added: usize,
    pub inspections_dropped: usize,
}

/// The quarter (1–4) holding `on` within `year`: 1 before the year, 5 after it.
pub fn open_from(year: i32, on: ChinaDate) -> u8 {
    match on.year().cmp(&year) {
        std::cmp::Ordering::Less => 1,
        std::cmp::Ordering::Greater => 5,
        std::cmp::Ordering::Equal => ((on.month() - 1) / 3 + 1) as u8,
    }
}

/// The changes to `plan` for the grades in `now` (any order; enterprises
/// absent from `now` are taken as unchanged). `rules` must be the plan's
/// rule set: the regimes stay those the plan was drawn under.
pub fn update(plan: &Plan, rules: &RuleSet, as_of: ChinaDate, now: &[Current]) -> Update {
    let q0 = open_from(plan.year, as_of);
    let mut changes = Vec::new();
    for c in now {
        let old = plan.entry(&c.enterprise);
        let from = old.map(|e| e.grade);
        if from == c.grade {
            continue;
        }
        let movement = match (from, c.grade) {
            (None, _) => Move::Entered,
            (_, None) => Move::Left,
            (Some(f), Some(t)) if t > f => Move::Stricter,
            _ => Move::Looser,
        };
        let (added, dropped) = diff(old, c.grade.map(|g| Regime::of(rules, g)), q0);
        changes.push(Change { enterprise: c.enterprise.clone(), name: c.name.clone(), from, to: c.grade, movement, added, dropped, reason: c.reason.clone() });
    }
    changes.sort_by(|a, b| a.enterprise.cmp(&b.enterprise));
    let inspections_added = changes.iter().map(|c| c.added.len()).sum();
    let inspections_dropped = changes.iter().map(|c| c.dropped.len()).sum();
    Update { year: plan.year, as_of, first_open_quarter: q0, changes, inspections_added, inspections_dropped }
}

fn diff(old: Option<&Entry>, new: Option<Regime>, q0: u8) -> (Vec<Planned>, Vec<Planned>) {
    let open: Vec<usize> = (usize::from(q0.max(1)) - 1..4).collect();
    let before = old.map(|e| e.mandatory).unwrap_or([0; 4]);
    let after = match new {
        Some(r) => reschedule(&r, &before, &open),
        None => {
            let mut a = before;
            open.iter().for_each(|&q| a[q] = 0);
            a
        }
    };
    let (mut added, mut dropped) = (Vec::new(), Vec::new());
    for &q in &open {
        let quarter = q as u8 + 1;
        for _ in before[q]..after[q] {
            added.push(Planned { quarter, purpose: Purpose::Mandatory });
        }
        for _ in after[q]..before[q] {
            dropped.push(Planned { quarter, purpose: Purpose::Mandatory });
        }
    }
    let sampling_open = old.and_then(|e| e.sampling_quarter).filter(|&q| q >= q0);
    let sampled = old.is_some_and(|e| e.sampled);
    match new.map(|r| r.sampling_ratio_percent) {
        None | Some(0) => {
            if let Some(quarter) = sampling_open {
                dropped.push(Planned { quarter, purpose: Purpose::Sampling });
            }
        }
        Some(r) if r >= 100 && !sampled && q0 <= 4 => added.push(Planned { quarter: q0, purpose: Purpose::Sampling }),
        Some(_) => {}
    }
    (added, dropped)
}

/// The new regime's mandatory inspections per quarter; closed quarters keep `before`.
fn reschedule(r: &Regime, before: &[u32; 4], open: &[usize]) -> [u32; 4] {
    let base = r.per_quarter_base();
    let mut after = *before;
    open.iter().for_each(|&q| after[q] = base);
    let had_extra = |q: usize| before[q] > base;
    match r.inspections_per_year % 4 {
        0 => {}
        2 => {
            for half in [[0usize, 1], [2, 3]] {
                let cands: Vec<usize> = half.iter().copied().filter(|q| open.contains(q)).collect();
                if let Some(&q) = cands.iter().find(|&&q| had_extra(q)).or(cands.first()) {
                    after[q] += 1;
                }
            }
        }
        rem => {
            let mut cands: Vec<usize> = open.iter().copied().filter(|&q| had_extra(q)).collect();
            cands.extend(open.iter().copied().filter(|&q| !had_extra(q)));
            for &q in cands.iter().take(rem as usize) {
                after[q] += 1;
            }
        }
    }
    after
}
