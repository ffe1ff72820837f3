//! `what-if`: the grade as if some facts were appended now, without
//! appending them (validated exactly like an import).

use crate::AppealError;
use grading::{diff, GradeReport, ReportDiff};
use ingest::Input;
use model::{ChinaDate, Record, Seq, Timestamp, Uscc};
use rules::RuleSet;
use store::Ledger;

/// The current grade, the hypothetical one and what differs.
#[derive(Debug)]
pub struct WhatIf {
    pub current: GradeReport,
    /// Graded with the hypothetical facts at the seqs they would get.
    pub hypothetical: GradeReport,
    pub changes: ReportDiff,
    /// How many hypothetical facts concern this enterprise (of all validated).
    pub facts_used: usize,
    pub facts_validated: usize,
}

/// Grades `uscc` as of (V, head, R) with and without the facts of `inputs`.
pub fn what_if(ledger: &Ledger, uscc: &Uscc, inputs: &[Input], on: ChinaDate, rules: &RuleSet, now: Timestamp) -> Result<WhatIf, AppealError> {
    let plan = ingest::validate(ledger, inputs, now)?;
    let head = ledger.head()?.seq;
    let mut records = ledger.enterprise_records(uscc, head)?;
    let current = grading::grade(uscc.as_str(), &records, on, head, rules);
    let mut used = 0;
    for (i, (at, fact)) in plan.facts.iter().enumerate() {
        if fact.enterprise == *uscc {
            used += 1;
            let seq = Seq(head.0 + i as u64 + 1);
            records.push(Record::pending(seq, *at, fact.clone()));
        }
    }
    let k = Seq(head.0 + plan.facts.len() as u64);
    let hypothetical = grading::grade(uscc.as_str(), &records, on, k, rules);
    let changes = diff(&current, &hypothetical);
    Ok(WhatIf { current, hypothetical, changes, facts_used: used, facts_validated: plan.facts.len() })
}
