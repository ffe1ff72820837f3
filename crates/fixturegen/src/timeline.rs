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
//! profiles. Phase 3 (`emit_licences`) writes licence facts, cut at any
//! termination. Facts are stored with valid date and recorded time; `main`
//! orders them by recorded time.
//!
//! The causes live in `timeline/causes.rs`, the per-kind fact builders in
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
    pub name: String,
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

/// How a year's self-inspection report (for the previous year) is filed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Report {
    OnTime,
    Late,
    Missing,
}

/// The generator: all facts in generation order plus numbering state.
pub struct Gen {
    pub facts: Vec<Fact>,
    pub division: String,
    serials: BTreeMap<(u8, u16), u32>,
    d_used: BTreeMap<DCause, u32>,
    refused_once: u32,
    /// Set while drawing 2026: its rectifications are completed on time
    /// only mostly (deadlines there lie beyond the calibrated 2025 grades).
    lax: bool,
    /// One line per enterprise-year: profile and causes drawn (`FIXTUREGEN_TRACE=1`).
    pub trace: Vec<String>,
}

const SCALES: &[(&str, u32)] = &[("large", 8), ("medium", 22), ("small", 45), ("micro", 25)];

fn scale_points(s: &str) -> u32 {
    match s {
        "micro" => 2,
        "small" => 1,
        _ => 0,
    }
}

impl Gen {
    pub fn new(division: &str) -> Gen {
        Gen {
            facts: Vec::new(),
            division: division.to_string(),
            serials: BTreeMap::new(),
            d_used: BTreeMap::new(),
            refused_once: 0,
            lax: false,
            trace: Vec::new(),
        }
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

    fn licence_no(&mut self, rng: &mut Rng, cat: usize, prod: usize) -> String {
        let c = &CATEGORIES[cat];
        let p = &c.products[prod];
        let serial = self
            .serials
            .entry((c.code, p.code))
            .or_insert_with(|| rng.range(0, 30) as u32);
        *serial += 1;
        format!("XK{:02}-{:03}-{:05}", c.code, p.code, *serial)
    }

    // ------------------------------------------------------------------
    // Phase 1: identities, registrations, licence plans, changes.
    // ------------------------------------------------------------------

    /// Plans one enterprise and writes its registration and changes.
    pub fn plan(
        &mut self,
        master: &mut Rng,
        salt: u64,
        licensed: bool,
        used_codes: &mut BTreeSet<String>,
        used_names: &mut BTreeSet<String>,
    ) -> Ent {
        let mut rng = master.fork(salt);
        let uscc = names::make_uscc(&mut rng, used_codes);
        let scale = *rng.weighted(SCALES);
        let load_day = rand_date(&mut rng, d(2021, 1, 4), d(2021, 1, 29));
        let load_time = office_time(&mut rng, load_day);
        let mut licences = Vec::new();
        let mut key_product = None;
        let (reg_date, active_from, mut active_end, name, key_catalogue);
        if licensed {
            let cat_weights: Vec<(usize, u32)> = CATEGORIES
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.weight))
                .collect();
            let cat = *rng.weighted(&cat_weights);
            let existing = rng.chance(0.62);
            let g0 = if existing {
                rand_date(&mut rng, d(2016, 1, 15), d(2020, 12, 15))
            } else {
                let y = *rng.weighted(&[
                    (2021, 22),
                    (2022, 20),
                    (2023, 20),
                    (2024, 18),
                    (2025, 14),
                    (2026, 4),
                ]);
                let hi = if y == 2026 {
                    d(2026, 4, 30)
                } else {
                    d(y, 12, 15)
                };
                rand_date(&mut rng, d(y, 2, 1), hi)
            };
            reg_date = if existing || rng.chance(0.4) {
                rand_date(&mut rng, d(1996, 3, 1), plus(g0.min(d(2019, 6, 30)), -90))
            } else {
                plus(g0, -rng.range(60, 500))
            };
            name = names::company_name(&mut rng, CATEGORIES[cat].trade_words, used_names);
            licences.push(self.plan_licence(&mut rng, cat, g0));
            if rng.chance(0.12) {
                let companions: &[&str] = match CATEGORIES[cat].name {
                    "危险化学品" => &["危险化学品包装物及容器", "化肥"],
                    "化肥" => &["危险化学品"],
                    "电线电缆" => &["防爆电气"],
                    "水泥" => &["预应力混凝土铁路桥简支梁", "建筑用钢筋"],
                    "直接接触食品的材料等相关产品" => &["危险化学品包装物及容器"],
                    "人造板" => &["直接接触食品的材料等相关产品"],
                    _ => &["电线电缆", "人造板"],
                };
                let other = rng.pick(companions);
                let cat2 = CATEGORIES.iter().position(|c| c.name == *other).unwrap();
                let g1 = plus(g0, rng.range(0, 1200));
                if cat2 != cat && g1 <= d(2026, 6, 30) {
                    licences.push(self.plan_licence(&mut rng, cat2, g1));
                }
            }
            active_from = g0;
            active_end = licences
                .iter()
                .map(|l| l.terms.last().unwrap().valid_to)
                .max()
                .unwrap()
                .min(plus(last_day(), 1));
            key_catalogue = rng.chance(0.85);
        } else {
            let kp = rng.below(KEY_PRODUCTS.len() as u64) as usize;
            key_product = Some(kp);
            reg_date = rand_date(&mut rng, d(2001, 1, 1), d(2022, 6, 30));
            name = names::company_name(&mut rng, KEY_PRODUCTS[kp].trade_words, used_names);
            active_from = plus(reg_date, 30).max(first_day());
            active_end = plus(last_day(), 1);
            key_catalogue = true;
        }
        // Registration.
        let reg_rec = if reg_date < first_day() {
            load_time
        } else {
            self.rec(&mut rng, reg_date, 0, 10, None)
        };
        let mut f = Fact::new(
            "enterprise_registered",
            RefSpec::Fixed(format!("GSXT-DJ-{uscc}")),
            &uscc,
            reg_date,
            reg_rec,
        )
        .f("name", J::s(&name))
        .f("division", J::s(&self.division))
        .f("scale", J::s(scale));
        if key_catalogue {
            f = f.f("key_catalogue", J::B(true));
        } else if rng.chance(0.3) {
            f = f.f("key_catalogue", J::B(false));
        }
        f = f.src("publicity_system");
        if !licensed {
            f = f.note(format!(
                "兵团重点工业产品目录内产品（{}）生产企业，该产品不实行生产许可证管理",
                KEY_PRODUCTS[key_product.unwrap()].name
            ));
        }
        let reg_idx = self.push(f);

