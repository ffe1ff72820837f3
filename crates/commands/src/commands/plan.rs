//! `plan`: the differentiated supervision plan of a division for a year
//! (issue 11, Art. 15–19), drawn by the pure `supervision` crate from the
//! grades in force, issued as a `plan_issued` record, re-checked by
//! `plan verify`, brought up to date by `plan --as-of`.

use super::grade::Output;
use super::{book_at, known_at, parse_date, rule_set, walk};
use crate::args::{PlanArgs, PlanFormat, PlanVerifyArgs, ReportFormat};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult};
use crate::render_plan as render;
use model::fact::{Body, Grade, PlanIssued, Source};
use model::{ChinaDate, Fact, Record, Seq, Uscc};
use rayon::prelude::*;
use rules::{RuleBook, RuleSet};
use std::collections::HashSet;
use store::Ledger;
use supervision::{Current, Graded, Inputs, Inspectors, Plan};

/// An issued plan, recomputed from its record.
pub struct Issued {
    pub reference: String,
    pub seq: Seq,
    pub record: PlanIssued,
    pub plan: Plan,
    pub inspectors: Option<Inspectors>,
}

pub fn run(ctx: &mut Ctx<'_>, a: PlanArgs) -> CliResult {
    if let Some(crate::args::PlanCommand::Verify(v)) = a.command {
        return verify(ctx, v);
    }
    let year = a.year.ok_or_else(|| CliError::Rejected("plan needs --year Y and --division D (or `plan verify REF`)".into()))?;
    let division = a.division.clone().ok_or_else(|| CliError::Rejected("plan needs --division D".into()))?;
    model::fact::check_division(&division).map_err(|e| CliError::Rejected(format!("--division: {}", e.message)))?;
    if ChinaDate::from_ymd(year, 1, 1).is_none() || ChinaDate::from_ymd(year - 1, 12, 31).is_none() {
        return Err(CliError::Rejected(format!("--year {year} is outside the supported years {}–{}", model::date::FIRST_YEAR + 1, model::date::LAST_YEAR)));
    }
    if a.format == PlanFormat::Xlsx && a.output.is_none() {
        return Err(CliError::Rejected("--format xlsx writes a workbook: give --output FILE".into()));
    }
    // The draw's inputs are taken only when it is drawn; an issued plan keeps its own.
    let draw_only = [("--authority", a.authority.is_some()), ("--inspectors", a.inspectors.is_some()), ("--rules", a.rules.is_some())];
    if a.salt.is_none() || a.as_of.is_some() {
        if let Some((flag, _)) = draw_only.iter().find(|(_, given)| *given) {
            return Err(CliError::Rejected(format!(
                "{flag} is an input of the draw: it is taken only with --salt, when the plan is drawn and issued; an issued plan keeps its own"
            )));
        }
    }
    if a.salt.is_some() && a.as_of.is_some() {
        return Err(CliError::Rejected("--as-of updates an issued plan; --salt draws a new one: give one of them".into()));
    }
    if let Some(salt) = &a.salt {
        check_salt(salt)?;
    }
    let ledger = ctx.existing()?;
    let head = ledger.head()?.seq;
    let existing = find(&ledger, head, year, &division)?;
    if existing.is_some() && a.salt.is_none() && a.as_of.is_none() && a.known_at_seq.is_some() {
        return Err(CliError::Rejected("--known-at-seq is an input of the draw or of --as-of; an issued plan keeps its own K".into()));
    }
    if let Some(as_of) = &a.as_of {
        let Some(rec) = existing else { return Err(not_issued(year, &division)) };
        let as_of = parse_date("--as-of", as_of)?;
        if as_of.year() != year {
            return Err(CliError::Rejected(format!("--as-of {as_of} is not in the plan's year {year}: an update concerns the quarters of {year} still open on a date of {year}")));
        }
        let k = known_at(a.known_at_seq, None, &ledger)?;
        let issued = recompute(&ledger, &rec, head)?;
        if k.0 < issued.record.known_at_seq {
            return Err(CliError::Rejected(format!("--known-at-seq {k} is before the plan's own K = {}: an update knows at least what the plan knew", issued.record.known_at_seq)));
        }
        let update = updated(&ledger, &issued, as_of, k, &ctx.files)?;
        ctx.known_at = Some(k);
        let text = match a.format {
            PlanFormat::Json => render::json(&serde_json::json!({ "ref": issued.reference, "seq": issued.seq.0, "known_at_seq": k.0, "update": update }))?,
            PlanFormat::Table => render::update_table(&issued, &update, k),
            _ => return Err(CliError::Rejected("plan --as-of writes a table or json".into())),
        };
        return ctx.print(&text);
    }
    let (now, files, format) = (ctx.now, ctx.files.clone(), a.format);
    // The output is opened (its directory checked) and the plan rendered
    // before a new plan is committed: a plan that cannot be written is not issued.
    let mut out = Output::open(a.output.as_deref(), ctx.out)?;
    let shown = match (existing, &a.salt) {
        (Some(rec), None) => recompute(&ledger, &rec, head).and_then(|i| Ok((render(&i, format)?, i))),
        (Some(rec), Some(_)) => Err(CliError::Rejected(format!(
            "the {year} plan of division {division} was issued as {} at seq {}; `credit-ledger plan verify {}` re-checks it",
            rec.fact.reference, rec.seq, rec.fact.reference
        ))),
        (None, None) => Err(CliError::Rejected(format!(
            "no {year} plan of division {division} is issued yet: give --salt (the public salt announced before the draw) and --authority USCC to draw and issue it"
        ))),
        (None, Some(salt)) => issue(&ledger, &a, now, &files, year, &division, salt),
    };
    let written = shown.and_then(|(bytes, issued)| out.write(&bytes).map(|()| issued));
    match written {
        Ok(issued) => {
            out.finish()?;
            ctx.known_at = Some(Seq(issued.record.known_at_seq));
            Ok(())
        }
        Err(e) => {
            out.discard();
            Err(e)
        }
    }
}

