//! Sorted runs on disk and their merge: what keeps a run's memory bounded.
//!
//! Each batch is written, in its own file order, as a *run*: one line per
//! fact with its sort key (recorded time, batch, position), how many facts
//! aim at it, its target's position, its ref spec and its JSON template
//! (`fact.rs`). The runs are then merged by key into the output, so
//! `recorded_at` never goes backwards across the file (CONTRACT.md §2); refs
//! are numbered in that order (`refs.rs`), and a target's ref is held only
//! until the last fact aiming at it is written. Memory: one batch while it is
//! generated, then one buffered line per run (at most [`FAN_IN`] runs are
//! merged at once; more are first merged in groups) and the refs of targets
//! still awaited.
//!
//! Run line (tab-separated; no field holds a tab or newline, templates escape
//! every control character but the two slot bytes):
//! `yyyymmddHHMMSS batch(8) pos(8) dependents target|- form a b c template`.

use crate::refs::{fill, Numberer, RefText};
use chrono::NaiveDateTime;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Most runs read at once (each holds a buffered reader of [`READ_BUF`] bytes).
pub const FAN_IN: usize = 128;
const READ_BUF: usize = 32 * 1024;
/// Bytes of a line's sort key: recorded time, batch, position.
const KEY: usize = 14 + 1 + 8 + 1 + 8;

/// One fact of a run.
pub struct RunRecord {
    pub recorded: NaiveDateTime,
    pub batch: u32,
    /// Position in the batch's file order.
    pub pos: u32,
    /// How many facts of the batch aim at this one.
    pub dependents: u32,
    /// Position of the fact this one aims at.
    pub target: Option<u32>,
    /// [`crate::fact::RefSpec::columns`].
    pub reference: [String; 4],
    pub template: String,
}

/// Writes one run file, records in key order.
pub struct RunWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl RunWriter {
    pub fn create(path: PathBuf) -> io::Result<RunWriter> {
        let out = BufWriter::new(File::create(&path)?);
        Ok(RunWriter { path, out })
    }

    pub fn write(&mut self, r: &RunRecord) -> io::Result<()> {
        let target = r.target.map_or("-".to_string(), |t| t.to_string());
        let [c0, c1, c2, c3] = &r.reference;
        writeln!(
            self.out,
            "{}\t{:08}\t{:08}\t{}\t{target}\t{c0}\t{c1}\t{c2}\t{c3}\t{}",
            r.recorded.format("%Y%m%d%H%M%S"),
            r.batch,
            r.pos,
            r.dependents,
            r.template
        )
    }

    /// Flushes and closes the run; its path.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        self.out.flush()?;
        Ok(self.path)
    }
}

fn bad(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Reads runs line by line and yields their lines in key order.
struct Merger {
    readers: Vec<BufReader<File>>,
    lines: Vec<String>,
    heap: BinaryHeap<Reverse<([u8; KEY], usize)>>,
}

impl Merger {
    fn open(paths: &[PathBuf]) -> io::Result<Merger> {
        let mut m = Merger { readers: Vec::new(), lines: Vec::new(), heap: BinaryHeap::new() };
        for p in paths {
            m.readers.push(BufReader::with_capacity(READ_BUF, File::open(p)?));
            m.lines.push(String::new());
            m.advance(m.readers.len() - 1)?;
        }
        Ok(m)
    }

    /// Reads the next line of run `i` into the heap (none at its end).
    fn advance(&mut self, i: usize) -> io::Result<()> {
        let line = &mut self.lines[i];
        line.clear();
        if self.readers[i].read_line(line)? == 0 {
            return Ok(());
        }
        let key: [u8; KEY] = line
            .as_bytes()
            .get(..KEY)
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| bad(format!("run line too short: {line:?}")))?;
        self.heap.push(Reverse((key, i)));
        Ok(())
    }

    /// Calls `each` with every line (newline included) in key order.
    fn run(mut self, mut each: impl FnMut(&str) -> io::Result<()>) -> io::Result<()> {
        while let Some(Reverse((_, i))) = self.heap.pop() {
            each(&self.lines[i])?;
            self.advance(i)?;
        }
        Ok(())
    }
}

/// Merges `runs` (each sorted) into the JSON Lines output `out`, numbering
/// refs in file order; intermediate runs are written to `scratch` and every
/// run is removed once read. Returns the number of facts written.
pub fn merge(runs: Vec<PathBuf>, scratch: &Path, out: &mut dyn Write) -> io::Result<u64> {
    merge_with(runs, scratch, out, FAN_IN)
}