        // Planned end of production (cancellation 注销 / withdrawal 撤回).
        let mut termination = None;
        if licensed {
            let ends = rng.chance(0.105);
            let mode = if !ends {
                None
            } else if rng.chance(0.72) {
                Some("cancelled")
            } else {
                Some("withdrawn")
            };
            if let Some(mode) = mode {
                let lo = plus(active_from, 365).max(d(2021, 2, 1));
                let hi = plus(active_end, -30).min(d(2026, 9, 30));
                if lo < hi {
                    let t = rand_date(&mut rng, lo, hi);
                    termination = Some((t, mode));
                    active_end = t;
                }
            }
        }

        // Attribute changes.
        let mut scales = vec![scale];
        let change_lo = active_from.max(d(2021, 3, 1)).max(plus(reg_date, 30));
        let change_hi = plus(active_end, -30).min(d(2026, 10, 1));
        if change_lo < change_hi {
            let mut changes: Vec<(NaiveDate, &'static str)> = Vec::new();
            if rng.chance(0.10) {
                changes.push((rand_date(&mut rng, change_lo, change_hi), "scale"));
            }
            if rng.chance(0.05) {
                changes.push((rand_date(&mut rng, change_lo, change_hi), "name"));
            }
            if rng.chance(0.03) {
                changes.push((rand_date(&mut rng, change_lo, change_hi), "key_catalogue"));
            }
            changes.sort();
            let mut cur_scale = scale;
            let mut cur_name = name.clone();
            for (on, what) in changes {
                let rec = self.rec(&mut rng, on, 0, 10, Some(reg_idx));
                let mut f = Fact::new(
                    "enterprise_changed",
                    RefSpec::Fixed(format!("GSXT-BG-{uscc}-{}", on.format("%Y%m%d"))),
                    &uscc,
                    on,
                    rec,
                );
                match what {
                    "scale" => {
                        let up = match cur_scale {
                            "micro" => "small",
                            "small" => *rng.pick(&["medium", "micro"]),
                            "medium" => *rng.pick(&["large", "small"]),
                            _ => "medium",
                        };
                        cur_scale = up;
                        scales.push(up);
                        f = f
                            .f("scale", J::s(up))
                            .note("企业规模按年度统计数据重新划型");
                    }
                    "name" => {
                        let words: &[&str] = match key_product {
                            Some(kp) => KEY_PRODUCTS[kp].trade_words,
                            None => CATEGORIES[licences[0].cat].trade_words,
                        };
                        let new_name = names::company_name(&mut rng, words, used_names);
                        f = f
                            .f("name", J::s(&new_name))
                            .note(format!("原名称：{cur_name}"));
                        cur_name = new_name;
                    }
                    _ => {
                        f = f.f("key_catalogue", J::B(!key_catalogue));
                    }
                }
                self.push(f.src("publicity_system"));
            }
        }
        let risk = licences
            .iter()
            .map(|l| CATEGORIES[l.cat].risk)
            .max()
            .unwrap_or(Risk::General);
        let worst_static = scales.iter().map(|s| scale_points(s)).max().unwrap() + risk.points();
        Ent {
            uscc,
            name,
            rng,
            licensed,
            worst_static,
            licences,
            key_product,
            active_from,
            active_end,
            termination,
            floors: BTreeMap::new(),
            profiles: BTreeMap::new(),
            load_time,
        }
    }

