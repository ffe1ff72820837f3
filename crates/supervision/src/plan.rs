//! Drawing the plan of one division for one year (issue 11, Art. 15–19).
//!
//! Order of the draw, one keystream ([`crate::draw`]) read in this order:
//! 1. Sampling: for each grade A, B, C, D, its enterprises in USCC order;
//!    k = ⌈n × ratio / 100⌉ of them chosen by partial Fisher–Yates.
//! 2. Quarters, for each enterprise in USCC order: every quarter gets
//!    ⌊per year / 4⌋ mandatory inspections; a remainder of 2 puts one more
//!    in quarter 1 + below(2) and one in quarter 3 + below(2) (one per
//!    half-year); a remainder of 1 or 3 picks that many distinct quarters of
//!    [1, 2, 3, 4] by partial Fisher–Yates. Then, if drawn for sampling,
//!    its sampling quarter is 1 + below(4).
//! 3. The inspections are listed by quarter, then USCC, mandatory before
//!    sampling. With an inspector list, each in turn gets a pair: the pairs
//!    (i < j) of the inspectors eligible for the enterprise (not
//!    conflicted, in id order), without the pair of the enterprise's
//!    previous inspection and the pair of the previous inspection in the
//!    list; one is chosen by below(number of pairs). When only the list's
//!    previous pair could be avoided by nothing else, only the enterprise's
//!    previous pair is excluded.

use crate::draw::{seed, Draw, DRAW_VERSION};
use crate::inspectors::Inspectors;
use crate::regime::{Cadence, Regime};
use crate::PlanError;
use model::fact::Grade;
use rules::RuleSet;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Version of the plan's canonical encoding (compact JSON of [`Plan`], its
/// fields in declaration order) that `plan_sha256` hashes.
pub const PLAN_FORMAT: u16 = 1;

/// An enterprise and the grade in force for it: its standing decision of
/// the evaluation of year − 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Graded {
    /// USCC.
    pub enterprise: String,
    pub name: String,
    pub grade: Grade,
    /// Ref of the `grade_issued` decision.
    pub decision: String,
}

/// The public inputs of a plan.
pub struct Inputs<'a> {
    pub year: i32,
    pub division: &'a str,
    /// The knowledge cut K.
    pub known_at_seq: u64,
    /// The ledger's chain hash at K (hex).
    pub head_hash: &'a str,
    pub salt: &'a str,
    pub rules: &'a RuleSet,
    /// Every enterprise of the division with a grade in force (any order).
    pub enterprises: Vec<Graded>,
    pub inspectors: Option<&'a Inspectors>,
}

/// Why an inspection is planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A minimum on-site inspection of the grade's regime (Art. 17–19).
    Mandatory,
    /// Drawn for random sampling (双随机).
    Sampling,
}

/// One enterprise's part of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub enterprise: String,
    pub name: String,
    pub grade: Grade,
    pub decision: String,
    pub cadence: Cadence,
    /// Mandatory on-site inspections in quarters 1–4.
    pub mandatory: [u32; 4],
    /// Drawn for random sampling, and in which quarter (1–4).
    pub sampled: bool,
    pub sampling_quarter: Option<u8>,
}

/// One grade's line of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeRow {
    pub grade: Grade,
    pub sampling_ratio_percent: u32,
    pub inspections_per_year: u32,
    pub cadence: Cadence,
    pub skips_routine_inspection: bool,
    pub enterprises: usize,
    pub sampled: usize,
    /// sampled / enterprises in per cent, one decimal, rounded half up ("—" for none).
    pub sampled_percent: String,
    pub mandatory_inspections: u32,
}

/// One planned inspection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// 1–4.
    pub quarter: u8,
    pub enterprise: String,
    pub purpose: Purpose,
    /// The two inspectors' ids (id order), when an inspector list was given.
    pub inspectors: Option<[String; 2]>,
}

/// The plan: what `plan_sha256` hashes ([`PLAN_FORMAT`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub plan_format: u16,
    pub year: i32,
    pub division: String,
    pub known_at_seq: u64,
    pub head_hash: String,
    pub salt: String,
    pub rules_id: String,
    pub rules_sha256: String,
    pub draw_version: u16,
    /// The draw's seed (hex).
    pub seed: String,
    pub grades: Vec<GradeRow>,
    /// USCC order.
    pub enterprises: Vec<Entry>,
    pub inspections: Vec<Inspection>,
}

impl Plan {
    /// The canonical encoding ([`PLAN_FORMAT`]).
    pub fn canonical(&self) -> Result<Vec<u8>, PlanError> {
        Ok(serde_json::to_vec(self)?)
    }

