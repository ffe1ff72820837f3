//! One phase of the run: a fresh server and ledger, M enterprises
//! pre-loaded, then W writer threads appending one fine per request back to
//! back while R reader threads read random pre-loaded enterprises; bounded
//! by appends per writer and by time. After the server stopped, every
//! acknowledged ref is looked up in the ledger.

use crate::client::{self, Client};
use crate::facts::{self, READER_TOKEN, WRITER_TOKEN};
use crate::harness::{Harness, HarnessError};
use crate::threads;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// What one phase runs.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Enterprises registered and licensed before measuring (at least `writers`).
    pub enterprises: u32,
    /// Concurrent writers; writer w appends to enterprise w + 1 only. 0: reads alone.
    pub writers: usize,
    /// Appends per writer at most.
    pub appends: u64,
    /// Wall time of the phase at most (writers start no request after it).
    pub time: Duration,
    /// Concurrent readers.
    pub readers: usize,
    /// The server's writer rounds: requests per flush at most (1: the baseline).
    pub max_round: usize,
    /// Where the temporary ledger is made.
    pub scratch: PathBuf,
    /// Seed of the readers' choice of enterprises.
    pub seed: u64,
}

/// What one phase measured.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub spec: Spec,
    /// Appends answered 200 (each one fact, flushed).
    pub acked: u64,
    pub append_latency: Vec<Duration>,
    pub read_latency: Vec<Duration>,
    /// From the start signal until the last writer's last answer (reads alone: the time bound).
    pub wall: Duration,
    /// Some writer stopped at the time bound rather than the count.
    pub by_time: bool,
    /// CPU time of the whole process (server and clients) during `wall`.
    pub cpu_process: Duration,
    /// CPU time of the client threads (writers and readers).
    pub cpu_clients: Duration,
    /// CPU time during `wall` per thread kind (server and clients).
    pub by_thread: threads::ByKind,
    /// Facts in the ledger after the server stopped.
    pub head: u64,
}

