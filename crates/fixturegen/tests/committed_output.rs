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
