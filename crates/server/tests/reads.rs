//! Reads over real HTTP on 127.0.0.1 (issue 9, items 3, 4 and 6): the CLI's
//! bytes, the K answered, every role's allowed and refused requests.

mod support;

use serde_json::Value;
use support::*;

/// Enterprise 1 (the firm's) and 2 in division 08, 3 in division 09; fines on 1.
fn seeded() -> TestServer {
    let s = TestServer::start();
    let facts08 = registered(1, "08") + &registered(2, "08") + &fine(1, 1, 120_000);
    assert_eq!(s.post(Some(CLERK_08), "/import", &facts08).0, 200);
    assert_eq!(s.post(Some(CLERK_09), "/import", &registered(3, "09")).0, 200);
    s
}

/// What the CLI's command prints on the stopped server's directory.
fn cli(dir: &std::path::Path, command: commands::args::Command) -> (Result<(), commands::CliError>, String) {
    let (r, out, _) = run_command(dir, now(), command);
    (r, out)
}

#[test]
fn issue9_endpoints_answer_the_cli_bytes_at_the_k_they_name() {
    let s = seeded();
    let e1 = uscc(1);
    let (st, h, grade_json) = s.call_full("GET", Some(XPCC), &format!("/grade/{e1}?on=2025-12-31&format=json"), &[], None);
    assert_eq!(st, 200, "{grade_json}");
    assert_eq!(header(&h, "credit-ledger-known-at"), Some("7"));
    assert_eq!(header(&h, "content-type"), Some("application/json"));
    let report: Value = serde_json::from_str(&grade_json).unwrap();
    assert_eq!(report["known_at_seq"], 7);
    let (_, grade_table) = s.get(Some(XPCC), &format!("/grade/{e1}?on=2025-12-31&known_at_seq=4"));
    let (st, h, csv) = s.call_full("GET", Some(XPCC), "/grade-all?on=2025-12-31&format=csv", &[], None);
    assert_eq!(st, 200);
    assert_eq!(header(&h, "content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.lines().count(), 4, "header and three enterprises: {csv}");
    let (_, dossier) = s.get(Some(FIRM), &format!("/dossier/{e1}?format=json"));
    let dir = s.stop();
    use commands::args::*;
    let q = |k: Option<u64>| Question { on: "2025-12-31".into(), known_at_seq: k, known_at: None, rules: None };
    let local = cli(dir.path(), Command::Grade(GradeArgs { uscc: e1.clone(), question: q(None), format: ReportFormat::Json }));
    assert_eq!(local.1, grade_json);
    let local = cli(dir.path(), Command::Grade(GradeArgs { uscc: e1.clone(), question: q(Some(4)), format: ReportFormat::Table }));
    assert_eq!(local.1, grade_table);
    let local = cli(dir.path(), Command::GradeAll(GradeAllArgs { question: q(None), division: None, format: Format::Csv, output: None }));
    assert_eq!(local.1, csv);
    let local = cli(dir.path(), Command::Dossier(DossierArgs { uscc: e1, as_of: None, format: ReportFormat::Json }));
    assert_eq!(local.1, dossier);
}

#[test]
fn issue9_errors_are_problems_with_the_cli_message_and_status() {
    let s = seeded();
    let (st, h, body) = s.call_full("GET", Some(XPCC), &format!("/grade/{}?on=2025-02-30", uscc(1)), &[], None);
    assert_eq!(st, 400, "{body}");
    assert_eq!(header(&h, "content-type"), Some("application/problem+json"));
    let p: Value = serde_json::from_str(&body).unwrap();
    assert!(p["detail"].as_str().unwrap().starts_with("--on: "), "{p}");
    let (st, body) = s.get(Some(XPCC), &format!("/grade/{}?on=2025-12-31", uscc(77)));
    assert_eq!(st, 404, "{body}");
    assert!(body.contains("the ledger has no fact of enterprise"), "{body}");
    assert_eq!(s.get(Some(XPCC), "/grade/123?on=2025-12-31").0, 400);
    assert_eq!(s.get(Some(XPCC), &format!("/grade/{}?on=2025-12-31&known_at_seq=99", uscc(1))).0, 400);
    assert_eq!(s.get(Some(XPCC), &format!("/grade/{}?on=2025-12-31&colour=red", uscc(1))).0, 400);
    assert_eq!(s.get(Some(XPCC), "/rules/no-such-set").0, 404);
    assert_eq!(s.get(Some(XPCC), "/nowhere").0, 404);
    let (st, h, body) = s.call_full("DELETE", Some(XPCC), &format!("/grade/{}", uscc(1)), &[], None);
    assert_eq!((st, header(&h, "content-type")), (405, Some("application/problem+json")), "{body}");
    // A rule-set "file" is never read from the server's disk.
    let (st, body) = s.get(Some(XPCC), &format!("/grade/{}?on=2025-12-31&rules=/etc/passwd.toml", uscc(1)));
    assert_eq!(st, 400, "{body}");
    assert!(body.contains("was not sent with the request"), "{body}");
}

#[test]
fn issue9_every_role_reads_what_it_may_and_is_refused_the_rest_and_the_trail_says_so() {
    let s = seeded();
    let (e1, e2, e3) = (uscc(1), uscc(2), uscc(3));
    let on = "on=2025-12-31";
    let cases: Vec<(&str, String, u16)> = vec![
        // division staff: their division only
        (CLERK_08, format!("/grade/{e1}?{on}"), 200),
        (CLERK_08, format!("/dossier/{e2}"), 200),
        (CLERK_08, format!("/grade/{e3}?{on}"), 403),
        (CLERK_08, format!("/grade-all?{on}&division=08"), 200),
        (CLERK_08, format!("/grade-all?{on}"), 403),
        (CLERK_08, format!("/grade-all?{on}&division=09"), 403),
        (CLERK_08, "/verify".into(), 403),
        (CLERK_08, "/export".into(), 403),
        (READER_09, format!("/grade/{e3}?{on}"), 200),
        (READER_09, format!("/grade/{e1}?{on}"), 403),
        // jurisdiction: every division, no verify
        (XPCC, format!("/grade/{e3}?{on}"), 200),
        (XPCC, format!("/grade-all?{on}"), 200),
        (XPCC, format!("/replay?rules=xpcc-trial&vs_rules=xpcc-revised&{on}"), 200),
        (XPCC, "/verify".into(), 403),
        // enterprise: its own grade and dossier only
        (FIRM, format!("/grade/{e1}?{on}"), 200),
        (FIRM, format!("/dossier/{e1}"), 200),
        (FIRM, format!("/grade/{e2}?{on}"), 403),
        (FIRM, format!("/dossier/{e2}"), 403),
        (FIRM, format!("/grade-all?{on}&division=08"), 403),
        (FIRM, "/events".into(), 403),
        (FIRM, "/rules".into(), 200),
        // auditor: everything, and verify
        (AUDITOR, "/verify?format=json".into(), 200),
        (AUDITOR, format!("/grade/{e2}?{on}"), 200),
        (AUDITOR, "/export".into(), 200),
        (AUDITOR, "/audit?tail=3".into(), 200),
        (XPCC, "/audit".into(), 403),
        (FIRM, "/audit".into(), 403),
    ];
    for (token, path, want) in &cases {
        let (got, body) = s.get(Some(token), path);
        assert_eq!(got, *want, "{token} GET {path}: {body}");
    }
    let (_, trail) = s.get(Some(AUDITOR), "/audit");
    assert!(trail.contains("hash chain intact"), "{trail}");
    assert!(trail.lines().any(|l| l.contains(" firm ") && l.contains("→ 403")), "the trail served shows the refusals: {trail}");
    let (_, verify) = s.get(Some(AUDITOR), "/verify?format=json");
    assert_eq!(serde_json::from_str::<Value>(&verify).unwrap()["ok"], true);
    for (token, path) in [(CLERK_08, "/issue?year=2025"), (AUDITOR, "/issue?year=2025"), (XPCC, "/issue?year=2025")] {
        assert_eq!(s.post(Some(token), path, "").0, 403, "{token} may not issue");
    }
    let dir = s.stop();
    let trail = audit::read(&dir.path().join("ledger.audit.jsonl")).unwrap();
    for (token, path, want) in &cases {
        let who = match *token {
            CLERK_08 => "clerk-08",
            READER_09 => "reader-09",
            XPCC => "xpcc",
            FIRM => "firm",
            _ => "auditor",
        };
        assert!(trail.iter().any(|e| e.who == who && &e.target == path && e.status == *want), "no audit line for {who} {path} {want}");
    }
    let refused = trail.iter().find(|e| e.who == "firm" && e.status == 403 && e.target.starts_with("/grade/")).unwrap();
    assert!(refused.outcome.contains("may not read enterprise"), "{}", refused.outcome);
    let answered = trail.iter().find(|e| e.who == "clerk-08" && e.status == 200 && e.target.starts_with("/grade/")).unwrap();
    assert_eq!(answered.known_at, Some(7), "the K answered is recorded");
}

#[test]
fn issue9_readers_answer_while_a_long_import_runs() {
    let s = seeded();
    let big: String = (0..40_000).map(|k| fine(2, 100 + k, 100 + k % 900)).collect();
    let (url, e1) = (s.url.clone(), uscc(1));
    let done = std::sync::atomic::AtomicBool::new(false);
    let during = std::thread::scope(|scope| {
        let importer = scope.spawn(|| {
            let r = call(&url, "POST", Some(CLERK_08), "/import", &[], Some(&big));
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            r
        });
        let mut during = Vec::new();
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            let (st, h, _) = call(&url, "GET", Some(XPCC), &format!("/grade/{e1}?on=2025-12-31"), &[], None);
            if !done.load(std::sync::atomic::Ordering::SeqCst) {
                during.push((st, header(&h, "credit-ledger-known-at").map(String::from)));
            }
        }
        let (st, _, body) = importer.join().unwrap();
        assert_eq!(st, 200, "{body}");
        during
    });
    assert!(!during.is_empty(), "no grade was answered while the import ran");
    assert!(during.iter().all(|(st, k)| *st == 200 && k.as_deref() == Some("7")), "{during:?}");
    let (_, h, _) = s.call_full("GET", Some(XPCC), &format!("/grade/{}?on=2025-12-31", uscc(1)), &[], None);
    assert_eq!(header(&h, "credit-ledger-known-at"), Some("40007"));
}

#[test]
fn issue9_openapi_document_lists_every_endpoint() {
    let s = TestServer::start();
    let (st, body) = s.get(None, "/openapi.json");
    assert_eq!(st, 200);
    let doc: Value = serde_json::from_str(&body).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in ["/import", "/grade/{uscc}", "/grade-all", "/dossier/{uscc}", "/diff/{uscc}", "/what-if/{uscc}", "/review/{ref}", "/replay", "/verify", "/export", "/audit", "/issue", "/rules", "/rules/{id}", "/rules/diff", "/rules/check", "/rules/adopt", "/events", "/head"] {
        assert!(paths.contains_key(p), "{p} missing from /openapi.json");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn issue9_the_demo_access_file_of_make_serve_holds_the_tokens_its_comments_name() {
    let text = include_str!("../../../fixtures/server/access.toml");
    let list = access::AccessList::parse("fixtures/server/access.toml", text.as_bytes()).unwrap();
    for (token, name) in [("demo-clerk-08", "clerk-08"), ("demo-reader-08", "reader-08"), ("demo-xpcc", "xpcc"), ("demo-auditor", "auditor"), ("demo-firm", "firm-91659001924574FK83")] {
        assert_eq!(list.authenticate(token).map(|p| p.name.as_str()), Some(name), "{token}");
        assert!(text.contains(&format!("# token: {token} ")), "the comment names {token}");
    }
}

#[test]
fn issue9_grade_all_streams_json_lines_one_report_per_line_equal_to_the_json_list() {
    let s = seeded();
    let (st, h, lines) = s.call_full("GET", Some(XPCC), "/grade-all?on=2025-12-31&format=jsonl", &[], None);
    assert_eq!(st, 200, "{lines}");
    assert_eq!(header(&h, "content-type"), Some("application/x-ndjson"));
    let (_, list) = s.get(Some(XPCC), "/grade-all?on=2025-12-31&format=json");
    let list: Vec<Value> = serde_json::from_str(&list).unwrap();
    let each: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(each.len(), 3);
    assert_eq!(each, list, "the same reports, one per line");
    let (st, body) = s.get(Some(XPCC), "/replay?rules=xpcc-trial&vs_rules=xpcc-revised&on=2025-12-31&format=jsonl");
    assert_eq!(st, 400, "{body}");
}
