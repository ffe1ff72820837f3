//! SIGTERM drains, SIGKILL loses nothing acknowledged (issue 9, item 8): a
//! client keeps a log of every acknowledged ref; after the server stops (or
//! is killed) and the ledger is reopened, every logged ref is in it and
//! `verify` passes.

#[path = "support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NOW: &str = "2026-01-05T10:00:00+08:00";
const TOKEN: &str = "t-clerk-08";

fn uscc(n: u32) -> String {
    let first17 = format!("916590{n:011}");
    format!("{first17}{}", model::Uscc::check_char(first17.as_bytes()) as char)
}

fn registered(n: u32) -> String {
    let e = uscc(n);
    format!("{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业{n}\",\"division\":\"08\",\"scale\":\"large\",\"recorded_at\":\"2025-06-03T09:00:00+08:00\"}}\n")
}

fn fine(n: u32, reference: &str) -> String {
    format!(
        "{{\"kind\":\"administrative_penalty\",\"ref\":\"{reference}\",\"enterprise\":\"{}\",\"occurred_on\":\"2025-06-01\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":1000}}],\"recorded_at\":\"2025-06-03T09:00:00+08:00\"}}\n",
        uscc(n)
    )
}

fn sigterm(child: &Child) {
    // SAFETY: kill(2) on our own child's pid; no memory is involved.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(r, 0, "SIGTERM sent");
}

/// `credit-ledger serve` on `dir/ledger`; its URL from the first stdout line.
fn serve(dir: &Path) -> (Child, String) {
    serve_with(dir, None)
}

/// [`serve`] with the store's failpoints set (`CREDIT_LEDGER_FAILPOINT`).
fn serve_with(dir: &Path, failpoint: Option<&str>) -> (Child, String) {
    let access = dir.join("access.toml");
    let hash = access::token_hash(TOKEN);
    std::fs::write(&access, format!("[[token]]\nname = \"clerk-08\"\nsha256 = \"{hash}\"\nrole = \"division\"\ndivision = \"08\"\nwrite = true\n")).unwrap();
    let mut command = support::bin_at(NOW);
    if let Some(f) = failpoint {
        command.env("CREDIT_LEDGER_FAILPOINT", f);
    }
    let mut child = command
        .arg("--ledger")
        .arg(dir.join("ledger"))
        .args(["serve", "--listen", "127.0.0.1:0", "--access"])
        .arg(&access)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("no URL in {first:?}")).to_string();
    (child, url)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(30))).build().into()
}

fn post(url: &str, body: &str) -> Result<u16, String> {
    agent()
        .post(&format!("{url}/import"))
        .header("Authorization", &format!("Bearer {TOKEN}"))
        .send(body)
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

/// `writers` clients, on enterprises `base + 1 ..= base + writers` (registered
/// first), appending one fine per request (refs `K-<tag>-<n>-<i>`) until
/// `stop` or the server goes away; every acknowledged (200) ref goes into the log.
fn load(url: &str, base: u32, writers: u32, tag: &str, stop: &Arc<AtomicBool>, log: &Arc<Mutex<Vec<String>>>) -> Vec<std::thread::JoinHandle<()>> {
    for n in 1..=writers {
        assert_eq!(post(url, &registered(base + n)), Ok(200));
    }
    (1..=writers)
        .map(|n| {
            let (url, stop, log, tag) = (url.to_string(), stop.clone(), log.clone(), tag.to_string());
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let r = format!("K-{tag}-{n}-{i}");
                    match post(&url, &fine(base + n, &r)) {
                        Ok(200) => log.lock().unwrap().push(r),
                        Ok(_) | Err(_) => return,
                    }
                }
            })
        })
        .collect()
}

fn wait_for_acks(log: &Arc<Mutex<Vec<String>>>, n: usize) {
    let start = Instant::now();
    while log.lock().unwrap().len() < n {
        assert!(start.elapsed() < Duration::from_secs(60), "the load made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Every logged ref is in the reopened ledger, and `verify` passes.
fn assert_all_acknowledged_kept(dir: &Path, log: &[String]) {
    let verify = support::run_at(NOW, &dir.join("ledger"), &["verify"]);
    assert!(verify.status.success(), "verify: {}", support::stderr(&verify));
    let ledger = store::Ledger::open(&dir.join("ledger")).unwrap();
    let missing: Vec<_> = log.iter().filter(|r| ledger.seq_of_ref(r).unwrap().is_none()).collect();
    assert!(missing.is_empty(), "{} acknowledged refs lost: {missing:?}", missing.len());
}

#[test]
fn issue9_sigterm_drains_the_writer_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = serve(dir.path());
    let (stop, log) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::new())));
    let clients = load(&url, 0, 8, "t", &stop, &log);
    wait_for_acks(&log, 50);
    sigterm(&child);
    let status = child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    assert_eq!(status.code(), Some(0), "SIGTERM is a clean stop");
    let log = log.lock().unwrap().clone();
    assert!(log.len() >= 50);
    assert_all_acknowledged_kept(dir.path(), &log);
    assert!(!dir.path().join("ledger.server").exists(), "a clean stop releases the directory");
}

#[test]
fn issue9_sigkill_under_load_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    for round in 0..3u32 {
        let (mut child, url) = serve(dir.path());
        let (stop, log) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::new())));
        // Each round its own enterprises, so refs never repeat.
        let clients = load(&url, round * 100, 8, &round.to_string(), &stop, &log);
        wait_for_acks(&log, 30 + 20 * round as usize);
        child.kill().unwrap();
        child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        for c in clients {
            c.join().unwrap();
        }
        all.extend(log.lock().unwrap().iter().cloned());
        // A killed server leaves its `.server` file unlocked: it holds nothing.
        assert_all_acknowledged_kept(dir.path(), &all);
    }
    assert!(all.len() >= 30 + 50 + 70);
}

#[test]
fn issue9_a_disk_error_fails_its_batch_with_500_writes_nothing_and_reads_go_on() {
    let dir = tempfile::tempdir().unwrap();
    // An empty ledger opens without writing; one import is five write points
    // (chunks, indexes, flush, head, flush head): the second import's first fails.
    let (mut child, url) = serve_with(dir.path(), Some("write:6"));
    assert_eq!(post(&url, &registered(1)), Ok(200));
    let failed = agent().post(&format!("{url}/import")).header("Authorization", &format!("Bearer {TOKEN}")).send(&fine(1, "K-1"));
    let mut failed = failed.unwrap();
    assert_eq!(failed.status().as_u16(), 500);
    let problem: serde_json::Value = serde_json::from_str(&failed.body_mut().read_to_string().unwrap()).unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("nothing of this request was written"), "{problem}");
    assert_eq!(post(&url, &fine(1, "K-2")), Ok(500), "the device stays failed");
    let mut head = agent().get(&format!("{url}/head")).header("Authorization", &format!("Bearer {TOKEN}")).call().unwrap();
    assert_eq!(head.status().as_u16(), 200, "reads go on");
    let head: serde_json::Value = serde_json::from_str(&head.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(head["seq"], 1);
    let grade = agent().get(&format!("{url}/grade/{}?on=2025-12-31", uscc(1))).header("Authorization", &format!("Bearer {TOKEN}")).call().unwrap();
    assert_eq!(grade.status().as_u16(), 200);
    sigterm(&child);
    child.wait().unwrap();
    assert_all_acknowledged_kept(dir.path(), &["REG-".to_string() + &uscc(1)]);
    let ledger = store::Ledger::open(&dir.path().join("ledger")).unwrap();
    assert_eq!(ledger.head().unwrap().seq.0, 1, "nothing of the failed batches is in the ledger");
}
