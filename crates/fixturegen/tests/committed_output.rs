//! The committed fixture is exactly what the generator writes with the
//! documented arguments (so nobody edits it by hand and the seed is honest).

use std::path::Path;
use std::process::Command;

#[test]
fn committed_fixture_matches_the_generator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("facts.jsonl");
    let status = Command::new(env!("CARGO_BIN_EXE_fixturegen"))
        .args(["--seed", "8", "--division", "08", "--enterprises", "220", "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let generated = std::fs::read(&out).unwrap();
    let committed = std::fs::read(root.join("fixtures/division-08/facts.jsonl")).unwrap();
    assert!(generated == committed, "fixtures/division-08/facts.jsonl differs from the generator's output: run `make fixtures`");
}

/// The spreadsheet fixtures (issue 11) too: `fixturegen sheets` rewrites
/// every file of fixtures/sheets byte for byte, the XLSX workbooks included.
#[test]
fn issue11_committed_sheet_fixtures_match_the_generator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_fixturegen")).args(["sheets", "--out"]).arg(dir.path()).stderr(std::process::Stdio::null()).status().unwrap();
    assert!(status.success());
    let names = ["enterprises.jsonl", "sampling-notice.xlsx", "sampling-notice.jsonl", "penalty-list.xlsx", "penalty-list.jsonl"];
    let mut written: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(written, expected);
    for name in names {
        let generated = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(root.join("fixtures/sheets").join(name)).unwrap();
        assert!(generated == committed, "fixtures/sheets/{name} differs from the generator's output: run `make fixtures`");
    }
}
