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
        Kind::ALL.iter().copied().filter(|k| !matches!(k, Kind::GradeIssued | Kind::ObjectionFiled | Kind::ObjectionDecided | Kind::RuleSetAdopted | Kind::PlanIssued)).collect();
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

/// Issue 8: a rule-set adoption (record format 2, the last `Body`
/// variant), with a rule file's exact bytes in it (a fixed text: the
/// shipped files may change, the stored bytes may not).
#[test]
fn issue8_rule_set_adopted_bytes_are_pinned() {
    let file = "id = \"xpcc-revised\"\ntitle = \"兵团…参考评价细则\"\n\n[grades]\na_min_score = 90.0 # 含本数\n".to_string();
    let fact = model::Fact {
        reference: "兵市监规〔2026〕1号".into(),
        enterprise: model::Uscc::parse("11660000MB00000002").unwrap(),
        occurred_on: ChinaDate::from_ymd(2027, 1, 1).unwrap(),
        source: Source::Manual,
        note: Some("rule set xpcc-revised adopted".into()),
        body: Body::RuleSetAdopted(model::fact::RuleSetAdopted {
            id: "xpcc-revised".into(),
            sha256: "a958213c16e7419e688c28731916333b3d49c27c2c79c4abd7fd55d9e7d23def".into(),
            effective_from: ChinaDate::from_ymd(2027, 1, 1).unwrap(),
            effective_to: Some(ChinaDate::from_ymd(2028, 1, 1).unwrap()),
            replaces: Some("xpcc-2026".into()),
            file,
        }),
    };
    let records = sealed(vec![fact]);
    let values: Vec<Vec<u8>> = records.iter().map(|r| r.encode().unwrap()).collect();
    assert!(values.iter().all(|v| v[4..6] == [0, 2]));
    pinned("rule-set-adopted-v2.bin", &framed(&values));
    let golden = std::fs::read(fixtures().join("golden/rule-set-adopted-v2.bin")).unwrap();
    let decoded: Vec<Record> = unframe(&golden).into_iter().map(|b| Record::decode(b).unwrap()).collect();
    assert_eq!(decoded, records);
    assert!(decoded.iter().all(Record::hash_is_valid));
}

/// Issue 11: a supervision plan (record format 2, the last `Body` variant
/// since issue 11), with the draw's public inputs and an inspector file's
/// exact bytes in it.
#[test]
fn issue11_plan_issued_bytes_are_pinned() {
    let inspectors = "[[inspector]]\nid = \"I-01\"\nname = \"张三\"\nconflicts = [\"91660800000007919G\"]\n".to_string();
    let fact = model::Fact {
        reference: "兵八师市监计〔2026〕1号".into(),
        enterprise: model::Uscc::parse("11660000MB00000002").unwrap(),
        occurred_on: ChinaDate::from_ymd(2026, 1, 5).unwrap(),
        source: Source::Manual,
        note: Some("supervision plan 2026, division 08".into()),
        body: Body::PlanIssued(model::fact::PlanIssued {
            year: 2026,
            division: "08".into(),
            known_at_seq: 23,
            head_hash: "b".repeat(64),
            salt: "2026-01-02 公告 #7".into(),
            rules_id: "xpcc-revised".into(),
            rules_sha256: "a958213c16e7419e688c28731916333b3d49c27c2c79c4abd7fd55d9e7d23def".into(),
            inspectors: Some(inspectors),
            draw_version: 1,
            engine_version: "credit-ledger 0.3.0".into(),
            plan_sha256: "e".repeat(64),
        }),
    };
    assert!(fact.validate().is_ok());
    let records = sealed(vec![fact]);
    let values: Vec<Vec<u8>> = records.iter().map(|r| r.encode().unwrap()).collect();
    assert!(values.iter().all(|v| v[4..6] == [0, 2]));
    pinned("plan-issued-v2.bin", &framed(&values));
    let golden = std::fs::read(fixtures().join("golden/plan-issued-v2.bin")).unwrap();
    let decoded: Vec<Record> = unframe(&golden).into_iter().map(|b| Record::decode(b).unwrap()).collect();
    assert_eq!(decoded, records);
    assert!(decoded.iter().all(Record::hash_is_valid));
    assert_eq!(decoded[0].fact.kind(), Kind::PlanIssued);
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

/// The encoding-2 writer before issue 7, kept here as the reference: the
/// report turned into a `serde_json::Value`, written with object keys sorted
/// by their UTF-8 bytes and no whitespace. The clause trace of issue 8
/// (every `clause`, the report's `scope` and `d_threshold`) is taken out
/// first: encoding 2 leaves it out, so decisions issued before it still
/// reproduce (docs/DECISIONS.md "Classification and the clause trace").
fn canonical_via_value(report: &grading::GradeReport) -> String {
    fn untraced(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("clause");
                m.values_mut().for_each(untraced);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(untraced),
            _ => {}
        }
    }
    fn write(v: &serde_json::Value, out: &mut Vec<u8>) {
        use serde_json::Value;
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                out.push(b'{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut *out, k).unwrap();
                    out.push(b':');
                    write(&m[k], out);
                }
                out.push(b'}');
            }
            Value::Array(a) => {
                out.push(b'[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write(x, out);
                }
                out.push(b']');
            }
            other => serde_json::to_writer(&mut *out, other).unwrap(),
        }
    }
    let mut value = serde_json::to_value(report).unwrap();
    let top = value.as_object_mut().unwrap();
    assert!(top.remove("scope").is_some(), "the report names its scope clause");
    top.remove("d_threshold");
    untraced(&mut value);
    let mut out = Vec::new();
    write(&value, &mut out);
    String::from_utf8(out).unwrap()
}

