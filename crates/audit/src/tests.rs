//! The chain finds every kind of tampering (issue 9, item 6).

use super::*;

fn req(who: &str, status: u16) -> Request {
    Request {
        at: "2026-12-01T14:00:00+08:00".into(),
        who: who.into(),
        role: "division".into(),
        method: "GET".into(),
        target: "/grade/91659001924574FK83".into(),
        known_at: Some(7),
        status,
        outcome: "graded".into(),
    }
}

fn trail_of(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut t = Trail::open(&path).unwrap();
    for i in 0..n {
        t.append(req(&format!("u{i}"), 200)).unwrap();
    }
    t.sync().unwrap();
    (dir, path)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(String::from).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

#[test]
fn issue9_audit_chain_reads_back_and_continues_after_reopen() {
    let (_d, path) = trail_of(3);
    {
        let mut t = Trail::open(&path).unwrap();
        let e = t.append(req("late", 403)).unwrap();
        assert_eq!(e.n, 4);
    }
    let all = read(&path).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].prev, GENESIS);
    assert_eq!(all[3].prev, all[2].hash);
    assert_eq!((all[3].who.as_str(), all[3].status, all[3].known_at), ("late", 403, Some(7)));
    assert!(read(&path.with_extension("missing")).unwrap().is_empty());
}

#[test]
fn issue9_audit_changed_removed_or_reordered_lines_are_found() {
    let (_d, path) = trail_of(3);
    let orig = lines(&path);
    let mut changed = orig.clone();
    changed[1] = changed[1].replace("\"status\":200", "\"status\":201");
    write_lines(&path, &changed);
    assert!(matches!(read(&path), Err(AuditError::Broken { line: 2, .. })), "{:?}", read(&path));
    write_lines(&path, &[orig[0].clone(), orig[2].clone()]);
    assert!(matches!(read(&path), Err(AuditError::Broken { line: 2, .. })));
    write_lines(&path, &[orig[1].clone(), orig[0].clone(), orig[2].clone()]);
    assert!(matches!(read(&path), Err(AuditError::Broken { line: 1, .. })));
    // A line re-hashed after a change still breaks the link to the next one.
    let mut e: Entry = serde_json::from_str(&orig[1]).unwrap();
    e.who = "someone else".into();
    e.hash = e.expected_hash();
    write_lines(&path, &[orig[0].clone(), serde_json::to_string(&e).unwrap(), orig[2].clone()]);
    assert!(matches!(read(&path), Err(AuditError::Broken { line: 3, .. })));
    write_lines(&path, &orig);
    assert_eq!(read(&path).unwrap().len(), 3);
}

#[test]
fn issue9_audit_torn_last_line_is_cut_on_open_and_the_file_is_locked() {
    let (_d, path) = trail_of(2);
    let mut f = OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(b"{\"n\":3,\"at\":\"2026").unwrap();
    drop(f);
    assert_eq!(read(&path).unwrap().len(), 2, "an incomplete last line is not an entry");
    let mut t = Trail::open(&path).unwrap();
    assert!(matches!(Trail::open(&path), Err(AuditError::Locked { .. })));
    assert_eq!(t.append(req("next", 200)).unwrap().n, 3);
    drop(t);
    assert_eq!(read(&path).unwrap().len(), 3);
}

#[test]
fn issue9_audit_default_place_is_beside_the_ledger_and_unreadable_is_an_error() {
    assert_eq!(default_path(Path::new("target/run/ledger")), PathBuf::from("target/run/ledger.audit.jsonl"));
    let (_d, path) = trail_of(1);
    // Not a missing file (an empty trail) but one that cannot be opened.
    assert!(matches!(read(&path.join("below-a-file")), Err(AuditError::Io { .. })));
}
