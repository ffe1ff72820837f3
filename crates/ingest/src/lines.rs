//! Reading and parsing lines, on a thread of their own: bounded lines,
//! a byte-order mark, UTF-8, then the JSON of the fact (CONTRACT.md §1).

use crate::{ImportError, Input, MAX_LINE};
use model::{parse_line_with, FactDraft};
use std::io::BufRead;

/// Reads the next line (without its `\n`) into `buf`, keeping at most
/// `MAX_LINE + 1` bytes of it; returns `None` at the end, else whether the
/// line was longer than that and its full length.
pub(crate) fn next_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<usize>> {
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

/// A line as the parsing thread leaves it.
pub(crate) enum Parsed {
    Blank,
    Rejected(Option<String>, String),
    Draft(Box<FactDraft>),
    /// A change, correction or partial revocation: typed by its target's
    /// kind, so parsed again where the ledger is known.
    NeedsTarget(String),
}

/// One parsed line: input index, 1-based line number, what it gave.
pub(crate) type ParsedLine = (usize, usize, Parsed);

/// Lines handed from the parsing thread in batches of this many.
const PARSE_BATCH: usize = 1024;

/// Reads and parses every line of `inputs` on its own thread, sending
/// batches in order; an I/O error ends the stream.
pub(crate) fn parse_all(inputs: &[Input], tx: std::sync::mpsc::SyncSender<Result<Vec<ParsedLine>, ImportError>>) {
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
pub(crate) fn parse_one(buf: &[u8], len: usize, first: bool) -> Parsed {
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
        Ok(draft) => Parsed::Draft(Box::new(draft)),
    }
}

