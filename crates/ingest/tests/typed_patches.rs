//! A correction is typed and validated once, by the import that accepts it
//! (issue 6): a patch whose effect on its target would be invalid is a clear
//! error naming the field, never a silent skip when grading later.

use ingest::{import, Input};
use model::fact::Body;
use model::{Timestamp, Yuan};
use store::Ledger;

const E: &str = "91110000600037341L";

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn setup() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let base = format!(
        "{{\"kind\":\"enterprise_registered\",\"ref\":\"REG\",\"enterprise\":\"{E}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业\",\"division\":\"08\",\"scale\":\"large\"}}\n\
         {{\"kind\":\"administrative_penalty\",\"ref\":\"PEN\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-03-01\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":300000}}]}}\n"
    );
    import(&ledger, &[Input::new("base", base)], ts("2025-06-01T00:00:00Z")).unwrap();
    (dir, ledger)
}

fn rejected(ledger: &Ledger, line: &str) -> String {
    let e = import(ledger, &[Input::new("x", line.to_string())], ts("2025-07-01T00:00:00Z")).unwrap_err();
    assert_eq!(ledger.head().unwrap().seq.0, 2, "nothing appended");
    e.to_string()
}

#[test]
fn a_change_with_an_invalid_effect_is_refused_at_import_naming_the_field() {
    let (_d, ledger) = setup();
    let line = format!("{{\"kind\":\"act_changed\",\"ref\":\"CHG\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-04-01\",\"target\":\"PEN\",\"changes\":{{\"measures\":[{{\"type\":\"warning\",\"amount_yuan\":2000}}]}}}}");
    let e = rejected(&ledger, &line);
    assert!(e.contains("changes.measures[0].amount_yuan") && e.contains("has no amount"), "{e}");
}

#[test]
fn a_change_cannot_move_the_valid_date_nor_name_a_field_of_another_kind() {
    let (_d, ledger) = setup();
    let moved = format!("{{\"kind\":\"act_changed\",\"ref\":\"CHG\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-04-01\",\"target\":\"PEN\",\"changes\":{{\"occurred_on\":\"2025-01-01\"}}}}");
    assert!(rejected(&ledger, &moved).contains("changes.occurred_on"));
    let other = format!("{{\"kind\":\"act_changed\",\"ref\":\"CHG\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-04-01\",\"target\":\"PEN\",\"changes\":{{\"deadline\":\"2025-01-01\"}}}}");
    let e = rejected(&ledger, &other);
    assert!(e.contains("changes.deadline") && e.contains("not a field of a administrative_penalty"), "{e}");
    let empty = format!("{{\"kind\":\"act_changed\",\"ref\":\"CHG\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-04-01\",\"target\":\"PEN\",\"changes\":{{}}}}");
    assert!(rejected(&ledger, &empty).contains("at least one field"));
    let unknown = format!("{{\"kind\":\"act_changed\",\"ref\":\"CHG\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-04-01\",\"target\":\"NOPE\",\"changes\":{{\"cause\":null}}}}");
    assert!(rejected(&ledger, &unknown).contains("\"NOPE\" is not a fact"));
}

#[test]
fn an_accepted_change_is_stored_typed_by_its_target() {
    let (_d, ledger) = setup();
    let line = format!("{{\"kind\":\"record_corrected\",\"ref\":\"COR\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-04-01\",\"target\":\"PEN\",\"error\":\"clerical\",\"corrected\":{{\"occurred_on\":\"2025-02-28\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":\"100000.00\"}}],\"cause\":null}}}}");
    let out = import(&ledger, &[Input::new("x", line.replace("\"100000.00\"", "100000.00"))], ts("2025-07-01T00:00:00Z")).unwrap();
    let stored = ledger.record(out.head.seq).unwrap().unwrap();
    let Body::RecordCorrected(c) = &stored.fact.body else { panic!("a record_corrected") };
    let p = c.corrected.as_ref().unwrap();
    assert_eq!(p.occurred_on.map(|d| d.to_string()).as_deref(), Some("2025-02-28"));
    let model::BodyPatch::AdministrativePenalty(b) = &p.body else { panic!("typed as a penalty patch") };
    assert_eq!(b.measures.as_ref().unwrap()[0].amount_yuan, Some(Yuan { fen: 10_000_000 }));
    assert_eq!(b.cause, Some(None), "null clears an optional field");
    assert_eq!(b.procedure, None, "an absent field is kept");
}

