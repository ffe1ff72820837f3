//! `dossier USCC` (一企一档, Art. 15): the enterprise's whole file.

use crate::decisions::{decisions, Decision};
use crate::summary::summary;
use crate::AppealError;
use grading::facts::{identity, licence_class, Licences};
use grading::{diff, resolve, GradeReport, Status};
use model::fact::{Body, Grade, Kind};
use model::{ChinaDate, Points, Record, Seq, Timestamp, Uscc};
use rules::RuleBook;
use serde::Serialize;
use std::collections::HashMap;

/// A licence and its standing on the dossier's date.
#[derive(Clone, Debug, Serialize)]
pub struct LicenceView {
    #[serde(rename = "ref")]
    pub reference: String,
    pub licence_no: String,
    pub product: String,
    pub category: String,
    /// `high`, `elevated` or `general` under the rule set in force on the date.
    pub risk_class: String,
    pub valid_from: ChinaDate,
    pub valid_to: ChinaDate,
    /// (ref, mode, date) of the termination, if any.
    pub terminated: Option<(String, String, ChinaDate)>,
    pub held_on_date: bool,
}

/// A fact of the file with what aims at it (corrections, orders, removals,
/// objections) threaded under it, recursively (an order's completion sits
/// under the order).
#[derive(Clone, Debug, Serialize)]
pub struct FactEntry {
    pub seq: u64,
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: Kind,
    pub occurred_on: ChinaDate,
    pub recorded_at: Timestamp,
    pub source: String,
    pub summary: String,
    pub threads: Vec<FactEntry>,
}

impl FactEntry {
    fn of(r: &Record, children: &HashMap<&str, Vec<&Record>>) -> FactEntry {
        FactEntry {
            seq: r.seq.0,
            reference: r.fact.reference.clone(),
            kind: r.fact.kind(),
            occurred_on: r.fact.occurred_on,
            recorded_at: r.recorded_at,
            source: r.fact.source.to_string(),
            summary: summary(&r.fact.body),
            threads: children.get(r.fact.reference.as_str()).into_iter().flatten().map(|c| FactEntry::of(c, children)).collect(),
        }
    }
}

/// The derived grade at one month end (K = head, R in force then).
#[derive(Clone, Debug, Serialize)]
pub struct HistoryPoint {
    pub on: ChinaDate,
    pub rules_id: String,
    pub grade: Option<Grade>,
    pub score: Option<Points>,
}


/// A month end where the derived grade changed, and why.
#[derive(Clone, Debug, Serialize)]
pub struct GradeChange {
    pub on: ChinaDate,
    pub from: Option<Grade>,
    pub to: Option<Grade>,
    /// What decided the new grade (e.g. `A4 A5`, `D2`, `-`).
    pub decisive: String,
    /// Condition/trigger ids whose verdict changed.
    pub verdicts: Vec<String>,
    /// Facts that started or stopped counting, with the reason when excluded.
    pub facts: Vec<String>,
}

/// The whole file of one enterprise as known now.
#[derive(Clone, Debug, Serialize)]
pub struct Dossier {
    pub enterprise: String,
    pub name: String,
    pub division: String,
    pub scale: Option<String>,
    pub key_catalogue: bool,
    /// The date the file describes (today by default).
    pub as_of: ChinaDate,
    pub known_at_seq: Seq,
    pub licences: Vec<LicenceView>,
    pub facts: Vec<FactEntry>,
    pub decisions: Vec<Decision>,
    pub history: Vec<HistoryPoint>,
    pub changes: Vec<GradeChange>,
}


