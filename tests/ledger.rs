//! The ledger's import guarantees (golden bytes are in tests/golden.rs):
//! envelope checks, idempotent re-import, atomic rejection, durability,
//! tamper detection.

use ingest::{import, ImportError, Input};
use model::{Record, Seq};
use store::Ledger;

#[path = "support/mod.rs"]
mod support;
use support::*;


#[test]
fn envelope_rejects_damage() {
    let dir = tempfile::tempdir().unwrap();
    let good = golden_records(dir.path())[6].encode().unwrap();
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(Record::decode(&trailing).unwrap_err().to_string().contains("trailing"));
    let mut magic = good.clone();
    magic[0] = b'X';
    assert!(Record::decode(&magic).unwrap_err().to_string().contains("magic"));
    let mut version = good.clone();
    version[5] = 9;
    assert!(Record::decode(&version).unwrap_err().to_string().contains("version"));
    assert!(Record::decode(&good[..good.len() - 3]).is_err());
    assert!(Record::decode(&good[..4]).is_err());
}

#[test]
fn reimport_is_idempotent_and_seqs_are_gapless() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let now = ts("2024-01-01T00:00:00Z");
    let first = import(&ledger, &[golden_input()], now).unwrap();
    assert_eq!((first.first_seq(), first.last_seq()), (Some(Seq(1)), Some(Seq(23))));
    let again = import(&ledger, &[golden_input()], ts("2024-02-01T00:00:00Z")).unwrap();
    assert_eq!(again.appended, 0);
    assert_eq!(again.duplicates, 23);
    assert_eq!(ledger.head().unwrap().seq, Seq(23));
    assert_eq!(ledger.verify().unwrap(), 23);
}

#[test]
fn a_bad_line_appends_nothing_and_names_every_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let mut text = std::fs::read_to_string(fixtures().join("golden/records-v1.jsonl")).unwrap();
    text += "{\"kind\":\"complaint_verified\",\"ref\":\"BAD-1\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-13-01\",\"channel\":\"report\"}\n";
    text += "{\"kind\":\"list_removed\",\"ref\":\"BAD-2\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-01-01\",\"target\":\"NOPE\"}\n";
    let input = Input::new("records-v1.jsonl", text);
    match import(&ledger, &[input], ts("2024-01-01T00:00:00Z")) {
        Err(ImportError::Rejected(lines)) => {
            assert_eq!(lines.len(), 2);
            assert_eq!((lines[0].line, lines[0].field.as_deref()), (24, Some("occurred_on")));
            assert_eq!((lines[1].line, lines[1].field.as_deref()), (25, Some("target")));
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(ledger.head().unwrap().seq, Seq(0));
}

#[test]
fn duplicate_ref_with_other_content_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    import(&ledger, &[golden_input()], ts("2024-01-01T00:00:00Z")).unwrap();
    let changed = "{\"kind\":\"complaint_verified\",\"ref\":\"G-CPL\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2022-10-02\",\"channel\":\"complaint\"}";
    let e = import(&ledger, &[Input::new("x", changed)], ts("2024-01-02T00:00:00Z")).unwrap_err();
    assert!(e.to_string().contains("different content"), "{e}");
}

#[test]
fn recorded_time_never_goes_backwards_nor_into_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    import(&ledger, &[golden_input()], ts("2024-01-01T00:00:00Z")).unwrap();
    let line = |r: &str, at: &str| format!("{{\"kind\":\"complaint_verified\",\"ref\":\"{r}\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-05-01\",\"channel\":\"report\",\"recorded_at\":\"{at}\"}}");
    let now = ts("2024-06-01T00:00:00Z");
    let back = Input::new("b", line("T-1", "2023-12-31T00:00:00Z"));
    assert!(import(&ledger, &[back], now).unwrap_err().to_string().contains("backwards"));
    let future = Input::new("f", line("T-2", "2024-07-01T00:00:00Z"));
    assert!(import(&ledger, &[future], now).unwrap_err().to_string().contains("future"));
    // Valid date later than the China date of recording: 2023-05-01 recorded 2023-04-30T16:00Z is fine (China 05-01).
    let ok = Input::new("o", line("T-3", "2024-01-01T00:00:00Z"));
    assert_eq!(import(&ledger, &[ok], now).unwrap().appended, 1);
}

