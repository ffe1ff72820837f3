//! Issue 9, item 7: the command line as a client. With `--server URL`
//! every command runs through `credit-ledger serve` and prints exactly
//! what it prints on a ledger directory: the same stdout bytes, the same
//! stderr lines, the same exit code.
//!
//! Each test runs the real binary. The comparison runs twin directories
//! `a/` and `b/` with the same relative names (`ledger`, `facts.jsonl`, …)
//! so that paths in output match: a server (a child process) holds
//! `a/ledger`, the client runs in `a/`, the local command on `b/ledger` in
//! `b/`, both at the same fixed "now"; both ledgers take the same writes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;
use support::{bin_at, fixtures};

const NOW: &str = "2026-11-20T10:00:00+08:00";
/// An enterprise of the fixture division (in scope, graded in 2025).
const E: &str = "91659001924574FK83";
/// The adopting authority of `rules adopt` (a government organ's USCC).
const AUTH: &str = "11660000MB00000002";
/// Tokens of the access file: division 08 staff who append, XPCC staff who
/// issue and adopt, an auditor, enterprise `E`.
const CLERK: &str = "t-clerk-08";
const XPCC: &str = "t-xpcc";
const AUDITOR: &str = "t-auditor";
const FIRM: &str = "t-firm";

fn access_toml() -> String {
    let h = access::token_hash;
    format!(
        "[[token]]\nname = \"clerk-08\"\nsha256 = \"{}\"\nrole = \"division\"\ndivision = \"08\"\nwrite = true\n\
         [[token]]\nname = \"xpcc\"\nsha256 = \"{}\"\nrole = \"jurisdiction\"\nwrite = true\n\
         [[token]]\nname = \"auditor\"\nsha256 = \"{}\"\nrole = \"auditor\"\n\
         [[token]]\nname = \"firm\"\nsha256 = \"{}\"\nrole = \"enterprise\"\nuscc = \"{E}\"\n",
        h(CLERK),
        h(XPCC),
        h(AUDITOR),
        h(FIRM)
    )
}

/// `credit-ledger serve` as a child process on 127.0.0.1, port chosen by the system.
struct Served {
    child: Child,
    /// Its stdout, kept open: it prints a last line when it stops.
    stdout: BufReader<ChildStdout>,
    url: String,
}

impl Served {
    /// Serves `cwd/ledger` (created if missing) at the fixed "now", with
    /// the tests' access file, from the directory `cwd`.
    fn start(cwd: &Path) -> Served {
        std::fs::write(cwd.join("access.toml"), access_toml()).unwrap();
        let mut child = bin_at(NOW)
            .args(["--now", NOW, "serve", "--listen", "127.0.0.1:0", "--access", "access.toml", "--ledger", "ledger"])
            .current_dir(cwd)
            .env_remove("CREDIT_LEDGER_SERVER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        // "credit-ledger: serving the ledger at ledger on http://127.0.0.1:PORT (audit trail …); …"
        let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("no URL in {first:?}")).to_string();
        Served { child, stdout, url }
    }

    /// SIGTERM, then waits: the server drains and exits 0.
    fn stop(mut self) {
        let pid = self.child.id() as libc::pid_t;
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let status = self.child.wait().unwrap();
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut self.stdout, &mut rest);
        assert!(status.success(), "the server exited with {status}: {rest}");
        assert!(rest.contains("stopped"), "{rest}");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
            let _ = self.child.wait();
        }
    }
}

/// The twin directories and the server on `a/ledger`.
struct Twins {
    _root: tempfile::TempDir,
    a: PathBuf,
    b: PathBuf,
    server: Option<Served>,
}

impl Twins {
    fn new() -> Twins {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        for d in [&a, &b] {
            std::fs::create_dir(d).unwrap();
            std::fs::copy(fixtures().join("division-08/facts.jsonl"), d.join("facts.jsonl")).unwrap();
        }
        let server = Some(Served::start(&a));
        Twins { _root: root, a, b, server }
    }

