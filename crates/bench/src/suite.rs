//! The run: for each size, data, then every figure in a fixed order, each
//! measured worker a child process; then BENCHMARKS.md.
//!
//! Order at one size (each step on the state the previous ones left): the
//! product on sled (bulk import → disk → `grade` processes → in-process
//! reads → grade-all → `verify` → `issue` on a copy → the 100 small imports
//! onto the bulk ledger), then the baselines (SQLite and raw-file imports,
//! disk, SQLite reads, the scans, the small imports), then the product
//! again on redb, in the sled order.

use crate::child::{self, Limits};
use crate::data::{self, Dataset};
use crate::figures::{DataInfo, Fig, Lat, Proc, Runs, SizeResult, StoreFigs};
use crate::stats;
use crate::Options;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Runs every size and writes the report.
///
/// Errors: a missing binary or an unwritable work directory or report; a
/// failing measurement is a figure, not an error.
pub fn run(o: &Options) -> Result<(), String> {
    for b in ["credit-ledger", "fixturegen"] {
        if !o.bin_dir.join(b).is_file() {
            return Err(format!("{} not found; build it first (make bench does: cargo build --release -p credit-ledger -p fixturegen -p bench)", o.bin_dir.join(b).display()));
        }
    }
    std::fs::create_dir_all(&o.work).map_err(|e| format!("cannot create {}: {e}", o.work.display()))?;
    let machine = crate::machine::collect();
    let started = chrono::Utc::now();
    let mut results = Vec::new();
    for &size in &o.sizes {
        eprintln!("bench: == {} facts ==", stats::count(size));
        results.push(one_size(o, size));
        let partial = o.work.join("BENCHMARKS.partial.md");
        let _ = std::fs::write(&partial, crate::report::render(o, &machine, started, &results, child::own_peak_rss()));
    }
    let text = crate::report::render(o, &machine, started, &results, child::own_peak_rss());
    let text = crate::report::keep_notes(&text, &o.out);
    std::fs::write(&o.out, text).map_err(|e| format!("cannot write {}: {e}", o.out.display()))?;
    eprintln!("bench: wrote {}", o.out.display());
    Ok(())
}

/// A size's scratch paths.
struct Paths {
    dir: PathBuf,
    ledger: PathBuf,
    ledger_redb: PathBuf,
    sqlite_dir: PathBuf,
    db: PathBuf,
    raw: PathBuf,
    raw_small: PathBuf,
    sample: PathBuf,
}

fn one_size(o: &Options, size: u64) -> SizeResult {
    let limits = Limits { mem_cap: o.mem_cap, timeout: o.timeout };
    let dir = o.work.join(format!("run-{size}"));
    let _ = std::fs::remove_dir_all(&dir);
    let p = Paths {
        ledger: dir.join("ledger"),
        ledger_redb: dir.join("ledger-redb"),
        sqlite_dir: dir.join("sqlite"),
        db: dir.join("sqlite").join("facts.db"),
        raw: dir.join("raw.jsonl"),
        raw_small: dir.join("raw-small.jsonl"),
        sample: dir.join("sample.txt"),
        dir,
    };
    if let Err(e) = std::fs::create_dir_all(&p.sqlite_dir) {
        return SizeResult::skipped(size, Fig::Failed(format!("cannot create {}: {e}", p.sqlite_dir.display())), "no work directory");
    }
    let d = match data::prepare(&o.work, &o.bin_dir.join("fixturegen"), size, o.seed, limits) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("bench: {e}");
            return SizeResult::skipped(size, Fig::Failed(e), "no data: the generator failed");
        }
    };
    let info = DataInfo { facts: d.bulk_facts, bytes: d.bulk_bytes, enterprises: d.enterprise_count, generator: d.generator.clone() };
    eprintln!("bench: {} facts ({}), {} enterprises", stats::count(d.bulk_facts), stats::bytes(d.bulk_bytes), stats::count(d.enterprise_count));
    let r = measure(o, &p, &d, limits, info);
    if !o.keep {
        let _ = std::fs::remove_dir_all(&p.dir);
    }
    r
}

