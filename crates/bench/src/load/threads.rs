//! CPU time of this process's threads by kind (/proc/self/task), to say
//! where the cores went during a phase: the server's writer, its tokio
//! workers, the audit trail, sled, the client threads.

use std::collections::BTreeMap;
use std::time::Duration;

/// CPU time (user + system) per thread kind.
pub type ByKind = BTreeMap<String, Duration>;

/// A thread's kind: its name without a trailing number ("tokio-runtime-w", "load-writer").
fn kind(comm: &str) -> String {
    let k = comm.trim().trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '#' || c == '.');
    if k.is_empty() { comm.trim().to_string() } else { k.to_string() }
}

/// Every live thread's (id, kind, CPU time); unreadable ones are skipped.
fn threads() -> Vec<(u64, String, Duration)> {
    // SAFETY: sysconf with a valid name has no preconditions.
    let tick = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return Vec::new() };
    let mut out = Vec::new();
    for e in dir.flatten() {
        let Some(tid) = e.file_name().to_str().and_then(|s| s.parse::<u64>().ok()) else { continue };
        let (Ok(comm), Ok(stat)) = (std::fs::read_to_string(e.path().join("comm")), std::fs::read_to_string(e.path().join("stat"))) else { continue };
        // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
        let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else { continue };
        let f: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| f.get(i - 3).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let secs = (ticks(14) + ticks(15)) as f64 / tick;
        out.push((tid, kind(&comm), Duration::from_secs_f64(secs)));
    }
    out
}

/// A snapshot of every thread's CPU time, to subtract from a later one.
pub struct Snapshot(BTreeMap<u64, Duration>);

pub fn snapshot() -> Snapshot {
    Snapshot(threads().into_iter().map(|(tid, _, t)| (tid, t)).collect())
}

/// CPU time per kind since `before`, of the threads alive now (threads
/// that ended meanwhile are not counted).
pub fn since(before: &Snapshot) -> ByKind {
    let mut by = ByKind::new();
    for (tid, k, t) in threads() {
        let base = before.0.get(&tid).copied().unwrap_or_default();
        *by.entry(k).or_default() += t.saturating_sub(base);
    }
    by.retain(|_, t| !t.is_zero());
    by
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_drop_the_thread_number() {
        assert_eq!(kind("tokio-runtime-w\n"), "tokio-runtime-w");
        assert_eq!(kind("load-writer-63"), "load-writer");
        assert_eq!(kind("sled-io-1"), "sled-io");
        assert_eq!(kind("ledger-writer"), "ledger-writer");
    }
}