/// [`merge`], reading at most `fan_in` (≥ 2) runs at once.
fn merge_with(mut runs: Vec<PathBuf>, scratch: &Path, out: &mut dyn Write, fan_in: usize) -> io::Result<u64> {
    let mut pass = 0;
    while runs.len() > fan_in {
        // Merge just enough runs that at most `fan_in` remain (or `fan_in`).
        let take = (runs.len() - fan_in + 1).min(fan_in);
        let group: Vec<PathBuf> = runs.drain(..take).collect();
        let path = scratch.join(format!("merged-{pass}.run"));
        pass += 1;
        let mut w = BufWriter::new(File::create(&path)?);
        Merger::open(&group)?.run(|line| w.write_all(line.as_bytes()))?;
        w.flush()?;
        for p in &group {
            std::fs::remove_file(p)?;
        }
        runs.push(path);
    }
    let mut numberer = Numberer::default();
    // (batch, position) → (ref, facts still to aim at it).
    let mut awaited: HashMap<(u32, u32), (String, u32)> = HashMap::new();
    let mut text = String::new();
    let mut written = 0u64;
    Merger::open(&runs)?.run(|line| {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let cols: Vec<&str> = line.splitn(10, '\t').collect();
        let [_, batch, pos, dependents, target, c0, c1, c2, c3, template] = cols[..] else {
            return Err(bad(format!("run line has {} columns", cols.len())));
        };
        let num = |s: &str| s.parse::<u32>().map_err(|_| bad(format!("not a number in a run: {s:?}")));
        let (batch, pos, dependents) = (num(batch)?, num(pos)?, num(dependents)?);
        let spec = RefText::from_columns([c0, c1, c2, c3]).ok_or_else(|| bad(format!("bad ref spec {c0:?}")))?;
        let own = numberer.assign(spec);
        let target_ref = match target {
            "-" => None,
            t => {
                let key = (batch, num(t)?);
                let entry = awaited.get_mut(&key).ok_or_else(|| bad(format!("target {key:?} not written before")))?;
                entry.1 -= 1;
                if entry.1 == 0 {
                    awaited.remove(&key).map(|(r, _)| r)
                } else {
                    Some(entry.0.clone())
                }
            }
        };
        text.clear();
        fill(template, &own, target_ref.as_deref(), &mut text);
        text.push('\n');
        out.write_all(text.as_bytes())?;
        written += 1;
        if dependents > 0 {
            awaited.insert((batch, pos), (own, dependents));
        }
        Ok(())
    })?;
    for p in &runs {
        std::fs::remove_file(p)?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::RefSpec;

    /// Five runs of three facts each, the third aiming at the first, all
    /// recorded at interleaved minutes; merged reading 2 or 128 at once.
    fn merged(fan_in: usize) -> String {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for b in 0..5u32 {
            let mut w = RunWriter::create(dir.path().join(format!("{b}.run"))).unwrap();
            for p in 0..3u32 {
                let minute = (p * 5 + (4 - b)) % 60;
                let template = if p == 2 { "{\"ref\":\u{1},\"target\":\u{2}}" } else { "{\"ref\":\u{1}}" };
                w.write(&RunRecord {
                    recorded: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(9, minute, 0).unwrap(),
                    batch: b,
                    pos: p,
                    dependents: u32::from(p == 0),
                    target: (p == 2).then_some(0),
                    reference: RefSpec::doc("师市监检", 2024, 3).columns(),
                    template: template.to_string(),
                })
                .unwrap();
            }
            paths.push(w.finish().unwrap());
        }
        let mut out = Vec::new();
        assert_eq!(merge_with(paths, dir.path(), &mut out, fan_in).unwrap(), 15);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "runs are removed");
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn runs_merge_by_recorded_time_and_resolve_targets_at_any_fan_in() {
        let all = merged(128);
        assert_eq!(all, merged(2));
        let lines: Vec<&str> = all.lines().collect();
        // Batch 4 records first (minute 0), numbered 001; its third fact
        // (minute 10) aims at it.
        assert_eq!(lines[0], "{\"ref\":\"师市监检〔2024〕001号\"}");
        assert!(lines.contains(&"{\"ref\":\"师市监检〔2024〕011号\",\"target\":\"师市监检〔2024〕001号\"}"), "{all}");
    }
}
