//! The load figures as Markdown: the section [`HEADING`] of BENCHMARKS.md,
//! replaced whole by each run; every other section stays as it was.

use crate::machine::Machine;
use crate::phase::Outcome;
use crate::stats::{dur, percentile, ratio, verdict};
use crate::Options;
use chrono::{DateTime, Utc};
use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

/// The section's heading; the section runs to the next `## ` heading.
pub const HEADING: &str = "## Server under load (issue 9)";
/// The writer count the throughput target is set at.
const TARGET_WRITERS: usize = 64;
/// Group commit's appends/s over the baseline's, at least (issue 9, item 9).
const TARGET_RATIO: f64 = 20.0;
/// Read p99 under write load, at most.
const TARGET_READ_P99: Duration = Duration::from_millis(10);

/// Everything one run measured.
pub struct Run {
    pub options: Options,
    pub machine: Machine,
    pub started: DateTime<Utc>,
    /// Wall times of 4 KiB write + fdatasync rounds on the ledgers' disk.
    pub flush: Vec<Duration>,
    /// Reads with no writer, for comparison.
    pub alone: Option<Outcome>,
    /// Per writer count: (group commit, one flush per append).
    pub pairs: Vec<(Outcome, Outcome)>,
}

/// Acknowledged appends per second of wall time.
fn per_sec(o: &Outcome) -> f64 {
    o.acked as f64 / o.wall.as_secs_f64().max(1e-9)
}

fn p(v: &[Duration], q: u32) -> String {
    if v.is_empty() { "—".into() } else { dur(percentile(v, q)) }
}

/// The process's CPU time over the cores' time, and the clients' share of it.
fn cpu(o: &Outcome, cores: usize) -> String {
    let busy = o.cpu_process.as_secs_f64() / (o.wall.as_secs_f64() * cores.max(1) as f64).max(1e-9);
    let clients = o.cpu_clients.as_secs_f64() / o.cpu_process.as_secs_f64().max(1e-9);
    format!("{:.0} % ({:.0} % clients)", busy * 100.0, clients * 100.0)
}

fn commit_name(o: &Outcome) -> &'static str {
    if o.spec.writers == 0 {
        "—"
    } else if o.spec.max_round == 1 {
        "one flush per append"
    } else {
        "group commit"
    }
}

/// One line for the progress output.
pub fn summary(o: &Outcome) -> String {
    format!(
        "{} appends in {} = {:.0}/s, append p50 {} p99 {}; {} reads p50 {} p99 {}; CPU {}; ledger head {} (checked)",
        o.acked,
        dur(o.wall),
        per_sec(o),
        p(&o.append_latency, 50),
        p(&o.append_latency, 99),
        o.read_latency.len(),
        p(&o.read_latency, 50),
        p(&o.read_latency, 99),
        cpu(o, std::thread::available_parallelism().map_or(1, |n| n.get())),
        o.head
    ) + &format!("; by thread: {}", by_thread(o))
}

/// CPU time per thread kind as a share of one core over the phase, largest first.
fn by_thread(o: &Outcome) -> String {
    let mut v: Vec<(&String, &Duration)> = o.by_thread.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1));
    let wall = o.wall.as_secs_f64().max(1e-9);
    v.iter().map(|(k, t)| format!("{k} {:.0} %", t.as_secs_f64() / wall * 100.0)).collect::<Vec<_>>().join(", ")
}

/// The section, from [`HEADING`] on.
pub fn render(r: &Run) -> String {
    let (o, m) = (&r.options, &r.machine);
    let mut t = String::new();
    let w = &mut t;
    let _ = writeln!(w, "{HEADING}\n\n<!-- Written by `make load` (crates/bench/src/load) from one run; the next run replaces this section only. -->\n");
    let secs = (Utc::now() - r.started).num_seconds();
    let _ = writeln!(w, "- **Run:** `{}` on {} (took {} min {} s)", o.command_line, r.started.format("%Y-%m-%d %H:%M UTC"), secs / 60, secs % 60);
    let _ = writeln!(w, "- **Commit:** {}", m.commit);
    let _ = writeln!(w, "- **Machine:** {} CPUs (`nproc`), {}, {:.1} GiB RAM, Linux {}; {}", m.cores, m.model, m.ram as f64 / (1u64 << 30) as f64, m.kernel, m.rustc);
    let _ = writeln!(w, "- **Load average** (1, 5, 15 min; other work on the machine disturbs the figures): {} at the start, {} at the end", m.load_at_start, crate::machine::load());
    let _ = writeln!(
        w,
        "- **Settings:** the server in the harness's own process on 127.0.0.1 ({} tokio workers, sled, audit trail on); a fresh ledger per phase \
         with {} enterprises registered and licensed before measuring; each writer a thread appending one administrative penalty per \
         request (`POST /import`, its own enterprise, a new ref) back to back; {} reader thread(s) sending {} for random pre-loaded \
         enterprises back to back meanwhile; a phase stops at {} appends per writer or {} s, whichever comes first. Group commit: \
         up to {} requests per flush; baseline: one. One 4 KiB write + `fdatasync` on the ledgers' disk ({} rounds before the phases): \
         p50 {}, p99 {}.\n",
        m.cores,
        o.enterprises,
        o.readers,
        crate::client::READ_NAME,
        o.appends,
        o.time.as_secs(),
        server::writer::MAX_ROUND,
        r.flush.len(),
        p(&r.flush, 50),
        p(&r.flush, 99)
    );
    targets(w, r);
    why(w, r);
    phases(w, r);
    ratios(w, r);
    cpu_table(w, r);
    let _ = writeln!(w, "{HOW}");
    t
}