/// Builds the dossier of `uscc` as of `as_of` with everything known now.
/// `records` are the enterprise's records known at `head` (the ledger head).
/// Facts and decisions dated after `as_of` are left out of the listing;
/// corrections stay threaded under their targets whatever their date, as they
/// act on the target for every date.
pub fn dossier(records: &[Record], uscc: &Uscc, book: &RuleBook, as_of: ChinaDate, head: Seq) -> Result<Dossier, AppealError> {
    if records.is_empty() {
        return Err(AppealError::NotFound(format!("the ledger has no fact of enterprise {uscc}")));
    }
    let resolved = resolve(records);
    let id = identity(&resolved, as_of);
    let no_rules = || AppealError::Rejected("no rule set is installed".into());
    let rules_now = book.in_force(as_of).ok_or_else(no_rules)?;
    let lic = Licences::new(&resolved);
    let licences = resolved
        .facts
        .iter()
        .filter_map(|e| match &e.body {
            Body::LicenceGranted(g) => Some((e, g)),
            _ => None,
        })
        .map(|(e, g)| {
            let terminated = resolved.facts.iter().find_map(|t| match &t.body {
                Body::LicenceTerminated(x) if x.licence_no == g.licence_no && t.void.is_none() => {
                    Some((t.reference().to_string(), x.mode.to_string(), t.occurred_on))
                }
                _ => None,
            });
            LicenceView {
                reference: e.reference().to_string(),
                licence_no: g.licence_no.clone(),
                product: g.product.clone(),
                category: g.category.clone(),
                risk_class: format!("{:?}", licence_class(&e.body, rules_now)).to_lowercase(),
                valid_from: g.valid_from,
                valid_to: g.valid_to,
                terminated,
                held_on_date: e.void.is_none() && lic.held(e, as_of, as_of),
            }
        })
        .collect();

    // Thread every targeted fact under its target (orders → completions nest).
    let by_ref: HashMap<&str, &Record> = records.iter().map(|r| (r.fact.reference.as_str(), r)).collect();
    let mut children: HashMap<&str, Vec<&Record>> = HashMap::new();
    for r in records {
        if let Some(t) = r.fact.body.target().filter(|t| by_ref.contains_key(t)) {
            children.entry(t).or_default().push(r);
        }
    }
    let mut facts: Vec<FactEntry> = records
        .iter()
        .filter(|r| r.fact.body.target().is_none_or(|t| !by_ref.contains_key(t)) && r.fact.kind() != Kind::GradeIssued)
        .filter(|r| r.fact.occurred_on <= as_of)
        .map(|r| FactEntry::of(r, &children))
        .collect();
    facts.sort_by_key(|f| (f.occurred_on, f.seq));

    // Grade history: every month end from the first licence (or fact) to as_of.
    let start = resolved
        .facts
        .iter()
        .filter(|e| matches!(e.body, Body::LicenceGranted(_)))
        .map(|e| e.occurred_on)
        .min()
        .unwrap_or_else(|| records.iter().map(|r| r.fact.occurred_on).min().expect("non-empty"));
    let mut history = Vec::new();
    let mut changes = Vec::new();
    let mut prev: Option<GradeReport> = None;
    let mut v = start.month_end();
    while v <= as_of {
        let rules = book.in_force(v).ok_or_else(no_rules)?;
        let r = grading::grade(uscc.as_str(), records, v, head, rules);
        history.push(HistoryPoint { on: v, rules_id: rules.id.clone(), grade: r.grade, score: r.score });
        if let Some(p) = &prev {
            if p.grade != r.grade {
                changes.push(change(p, &r));
            }
        }
        prev = Some(r);
        v = v.add_days(1).month_end();
    }
    Ok(Dossier {
        enterprise: uscc.to_string(),
        name: id.name,
        division: id.division,
        scale: id.scale.map(|s| s.to_string()),
        key_catalogue: id.key_catalogue,
        as_of,
        known_at_seq: head,
        licences,
        facts,
        decisions: decisions(records).into_iter().filter(|d| d.issued_on <= as_of).collect(),
        history,
        changes,
    })
}

/// Why the grade moved between two month ends.
fn change(a: &GradeReport, b: &GradeReport) -> GradeChange {
    let d = diff(a, b);
    let verdicts = d.conditions.iter().chain(&d.triggers).map(|v| v.id.clone()).collect();
    let facts = d
        .facts
        .iter()
        .filter(|f| {
            let counted = |s: &Option<grading::diff::FactStanding>| s.as_ref().is_some_and(|s| s.status == Status::Counted);
            counted(&f.from) != counted(&f.to)
        })
        .map(|f| match &f.to {
            Some(s) if s.status == Status::Counted => format!("+{}", f.reference),
            Some(s) => format!("−{} ({})", f.reference, s.reason.unwrap_or("context")),
            None => format!("−{}", f.reference),
        })
        .collect();
    GradeChange { on: b.on, from: a.grade, to: b.grade, decisive: b.decisive_reasons(), verdicts, facts }
}
