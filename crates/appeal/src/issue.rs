//! `issue --year Y`: the official annual run (Art. 15) as decision records.

use crate::decisions::decisions;
use crate::AppealError;
use model::fact::{Body, Grade, GradeIssued, Source};
use model::{ChinaDate, Fact, Record, Seq, Timestamp};
use rules::RuleSet;
use std::collections::BTreeMap;
use store::Ledger;

/// What an annual run recorded.
#[derive(Debug)]
pub struct IssueOutcome {
    pub year: i32,
    /// V: the rule set's evaluation date for the year (31 December).
    pub on: ChinaDate,
    /// K = the ledger head when the run started.
    pub known_at: Seq,
    pub head_hash: String,
    pub rules_id: String,
    pub rules_sha256: String,
    /// The appended `grade_issued` records, one per enterprise in scope.
    pub records: Vec<Record>,
    /// How many of them replace an earlier decision.
    pub superseding: usize,
    /// Earlier decisions of the year left standing: their enterprise is no
    /// longer in scope on V, so no new decision replaces them.
    pub unreplaced: Vec<String>,
    /// Enterprises with facts but no `enterprise_registered` known at K:
    /// out of scope, skipped (CONTRACT.md §2).
    pub unregistered: usize,
    pub distribution: BTreeMap<Grade, usize>,
}

/// Grades every enterprise as of (31 Dec `year`, head, `rules`) and appends
/// one `grade_issued` per enterprise in scope, all in one atomic batch.
/// Refused when the year was issued before, unless `supersede`: then each
/// new record names the decision it replaces.
pub fn issue(ledger: &Ledger, rules: &RuleSet, year: i32, supersede: bool, now: Timestamp) -> Result<IssueOutcome, AppealError> {
    // V comes from the rule set's own annual run (Art. 15), and is recorded.
    let (on, (opens, _)) = rules
        .annual_run
        .evaluation_date(year)
        .zip(rules.annual_run.run_dates(year))
        .ok_or_else(|| AppealError::Rejected(format!("year {year} is outside the calendar")))?;
    if now.china_date() < opens {
        return Err(AppealError::Rejected(format!(
            "year {year} cannot be issued yet: under {} ({}) its official run takes place from {opens}",
            rules.id,
            rules.annual_run.as_str()
        )));
    }
    let head = ledger.head()?;
    if head.recorded_at.is_some_and(|t| t > now) {
        return Err(AppealError::Rejected(format!("the clock ({now}) is behind the ledger head's recorded time")));
    }
    let by_enterprise = ledger.all_by_enterprise(head.seq)?;
    let first = by_enterprise.values().flatten().map(|r| r.fact.occurred_on).min();
    if first.is_none_or(|f| on < f) {
        return Err(AppealError::Rejected(format!(
            "year {year} is outside the ledger's range (its first fact is dated {})",
            first.map(|f| f.to_string()).unwrap_or_else(|| "never: the ledger is empty".into())
        )));
    }
    let issued_on = now.china_date();
    let mut facts = Vec::new();
    let mut superseding = 0;
    let mut earlier_total = 0;
    let mut distribution = BTreeMap::new();
    let mut unreplaced = Vec::new();
    let mut unregistered = 0;
    for (uscc, records) in &by_enterprise {
        let earlier: Vec<_> = decisions(records).into_iter().filter(|d| d.decision.year == year).collect();
        earlier_total += earlier.len();
        let current = earlier.iter().filter(|d| d.superseded_by.is_none()).max_by_key(|d| d.seq);
        let (report, out_of_scope) = grading::grade_and_scope(uscc.as_str(), records, on, head.seq, rules);
        unregistered += usize::from(out_of_scope == Some(grading::OutOfScope::NotRegistered));
        let report_sha256 = report.sha256();
        let (Some(grade), Some(score)) = (report.grade, report.score) else {
            unreplaced.extend(current.map(|d| d.reference.clone()));
            continue;
        };
        *distribution.entry(grade).or_default() += 1;
        if current.is_some() {
            superseding += 1;
        }
        let mut n = earlier.len() + 1;
        while ledger.seq_of_ref(&format!("GRADE-{year}-{uscc}-{n}"))?.is_some() {
            n += 1;
        }
        facts.push((
            now,
            Fact {
                reference: format!("GRADE-{year}-{uscc}-{n}"),
                enterprise: *uscc,
                occurred_on: issued_on,
                source: Source::Manual,
                note: Some(format!("annual grading of {year} (Art. 15)")),
                body: Body::GradeIssued(GradeIssued {
                    year,
                    on,
                    grade,
                    score,
                    rules_id: rules.id.clone(),
                    rules_sha256: rules.sha256.clone(),
                    known_at_seq: head.seq.0,
                    head_hash: hex::encode(head.hash),
                    basis_sha256: Some(grading::basis_sha256(records, head.seq)),
                    engine_version: grading::ENGINE_VERSION.to_string(),
                    report_format: grading::REPORT_FORMAT,
                    report_sha256,
                    supersedes: current.map(|d| d.reference.clone()),
                }),
            },
        ));
    }
    if earlier_total > 0 && !supersede {
        return Err(AppealError::Rejected(format!(
            "{year} was already issued ({earlier_total} decision records); give --supersede to record new decisions that replace them"
        )));
    }
    if supersede && earlier_total == 0 {
        return Err(AppealError::Rejected(format!(
            "--supersede was given, but no decision of {year} was issued before; issue it without --supersede"
        )));
    }
    if facts.is_empty() {
        return Err(AppealError::Rejected(format!("no enterprise is in scope on {on} under {}; nothing to issue", rules.id)));
    }
    let records = ledger.append(facts)?;
    Ok(IssueOutcome {
        year,
        on,
        known_at: head.seq,
        head_hash: hex::encode(head.hash),
        rules_id: rules.id.clone(),
        rules_sha256: rules.sha256.clone(),
        records,
        superseding,
        unreplaced,
        unregistered,
        distribution,
    })
}
