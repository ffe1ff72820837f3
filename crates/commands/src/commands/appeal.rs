//! `issue`, `review`, `diff`, `what-if`, `dossier` (appeal review).

use super::{book_at, check_range, enterprise, known_at, parse_date, read_inputs, rule_set};
use crate::args::{DiffArgs, DossierArgs, IssueArgs, ReportFormat as Format, ReviewArgs, WhatIfArgs};
use crate::ctx::{note, Ctx};
use crate::error::{CliError, CliResult};
use crate::render_appeal as render;
use appeal::AppealError;
use rules::{RuleBook, RuleSet};

/// An appeal error as the command's: rejected lines of a what-if's facts
/// go to `err`, one per line.
fn appeal_error(e: AppealError, err: &mut dyn std::io::Write) -> CliError {
    match e {
        AppealError::Rejected(m) => CliError::Rejected(m),
        AppealError::NotFound(m) => CliError::NotFound(m),
        AppealError::Store(s) => s.into(),
        AppealError::Import(ingest::ImportError::Rejected(lines)) => {
            for l in &lines {
                note(err, l);
            }
            CliError::Rejected(format!("{} line(s) rejected, listed above; nothing was assumed and nothing was written", lines.len()))
        }
        AppealError::Import(ingest::ImportError::Store(s)) => s.into(),
        AppealError::Import(e) => CliError::Rejected(e.to_string()),
    }
}

fn json<T: serde::Serialize>(v: &T) -> CliResult<String> {
    serde_json::to_string_pretty(v).map(|s| s + "\n").map_err(|e| CliError::Failed(format!("cannot render json: {e}")))
}

