//! Golden bytes pin the stored format (docs/FORMAT.md): record values of
//! every format this release reads, decision records, the head value, the
//! key layout and the canonical report encoding that decisions hash.
//!
//! `UPDATE_GOLDEN=1` writes a missing golden file once; an existing one is
//! never rewritten by a test: a changed format is a new version.

use grading::{canonical::canonical_json, ENGINE_VERSION, REPORT_FORMAT};
use model::fact::{Body, Grade, GradeIssued, Kind, Source};
use model::record::Sealed;
use model::{ChinaDate, Decoded, Record, Seq};
use std::collections::{BTreeMap, HashMap};

#[path = "support/mod.rs"]
mod support;
use support::*;


/// Length-prefixed (u32 BE) record envelopes.
fn framed(values: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        out.extend_from_slice(&(v.len() as u32).to_be_bytes());
        out.extend_from_slice(v);
    }
    out
}

fn unframe(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let n = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        out.push(&bytes[4..4 + n]);
        bytes = &bytes[4 + n..];
    }
    out
}

/// Compares `actual` with the golden file `name`, writing it once when
/// `UPDATE_GOLDEN` is set and the file is missing.
fn pinned(name: &str, actual: &[u8]) {
    let path = fixtures().join("golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() && !path.exists() {
        std::fs::write(&path, actual).unwrap();
    }
    let golden = std::fs::read(&path).unwrap_or_else(|_| panic!("fixtures/golden/{name} (UPDATE_GOLDEN=1 writes it once)"));
    assert!(golden == actual, "{name}: the stored format changed; add a new format version instead of changing this one");
}

/// Decodes framed values of any format in seq order, typing format-1
/// corrections by the kind of their (earlier) target, as the store does.
fn decode_in_order(values: &[&[u8]]) -> Vec<Record> {
    let mut kinds: HashMap<String, Kind> = HashMap::new();
    values
        .iter()
        .map(|b| {
            let d = Record::decode_any(b).unwrap();
            let tk = d.needs_target().map(|t| kinds[t]);
            let r = d.into_record(tk).unwrap();
            kinds.insert(r.fact.reference.clone(), r.fact.kind());
            r
        })
        .collect()
}

#[test]
fn format_1_record_values_decode_to_what_they_meant() {
    let dir = tempfile::tempdir().unwrap();
    let today = golden_records(dir.path());
    let golden = std::fs::read(fixtures().join("golden/records-v1.bin")).unwrap();
    let values = unframe(&golden);
    assert_eq!(values.len(), 23);
    assert!(values.iter().all(|v| v[4..6] == [0, 1]), "records-v1.bin holds format 1 values only");
    let old = decode_in_order(&values);
    for (o, t) in old.iter().zip(&today) {
        // Same fact, typed: a format-1 JSON patch converts to the typed
        // patch today's import makes of the same line.
        assert_eq!((o.seq, o.recorded_at, &o.fact), (t.seq, t.recorded_at, &t.fact), "{}", o.fact.reference);
        assert_eq!(o.sealed, Sealed::Format1 { hash_ok: true }, "{}: its format-1 hash still verifies", o.fact.reference);
    }
    // The format-1 chain is intact as stored.
    for w in old.windows(2) {
        assert_eq!(w[1].prev_hash, w[0].hash);
    }
    // A flipped byte inside a format-1 fact is caught by its own hash.
    let mut damaged = values[10].to_vec();
    let at = damaged.len() - 70;
    damaged[at] ^= 1;
    if let Ok(d) = Record::decode_any(&damaged) {
        if let Ok(r) = d.into_record(None) {
            assert!(!r.hash_is_valid(), "a changed format-1 value must not verify");
        }
    }
}

#[test]
fn format_2_record_bytes_are_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let records = golden_records(dir.path());
    let kinds: std::collections::BTreeSet<Kind> = records.iter().map(|r| r.fact.kind()).collect();
    let expected: std::collections::BTreeSet<Kind> =
        Kind::ALL.iter().copied().filter(|k| !matches!(k, Kind::GradeIssued | Kind::ObjectionFiled | Kind::ObjectionDecided)).collect();
    assert_eq!(kinds, expected);
    let values: Vec<Vec<u8>> = records.iter().map(|r| r.encode().unwrap()).collect();
    assert!(values.iter().all(|v| v[4..6] == [0, 2]));
    pinned("records-v2.bin", &framed(&values));
    let golden = std::fs::read(fixtures().join("golden/records-v2.bin")).unwrap();
    let decoded: Vec<Record> = unframe(&golden).into_iter().map(|b| Record::decode(b).unwrap()).collect();
    assert_eq!(decoded, records);
    assert!(decoded.iter().all(Record::hash_is_valid));
}

