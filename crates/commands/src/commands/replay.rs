//! `replay --rules X --vs-rules Y --on V`: every enterprise graded under
//! both rule sets in one walk of the ledger; the transition matrix, and each
//! enterprise that moved with the clauses responsible (`grading::replay`).

use super::grade::{csv_line, Output};
use super::{book_at, parse_date, rule_set};
use crate::args::{Format, ReplayArgs};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult};
use crate::render_replay::{self as render, Question, Replayed, Summary};
use grading::replay::{attribute, division_on, official_cut, Move, Side};
use model::{ChinaDate, Seq, Timestamp};
use rayon::prelude::*;
use rules::RuleSet;
use store::Ledger;

pub fn run(ctx: &mut Ctx<'_>, a: ReplayArgs) -> CliResult {
    // Refused before anything is opened or written.
    if matches!(a.format, Format::Jsonl | Format::Xlsx) {
        let f = if a.format == Format::Jsonl { "jsonl" } else { "xlsx" };
        return Err(CliError::Rejected(format!("--format {f} is for grade-all; replay answers as table, json or csv")));
    }
    if let Some(d) = &a.division {
        model::fact::check_division(d).map_err(|e| CliError::Rejected(format!("--division: {}", e.message)))?;
    }
    let ledger = ctx.existing()?;
    let on = parse_date("--on", &a.on)?;
    // X and Y are named: shipped, adopted in the ledger (as known now), or files.
    let book = book_at(&ledger, ledger.head()?.seq)?;
    let (rx, ry) = (rule_set(Some(&a.rules), on, &book, &ctx.files)?, rule_set(Some(&a.vs_rules), on, &book, &ctx.files)?);
    let x = question(&ledger, rx, on, &a, ctx.now)?;
    let y = question(&ledger, ry, on, &a, ctx.now)?;
    let upto = x.known_at.max(y.known_at);
    ctx.known_at = Some(upto);
    let mut out = Output::open(a.output.as_deref(), ctx.out)?;
    let head = render::Head { on, division: a.division.as_deref(), x: &x, y: &y };
    match a.format {
        // Refused above.
        Format::Jsonl | Format::Xlsx => {}
        Format::Csv => out.write(&csv_line(render::CSV_HEADER)?)?,
        Format::Json => out.write(render::json_start(&head)?.as_bytes())?,
        Format::Table => {}
    }
    let mut written = 0u64;
    let mut table_rows: Vec<Replayed> = Vec::new();
    let result = walk(&ledger, on, a.division.as_deref(), &x, &y, ctx.progress, |m| {
        match a.format {
            Format::Table if m.change != Some(Move::Score) => table_rows.push(m),
            Format::Table | Format::Jsonl | Format::Xlsx => {}
            Format::Csv => out.write(&csv_line(render::csv_row(&m, &x, &y))?)?,
            Format::Json => {
                out.write(render::json_mover(&m, written == 0)?.as_bytes())?;
                written += 1;
            }
        }
        Ok(())
    });
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            out.discard();
            return Err(e);
        }
    };
    match a.format {
        Format::Table => out.write(render::table(&head, &summary, &table_rows).as_bytes())?,
        Format::Json => out.write(render::json_end(&summary)?.as_bytes())?,
        Format::Csv | Format::Jsonl | Format::Xlsx => {}
    }
    out.finish()
}

/// A replay's answer as data, for other shells (the rule-change impact
/// page, issue 10): both questions, the counts and transition matrix, and
/// every enterprise whose scope or grade moved (`change` scope or grade,
/// in the walk's order, as the table lists them; score-only moves are
/// counted in `summary.moved`).
pub struct Replay {
    pub on: ChinaDate,
    pub division: Option<String>,
    pub x: Question,
    pub y: Question,
    pub summary: Summary,
    pub movers: Vec<Replayed>,
}

/// `replay --rules X --vs-rules Y --on V --known-at-seq K [--division D]`
/// as data: the same walk, grades and clauses as the command's table.
pub fn replay(ledger: &Ledger, x: RuleSet, y: RuleSet, on: ChinaDate, known_at: Seq, division: Option<&str>) -> CliResult<Replay> {
    if let Some(d) = division {
        model::fact::check_division(d).map_err(|e| CliError::Rejected(format!("--division: {}", e.message)))?;
    }
    let known_at = super::known_at(Some(known_at.0), None, ledger)?;
    let side = |rules: RuleSet| Question { rules, on, known_at, how: "--known-at-seq".to_string() };
    let (x, y) = (side(x), side(y));
    let mut movers = Vec::new();
    let summary = walk(ledger, on, division, &x, &y, false, |m| {
        if m.change != Some(Move::Score) {
            movers.push(m);
        }
        Ok(())
    })?;
    Ok(Replay { on, division: division.map(str::to_string), x, y, summary, movers })
}