/// Why a phase failed: the figures would not be honest.
#[derive(Debug, thiserror::Error)]
pub enum PhaseError {
    #[error(transparent)]
    Harness(#[from] HarnessError),
    #[error("cannot start a client thread: {0}")]
    Start(String),
    #[error("pre-loading {0}")]
    Preload(String),
    #[error("{count} request(s) failed; the first: {first}")]
    Requests { count: usize, first: String },
    #[error("{count} acknowledged ref(s) are missing from the ledger, e.g. {first}: an acknowledged append was lost")]
    Missing { count: usize, first: String },
    #[error("the ledger holds {head} facts after the phase; expected {expected} ({preloaded} pre-loaded + {acked} acknowledged)")]
    Count { head: u64, expected: u64, preloaded: u64, acked: u64 },
    #[error("reading the ledger after the phase: {0}")]
    Store(#[from] store::StoreError),
}

/// What one client thread saw.
#[derive(Default)]
struct Log {
    acked: Vec<String>,
    latency: Vec<Duration>,
    errors: Vec<String>,
    by_time: bool,
    cpu: Duration,
}

/// Runs the phase and checks the ledger afterwards.
pub fn run(spec: &Spec) -> Result<Outcome, PhaseError> {
    let harness = Harness::start(&spec.scratch, spec.max_round)?;
    let preloaded = preload(&harness.url, spec.enterprises)?;
    let url = harness.url.as_str();
    // The start gate: held for writing while the client threads start; each
    // waits for it, and goes when it reads `true` (false: the start failed).
    let (done, start) = (AtomicBool::new(false), RwLock::new(false));
    let (writer_logs, reader_logs, wall, cpu_process, by_thread) = std::thread::scope(|s| {
        let (done, start) = (&done, &start);
        let mut gate = start.write().unwrap_or_else(|e| e.into_inner());
        let named = |name: String| std::thread::Builder::new().name(name);
        let writers: Vec<_> = (0..spec.writers).map(|w| named(format!("load-writer-{w}")).spawn_scoped(s, move || write(url, w, spec, start))).collect();
        let readers: Vec<_> = (0..spec.readers).map(|r| named(format!("load-reader-{r}")).spawn_scoped(s, move || read(url, r, spec, start, done))).collect();
        let (writers, readers) = match (started(writers), started(readers)) {
            (Ok(w), Ok(r)) => (w, r),
            (Err(e), _) | (_, Err(e)) => {
                drop(gate);
                return Err(PhaseError::Start(e.to_string()));
            }
        };
        *gate = true;
        drop(gate);
        let (t0, cpu0, threads0) = (Instant::now(), cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID), threads::snapshot());
        let writer_logs: Vec<Log> = writers.into_iter().map(|h| h.join().unwrap_or_else(|_| panicked())).collect();
        if spec.writers == 0 {
            std::thread::sleep(spec.time);
        }
        let (wall, cpu) = (t0.elapsed(), cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID).saturating_sub(cpu0));
        let by_thread = threads::since(&threads0);
        done.store(true, Ordering::Relaxed);
        let reader_logs: Vec<Log> = readers.into_iter().map(|h| h.join().unwrap_or_else(|_| panicked())).collect();
        Ok((writer_logs, reader_logs, wall, cpu, by_thread))
    })?;
    let dir = harness.stop()?;
    let acked: Vec<&String> = writer_logs.iter().flat_map(|l| &l.acked).collect();
    let head = check_ledger(&dir.path().join("ledger"), &acked)?;
    let logs = || writer_logs.iter().chain(&reader_logs);
    let errors: Vec<&String> = logs().flat_map(|l| &l.errors).collect();
    if let Some(first) = errors.first() {
        return Err(PhaseError::Requests { count: errors.len(), first: first.to_string() });
    }
    let expected = preloaded + acked.len() as u64;
    if head != expected {
        return Err(PhaseError::Count { head, expected, preloaded, acked: acked.len() as u64 });
    }
    // The writer threads ended before the snapshot: their own CPU clocks.
    let mut by_thread = by_thread;
    let writers_cpu: Duration = writer_logs.iter().map(|l| l.cpu).sum();
    if !writers_cpu.is_zero() {
        *by_thread.entry("load-writer".into()).or_default() += writers_cpu;
    }
    let counted: Duration = by_thread.values().sum();
    if cpu_process > counted + Duration::from_millis(10) {
        by_thread.insert("other (threads that ended)".into(), cpu_process - counted);
    }
    Ok(Outcome {
        spec: spec.clone(),
        acked: acked.len() as u64,
        append_latency: writer_logs.iter().flat_map(|l| l.latency.iter().copied()).collect(),
        read_latency: reader_logs.iter().flat_map(|l| l.latency.iter().copied()).collect(),
        wall,
        by_time: writer_logs.iter().any(|l| l.by_time),
        cpu_process,
        cpu_clients: logs().map(|l| l.cpu).sum(),
        by_thread,
        head,
    })
}

/// The client threads, if all started.
fn started<T>(handles: Vec<std::io::Result<T>>) -> std::io::Result<Vec<T>> {
    handles.into_iter().collect()
}

/// Waits at the start gate; false: the phase did not start.
fn go(start: &RwLock<bool>) -> bool {
    *start.read().unwrap_or_else(|e| e.into_inner())
}

/// A client thread that panicked: a bug of this harness, reported as a failed request.
fn panicked() -> Log {
    Log { errors: vec!["a client thread panicked".into()], ..Log::default() }
}

/// Registers and licenses enterprises 1..=m in one request; returns the facts appended.
fn preload(url: &str, m: u32) -> Result<u64, PhaseError> {
    let client = Client::new(url);
    let (status, text) = client.post(Some(WRITER_TOKEN), "/import?name=preload&format=json", &facts::preload(m)).map_err(PhaseError::Preload)?;
    let appended = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| v["appended"].as_u64());
    match (status, appended) {
        (200, Some(n)) if n == 2 * u64::from(m) => Ok(n),
        _ => Err(PhaseError::Preload(format!("{m} enterprises: answer {status}: {}", text.trim()))),
    }
}

