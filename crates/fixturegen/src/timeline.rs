//! The story of every enterprise, year by year.
//!
//! Phase 1 (`plan`) draws each enterprise's identity, registration, licence
//! history (grants, renewals, planned cancellations) and attribute changes.
//! Phase 2 (`run_years`) walks 2021…2026: each year every enterprise active in
//! it gets a *year profile* — the grade its year-end (V = 31 December) should
//! come out at — from per-year quotas, and facts are drawn to match it:
//!
//! * **A**: clean year: passed samplings, few inspections without issues,
//!   on-time self-inspection report, at most one complaint (score stays ≥ 90).
//! * **B**: one or two "B causes" (failed batch, inspection with issues, late
//!   or missing report, regulator notice, media exposure, failed verification,
//!   bad credit info, general quality-risk finding) within a deduction budget
//!   keeping the score ≥ 80; every rectification is completed on time.
//! * **C**: a penalty, an overdue rectification, a list entry, a refusal, or a
//!   score between 60 and 79.
//! * **D**: a D trigger (serious-violation list, licence revoked as a penalty
//!   or withdrawn for fraud, failed re-check, two refusals, major accident,
//!   criminal referral).
//!
//! Effects that outlive the year (list periods) set *floors* on later years'
//! profiles. Phase 3 (`emit_all_licences`) writes licence facts, cut at any
//! termination. Facts are stored with valid date and recorded time;
//! `batch.rs` orders them by recorded time.
//!
//! Phases 1 and 3 live in `timeline/plan.rs`, phase 2 in `timeline/years.rs`,
//! the causes in `timeline/causes.rs`, the per-kind fact builders in
//! `timeline/builders.rs`.
//!
//! Deduction budgets mirror DOMAIN.md's reference rules (scale, product risk,
//! −10 per failed batch, …) and two spec subtleties: a mild ordinary-procedure
//! penalty is publicized 3 months only, after which it is no basis for
//! anything, so mild ordinary penalties of a C year fall in its last quarter;
//! and an overdue rectification raises a grade by one level, so overdue
//! stories are built on an otherwise-B year, never on top of a penalty.

use crate::catalogue::{self, Risk, CATEGORIES, KEY_PRODUCTS};
use crate::fact::{Fact, RefSpec, J};
use crate::names;
use crate::rng::Rng;
use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::{BTreeMap, BTreeSet};

mod builders;
mod causes;
mod plan;
#[cfg(test)]
mod tests;
mod years;

/// First and last valid date of generated activity.
pub fn first_day() -> NaiveDate {
    d(2021, 1, 1)
}
pub fn last_day() -> NaiveDate {
    d(2026, 10, 31)
}
/// No fact is recorded after this instant (China time).
pub fn last_record() -> NaiveDateTime {
    d(2026, 11, 15).and_hms_opt(17, 0, 0).unwrap()
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}
pub fn plus(x: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        x + Days::new(days as u64)
    } else {
        x - Days::new((-days) as u64)
    }
}
/// Year arithmetic clamping 29 February to the 28th.
pub fn plus_years(x: NaiveDate, n: u32) -> NaiveDate {
    x.checked_add_months(Months::new(12 * n)).expect("date")
}
pub fn rand_date(rng: &mut Rng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    assert!(lo <= hi, "empty date range {lo}..{hi}");
    plus(lo, rng.range(0, (hi - lo).num_days()))
}
fn office_time(rng: &mut Rng, day: NaiveDate) -> NaiveDateTime {
    let t = NaiveTime::from_hms_opt(
        8 + rng.range(0, 9) as u32,
        30 * rng.range(0, 1) as u32 + rng.range(0, 29) as u32,
        rng.range(0, 59) as u32,
    );
    day.and_time(t.unwrap())
}

/// Target grade of an enterprise-year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Profile {
    A,
    B,
    C,
    D,
}

