//! Helpers shared by the integration tests that run the real binary in a
//! temporary directory (included with `#[path = "support/mod.rs"] mod support;`).
//! Every run fixes the clock (`CREDIT_LEDGER_NOW`) so that no test depends on
//! today's date, and ignores the caller's `CREDIT_LEDGER_DIR`.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary with a fixed "now" and no ledger from the environment.
pub fn bin_at(now: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_credit-ledger"));
    c.env_remove("CREDIT_LEDGER_DIR").env_remove("CREDIT_LEDGER_STORE").env("CREDIT_LEDGER_NOW", now);
    c
}

/// Runs `credit-ledger --ledger LEDGER ARGS…` at `now`.
pub fn run_at(now: &str, ledger: &Path, args: &[&str]) -> Output {
    bin_at(now).arg("--ledger").arg(ledger).args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Stdout of a run that must succeed (else the assertion shows stderr).
pub fn ok(o: Output) -> String {
    assert!(o.status.success(), "exit {:?}: {}", o.status.code(), String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Stdout of a run that must succeed, as JSON.
pub fn json(o: Output) -> Value {
    serde_json::from_str(&ok(o)).unwrap()
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The repository's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Opens a ledger directory with sled directly, waiting for the previous
/// handle (sled releases its lock from a background thread).
pub fn sled_open(dir: &Path) -> sled::Db {
    (0..250)
        .find_map(|_| {
            sled::open(dir).ok().or_else(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                None
            })
        })
        .expect("the ledger directory reopens")
}

/// An RFC 3339 time.
pub fn ts(s: &str) -> model::Timestamp {
    model::Timestamp::parse(s).unwrap()
}

/// The golden facts: one per importable kind (`fixtures/golden/records-v1.jsonl`).
pub fn golden_input() -> ingest::Input {
    let text = std::fs::read_to_string(fixtures().join("golden/records-v1.jsonl")).unwrap();
    ingest::Input::new("records-v1.jsonl", text)
}

/// Imports the golden facts into a fresh ledger in `dir` with a fixed clock.
pub fn golden_records(dir: &Path) -> Vec<model::Record> {
    let ledger = store::Ledger::open(dir).unwrap();
    let out = ingest::import(&ledger, &[golden_input()], ts("2024-01-01T00:00:00+08:00")).unwrap();
    ledger.scan(model::Seq(1), out.head.seq).collect::<Result<_, _>>().unwrap()
}

/// Copies a closed ledger directory (sled's files and its `blobs/`).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// One enterprise `e` registered in 2020, licensed, its 2024 self-inspection
/// filed, and a ¥120,000 fine on 2025-06-01 (grade C, score 90.0 under the
/// shipped revised set on 2025-12-31), all recorded 2025-06-03.
pub fn fined_enterprise(e: &str) -> String {
    let t = "\"recorded_at\":\"2025-06-03T09:00:00+08:00\"";
    format!(
        "{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-1\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业1\",\"division\":\"08\",\"scale\":\"large\",{t}}}\n\
         {{\"kind\":\"licence_granted\",\"ref\":\"LIC-1\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-00001\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\",{t}}}\n\
         {{\"kind\":\"self_inspection_report\",\"ref\":\"SIR-1\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-05-20\",\"year\":2024,\"filed_on\":\"2025-05-20\",{t}}}\n\
         {{\"kind\":\"administrative_penalty\",\"ref\":\"PEN-1\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-06-01\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":120000}}],{t}}}\n"
    )
}
