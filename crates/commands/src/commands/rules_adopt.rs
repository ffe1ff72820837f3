//! `rules adopt FILE --effective-from DATE …` (issue 8, item 1): the file
//! validated, then recorded in the ledger with its exact bytes.

use super::parse_date;
use crate::args::{AdoptArgs, ReportFormat};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult};

/// Validates the file and records its adoption in the (existing) ledger.
pub fn run(ctx: &mut Ctx<'_>, a: AdoptArgs, format: ReportFormat) -> CliResult {
    let effective_from = parse_date("--effective-from", &a.effective_from)?;
    let effective_to = a.effective_to.as_deref().map(|d| parse_date("--effective-to", d)).transpose()?;
    if let Some(to) = effective_to.filter(|t| *t <= effective_from) {
        return Err(CliError::Rejected(format!("--effective-to {to} must be after --effective-from {effective_from} (the last day in force is the day before)")));
    }
    let authority = model::Uscc::parse(&a.authority).map_err(|e| CliError::Rejected(format!("--authority {:?}: {e}", a.authority)))?;
    let file_name = a.file.display().to_string();
    let bytes = ctx.files.read(&file_name).map_err(|e| CliError::Rejected(format!("cannot read {file_name}: {e}")))?;
    // Rule changes go into an existing ledger: adopting never creates one.
    let ledger = ctx.existing()?;
    let req = ingest::AdoptRequest { file_name, bytes, effective_from, effective_to, replaces: a.replaces, authority, reference: a.reference };
    let rec = ingest::adopt(&ledger, req, ctx.now)?;
    let model::fact::Body::RuleSetAdopted(b) = &rec.fact.body else {
        return Err(CliError::Failed("the adoption was recorded as another kind".into()));
    };
    let to = b.effective_to.map(|d| d.to_string());
    match format {
        ReportFormat::Json => ctx.println(serde_json::json!({
            "adopted": b.id, "sha256": b.sha256, "effective_from": b.effective_from.to_string(), "effective_to": to,
            "replaces": b.replaces, "ref": rec.fact.reference, "seq": rec.seq.0,
        })),
        ReportFormat::Table => ctx.println(format_args!(
            "adopted rule set {} (sha256 {}) in force {} .. {}{}; ref {}, seq {}",
            b.id,
            b.sha256,
            b.effective_from,
            to.as_deref().unwrap_or("open"),
            b.replaces.as_ref().map(|r| format!(", replacing {r}")).unwrap_or_default(),
            rec.fact.reference,
            rec.seq
        )),
    }
}
