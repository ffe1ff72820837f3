//! `issue --year Y`: the official annual run (Art. 15) as decision records.

use crate::decisions::decisions;
use crate::AppealError;
use model::fact::{Body, Grade, GradeIssued, Source};
use model::{ChinaDate, Fact, Record, Seq, Timestamp, Uscc};
use rayon::prelude::*;
use rules::RuleSet;
use std::collections::BTreeMap;
use store::Ledger;

/// Enterprises read ahead and graded together.
const BATCH: usize = 256;

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
    /// How many `grade_issued` records were appended, one per enterprise in scope.
    pub recorded: u64,
    /// Their seqs (`None` when none was appended).
    pub first_seq: Option<Seq>,
    pub last_seq: Option<Seq>,
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
    let issued_on = now.china_date();
    let mut first: Option<ChinaDate> = None;
    let mut superseding = 0;
    let mut earlier_total = 0;
    let mut distribution = BTreeMap::new();
    let mut unreplaced = Vec::new();
    let mut unregistered = 0;
    // Enterprises stream past in batches graded on every core; decisions
    // are written past the head as they come, and committed only when the
    // whole run passed its checks (or dropped, below).
    let mut appender = ledger.appender(true)?;
    let mut batch: Vec<(Uscc, Vec<Record>)> = Vec::with_capacity(BATCH);
    let mut enterprises = ledger.enterprises(head.seq);
    loop {
        batch.clear();
        for item in enterprises.by_ref().take(BATCH) {
            batch.push(item?);
        }
        if batch.is_empty() {
            break;
        }
        let graded: Vec<_> = batch
            .par_iter()
            .map(|(uscc, records)| {
                let (report, out_of_scope) = grading::grade_and_scope(uscc.as_str(), records, on, head.seq, rules);
                let basis = grading::basis_sha256(records, head.seq);
                (report.sha256(), report.grade, report.score, out_of_scope, basis)
            })
            .collect();
        for ((uscc, records), (report_sha256, grade, score, out_of_scope, basis)) in batch.iter().zip(graded) {
            first = records.iter().map(|r| r.fact.occurred_on).chain(first).min();
            let earlier: Vec<_> = decisions(records).into_iter().filter(|d| d.decision.year == year).collect();
            earlier_total += earlier.len();
            let current = earlier.iter().filter(|d| d.superseded_by.is_none()).max_by_key(|d| d.seq);
            unregistered += usize::from(out_of_scope == Some(grading::OutOfScope::NotRegistered));
            let (Some(grade), Some(score)) = (grade, score) else {
                unreplaced.extend(current.map(|d| d.reference.clone()));
                continue;
            };
            *distribution.entry(grade).or_default() += 1;
            if current.is_some() {
                superseding += 1;
            }
            let mut n = earlier.len() + 1;
            while appender.seq_of_ref(&format!("GRADE-{year}-{uscc}-{n}"))?.is_some() {
                n += 1;
            }
            appender.push(
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
                        basis_sha256: Some(basis),
                        engine_version: grading::ENGINE_VERSION.to_string(),
                        report_format: grading::REPORT_FORMAT,
                        report_sha256,
                        supersedes: current.map(|d| d.reference.clone()),
                    }),
                },
            )?;
        }
    }
    let refusal = if first.is_none_or(|f| on < f) {
        Some(format!(
            "year {year} is outside the ledger's range (its first fact is dated {})",
            first.map(|f| f.to_string()).unwrap_or_else(|| "never: the ledger is empty".into())
        ))
    } else if earlier_total > 0 && !supersede {
        Some(format!("{year} was already issued ({earlier_total} decision records); give --supersede to record new decisions that replace them"))
    } else if supersede && earlier_total == 0 {
        Some(format!("--supersede was given, but no decision of {year} was issued before; issue it without --supersede"))
    } else if appender.pending() == 0 {
        Some(format!("no enterprise is in scope on {on} under {}; nothing to issue", rules.id))
    } else {
        None
    };
    if let Some(why) = refusal {
        appender.abort()?;
        return Err(AppealError::Rejected(why));
    }
    let recorded = appender.pending();
    let new_head = appender.commit()?;
    let (first_seq, last_seq) = (Some(Seq(head.seq.0 + 1)), Some(new_head.seq));
    Ok(IssueOutcome {
        year,
        on,
        known_at: head.seq,
        head_hash: hex::encode(head.hash),
        rules_id: rules.id.clone(),
        rules_sha256: rules.sha256.clone(),
        recorded,
        first_seq,
        last_seq,
        superseding,
        unreplaced,
        unregistered,
        distribution,
    })
}