/// The plan in the output format.
fn render(issued: &Issued, format: PlanFormat) -> CliResult<Vec<u8>> {
    Ok(match format {
        PlanFormat::Table => render::table(issued).into_bytes(),
        PlanFormat::Json => render::json(&render::plan_json(issued)?)?.into_bytes(),
        PlanFormat::Csv => render::csv(issued)?,
        PlanFormat::Xlsx => render::xlsx(issued)?,
    })
}

/// The longest salt, in bytes: a phrase announced in a notice, not a file.
const SALT_MAX_BYTES: usize = 1024;

/// A salt is taken exactly as announced: not empty, no control characters,
/// no spaces around it (a copy from a notice would silently differ).
fn check_salt(salt: &str) -> CliResult {
    let bad = |why: &str| Err(CliError::Rejected(format!("--salt {why}: give the salt exactly as it was announced before the draw")));
    if salt.trim().is_empty() {
        return bad("is empty");
    }
    if salt.trim() != salt {
        return bad("has spaces at its start or end");
    }
    if salt.chars().any(char::is_control) {
        return bad("holds a control character");
    }
    if salt.len() > SALT_MAX_BYTES {
        return bad(&format!("is longer than {SALT_MAX_BYTES} bytes"));
    }
    Ok(())
}

fn not_issued(year: i32, division: &str) -> CliError {
    CliError::Rejected(format!(
        "no {year} plan of division {division} is issued yet: issue it first with `credit-ledger plan --year {year} --division {division} --salt SALT --authority USCC`"
    ))
}

/// The plan record of (year, division) known at `upto`, if any.
fn find(ledger: &Ledger, upto: Seq, year: i32, division: &str) -> CliResult<Option<Record>> {
    Ok(ledger.plans(upto)?.into_iter().find(|r| matches!(&r.fact.body, Body::PlanIssued(p) if p.year == year && p.division == division)))
}