    fn url(&self) -> String {
        self.server.as_ref().unwrap().url.clone()
    }

    /// Writes `name` with `text` in both directories.
    fn file(&self, name: &str, text: &str) {
        for d in [&self.a, &self.b] {
            std::fs::write(d.join(name), text).unwrap();
        }
    }

    /// Runs `args` through the server (token `token`) and locally, with
    /// `stdin`; asserts the same stdout, stderr and exit code; returns them.
    fn both_with(&self, token: &str, args: &[&str], stdin: &[u8]) -> Output {
        let mut client = bin_at(NOW);
        client.current_dir(&self.a).env_remove("CREDIT_LEDGER_SERVER").env("CREDIT_LEDGER_TOKEN", token).arg("--server").arg(self.url()).args(args);
        let mut local = bin_at(NOW);
        local.current_dir(&self.b).env_remove("CREDIT_LEDGER_SERVER").env_remove("CREDIT_LEDGER_TOKEN").args(["--ledger", "ledger", "--now", NOW]).args(args);
        let (through, here) = (run(client, stdin), run(local, stdin));
        let shown = |o: &Output| format!("exit {:?}\n--- stdout\n{}\n--- stderr\n{}", o.status.code(), String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(
            through.stdout == here.stdout && through.stderr == here.stderr && through.status.code() == here.status.code(),
            "`{}` differs through the server:\n{}\n=== locally:\n{}",
            args.join(" "),
            shown(&through),
            shown(&here)
        );
        through
    }

    fn both(&self, token: &str, args: &[&str]) -> Output {
        self.both_with(token, args, b"")
    }

    /// Runs `args` only through the server.
    fn through(&self, token: Option<&str>, args: &[&str]) -> Output {
        let mut c = bin_at(NOW);
        c.current_dir(&self.a).env_remove("CREDIT_LEDGER_SERVER").env_remove("CREDIT_LEDGER_TOKEN").arg("--server").arg(self.url()).args(args);
        if let Some(t) = token {
            c.env("CREDIT_LEDGER_TOKEN", t);
        }
        run(c, b"")
    }
}

fn run(mut c: Command, stdin: &[u8]) -> Output {
    let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A ¥`yuan` fine of `E` on `on` with ref `r`.
fn fine(r: &str, on: &str, yuan: &str) -> String {
    format!("{{\"kind\":\"administrative_penalty\",\"ref\":\"{r}\",\"enterprise\":\"{E}\",\"occurred_on\":\"{on}\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":{yuan}}}]}}\n")
}

