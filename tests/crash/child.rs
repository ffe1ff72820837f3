//! A child process of the crash harness (tests/crash.rs): run it, watch its
//! stderr for the store's first write point (`failpoint: write …`, printed
//! under `CREDIT_LEDGER_FAILPOINT=trace`), SIGKILL it when told.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The line the failpoint trace prints before each write.
pub const WRITE_MARK: &str = "failpoint: write";

/// When to SIGKILL the child.
#[derive(Clone, Copy, Debug)]
pub enum Kill {
    Never,
    /// This long after the spawn.
    AfterSpawn(Duration),
    /// This long after its first write point.
    AfterFirstWrite(Duration),
}

/// What one run did.
pub struct Run {
    /// The exit status when it exited by itself (not killed).
    pub status: Option<ExitStatus>,
    /// Whether a SIGKILL reached it while it ran.
    pub killed: bool,
    pub stdout: String,
    pub stderr: String,
    /// Time from the spawn to its first write point, if it reached one.
    pub first_write: Option<Duration>,
    /// Time from the spawn to its end.
    pub elapsed: Duration,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "status {:?}, killed {}, first write at {:?}, ended at {:?}, stdout {:?}, stderr {:?}",
            self.status.map(|s| s.to_string()),
            self.killed,
            self.first_write,
            self.elapsed,
            self.stdout.chars().take(200).collect::<String>(),
            self.stderr.chars().take(400).collect::<String>()
        )
    }
}

impl Run {
    /// Acknowledged: exited 0 by itself and printed its summary.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success()) && !self.stdout.trim().is_empty()
    }

    /// Whether it reached its first write point before it ended.
    pub fn wrote(&self) -> bool {
        self.first_write.is_some()
    }

    /// A kill for another run of the same operation, this run (never killed)
    /// being its calibration: 40 % uniform before the first write point
    /// (open, validation), 50 % uniform over the first 80 % of the time
    /// between the first write point and the end (writes, flush, exit),
    /// 10 % around the end (0.9–1.2 × the run time, often after the
    /// acknowledgement). Without a write point (no failpoint hooks), uniform
    /// over 1.2 × the run time.
    pub fn schedule(&self, rng: &mut super::Rng) -> Kill {
        let total = self.elapsed;
        let r = rng.unit();
        match self.first_write {
            Some(w) if r < 0.4 => Kill::AfterSpawn(rng.between(Duration::ZERO, w)),
            Some(w) if r < 0.9 => Kill::AfterFirstWrite(rng.between(Duration::ZERO, total.saturating_sub(w).mul_f64(0.8))),
            Some(_) => Kill::AfterSpawn(rng.between(total.mul_f64(0.9), total.mul_f64(1.2))),
            None => Kill::AfterSpawn(rng.between(Duration::ZERO, total.mul_f64(1.2))),
        }
    }
}

/// Runs `c` with piped output and kills it as `kill` says.
pub fn observe(mut c: Command, kill: Kill) -> Run {
    let start = Instant::now();
    let mut child = c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let (tx, rx) = mpsc::channel();
    let stderr = std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send((Instant::now(), line));
        }
    });
    let mut lines: Vec<(Instant, String)> = Vec::new();
    let delay = match kill {
        Kill::Never => None,
        Kill::AfterSpawn(d) => Some(d.saturating_sub(start.elapsed())),
        Kill::AfterFirstWrite(d) => {
            // Until its first write point, or until it ends (stderr closes).
            while let Ok((at, line)) = rx.recv() {
                let mark = line.starts_with(WRITE_MARK);
                lines.push((at, line));
                if mark {
                    break;
                }
            }
            Some(d)
        }
    };
    if let Some(d) = delay {
        std::thread::sleep(d);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
        }
    }
    let status = child.wait().unwrap();
    // Killed only if the signal ended it (it may have exited just before).
    let killed = status.signal() == Some(9);
    let elapsed = start.elapsed();
    stderr.join().unwrap();
    lines.extend(rx.try_iter());
    let first_write = lines.iter().find(|(_, l)| l.starts_with(WRITE_MARK)).map(|(at, _)| at.duration_since(start));
    let stderr = lines.into_iter().map(|(_, l)| l + "\n").collect();
    Run { status: (!killed).then_some(status), killed, stdout: stdout.join().unwrap(), stderr, first_write, elapsed }
}