/// `report`'s encoding 2 (bytes and hash) equals the reference's.
fn assert_same_encoding(report: &grading::GradeReport) {
    use sha2::{Digest, Sha256};
    let reference = canonical_via_value(report);
    assert!(canonical_json(report) == reference, "{}: canonical bytes differ\nnew: {}\nold: {reference}", report.enterprise, canonical_json(report));
    let hash = hex::encode(Sha256::digest([b"credit-ledger report/2\n".as_slice(), reference.as_bytes()].concat()));
    assert_eq!(report.sha256(), hash, "{}", report.enterprise);
}

/// Issue 7: the report hash is written straight from the typed report; its
/// bytes are those of the Value-based writer it replaced, for every
/// enterprise of the fixture division and the golden facts, under both
/// fixture rule sets, at several V and K (counted, excluded and context
/// events, failed conditions, fired triggers, raises, out of scope).
#[test]
fn issue7_canonical_report_bytes_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let golden = golden_records(&dir.path().join("golden"));
    let ledger = store::Ledger::open(&dir.path().join("division")).unwrap();
    let text = std::fs::read_to_string(fixtures().join("division-08/facts.jsonl")).unwrap();
    ingest::import(&ledger, &[ingest::Input::new("facts.jsonl", text)], ts("2026-11-30T00:00:00+08:00")).unwrap();
    let head = ledger.head().unwrap().seq;
    let rule_sets: Vec<rules::RuleSet> = ["xpcc-trial.toml", "xpcc-revised.toml"]
        .iter()
        .map(|f| rules::RuleSet::parse(f, &std::fs::read(fixtures().join("rules").join(f)).unwrap()).unwrap())
        .collect();
    let dates = ["2023-12-31", "2024-06-30", "2025-12-31"].map(|d| ChinaDate::parse_plain(d).unwrap());
    let mut enterprises: Vec<_> = ledger.all_by_enterprise(head).unwrap().into_iter().collect();
    let mut by_enterprise: BTreeMap<_, Vec<Record>> = BTreeMap::new();
    for r in golden {
        by_enterprise.entry(r.fact.enterprise).or_default().push(r);
    }
    enterprises.extend(by_enterprise);
    let (mut reports, mut events, mut excluded, mut graded) = (0, 0, 0, BTreeMap::new());
    for (uscc, records) in &enterprises {
        let last = records.last().unwrap().seq;
        for rules in &rule_sets {
            for on in dates {
                for known_at in [Seq(last.0 / 2), last] {
                    let report = grading::grade(uscc.as_str(), records, on, known_at, rules);
                    assert_same_encoding(&report);
                    reports += 1;
                    events += report.events.len();
                    excluded += report.events.iter().filter(|e| e.reason.is_some()).count();
                    *graded.entry(report.grade.map_or('-', |g| g.as_str().chars().next().unwrap())).or_insert(0) += 1;
                }
            }
        }
    }
    assert!(reports > 2500, "{reports} reports");
    assert!(excluded > 0 && events > 10 * reports, "{events} events, {excluded} excluded");
    assert!(graded.len() == 5, "every grade and out of scope: {graded:?}");
}

proptest::proptest! {
    /// Issue 7: any text in the report's strings (quotes, backslashes,
    /// control characters, non-ASCII) and any score is written as the
    /// Value-based writer wrote it.
    #[test]
    fn issue7_canonical_report_bytes_unchanged_for_any_text(
        texts in proptest::collection::vec(".*|[\"\\\\\u{0}-\u{1f}\u{7f}é中\u{2028}\u{1F600}]{0,8}", 6),
        points in proptest::collection::vec(-10_000_000i64..10_000_000, 3),
    ) {
        let report = text_report();
        let mut r = report.clone();
        r.name = texts[0].clone();
        r.enterprise = texts[1].clone();
        r.score = Some(model::Points(points[0]));
        for e in &mut r.events {
            e.reference = texts[2].clone();
            e.by = Some(texts[3].clone());
        }
        for d in &mut r.dimensions {
            d.deduction = model::Points(points[1]);
            for i in &mut d.items {
                i.reference = Some(texts[4].clone());
                i.points = model::Points(points[2]);
            }
        }
        for c in &mut r.conditions {
            c.evidence.push(texts[5].clone());
        }
        assert_same_encoding(&r);
    }
}

/// The golden enterprise's report (2023), graded once for the proptest.
fn text_report() -> grading::GradeReport {
    static REPORT: std::sync::OnceLock<grading::GradeReport> = std::sync::OnceLock::new();
    REPORT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let records = golden_records(dir.path());
            let on = ChinaDate::from_ymd(2023, 12, 31).unwrap();
            grading::grade("91660800000007919G", &records, on, Seq(23), rules::shipped().unwrap().in_force(on).unwrap())
        })
        .clone()
}