#[test]
fn issue9_every_command_through_the_server_prints_what_it_prints_locally() {
    let mut t = Twins::new();
    t.file("fine.jsonl", &fine("PEN-C-1", "2025-06-01", "120000"));
    t.file("bad.jsonl", &(fine("PEN-C-2", "2025-06-01", "\"much\"") + "not json\n"));
    t.file("事实 2.jsonl", &fine("PEN-C-3", "2025-07-01", "1000"));
    t.file("more.jsonl", &fine("PEN-C-4", "2025-08-01", "2000"));

    // import: one file, again as duplicates (json), several files with a
    // rejected one (atomic: nothing appended, each file and line named), a
    // missing file, several files, stdin.
    let o = t.both(CLERK, &["import", "facts.jsonl"]);
    assert!(text(&o.stdout).starts_with("appended 5148, duplicates 0, rejected 0, seqs 1..=5148"), "{}", text(&o.stdout));
    t.both(CLERK, &["import", "facts.jsonl", "--format", "json"]);
    let o = t.both(CLERK, &["import", "fine.jsonl", "bad.jsonl"]);
    assert_eq!(code(&o), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("bad.jsonl:1: field `"), "{err}");
    assert!(err.contains("bad.jsonl:2: "), "{err}");
    assert!(err.ends_with("credit-ledger: 2 line(s) rejected, listed above; nothing was appended\n"), "{err}");
    assert_eq!(code(&t.both(CLERK, &["import", "fine.jsonl", "missing.jsonl"])), Some(2));
    let o = t.both(CLERK, &["import", "fine.jsonl", "事实 2.jsonl"]);
    assert!(text(&o.stdout).starts_with("appended 2, duplicates 0"), "the rejected import appended nothing: {}", text(&o.stdout));
    let o = t.both_with(CLERK, &["import", "-"], fine("PEN-C-5", "2025-09-01", "3000").as_bytes());
    assert!(text(&o.stdout).starts_with("appended 1,"), "{}", text(&o.stdout));

    // The questions, their formats and their refusals.
    t.both(XPCC, &["grade", E, "--on", "2025-12-31"]);
    t.both(XPCC, &["grade", E, "--on", "2025-12-31", "--format", "json", "--known-at-seq", "5000"]);
    t.both(XPCC, &["grade", E, "--on", "2025-12-31", "--rules", "xpcc-trial", "--known-at", "2025-01-01T00:00:00+08:00"]);
    assert_eq!(code(&t.both(XPCC, &["grade", "91659001924574FK84", "--on", "2025-12-31"])), Some(2));
    assert_eq!(code(&t.both(XPCC, &["grade", E, "--on", "2025-13-01"])), Some(2));
    assert_eq!(code(&t.both(XPCC, &["grade", E, "--on", "2025-12-31", "--known-at-seq", "999999"])), Some(2));
    for format in ["table", "json", "csv"] {
        t.both(XPCC, &["grade-all", "--on", "2025-12-31", "--format", format]);
    }
    t.both(XPCC, &["grade-all", "--on", "2025-12-31", "--division", "08", "--format", "csv", "--output", "all.csv"]);
    assert_eq!(std::fs::read(t.a.join("all.csv")).unwrap(), std::fs::read(t.b.join("all.csv")).unwrap());
    assert_eq!(code(&t.both(XPCC, &["grade-all", "--on", "2025-12-31", "--output", "no/such/dir.csv"])), Some(2));
    t.both(XPCC, &["dossier", E]);
    t.both(XPCC, &["dossier", E, "--as-of", "2025-06-30", "--format", "json"]);
    t.both(XPCC, &["diff", E, "--on", "2025-12-31", "--vs-known-at-seq", "5000"]);
    t.both(XPCC, &["diff", E, "--on", "2025-12-31", "--vs-rules", "xpcc-trial", "--format", "json"]);
    t.both(XPCC, &["diff", E, "--on", "2025-12-31", "--vs-on", "2024-12-31"]);
    t.both(XPCC, &["what-if", E, "--on", "2025-12-31", "--with", "more.jsonl"]);
    t.both(XPCC, &["what-if", E, "--on", "2025-12-31", "--with", "more.jsonl", "--with", "fine.jsonl", "--format", "json"]);
    let o = t.both(XPCC, &["what-if", E, "--on", "2025-12-31", "--with", "more.jsonl", "--with", "bad.jsonl"]);
    assert!(code(&o) == Some(2) && text(&o.stderr).contains("bad.jsonl:2: "), "{}", text(&o.stderr));
    t.both_with(XPCC, &["what-if", E, "--on", "2025-12-31", "--with", "-"], fine("PEN-C-6", "2025-10-01", "500").as_bytes());

    // The annual run, and the review of one of its decisions.
    let o = t.both(XPCC, &["issue", "--year", "2025"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    t.both(XPCC, &["issue", "--year", "2025", "--format", "json"]);
    let decision = format!("GRADE-2025-{E}-1");
    t.both(XPCC, &["review", &decision]);
    t.both(XPCC, &["review", &decision, "--format", "json"]);
    assert_eq!(code(&t.both(XPCC, &["review", "NO-SUCH-REF"])), Some(2));

    // Replay of the whole division under two rule sets.
    for format in ["table", "csv", "json"] {
        t.both(XPCC, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--format", format]);
    }
    t.both(XPCC, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--official-run"]);
    t.both(XPCC, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--known-at-seq", "5100", "--division", "08"]);

    // Rule sets: list, show, diff, check (a good and a bad file), adopt.
    let shipped = std::fs::read_to_string(fixtures().join("rules/xpcc-revised.toml")).unwrap();
    let draft = shipped.replace("id = \"xpcc-revised\"", "id = \"xpcc-2027\"");
    assert_ne!(draft, shipped);
    t.file("xpcc-2027.toml", &draft);
    t.file("broken.toml", &shipped.replace("id = \"xpcc-revised\"", "id = 7"));
    t.both(XPCC, &["rules"]);
    t.both(XPCC, &["rules", "list", "--format", "json"]);
    t.both(XPCC, &["rules", "show", "xpcc-trial"]);
    t.both(XPCC, &["rules", "show", "xpcc-revised", "--format", "json"]);
    t.both(XPCC, &["rules", "diff", "xpcc-trial", "xpcc-revised"]);
    t.both(XPCC, &["rules", "diff", "xpcc-trial", "xpcc-revised", "--format", "json"]);
    t.both(XPCC, &["rules", "check", "xpcc-2027.toml"]);
    assert_eq!(code(&t.both(XPCC, &["rules", "check", "broken.toml"])), Some(2));
    assert_eq!(code(&t.both(XPCC, &["rules", "check", "broken.toml", "--format", "json"])), Some(2));
    assert_eq!(code(&t.both(XPCC, &["rules", "check", "missing.toml"])), Some(2));
    let o = t.both(XPCC, &["rules", "adopt", "xpcc-2027.toml", "--effective-from", "2027-01-01", "--authority", AUTH]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    t.both(XPCC, &["rules"]);
    t.both(XPCC, &["rules", "show", "xpcc-2027"]);

    // The auditor's verify, and the export, to a file and to stdout.
    t.both(AUDITOR, &["verify"]);
    t.both(AUDITOR, &["verify", "--format", "json"]);
    // The server's own audit trail, for auditors only.
    let o = t.through(Some(AUDITOR), &["audit", "--tail", "2"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("hash chain intact") && text(&o.stdout).contains("auditor"), "{}", text(&o.stdout));
    assert_eq!(code(&t.through(Some(XPCC), &["audit"])), Some(2));
    let o = t.both(XPCC, &["export", "archive.jsonl"]);
    assert!(text(&o.stdout).starts_with("exported "), "{}", text(&o.stdout));
    assert_eq!(std::fs::read(t.a.join("archive.jsonl")).unwrap(), std::fs::read(t.b.join("archive.jsonl")).unwrap());
    t.both(XPCC, &["export", "-"]);
    t.both(XPCC, &["verify", "--archive", "archive.jsonl"]);

    // What only the server refuses: rights (403) and a missing token (401), exit 2.
    let o = t.through(Some(FIRM), &["grade", "91659001016329J41B", "--on", "2025-12-31"]);
    assert_eq!(code(&o), Some(2));
    assert!(text(&o.stderr).starts_with("credit-ledger: token \"firm\" (enterprise) may not read enterprise"), "{}", text(&o.stderr));
    t.both(FIRM, &["grade", E, "--on", "2025-12-31"]);
    let o = t.through(None, &["rules"]);
    assert_eq!(code(&o), Some(2));
    assert_eq!(text(&o.stderr), "credit-ledger: a valid bearer token is required (Authorization: Bearer …); $CREDIT_LEDGER_TOKEN is not set\n");
    assert!(o.stdout.is_empty());
    let o = t.through(Some(XPCC), &["grade", E, "--on", "2025-12-31", "--rules", "xpcc-2027.toml"]);
    assert_eq!(code(&o), Some(2));
    assert!(text(&o.stderr).contains("--rules xpcc-2027.toml: a rule-set file is not sent to a server"), "{}", text(&o.stderr));

    t.server.take().unwrap().stop();
    // Both ledgers took the same writes.
    assert_eq!(
        support::ok(bin_at(NOW).args(["--ledger", "a/ledger", "verify"]).current_dir(t.a.parent().unwrap()).output().unwrap()).split(" hash ").nth(1),
        support::ok(bin_at(NOW).args(["--ledger", "b/ledger", "verify"]).current_dir(t.b.parent().unwrap()).output().unwrap()).split(" hash ").nth(1)
    );
}

#[test]
fn issue9_a_local_command_on_a_directory_a_server_holds_names_its_url_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path());
    let started = Instant::now();
    let o = bin_at(NOW).current_dir(dir.path()).env_remove("CREDIT_LEDGER_SERVER").args(["--ledger", "ledger", "rules"]).output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "it waited {:?}", started.elapsed());
    assert_eq!(code(&o), Some(1));
    let err = text(&o.stderr);
    assert_eq!(
        err,
        format!("credit-ledger: the ledger at ledger is held by the server at {0}; run the command through it: --server {0} (token in $CREDIT_LEDGER_TOKEN)\n", served.url)
    );
    // …and through it (the URL as printed, from $CREDIT_LEDGER_SERVER) it answers.
    let o = bin_at(NOW).current_dir(dir.path()).env("CREDIT_LEDGER_SERVER", &served.url).env("CREDIT_LEDGER_TOKEN", XPCC).args(["rules"]).output().unwrap();
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("xpcc-revised"));
    served.stop();
}

#[test]
fn issue9_an_unreachable_server_is_one_sentence_and_exit_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let o = bin_at(NOW).env("CREDIT_LEDGER_TOKEN", XPCC).args(["--server", &url, "grade", E, "--on", "2025-12-31"]).output().unwrap();
    assert_eq!(code(&o), Some(1));
    let err = text(&o.stderr);
    assert!(err.starts_with(&format!("credit-ledger: cannot reach the server at {url}: ")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn issue9_commands_of_a_local_directory_or_file_are_refused_through_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let url = "http://127.0.0.1:9";
    let refused = |args: &[&str], says: &str| {
        let o = bin_at(NOW).current_dir(dir.path()).env_remove("CREDIT_LEDGER_SERVER").args(["--server", url]).args(args).output().unwrap();
        assert_eq!(code(&o), Some(2), "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(err.starts_with("credit-ledger: ") && err.contains(says) && err.lines().count() == 1, "{args:?}: {err}");
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "{args:?} wrote something");
    };
    refused(&["restore", "archive.jsonl"], "restore is not available through a server");
    refused(&["migrate", "--from", "old", "--to", "new"], "migrate is not available through a server");
    refused(&["audit", "--audit", "trail.jsonl"], "audit --audit FILE is not available through a server");
    refused(&["serve", "--access", "access.toml"], "serve is not available through a server");
    refused(&["--ledger", "ledger", "rules"], "--ledger is the server's");
    refused(&["--now", NOW, "rules"], "--now is the server's");
    refused(&["review", "GRADE-1", "--rules", "mine.toml"], "review --rules mine.toml: a rule-set file is not sent to a server");
    refused(&["replay", "--rules", "x.toml", "--vs-rules", "xpcc-revised", "--on", "2025-12-31"], "--rules x.toml: a rule-set file is not sent to a server");
    refused(&["rules", "diff", "a.toml", "xpcc-revised"], "rules diff a.toml: a rule-set file is not sent to a server");
    refused(&["import", "missing.jsonl"], "cannot read missing.jsonl: ");
    // `serve` itself ignores $CREDIT_LEDGER_SERVER (it is the server).
    let o = bin_at(NOW).current_dir(dir.path()).env("CREDIT_LEDGER_SERVER", url).args(["serve", "--access", "none.toml"]).output().unwrap();
    assert!(text(&o.stderr).contains("--access none.toml"), "{}", text(&o.stderr));
}
