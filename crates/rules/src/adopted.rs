//! Rule sets adopted in the ledger (issue 8, item 1; CONTRACT.md
//! `rule_set_adopted`): which set is in force for a question (V, K), and
//! whether a new adoption may be recorded. Pure: the shell reads the
//! adoption records known at K and hands their bytes in.

use crate::{RuleBook, RuleSet};
use model::ChinaDate;

/// One `rule_set_adopted` record with its rule file parsed. The set is in
/// force on the adoption's dates, whatever the file's own say: the
/// adoption is the regulator's act, the file its content.
#[derive(Clone, Debug)]
pub struct Adoption {
    /// The record's ledger seq: where adoptions overlap, the later wins.
    pub seq: u64,
    /// The adoption's ref (its document number).
    pub reference: String,
    pub replaces: Option<String>,
    /// The parsed file, its `effective_from`/`effective_to` set to the
    /// adoption's (from ≤ V < to).
    pub set: RuleSet,
}

/// Why an adoption is refused (nothing is written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdoptionError {
    /// The id is taken by other bytes (shipped or adopted): an id must name one content.
    #[error("rule set id {id:?} is already {whose} with sha256 {theirs}; this file's sha256 is {ours}: give the changed rules an id of their own")]
    IdTaken { id: String, whose: &'static str, theirs: String, ours: String },
    /// The dates overlap adoptions that `--replaces` does not name.
    #[error("its dates overlap the adoption of {others} ({refs}); say which it replaces with --replaces ID")]
    Overlaps { others: String, refs: String },
    /// `--replaces` names no adoption whose dates overlap.
    #[error("--replaces {0:?}: no adoption of that id overlaps these dates")]
    ReplacesNothing(String),
    #[error("effective_to {to} must be after effective_from {from}")]
    Dates { from: ChinaDate, to: ChinaDate },
}

impl Adoption {
    pub fn effective_from(&self) -> ChinaDate {
        self.set.effective_from
    }

    pub fn effective_to(&self) -> Option<ChinaDate> {
        self.set.effective_to
    }

    /// Whether its dates and [from, to) share a day.
    pub fn overlaps(&self, from: ChinaDate, to: Option<ChinaDate>) -> bool {
        let ends_after = |end: Option<ChinaDate>, start: ChinaDate| end.is_none_or(|e| start < e);
        ends_after(self.effective_to(), from) && ends_after(to, self.effective_from())
    }
}

impl RuleBook {
    /// This book with the adoptions known at K (any order).
    pub fn with_adoptions(mut self, mut adopted: Vec<Adoption>) -> RuleBook {
        adopted.sort_by_key(|a| a.seq);
        self.adopted = adopted;
        self
    }

    /// The adoptions in the book, in seq order.
    pub fn adoptions(&self) -> &[Adoption] {
        &self.adopted
    }

    /// Every rule set the book knows: installed, then adopted.
    pub fn all_sets(&self) -> impl Iterator<Item = &RuleSet> {
        self.sets.iter().chain(self.adopted.iter().map(|a| &a.set))
    }

    /// The latest adoption in force on V, if any.
    pub(crate) fn adopted_in_force(&self, on: ChinaDate) -> Option<&RuleSet> {
        self.adopted.iter().rev().find(|a| a.set.in_force_on(on)).map(|a| &a.set)
    }

