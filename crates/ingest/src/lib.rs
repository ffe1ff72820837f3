//! Import of JSON Lines facts (CONTRACT.md §1–2): every line of every file is
//! validated against the ledger and the lines before it, streaming; only
//! when none is rejected does the import commit, atomically and durably.

mod check;
mod relations;

use model::{parse_line_with, Fact, FactDraft, Seq, Timestamp};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use store::{Head, Ledger, StoreError};

pub use check::Checker;
pub use model::ref_key;

/// Longest line an import accepts, in bytes (a stored fact stays far
/// below the envelope's 1 MiB limit).
pub const MAX_LINE: usize = 256 * 1024;

/// One input: a name for messages (a path or `-`) and where its lines come
/// from (JSON Lines, UTF-8; a leading byte-order mark is ignored). Files and
/// stdin are read line by line, never whole.
pub struct Input {
    pub name: String,
    source: Source,
}

enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
    Stdin,
}

impl Input {
    /// Lines given as text (tests, what-if from memory).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input { name: name.into(), source: Source::Bytes(text.into().into_bytes()) }
    }

    /// Lines given as bytes, possibly not UTF-8.
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Input {
        Input { name: name.into(), source: Source::Bytes(bytes) }
    }

    /// The file at `path` (`-` = stdin), read when the import runs.
    pub fn file(path: &str) -> Input {
        let source = if path == "-" { Source::Stdin } else { Source::File(PathBuf::from(path)) };
        Input { name: path.to_string(), source }
    }

    fn open(&self) -> Result<Box<dyn BufRead + '_>, ImportError> {
        let read_err = |e: std::io::Error| ImportError::Read { name: self.name.clone(), message: e.to_string() };
        Ok(match &self.source {
            Source::Bytes(b) => Box::new(b.as_slice()),
            Source::File(p) => Box::new(BufReader::with_capacity(1 << 16, File::open(p).map_err(read_err)?)),
            Source::Stdin => Box::new(BufReader::new(std::io::stdin())),
        })
    }
}

/// Reads the next line (without its `\n`) into `buf`, keeping at most
/// `MAX_LINE + 1` bytes of it; returns `None` at the end, else whether the
/// line was longer than that and its full length.
fn next_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
    buf.clear();
    let mut len = 0usize;
    let mut any = false;
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok(any.then_some(len));
        }
        any = true;
        let (part, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (&avail[..i], Some(i + 1)),
            None => (avail, None),
        };
        let room = (MAX_LINE + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&part[..part.len().min(room)]);
        len += part.len();
        let used = done.unwrap_or(avail.len());
        r.consume(used);
        if done.is_some() {
            return Ok(Some(len));
        }
    }
}

/// A rejected line: where, which field, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}:{}: field `{}`: {}", self.file, self.line, field, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// Why an import appended nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("{} line(s) rejected, nothing appended; first: {}", .0.len(), .0[0])]
    Rejected(Vec<Rejection>),
    #[error("cannot read {name}: {message}; nothing was appended")]
    Read { name: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did. Only counts and seqs: the appended records stay in
/// the ledger, not in memory.
#[derive(Debug)]
pub struct ImportOutcome {
    /// How many facts were appended.
    pub appended: u64,
    /// Lines whose identical fact was already in the ledger or earlier in the import.
    pub duplicates: usize,
    /// The head after the import.
    pub head: Head,
}

impl ImportOutcome {
    pub fn first_seq(&self) -> Option<Seq> {
        (self.appended > 0).then(|| Seq(self.head.seq.0 + 1 - self.appended))
    }
    pub fn last_seq(&self) -> Option<Seq> {
        (self.appended > 0).then_some(self.head.seq)
    }
}

/// The facts a dry run would append, after validation: (recorded_at, fact).
pub struct Plan {
    pub facts: Vec<(Timestamp, Fact)>,
    pub duplicates: usize,
}

/// At most this many rejections are kept for the report (all are counted).
pub const MAX_REJECTIONS: usize = 10_000;

/// A line as the parsing thread leaves it.
enum Parsed {
    Blank,
    Rejected(Option<String>, String),
    Draft(FactDraft),
    /// A change, correction or partial revocation: typed by its target's
    /// kind, so parsed again where the ledger is known.
    NeedsTarget(String),
}

/// One parsed line: input index, 1-based line number, what it gave.
type ParsedLine = (usize, usize, Parsed);

/// Lines handed from the parsing thread in batches of this many.
const PARSE_BATCH: usize = 1024;

/// Reads and parses every line of `inputs` on its own thread, sending
/// batches in order; an I/O error ends the stream.
fn parse_all(inputs: &[Input], tx: std::sync::mpsc::SyncSender<Result<Vec<ParsedLine>, ImportError>>) {
    let mut buf = Vec::new();
    let mut batch = Vec::with_capacity(PARSE_BATCH);
    for (n, input) in inputs.iter().enumerate() {
        let mut reader = match input.open() {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        let mut i = 0usize;
        loop {
            let len = match next_line(&mut *reader, &mut buf) {
                Ok(Some(len)) => len,
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(ImportError::Read { name: input.name.clone(), message: e.to_string() }));
                    return;
                }
            };
            i += 1;
            batch.push((n, i, parse_one(&buf, len, i == 1)));
            if batch.len() == PARSE_BATCH && tx.send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(PARSE_BATCH)))).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Ok(batch));
    }
}