/// Draws the plan at K, appends its `plan_issued` record and renders it;
/// the record is committed only once the plan rendered.
fn issue(ledger: &Ledger, a: &PlanArgs, now: model::Timestamp, files: &crate::ctx::Files, year: i32, division: &str, salt: &str) -> CliResult<(Vec<u8>, Issued)> {
    let authority = a.authority.as_deref().ok_or_else(|| CliError::Rejected("issuing a plan needs --authority USCC (the issuing market-regulation bureau)".into()))?;
    let authority = Uscc::parse(authority).map_err(|e| CliError::Rejected(format!("--authority {authority:?} is not a unified social credit code: {e}")))?;
    let inspectors_text = match &a.inspectors {
        Some(f) => {
            let bytes = files.read(f).map_err(|e| CliError::Rejected(format!("cannot read {f}: {e}")))?;
            Some(String::from_utf8(bytes).map_err(|_| CliError::Rejected(format!("{f}: not UTF-8 text")))?)
        }
        None => None,
    };
    let inspectors = match (&a.inspectors, &inspectors_text) {
        (Some(f), Some(t)) => Some(Inspectors::parse(f, t).map_err(|e| CliError::Rejected(e.to_string()))?),
        _ => None,
    };
    let k = known_at(a.known_at_seq, None, ledger)?;
    let book = book_at(ledger, k)?;
    let year_start = ChinaDate::from_ymd(year, 1, 1).ok_or_else(|| CliError::Rejected(format!("--year {year} is outside the calendar")))?;
    let rules = rule_set(a.rules.as_deref(), year_start, &book, files)?;
    // `plan verify` recomputes from the ledger alone: the rule set must be one it holds.
    if !book.sets().iter().any(|s| s.id == rules.id && s.sha256 == rules.sha256) {
        return Err(CliError::Rejected(format!(
            "--rules {}: a plan's rule set must be shipped or adopted in the ledger (`rules adopt`), so that anyone can recompute the plan from the ledger",
            a.rules.as_deref().unwrap_or_default()
        )));
    }
    inside_a_run(ledger, k, year - 1)?;
    let head_hash = hash_at(ledger, k)?;
    let enterprises = in_force(ledger, k, year, division, &rules)?;
    let plan = supervision::draw_plan(Inputs { year, division, known_at_seq: k.0, head_hash: &head_hash, salt, rules: &rules, enterprises, inspectors: inspectors.as_ref() })
        .map_err(|e| CliError::Rejected(e.to_string()))?;
    let plan_sha256 = plan.sha256().map_err(|e| CliError::Failed(e.to_string()))?;
    let record = PlanIssued {
        year,
        division: division.to_string(),
        known_at_seq: k.0,
        head_hash,
        salt: salt.to_string(),
        rules_id: rules.id.clone(),
        rules_sha256: rules.sha256.clone(),
        inspectors: inspectors_text,
        draw_version: supervision::DRAW_VERSION,
        engine_version: format!("credit-ledger {}", env!("CARGO_PKG_VERSION")),
        plan_sha256,
    };
    let reference = format!("PLAN-{year}-{division}");
    let body = Body::PlanIssued(record.clone());
    body.validate().map_err(|e| CliError::Failed(format!("the plan record is invalid: {}: {}", e.field, e.message)))?;
    let mut appender = ledger.appender(true)?;
    if appender.committed().recorded_at.is_some_and(|t| t > now) {
        return Err(CliError::Rejected(format!("the clock ({now}) is behind the ledger head's recorded time")));
    }
    if appender.seq_of_ref(&reference)?.is_some() {
        return Err(CliError::Rejected(format!("ref {reference} is already taken")));
    }
    let fact = Fact {
        reference: reference.clone(),
        enterprise: authority,
        occurred_on: now.china_date(),
        source: Source::Manual,
        note: Some(format!("supervision plan {year}, division {division}")),
        body,
    };
    let rec = appender.push(now, fact)?;
    let issued = Issued { reference, seq: rec.seq, record, plan, inspectors };
    // Dropping the appender on an error discards the pending record.
    let bytes = render(&issued, a.format)?;
    appender.commit()?;
    Ok((bytes, issued))
}

/// Refuses a K inside the atomic batch of an annual run of `evaluated`:
/// the plan would rest on part of the evaluation.
fn inside_a_run(ledger: &Ledger, k: Seq, evaluated: i32) -> CliResult {
    let run_of = |seq: u64| -> CliResult<Option<u64>> {
        Ok(match ledger.record(Seq(seq))?.map(|r| r.fact.body) {
            Some(Body::GradeIssued(g)) if g.year == evaluated => Some(g.known_at_seq),
            _ => None,
        })
    };
    if k.0 == 0 {
        return Ok(());
    }
    if let (Some(a), Some(b)) = (run_of(k.0)?, run_of(k.0 + 1)?) {
        if a == b {
            return Err(CliError::Rejected(format!(
                "--known-at-seq {k} falls inside the {evaluated} annual run (its decisions, graded at K = {a}, continue at seq {}): take a K at or after the run's last decision",
                k.0 + 1
            )));
        }
    }
    Ok(())
}

/// The chain hash (hex) of the record at K; zeros for the empty ledger.
fn hash_at(ledger: &Ledger, k: Seq) -> CliResult<String> {
    if k.0 == 0 {
        return Ok(hex::encode(model::record::GENESIS_HASH));
    }
    let rec = ledger.record(k)?.ok_or_else(|| CliError::Failed(format!("the ledger has no record at seq {k}")))?;
    Ok(hex::encode(rec.hash))
}