    /// A licence granted on `g0` for 5 years, renewed (same or new number)
    /// while it expires before the end of the fixture.
    fn plan_licence(&mut self, rng: &mut Rng, cat: usize, g0: NaiveDate) -> Licence {
        let prod = rng.below(CATEGORIES[cat].products.len() as u64) as usize;
        let mut terms = Vec::new();
        let no = self.licence_no(rng, cat, prod);
        let verify = |rng: &mut Rng, g: NaiveDate| {
            if rng.chance(0.7) {
                Some(plus(g, rng.range(40, 300)))
            } else {
                None
            }
        };
        let v0 = verify(rng, g0);
        terms.push(Term {
            licence_no: no,
            grant_on: g0,
            valid_from: g0,
            valid_to: plus_years(g0, 5),
            first: true,
            verify_on: v0,
        });
        loop {
            let last = terms.last().unwrap().clone();
            if last.valid_to > last_day() || !rng.chance(0.93) {
                break;
            }
            let grant_on = plus(last.valid_to, -rng.range(15, 75));
            let same = rng.chance(0.65);
            let no = if same {
                last.licence_no.clone()
            } else {
                self.licence_no(rng, cat, prod)
            };
            let v = if same { None } else { verify(rng, grant_on) };
            terms.push(Term {
                licence_no: no,
                grant_on,
                valid_from: last.valid_to,
                valid_to: plus_years(last.valid_to, 5),
                first: !same,
                verify_on: v,
            });
        }
        Licence { cat, prod, terms }
    }

    // ------------------------------------------------------------------
    // Phase 3: licence facts.
    // ------------------------------------------------------------------