fn targets(w: &mut String, r: &Run) {
    let _ = writeln!(w, "| target (issue 9, item 9) | measured | result |\n|---|---|---|");
    match r.pairs.iter().find(|(g, _)| g.spec.writers == TARGET_WRITERS) {
        Some((g, b)) => {
            let x = per_sec(g) / per_sec(b).max(1e-9);
            let _ = writeln!(
                w,
                "| {TARGET_WRITERS} writers: acknowledged appends/s ≥ {TARGET_RATIO}× one flush per append | {:.0}/s vs {:.0}/s = {} | {} |",
                per_sec(g),
                per_sec(b),
                ratio(x),
                verdict(x, TARGET_RATIO, false)
            );
        }
        None => {
            let _ = writeln!(w, "| {TARGET_WRITERS} writers: ≥ {TARGET_RATIO}× one flush per append | no {TARGET_WRITERS}-writer phase in this run | not evaluated |");
        }
    }
    for (g, _) in &r.pairs {
        let (label, v) = (format!("{} p99 under write load ≤ {} ({} writer{}, group commit)", crate::client::READ_NAME, dur(TARGET_READ_P99), g.spec.writers, if g.spec.writers == 1 { "" } else { "s" }), &g.read_latency);
        let cell = if v.is_empty() { ("no reads".to_string(), "not evaluated".to_string()) } else {
            let q = percentile(v, 99);
            (dur(q), verdict(q.as_secs_f64(), TARGET_READ_P99.as_secs_f64(), true))
        };
        let _ = writeln!(w, "| {label} | {} | {} |", cell.0, cell.1);
    }
    let _ = writeln!(w);
}

