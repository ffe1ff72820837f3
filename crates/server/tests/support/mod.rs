//! An in-process server on 127.0.0.1 for the HTTP tests, and facts to send it.
#![allow(dead_code)]

use model::{Timestamp, Uscc};
use server::{Clock, Config};
use std::path::PathBuf;
use std::time::Duration;

/// The tokens of [`ACCESS`]: (token, name).
pub const CLERK_08: &str = "t-clerk-08";
pub const READER_09: &str = "t-reader-09";
pub const CLERK_09: &str = "t-clerk-09";
pub const XPCC: &str = "t-xpcc";
pub const AUDITOR: &str = "t-auditor";
pub const FIRM: &str = "t-firm";

/// The access file of the tests; the firm is enterprise [`uscc`]`(1)`.
pub fn access_toml() -> String {
    let h = access::token_hash;
    format!(
        "[[token]]\nname = \"clerk-08\"\nsha256 = \"{}\"\nrole = \"division\"\ndivision = \"08\"\nwrite = true\n\
         [[token]]\nname = \"reader-09\"\nsha256 = \"{}\"\nrole = \"division\"\ndivision = \"09\"\n\
         [[token]]\nname = \"clerk-09\"\nsha256 = \"{}\"\nrole = \"division\"\ndivision = \"09\"\nwrite = true\n\
         [[token]]\nname = \"xpcc\"\nsha256 = \"{}\"\nrole = \"jurisdiction\"\n\
         [[token]]\nname = \"auditor\"\nsha256 = \"{}\"\nrole = \"auditor\"\n\
         [[token]]\nname = \"firm\"\nsha256 = \"{}\"\nrole = \"enterprise\"\nuscc = \"{}\"\n",
        h(CLERK_08),
        h(READER_09),
        h(CLERK_09),
        h(XPCC),
        h(AUDITOR),
        h(FIRM),
        uscc(1)
    )
}

/// A valid USCC numbered `n`.
pub fn uscc(n: u32) -> String {
    let first17 = format!("916590{n:011}");
    let c = Uscc::check_char(first17.as_bytes()) as char;
    format!("{first17}{c}")
}

/// Enterprise `n` registered in `division` and licensed: two facts.
pub fn registered(n: u32, division: &str) -> String {
    let e = uscc(n);
    let t = "\"recorded_at\":\"2025-06-03T09:00:00+08:00\"";
    format!(
        "{{\"kind\":\"enterprise_registered\",\"ref\":\"REG-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-01-10\",\"name\":\"企业{n}\",\"division\":\"{division}\",\"scale\":\"large\",{t}}}\n\
         {{\"kind\":\"licence_granted\",\"ref\":\"LIC-{e}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2020-02-01\",\"licence_no\":\"XK16-205-{:05}\",\"product\":\"胶合板\",\"category\":\"人造板\",\"valid_from\":\"2020-02-01\",\"valid_to\":\"2029-01-31\",{t}}}\n",
        n % 100_000
    )
}

/// A ¥`yuan` fine of enterprise `n` on 2025-06-01 with ref `PEN-<n>-<k>`.
pub fn fine(n: u32, k: u32, yuan: u32) -> String {
    let e = uscc(n);
    format!(
        "{{\"kind\":\"administrative_penalty\",\"ref\":\"PEN-{n}-{k}\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-06-01\",\"procedure\":\"ordinary\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":{yuan}}}],\"recorded_at\":\"2025-06-03T09:00:00+08:00\"}}\n"
    )
}

/// The tests' fixed "now".
pub fn now() -> Timestamp {
    Timestamp::parse("2026-01-05T10:00:00+08:00").unwrap()
}

