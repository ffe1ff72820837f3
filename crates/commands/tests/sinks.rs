//! The commands write to the sinks they are given and read the ledger they
//! are given (issue 9): a server holding the ledger open gets, byte for
//! byte, what the binary prints for the same question.

use clap::Parser;
use commands::args::{Command, GradeArgs, Question, ReportFormat};
use commands::{CliError, Ctx, Source};
use model::Seq;
use std::path::{Path, PathBuf};
use store::Ledger;

#[path = "support/mod.rs"]
mod support;
use support::run_on;
/// An enterprise of the fixture division.
const USCC: &str = "91659001924574FK83";


/// The command of `credit-ledger ARGS…`, parsed as the binary parses it.
fn parse(args: &[&str]) -> Command {
    commands::args::Cli::try_parse_from(std::iter::once("credit-ledger").chain(args.iter().copied())).unwrap().command
}

fn fixture_ledger(tmp: &Path) -> PathBuf {
    let dir = tmp.join("ledger");
    let facts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/division-08/facts.jsonl");
    let ran = run_on(Source::Dir(dir.clone()), parse(&["import", facts.to_str().unwrap()]));
    assert!(ran.result.is_ok(), "{:?} {}", ran.result, String::from_utf8_lossy(&ran.err));
    assert!(String::from_utf8(ran.out).unwrap().starts_with("appended 5148, duplicates 0, rejected 0, seqs 1..=5148"));
    dir
}

/// A grade built field by field, as a server builds it from a query.
fn grade(format: ReportFormat) -> Command {
    let question = Question { on: "2025-12-31".into(), known_at_seq: None, known_at: None, rules: None };
    Command::Grade(GradeArgs { uscc: USCC.into(), question, format })
}

#[test]
fn issue9_commands_write_to_injected_sinks() {
    // A server moves a command, with its Ctx, onto a blocking thread.
    fn send<T: Send>() {}
    send::<Ctx<'static>>();
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture_ledger(tmp.path());
    let csv = || parse(&["grade-all", "--on", "2025-12-31", "--format", "csv"]);
    // The binary's way: each command opens the directory itself.
    let by_dir = [grade(ReportFormat::Table), grade(ReportFormat::Json), csv()].map(|c| run_on(Source::Dir(dir.clone()), c));
    // The server's way: one ledger held open, shared by every command.
    let ledger = Ledger::open(&dir).unwrap();
    let head = ledger.head().unwrap().seq;
    assert_eq!(head, Seq(5148));
    let shared = [grade(ReportFormat::Table), grade(ReportFormat::Json), csv()].map(|c| run_on(Source::Shared(&ledger), c));
    for (d, s) in by_dir.iter().zip(&shared) {
        assert!(d.result.is_ok() && s.result.is_ok(), "{:?} {:?}", d.result, s.result);
        assert!(!s.out.is_empty());
        assert_eq!(String::from_utf8_lossy(&d.out), String::from_utf8_lossy(&s.out), "stdout differs between Dir and Shared");
        assert_eq!(d.err, s.err);
        assert_eq!((d.known_at, s.known_at), (Some(head), Some(head)), "K answered is the head");
    }
    let table = String::from_utf8_lossy(&shared[0].out);
    assert!(table.contains(USCC), "{table}");
    let json: serde_json::Value = serde_json::from_slice(&shared[1].out).unwrap();
    assert_eq!(json["enterprise"], USCC);
    assert_eq!(json["known_at_seq"], 5148);
    let csv = String::from_utf8_lossy(&shared[2].out);
    assert!(csv.starts_with("enterprise,") && csv.lines().count() > 100, "{csv}");
    assert!(csv.lines().any(|l| l.starts_with(USCC)));

    // An older knowledge cut is the K reported.
    let older = run_on(Source::Shared(&ledger), parse(&["grade", USCC, "--on", "2025-12-31", "--known-at-seq", "4000"]));
    assert!(older.result.is_ok(), "{:?}", older.result);
    assert_eq!(older.known_at, Some(Seq(4000)));
}

#[test]
fn issue9_a_missing_thing_is_not_found_and_server_only_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture_ledger(tmp.path());
    let ledger = Ledger::open(&dir).unwrap();
    let not_found = |args: &[&str]| match run_on(Source::Shared(&ledger), parse(args)).result {
        Err(e @ CliError::NotFound(_)) => {
            assert_eq!(e.exit_code(), 2, "exit codes do not change");
            e.to_string()
        }
        other => panic!("{args:?}: expected NotFound, got {other:?}"),
    };
    assert_eq!(not_found(&["grade", "91660800000007919G", "--on", "2025-12-31"]), "the ledger has no fact of enterprise 91660800000007919G");
    assert!(not_found(&["review", "NO-SUCH-REF"]).contains("no fact with ref \"NO-SUCH-REF\""));
    assert!(not_found(&["grade", USCC, "--on", "2025-12-31", "--rules", "xpcc-nonesuch"]).contains("xpcc-nonesuch"));
    // A malformed USCC is rejected input, not a missing thing.
    assert!(matches!(run_on(Source::Shared(&ledger), parse(&["grade", "nope", "--on", "2025-12-31"])).result, Err(CliError::Rejected(_))));
    // restore and migrate need the directory to themselves.
    for args in [&["restore", "archive.jsonl"][..], &["migrate", "--from", "a", "--to", "b"]] {
        match run_on(Source::Shared(&ledger), parse(args)).result {
            Err(CliError::Rejected(m)) => assert!(m.contains("is not available through a server"), "{m}"),
            other => panic!("{args:?}: {other:?}"),
        }
    }
    assert_eq!(ledger.head().unwrap().seq, Seq(5148), "nothing written");
}

#[test]
fn issue9_import_on_a_shared_ledger_writes_rejections_to_err() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture_ledger(tmp.path());
    let ledger = Ledger::open(&dir).unwrap();
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"kind\":\"no_such_kind\"}\n").unwrap();
    let ran = run_on(Source::Shared(&ledger), parse(&["import", bad.to_str().unwrap()]));
    match ran.result {
        Err(CliError::Rejected(m)) => assert_eq!(m, "1 line(s) rejected, listed above; nothing was appended"),
        other => panic!("{other:?}"),
    }
    let err = String::from_utf8(ran.err).unwrap();
    assert!(err.starts_with(bad.to_str().unwrap()) && err.ends_with('\n') && err.lines().count() == 1, "{err}");
    assert!(ran.out.is_empty());
    // The same facts again: all duplicates, through the shared ledger.
    let facts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/division-08/facts.jsonl");
    let again = run_on(Source::Shared(&ledger), parse(&["import", facts.to_str().unwrap(), "--format", "json"]));
    assert!(again.result.is_ok(), "{:?}", again.result);
    assert_eq!(String::from_utf8(again.out).unwrap(), "{\"appended\":0,\"duplicates\":5148,\"first_seq\":null,\"last_seq\":null}\n");
    assert_eq!(ledger.head().unwrap().seq, Seq(5148));
}
