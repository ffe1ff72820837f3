//! `rules [list]`, `rules check`, `rules show`, `rules diff` (docs/RULES.md
//! "Rule-set tools"), and `rules adopt` (`rules_adopt`). The rules crate
//! validates and compares; this shell reads the files and prints. Where
//! `--ledger` holds a ledger, its adopted sets count as installed ones.

use super::{book_at, named_rule_set, read_rule_file, shipped};
use crate::args::{ReportFormat, RulesArgs, RulesCommand};
use crate::ctx::{Ctx, Source};
use crate::error::{CliError, CliResult};
use crate::render_rules;
use rules::{RuleBook, RuleSet, RulesError};
use store::Ledger;
use serde_json::json;

/// Runs a `rules` subcommand; bare `rules` lists.
pub fn run(ctx: &mut Ctx<'_>, a: RulesArgs) -> CliResult {
    match a.command.unwrap_or(RulesCommand::List) {
        RulesCommand::List => list(ctx, a.format),
        RulesCommand::Check(c) => check(ctx, &c.file, a.format),
        RulesCommand::Show(s) => show(ctx, &s.rules, a.format),
        RulesCommand::Diff(d) => diff(ctx, &d.a, &d.b, a.format),
        RulesCommand::Adopt(adopt) => super::rules_adopt::run(ctx, adopt, a.format),
    }
}

/// The shipped sets, plus the adoptions of the ledger (shared, or at the
/// directory if there is one there) as of its head, which becomes the
/// answer's K.
fn book(ctx: &mut Ctx<'_>) -> CliResult<RuleBook> {
    let ledger = match &ctx.ledger {
        Source::Dir(dir) if !Ledger::exists(dir) => return shipped(),
        _ => ctx.existing()?,
    };
    let head = ledger.head()?.seq;
    ctx.known_at = Some(head);
    book_at(&ledger, head)
}

/// `rules list`: the shipped rule sets, then those adopted in the ledger
/// (README "rules --format json").
fn list(ctx: &mut Ctx<'_>, format: ReportFormat) -> CliResult {
    let book = &book(ctx)?;
    match format {
        ReportFormat::Table => {
            for s in book.sets() {
                let to = s.effective_to.map(|d| d.to_string()).unwrap_or_else(|| "open".into());
                ctx.println(format_args!("{:<14} {} .. {:<10}  sha256 {}  {}", s.id, s.effective_from, to, s.sha256, s.title))?;
            }
            for ad in book.adoptions() {
                let s = &ad.set;
                let to = s.effective_to.map(|d| d.to_string()).unwrap_or_else(|| "open".into());
                let replaces = ad.replaces.as_ref().map(|r| format!(", replaces {r}")).unwrap_or_default();
                ctx.println(format_args!("{:<14} {} .. {:<10}  sha256 {}  {}  (adopted at seq {}, {}{replaces})", s.id, s.effective_from, to, s.sha256, s.title, ad.seq, ad.reference))?;
            }
        }
        ReportFormat::Json => {
            let set = |s: &RuleSet, source: &str| {
                json!({
                    "id": s.id,
                    "title": s.title,
                    "effective_from": s.effective_from.to_string(),
                    "effective_to": s.effective_to.map(|d| d.to_string()),
                    "sha256": s.sha256,
                    "source": source,
                })
            };
            let mut sets: Vec<serde_json::Value> = book.sets().iter().map(|s| set(s, "shipped")).collect();
            for ad in book.adoptions() {
                let mut v = set(&ad.set, "adopted");
                v["seq"] = ad.seq.into();
                v["ref"] = ad.reference.clone().into();
                v["replaces"] = ad.replaces.clone().into();
                sets.push(v);
            }
            ctx.println(serde_json::Value::Array(sets))?;
        }
    }
    Ok(())
}

/// `rules check FILE`: exit 0 with one "ok" line naming id and SHA-256, or
/// exit 2 with every problem (stderr, one a line; or the JSON document).
/// Accepts exactly the files `--rules FILE` accepts.
fn check(ctx: &mut Ctx<'_>, file: &str, format: ReportFormat) -> CliResult {
    let book = book(ctx)?;
    let bytes = read_rule_file(file, &ctx.files)?;
    match (book.load(file, &bytes), format) {
        (Ok(set), ReportFormat::Table) => ctx.println(format_args!("ok: {file} is rule set {} (sha256 {})", set.id, set.sha256)),
        (Ok(set), ReportFormat::Json) => ctx.println(json!({"file": file, "ok": true, "id": set.id, "sha256": set.sha256, "problems": []})),
        (Err(RulesError::Problems { problems, .. }), ReportFormat::Json) => {
            ctx.println(json!({"file": file, "ok": false, "id": null, "sha256": null, "problems": problems}))?;
            let n = problems.len();
            Err(CliError::Rejected(format!("rule set {file} is refused: {n} problem{}, listed on stdout", if n == 1 { "" } else { "s" })))
        }
        (Err(e), _) => Err(e.into()),
    }
}

/// `rules show ID|FILE`: every clause, as a table or one JSON object (the
/// file's keys, plus `sha256`).
fn show(ctx: &mut Ctx<'_>, arg: &str, format: ReportFormat) -> CliResult {
    let book = book(ctx)?;
    let set = named_rule_set(arg, &book, &ctx.files)?;
    match format {
        ReportFormat::Table => ctx.print(&render_rules::show(&set)),
        ReportFormat::Json => {
            let mut j = serde_json::to_value(&set.clauses).map_err(|e| CliError::Failed(format!("cannot render json: {e}")))?;
            if let Some(o) = j.as_object_mut() {
                o.insert("sha256".into(), set.sha256.clone().into());
            }
            ctx.println(j)
        }
    }
}

/// `rules diff A B`: clause by clause, A → B; exit 0 whether or not they differ.
fn diff(ctx: &mut Ctx<'_>, a: &str, b: &str, format: ReportFormat) -> CliResult {
    let book = book(ctx)?;
    let (a, b) = (named_rule_set(a, &book, &ctx.files)?, named_rule_set(b, &book, &ctx.files)?);
    let changes = rules::diff(&a.clauses, &b.clauses);
    match format {
        ReportFormat::Table => ctx.print(&render_rules::diff(&a, &b, &changes)),
        ReportFormat::Json => {
            let side = |s: &rules::RuleSet| json!({"id": s.id, "sha256": s.sha256});
            ctx.println(json!({"a": side(&a), "b": side(&b), "identical": changes.is_empty(), "changes": changes}))
        }
    }
}