/// One command of the CLI on the (stopped) server directory `dir`, at
/// `now`, as `credit-ledger` runs it: (outcome, stdout, stderr).
pub fn run_command(dir: &std::path::Path, now: Timestamp, command: commands::args::Command) -> (Result<(), commands::CliError>, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut ctx = commands::Ctx {
        ledger: commands::Source::Dir(dir.join("ledger")),
        now,
        store: store::StoreKind::Sled,
        out: &mut out,
        err: &mut err,
        progress: false,
        files: commands::Files::Disk,
        known_at: None,
    };
    let r = commands::run(command, &mut ctx);
    (r, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// The scope and grade moves of a `GET /replay?format=json` answer, as
/// the replay page lists them (score-only moves are counted, not listed):
/// (USCC, grade under X, grade under Y; `out` when out of scope), sorted.
pub fn replay_moves(api: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut moves: Vec<(String, String, String)> = api["movers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["change"] != "score")
        .map(|m| {
            let g = |side: &str| m[side]["grade"].as_str().map_or("out".to_string(), str::to_string);
            (m["enterprise"].as_str().unwrap().to_string(), g("x"), g("y"))
        })
        .collect();
    moves.sort();
    moves
}

pub struct TestServer {
    pub url: String,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), server::ServerError>>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(server::DEFAULT_MAX_BODY)
    }

    pub fn start_with(max_body: usize) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        TestServer::start_in(dir, max_body)
    }

    /// A server on the ledger in `dir` (reopened after a stop).
    pub fn start_in(dir: tempfile::TempDir, max_body: usize) -> TestServer {
        let access = access::AccessList::parse("access.toml", access_toml().as_bytes()).unwrap();
        TestServer::start_at(dir, max_body, access, now())
    }

    /// A server on the ledger in `dir` with another access file and clock
    /// (the browser tests: the demo tokens, a "now" after the fixture's last fact).
    pub fn start_at(dir: tempfile::TempDir, max_body: usize, access: access::AccessList, now: Timestamp) -> TestServer {
        let config = Config {
            ledger_dir: dir.path().join("ledger"),
            access,
            audit_path: dir.path().join("ledger.audit.jsonl"),
            clock: Clock::Fixed(now),
            max_body,
            request_timeout: Duration::from_secs(60),
            store: store::StoreKind::Sled,
            max_round: server::writer::MAX_ROUND,
        };
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            rt.block_on(server::serve(config, listener, async move {
                let _ = rx.await;
            }))
        });
        let s = TestServer { url, dir, stop: Some(tx), thread: Some(thread) };
        for _ in 0..500 {
            if s.get(None, "/healthz").0 == 200 {
                return s;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the test server did not come up");
    }

    /// Stops the server (the shutdown path of SIGTERM) and returns its directory.
    pub fn stop(mut self) -> tempfile::TempDir {
        self.shutdown();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().unwrap().unwrap();
        }
    }

    pub fn ledger_dir(&self) -> PathBuf {
        self.dir.path().join("ledger")
    }

    pub fn audit_path(&self) -> PathBuf {
        self.dir.path().join("ledger.audit.jsonl")
    }

    /// GET with an optional token: (status, body).
    pub fn get(&self, token: Option<&str>, path: &str) -> (u16, String) {
        self.call("GET", token, path, &[], None)
    }

    /// POST a body: (status, body).
    pub fn post(&self, token: Option<&str>, path: &str, body: &str) -> (u16, String) {
        self.call("POST", token, path, &[], Some(body))
    }

    pub fn call(&self, method: &str, token: Option<&str>, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, String) {
        let (status, _, body) = self.call_full(method, token, path, headers, body);
        (status, body)
    }

    /// (status, response headers as (lowercase name, value), body).
    pub fn call_full(&self, method: &str, token: Option<&str>, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, Vec<(String, String)>, String) {
        call(&self.url, method, token, path, headers, body)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// One HTTP request with ureq (statuses are answers, not errors).
pub fn call(url: &str, method: &str, token: Option<&str>, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, Vec<(String, String)>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let uri = format!("{url}{path}");
    let mut req = ureq::http::Request::builder().method(method).uri(&uri);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(body.unwrap_or("").to_string()).unwrap();
    let mut resp = agent.run(req).unwrap();
    let status = resp.status().as_u16();
    let hs = resp.headers().iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, hs, text)
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}
