//! The one writer (issue 9, item 2): a dedicated thread that owns every
//! append. Requests queue on a channel; each round takes all that arrived
//! meanwhile, validates each against the ledger as it then stands, and
//! appends the accepted ones in one batch with one flush. Each request is
//! answered only after that flush, and its facts land all or none.
//!
//! Check-then-act is safe because nothing else appends: validation, the
//! expected-head and expected-version checks and the append all run on
//! this thread. Two requests of one round never touch the same enterprise
//! or ref (see `group`), so validating each against the committed ledger
//! equals validating them one after the other; a request that collides
//! with one already in the round waits for the next round.

mod group;

pub use group::division_of;
mod idempotency;

use crate::clock::Clock;
use access::Principal;
use ingest::Rejection;
use model::{Seq, Timestamp, Uscc};
use std::sync::Arc;
use store::{Head, Ledger};
use tokio::sync::{mpsc, oneshot, watch};

/// Requests a round takes at most, by default.
pub const MAX_ROUND: usize = 512;

/// An import request for the writer.
pub struct ImportJob {
    /// The JSON Lines inputs, in order, each with its name in messages
    /// (the CLI client sends each file's path): validated and appended
    /// together, all or none.
    pub inputs: Vec<(String, Vec<u8>)>,
    /// The ledger head seq the caller last saw: stale → 409, nothing written.
    pub expected_head: Option<u64>,
    /// An enterprise and the seq of its last record the caller last saw
    /// (0: none yet): stale → 409, nothing written.
    pub expected_version: Option<(Uscc, u64)>,
    /// `Idempotency-Key` and the SHA-256 of everything the request asks.
    pub idempotency: Option<(uuid::Uuid, [u8; 32])>,
    pub principal: Principal,
    pub reply: oneshot::Sender<ImportReply>,
}

/// What an import became.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ImportReply {
    /// Appended and flushed (or nothing new: every line a duplicate).
    Appended(Appended),
    /// Lines rejected; nothing written.
    Rejected(Vec<Rejection>),
    /// `expected_head` or `expected_version` was stale; nothing written.
    Conflict(String),
    /// A fact about an enterprise outside the token's rights; nothing written.
    Forbidden(String),
    /// The `Idempotency-Key` was used before with another request.
    KeyReused(uuid::Uuid),
    /// A storage failure; nothing of this round was acknowledged.
    Failed(String),
}

/// An acknowledged import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    pub appended: u64,
    pub duplicates: usize,
    pub first_seq: Option<Seq>,
    pub last_seq: Option<Seq>,
    /// The head after the round that carried it.
    pub head: Seq,
    /// A retry answered from the `Idempotency-Key` memory: nothing new was appended.
    pub replayed: bool,
}

/// Work that must run alone on the writer thread (`issue`, `rules adopt`):
/// it gets the ledger and the round's "now", and answers on its own channel.
pub type Exclusive = Box<dyn FnOnce(&Ledger, Timestamp) + Send>;

enum Job {
    Import(Box<ImportJob>),
    Exclusive(Exclusive),
}

/// The handle requests use; dropping every handle stops the writer once
/// its queue is done.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::UnboundedSender<Job>,
}

/// The writer has stopped (shutdown): the request was not taken.
#[derive(Debug)]
pub struct Stopped;

impl Writer {
    /// Starts the writer thread. `heads` receives every new head after its flush.
    /// `max_round`: requests one round takes at most ([`MAX_ROUND`]; 1
    /// gives the naive one-flush-per-request baseline of BENCHMARKS.md).
    pub fn start(ledger: Arc<Ledger>, clock: Clock, heads: watch::Sender<Head>, max_round: usize) -> (Writer, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("ledger-writer".into())
            .spawn(move || run(&ledger, clock, rx, &heads, max_round.max(1)))
            .expect("the writer thread starts");
        (Writer { tx }, thread)
    }

    /// Queues an import; its answer comes on the job's `reply`.
    pub fn import(&self, job: ImportJob) -> Result<(), Stopped> {
        self.tx.send(Job::Import(Box::new(job))).map_err(|_| Stopped)
    }

    /// Queues work that runs alone, between rounds.
    pub fn exclusive(&self, work: Exclusive) -> Result<(), Stopped> {
        self.tx.send(Job::Exclusive(work)).map_err(|_| Stopped)
    }
}

fn run(ledger: &Ledger, clock: Clock, mut rx: mpsc::UnboundedReceiver<Job>, heads: &watch::Sender<Head>, max_round: usize) {
    let mut queue = std::collections::VecDeque::new();
    let mut seen = idempotency::Seen::default();
    loop {
        if queue.is_empty() {
            match rx.blocking_recv() {
                Some(job) => queue.push_back(job),
                None => return,
            }
        }
        while queue.len() < max_round {
            match rx.try_recv() {
                Ok(job) => queue.push_back(job),
                Err(_) => break,
            }
        }
        let now = clock.now();
        if let Some(Job::Exclusive(_)) = queue.front() {
            if let Some(Job::Exclusive(work)) = queue.pop_front() {
                work(ledger, now);
            }
        } else {
            let imports = take_imports(&mut queue, max_round);
            let deferred = group::round(ledger, now, imports, &mut seen, heads);
            for job in deferred.into_iter().rev() {
                queue.push_front(Job::Import(Box::new(job)));
            }
        }
        publish(ledger, heads);
    }
}

/// Publishes the ledger's head (flushed: only the writer moves it, and
/// only by a commit that flushes) to readers and the event stream.
fn publish(ledger: &Ledger, heads: &watch::Sender<Head>) {
    if let Ok(head) = ledger.head() {
        heads.send_if_modified(|h| std::mem::replace(h, head) != head);
    }
}

/// The imports at the front of the queue, up to the first exclusive job
/// (which runs after them, in arrival order).
fn take_imports(queue: &mut std::collections::VecDeque<Job>, max: usize) -> Vec<ImportJob> {
    let mut out = Vec::new();
    while let (Some(Job::Import(_)), true) = (queue.front(), out.len() < max) {
        if let Some(Job::Import(job)) = queue.pop_front() {
            out.push(*job);
        }
    }
    out
}