fn measure(o: &Options, p: &Paths, d: &Dataset, limits: Limits, info: DataInfo) -> SizeResult {
    let m = Measurer { o, limits, dir: &p.dir };
    let facts = d.bulk_facts;
    let bulk = d.bulk.to_string_lossy().to_string();
    let batch = o.batch.to_string();

    let sample = match data::sample(&d.enterprises, o.samples, o.seed, &p.sample) {
        Ok(s) => s,
        Err(e) => return SizeResult::skipped(info.facts, Fig::Failed(format!("cannot sample enterprises: {e}")), "no sample"),
    };
    let sled = measure_store(&m, p, d, &sample, "sled", &p.ledger);

    let import_sqlite = m.proc("SQLite import", m.worker(&["sqlite-import", s(&p.db), &batch, &bulk]), Check::Rows(facts));
    let import_raw = m.proc("raw append", m.worker(&["raw-append", s(&p.raw), &batch, &bulk]), Check::Rows(facts));
    // The copy is only for its own measurement: free the disk for the rest (10^7 facts is ~3 GB).
    let _ = std::fs::remove_file(&p.raw);
    let have_db = import_sqlite.ok().is_some();
    fn no_db<T>() -> Fig<T> {
        Fig::Skipped("the SQLite import failed".into())
    }
    let disk_sqlite = if have_db { du(&p.sqlite_dir) } else { no_db() };
    if let Some(b) = disk_sqlite.ok() {
        eprintln!("bench: SQLite on disk: {} ({:.2}× the JSONL)", stats::bytes(*b), *b as f64 / d.bulk_bytes as f64);
    }
    let inproc_sqlite = if have_db { m.lat("SQLite read", m.worker(&["sqlite-read", s(&p.db), s(&p.sample)])) } else { no_db() };
    let scan_sqlite = if have_db { m.proc("SQLite scan + parse", m.worker(&["sqlite-scan", s(&p.db)]), Check::Rows(facts)) } else { no_db() };
    let scan_raw = m.proc("raw scan + parse", m.worker(&["raw-scan", &bulk]), Check::Rows(facts));
    let small_n = data::SMALL_FACTS as u64;
    let small = |f: &PathBuf| f.to_string_lossy().to_string();
    let small_sqlite = if have_db {
        m.runs("100-fact SQLite imports", d.small.iter().map(small), |f| (m.worker(&["sqlite-import", s(&p.db), &small_n.to_string(), f]), Check::Rows(small_n)))
    } else {
        no_db()
    };
    let small_raw = m.runs("100-fact raw appends", d.small.iter().map(small), |f| (m.worker(&["raw-append", s(&p.raw_small), &small_n.to_string(), f]), Check::Rows(small_n)));

    let redb = o.redb.then(|| {
        let figs = measure_store(&m, p, d, &sample, "redb", &p.ledger_redb);
        // Free the disk for the next size.
        let _ = std::fs::remove_dir_all(&p.ledger_redb);
        figs
    });

    SizeResult {
        size: info.facts,
        data: Fig::Ok(info),
        import_product: sled.import,
        import_sqlite,
        import_raw,
        disk_product: sled.disk,
        disk_sqlite,
        small_product: sled.small,
        small_sqlite,
        small_raw,
        grade_proc: sled.grade_proc,
        inproc_product: sled.inproc,
        inproc_sqlite,
        grade_all: sled.grade_all,
        scan_sqlite,
        scan_raw,
        verify: sled.verify,
        issue: sled.issue,
        redb,
    }
}

