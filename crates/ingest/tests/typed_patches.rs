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
    let Body::RecordCorrected(c) = &out.appended[0].fact.body else { panic!("a record_corrected") };
    let p = c.corrected.as_ref().unwrap();
    assert_eq!(p.occurred_on.map(|d| d.to_string()).as_deref(), Some("2025-02-28"));
    let model::BodyPatch::AdministrativePenalty(b) = &p.body else { panic!("typed as a penalty patch") };
    assert_eq!(b.measures.as_ref().unwrap()[0].amount_yuan, Some(Yuan { fen: 10_000_000 }));
    assert_eq!(b.cause, Some(None), "null clears an optional field");
    assert_eq!(b.procedure, None, "an absent field is kept");
}
