//! The SQLite baseline (rusqlite, bundled SQLite): one table of JSON facts
//! with WAL and `synchronous=FULL`, and an index on (enterprise, seq).
//!
//! ```sql
//! CREATE TABLE facts (seq INTEGER PRIMARY KEY, enterprise TEXT NOT NULL, ref TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
//! CREATE INDEX facts_enterprise ON facts (enterprise, seq);
//! ```

use crate::worker::{sample_lines, us};
use rusqlite::{params, Connection};
use serde::Deserialize;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant};

/// The two columns read from each line besides the line itself.
#[derive(Deserialize)]
struct Keys<'a> {
    #[serde(borrow)]
    enterprise: Cow<'a, str>,
    #[serde(rename = "ref", borrow)]
    reference: Cow<'a, str>,
}

fn open(db: &Path) -> Result<Connection, String> {
    let c = Connection::open(db).map_err(|e| format!("cannot open {}: {e}", db.display()))?;
    let mode: String = c.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("journal_mode is {mode}, not wal"));
    }
    c.execute_batch(
        "PRAGMA synchronous=FULL;
         CREATE TABLE IF NOT EXISTS facts (seq INTEGER PRIMARY KEY, enterprise TEXT NOT NULL, ref TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS facts_enterprise ON facts (enterprise, seq);",
    )
    .map_err(|e| e.to_string())?;
    Ok(c)
}

/// Inserts every line of `file`, `batch` lines per transaction (each commit
/// is durable: WAL + `synchronous=FULL`). Each line is parsed for its
/// enterprise and ref; a duplicate ref fails the run.
pub fn import(db: &Path, batch: usize, file: &Path) -> Result<serde_json::Value, String> {
    let mut c = open(db)?;
    let mut r = BufReader::with_capacity(1 << 20, File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?);
    let (mut rows, mut line, mut eof) = (0u64, String::new(), false);
    while !eof {
        let tx = c.transaction().map_err(|e| e.to_string())?;
        {
            let mut ins = tx.prepare_cached("INSERT INTO facts (enterprise, ref, json) VALUES (?1, ?2, ?3)").map_err(|e| e.to_string())?;
            let mut n = 0;
            while n < batch {
                line.clear();
                if r.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                    eof = true;
                    break;
                }
                let json = line.trim_end();
                if json.is_empty() {
                    continue;
                }
                let k: Keys = serde_json::from_str(json).map_err(|e| format!("{}:{}: {e}", file.display(), rows + 1))?;
                ins.execute(params![k.enterprise, k.reference, json]).map_err(|e| format!("{}:{}: {e}", file.display(), rows + 1))?;
                n += 1;
                rows += 1;
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(serde_json::json!({ "rows": rows }))
}

/// For each sampled enterprise: its rows in seq order, each parsed as JSON; p50 and p99 per enterprise.
pub fn read(db: &Path, sample: &Path) -> Result<serde_json::Value, String> {
    let ents = sample_lines(sample)?;
    let t = Instant::now();
    let c = open(db)?;
    let opened = t.elapsed();
    let mut q = c.prepare("SELECT json FROM facts WHERE enterprise = ?1 ORDER BY seq").map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(ents.len());
    let mut rows = 0u64;
    for u in &ents {
        let t = Instant::now();
        let mut it = q.query([u]).map_err(|e| e.to_string())?;
        while let Some(row) = it.next().map_err(|e| e.to_string())? {
            let json: String = row.get(0).map_err(|e| e.to_string())?;
            let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
            std::hint::black_box(v);
            rows += 1;
        }
        times.push(t.elapsed());
    }
    Ok(latencies(opened, &times, rows))
}

/// Every row ordered by (enterprise, seq), each parsed as JSON.
pub fn scan(db: &Path) -> Result<serde_json::Value, String> {
    let c = open(db)?;
    let mut q = c.prepare("SELECT json FROM facts ORDER BY enterprise, seq").map_err(|e| e.to_string())?;
    let mut it = q.query([]).map_err(|e| e.to_string())?;
    let mut rows = 0u64;
    while let Some(row) = it.next().map_err(|e| e.to_string())? {
        let json = row.get_ref(0).map_err(|e| e.to_string())?.as_str().map_err(|e| e.to_string())?;
        let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        std::hint::black_box(v);
        rows += 1;
    }
    Ok(serde_json::json!({ "rows": rows }))
}

/// The JSON of a latency measurement: open time, p50 and p99 in µs.
pub fn latencies(opened: Duration, times: &[Duration], rows: u64) -> serde_json::Value {
    serde_json::json!({
        "open_us": us(opened),
        "p50_us": us(crate::stats::percentile(times, 50)),
        "p99_us": us(crate::stats::percentile(times, 99)),
        "n": times.len(),
        "rows": rows,
    })
}
