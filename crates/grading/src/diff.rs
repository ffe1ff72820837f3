//! What changed between two grade reports of one enterprise: two knowledge
//! cuts, two rule sets or two dates (appeal review, replay). Pure.

use crate::report::{Event, GradeReport, Status};
use crate::resolve::Reason;
use model::fact::Grade;
use model::{ChinaDate, Points, Seq};
use serde::Serialize;


/// One side of a comparison: the question and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    pub on: ChinaDate,
    pub known_at_seq: Seq,
    pub rules_id: String,
    pub rules_sha256: String,
    pub in_scope: bool,
    pub grade: Option<Grade>,
    pub score: Option<Points>,
    /// Short account of what decided the grade.
    pub decisive: String,
}

impl Side {
    fn of(r: &GradeReport) -> Side {
        Side {
            on: r.on,
            known_at_seq: r.known_at_seq,
            rules_id: r.rules.id.clone(),
            rules_sha256: r.rules.sha256.clone(),
            in_scope: r.in_scope,
            grade: r.grade,
            score: r.score,
            decisive: r.decisive_reasons(),
        }
    }
}

/// A dimension whose deduction differs (`None` = not in that rule set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DimensionChange {
    pub id: String,
    pub from: Option<Points>,
    pub to: Option<Points>,
}

/// A condition whose verdict differs (`met` for A/B, `fired` for D).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerdictChange {
    pub id: String,
    pub from: Option<bool>,
    pub to: Option<bool>,
    /// Evidence on the `to` side.
    pub evidence: Vec<String>,
}

/// A fact's standing on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactStanding {
    pub status: Status,
    pub reason: Option<&'static str>,
    pub by: Option<String>,
}

/// A fact whose status differs, or that only one side knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactChange {
    pub seq: Seq,
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: model::fact::Kind,
    /// `None` = not known on that side.
    pub from: Option<FactStanding>,
    pub to: Option<FactStanding>,
    /// The clause behind the `to` side's exclusion, e.g. "Art. 10(2)".
    pub article: Option<&'static str>,
}

/// The differences between report `a` (from) and report `b` (to).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportDiff {
    pub enterprise: String,
    pub from: Side,
    pub to: Side,
    pub grade_changed: bool,
    pub score_changed: bool,
    pub dimensions: Vec<DimensionChange>,
    pub conditions: Vec<VerdictChange>,
    pub triggers: Vec<VerdictChange>,
    /// The overdue raise on each side, as "A→B" (null = none).
    pub adjustment: (Option<String>, Option<String>),
    pub facts: Vec<FactChange>,
}

impl ReportDiff {
    /// Whether anything at all differs.
    pub fn is_empty(&self) -> bool {
        !self.grade_changed
            && !self.score_changed
            && self.dimensions.is_empty()
            && self.conditions.is_empty()
            && self.triggers.is_empty()
            && self.adjustment.0 == self.adjustment.1
            && self.facts.is_empty()
    }
}

fn standing(e: &Event) -> FactStanding {
    FactStanding { status: e.status, reason: e.reason, by: e.by.clone() }
}

/// Compares two reports of the same enterprise.
pub fn diff(a: &GradeReport, b: &GradeReport) -> ReportDiff {
    let mut dimensions = Vec::new();
    let mut ids: Vec<&str> = a.dimensions.iter().map(|d| d.id.as_str()).collect();
    ids.extend(b.dimensions.iter().map(|d| d.id.as_str()).filter(|id| !a.dimensions.iter().any(|d| d.id == *id)));
    for id in ids {
        let from = a.dimensions.iter().find(|d| d.id == id).map(|d| d.deduction);
        let to = b.dimensions.iter().find(|d| d.id == id).map(|d| d.deduction);
        if from != to {
            dimensions.push(DimensionChange { id: id.to_string(), from, to });
        }
    }
    let verdicts = |xa: Vec<(&str, bool)>, xb: Vec<(&str, bool, &Vec<String>)>| {
        let mut out = Vec::new();
        let mut ids: Vec<&str> = xa.iter().map(|x| x.0).collect();
        ids.extend(xb.iter().map(|x| x.0).filter(|id| !xa.iter().any(|x| x.0 == *id)));
        for id in ids {
            let from = xa.iter().find(|x| x.0 == id).map(|x| x.1);
            let tb = xb.iter().find(|x| x.0 == id);
            let to = tb.map(|x| x.1);
            if from != to {
                out.push(VerdictChange { id: id.to_string(), from, to, evidence: tb.map(|x| x.2.clone()).unwrap_or_default() });
            }
        }
        out
    };
    let conditions = verdicts(
        a.conditions.iter().map(|c| (c.id.as_str(), c.met)).collect(),
        b.conditions.iter().map(|c| (c.id.as_str(), c.met, &c.evidence)).collect(),
    );
    let triggers = verdicts(
        a.triggers.iter().map(|t| (t.id.as_str(), t.fired)).collect(),
        b.triggers.iter().map(|t| (t.id.as_str(), t.fired, &t.evidence)).collect(),
    );
    let adj = |r: &GradeReport| r.adjustments.first().map(|x| format!("{}→{}", x.from, x.to));
    let mut facts = Vec::new();
    for eb in &b.events {
        let ea = a.events.iter().find(|e| e.reference == eb.reference);
        let (from, to) = (ea.map(standing), Some(standing(eb)));
        // A fact only one side knows matters only when it does something.
        let noise = ea.is_none() && eb.status == Status::Context;
        if from != to && !noise {
            let article = eb.reason.and_then(Reason::from_code).map(Reason::article);
            facts.push(FactChange { seq: eb.seq, reference: eb.reference.clone(), kind: eb.kind, from, to, article });
        }
    }
    for ea in a.events.iter().filter(|ea| ea.status != Status::Context && !b.events.iter().any(|e| e.reference == ea.reference)) {
        facts.push(FactChange { seq: ea.seq, reference: ea.reference.clone(), kind: ea.kind, from: Some(standing(ea)), to: None, article: None });
    }
    facts.sort_by_key(|f| f.seq);
    ReportDiff {
        enterprise: b.enterprise.clone(),
        from: Side::of(a),
        to: Side::of(b),
        grade_changed: a.grade != b.grade,
        score_changed: a.score != b.score,
        dimensions,
        conditions,
        triggers,
        adjustment: (adj(a), adj(b)),
        facts,
    }
}