/// The grades in force for `year`'s plan: per enterprise of `division`, its
/// latest decision of the evaluation of `year` − 1 known at K that no
/// decision known at K supersedes. Refused when there is none: the year's
/// grades are not issued yet.
pub fn in_force(ledger: &Ledger, k: Seq, year: i32, division: &str, rules: &RuleSet) -> CliResult<Vec<Graded>> {
    let evaluated = year - 1;
    let mut out = Vec::new();
    let mut elsewhere = 0usize;
    walk::each_batch(ledger, k, |batch| {
        let graded: Vec<Option<(bool, Graded)>> = batch
            .par_iter()
            .map(|e| -> Result<_, store::StoreError> {
                let records = ledger.decode_enterprise(e)?;
                let ds = appeal::decisions(&records);
                let replaced: HashSet<&str> = ds.iter().filter_map(|d| d.decision.supersedes.as_deref()).collect();
                let Some(d) = ds.iter().filter(|d| d.decision.year == evaluated && !replaced.contains(d.reference.as_str())).max_by_key(|d| d.seq) else {
                    return Ok(None);
                };
                let report = grading::grade(e.uscc.as_str(), &records, d.decision.on, k, rules);
                let here = report.division == division;
                Ok(Some((here, Graded { enterprise: e.uscc.to_string(), name: report.name, grade: d.decision.grade, decision: d.reference.clone() })))
            })
            .collect::<Result<_, _>>()?;
        for (here, g) in graded.into_iter().flatten() {
            if here {
                out.push(g);
            } else {
                elsewhere += 1;
            }
        }
        Ok(())
    })?;
    if out.is_empty() {
        return Err(no_grades(ledger, k, year, division, elsewhere));
    }
    Ok(out)
}

/// Why a plan has no grades to rest on, and what to do.
fn no_grades(ledger: &Ledger, k: Seq, year: i32, division: &str, elsewhere: usize) -> CliError {
    let evaluated = year - 1;
    if elsewhere > 0 {
        return CliError::Rejected(format!(
            "no enterprise of division {division} has a grade of the {evaluated} evaluation known at seq {k} ({elsewhere} of other divisions have one): check --division"
        ));
    }
    let head = ledger.head().map(|h| h.seq).unwrap_or(k);
    let later = ledger.scan(Seq(k.0 + 1), head).filter_map(Result::ok).find(|r| matches!(&r.fact.body, Body::GradeIssued(g) if g.year == evaluated));
    match later {
        Some(r) => CliError::Rejected(format!("the grades of the {evaluated} evaluation were issued after K = {k} (from seq {}): take a later --known-at-seq", r.seq)),
        None => CliError::Rejected(format!(
            "no grades of the {evaluated} evaluation are issued for division {division} (known at seq {k}): the {year} plan rests on them; run `credit-ledger issue --year {evaluated}` first"
        )),
    }
}

/// Recomputes the plan of a `plan_issued` record from the ledger (trusting
/// the shipped rule sets and the adoptions known at `head`).
pub fn recompute(ledger: &Ledger, rec: &Record, head: Seq) -> CliResult<Issued> {
    let Body::PlanIssued(p) = &rec.fact.body else {
        return Err(CliError::Rejected(format!("{} is a {}, not a plan_issued record", rec.fact.reference, rec.fact.kind())));
    };
    let rules = plan_rules(&book_at(ledger, head)?, p)?;
    let inspectors = match &p.inspectors {
        Some(t) => Some(Inspectors::parse("the plan's inspector list", t).map_err(|e| CliError::Failed(e.to_string()))?),
        None => None,
    };
    let k = Seq(p.known_at_seq);
    let enterprises = in_force(ledger, k, p.year, &p.division, &rules)?;
    let plan = supervision::draw_plan(Inputs {
        year: p.year,
        division: &p.division,
        known_at_seq: p.known_at_seq,
        head_hash: &hash_at(ledger, k)?,
        salt: &p.salt,
        rules: &rules,
        enterprises,
        inspectors: inspectors.as_ref(),
    })
    .map_err(|e| CliError::Failed(e.to_string()))?;
    Ok(Issued { reference: rec.fact.reference.clone(), seq: rec.seq, record: p.clone(), plan, inspectors })
}