/// The product's figures on one store, in order: bulk import (a new
/// ledger created with `--store STORE`), disk, `grade` processes,
/// in-process reads, `grade-all`, `verify`, `issue` (on a copy), then the
/// 100 small imports onto the bulk ledger.
fn measure_store(m: &Measurer, p: &Paths, d: &Dataset, sample: &[String], store: &str, dir: &Path) -> StoreFigs {
    let o = m.o;
    let ledger = |args: &[&str]| {
        let mut c = m.product(dir, &["--store", store]);
        c.args(args);
        c
    };
    let facts = d.bulk_facts;
    let bulk = d.bulk.to_string_lossy().to_string();
    let import = m.proc(&format!("product import ({store})"), ledger(&["import", "--format", "json", &bulk]), Check::Appended(facts));
    if import.ok().is_none() {
        fn skipped<T>(store: &str) -> Fig<T> {
            Fig::Skipped(format!("the product import on {store} failed"))
        }
        let why = || skipped(store);
        return StoreFigs { import, disk: skipped(store), small: skipped(store), grade_proc: skipped(store), inproc: skipped(store), grade_all: why(), verify: why(), issue: why() };
    }
    let disk = du(dir);
    if let Some(b) = disk.ok() {
        eprintln!("bench: product on {store} on disk: {} ({:.2}× the JSONL)", stats::bytes(*b), *b as f64 / d.bulk_bytes as f64);
    }
    let grade_proc = m.runs(&format!("grade process ({store})"), sample.iter().take(o.grade_runs), |u| (ledger(&["grade", u, "--on", &o.on]), Check::None));
    let inproc = m.lat(&format!("product read + grade ({store})"), m.worker(&["product-read", s(dir), s(&p.sample), &o.on]));
    let csv = p.dir.join("grades.csv");
    let grade_all = m.proc(&format!("grade-all ({store})"), ledger(&["grade-all", "--on", &o.on, "--format", "csv", "--output", s(&csv)]), Check::None);
    let verify = m.proc(&format!("verify ({store})"), ledger(&["verify"]), Check::None);
    let issue = issue_on_copy(m, dir, store, o.issue_year);
    let small_n = data::SMALL_FACTS as u64;
    let files = d.small.iter().map(|f| f.to_string_lossy().to_string());
    let small = m.runs(&format!("100-fact product imports ({store})"), files, |f| (ledger(&["import", "--format", "json", f]), Check::Appended(small_n)));
    StoreFigs { import, disk, small, grade_proc, inproc, grade_all, verify, issue }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("work paths are UTF-8")
}

fn issue_on_copy(m: &Measurer, ledger: &Path, store: &str, year: i32) -> Fig<Proc> {
    let copy = m.dir.join("ledger-issue");
    let (need, free) = (du(ledger).ok().copied().unwrap_or(0), free_bytes(m.dir));
    if free < need + need / 5 + (1 << 30) {
        return Fig::Skipped(format!("not enough free disk to copy the ledger ({} free, {} needed)", stats::bytes(free), stats::bytes(need)));
    }
    if let Err(e) = copy_dir(ledger, &copy) {
        return Fig::Failed(format!("cannot copy the ledger: {e}"));
    }
    let f = m.proc(&format!("issue ({store})"), m.product(&copy, &["issue", "--year", &year.to_string()]), Check::None);
    let _ = std::fs::remove_dir_all(&copy);
    f
}

/// Bytes available to us on the file system of `dir` (0 when unknown).
fn free_bytes(dir: &Path) -> u64 {
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else { return 0 };
    // SAFETY: a zeroed statvfs is a valid out-parameter; c is a NUL-terminated path.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return 0;
    }
    st.f_bavail as u64 * st.f_frsize as u64
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

/// Bytes allocated under a directory (st_blocks × 512, as `du`).
fn du(dir: &Path) -> Fig<u64> {
    fn walk(p: &Path) -> std::io::Result<u64> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(p)?;
        let mut n = m.blocks() * 512;
        if m.is_dir() {
            for e in std::fs::read_dir(p)? {
                n += walk(&e?.path())?;
            }
        }
        Ok(n)
    }
    walk(dir).map_or_else(|e| Fig::Failed(format!("cannot measure {}: {e}", dir.display())), Fig::Ok)
}

/// What a successful child must also have printed.
enum Check {
    None,
    /// Product import (`--format json`): `appended` equals this.
    Appended(u64),
    /// A worker: `rows` equals this.
    Rows(u64),
}

struct Measurer<'a> {
    o: &'a Options,
    limits: Limits,
    dir: &'a Path,
}

