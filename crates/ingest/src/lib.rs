//! Import of JSON Lines facts (CONTRACT.md §1–2): every line of every file is
//! validated against the ledger and the lines before it, streaming; only
//! when none is rejected does the import commit, atomically and durably.

mod check;
mod relations;

use model::{parse_line_with, Fact, Seq, Timestamp};
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

/// Checks every line of `inputs` through `checker`; the rejections.
fn check_all(checker: &mut Checker<'_>, inputs: &[Input]) -> Result<Vec<Rejection>, ImportError> {
    let mut rejections = Vec::new();
    let mut buf = Vec::new();
    for input in inputs {
        let mut reader = input.open()?;
        let mut i = 0usize;
        while let Some(len) = next_line(&mut *reader, &mut buf).map_err(|e| ImportError::Read { name: input.name.clone(), message: e.to_string() })? {
            i += 1;
            let reject = |field: Option<String>, message: String| Rejection { file: input.name.clone(), line: i, field, message };
            let mut raw: &[u8] = &buf;
            if i == 1 {
                raw = raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw);
            }
            if len > MAX_LINE {
                rejections.push(reject(None, format!("the line is {len} bytes; a fact is at most {MAX_LINE} bytes")));
                continue;
            }
            let Ok(line) = std::str::from_utf8(raw) else {
                rejections.push(reject(None, "the line is not valid UTF-8".into()));
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            let store_fault = std::cell::RefCell::new(None);
            let target_kind = |r: &str| match checker.kind_of(r) {
                Ok(k) => k,
                Err(e) => {
                    store_fault.replace(Some(e));
                    None
                }
            };
            let parsed = parse_line_with(line, &target_kind);
            if let Some(e) = store_fault.into_inner() {
                return Err(ImportError::Store(e));
            }
            let fault = match parsed {
                Err(model::LineError::Json(m)) => Some(reject(None, m.replace(" at line 1 column ", " at column "))),
                Err(model::LineError::Field(e)) => Some(reject(Some(e.field), e.message)),
                Ok(draft) => match checker.accept(draft) {
                    Ok(()) => None,
                    Err(check::LineFault::Field(f)) => Some(reject(Some(f.field), f.message)),
                    Err(check::LineFault::Store(s)) => return Err(ImportError::Store(s)),
                },
            };
            if let Some(r) = fault {
                if rejections.len() < MAX_REJECTIONS {
                    rejections.push(r);
                }
            }
        }
    }
    Ok(rejections)
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
