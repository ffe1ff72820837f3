//! Issue 6, robustness: damaged stored values (input 3), a full disk
//! (input 4), rejected commands that create nothing (input 8), the
//! supported date range (input 9), JSON output of `verify` and `rules`
//! (input 10), `make run` with `CARGO_TARGET_DIR` (input 11) and the
//! injectable clock. The real binary, in temporary directories.

use model::Record;
use std::path::Path;
use std::process::{Command, Output};

#[path = "support/mod.rs"]
mod support;
use support::*;

fn bin() -> Command {
    bin_at(NOW)
}

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}


const E1: &str = "91660800000007919G";
const E2: &str = "916608000000158383";
/// The clock of every command here (`CREDIT_LEDGER_NOW`).
const NOW: &str = "2026-01-15T12:00:00+08:00";

/// Two registered, licensed enterprises; E2 with a failed sampling. No
/// `recorded_at`: every fact is recorded at `NOW`.
fn facts() -> String {
    let mut s = String::new();
    for (e, no) in [(E1, 1), (E2, 2)] {
        s += &format!("{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业{no}\",\"division\":\"08\",\"scale\":\"large\"}}\n");
        s += &format!("{{\"kind\":\"licence_granted\",\"ref\":\"LIC-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-0000{no}\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\"}}\n");
    }
    s += &format!("{{\"kind\":\"sampling_inspection\",\"ref\":\"SMP-1\",\"enterprise\":\"{E2}\",\"occurred_on\":\"2025-06-01\",\"level\":\"xpcc\",\"product\":\"胶合板\",\"result\":\"fail\",\"failed_items\":[\"甲醛释放量\"]}}\n");
    s
}

