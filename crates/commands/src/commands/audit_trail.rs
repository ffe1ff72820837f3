//! `audit`: the server's audit trail, its hash chain checked first (issue 9,
//! item 6). A broken chain prints nothing but the line where it breaks (exit 1).

use crate::args::{AuditArgs, ReportFormat};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult};

pub fn run(ctx: &mut Ctx<'_>, a: AuditArgs) -> CliResult {
    let path = a.audit.clone().unwrap_or_else(|| audit::default_path(ctx.ledger.dir()));
    if !path.exists() {
        return Err(CliError::Rejected(format!("there is no audit trail at {} (a server writes it; give --audit FILE)", path.display())));
    }
    let entries = audit::read(&path).map_err(|e| CliError::Failed(e.to_string()))?;
    let skip = a.tail.map_or(0, |n| entries.len().saturating_sub(n));
    match a.format {
        ReportFormat::Json => {
            for e in &entries[skip..] {
                ctx.println(serde_json::to_string(e).map_err(|e| CliError::Failed(format!("cannot render json: {e}")))?)?;
            }
        }
        ReportFormat::Table => {
            for e in &entries[skip..] {
                let k = e.known_at.map_or("-".to_string(), |k| k.to_string());
                ctx.println(format!("{:>6}  {}  {:<14} {:<12} {} {} → {} (K {k}) {}", e.n, e.at, e.who, e.role, e.method, e.target, e.status, e.outcome))?;
            }
            let last = entries.last().map_or(audit::GENESIS.to_string(), |e| e.hash.clone());
            ctx.println(format!("audit trail {}: {} lines, hash chain intact; last hash {last}", path.display(), entries.len()))?;
        }
    }
    Ok(())
}