    /// SHA-256 (hex) of the canonical encoding: the `plan_sha256` of `plan_issued`.
    pub fn sha256(&self) -> Result<String, PlanError> {
        Ok(hex::encode(Sha256::digest(self.canonical()?)))
    }

    pub fn entry(&self, enterprise: &str) -> Option<&Entry> {
        self.enterprises.binary_search_by(|e| e.enterprise.as_str().cmp(enterprise)).ok().map(|i| &self.enterprises[i])
    }
}

/// Draws the plan. Errors: [`PlanError::TooFewInspectors`] naming the first
/// enterprise (USCC order) with fewer than two eligible inspectors, else the
/// first (inspection order) that cannot get a pair other than its last one.
pub fn draw_plan(inputs: Inputs<'_>) -> Result<Plan, PlanError> {
    let seed = seed(inputs.head_hash, inputs.year, inputs.division, inputs.salt);
    let mut draw = Draw::new(seed);
    let mut enterprises = inputs.enterprises;
    enterprises.sort_by(|a, b| a.enterprise.cmp(&b.enterprise));
    enterprises.dedup_by(|a, b| a.enterprise == b.enterprise);

    // 1. Sampling, grade by grade.
    let mut sampled = vec![false; enterprises.len()];
    for &grade in Grade::ALL {
        let mut idx: Vec<usize> = (0..enterprises.len()).filter(|&i| enterprises[i].grade == grade).collect();
        let k = Regime::of(inputs.rules, grade).sampled_count(idx.len());
        draw.choose(&mut idx, k);
        for &i in &idx[..k] {
            sampled[i] = true;
        }
    }

    // 2. Quarters.
    let mut entries = Vec::with_capacity(enterprises.len());
    for (i, g) in enterprises.iter().enumerate() {
        let regime = Regime::of(inputs.rules, g.grade);
        let mandatory = quarters(&regime, &mut draw);
        let sampling_quarter = sampled[i].then(|| 1 + draw.below(4) as u8);
        entries.push(Entry {
            enterprise: g.enterprise.clone(),
            name: g.name.clone(),
            grade: g.grade,
            decision: g.decision.clone(),
            cadence: regime.cadence(),
            mandatory,
            sampled: sampled[i],
            sampling_quarter,
        });
    }

    // 3. Inspections, then inspectors.
    let mut inspections = Vec::new();
    for q in 1..=4u8 {
        for e in &entries {
            for _ in 0..e.mandatory[usize::from(q - 1)] {
                inspections.push(Inspection { quarter: q, enterprise: e.enterprise.clone(), purpose: crate::Purpose::Mandatory, inspectors: None });
            }
            if e.sampling_quarter == Some(q) {
                inspections.push(Inspection { quarter: q, enterprise: e.enterprise.clone(), purpose: crate::Purpose::Sampling, inspectors: None });
            }
        }
    }
    if let Some(pool) = inputs.inspectors {
        assign(&mut inspections, &entries, pool, &mut draw)?;
    }

    let grades = Grade::ALL.iter().map(|&g| grade_row(inputs.rules, g, &entries)).collect();
    Ok(Plan {
        plan_format: PLAN_FORMAT,
        year: inputs.year,
        division: inputs.division.to_string(),
        known_at_seq: inputs.known_at_seq,
        head_hash: inputs.head_hash.to_ascii_lowercase(),
        salt: inputs.salt.to_string(),
        rules_id: inputs.rules.id.clone(),
        rules_sha256: inputs.rules.sha256.clone(),
        draw_version: DRAW_VERSION,
        seed: hex::encode(seed),
        grades,
        enterprises: entries,
        inspections,
    })
}

/// Mandatory inspections per quarter under `regime` (step 2 of the draw).
pub(crate) fn quarters(regime: &Regime, draw: &mut Draw) -> [u32; 4] {
    let base = regime.per_quarter_base();
    let mut q = [base; 4];
    match regime.inspections_per_year % 4 {
        0 => {}
        2 => {
            q[draw.below(2) as usize] += 1;
            q[2 + draw.below(2) as usize] += 1;
        }
        r => {
            let mut order = [0usize, 1, 2, 3];
            draw.choose(&mut order, r as usize);
            for &i in &order[..r as usize] {
                q[i] += 1;
            }
        }
    }
    q
}

