//! `migrate --from OLD --to NEW`: converts a layout-1 ledger (credit-ledger
//! 0.2 or earlier) into today's layout. Every record is carried verbatim
//! (its envelope, in its own record format, so its chain hash still holds)
//! and checked on the way exactly as a restore checks an export: seqs
//! gapless, each hash over its content, each link to the one before. The
//! new ledger must end at the old one's head; it appears only then.

use crate::args::MigrateArgs;
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult};
use store::legacy::LegacyLedger;
use store::Ledger;

/// Migrates `--from` into `--to`; refused on a shared ledger (a server's).
pub fn run(ctx: &mut Ctx<'_>, a: MigrateArgs) -> CliResult {
    ctx.own_dir("migrate")?;
    if !Ledger::exists(&a.from) {
        return Err(CliError::Rejected(format!("--from {}: no ledger there", a.from.display())));
    }
    if a.to.exists() && std::fs::read_dir(&a.to).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(CliError::Rejected(format!("--to {}: it exists and is not an empty directory; migrate into a new directory", a.to.display())));
    }
    let old = LegacyLedger::open(&a.from)?
        .ok_or_else(|| CliError::Rejected(format!("--from {}: this ledger is already in today's layout; nothing to migrate", a.from.display())))?;
    let head = old.head()?;
    let new_head = super::fresh::build(&a.to, ctx.store, |ledger| {
        let mut appender = ledger.appender(true)?;
        for item in old.scan_stored(model::Seq(1), head.seq) {
            let (rec, envelope) = item?;
            appender.push_stored(rec, envelope)?;
        }
        let tip = appender.tip();
        if tip.seq != head.seq || tip.hash != head.hash {
            return Err(CliError::Failed(format!(
                "the old ledger's head (seq {}) is not its last record (seq {}); it is damaged: nothing was migrated",
                head.seq, tip.seq
            )));
        }
        let committed = appender.commit()?;
        ledger.verify()?;
        Ok(committed)
    })?;
    ctx.println(format_args!(
        "migrated {} records from {} to {}; head seq {} hash {} (the old ledger's)",
        new_head.seq,
        a.from.display(),
        a.to.display(),
        new_head.seq,
        super::hex(&new_head.hash)
    ))
}