    /// Grants (cut at the end of activity) and terminations.
    pub fn emit_licences(&mut self, e: &mut Ent) {
        let mut rng = e.rng.clone();
        let mut k = 0;
        for l in e.licences.clone() {
            let cat = &CATEGORIES[l.cat];
            let prod = &cat.products[l.prod];
            for t in &l.terms {
                if t.grant_on >= e.active_end
                    || t.valid_from >= e.active_end
                    || t.grant_on > last_day()
                {
                    continue;
                }
                k += 1;
                let rec = if t.grant_on < first_day() {
                    e.load_time + chrono::Duration::minutes(10 * k)
                } else {
                    self.rec(&mut rng, t.grant_on, 0, 15, None)
                };
                let mut f = Fact::new(
                    "licence_granted",
                    RefSpec::Fixed(format!(
                        "XK-GRANT-{}-{}",
                        t.licence_no,
                        t.grant_on.format("%Y%m%d")
                    )),
                    &e.uscc,
                    t.grant_on,
                    rec,
                )
                .f("licence_no", J::s(&t.licence_no))
                .f("product", J::s(prod.name))
                .f("category", J::s(cat.name))
                .f("valid_from", J::date(t.valid_from))
                .f("valid_to", J::date(t.valid_to))
                .src("xpcc_notice");
                if !t.first {
                    f = f.note("有效期届满延续，证书编号不变");
                } else if t.grant_on < t.valid_from {
                    f = f.note("有效期届满换发新证");
                }
                self.push(f);
            }
        }
        // Planned termination of every licence then held.
        if let Some((on, mode)) = e.termination {
            let held: Vec<String> = {
                let probe = Ent {
                    active_end: plus(last_day(), 400),
                    ..e.clone_shallow()
                };
                probe
                    .held_on(on)
                    .iter()
                    .map(|(_, t)| t.licence_no.clone())
                    .collect()
            };
            for no in held {
                let prefix = if mode == "cancelled" {
                    "兵市监许注"
                } else {
                    "兵市监许撤回"
                };
                let rec = self.rec(&mut rng, on, 1, 15, None);
                let note = if mode == "cancelled" {
                    "企业申请注销，停止生产"
                } else {
                    "生产条件发生变化，不再符合许可条件，依法撤回"
                };
                self.push(
                    Fact::new(
                        "licence_terminated",
                        RefSpec::Doc {
                            prefix,
                            year: on.year(),
                            width: 3,
                        },
                        &e.uscc,
                        on,
                        rec,
                    )
                    .f("licence_no", J::s(&no))
                    .f("mode", J::s(mode))
                    .src("xpcc_notice")
                    .note(note),
                );
            }
        }
    }

    // ------------------------------------------------------------------
    // Phase 2: the years.
    // ------------------------------------------------------------------

    /// Assigns profiles and draws every enterprise's facts, year by year.
    pub fn run_years(&mut self, ents: &mut [Ent], master: &mut Rng) {
        for year in 2021..=2026 {
            let year_end = d(year, 12, 31).min(last_day());
            let active =
                |e: &Ent| e.active_from.max(d(year, 1, 1)) <= year_end.min(plus(e.active_end, -1));
            // Quotas over licensed enterprises.
            let (pd, pc, pb) = if year == 2025 {
                (0.04, 0.06, 0.39)
            } else {
                (0.015, 0.06, 0.39)
            };
            let lic: Vec<usize> = (0..ents.len())
                .filter(|&i| ents[i].licensed && active(&ents[i]))
                .collect();
            let n = lic.len() as f64;
            let mut want = BTreeMap::from([
                (Profile::D, (n * pd).round() as i64),
                (Profile::C, (n * pc).round() as i64),
                (Profile::B, (n * pb).round() as i64),
            ]);
            let mut assigned: BTreeMap<usize, Profile> = BTreeMap::new();
            for &i in &lic {
                if let Some(&p) = ents[i].floors.get(&year) {
                    assigned.insert(i, p);
                    if let Some(w) = want.get_mut(&p) {
                        *w -= 1;
                    }
                }
            }
            let mut rest: Vec<usize> = lic
                .iter()
                .copied()
                .filter(|i| !assigned.contains_key(i))
                .collect();
            master.shuffle(&mut rest);
            // C and D stories need most of the year: give them to enterprises
            // active at least until autumn (stable partition keeps the shuffle).
            let long = |e: &Ent| {
                let ys = e.active_from.max(d(year, 1, 1));
                let ye = year_end.min(plus(e.active_end, -1));
                ys <= d(year, 3, 31) && ye >= d(year, 10, 31).min(last_day())
            };
            let (mut first, second): (Vec<usize>, Vec<usize>) =
                rest.into_iter().partition(|&i| long(&ents[i]));
            let n_cd = (want[&Profile::D].max(0) + want[&Profile::C].max(0)) as usize;
            let tail = first.split_off(n_cd.min(first.len()));
            let mut rest2: Vec<usize> = tail.into_iter().chain(second).collect();
            master.shuffle(&mut rest2);
            let mut it = first.into_iter().chain(rest2);
            for p in [Profile::D, Profile::C, Profile::B] {
                for _ in 0..want[&p].max(0) {
                    if let Some(i) = it.next() {
                        assigned.insert(i, p);
                    }
                }
            }
            for i in it {
                assigned.insert(i, Profile::A);
            }
            // Unlicensed key-catalogue producers: plain probabilities.
            for (i, e) in ents.iter_mut().enumerate() {
                if !e.licensed && active(e) {
                    let p =
                        *e.rng
                            .weighted(&[(Profile::A, 55), (Profile::B, 35), (Profile::C, 10)]);
                    assigned.insert(i, p);
                }
            }
            let mut d_rotation = vec![
                DCause::SerViol,
                DCause::RevokedPenalty,
                DCause::FailedRecheck,
                DCause::Fraud,
                DCause::RefusedTwice,
                DCause::MajorAccident,
                DCause::Criminal,
                DCause::FailedRecheck,
                DCause::SerViol,
            ]
            .into_iter();
            for (i, p) in assigned {
                let e = &mut ents[i];
                e.profiles.insert(year, p);
                let forced = if year == 2025
                    && p == Profile::D
                    && e.floors.get(&year) != Some(&Profile::D)
                {
                    d_rotation.next()
                } else {
                    None
                };
                self.year(e, year, p, forced);
            }
        }
    }

