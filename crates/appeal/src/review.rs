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

/// What differs when an issued grade does not re-derive exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// Stored bytes were altered: a record no longer matches the hash chain
    /// (tampering or damage).
    StoredBytes,
    /// The facts graded differ: the chain hash at K or the enterprise's
    /// records known at K are not those the decision recorded.
    Facts,
    /// The rule set differs: its bytes are not those graded, or it is not
    /// installed.
    Rules,
    /// Same facts and rules, but this engine or its report encoding is not
    /// the one that issued the decision: a software change, not tampering.
    EngineOrReportFormat,
}

impl Cause {
    /// A short label for tables, e.g. `engine/report format changed`.
    pub fn label(self) -> &'static str {
        match self {
            Cause::StoredBytes => "stored bytes altered (tampering or damage)",
            Cause::Facts => "facts differ",
            Cause::Rules => "rule set differs",
            Cause::EngineOrReportFormat => "engine/report format changed",
        }
    }
}

/// Whether the issued grade re-derives exactly, and if not, why.
#[derive(Clone, Debug, Serialize)]
pub struct Reproduction {
    /// Grade, score and report hash all equal, rules and ledger untouched.
    pub matches: bool,
    /// What differs, most fundamental first (empty when it matches).
    pub causes: Vec<Cause>,
    /// Every discrepancy, one sentence each (empty when it matches).
    pub problems: Vec<String>,
    /// Whether the re-derived grade and score equal the issued ones (null
    /// when nothing could be re-derived).
    pub grade_and_score_reproduce: Option<bool>,
    /// The re-derived report's hash, in the decision's report format.
    pub report_sha256: Option<String>,
    /// The engine that issued the decision, and this one.
    pub issued_by_engine: String,
    pub this_engine: String,
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
/// reviewer trusts (shipped, plus any file given). "Now" is the ledger's head.
pub fn review(ledger: &Ledger, book: &RuleBook, reference: &str) -> Result<Review, AppealError> {
    review_at(ledger, book, reference, ledger.head()?.seq)
}

/// [`review`] with "now" the ledger position `now` (≤ the head): what
/// changed since the decision is what was known at `now`, so a page that
/// names its K gives the same review later. A ref recorded after `now` is
/// not known yet.
pub fn review_at(ledger: &Ledger, book: &RuleBook, reference: &str, now: Seq) -> Result<Review, AppealError> {
    let unknown = || AppealError::NotFound(format!("no fact with ref {reference:?} is in the ledger"));
    let record = ledger.record_by_ref(reference)?.filter(|r| r.seq <= now).ok_or_else(unknown)?;
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
    let records = ledger.enterprise_records(&uscc, now)?;
    let decision = decisions(&records)
        .into_iter()
        .find(|d| d.reference == decision_ref)
        .ok_or_else(|| AppealError::Rejected(format!("{decision_ref:?} is not a grade decision of {uscc}")))?;
    let g = &decision.decision.clone();
    // V as recorded in the decision, never rebuilt.
    let on: ChinaDate = g.on;
    let k = Seq(g.known_at_seq);

    let mut problems = Vec::new();
    let mut causes = Vec::new();
    // The ledger up to K: the chain hash at K, and every fact of the enterprise intact.
    match ledger.record(k)? {
        Some(r) if hex::encode(r.hash) == g.head_hash => {}
        Some(r) => {
            causes.push(Cause::Facts);
            problems.push(format!("the ledger's chain hash at seq {k} is {}, the decision recorded {}", hex::encode(r.hash), g.head_hash))
        }
        None if k.0 == 0 && g.head_hash == hex::encode([0u8; 32]) => {}
        None => {
            causes.push(Cause::Facts);
            problems.push(format!("the ledger has no record at seq {k}, the decision's knowledge cut"))
        }
    }
    if let Some(basis) = &g.basis_sha256 {
        let now = grading::basis_sha256(&records, k);
        if &now != basis {
            causes.push(Cause::Facts);
            problems.push(format!("the enterprise's records known at K = {k} hash to {now}, the decision recorded {basis}: the facts graded are not these"));
        }
    }
    // A record altered and resealed breaks the link from the next record; a
    // whole resealed suffix changes the hash at K, checked above.
    // The records known at K, and the decision record itself.
    for r in records.iter().filter(|r| r.seq <= k || r.fact.reference == decision_ref) {
        let back = match r.seq.0 {
            1 => r.prev_hash == [0u8; 32],
            n => ledger.record(Seq(n - 1))?.is_some_and(|p| p.hash == r.prev_hash),
        };
        let forward = match ledger.record(Seq(r.seq.0 + 1))? {
            Some(next) => next.prev_hash == r.hash,
            None => r.seq == now,
        };
        if !r.hash_is_valid() || !back || !forward {
            causes.push(Cause::StoredBytes);
            problems.push(format!("record seq {} ({}) no longer matches the hash chain: the ledger was altered", r.seq, r.fact.reference));
        }
    }
    // The rule set: same id and the same bytes, shipped or adopted in the
    // ledger (whose bytes are the ledger's, not a file's beside the binary).
    let same_id: Vec<_> = book.all_sets().filter(|s| s.id == g.rules_id).collect();
    let rules = match same_id.iter().find(|s| s.sha256 == g.rules_sha256) {
        Some(r) => Some(*r),
        None => {
            causes.push(Cause::Rules);
            match same_id.first() {
                Some(r) => problems.push(format!(
                    "rule set {} now has sha256 {}, the decision was graded under {}",
                    g.rules_id, r.sha256, g.rules_sha256
                )),
                None => problems.push(format!(
                    "rule set {} (sha256 {}) is neither shipped nor adopted in the ledger; give its file with --rules",
                    g.rules_id, g.rules_sha256
                )),
            }
            same_id.first().copied()
        }
    };
    let Some(rules) = rules else {
        let fallback = book.in_force(on).ok_or_else(|| AppealError::Rejected("no rule set is installed".into()))?;
        let current = grading::grade(uscc.as_str(), &records, on, now, fallback);
        let notes = vec![format!("the current grade is graded under {}, the set in force on {on}, not the decision's {}", fallback.id, g.rules_id)];
        return Ok(Review {
            asked: reference.to_string(),
            decision,
            reproduction: reproduction(causes, problems, None, None, &g.clone()),
            issued: None,
            current,
            changes: None,
            notes,
        });
    };
    // Re-derived as the issuing engine graded (its semantics, by version).
    let semantics = grading::Semantics::of_engine(&g.engine_version);
    let (issued, _) = grading::grade_under(semantics, uscc.as_str(), &records, on, k, rules);
    if issued.grade != Some(g.grade) {
        problems.push(format!("re-derived grade {} differs from the issued {}", issued.grade.map(|x| x.to_string()).unwrap_or("none".into()), g.grade));
    }
    if issued.score != Some(g.score) {
        problems.push(format!("re-derived score {} differs from the issued {}", issued.score.map(|x| x.to_string()).unwrap_or("none".into()), g.score));
    }
    let grade_and_score = issued.grade == Some(g.grade) && issued.score == Some(g.score);
    let sha = grading::report_sha256(&issued, g.report_format);
    match &sha {
        None => problems.push(format!(
            "the decision's report format {} is not known to {}, which writes format {}",
            g.report_format,
            grading::ENGINE_VERSION,
            grading::REPORT_FORMAT
        )),
        Some(sha) if *sha != g.report_sha256 => {
            problems.push(format!("re-derived report hash {sha} (format {}) differs from the issued {}", g.report_format, g.report_sha256))
        }
        Some(_) => {}
    }
    let report_differs = !grade_and_score || sha.as_deref() != Some(g.report_sha256.as_str());
    // With the facts, the rules and the stored bytes intact, a report that
    // differs can only come from the software that derived it.
    if report_differs && causes.is_empty() {
        causes.push(Cause::EngineOrReportFormat);
        problems.push(if g.engine_version == grading::ENGINE_VERSION && g.report_format == grading::REPORT_FORMAT {
            format!("facts, rules and stored bytes are intact and the engine ({}) is the one that issued it: the engine is not deterministic, a bug", g.engine_version)
        } else {
            format!(
                "facts, rules and stored bytes are intact: the engine or report format changed (issued by {}, report format {}; this is {}, format {}){}",
                g.engine_version,
                g.report_format,
                grading::ENGINE_VERSION,
                grading::REPORT_FORMAT,
                if grade_and_score { "; the grade and score still reproduce" } else { "" }
            )
        });
    }
    let current = grading::grade(uscc.as_str(), &records, on, now, rules);
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
        reproduction: reproduction(causes, problems, Some(grade_and_score), sha, g),
        issued: Some(issued),
        current,
        changes: Some(changes),
        notes,
    })
}

fn reproduction(mut causes: Vec<Cause>, problems: Vec<String>, grade_and_score: Option<bool>, sha: Option<String>, g: &model::fact::GradeIssued) -> Reproduction {
    causes.sort();
    causes.dedup();
    Reproduction {
        matches: problems.is_empty(),
        causes,
        problems,
        grade_and_score_reproduce: grade_and_score,
        report_sha256: sha,
        issued_by_engine: g.engine_version.clone(),
        this_engine: grading::ENGINE_VERSION.to_string(),
    }
}
