//! Import of JSON Lines facts (CONTRACT.md §1–2): every line of every file is
//! validated against the ledger and the lines before it, streaming; only
//! when none is rejected does the import commit, atomically and durably.

mod adopt;
mod check;
mod lines;
mod relations;
pub mod sheet;

use lines::{parse_all, Parsed};
use model::{parse_line_with, Fact, FactDraft, Seq, Timestamp};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use store::{Head, Ledger, StoreError};

pub use adopt::{adopt, adoption_of, book_at, AdoptError, AdoptRequest, MAX_RULE_FILE};
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
                    Parsed::Draft(draft) => accept(checker, *draft, &reject)?,
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
