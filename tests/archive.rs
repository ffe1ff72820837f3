//! `export`, `restore` and `verify --archive` through the binary (issue 7,
//! item 5; README "Durability and recovery"): the fixture division and the
//! ledgers of earlier releases restore to the same head hash and grade the
//! same; a damaged archive is refused naming its first bad seq, and a
//! refused restore creates nothing. The archive library's own checks are
//! tested in crates/archive/tests.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "support/mod.rs"]
mod support;
use support::*;

/// After the fixtures' last recorded times (division: 2026-11-15; compat:
/// 2026-11-30T20:32Z; b60d6be: 2026-11-30T23:05:55.8Z).
const NOW: &str = "2026-11-30T23:06:00Z";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}

/// `verify --archive FILE` with no `--ledger`.
fn verify_archive(file: &Path, json: bool) -> Output {
    let mut c = bin_at(NOW);
    c.args(["verify", "--archive"]).arg(file);
    if json {
        c.args(["--format", "json"]);
    }
    c.output().unwrap()
}

fn head_of(ledger: &Path) -> Value {
    json(run(ledger, &["verify", "--format", "json"]))["head"].clone()
}

/// Every stored record value, through the store's archive API.
fn stored_values(ledger: &Path) -> Vec<Vec<u8>> {
    let l = store::Ledger::open(ledger).unwrap();
    let head = l.head().unwrap().seq;
    l.stored_records(model::Seq(1), head).map(|r| r.unwrap().1).collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn issue7_division_export_restores_to_the_same_head_and_grades() {
    let t = tempfile::tempdir().unwrap();
    let (src, dst, file) = (t.path().join("src"), t.path().join("dst"), t.path().join("division.jsonl"));
    ok(run(&src, &["import", support::fixtures().join("division-08/facts.jsonl").to_str().unwrap()]));
    let out = ok(run(&src, &["export", file.to_str().unwrap()]));
    assert!(out.starts_with("exported 5148 records"), "{out}");

    let v = json(verify_archive(&file, true));
    assert_eq!(v["ok"], true);
    assert_eq!(v["records"], 5148);
    assert_eq!(v["head"], head_of(&src));
    assert!(ok(verify_archive(&file, false)).contains("5148 records verified"));

    let out = ok(run(&dst, &["restore", file.to_str().unwrap()]));
    assert!(out.starts_with("restored 5148 records"), "{out}");
    assert_eq!(head_of(&dst), head_of(&src));
    assert_eq!(head_of(&dst)["seq"], 5148);
    // No temporary directory is left next to the new ledger.
    assert_eq!(names_in(t.path()), ["division.jsonl", "dst", "src"]);

    let grade_all = ["grade-all", "--on", "2025-12-31", "--format", "json"];
    let (a, b) = (ok(run(&src, &grade_all)), ok(run(&dst, &grade_all)));
    assert!(a.len() > 10_000, "grade-all printed {} bytes", a.len());
    assert_eq!(a, b, "grade-all differs after restore");
    // The restored ledger exports the same archive, byte for byte (and to stdout).
    let again = ok(run(&dst, &["export", "-"]));
    assert_eq!(again.as_bytes(), std::fs::read(&file).unwrap());
}

/// An archive of the golden facts (one per kind), and its lines.
fn golden_archive(dir: &Path) -> (PathBuf, Vec<String>) {
    let l = dir.join("golden");
    let input = support::fixtures().join("golden/records-v1.jsonl");
    ok(run_at("2024-01-01T00:00:00+08:00", &l, &["import", input.to_str().unwrap()]));
    let file = dir.join("golden.jsonl");
    ok(run(&l, &["export", file.to_str().unwrap()]));
    let lines = std::fs::read_to_string(&file).unwrap().lines().map(String::from).collect();
    (file, lines)
}

fn edit_line(lines: &mut [String], i: usize, f: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let mut v: Value = serde_json::from_str(&lines[i]).unwrap();
    f(v.as_object_mut().unwrap());
    lines[i] = v.to_string();
}

#[test]
fn issue7_a_damaged_archive_is_refused_naming_its_first_bad_seq_and_restores_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (_, lines) = golden_archive(t.path());
    let n = lines.len() - 2;
    let trailer = n + 1;
    let mut cases: Vec<(&str, Vec<String>, Option<u64>)> = Vec::new();

    let mut l = lines.clone();
    edit_line(&mut l, 7, |m| {
        let mut b = archive::base64::decode(m["record"].as_str().unwrap()).unwrap();
        let i = b.len() / 2;
        b[i] ^= 0x20;
        m.insert("record".into(), archive::base64::encode(&b).into());
    });
    cases.push(("a changed byte in the stored record", l, Some(7)));

    let mut l = lines.clone();
    edit_line(&mut l, 11, |m| {
        m["fact"]["measures"][1]["amount_yuan"] = serde_json::json!(5200.5);
    });
    cases.push(("a changed amount in the fact JSON", l, Some(11)));

    let mut l = lines.clone();
    l.remove(5);
    cases.push(("a deleted line", l, Some(5)));

    let mut l = lines.clone();
    l.swap(14, 15);
    cases.push(("two lines swapped", l, Some(14)));

    let mut l = lines.clone();
    edit_line(&mut l, trailer, |m| {
        m["head"]["seq"] = serde_json::json!(n - 1);
    });
    cases.push(("a wrong trailer", l, None));

    let mut l = lines.clone();
    l.pop();
    cases.push(("no trailer", l, Some(n as u64 + 1)));

    for (what, l, seq) in cases {
        let file = write(t.path(), "damaged.jsonl", &l.iter().map(|x| format!("{x}\n")).collect::<String>());
        let o = verify_archive(&file, false);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(&o));
        let err = stderr(&o);
        match seq {
            Some(s) => assert!(err.contains(&format!(", seq {s}: ")) || err.contains(&format!("after seq {}", s - 1)), "{what}: {err}"),
            None => assert!(err.contains("(the trailer)"), "{what}: {err}"),
        }
        let j: Value = serde_json::from_slice(&verify_archive(&file, true).stdout).unwrap();
        assert_eq!(j["ok"], false, "{what}");
        assert_eq!(j["seq"].as_u64(), seq, "{what}: {j}");

        // restore refuses it (exit 2) and creates nothing, not even a directory.
        let before = names_in(t.path());
        let target = t.path().join("restored");
        let o = run(&target, &["restore", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains("nothing was restored"), "{what}: {}", stderr(&o));
        assert!(!target.exists(), "{what}: restore created {}", target.display());
        assert_eq!(names_in(t.path()), before, "{what}");
    }
}

