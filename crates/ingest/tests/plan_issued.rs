//! Issue 11: `import` refuses `plan_issued` lines like `grade_issued` and
//! `rule_set_adopted`: only `plan` writes the kind.

use ingest::{import, ImportError, Input};
use model::Timestamp;
use store::Ledger;

#[test]
fn issue11_import_refuses_a_plan_issued_line_and_appends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let h = "0".repeat(64);
    let good = r#"{"kind":"complaint_verified","ref":"C-1","enterprise":"91660800000007919G","occurred_on":"2025-05-01","channel":"report"}"#;
    let plan = format!(
        r#"{{"kind":"plan_issued","ref":"PLAN-08-2026","enterprise":"11660000MB00000002","occurred_on":"2026-01-05","year":2026,"division":"08","known_at_seq":1,"head_hash":"{h}","salt":"s","rules_id":"xpcc-trial","rules_sha256":"{h}","inspectors":null,"draw_version":1,"engine_version":"credit-ledger test","plan_sha256":"{h}"}}"#
    );
    let now = Timestamp::parse("2026-01-05T09:00:00+08:00").unwrap();
    let input = Input::new("plans.jsonl", format!("{good}\n{plan}\n"));
    match import(&ledger, &[input], now) {
        Err(ImportError::Rejected(r)) => {
            assert_eq!(r.len(), 1, "{r:?}");
            assert_eq!((r[0].line, r[0].field.as_deref()), (2, Some("kind")));
            assert!(r[0].message.contains("only by `plan`"), "{}", r[0].message);
        }
        other => panic!("not rejected: {other:?}"),
    }
    assert_eq!(ledger.head().unwrap().seq.0, 0, "nothing was appended");
}