#[test]
fn acknowledged_facts_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let ledger = Ledger::open(dir.path()).unwrap();
        import(&ledger, &[golden_input()], ts("2024-01-01T00:00:00Z")).unwrap();
    }
    let ledger = Ledger::open(dir.path()).unwrap();
    assert_eq!(ledger.verify().unwrap(), 23);
    let uscc = model::Uscc::parse("91660800000007919G").unwrap();
    assert_eq!(ledger.enterprise_records(&uscc, Seq(10)).unwrap().len(), 10);
    assert_eq!(ledger.record_by_ref("G-PEN").unwrap().unwrap().seq, Seq(11));
    assert_eq!(ledger.seq_at_time(ts("2023-12-31T00:00:00Z")).unwrap(), Seq(0));
    assert_eq!(ledger.seq_at_time(ts("2024-01-01T00:00:00Z")).unwrap(), Seq(23));
}

#[test]
fn verify_detects_a_tampered_value() {
    let dir = tempfile::tempdir().unwrap();
    let records = golden_records(dir.path());
    {
        // Reopen with sled itself, as a tamperer would (retry while the
        // dropped ledger's background thread still holds the lock).
        let mut forged = records[10].clone();
        forged.fact.note = Some("forged".into());
        store::tamper::replace_record_envelope(dir.path(), forged.seq, &forged.encode().unwrap()).unwrap();
    }
    let ledger = Ledger::open(dir.path()).unwrap();
    let e = ledger.verify().unwrap_err().to_string();
    assert!(e.contains("the hash chain is broken at seq 11"), "{e}");
}

#[test]
fn partial_revocation_must_name_existing_parts_and_changes_known_fields() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    import(&ledger, &[golden_input()], ts("2024-01-01T00:00:00Z")).unwrap();
    let now = ts("2024-02-01T00:00:00Z");
    let e = |text: &str| import(&ledger, &[Input::new("x", text)], now).unwrap_err().to_string();
    // 烧失量 was already revoked from G-SMP (as corrected, only 三氧化硫 is left).
    let again = "{\"kind\":\"act_partially_revoked\",\"ref\":\"P-2\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-06-01\",\"target\":\"G-SMP\",\"parts\":[\"烧失量\"]}";
    assert!(e(again).contains("not a part"));
    let bad_field = "{\"kind\":\"act_changed\",\"ref\":\"P-3\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-06-01\",\"target\":\"G-SMP\",\"changes\":{\"colour\":\"red\"}}";
    assert!(e(bad_field).contains("changes.colour"));
    let bad_value = "{\"kind\":\"act_changed\",\"ref\":\"P-4\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-06-01\",\"target\":\"G-SMP\",\"changes\":{\"result\":\"maybe\"}}";
    assert!(e(bad_value).contains("changes.result"));
    let wrong_kind = "{\"kind\":\"list_removed\",\"ref\":\"P-5\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-06-01\",\"target\":\"G-PEN\"}";
    assert!(e(wrong_kind).contains("cannot aim at"));
    let other_enterprise = "{\"kind\":\"act_revoked\",\"ref\":\"P-6\",\"enterprise\":\"91110000600037341L\",\"occurred_on\":\"2023-06-01\",\"target\":\"G-PEN\"}";
    assert!(e(other_enterprise).contains("belongs to enterprise"));
    let grade = "{\"kind\":\"grade_issued\",\"ref\":\"P-7\",\"enterprise\":\"91660800000007919G\",\"occurred_on\":\"2023-06-01\",\"year\":2022,\"grade\":\"A\",\"score\":95.0,\"rules_id\":\"x\",\"rules_sha256\":\"y\",\"known_at_seq\":1,\"head_hash\":\"z\"}";
    assert!(e(grade).contains("annual run"));
    assert_eq!(ledger.head().unwrap().seq, Seq(23));
}

