//! Test-only failure injection at the ledger's write points (issue 7, item 6).
//!
//! Compiled in only with the cargo feature `failpoints` (off by default; the
//! `credit-ledger` crate turns it on for its tests through a dev-dependency,
//! so the binary `make build` ships has none of it). Controlled per process
//! by `CREDIT_LEDGER_FAILPOINT`, a comma-separated list of:
//! - `write:N` — the Nth write point the process reaches (1-based), and every
//!   later one, fails with an I/O error before it writes anything (a device
//!   that failed stays failed);
//! - `trace` — each write point prints `failpoint: write N (WHAT)` to stderr
//!   before it writes, so that a test can tell whether a process it killed
//!   had begun writing.
//!
//! A write point is one call of [`write`], placed just before each sled
//! write whose failure the ledger must survive (a batch, a flush). Without
//! the feature, [`write`] is an empty inline function.

/// One write point named `what` ("apply_batch", "flush", …): `Err` when the
/// failpoint says this write fails.
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn write(_what: &'static str) -> std::io::Result<()> {
    Ok(())
}

/// One write point named `what` ("apply_batch", "flush", …): `Err` when the
/// failpoint says this write fails.
#[cfg(feature = "failpoints")]
pub fn write(what: &'static str) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let spec = spec();
    let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
    if spec.trace {
        eprintln!("failpoint: write {n} ({what})");
    }
    if let Some(bad) = &spec.bad {
        // A test that mistypes its failpoint must not silently pass.
        return Err(std::io::Error::other(format!("CREDIT_LEDGER_FAILPOINT: {bad:?} is neither `write:N` (N ≥ 1) nor `trace`")));
    }
    match spec.fail_from {
        Some(k) if n >= k => Err(std::io::Error::other(format!(
            "injected I/O error at write {n} ({what}) by CREDIT_LEDGER_FAILPOINT=write:{k}"
        ))),
        _ => Ok(()),
    }
}

/// The parsed `CREDIT_LEDGER_FAILPOINT`, read once per process.
#[cfg(feature = "failpoints")]
#[derive(Default)]
struct Spec {
    fail_from: Option<u64>,
    trace: bool,
    /// An entry that is neither form: every write point then fails, naming it.
    bad: Option<String>,
}

#[cfg(feature = "failpoints")]
fn spec() -> &'static Spec {
    static SPEC: std::sync::OnceLock<Spec> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        let mut s = Spec::default();
        for part in std::env::var("CREDIT_LEDGER_FAILPOINT").unwrap_or_default().split(',') {
            match part.trim() {
                "" => {}
                "trace" => s.trace = true,
                p => match p.strip_prefix("write:").and_then(|n| n.parse::<u64>().ok()) {
                    Some(n) if n > 0 => s.fail_from = Some(n),
                    _ => s.bad = Some(p.to_string()),
                },
            }
        }
        s
    })
}
