//! Art. 10 corrections: from the records known at K to each fact's content
//! as corrected, and whether a correction voided or repaired it.

use model::fact::{Body, Kind};
use model::{ChinaDate, Fact, Patch, Record, Seq};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Why a fact is not a basis for grading (DOMAIN.md Art. 10 table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Art. 10(2): the act was revoked or cancelled.
    Revoked,
    /// Art. 10(4): every named part was revoked.
    PartiallyRevoked,
    /// Art. 10(5): recognised as a misjudgment or error, with no replacement.
    Corrected,
    /// Art. 10(7): its valid date is after V.
    AfterEvaluationDate,
    /// Art. 10(7): outside the past-year window (or its period does not reach it).
    OutsideWindow,
    /// Art. 10(6): credit repaired on or before V.
    Repaired,
    /// Art. 10(1): its publicity period is over on V.
    PublicityExpired,
    /// Art. 10(6): its impact period is over on V.
    ImpactExpired,
    /// Art. 10(3): a change replaced the content that made it count.
    Changed,
}

impl Reason {
    /// The clause of the measures behind the reason (DOMAIN.md Art. 10 table).
    pub fn article(self) -> &'static str {
        match self {
            Reason::PublicityExpired => "Art. 10(1)",
            Reason::Revoked => "Art. 10(2)",
            Reason::Changed => "Art. 10(3)",
            Reason::PartiallyRevoked => "Art. 10(4)",
            Reason::Corrected => "Art. 10(5)",
            Reason::Repaired | Reason::ImpactExpired => "Art. 10(6)",
            Reason::AfterEvaluationDate | Reason::OutsideWindow => "Art. 10(7)",
        }
    }

    /// The reason with this code.
    pub fn from_code(code: &str) -> Option<Reason> {
        use Reason::*;
        [Revoked, PartiallyRevoked, Corrected, AfterEvaluationDate, OutsideWindow, Repaired, PublicityExpired, ImpactExpired, Changed]
            .into_iter()
            .find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Reason::Revoked => "revoked",
            Reason::PartiallyRevoked => "partially_revoked",
            Reason::Corrected => "corrected",
            Reason::AfterEvaluationDate => "after_evaluation_date",
            Reason::OutsideWindow => "outside_window",
            Reason::Repaired => "repaired",
            Reason::PublicityExpired => "publicity_expired",
            Reason::ImpactExpired => "impact_expired",
            Reason::Changed => "changed",
        }
    }
}

/// A correction's mark on a fact: the reason and the correcting fact's ref.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub reason: Reason,
    pub by: String,
    pub seq: Seq,
}

/// A fact as corrected by every correction known at K.
#[derive(Clone, Debug)]
pub struct Effective<'a> {
    pub record: &'a Record,
    /// Valid date as corrected (a clerical correction may move it).
    pub occurred_on: ChinaDate,
    /// Kind-specific content as changed / partially revoked / corrected.
    pub body: Body,
    /// The earliest voiding correction in effect, if any.
    pub void: Option<Mark>,
    /// The earliest credit repair: (its valid date, mark).
    pub repair: Option<(ChinaDate, Mark)>,
    /// The last change or correction that replaced content.
    pub altered: Option<Mark>,
    /// The last correction that moved the valid date (a clerical error).
    pub date_moved: Option<Mark>,
}

impl Effective<'_> {
    pub fn fact(&self) -> &Fact {
        &self.record.fact
    }
    pub fn reference(&self) -> &str {
        &self.record.fact.reference
    }
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
    pub fn seq(&self) -> Seq {
        self.record.seq
    }
}

/// The records of one enterprise known at K, resolved.
pub struct Resolved<'a> {
    /// Every non-correction fact, in seq order.
    pub facts: Vec<Effective<'a>>,
    /// Fact index by ref, built when first needed: most enterprises have no
    /// correction, and most gradings never look a fact up by its ref.
    index: OnceLock<RefIndex<'a>>,
}

type RefIndex<'a> = HashMap<&'a str, usize>;

/// The index of `facts` by ref.
fn index_of<'a>(facts: &[Effective<'a>]) -> RefIndex<'a> {
    facts.iter().enumerate().map(|(i, e)| (e.record.fact.reference.as_str(), i)).collect()
}