/// Each bad line is rejected with its line number and field; nothing is appended.
#[test]
fn import_rejects_each_kind_of_bad_line_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    import(&ledger, &[golden_input()], ts("2024-01-01T00:00:00Z")).unwrap();
    let now = ts("2024-06-01T00:00:00Z");
    let e = "91660800000007919G";
    let cases: Vec<(String, Option<&str>, &str)> = vec![
        (format!(r#"{{"kind":"enterprise_registered","ref":"N-1","enterprise":"{e}","occurred_on":"2023-01-01","name":"又一个","division":"08","scale":"small"}}"#), Some("kind"), "already registered"),
        (format!(r#"{{"kind":"licence_terminated","ref":"N-2","enterprise":"{e}","occurred_on":"2023-01-01","licence_no":"XK13-014-09999","mode":"cancelled"}}"#), Some("licence_no"), "never granted"),
        (format!(r#"{{"kind":"self_inspection_report","ref":"N-3","enterprise":"{e}","occurred_on":"2024-03-01","year":2023,"filed_on":"2024-07-01"}}"#), Some("filed_on"), "later than"),
        (format!(r#"{{"kind":"act_revoked","ref":"N-4","enterprise":"{e}","occurred_on":"2022-09-01","target":"G-PEN"}}"#), Some("occurred_on"), "before the valid date"),
        (format!(r#"{{"kind":"record_corrected","ref":"N-5","enterprise":"{e}","occurred_on":"2024-05-01","target":"G-CPL","error":"clerical","corrected":{{"occurred_on":"2024-12-01"}}}}"#), Some("corrected.occurred_on"), "later than"),
        (format!(r#"{{"kind":"enterprise_changed","ref":"N-6","enterprise":"{e}","occurred_on":"2024-05-01","division":"8"}}"#), Some("division"), "two-digit"),
        (format!(r#"{{"kind":"administrative_penalty","ref":"N-7","enterprise":"{e}","occurred_on":"2024-05-01","procedure":"simple","measures":[{{"type":"warning","amount_yuan":100}}]}}"#), Some("measures[0].amount_yuan"), "no amount"),
        (format!(r#"{{"kind":"enterprise_changed","ref":"N-8","enterprise":"{e}","occurred_on":"2024-05-01","name":"甲\n乙"}}"#), Some("name"), "control"),
        (format!(r#"{{"kind":"complaint_verified","ref":"N-9","enterprise":"{e}","occurred_on":"2024-05-01","channel":"report","note":"{}"}}"#, "x".repeat(300_000)), None, "at most"),
    ];
    let mut bytes = Vec::new();
    for (line, _, _) in &cases {
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(b"{\"kind\":\"complaint_verified\",\xff}\n");
    let input = Input::bytes("bad.jsonl", bytes);
    let Err(ImportError::Rejected(lines)) = import(&ledger, &[input], now) else { panic!("expected rejections") };
    assert_eq!(lines.len(), cases.len() + 1, "{lines:#?}");
    for (i, ((_, field, words), got)) in cases.iter().zip(&lines).enumerate() {
        assert_eq!(got.line, i + 1);
        assert_eq!(got.field.as_deref(), *field, "{got}");
        assert!(got.message.contains(words), "line {}: {got}", i + 1);
    }
    assert!(lines.last().unwrap().message.contains("UTF-8"));
    assert_eq!(ledger.head().unwrap().seq, Seq(23));
}

#[test]
fn a_byte_order_mark_and_crlf_lines_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let text = std::fs::read_to_string(fixtures().join("golden/records-v1.jsonl")).unwrap();
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    let out = import(&ledger, &[Input::bytes("bom.jsonl", bytes)], ts("2024-01-01T00:00:00Z")).unwrap();
    assert_eq!(out.appended, 23);
}


#[test]
fn verify_checks_the_heads_recorded_time_and_that_time_never_goes_backwards() {
    let dir = tempfile::tempdir().unwrap();
    {
        let ledger = Ledger::open(dir.path()).unwrap();
        import(&ledger, &[golden_input()], ts("2024-01-01T00:00:00Z")).unwrap();
        assert_eq!(ledger.verify().unwrap(), 23);
    }
    // The head's recorded time moved back behind the ledger's back.
    let db = (0..250).find_map(|_| sled::open(dir.path()).ok().or_else(|| { std::thread::sleep(std::time::Duration::from_millis(20)); None })).unwrap();
    let tree = db.open_tree("ledger/v2").unwrap();
    let (_, mut head): (u16, store::Head) = model::envelope::decode(*b"CLHD", 1, &tree.get(b"Mhead").unwrap().unwrap()).unwrap();
    head.recorded_at = Some(ts("2021-01-01T00:00:00Z"));
    tree.insert(b"Mhead", model::envelope::encode(*b"CLHD", 1, &head).unwrap()).unwrap();
    db.flush().unwrap();
    drop(tree);
    drop(db);
    let ledger = (0..250).find_map(|_| Ledger::open(dir.path()).ok().or_else(|| { std::thread::sleep(std::time::Duration::from_millis(20)); None })).unwrap();
    let e = ledger.verify().unwrap_err().to_string();
    assert!(e.contains("head's recorded time"), "{e}");
}
