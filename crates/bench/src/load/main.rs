//! `load`: the server under concurrent appends and reads (issue 9, item 9;
//! `make load`).
//!
//! For each writer count, one phase with group commit (the server's writer
//! takes up to [`server::writer::MAX_ROUND`] requests per flush) and one
//! with the naive baseline (one request per flush), each on a fresh
//! in-process server on 127.0.0.1:0 and a fresh ledger (`phase`). Every
//! acknowledged ref is then looked up in the stopped server's ledger; one
//! missing fails the run (exit 1) and nothing is written. The figures go
//! to stdout and to the section "Server under load (issue 9)" of
//! BENCHMARKS.md (`report`), leaving every other section as it was.
//!
//! ```text
//! load [--writers 1,8,64] [--appends N] [--seconds T] [--readers R] [--enterprises M]
//!      [--out FILE] [--work DIR]
//! ```

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod client;
mod facts;
mod floor;
mod harness;
#[allow(dead_code)]
#[path = "../machine.rs"]
mod machine;
mod phase;
mod report;
#[allow(dead_code)]
#[path = "../stats.rs"]
mod stats;
#[cfg(test)]
mod tests;
mod threads;

use std::path::PathBuf;
use std::time::Duration;

/// Options of one run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Concurrent writers of each phase pair.
    pub writers: Vec<usize>,
    /// Appends per writer at most, per phase.
    pub appends: u64,
    /// Wall time per phase at most.
    pub time: Duration,
    /// Concurrent readers during every phase.
    pub readers: usize,
    /// Enterprises pre-loaded in each phase's ledger.
    pub enterprises: u32,
    /// The report file (its load section is replaced).
    pub out: PathBuf,
    /// Scratch directory for the phases' ledgers (on the disk measured, not tmpfs).
    pub work: PathBuf,
    /// The command line, for the report.
    pub command_line: String,
}

const USAGE: &str = "usage: load [--writers 1,8,64] [--appends N] [--seconds T] [--readers R] [--enterprises M]
            [--out FILE] [--work DIR]
  Each writer count runs twice: group commit, then one flush per append (the baseline).
  A phase stops at N appends per writer or T seconds, whichever comes first.
  Defaults: --appends 2000 --seconds 15 --readers 2 --enterprises 2000 --out BENCHMARKS.md
            --work <the binary's target directory>/load";

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let exe_dir = std::env::current_exe().ok().and_then(|p| p.parent().map(PathBuf::from)).unwrap_or_else(|| PathBuf::from("."));
    let target = exe_dir.parent().map(PathBuf::from).unwrap_or(exe_dir);
    let mut o = Options {
        writers: vec![1, 8, 64],
        appends: 2000,
        time: Duration::from_secs(15),
        readers: 2,
        enterprises: 2000,
        out: PathBuf::from("BENCHMARKS.md"),
        work: target.join("load"),
        command_line: std::iter::once("load".to_string()).chain(args.iter().cloned()).collect::<Vec<_>>().join(" "),
    };
    let num = |flag: &str, v: Option<String>| -> Result<u64, String> {
        let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
        v.replace('_', "").parse().map_err(|_| format!("{flag}: not a whole number: {v}"))
    };
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--help" | "-h" => return Err(USAGE.into()),
            "--writers" => {
                let v = it.next().ok_or("--writers needs a value")?;
                o.writers = v.split(',').map(|s| num("--writers", Some(s.to_string())).map(|n| n as usize)).collect::<Result<_, _>>()?;
            }
            "--appends" => o.appends = num(&flag, it.next())?,
            "--seconds" => o.time = Duration::from_secs(num(&flag, it.next())?),
            "--readers" => o.readers = num(&flag, it.next())? as usize,
            "--enterprises" => o.enterprises = u32::try_from(num(&flag, it.next())?).map_err(|_| "--enterprises: too many")?,
            "--out" => o.out = it.next().ok_or("--out needs a value")?.into(),
            "--work" => o.work = it.next().ok_or("--work needs a value")?.into(),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    if o.writers.is_empty() || o.writers.contains(&0) {
        return Err("--writers: each count must be at least 1".into());
    }
    let most = o.writers.iter().copied().max().unwrap_or(1);
    if (o.enterprises as usize) < most {
        return Err(format!("--enterprises {} is fewer than the {most} writers (each writes its own enterprise)", o.enterprises));
    }
    if o.appends == 0 || o.time.is_zero() {
        return Err("--appends and --seconds must be at least 1".into());
    }
    Ok(o)
}

/// One phase of the run, with its progress line on stderr.
fn phase(o: &Options, writers: usize, max_round: usize, time: Duration) -> Result<phase::Outcome, phase::PhaseError> {
    let spec = phase::Spec {
        enterprises: o.enterprises,
        writers,
        appends: o.appends,
        time,
        readers: o.readers,
        max_round,
        scratch: o.work.clone(),
        seed: 0x10AD + writers as u64,
    };
    let what = if max_round == 1 { "one flush per append" } else { "group commit" };
    eprintln!("load: {writers} writer(s), {} reader(s), {what} ...", o.readers);
    let out = phase::run(&spec)?;
    eprintln!("load:   {}", report::summary(&out));
    Ok(out)
}

/// Every phase: reads alone, then per writer count group commit and baseline.
fn run(o: &Options) -> Result<report::Run, String> {
    let started = chrono::Utc::now();
    let machine = machine::collect();
    let flush = floor::fdatasync(&o.work, 200).map_err(|e| format!("measuring fdatasync in {}: {e}", o.work.display()))?;
    eprintln!("load: fdatasync of 4 KiB in {}: p50 {}", o.work.display(), stats::dur(stats::percentile(&flush, 50)));
    let alone = if o.readers > 0 { Some(phase(o, 0, server::writer::MAX_ROUND, o.time.min(Duration::from_secs(3))).map_err(|e| e.to_string())?) } else { None };
    let mut pairs = Vec::new();
    for &w in &o.writers {
        let group = phase(o, w, server::writer::MAX_ROUND, o.time).map_err(|e| e.to_string())?;
        let baseline = phase(o, w, 1, o.time).map_err(|e| e.to_string())?;
        pairs.push((group, baseline));
    }
    Ok(report::Run { options: o.clone(), machine, started, flush, alone, pairs })
}

fn main() {
    let opts = match parse_args(std::env::args().skip(1).collect()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let result = match run(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("load: FAILED: {e}; {} was not written", opts.out.display());
            std::process::exit(1);
        }
    };
    let section = report::render(&result);
    println!("{section}");
    if let Err(e) = report::write_section(&opts.out, &section) {
        eprintln!("load: cannot write {}: {e}", opts.out.display());
        std::process::exit(1);
    }
    eprintln!("load: every acknowledged ref is in its ledger; wrote the section \"{}\" of {}", report::HEADING.trim_start_matches("## "), opts.out.display());
}
