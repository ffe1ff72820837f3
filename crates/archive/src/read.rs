//! Reading an archive: every line checked as it streams past, with no
//! store and no write access. Memory: one line, plus the kinds of the
//! format-1 records while they last (a format-1 correction is typed by its
//! target's kind; format-1 records all precede format-2 ones).

use crate::error::{ArchiveError, Problem};
use crate::line::{Header, RecordLine, Trailer, ARCHIVE_NAME, ARCHIVE_VERSION};
use crate::{base64, ArchiveSummary};
use model::fact::Kind;
use model::parse::to_json;
use model::{Decoded, Record, Timestamp};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::{BufRead, Read};
use store::Head;

/// Longest line read (a stored record is at most 1 MiB, base64 adds a third,
/// the fact JSON about as much again).
const MAX_LINE: u64 = 4 << 20;

enum State {
    Header,
    Records,
    Done,
}

/// The verified records of an archive, in seq order: an iterator that
/// checks each line as it reads it (see [`crate::verify_archive`] for the
/// checks) and stops at the first error, which it yields. Once it returns
/// `None` without an error, [`ArchiveReader::summary`] holds the head.
pub struct ArchiveReader<R> {
    reader: R,
    line: u64,
    buf: Vec<u8>,
    state: State,
    head: Head,
    /// ref → kind of every format-1 record read so far; `None` once a
    /// format-2 record has been read.
    format1_kinds: Option<HashMap<String, Kind>>,
    format1: u64,
    summary: Option<ArchiveSummary>,
}

impl<R: BufRead> ArchiveReader<R> {
    pub fn new(reader: R) -> ArchiveReader<R> {
        ArchiveReader {
            reader,
            line: 0,
            buf: Vec::new(),
            state: State::Header,
            head: Head::empty(),
            format1_kinds: Some(HashMap::new()),
            format1: 0,
            summary: None,
        }
    }

    /// The archive's head and counts, once every line has verified.
    pub fn summary(&self) -> Option<&ArchiveSummary> {
        self.summary.as_ref()
    }

