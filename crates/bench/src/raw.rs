//! The raw-file floor: what appending and scanning the same lines costs with
//! no store at all.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// Appends the lines of `file` to `out`, `batch` lines per write + `fdatasync`.
pub fn append(out: &Path, batch: usize, file: &Path) -> Result<serde_json::Value, String> {
    let mut w = OpenOptions::new().create(true).append(true).open(out).map_err(|e| format!("cannot open {}: {e}", out.display()))?;
    let mut r = BufReader::with_capacity(1 << 20, File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?);
    let (mut rows, mut buf, mut n) = (0u64, Vec::with_capacity(1 << 20), 0usize);
    let flush = |w: &mut File, buf: &mut Vec<u8>| -> Result<(), String> {
        w.write_all(buf).and_then(|_| w.sync_data()).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        buf.clear();
        Ok(())
    };
    loop {
        let before = buf.len();
        if r.read_until(b'\n', &mut buf).map_err(|e| e.to_string())? == 0 {
            break;
        }
        if buf[before..].iter().all(u8::is_ascii_whitespace) {
            buf.truncate(before);
            continue;
        }
        rows += 1;
        n += 1;
        if n == batch {
            flush(&mut w, &mut buf)?;
            n = 0;
        }
    }
    if n > 0 {
        flush(&mut w, &mut buf)?;
    }
    Ok(serde_json::json!({ "rows": rows }))
}

/// Reads every line of `file` and parses it as JSON.
pub fn scan(file: &Path) -> Result<serde_json::Value, String> {
    let mut r = BufReader::with_capacity(1 << 20, File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?);
    let (mut rows, mut line) = (0u64, String::new());
    loop {
        line.clear();
        if r.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| format!("{}:{}: {e}", file.display(), rows + 1))?;
        std::hint::black_box(v);
        rows += 1;
    }
    Ok(serde_json::json!({ "rows": rows }))
}
