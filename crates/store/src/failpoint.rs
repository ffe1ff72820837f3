//! Injected write failures for tests (feature `failpoints`, off in every
//! shipped build). `CREDIT_LEDGER_FAILPOINT=NAME:N` makes the Nth hit of
//! the write point NAME (`chunks`, `indexes`, `flush`, `head`) fail with an
//! I/O error; `*:N` counts every write point.

#[cfg(feature = "failpoints")]
mod on {
    use std::sync::atomic::{AtomicU64, Ordering};
    static HITS: AtomicU64 = AtomicU64::new(0);

    pub fn hit(name: &str) -> std::io::Result<()> {
        let Ok(spec) = std::env::var("CREDIT_LEDGER_FAILPOINT") else { return Ok(()) };
        let Some((point, n)) = spec.split_once(':') else { return Ok(()) };
        if point != "*" && point != name {
            return Ok(());
        }
        let nth: u64 = n.parse().unwrap_or(0);
        if HITS.fetch_add(1, Ordering::SeqCst) + 1 == nth {
            return Err(std::io::Error::other(format!("injected failure at write point {name} (hit {nth})")));
        }
        Ok(())
    }
}

#[cfg(feature = "failpoints")]
pub use on::hit;

/// Without the feature, every write point passes.
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn hit(_name: &str) -> std::io::Result<()> {
    Ok(())
}
