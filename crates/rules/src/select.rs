//! The installed rule sets and the choice of the one in force on V.

use crate::{Problem, RuleSet, RulesError};
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
    /// A book of these sets, ordered by `effective_from`, then id.
    pub fn new(mut sets: Vec<RuleSet>) -> RuleBook {
        sets.sort_by(|a, b| a.effective_from.cmp(&b.effective_from).then(a.id.cmp(&b.id)));
        RuleBook { sets, adopted: Vec::new() }
    }

    /// The installed (shipped, or given) sets, in order of
    /// `effective_from`, without the adopted ones.
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

    /// Validates a rule-set file to be used beside these sets: the file's
    /// problems, plus one more when it reuses an installed or adopted set's
    /// id (in any letter case) with other bytes: a rule set is its id and
    /// SHA-256 together, so no decision may name an ambiguous id.
    pub fn load(&self, origin: &str, bytes: &[u8]) -> Result<RuleSet, RulesError> {
        let set = RuleSet::parse(origin, bytes)?;
        let clash = |s: &&RuleSet| s.id.eq_ignore_ascii_case(&set.id) && s.sha256 != set.sha256;
        let taken = self.sets.iter().find(clash).map(|s| ("shipped", s)).or_else(|| self.adopted.iter().map(|a| &a.set).find(clash).map(|s| ("adopted", s)));
        match taken {
            None => Ok(set),
            Some((whose, s)) => Err(RulesError::Problems {
                origin: origin.to_string(),
                problems: vec![Problem {
                    line: crate::check::line_of(bytes, "id"),
                    key: "id".into(),
                    message: format!(
                        "rule set id {:?} is the {whose} set {:?}'s id, but the file's sha256 {} differs from the {whose} {}; give the changed rules an id of their own",
                        set.id, s.id, set.sha256, s.sha256
                    ),
                }],
            }),
        }
    }

    /// A set by id: the latest adoption of that id, else an installed set;
    /// the error names the known ids.
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
    fn publicity_periods_up_to_a_century() {
        let t = revised_text().replace("other_penalty_months = 36", "other_penalty_months = 2147483647");
        assert!(RuleSet::parse("t", t.as_bytes()).unwrap_err().to_string().contains("between 0 and 1200"));
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