/// Replays every enterprise known at the later K of X and Y in one walk of
/// the ledger: each one counted is added to the summary, and each that
/// moved (scope, grade or score) is handed to `moved`, batch by batch in
/// the walk's order.
fn walk(ledger: &Ledger, on: ChinaDate, division: Option<&str>, x: &Question, y: &Question, progress: bool, mut moved: impl FnMut(Replayed) -> CliResult) -> CliResult<Summary> {
    let upto = x.known_at.max(y.known_at);
    let mut summary = Summary::default();
    let bar = super::walk::Progress::new("replaying", progress);
    super::walk::each_batch(ledger, upto, |batch| {
        let replayed: Vec<Option<Replayed>> = batch
            .par_iter()
            .map(|e| -> Result<_, store::StoreError> {
                let records = ledger.decode_enterprise(e)?;
                Ok(replay_one(e.uscc.as_str(), &records, on, division, x, y))
            })
            .collect::<Result<_, _>>()?;
        for m in replayed.into_iter().flatten() {
            summary.matrix.add(m.x.0, m.y.0);
            let Some(change) = m.change else { continue };
            *summary.moved.entry(change).or_default() += 1;
            moved(m)?;
        }
        bar.set(summary.matrix.total());
        Ok(())
    })?;
    Ok(summary)
}

/// One enterprise under X and Y: `None` when `--division` leaves it out on
/// both sides (read before grading); else its outcome on each side, and,
/// when it moved, the clauses responsible. A side whose division on V is not
/// `division` counts as not in scope there, as in `grade-all --division`.
fn replay_one(uscc: &str, records: &[model::Record], on: ChinaDate, division: Option<&str>, x: &Question, y: &Question) -> Option<Replayed> {
    let in_division = |k: Seq| division.is_none_or(|d| division_on(records, on, k) == d);
    let (dx, dy) = match division {
        None => (true, true),
        Some(_) if x.known_at == y.known_at => {
            let d = in_division(x.known_at);
            (d, d)
        }
        Some(_) => (in_division(x.known_at), in_division(y.known_at)),
    };
    if !dx && !dy {
        return None;
    }
    let (gx, ox) = grading::grade_and_scope(uscc, records, on, x.known_at, &x.rules);
    let (gy, oy) = grading::grade_and_scope(uscc, records, on, y.known_at, &y.rules);
    let outcome = |r: &grading::GradeReport, d: bool| if r.in_scope && d { (r.grade, r.score) } else { (None, None) };
    let (ox_, oy_) = (outcome(&gx, dx), outcome(&gy, dy));
    let change = Move::of(ox_, oy_);
    let clauses = match change {
        Some(_) => attribute(&Side { report: &gx, out_of_scope: ox, rules: &x.rules }, &Side { report: &gy, out_of_scope: oy, rules: &y.rules }),
        None => Vec::new(),
    };
    let name = if gy.name.is_empty() { gx.name } else { gy.name };
    let division = if dy { gy.division } else { gx.division };
    Some(Replayed { enterprise: uscc.to_string(), name, division, x: ox_, y: oy_, change, clauses })
}

/// One side's question: the rule set, V and its knowledge cut K —
/// `--known-at-seq`, the set's own official run (`--official-run`), or the head.
fn question(ledger: &Ledger, rules: RuleSet, on: ChinaDate, a: &ReplayArgs, now: Timestamp) -> CliResult<Question> {
    let (known_at, how) = if a.official_run {
        official_k(ledger, &rules, on, now)?
    } else {
        let k = super::known_at(a.known_at_seq.or(a.head), None, ledger)?;
        (k, if a.known_at_seq.is_some() { "--known-at-seq".to_string() } else { "the head".to_string() })
    };
    Ok(Question { rules, on, known_at, how })
}

/// K of the official run under `rules` for the year of V: the last seq
/// recorded before 00:00 China time of [`official_cut`] (1 January of
/// year(V)+1 for `january_1`, 1 April for `first_quarter`); the head when
/// that instant is still to come (after `now`).
fn official_k(ledger: &Ledger, rules: &RuleSet, on: ChinaDate, now: Timestamp) -> CliResult<(Seq, String)> {
    let run = rules.annual_run.as_str();
    let beyond = || CliError::Rejected(format!("--official-run: the {run} run for {} falls outside the supported dates", on.year()));
    let cut = official_cut(rules.annual_run, on.year()).ok_or_else(beyond)?;
    let at = format!("{cut}T00:00:00+08:00");
    let start = Timestamp::parse(&at).map_err(|_| beyond())?;
    let k = ledger.seq_at_time(Timestamp(start.0 - 1))?;
    let mut how = format!("official run ({run}): the last seq recorded before {at}");
    if start > now {
        how += " (still to come: the head now)";
    }
    Ok((k, how))
}