/// An enterprise with a licence, its verification, an inspection with an
/// order and its completion, a listing and its removal.
fn related() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let lines = [
        r#"{"kind":"enterprise_registered","ref":"REG","occurred_on":"2020-01-10","name":"企业","division":"08","scale":"large"}"#,
        r#"{"kind":"licence_granted","ref":"LIC","occurred_on":"2020-02-01","licence_no":"XK16-205-00001","product":"胶合板","category":"人造板","valid_from":"2020-02-01","valid_to":"2029-01-31"}"#,
        r#"{"kind":"licence_verification","ref":"VER","occurred_on":"2024-05-01","licence_no":"XK16-205-00001","result":"pass"}"#,
        r#"{"kind":"supervision_inspection","ref":"INS","occurred_on":"2025-01-10","inspection":"routine","outcome":"issues_found","findings":[{"code":"other"}]}"#,
        r#"{"kind":"rectification_ordered","ref":"ORD","occurred_on":"2025-01-11","target":"INS","deadline":"2025-03-01"}"#,
        r#"{"kind":"rectification_completed","ref":"DONE","occurred_on":"2025-02-10","target":"ORD"}"#,
        r#"{"kind":"list_entered","ref":"LST","occurred_on":"2025-02-01","list":"abnormal_operations"}"#,
        r#"{"kind":"list_removed","ref":"RMV","occurred_on":"2025-04-01","target":"LST"}"#,
        r#"{"kind":"bad_credit_info","ref":"BAD","occurred_on":"2025-02-01","description":"失信"}"#,
    ];
    let text: String = lines.iter().map(|l| l.replacen('{', &format!("{{\"enterprise\":\"{E}\","), 1) + "\n").collect();
    import(&ledger, &[Input::new("related", text)], ts("2025-06-01T00:00:00Z")).unwrap();
    (dir, ledger)
}

fn correction(kind: &str, target: &str, on: &str, rest: &str) -> String {
    format!("{{\"kind\":\"{kind}\",\"ref\":\"X-1\",\"enterprise\":\"{E}\",\"occurred_on\":\"{on}\",\"target\":\"{target}\",{rest}}}")
}

fn refused(ledger: &Ledger, line: &str) -> String {
    let n = ledger.head().unwrap().seq;
    let e = import(ledger, &[Input::new("x", line.to_string())], ts("2025-07-01T00:00:00Z")).unwrap_err().to_string();
    assert_eq!(ledger.head().unwrap().seq, n, "nothing appended");
    e
}