fn imported(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("facts.jsonl");
    std::fs::write(&file, facts()).unwrap();
    let l = dir.join("ledger");
    let o = run(&l, &["import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    l
}

/// Rewrites the stored record at `seq` with `damage` applied to its bytes,
/// as a failing disk or a tamperer would.
fn damage_record(ledger: &Path, seq: u64, damage: impl Fn(&Record) -> Vec<u8>) {
    let rec = Record::decode(&store::tamper::record_envelope(ledger, model::Seq(seq)).unwrap()).unwrap();
    store::tamper::replace_record_envelope(ledger, model::Seq(seq), &damage(&rec)).unwrap();
}

/// The position of a field's varint in `rec`'s encoding: the first byte
/// that differs from the encoding of `changed` (the same record with that
/// field moved by one unit), minus one for the varint's width tag.
fn field_at(rec: &Record, changed: &Record, tag: u8) -> usize {
    let (a, b) = (rec.encode().unwrap(), changed.encode().unwrap());
    assert_eq!(a.len(), b.len());
    let first = a.iter().zip(&b).position(|(x, y)| x != y).unwrap();
    assert_eq!(a[first - 1], tag, "a varint of the expected width");
    first - 1
}

/// A stored `occurred_on` of `days` since 1970 (any i32, via a u32 varint).
fn with_day_count(rec: &Record, days: i32) -> Vec<u8> {
    let mut later = rec.clone();
    later.fact.occurred_on = rec.fact.occurred_on.add_days(1);
    let at = field_at(rec, &later, 0xFB); // 2020s: a u16 varint
    let zigzag = ((days << 1) ^ (days >> 31)) as u32;
    let bytes = rec.encode().unwrap();
    [&bytes[..at], &[0xFC], &zigzag.to_le_bytes(), &bytes[at + 3..]].concat()
}

/// A stored `recorded_at` of `micros` since 1970 (a u64 varint).
fn with_micros(rec: &Record, micros: i64) -> Vec<u8> {
    let mut later = rec.clone();
    later.recorded_at = model::Timestamp(rec.recorded_at.0 + 1);
    let at = field_at(rec, &later, 0xFD);
    let zigzag = ((micros << 1) ^ (micros >> 63)) as u64;
    let bytes = rec.encode().unwrap();
    [&bytes[..at + 1], &zigzag.to_le_bytes(), &bytes[at + 9..]].concat()
}

fn assert_damage_reported(l: &Path, args: &[&str], seq: u64) {
    let o = run(l, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
    assert!(err.contains(&format!("ledger value at record seq {seq} is damaged")), "{args:?}: {err}");
    assert!(err.contains("outside the supported range"), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
}

#[test]
fn issue6_3_an_out_of_range_stored_date_is_damage_not_a_panic() {
    // Seq 5 is SMP-1 of E2 (occurred_on 2025-06-01).
    for days in [i32::MAX, i32::MIN, 200_000, -40_000, 95_000_000] {
        let dir = tempfile::tempdir().unwrap();
        let l = imported(dir.path());
        damage_record(&l, 5, |r| {
            assert_eq!(r.fact.reference, "SMP-1");
            with_day_count(r, days)
        });
        assert_damage_reported(&l, &["verify"], 5);
        assert_damage_reported(&l, &["grade", E2, "--on", "2025-12-31"], 5);
        assert_damage_reported(&l, &["grade-all", "--on", "2025-12-31"], 5);
        let json = run(&l, &["verify", "--format", "json"]);
        assert_eq!(json.status.code(), Some(1));
        let j: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(j["ok"], false);
        assert!(j["error"].as_str().unwrap().contains("record seq 5 is damaged"), "{j}");
        // The other enterprise's facts are untouched and still graded.
        assert!(run(&l, &["grade", E1, "--on", "2025-12-31"]).status.success(), "days {days}");
    }
}

#[test]
fn issue6_3_an_out_of_range_stored_time_is_damage_not_a_panic() {
    for micros in [i64::MAX, i64::MIN, -3_000_000_000_000_000, 8_000_000_000_000_000] {
        let dir = tempfile::tempdir().unwrap();
        let l = imported(dir.path());
        damage_record(&l, 5, |r| with_micros(r, micros));
        assert_damage_reported(&l, &["verify"], 5);
        assert_damage_reported(&l, &["grade", E2, "--on", "2025-12-31"], 5);
        assert_damage_reported(&l, &["grade-all", "--on", "2025-12-31"], 5);
    }
}

/// The two helpers above damage exactly the field they name: with an
/// in-range value the record decodes again, with that value.
#[test]
fn issue6_3_the_damage_helpers_hit_their_field() {
    let dir = tempfile::tempdir().unwrap();
    let l = imported(dir.path());
    let rec = Record::decode(&store::tamper::record_envelope(&l, model::Seq(5)).unwrap()).unwrap();
    let day = model::ChinaDate::parse_plain("2001-02-03").unwrap();
    assert_eq!(Record::decode(&with_day_count(&rec, day.days_since_epoch())).unwrap().fact.occurred_on, day);
    let t = model::Timestamp::parse("2001-02-03T04:05:06Z").unwrap();
    assert_eq!(Record::decode(&with_micros(&rec, t.0)).unwrap().recorded_at, t);
}

/// Runs `args` with the file size limit at `kib` KiB (bash `ulimit -f`,
/// SIGXFSZ ignored): every write at or past that offset of any file fails
/// with EFBIG, a write failure injected without root.
fn run_limited(ledger: &Path, kib: u64, args: &[&str]) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f \"$1\"; shift; exec \"$@\"")
        .arg("bash")
        .arg(kib.to_string())
        .arg(env!("CARGO_BIN_EXE_credit-ledger"))
        .arg("--ledger")
        .arg(ledger)
        .args(args)
        .env_remove("CREDIT_LEDGER_DIR")
        .env("CREDIT_LEDGER_NOW", NOW)
        .output()
        .unwrap()
}

fn generating_files(l: &Path) -> Vec<String> {
    std::fs::read_dir(l)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".generating"))
        .collect()
}