fn decision_facts(body: Body) -> Vec<model::Fact> {
    let e = model::Uscc::parse("91660800000007919G").unwrap();
    let issued = model::Fact {
        reference: "GRADE-2025-91660800000007919G-1".into(),
        enterprise: e,
        occurred_on: ChinaDate::from_ymd(2026, 2, 15).unwrap(),
        source: Source::Manual,
        note: Some("annual grading of 2025 (Art. 15)".into()),
        body,
    };
    let objection = model::parse_line(r#"{"kind":"objection_filed","ref":"OBJ-1","enterprise":"91660800000007919G","occurred_on":"2026-03-01","target":"GRADE-2025-91660800000007919G-1","grounds":"处罚已撤销"}"#).unwrap().fact;
    let ruling = model::parse_line(r#"{"kind":"objection_decided","ref":"OBJ-1-D","enterprise":"91660800000007919G","occurred_on":"2026-04-01","target":"OBJ-1","outcome":"upheld"}"#).unwrap().fact;
    vec![issued, objection, ruling]
}

fn sealed(facts: Vec<model::Fact>) -> Vec<Record> {
    let mut prev = [7u8; 32];
    facts
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let r = Record::seal(Seq(24 + i as u64), ts("2026-04-01T10:00:00+08:00"), f, prev).unwrap();
            prev = r.hash;
            r
        })
        .collect()
}

#[test]
fn format_1_decisions_decode_with_their_implied_evaluation_date() {
    let golden = std::fs::read(fixtures().join("golden/decisions-v1.bin")).unwrap();
    let values = unframe(&golden);
    assert!(values.iter().all(|v| v[4..6] == [0, 1]));
    let records: Vec<Record> = values.iter().map(|b| Record::decode(b).unwrap()).collect();
    let Body::GradeIssued(g) = &records[0].fact.body else { panic!("a grade_issued") };
    assert_eq!(g.on, ChinaDate::from_ymd(2025, 12, 31).unwrap(), "format 1 always issued V = 31 December");
    assert_eq!((g.grade, g.score, g.known_at_seq, g.report_format), (Grade::B, model::Points(875), 23, 1));
    assert_eq!(g.report_sha256, "c".repeat(64));
    assert_eq!(g.basis_sha256, None);
    assert_eq!(g.engine_version, model::v1::ENGINE_FORMAT_1);
    assert_eq!(records[1].fact.kind(), Kind::ObjectionFiled);
    assert_eq!(records[2].fact.kind(), Kind::ObjectionDecided);
    assert!(records.iter().all(Record::hash_is_valid));
}

#[test]
fn format_2_decision_bytes_are_pinned() {
    let records = sealed(decision_facts(Body::GradeIssued(GradeIssued {
        year: 2025,
        on: ChinaDate::from_ymd(2025, 12, 31).unwrap(),
        grade: Grade::B,
        score: model::Points(875),
        rules_id: "xpcc-revised".into(),
        rules_sha256: "a".repeat(64),
        known_at_seq: 23,
        head_hash: "b".repeat(64),
        basis_sha256: Some("d".repeat(64)),
        engine_version: "credit-ledger 0.2.0".into(),
        report_format: 2,
        report_sha256: "c".repeat(64),
        supersedes: None,
    })));
    let values: Vec<Vec<u8>> = records.iter().map(|r| r.encode().unwrap()).collect();
    pinned("decisions-v2.bin", &framed(&values));
    let golden = std::fs::read(fixtures().join("golden/decisions-v2.bin")).unwrap();
    let decoded: Vec<Record> = unframe(&golden).into_iter().map(|b| Record::decode(b).unwrap()).collect();
    assert_eq!(decoded, records);
}

