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
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return Vec::new() };
    let mut out = Vec::new();
    for e in dir.flatten() {
        let Some(tid) = e.file_name().to_str().and_then(|s| s.parse::<libc::pid_t>().ok()) else { continue };
        let (Ok(comm), Some(t)) = (std::fs::read_to_string(e.path().join("comm")), thread_cpu(tid)) else { continue };
        out.push((tid as u64, kind(&comm), t));
    }
    out
}

/// The exact CPU time of thread `tid` of this process: its CPU clock, as
/// glibc's `pthread_getcpuclockid` makes it (`MAKE_THREAD_CPUCLOCK(tid,
/// CPUCLOCK_SCHED)`); /proc's tick counts undercount short bursts.
fn thread_cpu(tid: libc::pid_t) -> Option<Duration> {
    let clock: libc::clockid_t = (!tid << 3) | 4 | 2;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    (unsafe { libc::clock_gettime(clock, &mut ts) } == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
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

    #[test]
    fn this_threads_clock_reads_as_its_own_cpu_clock() {
        // SAFETY: gettid has no preconditions.
        let tid = unsafe { libc::gettid() };
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let t = thread_cpu(tid).expect("the thread's CPU clock");
        assert!(t > Duration::ZERO);
    }
}