/// One validity period of a licence number.
#[derive(Clone, Debug)]
pub struct Term {
    pub licence_no: String,
    pub grant_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// First grant of this number (not a renewal), liable to verification.
    pub first: bool,
    pub verify_on: Option<NaiveDate>,
    /// Set when phase 2 writes the `licence_verification` of `verify_on`.
    pub verified: bool,
}

impl Term {
    /// Whether this term's `licence_granted` is written when the
    /// enterprise's activity ends (exclusive) on `end`: granted within the
    /// fixture and before `end`, and either valid from before `end` or
    /// already verified (a verification proves the grant). The one rule for
    /// writing grants and for what a termination may end (see
    /// [`Ent::licence_nos_ended`]), so no fact names an ungranted number.
    pub fn issued(&self, end: NaiveDate) -> bool {
        self.grant_on <= last_day()
            && self.grant_on < end
            && (self.valid_from < end || self.verified)
    }
}

/// A licence for one product unit, with its renewals.
#[derive(Clone, Debug)]
pub struct Licence {
    pub cat: usize,
    pub prod: usize,
    pub terms: Vec<Term>,
}

/// An enterprise and its running state.
pub struct Ent {
    pub uscc: String,
    pub rng: Rng,
    pub licensed: bool,
    pub worst_static: u32,
    pub licences: Vec<Licence>,
    pub key_product: Option<usize>,
    pub active_from: NaiveDate,
    /// Exclusive end of activity (licence lapse, cancellation, revocation).
    pub active_end: NaiveDate,
    /// Termination (date, mode) cutting every licence.
    pub termination: Option<(NaiveDate, &'static str)>,
    pub floors: BTreeMap<i32, Profile>,
    pub profiles: BTreeMap<i32, Profile>,
    pub load_time: NaiveDateTime,
}

impl Ent {
    /// Licences (licence index, term) covering `day`.
    pub fn held_on(&self, day: NaiveDate) -> Vec<(usize, &Term)> {
        let mut out = Vec::new();
        if day >= self.active_end {
            return out;
        }
        for (i, l) in self.licences.iter().enumerate() {
            for t in &l.terms {
                if t.grant_on.max(t.valid_from) <= day && day < t.valid_to {
                    out.push((i, t));
                }
            }
        }
        out
    }
    /// Numbers a termination ends when the enterprise holds licences as on
    /// `held_day` and its activity ends on `end` (`held_day <= end`): each
    /// number in force on `held_day`, and each renewal issued by `end` but
    /// not yet in force on `held_day`, once, in licence order; only numbers
    /// with a grant [`Term::issued`] before `end`.
    pub fn licence_nos_ended(&self, held_day: NaiveDate, end: NaiveDate) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.licences.iter().flat_map(|l| &l.terms) {
            let held = t.grant_on.max(t.valid_from) <= held_day && held_day < t.valid_to;
            let pending = t.issued(end) && t.valid_from > held_day;
            let granted = self
                .licences
                .iter()
                .flat_map(|l| &l.terms)
                .any(|g| g.licence_no == t.licence_no && g.issued(end));
            if (held || pending) && granted && !out.contains(&t.licence_no) {
                out.push(t.licence_no.clone());
            }
        }
        out
    }
    /// Numbers of the licences covering `day`.
    pub fn licence_nos_on(&self, day: NaiveDate) -> Vec<String> {
        self.held_on(day)
            .iter()
            .map(|(_, t)| t.licence_no.clone())
            .collect()
    }
    /// Whether a licence was held on some day of calendar year `y`.
    pub fn held_during(&self, y: i32) -> bool {
        let (lo, hi) = (d(y, 1, 1), d(y + 1, 1, 1));
        self.licences.iter().flat_map(|l| &l.terms).any(|t| {
            let from = t.grant_on.max(t.valid_from);
            let to = t.valid_to.min(self.active_end);
            from < hi && to > lo && from < to
        })
    }
    fn floor(&mut self, year: i32, p: Profile) {
        let f = self.floors.entry(year).or_insert(p);
        if p > *f {
            *f = p;
        }
    }
}