pub fn issue(ctx: &mut Ctx<'_>, a: IssueArgs) -> CliResult {
    let ledger = ctx.existing()?;
    // Picks the set in force at the year's end; `appeal::issue` then takes
    // V from that set's own annual run and records it.
    let year_end = model::ChinaDate::from_ymd(a.year, 12, 31).ok_or_else(|| CliError::Rejected(format!("--year {} is outside the supported years {}–{}", a.year, model::date::FIRST_YEAR, model::date::LAST_YEAR)))?;
    let rules = rule_set(a.rules.as_deref(), year_end, &book_at(&ledger, ledger.head()?.seq)?, &ctx.files)?;
    let out = appeal::issue(&ledger, &rules, a.year, a.supersede, ctx.now).map_err(|e| appeal_error(e, ctx.err))?;
    ctx.known_at = Some(out.known_at);
    let text = match a.format {
        Format::Json => json(&serde_json::json!({
            "year": out.year, "on": out.on.to_string(), "known_at_seq": out.known_at.0, "head_hash": out.head_hash,
            "rules": {"id": out.rules_id, "sha256": out.rules_sha256},
            "recorded": out.recorded, "superseding": out.superseding, "unreplaced": out.unreplaced, "unregistered": out.unregistered,
            "first_seq": out.first_seq.map(|s| s.0), "last_seq": out.last_seq.map(|s| s.0),
            "distribution": out.distribution.iter().map(|(g, n)| (g.to_string(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
        }))?,
        Format::Table => render::issue(&out),
    };
    ctx.print(&text)
}

/// The rule sets a reviewer trusts: the shipped ones, every adoption in
/// the ledger (their bytes as recorded), and an optional file.
fn trusted(ledger: &store::Ledger, file: Option<&str>, files: &crate::Files) -> CliResult<RuleBook> {
    let adopted = book_at(ledger, ledger.head()?.seq)?;
    let mut sets: Vec<RuleSet> = adopted.sets().to_vec();
    if let Some(f) = file {
        sets.insert(0, super::rule_file(f, &adopted, files)?);
    }
    Ok(RuleBook::new(sets).with_adoptions(adopted.adoptions().to_vec()))
}

pub fn review(ctx: &mut Ctx<'_>, a: ReviewArgs) -> CliResult {
    let ledger = ctx.existing()?;
    let book = trusted(&ledger, a.rules.as_deref(), &ctx.files)?;
    let r = appeal::review(&ledger, &book, &a.reference).map_err(|e| appeal_error(e, ctx.err))?;
    // The review's "now": everything known when it ran (the current report's K).
    ctx.known_at = Some(r.current.known_at_seq);
    let text = match a.format {
        Format::Json => json(&r)?,
        Format::Table => render::review(&r),
    };
    ctx.print(&text)?;
    if !r.reproduction.matches {
        return Err(CliError::Failed(format!(
            "MISMATCH: decision {} does not reproduce: {}",
            r.decision.reference,
            r.reproduction.problems.join("; ")
        )));
    }
    Ok(())
}

pub fn diff(ctx: &mut Ctx<'_>, a: DiffArgs) -> CliResult {
    let ledger = ctx.existing()?;
    let uscc = enterprise(&ledger, &a.uscc)?;
    let q = &a.question;
    let on = parse_date("--on", &q.on)?;
    let k = known_at(q.known_at_seq, q.known_at.as_deref(), &ledger)?;
    let book = book_at(&ledger, k)?;
    let rules = rule_set(q.rules.as_deref(), on, &book, &ctx.files)?;
    let (on2, k2, rules2) = match (&a.vs_known_at_seq, &a.vs_rules, &a.vs_on) {
        (Some(k2), None, None) => {
            let k2 = known_at(Some(*k2), None, &ledger)?;
            // Without --rules, each cut grades under the set in force as known then.
            (on, k2, if q.rules.is_some() { rules.clone() } else { rule_set(None, on, &book_at(&ledger, k2)?, &ctx.files)? })
        }
        (None, Some(r2), None) => (on, k, rule_set(Some(r2), on, &book, &ctx.files)?),
        (None, None, Some(v2)) => {
            let v2 = parse_date("--vs-on", v2)?;
            (v2, k, if q.rules.is_some() { rules.clone() } else { rule_set(None, v2, &book, &ctx.files)? })
        }
        _ => return Err(CliError::Rejected("diff needs exactly one of --vs-known-at-seq, --vs-rules, --vs-on".into())),
    };
    // The later cut: the answer reads every fact known at it.
    ctx.known_at = Some(k.max(k2));
    let records = ledger.enterprise_records(&uscc, k.max(k2))?;
    check_range(on, &records, ctx.today())?;
    check_range(on2, &records, ctx.today())?;
    let ra = grading::grade(uscc.as_str(), &records, on, k, &rules);
    let rb = grading::grade(uscc.as_str(), &records, on2, k2, &rules2);
    let d = grading::diff(&ra, &rb);
    let text = match a.format {
        Format::Json => json(&d)?,
        Format::Table => render::diff(&d),
    };
    ctx.print(&text)
}

pub fn what_if(ctx: &mut Ctx<'_>, a: WhatIfArgs) -> CliResult {
    let ledger = ctx.existing()?;
    let uscc = enterprise(&ledger, &a.uscc)?;
    let on = parse_date("--on", &a.on)?;
    let head = ledger.head()?.seq;
    let rules = rule_set(a.rules.as_deref(), on, &book_at(&ledger, head)?, &ctx.files)?;
    let inputs = read_inputs(&a.with, &ctx.files)?;
    check_range(on, &ledger.enterprise_records(&uscc, head)?, ctx.today())?;
    let w = appeal::what_if(&ledger, &uscc, &inputs, on, &rules, ctx.now).map_err(|e| appeal_error(e, ctx.err))?;
    ctx.known_at = Some(w.current.known_at_seq);
    let text = match a.format {
        Format::Json => json(&serde_json::json!({
            "facts_validated": w.facts_validated, "facts_used": w.facts_used,
            "current": w.current, "what_if": w.hypothetical, "changes": w.changes,
        }))?,
        Format::Table => render::what_if(&w),
    };
    ctx.print(&text)
}

pub fn dossier(ctx: &mut Ctx<'_>, a: DossierArgs) -> CliResult {
    let ledger = ctx.existing()?;
    let uscc = enterprise(&ledger, &a.uscc)?;
    let as_of = match &a.as_of {
        Some(d) => parse_date("--as-of", d)?,
        None => ctx.today(),
    };
    let head = ledger.head()?.seq;
    ctx.known_at = Some(head);
    let records = ledger.enterprise_records(&uscc, head)?;
    check_range(as_of, &records, ctx.today())?;
    let d = appeal::dossier(&records, &uscc, &book_at(&ledger, head)?, as_of, head).map_err(|e| appeal_error(e, ctx.err))?;
    let text = match a.format {
        Format::Json => json(&d)?,
        Format::Table => render::dossier(&d),
    };
    ctx.print(&text)
}
