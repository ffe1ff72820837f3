//! `review REF`: re-derive an issued grade from its recorded (V, K, R),
//! check that it reproduces exactly, then show what current knowledge changes.

use crate::decisions::{decisions, Decision};
use crate::AppealError;
use grading::{diff, GradeReport, ReportDiff};
use model::fact::Body;
use model::{ChinaDate, Seq};
use rules::RuleBook;
use serde::Serialize;
use store::Ledger;

/// Whether the issued grade re-derives exactly, and if not, why.
#[derive(Clone, Debug, Serialize)]
pub struct Reproduction {
    /// Grade, score and report hash all equal, rules and ledger untouched.
    pub matches: bool,
    /// Every discrepancy, one sentence each (empty when it matches).
    pub problems: Vec<String>,
    /// The re-derived report's hash.
    pub report_sha256: Option<String>,
}

/// A review of one decision.
#[derive(Clone, Debug, Serialize)]
pub struct Review {
    /// The ref the review was asked for (a decision or an objection).
    pub asked: String,
    pub decision: Decision,
    pub reproduction: Reproduction,
    /// The re-derived report, as of the recorded (V, K, R).
    pub issued: Option<GradeReport>,
    /// The grade as of the same V and R with everything known now.
    pub current: GradeReport,
    /// From the issued report to the current one.
    pub changes: Option<ReportDiff>,
    /// Things a reviewer should notice, e.g. an upheld objection whose
    /// correcting facts have not been recorded yet.
    pub notes: Vec<String>,
}

/// Reviews the decision `reference` names: a `grade_issued`, or an
/// objection (filed or decided) to one. `book` holds the rule sets the
/// reviewer trusts (shipped, plus any file given).
pub fn review(ledger: &Ledger, book: &RuleBook, reference: &str) -> Result<Review, AppealError> {
    let record = ledger
        .record_by_ref(reference)?
        .ok_or_else(|| AppealError::Rejected(format!("no fact with ref {reference:?} is in the ledger")))?;
    let decision_ref = match &record.fact.body {
        Body::GradeIssued(_) => reference.to_string(),
        Body::ObjectionFiled(o) => o.target.clone(),
        Body::ObjectionDecided(d) => match ledger.record_by_ref(&d.target)?.map(|r| r.fact.body) {
            Some(Body::ObjectionFiled(o)) => o.target,
            _ => return Err(AppealError::Rejected(format!("{reference:?} decides no known objection"))),
        },
        _ => {
            return Err(AppealError::Rejected(format!(
                "{reference:?} is a fact of kind {}; review takes a grade_issued, objection_filed or objection_decided ref",
                record.fact.kind()
            )))
        }
    };
    let uscc = record.fact.enterprise;
    let head = ledger.head()?.seq;
    let records = ledger.enterprise_records(&uscc, head)?;
    let decision = decisions(&records)
        .into_iter()
        .find(|d| d.reference == decision_ref)
        .ok_or_else(|| AppealError::Rejected(format!("{decision_ref:?} is not a grade decision of {uscc}")))?;
    let g = &decision.decision;
    let on = ChinaDate::from_ymd(g.year, 12, 31).ok_or_else(|| AppealError::Rejected(format!("decision year {} is not a year", g.year)))?;
    let k = Seq(g.known_at_seq);

    let mut problems = Vec::new();
    // The ledger up to K: the chain hash at K, and every fact of the enterprise intact.
    match ledger.record(k)? {
        Some(r) if hex::encode(r.hash) == g.head_hash => {}
        Some(r) => problems.push(format!("the ledger's chain hash at seq {k} is {}, the decision recorded {}", hex::encode(r.hash), g.head_hash)),
        None if k.0 == 0 && g.head_hash == hex::encode([0u8; 32]) => {}
        None => problems.push(format!("the ledger has no record at seq {k}, the decision's knowledge cut")),
    }
    // A record altered and resealed breaks the link from the next record; a
    // whole resealed suffix changes the hash at K, checked above.
    for r in records.iter().filter(|r| r.seq <= k) {
        let back = match r.seq.0 {
            1 => r.prev_hash == [0u8; 32],
            n => ledger.record(Seq(n - 1))?.is_some_and(|p| p.hash == r.prev_hash),
        };
        let forward = match ledger.record(Seq(r.seq.0 + 1))? {
            Some(next) => next.prev_hash == r.hash,
            None => r.seq == head,
        };
        if !r.hash_is_valid() || !back || !forward {
            problems.push(format!("record seq {} ({}) no longer matches the hash chain: the ledger was altered", r.seq, r.fact.reference));
        }
    }
    // The rule set: same id and the same bytes.
    let same_id: Vec<_> = book.sets().iter().filter(|s| s.id == g.rules_id).collect();
    let rules = match same_id.iter().find(|s| s.sha256 == g.rules_sha256) {
        Some(r) => Some(*r),
        None => {
            match same_id.first() {
                Some(r) => problems.push(format!(
                    "rule set {} now has sha256 {}, the decision was graded under {}",
                    g.rules_id, r.sha256, g.rules_sha256
                )),
                None => problems.push(format!("rule set {} is not installed; give its file with --rules", g.rules_id)),
            }
            same_id.first().copied()
        }
    };
    let Some(rules) = rules else {
        let fallback = book.in_force(on).ok_or_else(|| AppealError::Rejected("no rule set is installed".into()))?;
        let current = grading::grade(uscc.as_str(), &records, on, head, fallback);
        let notes = vec![format!("the current grade is graded under {}, the set in force on {on}, not the decision's {}", fallback.id, g.rules_id)];
        return Ok(Review {
            asked: reference.to_string(),
            decision,
            reproduction: Reproduction { matches: false, problems, report_sha256: None },
            issued: None,
            current,
            changes: None,
            notes,
        });
    };
    let issued = grading::grade(uscc.as_str(), &records, on, k, rules);
    if issued.grade != Some(g.grade) {
        problems.push(format!("re-derived grade {} differs from the issued {}", issued.grade.map(|x| x.to_string()).unwrap_or("none".into()), g.grade));
    }
    if issued.score != Some(g.score) {
        problems.push(format!("re-derived score {} differs from the issued {}", issued.score.map(|x| x.to_string()).unwrap_or("none".into()), g.score));
    }
    let sha = issued.sha256();
    if sha != g.report_sha256 {
        problems.push(format!("re-derived report hash {sha} differs from the issued {}", g.report_sha256));
    }
    let current = grading::grade(uscc.as_str(), &records, on, head, rules);
    let changes = diff(&issued, &current);
    let notes = decision
        .objections
        .iter()
        .filter(|o| o.decided.as_ref().is_some_and(|x| x.outcome == model::fact::Outcome::Upheld) && changes.facts.is_empty())
        .map(|o| format!("objection {} was upheld, but no correcting fact recorded since changes the basis of the grade", o.reference))
        .collect();
    Ok(Review {
        asked: reference.to_string(),
        decision,
        reproduction: Reproduction { matches: problems.is_empty(), problems, report_sha256: Some(sha) },
        issued: Some(issued),
        current,
        changes: Some(changes),
        notes,
    })
}
