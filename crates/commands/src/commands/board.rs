//! The division board's data (issue 10, item 2): the rows of
//! `grade-all --division D` as structured reports, each beside its
//! enterprise's decision of the last annual run issued (Art. 15).

use super::walk;
use crate::error::{CliError, CliResult};
use appeal::Decision;
use grading::GradeReport;
use model::{ChinaDate, Seq};
use rayon::prelude::*;
use rules::RuleSet;
use std::collections::HashSet;
use store::Ledger;

/// One division as of (V, K, R).
#[derive(Debug)]
pub struct DivisionGrades {
    /// Exactly the enterprises `grade-all --division D` lists (of the
    /// division and in scope on V), in USCC order, each with its decision
    /// of [`DivisionGrades::last_run`] (`None`: it has none in that run).
    pub rows: Vec<(GradeReport, Option<Decision>)>,
    /// The last annual run issued: its year, and one decision per
    /// enterprise of the division that has one — also those no longer in
    /// scope on V, since the run's distribution counted them.
    pub last_run: Option<(i32, Vec<Decision>)>,
}

/// Grades the enterprises of `division` as `grade-all` does (the same walk,
/// the same grades) and finds the last run issued: the latest year with a
/// `grade_issued` decision known at K and issued on or before V; for each
/// enterprise, its latest decision of that year not superseded by another
/// decision issued on or before V.
pub fn grade_division(ledger: &Ledger, on: ChinaDate, known_at: Seq, rules: &RuleSet, division: &str) -> CliResult<DivisionGrades> {
    model::fact::check_division(division).map_err(|e| CliError::Rejected(format!("division: {}", e.message)))?;
    let mut kept: Vec<(GradeReport, Vec<Decision>)> = Vec::new();
    walk::each_batch(ledger, known_at, |batch| {
        let graded: Vec<_> = batch
            .par_iter()
            .map(|e| -> Result<_, store::StoreError> {
                let records = ledger.decode_enterprise(e)?;
                let report = grading::grade(e.uscc.as_str(), &records, on, known_at, rules);
                Ok((report, standing_decisions(&records, on)))
            })
            .collect::<Result<_, _>>()?;
        kept.extend(graded.into_iter().filter(|(r, d)| r.division == division && (r.in_scope || !d.is_empty())));
        Ok(())
    })?;
    let year = kept.iter().flat_map(|(_, d)| d.iter().map(|x| x.decision.year)).max();
    let latest = |d: Vec<Decision>| -> Option<Decision> {
        let y = year?;
        d.into_iter().filter(|x| x.decision.year == y).max_by_key(|x| x.seq)
    };
    let mut rows = Vec::new();
    let mut issued = Vec::new();
    for (report, decisions) in kept {
        let last = latest(decisions);
        if let Some(d) = &last {
            issued.push(d.clone());
        }
        if report.in_scope {
            rows.push((report, last));
        }
    }
    Ok(DivisionGrades { rows, last_run: year.map(|y| (y, issued)) })
}

/// An enterprise's decisions issued on or before `on`, without those a
/// decision issued on or before `on` supersedes (seq order).
fn standing_decisions(records: &[model::Record], on: ChinaDate) -> Vec<Decision> {
    let mut ds: Vec<Decision> = appeal::decisions(records).into_iter().filter(|d| d.issued_on <= on).collect();
    let replaced: HashSet<String> = ds.iter().filter_map(|d| d.decision.supersedes.clone()).collect();
    ds.retain(|d| !replaced.contains(&d.reference));
    ds
}
