//! The machine and the commit measured, for the report's header.

use std::process::Command;

/// What the figures were measured on.
#[derive(Clone, Debug)]
pub struct Machine {
    /// `nproc`: CPUs this process may use.
    pub cores: usize,
    pub model: String,
    /// MemTotal in bytes.
    pub ram: u64,
    pub kernel: String,
    /// `git rev-parse HEAD`, with "-dirty" when the work tree has changes.
    pub commit: String,
    pub sqlite: String,
    pub rustc: String,
    /// 1-, 5- and 15-minute load averages when the run started (other work on the machine).
    pub load_at_start: String,
}

/// The 1-, 5- and 15-minute load averages now.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(|_| "unknown".into(), |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// Reads /proc and asks git; an unknown item reads "unknown".
pub fn collect() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let field = |text: &str, key: &str| {
        text.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_once(':')).map(|(_, v)| v.trim().to_string())
    };
    let ram = field(&meminfo, "MemTotal").and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok()).map_or(0, |kb| kb * 1024);
    let commit = out("git", &["rev-parse", "HEAD"]).map(|h| {
        let dirty = out("git", &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
        if dirty { format!("{h}-dirty") } else { h }
    });
    Machine {
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        model: field(&cpuinfo, "model name").unwrap_or_else(|| "unknown".into()),
        ram,
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease").map_or_else(|_| "unknown".into(), |s| s.trim().to_string()),
        commit: commit.unwrap_or_else(|| "unknown".into()),
        sqlite: rusqlite::version().to_string(),
        rustc: out("rustc", &["--version"]).unwrap_or_else(|| "unknown".into()),
        load_at_start: load(),
    }
}

/// A command's trimmed stdout when it succeeds.
fn out(cmd: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(cmd).args(args).output().ok()?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}