    /// One enterprise-year.
    fn year(&mut self, e: &mut Ent, year: i32, profile: Profile, forced_d: Option<DCause>) {
        let mut rng = e.rng.clone();
        self.lax = year >= 2026;
        let ys = e.active_from.max(d(year, 1, 1));
        let mut ye = d(year, 12, 31).min(last_day()).min(plus(e.active_end, -1));
        if ys > ye {
            return;
        }
        let floor_only = e.floors.get(&year) == Some(&profile);
        if floor_only {
            self.trace
                .push(format!("{year} {} {profile:?} floor", e.uscc));
        }
        let report_due = e.licensed && year > 2020 && e.held_during(year - 1);
        let mut report = Report::OnTime;
        let mut made_samplings = 0;
        let mut made_inspections = 0;
        // An overdue-rectification C year must otherwise be a B year.
        let mut overdue_story = false;
        // Deduction budget so the score stays in the profile's band.
        let mut budget: i64 = match profile {
            Profile::A => 10 - e.worst_static as i64,
            Profile::B => 20 - e.worst_static as i64,
            _ => 40 - e.worst_static as i64,
        };
        match profile {
            Profile::A => {}
            Profile::B => {
                let causes: &[(BCause, u32)] = &[
                    (BCause::SampFail, 11),
                    (BCause::Insp, 30),
                    (BCause::ReportLate, 14),
                    (BCause::ReportMissing, 6),
                    (BCause::Notice, 7),
                    (BCause::Media, 6),
                    (BCause::VerifFail, 5),
                    (BCause::BadCredit, 5),
                ];
                let wanted = if rng.chance(0.25) { 2 } else { 1 };
                let mut done = 0;
                let mut used = Vec::new();
                for _ in 0..12 {
                    if done == wanted {
                        break;
                    }
                    let c = *rng.weighted(causes);
                    if used.contains(&c) {
                        continue;
                    }
                    let ok = match c {
                        BCause::ReportLate if report_due && ye >= d(year, 7, 2) && budget >= 5 => {
                            report = Report::Late;
                            budget -= 5;
                            true
                        }
                        BCause::ReportMissing if report_due && budget >= 5 => {
                            report = Report::Missing;
                            budget -= 5;
                            true
                        }
                        BCause::ReportLate | BCause::ReportMissing => false,
                        _ => self.b_cause(
                            e,
                            &mut rng,
                            c,
                            year,
                            ys,
                            ye,
                            &mut budget,
                            &mut made_samplings,
                            &mut made_inspections,
                        ),
                    };
                    if ok {
                        self.trace.push(format!("{year} {} B {c:?}", e.uscc));
                        used.push(c);
                        done += 1;
                    }
                }
                // A general quality-risk finding alone would not keep an
                // enterprise out of A; it only comes on top of a B cause.
                if done > 0 && rng.chance(0.12) {
                    self.b_cause(
                        e,
                        &mut rng,
                        BCause::Finding,
                        year,
                        ys,
                        ye,
                        &mut budget,
                        &mut made_samplings,
                        &mut made_inspections,
                    );
                }
            }
            Profile::C => {
                if !floor_only {
                    let causes: &[(CCause, u32)] = if e.licensed {
                        &[
                            (CCause::PenaltyMild, 18),
                            (CCause::Overdue, 50),
                            (CCause::Abnormal, 10),
                            (CCause::Defaulter, 6),
                            (CCause::Blacklist, 6),
                            (CCause::RefusedOnce, 3),
                            (CCause::LowScore, 8),
                            (CCause::Suspend, 6),
                            (CCause::BigFine, 7),
                        ]
                    } else {
                        &[
                            (CCause::PenaltyMild, 50),
                            (CCause::Overdue, 30),
                            (CCause::BigFine, 20),
                        ]
                    };
                    for _ in 0..8 {
                        let c = *rng.weighted(causes);
                        if self.c_cause(
                            e,
                            &mut rng,
                            c,
                            year,
                            ys,
                            ye,
                            &mut made_samplings,
                            &mut made_inspections,
                        ) {
                            self.trace.push(format!("{year} {} C {c:?}", e.uscc));
                            // What is left before the score leaves C's band
                            // (an overdue rectification must start from B).
                            budget = match c {
                                CCause::Overdue => {
                                    overdue_story = true;
                                    20 - e.worst_static as i64 - 10
                                }
                                CCause::Suspend => 40 - e.worst_static as i64 - 30,
                                CCause::LowScore => 40 - e.worst_static as i64 - 33,
                                CCause::RefusedOnce => 40 - e.worst_static as i64 - 20,
                                CCause::PenaltyMild => 40 - e.worst_static as i64 - 15,
                                _ => 40 - e.worst_static as i64 - 10,
                            };
                            break;
                        }
                    }
                } else {
                    budget = 0;
                }
                if report_due && budget >= 5 && rng.chance(0.15) {
                    report = if rng.chance(0.7) && ye >= d(year, 7, 2) {
                        Report::Late
                    } else {
                        Report::Missing
                    };
                    budget -= 5;
                }
            }
            Profile::D => {
                if !floor_only || forced_d.is_some() {
                    let mut order: Vec<DCause> = Vec::new();
                    if let Some(c) = forced_d {
                        order.push(c);
                    }
                    for _ in 0..6 {
                        let c = *rng.weighted(&[
                            (DCause::SerViol, 25),
                            (DCause::RevokedPenalty, 15),
                            (DCause::Fraud, 8),
                            (DCause::FailedRecheck, 25),
                            (DCause::RefusedTwice, 8),
                            (DCause::MajorAccident, 8),
                            (DCause::Criminal, 10),
                        ]);
                        let cap = match c {
                            DCause::SerViol | DCause::FailedRecheck => 99,
                            DCause::RevokedPenalty => 3,
                            DCause::Criminal => 2,
                            _ => 1,
                        };
                        if forced_d.is_none() && *self.d_used.get(&c).unwrap_or(&0) < cap {
                            order.push(c);
                        }
                    }
                    order.push(DCause::FailedRecheck);
                    order.push(DCause::SerViol);
                    for c in order {
                        if self.d_cause(
                            e,
                            &mut rng,
                            c,
                            year,
                            ys,
                            ye,
                            &mut made_samplings,
                            &mut made_inspections,
                        ) {
                            self.trace.push(format!("{year} {} D {c:?}", e.uscc));
                            *self.d_used.entry(c).or_insert(0) += 1;
                            break;
                        }
                    }
                    ye = ye.min(plus(e.active_end, -1));
                }
                if ys <= ye && rng.chance(0.3) {
                    let on = rand_date(&mut rng, ys, ye);
                    self.finding(e, &mut rng, on, "serious");
                }
                if report_due && rng.chance(0.2) {
                    report = Report::Missing;
                }
            }
        }
        if ys > ye {
            e.rng = rng;
            return;
        }
        // On-the-spot (simple-procedure) penalties: warnings and small fines,
        // only where the year is C or D anyway (or the producer is unlicensed).
        let p_simple = match profile {
            Profile::C if budget >= 5 && !overdue_story => 0.3,
            Profile::D => 0.3,
            Profile::B if !e.licensed => 0.2,
            _ => 0.0,
        };
        if p_simple > 0.0 && rng.chance(p_simple) {
            let on = rand_date(&mut rng, ys, ye);
            let measures = if rng.chance(0.55) {
                vec![("warning", None)]
            } else {
                vec![("fine", Some(rng.range(2, 30) * 100))]
            };
            let p = self.penalty(e, &mut rng, on, "simple", &measures, catalogue::MILD_CAUSES);
            self.facts[p].note = Some("当场作出行政处罚决定".into());
            budget -= 5;
        }

        // Self-inspection report for the previous year.
        if report_due {
            let filed = match report {
                Report::OnTime => {
                    let hi = d(year, 6, 28).min(ye);
                    if hi >= d(year, 1, 5) {
                        Some(rand_date(
                            &mut rng,
                            d(year, 1, 5).max(d(year, 3, 1).min(hi)),
                            hi,
                        ))
                    } else {
                        None
                    }
                }
                Report::Late if ye >= d(year, 7, 2) => {
                    Some(rand_date(&mut rng, d(year, 7, 2), d(year, 9, 30).min(ye)))
                }
                _ => None,
            };
            if let Some(on) = filed {
                let rec = self.rec(&mut rng, on, 0, 3, None);
                let mut f = Fact::new(
                    "self_inspection_report",
                    RefSpec::Fixed(format!("ZCBG-{}-{}", year - 1, e.uscc)),
                    &e.uscc,
                    on,
                    rec,
                )
                .f("year", J::I((year - 1) as i64))
                .f("filed_on", J::date(on))
                .src("internet_plus");
                if report == Report::Late {
                    f = f.note("逾期提交（应于6月30日前提交）");
                }
                self.push(f);
            }
        }

        // Baseline samplings (passed).
        let base_samplings: i64 = match profile {
            Profile::A => {
                if rng.chance(0.08) {
                    0
                } else if rng.chance(0.22) {
                    2
                } else {
                    1
                }
            }
            _ => 1 + rng.chance(0.35) as i64,
        };
        for _ in made_samplings..base_samplings {
            let on = rand_date(&mut rng, ys, ye);
            let level = *rng.weighted(&[
                ("national", 10),
                ("provincial", 15),
                ("xpcc", 40),
                ("division", 35),
            ]);
            self.sampling(e, &mut rng, on, level, 0, false, None);
        }
        // Baseline inspections (no issue).
        let base_insp: i64 = match profile {
            Profile::A => rng.chance(0.3) as i64,
            Profile::B => 1 + rng.chance(0.4) as i64,
            Profile::C => 2,
            Profile::D => 2 + rng.chance(0.5) as i64,
        };
        for _ in made_inspections..base_insp {
            let on = rand_date(&mut rng, ys, ye);
            let kind = if profile == Profile::A {
                *rng.pick(&["random", "special"])
            } else {
                *rng.weighted(&[("routine", 5), ("random", 3), ("special", 2)])
            };
            self.inspection(e, &mut rng, on, kind, "no_issue", &[]);
        }
        // Post-licence verification of new licences.
        let due: Vec<(String, NaiveDate)> = e
            .licences
            .iter()
            .flat_map(|l| &l.terms)
            .filter_map(|t| {
                t.verify_on
                    .filter(|v| *v >= ys && *v <= ye)
                    .map(|v| (t.licence_no.clone(), v))
            })
            .collect();
        for (no, on) in due {
            let fail = (profile == Profile::D || (profile == Profile::C && budget >= 10))
                && rng.chance(0.2);
            if fail {
                budget -= 10;
            }
            let v = self.verification(e, &mut rng, on, &no, fail);
            if fail && plus(on, 40) < d(year, 12, 20).min(ye) {
                self.rectify(e, &mut rng, v, Timely::OnTime, d(year, 12, 20).min(ye));
            }
        }
        // Complaints now and then.
        let p_complaint = match profile {
            Profile::A => 0.04,
            Profile::B => 0.08,
            _ => 0.15,
        };
        if rng.chance(p_complaint) && budget >= 2 {
            let on = rand_date(&mut rng, ys, ye);
            self.complaint(e, &mut rng, on);
        }
        e.rng = rng;
    }

}

impl Ent {
    /// A copy of the licence data (for probing coverage without the end cut).
    pub fn clone_shallow(&self) -> Ent {
        Ent {
            uscc: self.uscc.clone(),
            name: self.name.clone(),
            rng: self.rng.clone(),
            licensed: self.licensed,
            worst_static: self.worst_static,
            licences: self.licences.clone(),
            key_product: self.key_product,
            active_from: self.active_from,
            active_end: self.active_end,
            termination: self.termination,
            floors: BTreeMap::new(),
            profiles: BTreeMap::new(),
            load_time: self.load_time,
        }
    }
}