    /// The next line without its line break; `None` at the end of input.
    fn next_line(&mut self) -> Result<Option<&str>, ArchiveError> {
        self.buf.clear();
        let line = self.line + 1;
        let read_err = |message: String| ArchiveError::Read { line, message };
        let n = (&mut self.reader).take(MAX_LINE + 1).read_until(b'\n', &mut self.buf).map_err(|e| read_err(e.to_string()))?;
        if n == 0 {
            return Ok(None);
        }
        self.line = line;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        } else if n as u64 > MAX_LINE {
            return Err(read_err(format!("the line is longer than {MAX_LINE} bytes")));
        }
        std::str::from_utf8(&self.buf).map(Some).map_err(|e| read_err(format!("the line is not UTF-8: {e}")))
    }

    fn header(&mut self) -> Result<(), ArchiveError> {
        let text = self.next_line()?.ok_or(ArchiveError::Header { line: 1, problem: "the archive is empty".into() })?;
        let problem = |p: String| ArchiveError::Header { line: 1, problem: p };
        let h: Header = serde_json::from_str(text).map_err(|e| problem(format!("not an archive header: {e}")))?;
        if h.archive != ARCHIVE_NAME {
            return Err(problem(format!("the header names archive {:?}, not {ARCHIVE_NAME:?}", h.archive)));
        }
        if h.version != ARCHIVE_VERSION {
            return Err(problem(format!("archive format version {}, this build reads version {ARCHIVE_VERSION}", h.version)));
        }
        Ok(())
    }

    /// Reads one line after the header: a record, or the trailer (then `None`).
    fn step(&mut self) -> Result<Option<(Record, Vec<u8>)>, ArchiveError> {
        let expected = self.head.seq.0 + 1;
        let parsed = match self.next_line()? {
            None => return Err(ArchiveError::Truncated { line: self.line, last_seq: self.head.seq.0 }),
            Some(text) => serde_json::from_str::<Value>(text),
        };
        let line = self.line;
        let value = parsed.map_err(|e| ArchiveError::Record { line, seq: expected, problem: Problem::Json(e.to_string()) })?;
        if value.get("head").is_some() {
            self.trailer(value)?;
            return Ok(None);
        }
        let rec_line: RecordLine = serde_json::from_value(value)
            .map_err(|e| ArchiveError::Record { line, seq: expected, problem: Problem::Json(e.to_string()) })?;
        let (rec, bytes) = self.record(rec_line).map_err(|problem| ArchiveError::Record { line, seq: expected, problem })?;
        self.head = Head { seq: rec.seq, hash: rec.hash, recorded_at: Some(rec.recorded_at) };
        Ok(Some((rec, bytes)))
    }

    /// Checks one record line against its stored envelope and the chain.
    fn record(&mut self, l: RecordLine) -> Result<(Record, Vec<u8>), Problem> {
        let expected = self.head.seq.0 + 1;
        if l.seq != expected {
            return Err(Problem::Seq { expected, found: l.seq });
        }
        let bytes = base64::decode(&l.record).map_err(Problem::Base64)?;
        let rec = match Record::decode_any(&bytes).map_err(Problem::Decode)? {
            Decoded::Current(r) => {
                self.format1_kinds = None;
                r
            }
            d @ Decoded::Format1(_) => {
                let kinds = self.format1_kinds.as_mut().ok_or(Problem::FormatOrder)?;
                let target_kind = d.needs_target().and_then(|t| kinds.get(t).copied());
                let r = d.into_record(target_kind).map_err(Problem::Decode)?;
                kinds.insert(r.fact.reference.clone(), r.fact.kind());
                self.format1 += 1;
                r
            }
        };
        let field = |field: &'static str, line: String, stored: String| Problem::Field { field, line, stored };
        if rec.seq.0 != l.seq {
            return Err(field("seq", l.seq.to_string(), rec.seq.to_string()));
        }
        if l.prev_hash != hex::encode(rec.prev_hash) {
            return Err(field("prev_hash", l.prev_hash, hex::encode(rec.prev_hash)));
        }
        if rec.prev_hash != self.head.hash {
            return Err(Problem::Chain(self.head.seq.0));
        }
        if l.hash != hex::encode(rec.hash) {
            return Err(field("hash", l.hash, hex::encode(rec.hash)));
        }
        if !rec.hash_is_valid() {
            return Err(Problem::Hash);
        }
        if Timestamp::parse(&l.recorded_at).ok() != Some(rec.recorded_at) {
            return Err(field("recorded_at", l.recorded_at, rec.recorded_at.to_rfc3339()));
        }
        if let Some(prev) = self.head.recorded_at.filter(|p| rec.recorded_at < *p) {
            return Err(Problem::TimeBackwards { at: rec.recorded_at.to_rfc3339(), prev_seq: self.head.seq.0, prev: prev.to_rfc3339() });
        }
        if let Some(key) = first_difference(&fact_json(&rec), &l.fact) {
            return Err(Problem::Fact(key));
        }
        Ok((rec, bytes))
    }

    fn trailer(&mut self, value: Value) -> Result<(), ArchiveError> {
        let line = self.line;
        let problem = |p: String| ArchiveError::Trailer { line, problem: p };
        let t: Trailer = serde_json::from_value(value).map_err(|e| problem(format!("not an archive trailer: {e}")))?;
        let head = self.head;
        let head_time = head.recorded_at.map(|t| t.to_rfc3339());
        if t.head.seq != head.seq.0 || t.head.hash != hex::encode(head.hash) || t.head.recorded_at.as_deref().map(Timestamp::parse).and_then(Result::ok) != head.recorded_at {
            return Err(problem(format!(
                "its head (seq {}, hash {}, recorded at {}) is not the last record's (seq {}, hash {}, recorded at {})",
                t.head.seq,
                t.head.hash,
                t.head.recorded_at.as_deref().unwrap_or("none"),
                head.seq,
                hex::encode(head.hash),
                head_time.as_deref().unwrap_or("none"),
            )));
        }
        if t.records != head.seq.0 {
            return Err(problem(format!("it counts {} records, the archive holds {}", t.records, head.seq)));
        }
        if self.next_line()?.is_some() {
            return Err(ArchiveError::AfterTrailer { line: self.line });
        }
        self.summary = Some(ArchiveSummary { records: head.seq.0, head, format1: self.format1 });
        Ok(())
    }
}

impl<R: BufRead> Iterator for ArchiveReader<R> {
    type Item = Result<(Record, Vec<u8>), ArchiveError>;

    fn next(&mut self) -> Option<Self::Item> {
        let result = match self.state {
            State::Done => return None,
            State::Header => self.header().and_then(|()| {
                self.state = State::Records;
                self.step()
            }),
            State::Records => self.step(),
        };
        match result {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.state = State::Done;
                None
            }
            Err(e) => {
                self.state = State::Done;
                Some(Err(e))
            }
        }
    }
}

/// The fact of `rec` in contract JSON, as it reads back from its text (so
/// that numbers compare as they would after a round trip through a file).
pub(crate) fn fact_json(rec: &Record) -> Map<String, Value> {
    let text = Value::Object(to_json(&rec.fact)).to_string();
    match serde_json::from_str(&text) {
        Ok(Value::Object(m)) => m,
        _ => to_json(&rec.fact),
    }
}

/// The first key (in key order) whose value differs between two objects.
fn first_difference(a: &Map<String, Value>, b: &Map<String, Value>) -> Option<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().find(|k| a.get(*k) != b.get(*k)).cloned()
}

