//! Running one of the CLI's commands for a request, on the blocking pool,
//! against the shared ledger: the answer is the very bytes the CLI prints.
//!
//! Two ways to answer:
//! - plain (curl, programs): the command's stdout as the body; a failure
//!   before any output is a problem (400 rejected, 404 not found, 500);
//!   output larger than [`STREAM_AFTER`] streams, and a failure after it
//!   began cuts the body short (the client sees an incomplete transfer);
//! - console (`Accept: application/vnd.credit-ledger.console`, the CLI's
//!   `--server` mode): frames of stdout, stderr and, last, the exit, so that
//!   the client prints exactly what the local command would, notes and
//!   exit code included. A frame is one tag byte (`o`, `e`, `x`), a u32
//!   big-endian length and that many bytes; the `x` payload is JSON
//!   `{"code": 0|1|2, "message": …, "status": HTTP status, "known_at": K}`.

use crate::auth::KNOWN_AT;
use crate::problem::{Outcome, Problem};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use commands::args::Command;
use commands::{CliError, Ctx, Files, Source};
use std::io::Write;
use std::sync::Arc;
use tokio::sync::mpsc;

/// The media type of console frames.
pub const CONSOLE: &str = "application/vnd.credit-ledger.console";

/// Plain output past this many bytes streams.
const STREAM_AFTER: usize = 256 * 1024;

enum Chunk {
    Out(Bytes),
    Err(Bytes),
    Done { result: Result<(), CliError>, known_at: Option<u64> },
}

/// Whether the request asked for console frames.
pub fn wants_console(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(CONSOLE))
}

/// Runs `command`, a read, on the blocking pool and answers; `files`: the
/// only files it may read (those sent with the request, never the
/// server's own); `content_type` of plain output; `known_at`: the K the
/// handler fixed, reported even when the output streams.
pub async fn run(st: &Arc<AppState>, command: Command, files: Files, console: bool, content_type: &'static str, known_at: Option<u64>) -> Response {
    let (tx, rx) = mpsc::channel(8);
    let ledger = st.ledger.clone();
    let now = st.clock.now();
    tokio::task::spawn_blocking(move || execute(&ledger, now, command, files, tx));
    answer(rx, console, content_type, known_at).await
}

/// Runs `command` alone on the writer thread (`issue`, `rules adopt`), so
/// that it appends between rounds, then answers as [`run`] does.
pub async fn on_writer(st: &Arc<AppState>, command: Command, files: Files, console: bool, content_type: &'static str) -> Response {
    let (tx, rx) = mpsc::channel(8);
    let Some(writer) = st.writer() else { return Problem::shutting_down().into_response() };
    let work: crate::writer::Exclusive = Box::new(move |ledger, now| execute(ledger, now, command, files, tx));
    if writer.exclusive(work).is_err() {
        return Problem::shutting_down().into_response();
    }
    let r = answer(rx, console, content_type, None).await;
    // What it appended is read by the caller's next request.
    if let Ok(head) = st.ledger.head() {
        published(st, head.seq).await;
    }
    r
}

/// Waits (at most 10 s) until the published head has reached `seq`. An
/// import's round publishes before it answers; work that runs alone on the
/// writer (`issue`, `rules adopt`) answers from inside the command, so its
/// caller waits here: a read sent once answered must see what it wrote.
async fn published(st: &AppState, seq: model::Seq) {
    let mut heads = st.heads.clone();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), heads.wait_for(|h| h.seq >= seq)).await;
}

fn execute(ledger: &store::Ledger, now: model::Timestamp, command: Command, files: Files, tx: mpsc::Sender<Chunk>) {
    let mut out = Sink { tx: tx.clone(), buf: Vec::new(), err: false };
    let mut err = Sink { tx: tx.clone(), buf: Vec::new(), err: true };
    let mut ctx = Ctx {
        ledger: Source::Shared(ledger),
        now,
        store: ledger.store_kind(),
        out: &mut out,
        err: &mut err,
        progress: false,
        files,
        known_at: None,
    };
    let result = commands::run(command, &mut ctx);
    let known_at = ctx.known_at.map(|k| k.0);
    let _ = out.flush();
    let _ = err.flush();
    let _ = tx.blocking_send(Chunk::Done { result, known_at });
}

/// A writer that hands its bytes to the answering task in chunks.
struct Sink {
    tx: mpsc::Sender<Chunk>,
    buf: Vec<u8>,
    err: bool,
}

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let bytes = Bytes::from(std::mem::take(&mut self.buf));
        let chunk = if self.err { Chunk::Err(bytes) } else { Chunk::Out(bytes) };
        // The client went away: the command stops at its next write.
        self.tx.blocking_send(chunk).map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client closed the connection"))
    }
}