/// Parses one raw line (`len`: its full length, `buf` holds at most
/// `MAX_LINE + 1` bytes of it).
fn parse_one(buf: &[u8], len: usize, first: bool) -> Parsed {
    let raw = if first { buf.strip_prefix("\u{feff}".as_bytes()).unwrap_or(buf) } else { buf };
    if len > MAX_LINE {
        return Parsed::Rejected(None, format!("the line is {len} bytes; a fact is at most {MAX_LINE} bytes"));
    }
    let Ok(line) = std::str::from_utf8(raw) else {
        return Parsed::Rejected(None, "the line is not valid UTF-8".into());
    };
    if line.trim().is_empty() {
        return Parsed::Blank;
    }
    let asked = std::cell::Cell::new(false);
    let parsed = parse_line_with(line, &|_| {
        asked.set(true);
        None
    });
    if asked.get() {
        return Parsed::NeedsTarget(line.to_string());
    }
    match parsed {
        Err(model::LineError::Json(m)) => Parsed::Rejected(None, m.replace(" at line 1 column ", " at column ")),
        Err(model::LineError::Field(e)) => Parsed::Rejected(Some(e.field), e.message),
        Ok(draft) => Parsed::Draft(draft),
    }
}

/// Checks every line of `inputs` through `checker`; the rejections. Lines
/// are read and parsed on a second thread while this one checks them.
fn check_all(checker: &mut Checker<'_>, inputs: &[Input]) -> Result<Vec<Rejection>, ImportError> {
    let mut rejections = Vec::new();
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        s.spawn(move || parse_all(inputs, tx));
        for batch in rx {
            for (n, i, parsed) in batch? {
                let reject = |field: Option<String>, message: String| Rejection { file: inputs[n].name.clone(), line: i, field, message };
                let fault = match parsed {
                    Parsed::Blank => None,
                    Parsed::Rejected(field, message) => Some(reject(field, message)),
                    Parsed::Draft(draft) => accept(checker, draft, &reject)?,
                    Parsed::NeedsTarget(line) => {
                        let store_fault = std::cell::RefCell::new(None);
                        let target_kind = |r: &str| match checker.kind_of(r) {
                            Ok(k) => k,
                            Err(e) => {
                                store_fault.replace(Some(e));
                                None
                            }
                        };
                        let parsed = parse_line_with(&line, &target_kind);
                        if let Some(e) = store_fault.into_inner() {
                            return Err(ImportError::Store(e));
                        }
                        match parsed {
                            Err(model::LineError::Json(m)) => Some(reject(None, m.replace(" at line 1 column ", " at column "))),
                            Err(model::LineError::Field(e)) => Some(reject(Some(e.field), e.message)),
                            Ok(draft) => accept(checker, draft, &reject)?,
                        }
                    }
                };
                if let Some(r) = fault {
                    if rejections.len() < MAX_REJECTIONS {
                        rejections.push(r);
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(rejections)
}

/// Checks a parsed line against the ledger: its rejection, if any.
fn accept(checker: &mut Checker<'_>, draft: FactDraft, reject: &dyn Fn(Option<String>, String) -> Rejection) -> Result<Option<Rejection>, ImportError> {
    match checker.accept(draft) {
        Ok(()) => Ok(None),
        Err(check::LineFault::Field(f)) => Ok(Some(reject(Some(f.field), f.message))),
        Err(check::LineFault::Store(s)) => Err(ImportError::Store(s)),
    }
}

/// Validates every line of `inputs` against `ledger` and writes nothing (a
/// dry run: the facts are held in memory); `now` is the command's single
/// "now" (default recorded time, and the future limit).
pub fn validate(ledger: &Ledger, inputs: &[Input], now: Timestamp) -> Result<Plan, ImportError> {
    let mut checker = Checker::new(ledger, now, false)?;
    let rejections = check_all(&mut checker, inputs)?;
    let (appender, duplicates) = checker.into_parts();
    let held = appender.into_held();
    if !rejections.is_empty() {
        return Err(ImportError::Rejected(rejections));
    }
    Ok(Plan { facts: held.into_iter().map(|r| (r.recorded_at, r.fact)).collect(), duplicates })
}

/// Validates and appends as one atomic, durable import (CONTRACT.md §2):
/// accepted facts are written past the head as the lines stream by, and
/// the head moves only when every line has passed. On a rejection, what
/// was written is removed and nothing is visible.
pub fn import(ledger: &Ledger, inputs: &[Input], now: Timestamp) -> Result<ImportOutcome, ImportError> {
    let mut checker = Checker::new(ledger, now, true)?;
    let checked = check_all(&mut checker, inputs);
    let (appender, duplicates) = checker.into_parts();
    match checked {
        Ok(rejections) if rejections.is_empty() => {
            let appended = appender.pending();
            let head = appender.commit()?;
            Ok(ImportOutcome { appended, duplicates, head })
        }
        Ok(rejections) => {
            appender.abort()?;
            Err(ImportError::Rejected(rejections))
        }
        Err(e) => {
            appender.abort()?;
            Err(e)
        }
    }
}