/// A big import fails for want of room, and so does the next command
/// (sled writes its recovery snapshot on open); once there is room again,
/// the ledger opens and verifies with every acknowledged fact.
#[test]
fn issue6_4_a_failed_write_leaves_the_ledger_openable() {
    let dir = tempfile::tempdir().unwrap();
    let l = imported(dir.path());
    // sled's first opens after an append write (a recovery snapshot, the
    // rest of the log segment zeroed): let them happen while there is room,
    // so that the failures below are those of the append and the snapshot.
    for _ in 0..2 {
        assert!(run(&l, &["verify"]).status.success());
    }
    let big = dir.path().join("big.jsonl");
    let mut s = String::new();
    for i in 0..3000 {
        s += &format!("{{\"kind\":\"complaint_verified\",\"ref\":\"BIG-{i}\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-10-01\",\"channel\":\"report\"}}\n");
    }
    std::fs::write(&big, s).unwrap();
    // Room for what is there, none to grow the log: the append fails.
    let kib = std::fs::metadata(l.join("db")).unwrap().len().div_ceil(1024);
    let o = run_limited(&l, kib, &["import", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("the file size limit is reached while appending 3000 fact(s) to the ledger at"), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was acknowledged"), "{}", stderr(&o));
    // No room at all: a command that only reads fails too (sled writes on open), cleanly.
    let o = run_limited(&l, 0, &["verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("the file size limit is reached while opening the ledger"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    // Room again: the ledger opens, verifies, and holds the 5 acknowledged facts.
    let o = run(&l, &["verify", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((j["ok"].as_bool(), j["records"].as_u64()), (Some(true), Some(5)));
    assert!(generating_files(&l).is_empty());
    assert!(run(&l, &["grade", E2, "--on", "2025-12-31"]).status.success());
}

/// Mounts a tmpfs of `size` on `dir` (root only; None when it cannot) and
/// unmounts it when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// The same on a real full device: a 4 MiB tmpfs, filled up after a first
/// import (issue 6's own steps). Needs root (CI runs as root); elsewhere it says so and stops,
/// and the test above covers the same path with an injected failure.
#[test]
fn issue6_4_disk_full_on_a_small_tmpfs() {
    let outer = tempfile::tempdir().unwrap();
    let mnt = outer.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let Some(_fs) = Tmpfs::mount(&mnt, "4m") else {
        eprintln!("issue6_4_disk_full_on_a_small_tmpfs: cannot mount a tmpfs here (not root); covered by issue6_4_a_failed_write_leaves_the_ledger_openable");
        return;
    };
    let l = imported(&mnt);
    // Fill the device.
    {
        use std::io::Write;
        let mut f = std::fs::File::create(mnt.join("filler")).unwrap();
        while f.write_all(&[0u8; 4096]).is_ok() {}
    }
    let big = outer.path().join("big.jsonl");
    let mut s = String::new();
    for i in 0..20_000 {
        s += &format!("{{\"kind\":\"complaint_verified\",\"ref\":\"BIG-{i}\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-10-01\",\"channel\":\"report\"}}\n");
    }
    std::fs::write(&big, s).unwrap();
    let o = run(&l, &["import", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("no space left on device while"), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was acknowledged"), "{}", stderr(&o));
    // Room freed a page at a time, as an operator would: every command fails
    // with the same clear message until the ledger can write what sled
    // writes on open, then succeeds with every acknowledged fact. (sled
    // alone, on the way, leaves a snapshot file it never finished, and then
    // reports "Read corrupted data" for good.)
    for args in [&["grade", E2, "--on", "2025-12-31"][..], &["grade-all", "--on", "2025-12-31"]] {
        let o = run(&l, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("no space left on device while opening the ledger"), "{args:?}: {}", stderr(&o));
    }
    let filler = std::fs::OpenOptions::new().write(true).open(mnt.join("filler")).unwrap();
    // To keep this fast, free at once all but 64 KiB of what sled's first
    // write on open lacks: it zeroes the rest of its 512 KiB log segment,
    // so the pages of the db file up to the segment's end not yet allocated.
    let db = std::fs::metadata(l.join("db")).unwrap();
    let segment_end = db.len().div_ceil(512 * 1024).max(1) * 512 * 1024;
    let lacking = segment_end.saturating_sub(std::os::unix::fs::MetadataExt::blocks(&db) * 512);
    let mut len = filler.metadata().unwrap().len().saturating_sub(lacking.saturating_sub(64 * 1024));
    filler.set_len(len).unwrap();
    let mut failures = 0;
    loop {
        let o = run(&l, &["verify"]);
        if o.status.success() {
            assert!(stdout(&o).contains(": 5 records verified"), "{}", stdout(&o));
            break;
        }
        assert!(stderr(&o).contains("no space left on device while opening the ledger"), "after {failures} failures: {}", stderr(&o));
        failures += 1;
        assert!(len > 0, "the ledger never opened again");
        len = len.saturating_sub(4096);
        filler.set_len(len).unwrap();
    }
    drop(filler);
    std::fs::remove_file(mnt.join("filler")).unwrap();
    let o = run(&l, &["grade", E2, "--on", "2025-12-31", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(generating_files(&l).is_empty());
}

#[test]
fn issue6_8_a_rejected_import_into_a_missing_ledger_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, format!("{}{{\"kind\":\"complaint_verified\",\"ref\":\"C-1\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2025-01-01\",\"channel\":\"fax\"}}\n", facts())).unwrap();
    let parent = dir.path().join("new");
    let l = parent.join("ledger");
    let o = run(&l, &["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.jsonl:6: field `channel`"), "{}", stderr(&o));
    assert!(!parent.exists(), "a rejected import created {}", parent.display());
    // Then every command that reads refuses the missing ledger, creating nothing.
    for args in [
        vec!["verify"],
        vec!["verify", "--format", "json"],
        vec!["grade", E1, "--on", "2025-12-31"],
        vec!["grade-all", "--on", "2025-12-31"],
        vec!["issue", "--year", "2025"],
        vec!["review", "GRADE-2025-X"],
        vec!["dossier", E1],
        vec!["diff", E1, "--on", "2025-12-31", "--vs-on", "2025-06-30"],
    ] {
        let o = run(&l, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("there is no ledger at"), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!parent.exists(), "{args:?} created {}", parent.display());
    }
    // An accepted import creates it, parents included.
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, facts()).unwrap();
    let o = run(&l, &["import", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&run(&l, &["verify"])).contains(": 5 records verified"));
}

#[test]
fn issue6_9_a_date_outside_the_supported_range_names_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let l = imported(dir.path());
    let old = dir.path().join("old.jsonl");
    std::fs::write(&old, format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-OLD\",\"enterprise\":\"{E1}\",\"occurred_on\":\"1900-01-01\",\"channel\":\"report\"}}\n{{\"kind\":\"rectification_ordered\",\"ref\":\"R-FAR\",\"enterprise\":\"{E2}\",\"occurred_on\":\"2025-06-02\",\"target\":\"SMP-1\",\"deadline\":\"2201-01-01\"}}\n")).unwrap();
    let o = run(&l, &["import", old.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("old.jsonl:1: field `occurred_on`: \"1900-01-01\" is outside the supported range of dates, 1949-01-01 to 2200-12-31"), "{err}");
    assert!(err.contains("old.jsonl:2: field `deadline`: \"2201-01-01\" is outside the supported range of dates"), "{err}");
    assert!(!err.contains("neither a date"), "{err}");
    let o = run(&l, &["grade", E1, "--on", "1948-12-31"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1949-01-01 to 2200-12-31"), "{}", stderr(&o));
    let o = run(&l, &["issue", "--year", "2201"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("outside the supported years 1949–2200"), "{}", stderr(&o));
}

#[test]
fn issue6_10_verify_and_rules_speak_json() {
    let dir = tempfile::tempdir().unwrap();
    let l = imported(dir.path());
    let o = run(&l, &["verify", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["ok"], true);
    assert_eq!(j["records"], 5);
    assert_eq!(j["ledger"], l.display().to_string());
    assert_eq!(j["head"]["seq"], 5);
    assert_eq!(j["head"]["hash"].as_str().unwrap().len(), 64);
    assert_eq!(j["head"]["recorded_at"], "2026-01-15T04:00:00Z", "recorded at NOW");
    let table = stdout(&run(&l, &["verify"]));
    assert!(table.contains(j["head"]["hash"].as_str().unwrap()), "{table}");

    let o = bin().args(["rules", "--format", "json"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sets = j.as_array().unwrap();
    let ids: Vec<&str> = sets.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["xpcc-trial", "xpcc-revised"]);
    assert_eq!((sets[0]["effective_from"].as_str(), sets[0]["effective_to"].as_str()), (Some("2021-01-01"), Some("2023-01-01")));
    assert_eq!((sets[1]["effective_from"].as_str(), sets[1]["effective_to"].is_null()), (Some("2023-01-01"), true));
    let table = stdout(&bin().arg("rules").output().unwrap());
    for s in sets {
        assert_eq!(s["sha256"].as_str().unwrap().len(), 64);
        assert!(table.contains(s["sha256"].as_str().unwrap()) && table.contains(s["title"].as_str().unwrap()), "{table}");
    }
}

#[test]
fn issue6_11_make_run_uses_cargo_target_dir() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dry = |target: Option<&str>| {
        let mut c = Command::new("make");
        c.current_dir(&root).args(["-n", "run"]).env_remove("CARGO_TARGET_DIR").env_remove("MAKEFLAGS");
        if let Some(t) = target {
            c.env("CARGO_TARGET_DIR", t);
        }
        let o = c.output().expect("make is installed (make test needs it)");
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let elsewhere = dry(Some("/tmp/elsewhere/tgt"));
    assert!(elsewhere.contains("/tmp/elsewhere/tgt/release/credit-ledger --ledger"), "{elsewhere}");
    assert!(!elsewhere.contains(" target/release/"), "{elsewhere}");
    let default = dry(None);
    assert!(default.contains("target/release/credit-ledger --ledger"), "{default}");
}

#[test]
fn injectable_clock_sets_recorded_times_and_today() {
    let dir = tempfile::tempdir().unwrap();
    let l = imported(dir.path());
    // CREDIT_LEDGER_NOW stamped the facts; --now overrides it.
    let line = dir.path().join("one.jsonl");
    std::fs::write(&line, format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-9\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2026-02-01\",\"channel\":\"report\"}}\n")).unwrap();
    let o = run(&l, &["--now", "2026-02-01T10:00:00+08:00", "import", line.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&run(&l, &["verify", "--format", "json"]).stdout).unwrap();
    assert_eq!(j["head"]["recorded_at"], "2026-02-01T02:00:00Z");
    // "Today" follows it: V after the clock's date is outside the range.
    let o = run(&l, &["--now", "2026-02-01T10:00:00+08:00", "dossier", E1, "--as-of", "2026-02-02"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("today, 2026-02-01"), "{}", stderr(&o));
    // A fact valid after "now" is in the future; a "now" past the system clock is refused.
    let later = dir.path().join("later.jsonl");
    std::fs::write(&later, format!("{{\"kind\":\"complaint_verified\",\"ref\":\"C-10\",\"enterprise\":\"{E1}\",\"occurred_on\":\"2026-02-01\",\"channel\":\"report\"}}\n")).unwrap();
    let o = run(&l, &["--now", "2026-01-31T10:00:00+08:00", "import", later.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&l, &["--now", "2199-01-01T00:00:00Z", "verify"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("later than the system clock"), "{}", stderr(&o));
    let o = run(&l, &["--now", "yesterday", "verify"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--now: \"yesterday\" is not an RFC 3339 time"), "{}", stderr(&o));
}

/// Stored values that still decode after damage (an integer changed, a
/// byte flipped in a text or an amount) are graded without a panic: the
/// golden records, each mutated, graded per enterprise on several dates
/// under both shipped rule sets.
mod damaged_but_decodable {
    use super::*;
    use proptest::prelude::*;

    fn golden() -> Vec<Vec<u8>> {
        let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden/records-v2.bin")).unwrap();
        let mut rest = &bytes[..];
        let mut out = Vec::new();
        while !rest.is_empty() {
            let n = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            out.push(rest[4..4 + n].to_vec());
            rest = &rest[4 + n..];
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn issue6_3_grading_a_damaged_but_decodable_record_never_panics(
            pick in any::<usize>(),
            at in any::<usize>(),
            value in any::<u64>(),
            width in 0u8..4,
            flip in any::<bool>(),
        ) {
            let golden = golden();
            let mut records: Vec<Record> = golden.iter().map(|b| Record::decode(b).unwrap()).collect();
            let i = pick % golden.len();
            let mut bytes = golden[i].clone();
            let at = 6 + at % (bytes.len() - 6);
            if flip {
                bytes[at] ^= 1 << (value % 8);
            } else {
                let old = match bytes[at] { 0xFB => 3, 0xFC => 5, 0xFD => 9, _ => 1 };
                let new: Vec<u8> = match width {
                    0 => vec![(value % 251) as u8],
                    1 => [&[0xFB][..], &(value as u16).to_le_bytes()].concat(),
                    2 => [&[0xFC][..], &(value as u32).to_le_bytes()].concat(),
                    _ => [&[0xFD][..], &value.to_le_bytes()].concat(),
                };
                let end = (at + old).min(bytes.len());
                bytes.splice(at..end, new);
            }
            let Ok(damaged) = Record::decode(&bytes) else { return Ok(()) };
            records[i] = damaged;
            let book = rules::shipped().unwrap();
            let mut by_enterprise: std::collections::BTreeMap<model::Uscc, Vec<Record>> = Default::default();
            for r in records {
                by_enterprise.entry(r.fact.enterprise).or_default().push(r);
            }
            for (uscc, recs) in &by_enterprise {
                let head = recs.iter().map(|r| r.seq).max().unwrap();
                for on in ["2021-06-30", "2023-12-31", "2024-02-29", "2025-12-31"] {
                    let on = model::ChinaDate::parse_plain(on).unwrap();
                    for set in book.sets() {
                        let report = grading::grade(uscc.as_str(), recs, on, head, set);
                        let _ = report.to_json();
                    }
                }
            }
        }
    }
}