    /// Checks a new adoption of `set` on [from, to) against this book
    /// (built with the adoptions known now): an id names one content, and
    /// overlapping adoptions must all be of the id `replaces` names.
    pub fn check_adoption(&self, set: &RuleSet, from: ChinaDate, to: Option<ChinaDate>, replaces: Option<&str>) -> Result<(), AdoptionError> {
        if let Some(to) = to.filter(|t| *t <= from) {
            return Err(AdoptionError::Dates { from, to });
        }
        let taken = |whose: &'static str, s: &RuleSet| AdoptionError::IdTaken { id: set.id.clone(), whose, theirs: s.sha256.clone(), ours: set.sha256.clone() };
        if let Some(s) = self.sets.iter().find(|s| s.id.eq_ignore_ascii_case(&set.id) && s.sha256 != set.sha256) {
            return Err(taken("a shipped rule set", s));
        }
        if let Some(a) = self.adopted.iter().find(|a| a.set.id.eq_ignore_ascii_case(&set.id) && a.set.sha256 != set.sha256) {
            return Err(taken("adopted", &a.set));
        }
        let overlapping: Vec<&Adoption> = self.adopted.iter().filter(|a| a.overlaps(from, to)).collect();
        let unnamed: Vec<&&Adoption> = overlapping.iter().filter(|a| Some(a.set.id.as_str()) != replaces).collect();
        if !unnamed.is_empty() {
            let mut ids: Vec<&str> = unnamed.iter().map(|a| a.set.id.as_str()).collect();
            ids.dedup();
            let refs: Vec<&str> = unnamed.iter().map(|a| a.reference.as_str()).collect();
            return Err(AdoptionError::Overlaps { others: ids.join(", "), refs: refs.join(", ") });
        }
        match replaces {
            Some(r) if overlapping.is_empty() => Err(AdoptionError::ReplacesNothing(r.to_string())),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> ChinaDate {
        ChinaDate::parse_plain(s).unwrap()
    }

    /// The shipped revised file with another id (and so other bytes).
    fn draft(id: &str) -> RuleSet {
        let text = String::from_utf8(crate::select::SHIPPED[1].1.to_vec()).unwrap().replace("id = \"xpcc-revised\"", &format!("id = \"{id}\""));
        RuleSet::parse("draft", text.as_bytes()).unwrap()
    }

    fn adoption(seq: u64, id: &str, from: &str, to: Option<&str>) -> Adoption {
        let mut set = draft(id);
        set.effective_from = d(from);
        set.effective_to = to.map(d);
        Adoption { seq, reference: format!("ADOPT-{seq}"), replaces: None, set }
    }

    #[test]
    fn issue8_an_adoption_covering_v_wins_over_the_shipped_sets() {
        let book = crate::shipped().unwrap().with_adoptions(vec![adoption(7, "xpcc-2027", "2027-01-01", None)]);
        assert_eq!(book.in_force(d("2026-12-31")).unwrap().id, "xpcc-revised", "before its dates: the shipped default");
        assert_eq!(book.in_force(d("2027-01-01")).unwrap().id, "xpcc-2027");
        assert_eq!(book.by_id("xpcc-2027").unwrap().effective_from, d("2027-01-01"));
    }

    #[test]
    fn issue8_the_later_of_overlapping_adoptions_wins() {
        let book = crate::shipped().unwrap().with_adoptions(vec![
            adoption(9, "b", "2027-06-01", Some("2028-01-01")),
            adoption(3, "a", "2027-01-01", None),
        ]);
        assert_eq!(book.in_force(d("2027-03-01")).unwrap().id, "a");
        assert_eq!(book.in_force(d("2027-06-01")).unwrap().id, "b");
        assert_eq!(book.in_force(d("2028-01-01")).unwrap().id, "a", "b's dates end; a is still in force");
    }

    #[test]
    fn issue8_adoption_checks_ids_and_overlaps() {
        let book = crate::shipped().unwrap().with_adoptions(vec![adoption(3, "a", "2027-01-01", Some("2028-01-01"))]);
        let new = draft("b");
        assert_eq!(book.check_adoption(&new, d("2028-01-01"), None, None), Ok(()), "adjacent dates do not overlap");
        assert!(matches!(book.check_adoption(&new, d("2027-12-31"), None, None), Err(AdoptionError::Overlaps { .. })));
        assert_eq!(book.check_adoption(&new, d("2027-12-31"), None, Some("a")), Ok(()));
        assert_eq!(book.check_adoption(&new, d("2029-01-01"), None, Some("a")), Err(AdoptionError::ReplacesNothing("a".into())));
        let mut other_bytes = draft("a");
        other_bytes.sha256 = "00".repeat(32);
        assert!(matches!(book.check_adoption(&other_bytes, d("2030-01-01"), None, None), Err(AdoptionError::IdTaken { whose: "adopted", .. })));
        let mut revised = draft("xpcc-revised");
        revised.sha256 = "11".repeat(32);
        assert!(matches!(book.check_adoption(&revised, d("2030-01-01"), None, None), Err(AdoptionError::IdTaken { whose: "a shipped rule set", .. })));
        assert!(matches!(book.check_adoption(&new, d("2030-01-01"), Some(d("2030-01-01")), None), Err(AdoptionError::Dates { .. })));
    }
}