#[test]
fn issue7_restore_only_creates_a_new_ledger() {
    let t = tempfile::tempdir().unwrap();
    let (file, _) = golden_archive(t.path());
    let f = file.to_str().unwrap();
    // Into the existing ledger the archive came from, and into another one.
    let existing = t.path().join("golden");
    let head = head_of(&existing);
    let o = run(&existing, &["restore", f]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("already a ledger"), "{}", stderr(&o));
    assert_eq!(head_of(&existing), head);
    // Into a directory holding something else.
    let busy = t.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    write(&busy, "notes.txt", "keep me");
    let o = run(&busy, &["restore", f]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(names_in(&busy), ["notes.txt"]);
    // Onto a file; from stdin.
    let o = run(&file, &["restore", f]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&t.path().join("new"), &["restore", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!t.path().join("new").exists());
    // An empty directory is fine, and so is a missing one.
    let empty = t.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(run(&empty, &["restore", f]));
    assert_eq!(head_of(&empty), head);
    ok(run(&t.path().join("a/b"), &["restore", f]));
    assert_eq!(head_of(&t.path().join("a/b")), head);
    // Exporting needs a ledger.
    let o = run(&t.path().join("none"), &["export", t.path().join("x.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!t.path().join("none").exists() && !t.path().join("x.jsonl").exists());
}


#[test]
fn issue7_earlier_releases_ledgers_restore_with_their_records_byte_for_byte() {
    let compat = support::fixtures().join("compat");
    let mut names = names_in(&compat);
    names.retain(|n| compat.join(n).join("ledger").is_dir());
    assert!(names.len() >= 2, "{names:?}");
    for name in names {
        let t = tempfile::tempdir().unwrap();
        let (old, src, dst, file) = (t.path().join("old"), t.path().join("src"), t.path().join("dst"), t.path().join("a.jsonl"));
        copy_dir(&compat.join(&name).join("ledger"), &old);
        // Layout 1 is read only by `migrate`, which carries every stored value verbatim.
        let legacy: Vec<Vec<u8>> = {
            let l = store::legacy::LegacyLedger::open(&old).unwrap().unwrap();
            let head = l.head().unwrap().seq;
            l.scan_stored(model::Seq(1), head).map(|r| r.unwrap().1).collect()
        };
        ok(run(&src, &["migrate", "--from", old.to_str().unwrap(), "--to", src.to_str().unwrap()]));
        assert_eq!(stored_values(&src), legacy, "{name}: migrate keeps every stored value");
        let stored = head_of(&src)["seq"].as_u64().unwrap();
        // Each release wrote one record format: 1 up to 44df4d8, 2 from b60d6be (0.2.0).
        let format1 = legacy.iter().filter(|v| v[4..6] == [0, 1]).count() as u64;
        assert!(format1 == 0 || format1 == stored, "{name}: {format1} of {stored} records in format 1");
        // One fact appended today, in record format 2, after the release's records.
        let fact = r#"{"kind":"complaint_verified","ref":"ARCHIVE-TEST-1","enterprise":"91660800MA77D00104","occurred_on":"2026-11-01","channel":"report"}"#;
        ok(run(&src, &["import", write(t.path(), "one.jsonl", fact).to_str().unwrap()]));

        ok(run(&src, &["export", file.to_str().unwrap()]));
        let v = json(verify_archive(&file, true));
        assert_eq!((v["records"].as_u64(), v["format1_records"].as_u64()), (Some(stored + 1), Some(format1)), "{name}: {v}");
        ok(run(&dst, &["restore", file.to_str().unwrap()]));
        assert_eq!(head_of(&dst), head_of(&src), "{name}");

        let (a, b) = (stored_values(&src), stored_values(&dst));
        assert_eq!(a.len() as u64, stored + 1);
        assert_eq!(a, b, "{name}: stored records differ after restore");
        assert!(b[..stored as usize].iter().zip(&legacy).all(|(v, old)| v[4..6] == old[4..6]), "{name}: records keep their format");
        assert_eq!(b[stored as usize][4..6], [0, 2]);
        for on in ["2024-12-31", "2025-12-31"] {
            let q = ["grade-all", "--on", on, "--format", "json"];
            assert_eq!(ok(run(&src, &q)), ok(run(&dst, &q)), "{name}: grade-all --on {on}");
        }
    }
}
