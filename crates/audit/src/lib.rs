//! The audit trail (issue 9, item 6): every request the server answered,
//! reads and refusals included, as one JSON line each, hash-chained so that
//! a changed, removed or reordered line is found.
//!
//! Kept apart from the fact ledger (its own file, by default
//! `<ledger-dir>.audit.jsonl`), because it records who asked, not what is
//! true. Line `n` carries `prev`, the hash of line `n - 1` (64 zeros for
//! the first), and `hash` = SHA-256 of `prev` (hex) + `"\n"` + the line's
//! JSON without its `hash` field, fields in the order of [`Entry`]
//! (docs/FORMAT.md "Audit trail").

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The trail's default place: beside the ledger directory, as
/// `<dir>.audit.jsonl`, so it never mixes with the ledger's files.
pub fn default_path(ledger_dir: &Path) -> PathBuf {
    let mut name = ledger_dir.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "ledger".into());
    name.push(".audit.jsonl");
    ledger_dir.with_file_name(name)
}

/// What is recorded about one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// When it was answered: RFC 3339 at China time (+08:00).
    pub at: String,
    /// The token's name from the access file, or "-" when no valid token was given.
    pub who: String,
    /// The token's role, or "-".
    pub role: String,
    pub method: String,
    /// Path and query as requested.
    pub target: String,
    /// The knowledge cut (ledger seq) the answer used, when it read the ledger at one.
    pub known_at: Option<u64>,
    /// The HTTP status answered.
    pub status: u16,
    /// One sentence: what was done or why it was refused.
    pub outcome: String,
}

/// One line of the trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// 1-based line number.
    pub n: u64,
    pub at: String,
    pub who: String,
    pub role: String,
    pub method: String,
    pub target: String,
    pub known_at: Option<u64>,
    pub status: u16,
    pub outcome: String,
    /// The previous line's hash (hex).
    pub prev: String,
    /// This line's hash (hex); see the module doc.
    pub hash: String,
}

/// The hashed part of a line: [`Entry`] without `hash`, same field order.
#[derive(Serialize)]
struct Unhashed<'a> {
    n: u64,
    at: &'a str,
    who: &'a str,
    role: &'a str,
    method: &'a str,
    target: &'a str,
    known_at: Option<u64>,
    status: u16,
    outcome: &'a str,
    prev: &'a str,
}

impl Entry {
    fn unhashed(&self) -> Unhashed<'_> {
        Unhashed {
            n: self.n,
            at: &self.at,
            who: &self.who,
            role: &self.role,
            method: &self.method,
            target: &self.target,
            known_at: self.known_at,
            status: self.status,
            outcome: &self.outcome,
            prev: &self.prev,
        }
    }

    /// The hash this line must carry.
    pub fn expected_hash(&self) -> String {
        let body = serde_json::to_string(&self.unhashed()).expect("plain strings and numbers serialize");
        let mut h = Sha256::new();
        h.update(self.prev.as_bytes());
        h.update(b"\n");
        h.update(body.as_bytes());
        hex::encode(h.finalize())
    }
}

/// Why the trail could not be read, written or trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    #[error("audit trail {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("audit trail {path} is in use by another server")]
    Locked { path: String },
    /// The chain is broken at `line`: a line was changed, removed, inserted or reordered.
    #[error("audit trail {path}, line {line}: {why}")]
    Broken { path: String, line: u64, why: String },
}

/// An open trail, appended to by one server. Holds an exclusive lock on the file.
pub struct Trail {
    file: File,
    path: PathBuf,
    last_n: u64,
    last_hash: String,
}

impl Trail {
    /// Opens (or creates) the trail at `path`, checking the whole chain. A
    /// last line without its newline (a crash mid-write) is cut off: it
    /// was never complete.
    pub fn open(path: &Path) -> Result<Trail, AuditError> {
        let io = |source| AuditError::Io { path: path.display().to_string(), source };
        let mut file = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(io)?;
        fs2::FileExt::try_lock_exclusive(&file).map_err(|_| AuditError::Locked { path: path.display().to_string() })?;
        let (entries, complete_len) = read_from(&file, path)?;
        if complete_len < file.metadata().map_err(io)?.len() {
            file.set_len(complete_len).map_err(io)?;
            file.seek(SeekFrom::End(0)).map_err(io)?;
        }
        let (last_n, last_hash) = entries.last().map(|e| (e.n, e.hash.clone())).unwrap_or((0, GENESIS.to_string()));
        Ok(Trail { file, path: path.to_path_buf(), last_n, last_hash })
    }

    /// Appends one line (written, not yet synced: see [`Trail::sync`]).
    pub fn append(&mut self, r: Request) -> Result<Entry, AuditError> {
        let mut e = Entry {
            n: self.last_n + 1,
            at: r.at,
            who: r.who,
            role: r.role,
            method: r.method,
            target: r.target,
            known_at: r.known_at,
            status: r.status,
            outcome: r.outcome,
            prev: self.last_hash.clone(),
            hash: String::new(),
        };
        e.hash = e.expected_hash();
        let mut line = serde_json::to_vec(&e).expect("plain strings and numbers serialize");
        line.push(b'\n');
        self.file.write_all(&line).map_err(|source| AuditError::Io { path: self.path.display().to_string(), source })?;
        self.last_n = e.n;
        self.last_hash = e.hash.clone();
        Ok(e)
    }

    /// Makes every appended line durable.
    pub fn sync(&mut self) -> Result<(), AuditError> {
        self.file.sync_data().map_err(|source| AuditError::Io { path: self.path.display().to_string(), source })
    }
}

/// Every line of the trail at `path`, the chain checked: a missing file is
/// an empty trail; a broken chain is [`AuditError::Broken`] naming the line.
pub fn read(path: &Path) -> Result<Vec<Entry>, AuditError> {
    match File::open(path) {
        Ok(f) => read_from(&f, path).map(|(entries, _)| entries),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(AuditError::Io { path: path.display().to_string(), source }),
    }
}

/// The entries and the length in bytes of the complete lines.
fn read_from(file: &File, path: &Path) -> Result<(Vec<Entry>, u64), AuditError> {
    let p = path.display().to_string();
    let mut reader = BufReader::new(file);
    reader.seek(SeekFrom::Start(0)).map_err(|source| AuditError::Io { path: p.clone(), source })?;
    let (mut entries, mut len) = (Vec::new(), 0u64);
    let mut prev = GENESIS.to_string();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|source| AuditError::Io { path: p.clone(), source })?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        let line = entries.len() as u64 + 1;
        let broken = |why: String| AuditError::Broken { path: p.clone(), line, why };
        let e: Entry = serde_json::from_slice(&buf[..n - 1]).map_err(|err| broken(format!("not an audit entry: {err}")))?;
        if e.n != line {
            return Err(broken(format!("numbered {} where {line} was due: a line was removed, inserted or reordered", e.n)));
        }
        if e.prev != prev {
            return Err(broken("its `prev` is not the hash of the line before: a line was removed, inserted or changed".into()));
        }
        if e.hash != e.expected_hash() {
            return Err(broken("its `hash` does not match its content: the line was changed".into()));
        }
        prev = e.hash.clone();
        len += n as u64;
        entries.push(e);
    }
    Ok((entries, len))
}

#[cfg(test)]
mod tests;