impl<'a> Resolved<'a> {
    pub fn get(&self, reference: &str) -> Option<&Effective<'a>> {
        self.index.get_or_init(|| index_of(&self.facts)).get(reference).map(|&i| &self.facts[i])
    }
}

struct Revocation {
    target: usize,
    mark: Mark,
    withdrawn: bool,
}

/// Applies the corrections among `records` (seq order, all known at K) to the
/// facts they target. Every correction was checked when it was recorded
/// (target known, of this enterprise, recorded earlier; a patch typed by the
/// target's kind), so the fold applies each as recorded and never
/// re-validates: a stored fact is a fact.
pub fn resolve(records: &[Record]) -> Resolved<'_> {
    let mut facts: Vec<Effective> = Vec::with_capacity(records.len());
    // Built at the first correction, then kept up to date.
    let mut index: Option<RefIndex> = None;
    let mut revocations: Vec<Revocation> = Vec::new();
    let mut revocation_index: HashMap<&str, usize> = HashMap::new();
    let mut other_voids: Vec<(usize, Mark)> = Vec::new();

    for r in records {
        let f = &r.fact;
        let mark = |reason| Mark { reason, by: f.reference.clone(), seq: r.seq };
        // The fact a correction aims at (other targeted kinds, e.g. a
        // rectification order, are facts themselves: not looked up here).
        let corrects = matches!(
            f.body,
            Body::ActRevoked(_) | Body::ActChanged(_) | Body::RecordCorrected(_) | Body::ActPartiallyRevoked(_) | Body::CreditRepaired(_)
        );
        let target = match f.body.target() {
            Some(t) if corrects => index.get_or_insert_with(|| index_of(&facts)).get(t).copied(),
            _ => None,
        };
        match &f.body {
            Body::ActRevoked(_) => {
                if let Some(t) = target {
                    revocation_index.insert(&f.reference, revocations.len());
                    revocations.push(Revocation { target: t, mark: mark(Reason::Revoked), withdrawn: false });
                }
            }
            Body::RevocationWithdrawn(w) => {
                if let Some(&i) = revocation_index.get(w.target.as_str()) {
                    revocations[i].withdrawn = true;
                }
            }
            Body::ActChanged(c) => {
                if let Some(t) = target {
                    apply_patch(&mut facts[t], &c.changes, mark(Reason::Changed));
                }
            }
            Body::RecordCorrected(c) => {
                if let Some(t) = target {
                    match &c.corrected {
                        Some(p) => apply_patch(&mut facts[t], p, mark(Reason::Corrected)),
                        None => other_voids.push((t, mark(Reason::Corrected))),
                    }
                }
            }
            Body::ActPartiallyRevoked(p) => {
                if let Some(t) = target {
                    if p.parts.remove_from(&mut facts[t].body) {
                        other_voids.push((t, mark(Reason::PartiallyRevoked)));
                    }
                }
            }
            Body::CreditRepaired(_) => {
                if let Some(t) = target {
                    let e = &mut facts[t];
                    let earlier = e.repair.as_ref().is_none_or(|(d, _)| f.occurred_on < *d);
                    if earlier {
                        e.repair = Some((f.occurred_on, mark(Reason::Repaired)));
                    }
                }
            }
            _ => {
                if let Some(index) = &mut index {
                    index.insert(&f.reference, facts.len());
                }
                facts.push(Effective {
                    record: r,
                    occurred_on: f.occurred_on,
                    body: f.body.clone(),
                    void: None,
                    repair: None,
                    altered: None,
                    date_moved: None,
                });
            }
        }
    }
    let active = revocations.into_iter().filter(|v| !v.withdrawn).map(|v| (v.target, v.mark));
    for (t, m) in active.chain(other_voids) {
        let e = &mut facts[t];
        if e.void.as_ref().is_none_or(|old| m.seq < old.seq) {
            e.void = Some(m);
        }
    }
    let index = index.map(OnceLock::from).unwrap_or_default();
    Resolved { facts, index }
}

/// Replaces the patched fields of the fact's current content and, for a
/// clerical correction, its valid date. Never validates (see `resolve`).
fn apply_patch(e: &mut Effective, patch: &Patch, mark: Mark) {
    let date = patch.apply(&mut e.body, e.occurred_on);
    if date != e.occurred_on {
        e.occurred_on = date;
        e.date_moved = Some(mark.clone());
    }
    e.altered = Some(mark);
}
