//! BENCHMARKS.md: the machine, the commit, every figure with its ratio to
//! each baseline, and the issue's targets with PASS/MISS and by how much.

use crate::figures::{Fig, Proc, SizeResult};
use crate::machine::Machine;
use crate::stats::{bytes, count, dur, rate, ratio, verdict};
use crate::Options;
use chrono::{DateTime, Utc};
use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

/// Everything from this line on in an existing BENCHMARKS.md is kept by the next run.
pub const NOTES_MARKER: &str = "<!-- Notes: written by hand; `make bench` keeps everything below this line. -->";
/// The size the issue's targets are set at.
const TARGET_SIZE: u64 = 1_000_000;
const HUGE_SIZE: u64 = 10_000_000;
/// Time per fact at 10^7 may be at most this multiple of that at 10^6 to count as linear growth.
const LINEAR_SLACK: f64 = 1.3;

/// The report, without the hand-written notes.
pub fn render(o: &Options, m: &Machine, started: DateTime<Utc>, results: &[SizeResult], harness_rss: u64) -> String {
    let mut t = String::new();
    let w = &mut t;
    let _ = writeln!(w, "# Benchmarks\n\n<!-- Written by `make bench` (crates/bench) from one run; edit only below the notes line. -->\n");
    let largest = results.iter().filter(|r| r.data.ok().is_some()).map(|r| r.size).max().unwrap_or(0);
    if largest < TARGET_SIZE / 2 {
        let _ = writeln!(
            w,
            "> **This run measured {} facts at most, not 10^6.** The issue's targets are set at 10^6 facts; \
             they are evaluated below at the largest size measured, for orientation only. \
             `make bench` measures 10^5 and 10^6.\n",
            count(largest)
        );
    }
    let secs = (Utc::now() - started).num_seconds();
    let _ = writeln!(w, "- **Run:** `{}` on {} (took {} min {} s)", o.command_line, started.format("%Y-%m-%d %H:%M UTC"), secs / 60, secs % 60);
    let _ = writeln!(w, "- **Commit:** {}", m.commit);
    let _ = writeln!(
        w,
        "- **Machine:** {} CPUs (`nproc`), {}, {:.1} GiB RAM, Linux {}; {}; SQLite {} (bundled)",
        m.cores,
        m.model,
        m.ram as f64 / (1u64 << 30) as f64,
        m.kernel,
        m.rustc,
        m.sqlite
    );
    let _ = writeln!(
        w,
        "- **Load average** (1, 5, 15 min; other work on the machine disturbs the figures): {} at the start, {} at the end",
        m.load_at_start,
        crate::machine::load()
    );
    let _ = writeln!(
        w,
        "- **Settings:** {} lines per SQLite transaction and per raw-file fdatasync; `--now {}`; V = {}; `issue --year {}`; \
         {} random enterprises in-process, {} `grade` processes; each child capped at {} MiB RSS ({} MiB address space) and {} s; \
         harness peak RSS {} (the floor of a child's measured peak RSS)\n",
        count(o.batch as u64),
        o.now,
        o.on,
        o.issue_year,
        count(o.samples as u64),
        o.grade_runs,
        o.mem_cap >> 20,
        (o.mem_cap >> 20) * 2,
        o.timeout.as_secs(),
        bytes(harness_rss)
    );
    targets(w, results);
    for r in results {
        size_table(w, r);
        redb_table(w, r);
    }
    growth(w, results);
    let _ = writeln!(w, "{HOW}");
    t
}

/// Appends the hand-written notes of the existing report at `out` (or an empty notes section).
pub fn keep_notes(text: &str, out: &Path) -> String {
    let old = std::fs::read_to_string(out).unwrap_or_default();
    let notes = old.split_once(NOTES_MARKER).map_or("\n", |(_, n)| n);
    format!("{text}\n{NOTES_MARKER}{notes}")
}

/// Speed of the product relative to a baseline: baseline time / product time (> 1: the product is faster).
fn speed(product: Duration, baseline: Duration) -> f64 {
    baseline.as_secs_f64() / product.as_secs_f64().max(1e-9)
}

fn cell<T>(f: &Fig<T>, show: impl Fn(&T) -> String) -> String {
    match f {
        Fig::Ok(v) => show(v),
        Fig::Failed(w) => format!("**{}**", esc(w)),
        Fig::Skipped(w) => format!("not measured ({})", esc(w)),
    }
}