/// Number of failed items for a failed batch (1–3).
fn n_items(rng: &mut Rng) -> usize {
    *rng.weighted(&[(1usize, 65), (2, 28), (3, 7)])
}

/// The part of calendar `year` (`ys..=ye`) an enterprise is active in.
#[derive(Clone, Copy)]
struct Span {
    year: i32,
    ys: NaiveDate,
    ye: NaiveDate,
}

/// Samplings and inspections a year's causes have made (baseline ones only
/// fill up to the year's count).
#[derive(Default)]
struct Made {
    samplings: i64,
    inspections: i64,
}

/// Deadline limit for the rectifications of a year: they close by 20 December.
fn rectify_limit(year: i32, ye: NaiveDate) -> NaiveDate {
    d(year, 12, 20).min(ye)
}

/// Whether a rectification is completed on time, late, or never.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Timely {
    OnTime,
    Late,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BCause {
    SampFail,
    Insp,
    ReportLate,
    ReportMissing,
    Notice,
    Media,
    VerifFail,
    BadCredit,
    Finding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CCause {
    PenaltyMild,
    Overdue,
    Abnormal,
    Defaulter,
    Blacklist,
    RefusedOnce,
    LowScore,
    Suspend,
    BigFine,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DCause {
    SerViol,
    RevokedPenalty,
    Fraud,
    FailedRecheck,
    RefusedTwice,
    MajorAccident,
    Criminal,
}

/// Licence serial counters per (category code, product code).
pub type Serials = BTreeMap<(u8, u16), u32>;

/// The generator of one batch: its facts in generation order plus
/// numbering state.
pub struct Gen {
    pub facts: Vec<Fact>,
    pub division: String,
    /// USCC region codes and name prefixes of the division (`names.rs`).
    regions: Vec<String>,
    prefixes: Vec<(String, u32)>,
    /// Carried from batch to batch, so licence numbers stay unique in a run.
    serials: Serials,
    d_used: BTreeMap<DCause, u32>,
    refused_once: u32,
    /// Set while drawing 2026: its rectifications are completed on time
    /// only mostly (deadlines there lie beyond the calibrated 2025 grades).
    lax: bool,
    /// One line per enterprise-year: profile and causes drawn (`FIXTUREGEN_TRACE=1`).
    pub trace: Vec<String>,
}

impl Gen {
    /// A batch of `division`, numbering licences on from `serials`.
    pub fn new(division: &str, serials: Serials) -> Gen {
        Gen {
            facts: Vec::new(),
            division: division.to_string(),
            regions: names::regions(division),
            prefixes: names::prefixes(division),
            serials,
            d_used: BTreeMap::new(),
            refused_once: 0,
            lax: false,
            trace: Vec::new(),
        }
    }

    /// The licence serials, to carry on into the next batch.
    pub fn serials(&self) -> Serials {
        self.serials.clone()
    }

    fn push(&mut self, f: Fact) -> usize {
        assert!(
            f.occurred <= last_day() || f.kind == "self_inspection_report",
            "{} after the last day",
            f.kind
        );
        assert!(
            f.recorded <= last_record() + chrono::Duration::hours(6),
            "recorded too late"
        );
        self.facts.push(f);
        self.facts.len() - 1
    }

    /// A recorded time `lo..=hi` days after `occurred`, strictly after `after`.
    pub(crate) fn rec(
        &self,
        rng: &mut Rng,
        occurred: NaiveDate,
        lo: i64,
        hi: i64,
        after: Option<usize>,
    ) -> NaiveDateTime {
        let lag = rng.range(lo, hi);
        let mut t = office_time(rng, plus(occurred, lag));
        if let Some(a) = after {
            let at = self.facts[a].recorded;
            if t <= at {
                t = at + chrono::Duration::minutes(rng.range(5, 240));
            }
        }
        if t > last_record() {
            t = last_record();
            if let Some(a) = after {
                if t <= self.facts[a].recorded {
                    t = self.facts[a].recorded + chrono::Duration::minutes(1);
                }
            }
        }
        t
    }
}