/// Writer `w`: one fine per request, back to back, until `spec.appends`
/// or `spec.time`; on its own enterprises w + 1, w + 1 + W, w + 1 + 2W, ...
/// (W writers) in turn, so no two writers touch one enterprise.
fn write(url: &str, w: usize, spec: &Spec, start: &RwLock<bool>) -> Log {
    let client = Client::new(url);
    let own = own_enterprises(w, spec.writers, spec.enterprises);
    let mut log = Log::default();
    if !go(start) {
        return log;
    }
    let (deadline, cpu0) = (Instant::now() + spec.time, cpu_time(libc::CLOCK_THREAD_CPUTIME_ID));
    for k in 0..spec.appends {
        if Instant::now() >= deadline {
            log.by_time = true;
            break;
        }
        let reference = facts::fine_ref(w, k);
        let body = facts::fine(own[(k % own.len() as u64) as usize], &reference, 1000 + k);
        let t = Instant::now();
        let answer = client.post(Some(WRITER_TOKEN), "/import?format=json", &body);
        log.latency.push(t.elapsed());
        match answer {
            Ok((200, text)) if appended_one(&text) => log.acked.push(reference),
            Ok((status, text)) => log.errors.push(format!("writer {w}, append {reference}: answer {status}: {}", text.trim())),
            Err(e) => log.errors.push(format!("writer {w}, append {reference}: {e}")),
        }
    }
    log.cpu = cpu_time(libc::CLOCK_THREAD_CPUTIME_ID).saturating_sub(cpu0);
    log
}

/// Writer `w`'s enterprises among 1..=m, W = `writers` (w < W ≤ m): never empty.
fn own_enterprises(w: usize, writers: usize, m: u32) -> Vec<u32> {
    let v: Vec<u32> = (w as u32 + 1..=m).step_by(writers.max(1)).collect();
    if v.is_empty() { vec![w as u32 + 1] } else { v }
}

/// The import answered `appended: 1` (not a duplicate).
fn appended_one(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).ok().and_then(|v| v["appended"].as_u64()) == Some(1)
}

/// Reader `r`: reads of random pre-loaded enterprises, back to back, until
/// the writers are done (or the time bound passed); at least one read.
fn read(url: &str, r: usize, spec: &Spec, start: &RwLock<bool>, done: &AtomicBool) -> Log {
    let client = Client::new(url);
    let mut rng = spec.seed ^ (r as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut log = Log::default();
    if !go(start) {
        return log;
    }
    let (deadline, cpu0) = (Instant::now() + spec.time + Duration::from_secs(5), cpu_time(libc::CLOCK_THREAD_CPUTIME_ID));
    loop {
        let n = (splitmix(&mut rng) % u64::from(spec.enterprises.max(1))) as u32 + 1;
        let path = client::read_path(&facts::uscc(n));
        let t = Instant::now();
        let answer = client.get(Some(READER_TOKEN), &path);
        log.latency.push(t.elapsed());
        match answer {
            Ok((200, _)) => {}
            Ok((status, text)) => log.errors.push(format!("reader {r}, GET {path}: answer {status}: {}", text.trim())),
            Err(e) => log.errors.push(format!("reader {r}, GET {path}: {e}")),
        }
        if done.load(Ordering::Relaxed) || Instant::now() >= deadline {
            break;
        }
    }
    log.cpu = cpu_time(libc::CLOCK_THREAD_CPUTIME_ID).saturating_sub(cpu0);
    log
}

/// SplitMix64: the next pseudo-random number of the sequence in `state`.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Opens the ledger after the server stopped: every acknowledged ref must
/// be there. Returns the head seq.
pub(crate) fn check_ledger(dir: &std::path::Path, acked: &[&String]) -> Result<u64, PhaseError> {
    let ledger = store::Ledger::open(dir)?;
    let mut missing = Vec::new();
    for reference in acked {
        if ledger.seq_of_ref(reference)?.is_none() {
            missing.push(reference.to_string());
        }
    }
    if let Some(first) = missing.first() {
        return Err(PhaseError::Missing { count: missing.len(), first: first.clone() });
    }
    Ok(ledger.head()?.seq.0)
}

/// CPU time of `clock` (this thread's or this process's).
fn cpu_time(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
