//! Issued grades and objections as read from the ledger.

use model::fact::{Body, GradeIssued, Outcome};
use model::{ChinaDate, Record, Timestamp};
use serde::Serialize;

/// A `grade_issued` decision record, with what superseded it.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    #[serde(rename = "ref")]
    pub reference: String,
    pub seq: u64,
    pub enterprise: String,
    /// The issue date (valid date of the record).
    pub issued_on: ChinaDate,
    pub recorded_at: Timestamp,
    /// The decision record's fields (CONTRACT.md §1 `grade_issued`).
    pub decision: GradeIssued,
    pub superseded_by: Option<String>,
    pub objections: Vec<Objection>,
}

/// An objection to a decision and, once decided, its outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Objection {
    #[serde(rename = "ref")]
    pub reference: String,
    pub seq: u64,
    pub filed_on: ChinaDate,
    pub grounds: String,
    /// The decision on it, once taken.
    pub decided: Option<Ruling>,
}

/// An `objection_decided` fact.
#[derive(Clone, Debug, Serialize)]
pub struct Ruling {
    #[serde(rename = "ref")]
    pub reference: String,
    pub outcome: Outcome,
    pub on: ChinaDate,
}

/// The decisions among one enterprise's records (seq order), with their
/// objections and supersessions.
pub fn decisions(records: &[Record]) -> Vec<Decision> {
    let mut out: Vec<Decision> = records
        .iter()
        .filter_map(|r| match &r.fact.body {
            Body::GradeIssued(g) => Some(Decision {
                reference: r.fact.reference.clone(),
                seq: r.seq.0,
                enterprise: r.fact.enterprise.to_string(),
                issued_on: r.fact.occurred_on,
                recorded_at: r.recorded_at,
                decision: g.clone(),
                superseded_by: None,
                objections: Vec::new(),
            }),
            _ => None,
        })
        .collect();
    for r in records {
        match &r.fact.body {
            Body::GradeIssued(g) => {
                if let Some(old) = &g.supersedes {
                    if let Some(d) = out.iter_mut().find(|d| &d.reference == old) {
                        d.superseded_by = Some(r.fact.reference.clone());
                    }
                }
            }
            Body::ObjectionFiled(o) => {
                if let Some(d) = out.iter_mut().find(|d| d.reference == o.target) {
                    d.objections.push(Objection {
                        reference: r.fact.reference.clone(),
                        seq: r.seq.0,
                        filed_on: r.fact.occurred_on,
                        grounds: o.grounds.clone(),
                        decided: None,
                    });
                }
            }
            Body::ObjectionDecided(x) => {
                for d in &mut out {
                    if let Some(o) = d.objections.iter_mut().find(|o| o.reference == x.target) {
                        o.decided = Some(Ruling { reference: r.fact.reference.clone(), outcome: x.outcome, on: r.fact.occurred_on });
                    }
                }
            }
            _ => {}
        }
    }
    out
}