fn esc(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn both<A: Copy, B: Copy>(a: &Fig<A>, b: &Fig<B>) -> Option<(A, B)> {
    a.ok().copied().zip(b.ok().copied())
}

fn size_table(w: &mut String, r: &SizeResult) {
    let _ = writeln!(w, "## At {} facts\n", count(r.size));
    let Some(d) = r.data.ok() else {
        let _ = writeln!(w, "No data: {}\n", r.data.why().unwrap_or(""));
        return;
    };
    let _ = writeln!(
        w,
        "{} facts, {} enterprises, {} of JSON Lines (`{}`), plus 10,000 later facts for the small imports.\n",
        count(d.facts),
        count(d.enterprises),
        bytes(d.bytes),
        d.generator
    );
    let n = d.facts;
    let _ = writeln!(w, "| at {} facts | credit-ledger | SQLite baseline | raw file + fdatasync | credit-ledger vs SQLite | vs raw file |", count(n));
    let _ = writeln!(w, "|---|---|---|---|---|---|");
    let imp = |p: &Proc| format!("{} ({}), peak RSS {}", rate(n, p.wall), dur(p.wall), bytes(p.rss));
    let vs = |a: &Fig<Proc>, b: &Fig<Proc>, rss: bool| {
        both(a, b).map_or("—".into(), |(a, b)| {
            let s = format!("speed {}", ratio(speed(a.wall, b.wall)));
            if rss { format!("{s}, RSS {}", ratio(a.rss as f64 / b.rss.max(1) as f64)) } else { s }
        })
    };
    let _ = writeln!(
        w,
        "| bulk import, one file | {} | {} | {} | {} | {} |",
        cell(&r.import_product, imp),
        cell(&r.import_sqlite, imp),
        cell(&r.import_raw, imp),
        vs(&r.import_product, &r.import_sqlite, true),
        vs(&r.import_product, &r.import_raw, true)
    );
    let disk = |b: &u64| format!("{} ({})", ratio(*b as f64 / d.bytes as f64), bytes(*b));
    let _ = writeln!(
        w,
        "| disk / JSONL size | {} | {} | 1× ({}) | {} | {} |",
        cell(&r.disk_product, disk),
        cell(&r.disk_sqlite, disk),
        bytes(d.bytes),
        both(&r.disk_product, &r.disk_sqlite).map_or("—".into(), |(a, b)| format!("size {}", ratio(a as f64 / b as f64))),
        r.disk_product.ok().map_or("—".into(), |a| format!("size {}", ratio(*a as f64 / d.bytes as f64)))
    );
    let small = |x: &crate::figures::Runs| format!("{} (p50 {} per process)", rate(100 * x.n as u64, x.total), dur(x.p50));
    let small_vs = |a: &Fig<crate::figures::Runs>, b: &Fig<crate::figures::Runs>| {
        both(a, b).map_or("—".into(), |(a, b)| format!("speed {}", ratio(speed(a.total, b.total))))
    };
    let _ = writeln!(
        w,
        "| 100 imports of 100 facts, each a process | {} | {} | {} | {} | {} |",
        cell(&r.small_product, small),
        cell(&r.small_sqlite, small),
        cell(&r.small_raw, small),
        small_vs(&r.small_product, &r.small_sqlite),
        small_vs(&r.small_product, &r.small_raw)
    );
    let _ = writeln!(
        w,
        "| one `grade` as a process | {} | — | — | — | — |",
        cell(&r.grade_proc, |x| format!("p50 {} (max {}, {} runs), peak RSS {}", dur(x.p50), dur(x.max), x.n, bytes(x.rss)))
    );
    let _ = writeln!(
        w,
        "| one enterprise in-process: read + grade | {} | {} | — | {} | — |",
        cell(&r.inproc_product, |l| {
            let read = l.read.map_or(String::new(), |(a, b)| format!("; read alone p50 {}, p99 {}", dur(a), dur(b)));
            format!("p50 {}, p99 {}{read}; open {}; {} enterprises, worker peak RSS {}", dur(l.p50), dur(l.p99), dur(l.open), l.n, bytes(l.rss))
        }),
        cell(&r.inproc_sqlite, |l| format!("read + JSON parse p50 {}, p99 {}; open {}; worker peak RSS {}", dur(l.p50), dur(l.p99), dur(l.open), bytes(l.rss))),
        both(&r.inproc_product, &r.inproc_sqlite).map_or("—".into(), |(a, b)| {
            let read = a.read.map_or(String::new(), |(p50, p99)| format!("; read alone p50 {}, p99 {}", ratio(speed(p50, b.p50)), ratio(speed(p99, b.p99))));
            format!("speed p50 {}, p99 {}{read}", ratio(speed(a.p50, b.p50)), ratio(speed(a.p99, b.p99)))
        })
    );
    let scan = |p: &Proc| format!("{} ({}), peak RSS {}", dur(p.wall), rate(n, p.wall), bytes(p.rss));
    let _ = writeln!(
        w,
        "| `grade-all` (CSV to a file) / scan + parse | {} | {} | {} | {} | {} |",
        cell(&r.grade_all, scan),
        cell(&r.scan_sqlite, scan),
        cell(&r.scan_raw, scan),
        vs(&r.grade_all, &r.scan_sqlite, true),
        vs(&r.grade_all, &r.scan_raw, true)
    );
    let _ = writeln!(w, "| `verify` | {} | — | — | — | — |", cell(&r.verify, scan));
    let _ = writeln!(w, "| `issue` (on a copy) | {} | — | — | — | — |\n", cell(&r.issue, scan));
}

/// The product on sled and on redb (the same layout behind the same store
/// trait), each figure side by side, with redb's speed relative to sled's
/// and to the SQLite baseline.
fn redb_table(w: &mut String, r: &SizeResult) {
    let (Some(x), Some(d)) = (&r.redb, r.data.ok()) else { return };
    let n = d.facts;
    let _ = writeln!(w, "### The same layout on redb, at {} facts
", count(n));
    let _ = writeln!(w, "| at {} facts | sled (default) | redb | redb vs sled | redb vs SQLite |\n|---|---|---|---|---|", count(n));
    let proc = |p: &Proc| format!("{}, peak RSS {}", dur(p.wall), bytes(p.rss));
    let vs = |a: &Fig<Proc>, b: &Fig<Proc>| both(a, b).map_or("—".into(), |(a, b)| format!("speed {}, RSS {}", ratio(speed(a.wall, b.wall)), ratio(a.rss as f64 / b.rss.max(1) as f64)));
    let _ = writeln!(w, "| bulk import, one file | {} | {} | {} | {} |", cell(&r.import_product, proc), cell(&x.import, proc), vs(&x.import, &r.import_product), vs(&x.import, &r.import_sqlite));
    let disk = |b: &u64| format!("{} ({})", ratio(*b as f64 / d.bytes as f64), bytes(*b));
    let size = |a: &Fig<u64>, b: &Fig<u64>| both(a, b).map_or("—".into(), |(a, b)| format!("size {}", ratio(a as f64 / b.max(1) as f64)));
    let _ = writeln!(w, "| disk / JSONL size | {} | {} | {} | {} |", cell(&r.disk_product, disk), cell(&x.disk, disk), size(&x.disk, &r.disk_product), size(&x.disk, &r.disk_sqlite));
    let small = |x: &crate::figures::Runs| format!("{} (p50 {} per process)", rate(100 * x.n as u64, x.total), dur(x.p50));
    let small_vs = |a: &Fig<crate::figures::Runs>, b: &Fig<crate::figures::Runs>| both(a, b).map_or("—".into(), |(a, b)| format!("speed {}", ratio(speed(a.total, b.total))));
    let _ = writeln!(w, "| 100 imports of 100 facts, each a process | {} | {} | {} | {} |", cell(&r.small_product, small), cell(&x.small, small), small_vs(&x.small, &r.small_product), small_vs(&x.small, &r.small_sqlite));
    let grade = |g: &crate::figures::Runs| format!("p50 {} (max {}), peak RSS {}", dur(g.p50), dur(g.max), bytes(g.rss));
    let grade_vs = both(&x.grade_proc, &r.grade_proc).map_or("—".into(), |(a, b)| format!("speed p50 {}", ratio(speed(a.p50, b.p50))));
    let _ = writeln!(w, "| one `grade` as a process | {} | {} | {grade_vs} | — |", cell(&r.grade_proc, grade), cell(&x.grade_proc, grade));
    let lat = |l: &crate::figures::Lat| format!("p50 {}, p99 {}; open {}", dur(l.p50), dur(l.p99), dur(l.open));
    let lat_vs = |a: &Fig<crate::figures::Lat>, b: &Fig<crate::figures::Lat>| both(a, b).map_or("—".into(), |(a, b)| format!("speed p50 {}, p99 {}", ratio(speed(a.p50, b.p50)), ratio(speed(a.p99, b.p99))));
    let _ = writeln!(w, "| one enterprise in-process: read + grade | {} | {} | {} | {} |", cell(&r.inproc_product, lat), cell(&x.inproc, lat), lat_vs(&x.inproc, &r.inproc_product), lat_vs(&x.inproc, &r.inproc_sqlite));
    let _ = writeln!(w, "| `grade-all` (CSV to a file) | {} | {} | {} | {} (scan + parse) |", cell(&r.grade_all, proc), cell(&x.grade_all, proc), vs(&x.grade_all, &r.grade_all), vs(&x.grade_all, &r.scan_sqlite));
    let _ = writeln!(w, "| `verify` | {} | {} | {} | — |", cell(&r.verify, proc), cell(&x.verify, proc), vs(&x.verify, &r.verify));
    let _ = writeln!(w, "| `issue` (on a copy) | {} | {} | {} | — |\n", cell(&r.issue, proc), cell(&x.issue, proc), vs(&x.issue, &r.issue));
}

/// Why a target could not be evaluated: the reasons, and whether the product's figure failed.
struct Missing {
    text: String,
    product_failed: bool,
}

/// The product's figure is missing.
fn miss<T>(f: &Fig<T>) -> Missing {
    Missing { text: f.why().unwrap_or("not measured").to_string(), product_failed: matches!(f, Fig::Failed(_)) }
}

/// The product's figure or a baseline's is missing.
fn miss2<A, B>(product: &Fig<A>, baseline: &Fig<B>) -> Missing {
    let text = [product.why().map(String::from), baseline.why().map(|w| format!("baseline: {w}"))].into_iter().flatten().collect::<Vec<_>>().join("; ");
    Missing { text, product_failed: matches!(product, Fig::Failed(_)) }
}

fn row(w: &mut String, target: &str, measured: Result<(String, String), Missing>) {
    let (m, v) = measured.unwrap_or_else(|why| {
        let v = if why.product_failed { "**MISS** (the product failed)" } else { "not evaluated" };
        (esc(&why.text), v.to_string())
    });
    let _ = writeln!(w, "| {target} | {m} | {v} |");
}

fn targets(w: &mut String, results: &[SizeResult]) {
    let at = results.iter().filter(|r| r.data.ok().is_some() && r.size <= TARGET_SIZE * 3 / 2).max_by_key(|r| r.size);
    let Some(r) = at else {
        let _ = writeln!(w, "## Targets\n\nNo size up to 10^6 facts was measured.\n");
        return;
    };
    let n = r.size;
    let _ = writeln!(w, "## Targets (issue 7), evaluated at {} facts\n", count(n));
    let _ = writeln!(w, "| target | measured | result |\n|---|---|---|");
    let mb = 1e6;
    row(w, "bulk import: ≥ 2× SQLite's facts/s", both(&r.import_product, &r.import_sqlite).ok_or_else(|| miss2(&r.import_product, &r.import_sqlite)).map(|(a, b)| {
        let s = speed(a.wall, b.wall);
        (format!("{} vs {} = speed {} SQLite's", rate(n, a.wall), rate(n, b.wall), ratio(s)), verdict(s, 2.0, false))
    }));
    row(w, "bulk import: peak RSS ≤ 300 MB", r.import_product.ok().ok_or_else(|| miss(&r.import_product)).map(|a| (bytes(a.rss), verdict(a.rss as f64, 300.0 * mb, true))));
    let jsonl = r.data.ok().map_or(1, |d| d.bytes) as f64;
    row(w, "disk ≤ 1.5× the JSONL", r.disk_product.ok().ok_or_else(|| miss(&r.disk_product)).map(|b| {
        let x = *b as f64 / jsonl;
        (format!("{} ({})", ratio(x), bytes(*b)), verdict(x, 1.5, true))
    }));
    row(w, "100-fact imports as processes: ≥ SQLite's rate", both(&r.small_product, &r.small_sqlite).ok_or_else(|| miss2(&r.small_product, &r.small_sqlite)).map(|(a, b)| {
        let s = speed(a.total, b.total);
        (format!("{} vs {}", rate(100 * a.n as u64, a.total), rate(100 * b.n as u64, b.total)), verdict(s, 1.0, false))
    }));
    row(w, "one `grade` as a process: ≤ 20 ms (p50)", r.grade_proc.ok().ok_or_else(|| miss(&r.grade_proc)).map(|g| (dur(g.p50), verdict(g.p50.as_secs_f64(), 0.020, true))));
    row(w, "one enterprise in-process, read + grade: p99 ≤ 300 µs", r.inproc_product.ok().ok_or_else(|| miss(&r.inproc_product)).map(|l| (dur(l.p99), verdict(l.p99.as_secs_f64(), 300e-6, true))));
    row(w, "`grade-all`: ≥ 3× faster than SQLite scan + parse", both(&r.grade_all, &r.scan_sqlite).ok_or_else(|| miss2(&r.grade_all, &r.scan_sqlite)).map(|(a, b)| {
        let s = speed(a.wall, b.wall);
        (format!("{} vs {}: speed {} SQLite's", dur(a.wall), dur(b.wall), ratio(s)), verdict(s, 3.0, false))
    }));
    row(w, "`grade-all`: peak RSS ≤ 200 MB", r.grade_all.ok().ok_or_else(|| miss(&r.grade_all)).map(|a| (bytes(a.rss), verdict(a.rss as f64, 200.0 * mb, true))));
    row(w, "`verify`: ≤ 5 s", r.verify.ok().ok_or_else(|| miss(&r.verify)).map(|a| (dur(a.wall), verdict(a.wall.as_secs_f64(), 5.0, true))));
    row(w, "`issue`: ≤ 3 s", r.issue.ok().ok_or_else(|| miss(&r.issue)).map(|a| (dur(a.wall), verdict(a.wall.as_secs_f64(), 3.0, true))));
    huge_targets(w, results);
    let _ = writeln!(w);
}

fn huge_targets(w: &mut String, results: &[SizeResult]) {
    let find = |s: u64| results.iter().find(|r| r.data.ok().is_some() && r.size >= s * 2 / 3 && r.size <= s * 3 / 2);
    let (Some(big), base) = (find(HUGE_SIZE), find(TARGET_SIZE)) else {
        let _ = writeln!(w, "| at 10^7 facts: import, grade-all, verify with RSS ≤ 500 MB, time linear | not measured in this run (`make bench-huge`) | — |");
        return;
    };
    type Pick = fn(&SizeResult) -> &Fig<Proc>;
    let pick: [(&str, Pick); 3] =
        [("import", |r| &r.import_product), ("`grade-all`", |r| &r.grade_all), ("`verify`", |r| &r.verify)];
    for (name, f) in pick {
        let target = format!("at {} facts: {name} peak RSS ≤ 500 MB", count(big.size));
        row(w, &target, f(big).ok().ok_or_else(|| miss(f(big))).map(|p| (bytes(p.rss), verdict(p.rss as f64, 500e6, true))));
        let target = format!("{name} time linear from {} to {} facts (per-fact time ≤ {LINEAR_SLACK}×)", base.map_or(0, |b| b.size), count(big.size));
        let no_base = || Missing { text: "no 10^6 run to compare with".into(), product_failed: false };
        let lin = base.ok_or_else(no_base).and_then(|b| {
            both(f(b), f(big)).ok_or_else(|| miss2(f(big), f(b))).map(|(a, c)| {
                let x = (c.wall.as_secs_f64() / big.size as f64) / (a.wall.as_secs_f64() / b.size as f64);
                (format!("{} → {}: per-fact time {}", dur(a.wall), dur(c.wall), ratio(x)), verdict(x, LINEAR_SLACK, true))
            })
        });
        row(w, &target, lin);
    }
}

fn growth(w: &mut String, results: &[SizeResult]) {
    let sized: Vec<&SizeResult> = results.iter().filter(|r| r.data.ok().is_some()).collect();
    if sized.len() < 2 {
        return;
    }
    let _ = writeln!(w, "## Growth: time per fact and peak RSS by size\n");
    let _ = writeln!(w, "| facts | import µs/fact, RSS | `grade-all` µs/fact, RSS | `verify` µs/fact, RSS | SQLite import µs/fact, RSS |\n|---|---|---|---|---|");
    for r in sized {
        let per = |f: &Fig<Proc>| cell(f, |p| format!("{:.1}, {}", p.wall.as_secs_f64() * 1e6 / r.size as f64, bytes(p.rss)));
        let _ = writeln!(w, "| {} | {} | {} | {} | {} |", count(r.size), per(&r.import_product), per(&r.grade_all), per(&r.verify), per(&r.import_sqlite));
    }
    let _ = writeln!(w);
}

const HOW: &str = "## How each figure is measured

All figures come from the one run above, on the same machine, with the OS page cache warm (nothing is dropped
between steps). Every measured step is a child process started by the harness (`crates/bench`): the product is
the release `credit-ledger` binary; the baselines are the `bench` binary itself in a worker sub-mode. Wall time
runs from `spawn` to the child's exit; peak RSS is the child's `ru_maxrss` (`wait4`). A child whose RSS passes the
cap (polled every 20 ms in `/proc/PID/status`; its address space is also limited to twice the cap) or that passes the
timeout is killed, and the figure reads \"failed: …\".

- **Data:** `fixturegen` writes the facts; the harness streams them into the bulk file (all but the last 10,000
  lines) and 100 files of 100 facts (the last 10,000, recorded after every bulk fact). Sizes are the bulk file's.
- **Bulk import:** `credit-ledger --ledger DIR --now NOW import --format json FILE` into a new ledger (the printed
  `appended` must equal the facts in the file). SQLite: a new database, WAL, `synchronous=FULL`, one table
  `facts (seq INTEGER PRIMARY KEY, enterprise TEXT, ref TEXT UNIQUE, json TEXT)` with an index on
  `(enterprise, seq)`; each line is parsed for its enterprise and ref and inserted, one transaction per batch.
  Raw file: the lines appended to a new file, one `write` + `fdatasync` per batch.
- **Disk / JSONL:** allocated bytes (`du`) of the ledger directory and of the SQLite directory (database and
  WAL, after the importing connection closed) over the bulk file's size.
- **100 imports of 100 facts:** after the steps below, each of the 100 small files imported by its own process,
  onto the bulk ledger / database / file (SQLite: one transaction of 100 rows per process). Rate = 10,000 facts
  over the sum of the 100 wall times.
- **One `grade` as a process:** `credit-ledger --ledger DIR grade USCC --on V` (table output) for the first
  enterprises of the random sample; median wall time.
- **One enterprise in-process:** one worker process opens the ledger (`store::Ledger::open`, timed as \"open\"),
  then for each sampled enterprise (uniform, with replacement): `enterprise_records` up to the head (\"read\"),
  then `grading::grade_and_scope` with the rule set in force on V, as `grade` does. SQLite: `SELECT json FROM
  facts WHERE enterprise = ? ORDER BY seq`, each row parsed into a `serde_json::Value`. p50/p99 over the sample,
  no warm-up.
- **`grade-all`:** `grade-all --on V --format csv --output FILE`. SQLite: `SELECT json FROM facts ORDER BY
  enterprise, seq`, each row parsed into a `serde_json::Value`. Raw file: the bulk file read line by line, each
  parsed the same way.
- **`verify`:** `credit-ledger verify` on the bulk ledger.
- **`issue`:** `credit-ledger --now NOW issue --year Y` on a copy of the bulk ledger (the copy is not timed).
- **redb:** after the baselines, every product step is run again in the same order on a new ledger created with
  `--store redb` (the same keys and values in one redb table, `crates/store/src/backend/redb.rs`; a 64 MiB
  cache as sled's). The issue's targets are evaluated on sled, the default store.
- **Ratios:** \"speed\" is the baseline's time over the product's (above 1: the product is faster); \"RSS\" and
  \"size\" are the product's over the baseline's.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_say_pass_or_miss_and_by_how_much() {
        assert_eq!(verdict(0.010, 0.020, true), "PASS (0.500× of the limit)");
        assert_eq!(verdict(1.35, 0.020, true), "**MISS**: 68× over");
        assert_eq!(verdict(3.0, 2.0, false), "PASS (1.50× the target)");
        assert_eq!(verdict(0.1, 2.0, false), "**MISS**: 20× short");
    }

    #[test]
    fn hand_written_notes_below_the_marker_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("BENCHMARKS.md");
        let first = keep_notes("# run 1\n", &out);
        assert!(first.ends_with(&format!("{NOTES_MARKER}\n")));
        std::fs::write(&out, first + "Why import misses: see the profile.\n").unwrap();
        let second = keep_notes("# run 2\n", &out);
        assert!(second.starts_with("# run 2\n"));
        assert!(second.ends_with(&format!("{NOTES_MARKER}\nWhy import misses: see the profile.\n")));
        assert!(!second.contains("run 1"));
    }
}