#[test]
fn a_correction_keeps_what_the_fact_aims_at_real_and_of_the_right_kind() {
    let (_d, ledger) = related();
    let dangling = correction("act_changed", "DONE", "2025-05-01", r#""changes":{"target":"NOPE"}"#);
    assert!(refused(&ledger, &dangling).contains("changes.target"), "a completion retargeted at nothing");
    let wrong_kind = correction("act_changed", "DONE", "2025-05-01", r#""changes":{"target":"BAD"}"#);
    let e = refused(&ledger, &wrong_kind);
    assert!(e.contains("changes.target") && e.contains("cannot aim at"), "{e}");
    let order_at_registration = correction("act_changed", "ORD", "2025-05-01", r#""changes":{"target":"REG"}"#);
    assert!(refused(&ledger, &order_at_registration).contains("cannot aim at"));
    let removal_elsewhere = correction("act_changed", "RMV", "2025-05-01", r#""changes":{"target":"NOPE"}"#);
    assert!(refused(&ledger, &removal_elsewhere).contains("changes.target"));
}

#[test]
fn a_correction_cannot_verify_a_licence_never_granted() {
    let (_d, ledger) = related();
    let line = correction("act_changed", "VER", "2025-05-01", r#""changes":{"licence_no":"XK99-999-99999","result":"fail"}"#);
    let e = refused(&ledger, &line);
    assert!(e.contains("changes.licence_no") && e.contains("XK99-999-99999 was not granted"), "{e}");
    // Moving the grant after its verification breaks the verification.
    let late_grant = correction("record_corrected", "LIC", "2025-05-01", r#""error":"clerical","corrected":{"occurred_on":"2024-06-01"}"#);
    let e = refused(&ledger, &late_grant);
    assert!(e.contains("corrected.licence_no") && e.contains("\"VER\""), "{e}");
}

#[test]
fn a_correction_keeps_every_fact_dated_on_or_after_what_it_aims_at() {
    let (_d, ledger) = related();
    // The order moved after its completion.
    let e = refused(&ledger, &correction("record_corrected", "ORD", "2025-05-01", r#""error":"clerical","corrected":{"occurred_on":"2025-03-01"}"#));
    assert!(e.contains("corrected.occurred_on") && e.contains("\"DONE\""), "{e}");
    // The removal moved before its listing.
    let e = refused(&ledger, &correction("record_corrected", "RMV", "2025-05-01", r#""error":"clerical","corrected":{"occurred_on":"2020-01-01"}"#));
    assert!(e.contains("corrected.occurred_on") && e.contains("\"LST\""), "{e}");
    // A fact moved after the correction that moves it.
    let e = refused(&ledger, &correction("record_corrected", "BAD", "2025-05-01", r#""error":"clerical","corrected":{"occurred_on":"2025-06-01"}"#));
    assert!(e.contains("corrected.occurred_on") && e.contains("\"X-1\""), "{e}");
    // Within bounds it is accepted.
    let ok = correction("record_corrected", "ORD", "2025-05-01", r#""error":"clerical","corrected":{"occurred_on":"2025-01-20"}"#);
    import(&ledger, &[Input::new("x", ok)], ts("2025-07-01T00:00:00Z")).unwrap();
}

#[test]
fn a_verification_dated_before_the_grant_is_refused() {
    let (_d, ledger) = related();
    let line = format!("{{\"kind\":\"licence_verification\",\"ref\":\"VER-0\",\"enterprise\":\"{E}\",\"occurred_on\":\"2019-05-01\",\"licence_no\":\"XK16-205-00001\",\"result\":\"fail\"}}");
    let e = refused(&ledger, &line);
    assert!(e.contains("licence_no") && e.contains("not granted to this enterprise on or before 2019-05-01"), "{e}");
}

#[test]
fn a_part_named_twice_and_a_report_filed_within_its_year_are_refused() {
    let (_d, ledger) = setup();
    let twice = format!("{{\"kind\":\"act_partially_revoked\",\"ref\":\"PART\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-04-01\",\"target\":\"PEN\",\"parts\":[\"fine\",\"fine\"]}}");
    assert!(rejected(&ledger, &twice).contains("parts[1]"));
    let early = format!("{{\"kind\":\"self_inspection_report\",\"ref\":\"RPT\",\"enterprise\":\"{E}\",\"occurred_on\":\"2025-05-01\",\"year\":2025,\"filed_on\":\"2025-05-01\"}}");
    let e = rejected(&ledger, &early);
    assert!(e.contains("year") && e.contains("before that year ends"), "{e}");
}

#[test]
fn a_grant_cannot_be_voided_while_a_verification_depends_on_it() {
    let (_d, ledger) = related();
    for line in [
        correction("act_revoked", "LIC", "2025-05-01", r#""reason":"登记错误""#),
        correction("record_corrected", "LIC", "2025-05-01", r#""error":"misjudgment""#),
    ] {
        let e = refused(&ledger, &line);
        assert!(e.contains("target") && e.contains("\"VER\"") && e.contains("correct or void that fact first"), "{e}");
    }
    // Once the verification is voided, the grant may be.
    let both = [
        correction("act_revoked", "VER", "2025-05-01", r#""reason":"核查记录错误""#).replace("X-1", "X-0"),
        correction("act_revoked", "LIC", "2025-05-01", r#""reason":"登记错误""#),
    ]
    .join("\n");
    import(&ledger, &[Input::new("x", both)], ts("2025-07-01T00:00:00Z")).unwrap();
}