fn grade_row(rules: &RuleSet, grade: Grade, entries: &[Entry]) -> GradeRow {
    let regime = Regime::of(rules, grade);
    let of: Vec<&Entry> = entries.iter().filter(|e| e.grade == grade).collect();
    let sampled = of.iter().filter(|e| e.sampled).count();
    GradeRow {
        grade,
        sampling_ratio_percent: regime.sampling_ratio_percent,
        inspections_per_year: regime.inspections_per_year,
        cadence: regime.cadence(),
        skips_routine_inspection: regime.skips_routine_inspection(),
        enterprises: of.len(),
        sampled,
        sampled_percent: percent(sampled, of.len()),
        mandatory_inspections: of.iter().map(|e| e.mandatory.iter().sum::<u32>()).sum(),
    }
}

/// part / whole in per cent with one decimal, rounded half up; "—" when whole is 0.
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "—".to_string();
    }
    let tenths = (part as u128 * 2000 + whole as u128) / (2 * whole as u128);
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn assign(inspections: &mut [Inspection], entries: &[Entry], pool: &Inspectors, draw: &mut Draw) -> Result<(), PlanError> {
    let names: HashMap<&str, &str> = entries.iter().map(|e| (e.enterprise.as_str(), e.name.as_str())).collect();
    // Checked before any pair is drawn: the first enterprise (USCC order)
    // with an inspection and fewer than two inspectors who may inspect it.
    let inspected: std::collections::BTreeSet<&str> = inspections.iter().map(|i| i.enterprise.as_str()).collect();
    if let Some((e, n)) = inspected.iter().map(|e| (*e, pool.eligible(e).len())).find(|(_, n)| *n < 2) {
        return Err(PlanError::TooFewInspectors {
            enterprise: e.to_string(),
            name: names.get(e).copied().unwrap_or_default().to_string(),
            message: format!("{n} eligible inspector(s) of {} (the others are conflicted), two needed", pool.list.len()),
        });
    }
    let mut last_of: HashMap<String, (usize, usize)> = HashMap::new();
    let mut previous: Option<(usize, usize)> = None;
    for ins in inspections.iter_mut() {
        let too_few = |message: String| PlanError::TooFewInspectors {
            enterprise: ins.enterprise.clone(),
            name: names.get(ins.enterprise.as_str()).copied().unwrap_or_default().to_string(),
            message,
        };
        let eligible = pool.eligible(&ins.enterprise);
        let own = last_of.get(&ins.enterprise).copied();
        let m = eligible.len();
        // Pairs are ranked (i < j, eligible order) without being listed: O(m), not O(m²).
        let rank_of = |p: Option<(usize, usize)>| p.and_then(|(i, j)| Some(pair_rank(eligible.binary_search(&i).ok()?, eligible.binary_search(&j).ok()?, m)));
        let mut skip: Vec<u64> = [rank_of(own), rank_of(previous)].into_iter().flatten().collect();
        skip.sort_unstable();
        skip.dedup();
        let total = (m as u64) * (m as u64 - 1) / 2;
        if total == skip.len() as u64 {
            // Only the enterprise's own previous pair must be avoided.
            skip = rank_of(own).into_iter().collect();
        }
        if total == skip.len() as u64 {
            return Err(too_few("only 2 eligible inspectors, and the same pair may not inspect it twice in a row: it needs 3".to_string()));
        }
        let mut r = draw.below(total - skip.len() as u64);
        for &s in &skip {
            if s <= r {
                r += 1;
            }
        }
        let (a, b) = pair_unrank(r, m);
        let pair = (eligible[a], eligible[b]);
        ins.inspectors = Some([pool.list[pair.0].id.clone(), pool.list[pair.1].id.clone()]);
        last_of.insert(ins.enterprise.clone(), pair);
        previous = Some(pair);
    }
    Ok(())
}

/// The rank of the pair (a, b), a < b, among the pairs of m items in
/// lexicographic order: (0,1), (0,2), …, (0,m−1), (1,2), …
fn pair_rank(a: usize, b: usize, m: usize) -> u64 {
    let (a, b, m) = (a as u64, b as u64, m as u64);
    a * m - a * (a + 1) / 2 + (b - a - 1)
}

/// The pair of rank r (the inverse of [`pair_rank`]).
fn pair_unrank(mut r: u64, m: usize) -> (usize, usize) {
    let m = m as u64;
    let mut a = 0;
    while r >= m - a - 1 {
        r -= m - a - 1;
        a += 1;
    }
    (a as usize, (a + 1 + r) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue11_pairs_rank_in_lexicographic_order() {
        for m in 2..7usize {
            let mut r = 0;
            for a in 0..m {
                for b in a + 1..m {
                    assert_eq!(pair_rank(a, b, m), r, "({a},{b}) of {m}");
                    assert_eq!(pair_unrank(r, m), (a, b), "rank {r} of {m}");
                    r += 1;
                }
            }
        }
    }
}
