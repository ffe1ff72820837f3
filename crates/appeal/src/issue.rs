//! `issue --year Y`: the official annual run (Art. 15) as decision records.

use crate::decisions::decisions;
use crate::AppealError;
use model::fact::{Body, Grade, GradeIssued, Source};
use model::{ChinaDate, Fact, Points, Record, Seq, Timestamp, Uscc};
use rayon::prelude::*;
use rules::RuleSet;
use std::collections::BTreeMap;
use std::sync::mpsc::SyncSender;
use store::{Ledger, StoreError, StoredEnterprise};

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
    // A pipeline of three stages, each on its own thread: a reader walks the
    // ledger in batches, a grader grades the batch before on every core, and
    // this thread writes the decisions of the batch before that past the head
    // as they come. They are committed only when the whole run passed its
    // checks (or dropped, below).
    let mut appender = ledger.appender(true)?;
    std::thread::scope(|s| -> Result<(), AppealError> {
        let (batches, to_grade) = std::sync::mpsc::sync_channel(0);
        s.spawn(move || read_batches(ledger, head.seq, batches));
        let (graded_batches, to_write) = std::sync::mpsc::sync_channel(0);
        s.spawn(move || {
            for batch in to_grade {
                let graded = batch.and_then(|b| {
                    b.into_par_iter().map(|e| ledger.decode_enterprise(&e).map(|records| grade_one(e.uscc, &records, on, head.seq, rules, year))).collect::<Result<Vec<_>, _>>()
                });
                if graded_batches.send(graded).is_err() {
                    return;
                }
            }
        });
        // Each stage stops when the next one has gone: on return here, error or not.
        for graded in to_write {
            let graded: Vec<Graded> = graded?;
            for g in graded {
                first = g.first.into_iter().chain(first).min();
                earlier_total += g.earlier;
                unregistered += usize::from(g.out_of_scope == Some(grading::OutOfScope::NotRegistered));
                let (Some(grade), Some(score)) = (g.grade, g.score) else {
                    unreplaced.extend(g.current);
                    continue;
                };
                *distribution.entry(grade).or_default() += 1;
                if g.current.is_some() {
                    superseding += 1;
                }
                let uscc = g.uscc;
                let mut n = g.earlier + 1;
                while appender.seq_of_ref(&format!("GRADE-{year}-{uscc}-{n}"))?.is_some() {
                    n += 1;
                }
                appender.push(
                    now,
                    Fact {
                        reference: format!("GRADE-{year}-{uscc}-{n}"),
                        enterprise: uscc,
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
                            basis_sha256: Some(g.basis),
                            engine_version: grading::ENGINE_VERSION.to_string(),
                            report_format: grading::REPORT_FORMAT,
                            report_sha256: g.report_sha256,
                            supersedes: g.current,
                        }),
                    },
                )?;
            }
        }
        Ok(())
    })?;
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

/// Enterprises with their records, as the walk gives them.
/// Enterprises still encoded: they are decoded on the grading cores.
type Batch = Vec<StoredEnterprise>;

/// What the run keeps of one graded enterprise once its records are dropped.
struct Graded {
    uscc: Uscc,
    report_sha256: String,
    grade: Option<Grade>,
    score: Option<Points>,
    out_of_scope: Option<grading::OutOfScope>,
    basis: String,
    /// Its earliest valid date.
    first: Option<ChinaDate>,
    /// Its earlier decisions of the year, and the one standing (its ref).
    earlier: usize,
    current: Option<String>,
}

/// Grades one enterprise for the run and keeps what its decision needs.
fn grade_one(uscc: Uscc, records: &[Record], on: ChinaDate, known_at: Seq, rules: &RuleSet, year: i32) -> Graded {
    let (report, out_of_scope) = grading::grade_and_scope(uscc.as_str(), records, on, known_at, rules);
    let earlier: Vec<_> = decisions(records).into_iter().filter(|d| d.decision.year == year).collect();
    Graded {
        uscc,
        report_sha256: report.sha256(),
        grade: report.grade,
        score: report.score,
        out_of_scope,
        basis: grading::basis_sha256(records, known_at),
        first: records.iter().map(|r| r.fact.occurred_on).min(),
        earlier: earlier.len(),
        current: earlier.iter().filter(|d| d.superseded_by.is_none()).max_by_key(|d| d.seq).map(|d| d.reference.clone()),
    }
}

/// Walks the enterprises with records of seq ≤ `upto` and sends them in
/// batches of [`BATCH`]; a walk error is sent and ends the walk, as does a
/// receiver that has gone.
fn read_batches(ledger: &Ledger, upto: Seq, tx: SyncSender<Result<Batch, StoreError>>) {
    let mut enterprises = ledger.enterprises_stored(upto);
    loop {
        match enterprises.by_ref().take(BATCH).collect::<Result<Vec<_>, _>>() {
            Ok(batch) if batch.is_empty() => return,
            Ok(batch) => {
                if tx.send(Ok(batch)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}