impl Measurer<'_> {
    /// `credit-ledger --ledger DIR --now NOW ARGS...`, with no ledger or now from the environment.
    fn product(&self, ledger: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(self.o.bin_dir.join("credit-ledger"));
        c.arg("--ledger").arg(ledger).arg("--now").arg(&self.o.now).args(args);
        c.env_remove("CREDIT_LEDGER_NOW").env_remove("CREDIT_LEDGER_DIR");
        c
    }

    /// This binary in a worker sub-mode.
    fn worker(&self, args: &[&str]) -> Command {
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("bench"));
        let mut c = Command::new(exe);
        c.args(args);
        c
    }

    /// Runs one child; checks its exit and output; the JSON it printed.
    fn child(&self, mut cmd: Command, check: Check) -> Fig<(Proc, serde_json::Value)> {
        let (out, err) = (self.dir.join("child.stdout"), self.dir.join("child.stderr"));
        let run = match child::run(&mut cmd, self.limits, Some(&out), &err) {
            Ok(r) => r,
            Err(e) => return Fig::Failed(format!("cannot run {:?}: {e}", cmd.get_program())),
        };
        if let Err(why) = run.outcome {
            return Fig::Failed(why);
        }
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or(serde_json::Value::Null);
        let (key, want) = match check {
            Check::None => return Fig::Ok((Proc { wall: run.wall, rss: run.peak_rss }, json)),
            Check::Appended(n) => ("appended", n),
            Check::Rows(n) => ("rows", n),
        };
        match json[key].as_u64() {
            Some(got) if got == want => Fig::Ok((Proc { wall: run.wall, rss: run.peak_rss }, json)),
            got => Fig::Failed(format!("failed: expected {key} = {want}, the child printed {}", got.map_or_else(|| text.trim().chars().take(200).collect(), |g| g.to_string()))),
        }
    }

    fn proc(&self, what: &str, cmd: Command, check: Check) -> Fig<Proc> {
        eprintln!("bench: {what} …");
        let f = match self.child(cmd, check) {
            Fig::Ok((p, _)) => Fig::Ok(p),
            Fig::Failed(w) => Fig::Failed(w),
            Fig::Skipped(w) => Fig::Skipped(w),
        };
        progress(what, &f, |p| format!("{}, peak RSS {}", stats::dur(p.wall), stats::bytes(p.rss)));
        f
    }

    fn runs<T>(&self, what: &str, items: impl Iterator<Item = T>, make: impl Fn(&T) -> (Command, Check)) -> Fig<Runs> {
        eprintln!("bench: {what} …");
        let (mut walls, mut rss) = (Vec::new(), 0);
        for (i, item) in items.enumerate() {
            let (cmd, check) = make(&item);
            match self.child(cmd, check) {
                Fig::Ok((p, _)) => {
                    walls.push(p.wall);
                    rss = rss.max(p.rss);
                }
                other => {
                    let f = Fig::Failed(format!("run {} {}", i + 1, other.why().unwrap_or("")));
                    progress(what, &f, |_: &Runs| String::new());
                    return f;
                }
            }
        }
        let total: Duration = walls.iter().sum();
        let f = Fig::Ok(Runs { n: walls.len(), total, p50: stats::percentile(&walls, 50), max: stats::percentile(&walls, 100), rss });
        progress(what, &f, |r| format!("{} runs, total {}, p50 {}", r.n, stats::dur(r.total), stats::dur(r.p50)));
        f
    }

    fn lat(&self, what: &str, cmd: Command) -> Fig<Lat> {
        eprintln!("bench: {what} …");
        let us = |v: &serde_json::Value| v.as_f64().map(|x| Duration::from_secs_f64(x / 1e6));
        let f = match self.child(cmd, Check::None) {
            Fig::Ok((p, j)) => match (us(&j["open_us"]), us(&j["p50_us"]), us(&j["p99_us"])) {
                (Some(open), Some(p50), Some(p99)) => Fig::Ok(Lat {
                    open,
                    p50,
                    p99,
                    read: us(&j["read_p50_us"]).zip(us(&j["read_p99_us"])),
                    n: j["n"].as_u64().unwrap_or(0),
                    rss: p.rss,
                }),
                _ => Fig::Failed(format!("failed: unexpected output {j}")),
            },
            Fig::Failed(w) => Fig::Failed(w),
            Fig::Skipped(w) => Fig::Skipped(w),
        };
        progress(what, &f, |l| format!("open {}, p50 {}, p99 {}", stats::dur(l.open), stats::dur(l.p50), stats::dur(l.p99)));
        f
    }
}

fn progress<T>(what: &str, f: &Fig<T>, show: impl Fn(&T) -> String) {
    match f {
        Fig::Ok(v) => eprintln!("bench:   {what}: {}", show(v)),
        Fig::Failed(w) | Fig::Skipped(w) => eprintln!("bench:   {what}: {w}"),
    }
}
