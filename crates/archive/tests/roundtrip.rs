//! The archive library on the golden facts (one per kind) and the ledgers
//! of earlier releases: export → verify → restore reaches the same head and
//! the same stored bytes; every kind of damage is refused naming its seq,
//! and a refused restore appends nothing. The command-line side is in
//! tests/archive.rs.

use archive::{ArchiveError, Problem};
use model::{Seq, Timestamp};
use std::path::{Path, PathBuf};
use store::Ledger;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A ledger of the golden facts, imported at a fixed time.
fn golden_ledger(dir: &Path) -> Ledger {
    let text = std::fs::read_to_string(repo().join("fixtures/golden/records-v1.jsonl")).unwrap();
    let ledger = Ledger::open(dir).unwrap();
    let now = Timestamp::parse("2024-01-01T00:00:00+08:00").unwrap();
    ingest::import(&ledger, &[ingest::Input::new("records-v1.jsonl", text)], now).unwrap();
    ledger
}

fn export_text(ledger: &Ledger) -> String {
    let mut out = Vec::new();
    archive::export(ledger, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn stored(ledger: &Ledger) -> Vec<(u64, Vec<u8>)> {
    let head = ledger.head().unwrap().seq;
    ledger.stored_records(Seq(1), head).map(|r| r.map(|(rec, b)| (rec.seq.0, b)).unwrap()).collect()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

fn join(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Edits one record line (1-based seq) as JSON.
fn edit(text: &str, seq: usize, f: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let mut ls = lines(text);
    let mut v: serde_json::Value = serde_json::from_str(&ls[seq]).unwrap();
    f(v.as_object_mut().unwrap());
    ls[seq] = v.to_string();
    join(&ls)
}

fn refusal(text: &str) -> ArchiveError {
    archive::verify_archive(text.as_bytes()).expect_err("the archive must be refused")
}

#[test]
fn issue7_golden_ledger_round_trips_to_the_same_head_and_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let source = golden_ledger(a.path());
    let text = export_text(&source);
    let summary = archive::verify_archive(text.as_bytes()).unwrap();
    assert_eq!(summary.head, source.head().unwrap());
    assert_eq!(summary.records, 23);
    let target = Ledger::open(b.path()).unwrap();
    // Chunks of 5: the last one short, the others full.
    let restored = archive::restore_verified_in_chunks(text.as_bytes(), &target, &summary, 5).unwrap();
    assert_eq!(restored, summary);
    assert_eq!(target.head().unwrap(), source.head().unwrap());
    assert_eq!(target.verify().unwrap(), 23);
    assert_eq!(stored(&target), stored(&source));
    for seq in 1..=23 {
        assert_eq!(target.record(Seq(seq)).unwrap(), source.record(Seq(seq)).unwrap());
    }
    // Exporting the restored ledger gives the same archive, byte for byte.
    assert_eq!(export_text(&target), text);
}

#[test]
fn issue7_each_kind_of_damage_is_refused_naming_the_first_bad_seq() {
    let dir = tempfile::tempdir().unwrap();
    let text = export_text(&golden_ledger(dir.path()));
    let n = lines(&text).len() - 2; // records, without header and trailer

    // A changed byte inside the stored record (valid base64, other bytes).
    let flipped = edit(&text, 7, |m| {
        let b64 = m["record"].as_str().unwrap().to_string();
        let mut bytes = archive::base64::decode(&b64).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        m.insert("record".into(), archive::base64::encode(&bytes).into());
    });
    let e = refusal(&flipped);
    assert_eq!((e.seq(), e.line()), (Some(7), Some(8)), "{e}");
    assert!(matches!(e, ArchiveError::Record { problem: Problem::Hash | Problem::Decode(_) | Problem::Field { .. } | Problem::Fact(_), .. }), "{e}");

    // A changed base64 character that no longer decodes canonically.
    let bad64 = edit(&text, 3, |m| {
        let mut s = m["record"].as_str().unwrap().to_string();
        s.insert(10, '!');
        s.remove(11);
        m.insert("record".into(), s.into());
    });
    let e = refusal(&bad64);
    assert!(matches!(e, ArchiveError::Record { seq: 3, problem: Problem::Base64(_), .. }), "{e}");

    // The fact JSON no longer says what the stored record says.
    let fact = edit(&text, 11, |m| {
        m["fact"].as_object_mut().unwrap().insert("occurred_on".into(), "2022-10-02".into());
    });
    let e = refusal(&fact);
    assert!(matches!(&e, ArchiveError::Record { seq: 11, problem: Problem::Fact(f), .. } if f == "occurred_on"), "{e}");

    // The penalty's fine of 52000.5 yuan, changed in the JSON only.
    let amount = edit(&text, 11, |m| {
        let measures = m["fact"]["measures"].as_array_mut().unwrap();
        measures[1]["amount_yuan"] = serde_json::json!(52000.51);
    });
    assert!(matches!(refusal(&amount), ArchiveError::Record { seq: 11, problem: Problem::Fact(_), .. }));

    // A deleted line: the next record stands where seq 5 belongs.
    let mut ls = lines(&text);
    ls.remove(5);
    let e = refusal(&join(&ls));
    assert!(matches!(e, ArchiveError::Record { seq: 5, line: 6, problem: Problem::Seq { expected: 5, found: 6 } }), "{e}");

    // Two lines swapped.
    let mut ls = lines(&text);
    ls.swap(9, 10);
    assert!(matches!(refusal(&join(&ls)), ArchiveError::Record { seq: 9, problem: Problem::Seq { expected: 9, found: 10 }, .. }));

    // A line's seq renumbered to fit: its stored record still says otherwise.
    let mut ls = lines(&text);
    ls.remove(5);
    let renumbered = edit(&join(&ls), 5, |m| {
        m.insert("seq".into(), 5.into());
    });
    assert!(matches!(refusal(&renumbered), ArchiveError::Record { seq: 5, problem: Problem::Field { field: "seq", .. }, .. }));

    // The line's hashes edited to match the chain: the stored record disagrees.
    let hash = edit(&text, 4, |m| {
        m.insert("hash".into(), "00".repeat(32).into());
    });
    assert!(matches!(refusal(&hash), ArchiveError::Record { seq: 4, problem: Problem::Field { field: "hash", .. }, .. }));

    // A record altered and re-encoded with its old hash, the line made to agree.
    let altered = edit(&text, 12, |m| {
        let mut rec = model::Record::decode(&archive::base64::decode(m["record"].as_str().unwrap()).unwrap()).unwrap();
        rec.fact.note = Some("altered".into());
        m.insert("record".into(), archive::base64::encode(&rec.encode().unwrap()).into());
        m.insert("fact".into(), serde_json::Value::Object(model::parse::to_json(&rec.fact)));
    });
    assert!(matches!(refusal(&altered), ArchiveError::Record { seq: 12, problem: Problem::Hash, .. }));

    // A record sealed in another ledger (same seq, valid hash) spliced in:
    // its prev_hash is not this chain's.
    let other_dir = tempfile::tempdir().unwrap();
    let other = {
        let ledger = Ledger::open(other_dir.path()).unwrap();
        let text = std::fs::read_to_string(repo().join("fixtures/golden/records-v1.jsonl")).unwrap();
        let now = Timestamp::parse("2024-02-01T00:00:00+08:00").unwrap();
        ingest::import(&ledger, &[ingest::Input::new("records-v1.jsonl", text)], now).unwrap();
        export_text(&ledger)
    };
    let mut ls = lines(&text);
    ls[6] = lines(&other)[6].clone();
    let e = refusal(&join(&ls));
    assert!(matches!(e, ArchiveError::Record { seq: 6, problem: Problem::Chain(5), .. }), "{e}");

    // A wrong trailer: its hash, its count.
    let mut ls = lines(&text);
    let trailer = ls.last().unwrap().clone();
    let real = archive::verify_archive(text.as_bytes()).unwrap().head;
    *ls.last_mut().unwrap() = trailer.replace(&hex::encode(real.hash), &"ab".repeat(32));
    let e = refusal(&join(&ls));
    assert!(matches!(e, ArchiveError::Trailer { line, .. } if line as usize == n + 2), "{e}");
    *ls.last_mut().unwrap() = trailer.replace(&format!("\"records\":{n}"), &format!("\"records\":{}", n + 1));
    assert!(matches!(refusal(&join(&ls)), ArchiveError::Trailer { .. }));

    // No trailer: truncated after the last record read.
    let mut ls = lines(&text);
    ls.truncate(1 + 12);
    let e = refusal(&join(&ls));
    assert!(matches!(e, ArchiveError::Truncated { last_seq: 12, .. }), "{e}");
    assert_eq!(e.seq(), Some(13));

    // Anything after the trailer, a foreign header, an empty file.
    let after = format!("{text}{}\n", lines(&text)[1]);
    assert!(matches!(refusal(&after), ArchiveError::AfterTrailer { .. }));
    let header = text.replacen("\"version\":1", "\"version\":2", 1);
    assert!(matches!(refusal(&header), ArchiveError::Header { line: 1, .. }));
    assert!(matches!(refusal(""), ArchiveError::Header { .. }));
}

#[test]
fn issue7_a_refused_restore_appends_nothing() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let text = export_text(&golden_ledger(a.path()));
    // Damage late in the file: verification must read it all before appending.
    let damaged = edit(&text, 22, |m| {
        m["fact"].as_object_mut().unwrap().insert("ref".into(), "G-OTHER".into());
    });
    let target = Ledger::open(b.path()).unwrap();
    let e = archive::restore(std::io::Cursor::new(damaged), &target).unwrap_err();
    assert_eq!(e.seq(), Some(22), "{e}");
    assert_eq!(target.head().unwrap().seq, Seq(0));
    assert_eq!(target.stored_records(Seq(1), Seq(100)).count(), 0);

    // Into a ledger that is not empty: refused, nothing appended.
    let c = tempfile::tempdir().unwrap();
    let full = golden_ledger(c.path());
    let before = full.head().unwrap();
    assert!(matches!(archive::restore(std::io::Cursor::new(text), &full), Err(ArchiveError::NotEmpty(23))));
    assert_eq!(full.head().unwrap(), before);
}

#[test]
fn issue7_store_restore_appends_verbatim_and_only_what_continues_the_chain() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let source = golden_ledger(a.path());
    let all: Vec<_> = source.stored_records(Seq(1), Seq(23)).map(Result::unwrap).collect();
    let target = Ledger::open(b.path()).unwrap();
    // A chunk that starts past the head is refused whole.
    let e = target.restore(all[1..4].to_vec()).unwrap_err();
    assert!(e.to_string().contains("does not continue"), "{e}");
    assert_eq!(target.head().unwrap().seq, Seq(0));
    // A chunk whose second record does not follow its first: nothing of it is written.
    let e = target.restore(vec![all[0].clone(), all[2].clone()]).unwrap_err();
    assert!(e.to_string().contains("seq 3"), "{e}");
    assert_eq!(target.head().unwrap().seq, Seq(0));
    target.restore(all[..10].to_vec()).unwrap();
    target.restore(Vec::new()).unwrap();
    target.restore(all[10..].to_vec()).unwrap();
    assert_eq!(target.head().unwrap(), source.head().unwrap());
    assert_eq!(target.verify().unwrap(), 23);
    assert_eq!(stored(&target), stored(&source));
    assert_eq!(target.seq_of_ref("G-PEN").unwrap(), source.seq_of_ref("G-PEN").unwrap());
}

fn copy_dir(from: &Path, to: &Path) {
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

#[test]
fn issue7_format1_records_restore_byte_for_byte_and_a_late_format1_record_is_refused() {
    for fixture in ["44df4d8", "add52da"] {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        copy_dir(&repo().join("fixtures/compat").join(fixture).join("ledger"), a.path());
        // A layout-1 ledger (credit-ledger 0.2) is read only through `legacy`.
        let source = store::legacy::LegacyLedger::open(a.path()).unwrap().unwrap();
        let mut out = Vec::new();
        archive::export_legacy(&source, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let source_head = source.head().unwrap();
        let source_stored: Vec<(u64, Vec<u8>)> =
            source.scan_stored(Seq(1), source_head.seq).map(|r| r.map(|(rec, b)| (rec.seq.0, b)).unwrap()).collect();
        let summary = archive::verify_archive(text.as_bytes()).unwrap();
        assert_eq!(summary.format1, summary.records, "{fixture}: every record is of format 1");
        let target = Ledger::open(b.path()).unwrap();
        archive::restore(std::io::Cursor::new(text.clone()), &target).unwrap();
        assert_eq!(target.head().unwrap(), source_head, "{fixture}");
        let bytes = stored(&target);
        assert_eq!(bytes, source_stored, "{fixture}");
        assert!(bytes.iter().all(|(_, b)| b[4..6] == [0, 1]), "{fixture}: stored in format 1");

        // A format-2 record line followed by a format-1 one: no ledger is written so.
        let dir = tempfile::tempdir().unwrap();
        let golden = export_text(&golden_ledger(dir.path()));
        let (g, f) = (lines(&golden), lines(&text));
        let mixed = join(&[g[0].clone(), g[1].clone(), f[2].clone(), g[2].clone()]);
        let e = refusal(&mixed);
        assert!(matches!(e, ArchiveError::Record { seq: 2, problem: Problem::FormatOrder, .. }), "{e}");
    }
}

#[test]
fn issue7_a_forged_archive_with_a_ref_given_twice_verifies_but_does_not_restore() {
    // Verification holds one line at a time, so it cannot see a ref given
    // twice; the restore does, through the ledger's ref index.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let source = golden_ledger(a.path());
    let facts: Vec<_> = source.scan(Seq(1), Seq(2)).map(|r| r.unwrap().fact).collect();
    let mut prev = model::record::GENESIS_HASH;
    let mut out = vec![serde_json::to_string(&archive::Header::current()).unwrap()];
    let t = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
    let mut last = None;
    for (i, fact) in [&facts[0], &facts[1], &facts[0]].into_iter().enumerate() {
        let rec = model::Record::seal(Seq(i as u64 + 1), t, fact.clone(), prev).unwrap();
        out.push(serde_json::to_string(&archive::record_line(&rec, &rec.encode().unwrap())).unwrap());
        prev = rec.hash;
        last = Some(rec);
    }
    let last = last.unwrap();
    let trailer = archive::Trailer {
        head: archive::HeadLine { seq: 3, hash: hex::encode(last.hash), recorded_at: Some(t.to_rfc3339()) },
        records: 3,
    };
    out.push(serde_json::to_string(&trailer).unwrap());
    let text = join(&out);
    assert_eq!(archive::verify_archive(text.as_bytes()).unwrap().records, 3);
    let target = Ledger::open(b.path()).unwrap();
    let e = archive::restore(std::io::Cursor::new(text), &target).unwrap_err();
    assert!(e.to_string().contains("record seq 3") && e.to_string().contains("ref") && e.to_string().contains("seq 1"), "{e}");
    assert_eq!(target.head().unwrap().seq, Seq(0), "nothing restored");
}