/// The rule set a plan record names, by id and SHA-256.
fn plan_rules(book: &RuleBook, p: &PlanIssued) -> CliResult<RuleSet> {
    book.sets()
        .iter()
        .find(|s| s.id == p.rules_id && s.sha256 == p.rules_sha256)
        .cloned()
        .ok_or_else(|| CliError::Failed(format!("the plan's rule set {} (sha256 {}) is neither shipped nor adopted in this ledger", p.rules_id, p.rules_sha256)))
}

/// The plan's changes for the grades as of `as_of` (K = `k`, the rule set
/// in force on `as_of`; the regimes stay the plan's).
fn updated(ledger: &Ledger, issued: &Issued, as_of: ChinaDate, k: Seq, files: &crate::ctx::Files) -> CliResult<supervision::Update> {
    let book = book_at(ledger, k)?;
    let grading_rules = rule_set(None, as_of, &book, files)?;
    let plan_rules = plan_rules(&book_at(ledger, ledger.head()?.seq)?, &issued.record)?;
    let division = issued.plan.division.clone();
    let mut now: Vec<Current> = Vec::new();
    walk::each_batch(ledger, k, |batch| {
        let graded: Vec<Option<Current>> = batch
            .par_iter()
            .map(|e| -> Result<_, store::StoreError> {
                let records = ledger.decode_enterprise(e)?;
                let r = grading::grade(e.uscc.as_str(), &records, as_of, k, &grading_rules);
                let planned = issued.plan.entry(e.uscc.as_str()).is_some();
                if !(planned || (r.in_scope && r.division == division)) {
                    return Ok(None);
                }
                let grade: Option<Grade> = if r.in_scope && r.division == division { r.grade } else { None };
                let reason = match grade {
                    Some(g) => {
                        let why = Some(r.decisive_reasons()).filter(|d| d != "-").unwrap_or_else(|| "every A condition met".to_string());
                        format!("grade {g} on {as_of} under {} (K = {k}): {why}", grading_rules.id)
                    }
                    None if !r.in_scope => format!("out of scope on {as_of} (K = {k})"),
                    None => format!("now of division {} on {as_of}", r.division),
                };
                Ok(Some(Current { enterprise: e.uscc.to_string(), name: r.name, grade, reason }))
            })
            .collect::<Result<_, _>>()?;
        now.extend(graded.into_iter().flatten());
        Ok(())
    })?;
    Ok(supervision::update(&issued.plan, &plan_rules, as_of, &now))
}

/// `plan verify REF`: recomputes the plan from the record's inputs and
/// says whether it matches (exit 1 when it does not).
fn verify(ctx: &mut Ctx<'_>, a: PlanVerifyArgs) -> CliResult {
    let ledger = ctx.existing()?;
    let head = ledger.head()?.seq;
    let rec = ledger.record_by_ref(&a.reference)?.ok_or_else(|| CliError::NotFound(format!("no fact has ref {:?}", a.reference)))?;
    let issued = recompute(&ledger, &rec, head)?;
    let mut problems = Vec::new();
    let actual_hash = hash_at(&ledger, Seq(issued.record.known_at_seq))?;
    if actual_hash != issued.record.head_hash {
        problems.push(format!("the ledger's hash at K = {} is {actual_hash}, the record says {}", issued.record.known_at_seq, issued.record.head_hash));
    }
    let sha = issued.plan.sha256().map_err(|e| CliError::Failed(e.to_string()))?;
    if sha != issued.record.plan_sha256 {
        problems.push(format!("the recomputed plan's sha256 is {sha}, the record says {}", issued.record.plan_sha256));
    }
    ctx.known_at = Some(Seq(issued.record.known_at_seq));
    let text = match a.format {
        ReportFormat::Json => render::json(&serde_json::json!({
            "ref": issued.reference, "seq": issued.seq.0, "matches": problems.is_empty(), "problems": problems,
            "recorded_plan_sha256": issued.record.plan_sha256, "recomputed_plan_sha256": sha,
            "inputs": { "year": issued.record.year, "division": issued.record.division, "known_at_seq": issued.record.known_at_seq,
                        "head_hash": issued.record.head_hash, "salt": issued.record.salt, "rules_id": issued.record.rules_id,
                        "rules_sha256": issued.record.rules_sha256, "draw_version": issued.record.draw_version,
                        "inspectors_file": issued.record.inspectors },
            "seed": issued.plan.seed,
        }))?,
        ReportFormat::Table => render::verify_table(&issued, &sha, &problems),
    };
    ctx.print(&text)?;
    if !problems.is_empty() {
        return Err(CliError::Failed(format!("MISMATCH: plan {} does not reproduce: {}", issued.reference, problems.join("; "))));
    }
    Ok(())
}
