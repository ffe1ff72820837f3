//! What the commands' tests share: a command run on a ledger with the
//! fixed clock, its sinks and result captured.
#![allow(dead_code)]

use commands::args::Command;
use commands::{run, CliError, Ctx, Source};
use model::{Seq, Timestamp};

/// Later than every recorded time of the fixture division.
pub const NOW: &str = "2026-11-30T23:06:00Z";

/// What a command wrote, what it returned, and the K it reported.
pub struct Ran {
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    pub result: Result<(), CliError>,
    pub known_at: Option<Seq>,
}

pub fn run_on(source: Source<'_>, command: Command) -> Ran {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut ctx = Ctx {
        ledger: source,
        now: Timestamp::parse(NOW).unwrap(),
        store: store::StoreKind::default(),
        out: &mut out,
        err: &mut err,
        progress: false,
        files: commands::Files::Disk,
        known_at: None,
    };
    let result = run(command, &mut ctx);
    let known_at = ctx.known_at;
    Ran { out, err, result, known_at }
}
