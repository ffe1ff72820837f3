//! What every request shares: the ledger, the writer, the access list, the
//! audit trail's queue, the published head and the shutdown signal.

use crate::clock::Clock;
use crate::writer::Writer;
use access::AccessList;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use store::{Head, Ledger};
use tokio::sync::watch;

/// Shared by every handler (behind an `Arc`).
pub struct AppState {
    pub ledger: Arc<Ledger>,
    pub access: AccessList,
    pub clock: Clock,
    /// The head after the last flush: readers and the event stream never
    /// look past it.
    pub heads: watch::Receiver<Head>,
    /// Taken (set to `None`) at shutdown, so the writer's queue closes.
    writer: Mutex<Option<Writer>>,
    audit: Mutex<Option<mpsc::Sender<audit::Request>>>,
    closing: AtomicBool,
    /// Flips to true once at shutdown: long streams end.
    pub closed: watch::Receiver<bool>,
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// The audit trail's file (read by `GET /audit`).
    pub audit_path: std::path::PathBuf,
}

impl AppState {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ledger: Arc<Ledger>,
        access: AccessList,
        clock: Clock,
        heads: watch::Receiver<Head>,
        writer: Writer,
        audit: mpsc::Sender<audit::Request>,
        closed: watch::Receiver<bool>,
        max_body: usize,
        audit_path: std::path::PathBuf,
    ) -> AppState {
        AppState {
            ledger,
            access,
            clock,
            heads,
            writer: Mutex::new(Some(writer)),
            audit: Mutex::new(Some(audit)),
            closing: AtomicBool::new(false),
            closed,
            max_body,
            audit_path,
        }
    }

    /// The writer, unless the server is shutting down.
    pub fn writer(&self) -> Option<Writer> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The head as last published (flushed).
    pub fn head(&self) -> Head {
        *self.heads.borrow()
    }

    /// Queues one audit line (written and synced by the audit thread).
    pub fn record(&self, r: audit::Request) {
        if let Some(tx) = self.audit.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = tx.send(r);
        }
    }

    pub fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    /// Refuses new requests from now on (503).
    pub fn start_closing(&self) {
        self.closing.store(true, Ordering::SeqCst);
    }

    /// Drops the writer handle: the writer finishes its queue and stops.
    pub fn close_writer(&self) {
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    /// Drops the audit queue: the audit thread writes what is left, syncs, stops.
    pub fn close_audit(&self) {
        self.audit.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}
