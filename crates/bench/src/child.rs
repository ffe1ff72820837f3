//! Runs one measured child process: wall time, peak RSS, and a memory cap
//! and timeout that turn a runaway child into a recorded failure.
//!
//! - Wall time: from just before `spawn` to the moment the child has exited
//!   (`waitid(WEXITED | WNOWAIT)`, before it is reaped).
//! - Peak RSS: `ru_maxrss` from `wait4` (Linux: kilobytes, the child's high
//!   water mark). After a `fork` it is at least the forking harness's own RSS,
//!   a few MB (the report gives that floor).
//! - Memory cap: a watchdog thread polls `VmRSS` in `/proc/PID/status` every
//!   20 ms and sends SIGKILL above the cap; `RLIMIT_AS` is set to twice the
//!   cap before `exec` as a backstop against spikes between polls.
//! - Timeout: the same watchdog sends SIGKILL when the wall time passes it.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Limits of one child.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Peak RSS in bytes above which the child is killed.
    pub mem_cap: u64,
    pub timeout: Duration,
}

/// How one child ended and what it cost.
#[derive(Clone, Debug)]
pub struct Run {
    pub wall: Duration,
    /// Peak RSS in bytes (`ru_maxrss`).
    pub peak_rss: u64,
    /// `Ok(())` when it exited 0; else why not, in one sentence.
    pub outcome: Result<(), String>,
}

const KILLED_NONE: u8 = 0;
const KILLED_MEMORY: u8 = 1;
const KILLED_TIME: u8 = 2;

/// Runs `cmd` with stdout to `stdout` (or discarded) and stderr to `stderr_file`.
///
/// Errors: only when the child cannot be started or waited for; any failure
/// of the child itself is in [`Run::outcome`].
pub fn run(cmd: &mut Command, limits: Limits, stdout: Option<&Path>, stderr_file: &Path) -> io::Result<Run> {
    let out = match stdout {
        Some(p) => Stdio::from(File::create(p)?),
        None => Stdio::null(),
    };
    let err = File::create(stderr_file)?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(Stdio::from(err.try_clone()?));
    let as_cap = limits.mem_cap.saturating_mul(2);
    // SAFETY: setrlimit is async-signal-safe; the closure allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit { rlim_cur: as_cap, rlim_max: as_cap };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let done = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicU8::new(KILLED_NONE));
    let watchdog = {
        let (done, killed) = (done.clone(), killed.clone());
        std::thread::spawn(move || watch(pid, start, limits, &done, &killed))
    };
    // Wait for the exit without reaping, so that the pid cannot be reused
    // while the watchdog may still signal it.
    let waited = wait_exited(pid);
    let wall = start.elapsed();
    done.store(true, Ordering::SeqCst);
    let _ = watchdog.join();
    waited?;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own un-reaped child.
    if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } < 0 {
        return Err(io::Error::last_os_error());
    }
    drop(child);
    let peak_rss = (usage.ru_maxrss.max(0) as u64) * 1024;
    let outcome = match killed.load(Ordering::SeqCst) {
        KILLED_MEMORY => Err(format!("failed: out of memory (RSS above the {} MiB cap, killed)", limits.mem_cap >> 20)),
        KILLED_TIME => Err(format!("failed: timeout (still running after {} s, killed)", limits.timeout.as_secs())),
        _ => describe_status(status, stderr_file),
    };
    Ok(Run { wall, peak_rss, outcome })
}

fn wait_exited(pid: libc::pid_t) -> io::Result<()> {
    loop {
        // SAFETY: a zeroed siginfo_t is a valid out-parameter.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: pid is our own child; WNOWAIT leaves it to be reaped by wait4.
        let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

fn watch(pid: libc::pid_t, start: Instant, limits: Limits, done: &AtomicBool, killed: &AtomicU8) {
    let status = format!("/proc/{pid}/status");
    while !done.load(Ordering::SeqCst) {
        let over_time = start.elapsed() > limits.timeout;
        let over_memory = rss_bytes(&status).is_some_and(|r| r > limits.mem_cap);
        if over_time || over_memory {
            killed.store(if over_memory { KILLED_MEMORY } else { KILLED_TIME }, Ordering::SeqCst);
            // SAFETY: the child is not reaped until this thread is joined.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `VmRSS` of a process in bytes, from its `/proc/PID/status`.
fn rss_bytes(status_path: &str) -> Option<u64> {
    let text = std::fs::read_to_string(status_path).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The harness's own peak RSS in bytes (`VmHWM`), the floor of a child's `ru_maxrss`.
pub fn own_peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| t.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map_or(0, |kb| kb * 1024)
}

fn describe_status(status: i32, stderr_file: &Path) -> Result<(), String> {
    let tail = last_line(stderr_file);
    if libc::WIFEXITED(status) {
        match libc::WEXITSTATUS(status) {
            0 => Ok(()),
            code => Err(format!("failed: exit {code}: {tail}")),
        }
    } else if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        if tail.contains("memory allocation") {
            Err(format!("failed: out of memory (allocation refused under the address-space cap): {tail}"))
        } else {
            Err(format!("failed: killed by signal {sig}: {tail}"))
        }
    } else {
        Err(format!("failed: wait status {status}"))
    }
}

/// The last non-empty line of a file (its last 4 KiB), for failure messages.
pub fn last_line(path: &Path) -> String {
    let mut buf = Vec::new();
    if let Ok(mut f) = File::open(path) {
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = f.seek(SeekFrom::Start(len.saturating_sub(4096)));
        let _ = f.read_to_end(&mut buf);
    }
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("(no message)").trim();
    line.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(timeout_ms: u64) -> Limits {
        Limits { mem_cap: 1 << 30, timeout: Duration::from_millis(timeout_ms) }
    }

    #[test]
    fn exit_codes_and_stderr_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let err = dir.path().join("err");
        let ok = run(Command::new("true").arg("x"), limits(10_000), None, &err).unwrap();
        assert_eq!(ok.outcome, Ok(()));
        assert!(ok.peak_rss > 0);
        let mut c = Command::new("sh");
        c.args(["-c", "echo first >&2; echo 'the reason' >&2; exit 3"]);
        let bad = run(&mut c, limits(10_000), None, &err).unwrap();
        assert_eq!(bad.outcome, Err("failed: exit 3: the reason".to_string()));
    }

    #[test]
    fn a_child_past_the_timeout_is_killed_and_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let r = run(Command::new("sleep").arg("30"), limits(100), None, &dir.path().join("err")).unwrap();
        assert!(r.wall < Duration::from_secs(10), "killed long before it would end: {:?}", r.wall);
        assert!(r.outcome.unwrap_err().contains("timeout"));
    }

    #[test]
    fn stdout_goes_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let r = run(Command::new("echo").arg("{\"rows\": 2}"), limits(10_000), Some(&out), &dir.path().join("err")).unwrap();
        assert_eq!(r.outcome, Ok(()));
        assert_eq!(std::fs::read_to_string(out).unwrap(), "{\"rows\": 2}\n");
    }
}
