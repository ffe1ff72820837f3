//! `rules [list]`, `rules check`, `rules show`, `rules diff` (docs/RULES.md
//! "Rule-set tools"). The rules crate validates and compares; this shell
//! reads the files and prints.

use super::{named_rule_set, read_rule_file, shipped};
use crate::args::{ReportFormat, RulesArgs, RulesCommand};
use crate::error::{CliError, CliResult};
use crate::render_rules;
use rules::RulesError;
use serde_json::json;

/// Runs a `rules` subcommand; bare `rules` lists.
pub fn run(a: RulesArgs) -> CliResult {
    match a.command.unwrap_or(RulesCommand::List) {
        RulesCommand::List => list(a.format),
        RulesCommand::Check(c) => check(&c.file, a.format),
        RulesCommand::Show(s) => show(&s.rules, a.format),
        RulesCommand::Diff(d) => diff(&d.a, &d.b, a.format),
    }
}

/// `rules list`: the shipped rule sets (README "rules --format json").
fn list(format: ReportFormat) -> CliResult {
    let book = shipped()?;
    match format {
        ReportFormat::Table => {
            for s in book.sets() {
                let to = s.effective_to.map(|d| d.to_string()).unwrap_or_else(|| "open".into());
                println!("{:<14} {} .. {:<10}  sha256 {}  {}", s.id, s.effective_from, to, s.sha256, s.title);
            }
        }
        ReportFormat::Json => {
            let sets: Vec<serde_json::Value> = book
                .sets()
                .iter()
                .map(|s| {
                    json!({
                        "id": s.id,
                        "title": s.title,
                        "effective_from": s.effective_from.to_string(),
                        "effective_to": s.effective_to.map(|d| d.to_string()),
                        "sha256": s.sha256,
                    })
                })
                .collect();
            println!("{}", serde_json::Value::Array(sets));
        }
    }
    Ok(())
}

/// `rules check FILE`: exit 0 with one "ok" line naming id and SHA-256, or
/// exit 2 with every problem (stderr, one a line; or the JSON document).
/// Accepts exactly the files `--rules FILE` accepts.
fn check(file: &str, format: ReportFormat) -> CliResult {
    let book = shipped()?;
    let bytes = read_rule_file(file)?;
    match (book.load(file, &bytes), format) {
        (Ok(set), ReportFormat::Table) => {
            println!("ok: {file} is rule set {} (sha256 {})", set.id, set.sha256);
            Ok(())
        }
        (Ok(set), ReportFormat::Json) => {
            println!("{}", json!({"file": file, "ok": true, "id": set.id, "sha256": set.sha256, "problems": []}));
            Ok(())
        }
        (Err(RulesError::Problems { problems, .. }), ReportFormat::Json) => {
            println!("{}", json!({"file": file, "ok": false, "id": null, "sha256": null, "problems": problems}));
            let n = problems.len();
            Err(CliError::Rejected(format!("rule set {file} is refused: {n} problem{}, listed on stdout", if n == 1 { "" } else { "s" })))
        }
        (Err(e), _) => Err(e.into()),
    }
}

/// `rules show ID|FILE`: every clause, as a table or one JSON object (the
/// file's keys, plus `sha256`).
fn show(arg: &str, format: ReportFormat) -> CliResult {
    let set = named_rule_set(arg, &shipped()?)?;
    match format {
        ReportFormat::Table => print!("{}", render_rules::show(&set)),
        ReportFormat::Json => {
            let mut j = serde_json::to_value(&set.clauses).map_err(|e| CliError::Failed(format!("cannot render json: {e}")))?;
            if let Some(o) = j.as_object_mut() {
                o.insert("sha256".into(), set.sha256.clone().into());
            }
            println!("{j}");
        }
    }
    Ok(())
}

/// `rules diff A B`: clause by clause, A → B; exit 0 whether or not they differ.
fn diff(a: &str, b: &str, format: ReportFormat) -> CliResult {
    let book = shipped()?;
    let (a, b) = (named_rule_set(a, &book)?, named_rule_set(b, &book)?);
    let changes = rules::diff(&a.clauses, &b.clauses);
    match format {
        ReportFormat::Table => print!("{}", render_rules::diff(&a, &b, &changes)),
        ReportFormat::Json => {
            let side = |s: &rules::RuleSet| json!({"id": s.id, "sha256": s.sha256});
            println!("{}", json!({"a": side(&a), "b": side(&b), "identical": changes.is_empty(), "changes": changes}));
        }
    }
    Ok(())
}
