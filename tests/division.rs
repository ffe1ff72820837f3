//! The fixture division end to end through the library: it imports cleanly
//! and atomically, re-imports as duplicates, and grades into a realistic mix.

use ingest::{import, Input};
use model::{ChinaDate, Timestamp};
use std::collections::BTreeMap;
use std::path::Path;

fn facts() -> Input {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/division-08/facts.jsonl");
    Input::new("facts.jsonl", std::fs::read_to_string(path).unwrap())
}

#[test]
fn fixture_division_imports_grades_and_reimports_as_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = store::Ledger::open(dir.path()).unwrap();
    let now = Timestamp::parse("2026-11-30T00:00:00Z").unwrap();
    let first = import(&ledger, &[facts()], now).unwrap();
    let n = first.appended as usize;
    assert!(n > 5000, "{n} facts");
    assert_eq!(first.duplicates, 0);
    let again = import(&ledger, &[facts()], now).unwrap();
    assert_eq!((again.appended, again.duplicates), (0, n));
    assert_eq!(ledger.verify().unwrap(), n as u64);

    let book = rules::shipped().unwrap();
    let on = ChinaDate::parse_plain("2025-12-31").unwrap();
    let rules = book.in_force(on).unwrap();
    let head = ledger.head().unwrap().seq;
    let mut mix: BTreeMap<String, usize> = BTreeMap::new();
    let mut in_scope = 0;
    for (uscc, records) in ledger.all_by_enterprise(head).unwrap() {
        let r = grading::grade(uscc.as_str(), &records, on, head, rules);
        // The per-enterprise index answers the same question the same way.
        if uscc.as_str().ends_with('7') {
            let one = ledger.enterprise_records(&uscc, head).unwrap();
            assert_eq!(grading::grade(uscc.as_str(), &one, on, head, rules), r);
        }
        if let Some(g) = r.grade {
            in_scope += 1;
            *mix.entry(g.to_string()).or_default() += 1;
        }
    }
    assert!(in_scope >= 200, "{in_scope} licence holders in scope");
    let share = |g: &str| mix.get(g).copied().unwrap_or(0) * 100 / in_scope;
    // A real mix (Xinjiang 2022: A 48.6%, B 41.5%, C 6.4%, D 3.5%).
    assert!((40..=60).contains(&share("A")), "{mix:?}");
    assert!((30..=50).contains(&share("B")), "{mix:?}");
    assert!((3..=10).contains(&share("C")), "{mix:?}");
    assert!((2..=6).contains(&share("D")), "{mix:?}");
}