fn phases(w: &mut String, r: &Run) {
    let cores = r.machine.cores;
    let _ = writeln!(w, "| writers | commit | acknowledged appends | appends/s | append p50 | append p99 | reads | read p50 | read p99 | CPU busy of {cores} cores (clients' share) | server CPU per append | stopped by |");
    let _ = writeln!(w, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    let all = r.alone.iter().chain(r.pairs.iter().flat_map(|(g, b)| [g, b]));
    for o in all {
        let stopped = if o.spec.writers == 0 { "time".to_string() } else if o.by_time { format!("time ({} s)", o.spec.time.as_secs()) } else { "count".to_string() };
        let writers = if o.spec.writers == 0 { "0 (reads alone)".to_string() } else { o.spec.writers.to_string() };
        let rate = if o.spec.writers == 0 { "—".to_string() } else { format!("{:.0}", per_sec(o)) };
        let _ = writeln!(
            w,
            "| {writers} | {} | {} | {rate} | {} | {} | {} | {} | {} | {} | {} | {stopped} |",
            commit_name(o),
            o.acked,
            p(&o.append_latency, 50),
            p(&o.append_latency, 99),
            o.read_latency.len(),
            p(&o.read_latency, 50),
            p(&o.read_latency, 99),
            cpu(o, cores),
            server_cpu_per_append(o).map_or("—".into(), dur)
        );
    }
    let _ = writeln!(w);
}

/// The server's CPU time (the process's less the client threads') per acknowledged append.
fn server_cpu_per_append(o: &Outcome) -> Option<Duration> {
    (o.acked > 0).then(|| o.cpu_process.saturating_sub(o.cpu_clients) / o.acked.min(u64::from(u32::MAX)) as u32)
}

/// Where the CPU went, per phase.
fn cpu_table(w: &mut String, r: &Run) {
    let _ = writeln!(w, "CPU time by thread during each phase, as a share of one core (`load-*`: the client threads; `tokio-rt-worker`: tokio's workers \
        and blocking pool, so HTTP and the reads' grading; `ledger-writer`: validation and appends; `audit-trail`; `sled-*` and `log flusher`: sled's own threads):\n");
    let _ = writeln!(w, "| writers | commit | CPU by thread |\n|---|---|---|");
    for o in r.alone.iter().chain(r.pairs.iter().flat_map(|(g, b)| [g, b])) {
        let _ = writeln!(w, "| {} | {} | {} |", o.spec.writers, commit_name(o), by_thread(o));
    }
    let _ = writeln!(w);
}

/// When the throughput target is missed: what the flush floor and the CPU say.
fn why(w: &mut String, r: &Run) {
    let Some((g, b)) = r.pairs.iter().find(|(g, _)| g.spec.writers == TARGET_WRITERS) else { return };
    if per_sec(g) >= TARGET_RATIO * per_sec(b) {
        return;
    }
    let cores = r.machine.cores.max(1);
    let needed = TARGET_RATIO * per_sec(b);
    let budget = Duration::from_secs_f64(cores as f64 / needed.max(1e-9));
    let clients = g.cpu_clients / g.acked.clamp(1, u64::from(u32::MAX)) as u32;
    let _ = writeln!(
        w,
        "Why the throughput target is missed here (figures of this run): a flush is cheap on this machine (4 KiB `fdatasync` p50 {}), \
         so the baseline is not held back by the disk much: one flush per append already reaches {:.0}/s with {TARGET_WRITERS} writers. \
         {TARGET_RATIO}× that is {:.0} appends/s, i.e. at most {} of CPU per append for everything on {cores} cores (the server, the \
         {TARGET_WRITERS} writer clients and the readers share them in this process). Group commit measured {} of server CPU (serving \
         the readers too) plus {} of client CPU per acknowledged append, with the process using {} of the cores (other work on the \
         machine took the rest: see the load average). Under group commit the bound is the CPU per request (HTTP, validation, the \
         audit trail, and the readers' grading: see the CPU table below), not the flush.\n",
        p(&r.flush, 50),
        per_sec(b),
        needed,
        dur(budget),
        server_cpu_per_append(g).map_or("—".into(), dur),
        dur(clients),
        cpu(g, cores)
    );
}

fn ratios(w: &mut String, r: &Run) {
    let _ = writeln!(w, "| writers | group commit appends/s | one flush per append | group / baseline | append p99: group, baseline |\n|---|---|---|---|---|");
    for (g, b) in &r.pairs {
        let _ = writeln!(
            w,
            "| {} | {:.0} | {:.0} | {} | {}, {} |",
            g.spec.writers,
            per_sec(g),
            per_sec(b),
            ratio(per_sec(g) / per_sec(b).max(1e-9)),
            p(&g.append_latency, 99),
            p(&b.append_latency, 99)
        );
    }
    let _ = writeln!(w);
}

const HOW: &str = "How it is measured: appends/s is the acknowledged appends (answer 200 after the flush, `appended: 1`) over the wall \
time from the common start of the client threads to the last writer's last answer. A latency runs from just before a request is sent \
to its whole answer read, on the client thread (ureq, one keep-alive connection per thread). CPU busy is the process's CPU time \
(server and clients: they share the cores) over the wall time times the cores; the clients' share is their threads' own CPU time. \
After each phase the server is stopped as SIGTERM does, the ledger is opened and every acknowledged ref is looked up \
(`store::Ledger::seq_of_ref`); the head must equal the pre-loaded facts plus the acknowledged appends. A missing ref or any failed \
request fails the run and nothing is written here.\n";

/// Replaces the section [`HEADING`] of the report at `out` with `section`
/// (or adds it at the end); creates the file when missing.
pub fn write_section(out: &Path, section: &str) -> std::io::Result<()> {
    let old = match std::fs::read_to_string(out) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    std::fs::write(out, replace_section(&old, section))
}

/// `text` with its section [`HEADING`] (up to the next `## ` heading)
/// replaced by `section`, or `section` appended when it has none.
pub fn replace_section(text: &str, section: &str) -> String {
    let section = format!("{}\n", section.trim_end());
    let start = if text.starts_with(HEADING) { Some(0) } else { text.find(&format!("\n{HEADING}\n")).map(|i| i + 1) };
    let Some(start) = start else {
        let sep = if text.is_empty() || text.ends_with("\n\n") { "" } else if text.ends_with('\n') { "\n" } else { "\n\n" };
        return format!("{text}{sep}{section}");
    };
    let rest = &text[start + HEADING.len()..];
    match rest.find("\n## ") {
        Some(end) => format!("{}{section}\n{}", &text[..start], &rest[end + 1..]),
        None => format!("{}{section}", &text[..start]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_is_added_at_the_end_once() {
        let first = replace_section("# Benchmarks\n\n## Notes\nkept\n", "## Server under load (issue 9)\n\nrun 1\n");
        assert_eq!(first, "# Benchmarks\n\n## Notes\nkept\n\n## Server under load (issue 9)\n\nrun 1\n");
        let second = replace_section(&first, "## Server under load (issue 9)\n\nrun 2\n");
        assert_eq!(second, "# Benchmarks\n\n## Notes\nkept\n\n## Server under load (issue 9)\n\nrun 2\n");
    }

    #[test]
    fn only_the_section_is_replaced_and_what_follows_it_kept() {
        let text = "# B\n\n## Server under load (issue 9)\n\nold\n### sub\nold too\n\n## Later\nkept\n";
        let new = replace_section(text, "## Server under load (issue 9)\n\nnew\n");
        assert_eq!(new, "# B\n\n## Server under load (issue 9)\n\nnew\n\n## Later\nkept\n");
    }

    #[test]
    fn verdicts_say_pass_or_miss_and_by_how_much() {
        assert_eq!(verdict(25.0, 20.0, false), "PASS (1.25× the target)");
        assert_eq!(verdict(10.0, 20.0, false), "**MISS**: 2.00× short");
        assert_eq!(verdict(0.02, 0.01, true), "**MISS**: 2.00× over");
    }
}
