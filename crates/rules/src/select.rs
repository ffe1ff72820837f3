//! The installed rule sets and the choice of the one in force on V.

use crate::{RuleSet, RulesError};
use model::ChinaDate;

/// The rule-set files shipped with the binary (fixtures/rules/), embedded at
/// build time: (id the file must carry, bytes).
pub(crate) const SHIPPED: &[(&str, &[u8])] = &[
    ("xpcc-trial", include_bytes!("../../../fixtures/rules/xpcc-trial.toml")),
    ("xpcc-revised", include_bytes!("../../../fixtures/rules/xpcc-revised.toml")),
];

/// The shipped rule sets, validated.
pub fn shipped() -> Result<RuleBook, RulesError> {
    let sets = SHIPPED
        .iter()
        .map(|(id, bytes)| RuleSet::parse(&format!("shipped {id}"), bytes))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RuleBook::new(sets))
}

/// The installed rule sets, ordered by `effective_from`, and the rule sets
/// adopted in the ledger as known at some K (see `adopted`).
#[derive(Clone, Debug)]
pub struct RuleBook {
    pub(crate) sets: Vec<RuleSet>,
    pub(crate) adopted: Vec<crate::Adoption>,
}

impl RuleBook {
    pub fn new(mut sets: Vec<RuleSet>) -> RuleBook {
        sets.sort_by(|a, b| a.effective_from.cmp(&b.effective_from).then(a.id.cmp(&b.id)));
        RuleBook { sets, adopted: Vec::new() }
    }

    /// The installed (shipped, or given) sets, without the adopted ones.
    pub fn sets(&self) -> &[RuleSet] {
        &self.sets
    }

    /// The set in force on V: the latest adoption whose dates cover V;
    /// else the installed set whose dates do (effective_from ≤ V <
    /// effective_to); when none covers V, the earliest installed set
    /// (DOMAIN.md "Resolved details").
    pub fn in_force(&self, on: ChinaDate) -> Option<&RuleSet> {
        self.adopted_in_force(on).or_else(|| self.sets.iter().rev().find(|s| s.in_force_on(on))).or_else(|| self.sets.first())
    }

    /// A set by id: the latest adoption of that id, else an installed set.
    pub fn by_id(&self, id: &str) -> Result<&RuleSet, RulesError> {
        let adopted = self.adopted.iter().rev().map(|a| &a.set).find(|s| s.id == id);
        adopted.or_else(|| self.sets.iter().find(|s| s.id == id)).ok_or_else(|| {
            let mut known: Vec<&str> = self.all_sets().map(|s| s.id.as_str()).collect();
            known.dedup();
            RulesError::Unknown(id.to_string(), known.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> ChinaDate {
        ChinaDate::parse_plain(s).unwrap()
    }

    #[test]
    fn shipped_sets_load_and_select_by_date() {
        let book = shipped().unwrap();
        assert_eq!(book.in_force(d("2022-12-31")).unwrap().id, "xpcc-trial");
        assert_eq!(book.in_force(d("2023-01-01")).unwrap().id, "xpcc-revised");
        assert_eq!(book.in_force(d("2026-06-30")).unwrap().id, "xpcc-revised");
        // Before any set: the earliest installed set.
        assert_eq!(book.in_force(d("2019-05-01")).unwrap().id, "xpcc-trial");
        assert_eq!(book.by_id("xpcc-revised").unwrap().sha256.len(), 64);
        assert!(book.by_id("nope").is_err());
    }

    #[test]
    fn shipped_ids_match_files() {
        for (id, bytes) in SHIPPED {
            assert_eq!(RuleSet::parse(id, bytes).unwrap().id, *id);
        }
    }

    fn revised_text() -> String {
        String::from_utf8(SHIPPED[1].1.to_vec()).unwrap()
    }

    #[test]
    fn rejects_unknown_deduction_key() {
        let t = revised_text().replace("complaint = 2.0", "complaint = 2.0, gossip = 1.0");
        let e = RuleSet::parse("t", t.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("gossip"), "{e}");
    }

    #[test]
    fn rejects_points_finer_than_tenths_and_bad_order() {
        let t = revised_text().replace("complaint = 2.0", "complaint = 2.05");
        assert!(RuleSet::parse("t", t.as_bytes()).is_err());
        let t = revised_text().replace("b_min_score = 80.0", "b_min_score = 95.0");
        assert!(RuleSet::parse("t", t.as_bytes()).unwrap_err().to_string().contains("thresholds"));
    }

    #[test]
    fn rejects_a_key_in_two_dimensions_and_unknown_fields() {
        let t = revised_text().replace("complaint = 2.0", "complaint = 2.0, sampling_failed = 1.0");
        assert!(RuleSet::parse("t", t.as_bytes()).unwrap_err().to_string().contains("already"));
        let t = revised_text().replace("base_score = 100.0", "base_score = 100.0\nbonus = 1");
        assert!(RuleSet::parse("t", t.as_bytes()).is_err());
    }

    #[test]
    fn rejects_publicity_periods_beyond_a_century() {
        let t = revised_text().replace("other_penalty_months = 36", "other_penalty_months = 2147483647");
        assert!(RuleSet::parse("t", t.as_bytes()).unwrap_err().to_string().contains("0–1200 months"));
        let t = revised_text().replace("other_penalty_months = 36", "other_penalty_months = 1200");
        assert!(RuleSet::parse("t", t.as_bytes()).is_ok());
    }

    #[test]
    fn annual_run_fixes_v_and_the_run_window() {
        use crate::AnnualRun;
        let d = |y, m, dd| model::ChinaDate::from_ymd(y, m, dd).unwrap();
        assert_eq!(AnnualRun::FirstQuarter.evaluation_date(2025), Some(d(2025, 12, 31)));
        assert_eq!(AnnualRun::FirstQuarter.run_dates(2025), Some((d(2026, 1, 1), d(2026, 3, 31))));
        assert_eq!(AnnualRun::January1.run_dates(2022), Some((d(2023, 1, 1), d(2023, 1, 1))));
        assert_eq!(AnnualRun::January1.as_str(), "january_1");
    }

    #[test]
    fn hash_is_of_the_bytes() {
        let a = RuleSet::parse("t", revised_text().as_bytes()).unwrap();
        let b = RuleSet::parse("t", (revised_text() + "\n# edited\n").as_bytes()).unwrap();
        assert_ne!(a.sha256, b.sha256);
    }
}
