//! Import of JSON Lines facts (CONTRACT.md §1–2): every line of every file is
//! validated against the ledger and the lines before it; only when none is
//! rejected is everything appended, in one atomic, flushed batch.

mod check;
mod relations;

use model::{parse_line_with, Fact, Record, Seq, Timestamp};
use std::collections::HashMap;
use store::{Ledger, StoreError};

pub use check::{ref_key, Checker};

/// Longest line an import accepts, in bytes (a stored fact stays far
/// below the envelope's 1 MiB limit).
pub const MAX_LINE: usize = 256 * 1024;

/// One input: a name for messages (a path or `-`) and its bytes (JSON Lines,
/// UTF-8; a leading byte-order mark is ignored).
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Input {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input { name: name.into(), bytes: text.into().into_bytes() }
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
pub enum ImportError {
    #[error("{} line(s) rejected, nothing appended; first: {}", .0.len(), .0[0])]
    Rejected(Vec<Rejection>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportOutcome {
    pub appended: Vec<Record>,
    /// Lines whose identical fact was already in the ledger or earlier in the import.
    pub duplicates: usize,
}

impl ImportOutcome {
    pub fn first_seq(&self) -> Option<Seq> {
        self.appended.first().map(|r| r.seq)
    }
    pub fn last_seq(&self) -> Option<Seq> {
        self.appended.last().map(|r| r.seq)
    }
}

/// The facts an import would append, after validation: (recorded_at, fact).
pub struct Plan {
    pub facts: Vec<(Timestamp, Fact)>,
    pub duplicates: usize,
}

/// Validates every line of `inputs` against `ledger`; `now` is the
/// command's single "now" (default recorded time, and the future limit).
pub fn validate(ledger: &Ledger, inputs: &[Input], now: Timestamp) -> Result<Plan, ImportError> {
    let mut checker = Checker::new(ledger, now)?;
    let mut rejections = Vec::new();
    for input in inputs {
        for (i, raw) in input.bytes.split(|&b| b == b'\n').enumerate() {
            let reject = |field: Option<String>, message: String| Rejection {
                file: input.name.clone(),
                line: i + 1,
                field,
                message,
            };
            let raw = if i == 0 { raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw) } else { raw };
            if raw.len() > MAX_LINE {
                rejections.push(reject(None, format!("the line is {} bytes; a fact is at most {MAX_LINE} bytes", raw.len())));
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
            match parsed {
                Err(model::LineError::Json(m)) => rejections.push(reject(None, m.replace(" at line 1 column ", " at column "))),
                Err(model::LineError::Field(e)) => rejections.push(reject(Some(e.field), e.message)),
                Ok(draft) => {
                    if let Err(e) = checker.accept(draft) {
                        match e {
                            check::LineFault::Field(f) => rejections.push(reject(Some(f.field), f.message)),
                            check::LineFault::Store(s) => return Err(ImportError::Store(s)),
                        }
                    }
                }
            }
        }
    }
    if !rejections.is_empty() {
        return Err(ImportError::Rejected(rejections));
    }
    Ok(checker.finish())
}

/// Validates, then appends atomically and durably (CONTRACT.md §2).
pub fn import(ledger: &Ledger, inputs: &[Input], now: Timestamp) -> Result<ImportOutcome, ImportError> {
    let plan = validate(ledger, inputs, now)?;
    let appended = ledger.append(plan.facts)?;
    Ok(ImportOutcome { appended, duplicates: plan.duplicates })
}

/// Records of one enterprise: those in the ledger followed by those pending
/// in this import (with the seqs they will get).
pub(crate) type PendingByEnterprise = HashMap<model::Uscc, Vec<Record>>;