/// The exit code and problem of a command's error.
fn problem_of(e: &CliError) -> Problem {
    match e {
        CliError::Rejected(m) => Problem::rejected(m.clone()),
        CliError::NotFound(m) => Problem::not_found(m.clone()),
        other => Problem::failed(other.to_string()),
    }
}

async fn answer(mut rx: mpsc::Receiver<Chunk>, console: bool, content_type: &'static str, known_at: Option<u64>) -> Response {
    // Plain: stdout bytes; console: frames of both. Held until the command
    // ends (so the status and the audit outcome are the command's) or
    // until there is too much to hold.
    let mut body = Vec::new();
    let mut notes = Vec::new();
    loop {
        match rx.recv().await {
            Some(Chunk::Out(b)) if console => body.extend_from_slice(&frame(b'o', &b)),
            Some(Chunk::Out(b)) => body.extend_from_slice(&b),
            Some(Chunk::Err(b)) => {
                if console {
                    body.extend_from_slice(&frame(b'e', &b));
                }
                notes.extend_from_slice(&b);
            }
            Some(Chunk::Done { result, known_at: k }) => {
                let k = k.or(known_at);
                let mut r = match (&result, console) {
                    (Ok(()), _) => (StatusCode::OK, body).into_response(),
                    (Err(e), false) => problem_of(e).into_response(),
                    (Err(e), true) => {
                        let p = problem_of(e);
                        body.extend_from_slice(&exit_frame(&result, k));
                        let mut r = (p.status(), body).into_response();
                        r.extensions_mut().insert(Outcome(p.detail));
                        r
                    }
                };
                if result.is_ok() {
                    if console {
                        let mut b = Vec::new();
                        b.extend_from_slice(&exit_frame(&result, k));
                        r = append(r, b).await;
                    }
                    let note = String::from_utf8_lossy(&notes).trim().replace('\n', " ");
                    r.extensions_mut().insert(Outcome(if note.is_empty() { "answered".into() } else { note }));
                }
                if result.is_ok() || console {
                    let ct = if console { CONSOLE } else { content_type };
                    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
                }
                if let Some(k) = k {
                    r.headers_mut().insert(KNOWN_AT, k.into());
                }
                return r;
            }
            None => return Problem::failed("the command stopped without an answer").into_response(),
        }
        if body.len() >= STREAM_AFTER {
            return streamed(body, rx, console, if console { CONSOLE } else { content_type }, known_at);
        }
    }
}

/// `r`'s body with `more` after it (small bodies only).
async fn append(r: Response, more: Vec<u8>) -> Response {
    let (parts, body) = r.into_parts();
    let mut bytes = axum::body::to_bytes(body, usize::MAX).await.map(|b| b.to_vec()).unwrap_or_default();
    bytes.extend_from_slice(&more);
    Response::from_parts(parts, Body::from(bytes))
}

fn exit_frame(result: &Result<(), CliError>, known_at: Option<u64>) -> Bytes {
    let (code, message, status) = match result {
        Ok(()) => (0, String::new(), 200),
        Err(e) => (e.exit_code(), e.to_string(), problem_of(e).status),
    };
    let exit = serde_json::json!({ "code": code, "message": message, "status": status, "known_at": known_at });
    frame(b'x', exit.to_string().as_bytes())
}

/// Output too large to hold: sent as it comes (status 200 already). Plain:
/// a late failure cuts the body short; console: it is the exit frame.
fn streamed(first: Vec<u8>, rx: mpsc::Receiver<Chunk>, console: bool, content_type: &'static str, known_at: Option<u64>) -> Response {
    let rest = futures_util::stream::unfold(Some(rx), move |rx| async move {
        let mut rx = rx?;
        loop {
            let item = match rx.recv().await? {
                Chunk::Out(b) if console => Ok(frame(b'o', &b)),
                Chunk::Out(b) => Ok(b),
                Chunk::Err(b) if console => Ok(frame(b'e', &b)),
                Chunk::Err(_) => continue,
                Chunk::Done { result, known_at: k } if console => return Some((Ok(exit_frame(&result, k.or(known_at))), None)),
                Chunk::Done { result: Ok(()), .. } => return None,
                Chunk::Done { result: Err(e), .. } => Err(std::io::Error::other(e.to_string())),
            };
            return Some((item, Some(rx)));
        }
    });
    // Fused: the compression layer may poll once more after the end.
    let stream = futures_util::StreamExt::fuse(futures_util::StreamExt::chain(futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(first)) }), rest));
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(k) = known_at {
        r.headers_mut().insert(KNOWN_AT, k.into());
    }
    r.extensions_mut().insert(Outcome("answered (streamed)".into()));
    r
}

fn frame(tag: u8, payload: &[u8]) -> Bytes {
    let mut f = Vec::with_capacity(5 + payload.len());
    f.push(tag);
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(payload);
    Bytes::from(f)
}