/// Every key and value of the ledger tree (storage layout 2) after the
/// golden import: chunks, enterprise lists, index buckets and the head,
/// pinned byte for byte. (`ledger-layout-v2.txt` pinned storage layout 1,
/// which only `migrate` still reads: tests/compat.rs.)
#[test]
fn key_layout_and_values_are_pinned() {
    let dir = tempfile::tempdir().unwrap();
    golden_records(dir.path());
    // sled keeps other processes out; reopen after the ledger is dropped.
    let db = (0..250)
        .find_map(|_| match sled::open(dir.path()) {
            Ok(db) => Some(db),
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                None
            }
        })
        .expect("the ledger reopens");
    assert!(!db.tree_names().iter().any(|t| t.as_ref() == b"ledger/v1"), "no layout-1 tree");
    let tree = db.open_tree("ledger/v2").unwrap();
    let mut text = String::new();
    let mut kinds = BTreeMap::new();
    for kv in tree.iter() {
        let (k, v) = kv.unwrap();
        *kinds.entry(k[0] as char).or_insert(0) += 1;
        text += &format!("{} {}\n", hex::encode(&k), hex::encode(&v));
    }
    // 23 facts: one chunk, one list per enterprise, one bucket per ref and
    // per duplicate key (no two of them collide), and the head.
    assert_eq!(kinds.get(&'R'), Some(&1), "{kinds:?}");
    assert_eq!(kinds.get(&'X'), Some(&23), "{kinds:?}");
    assert_eq!(kinds.get(&'M'), Some(&1), "{kinds:?}");
    pinned("storage-layout-2.txt", text.as_bytes());
}

/// Every key and value of a sled tree, one `key value` line each, in hex.
fn dump(dir: &std::path::Path, tree: &str) -> String {
    let db = (0..250)
        .find_map(|_| sled::open(dir).ok().or_else(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            None
        }))
        .expect("the ledger reopens");
    let tree = db.open_tree(tree).unwrap();
    tree.iter().map(|kv| kv.unwrap()).map(|(k, v)| format!("{} {}\n", hex::encode(&k), hex::encode(&v))).collect()
}

/// The pinned storage layout 1 (`ledger-layout-v2.txt`, with the record
/// values of `records-v2.bin`) is rebuilt as an old release left it, then
/// `migrate` must turn it into exactly the pinned layout 2 of the same
/// import: the old layout's golden bytes are still read, and migration
/// changes no byte of any record.
#[test]
fn issue7_the_pinned_layout_1_migrates_to_the_pinned_layout_2() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    {
        let envelopes = std::fs::read(fixtures().join("golden/records-v2.bin")).unwrap();
        let mut envelopes = unframe(&envelopes).into_iter();
        let db = sled::open(&old).unwrap();
        let tree = db.open_tree("ledger/v1").unwrap();
        let layout = std::fs::read_to_string(fixtures().join("golden/ledger-layout-v2.txt")).unwrap();
        for line in layout.lines() {
            let (k, v) = line.split_once(' ').unwrap();
            let key = hex::decode(k).unwrap();
            let value = if key[0] == b'R' {
                let e = envelopes.next().expect("a record value per R key");
                assert_eq!(v, format!("record envelope, {} bytes", e.len()));
                e.to_vec()
            } else {
                hex::decode(v).unwrap()
            };
            tree.insert(key, value).unwrap();
        }
        assert!(envelopes.next().is_none());
        db.flush().unwrap();
    }
    let o = run_at("2024-01-02T00:00:00+08:00", &new, &["migrate", "--from", old.to_str().unwrap(), "--to", new.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pinned_layout_2 = std::fs::read_to_string(fixtures().join("golden/storage-layout-2.txt")).unwrap();
    assert!(dump(&new, "ledger/v2") == pinned_layout_2, "migrate did not give the pinned layout 2");
}

/// The canonical report encoding decisions hash (report format 2). If this
/// fails, the report changed: bump `grading::REPORT_FORMAT` and keep the old
/// encoding's hash computable, so that issued decisions still reproduce.
#[test]
fn canonical_report_bytes_are_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let records = golden_records(dir.path());
    let rules = rules::shipped().unwrap();
    let on = ChinaDate::from_ymd(2023, 12, 31).unwrap();
    let report = grading::grade("91660800000007919G", &records, on, Seq(23), rules.in_force(on).unwrap());
    assert_eq!(REPORT_FORMAT, 2);
    pinned("report-format-2.json", canonical_json(&report).as_bytes());
    let expected = {
        use sha2::{Digest, Sha256};
        let mut b = b"credit-ledger report/2\n".to_vec();
        b.extend_from_slice(canonical_json(&report).as_bytes());
        hex::encode(Sha256::digest(&b))
    };
    assert_eq!(report.sha256(), expected);
    assert!(ENGINE_VERSION.starts_with("credit-ledger "));
    // A decision carries V itself, not only its year: Decoded is public so
    // that tools can tell formats apart.
    let v = records[0].encode().unwrap();
    assert!(matches!(Record::decode_any(&v).unwrap(), Decoded::Current(_)));
}
