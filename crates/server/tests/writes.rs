//! Appends over real HTTP on 127.0.0.1 (issue 9, items 2 and 6, "Bad input and failure").

mod support;

use serde_json::Value;
use support::*;

#[test]
fn issue9_import_appends_and_answers_like_the_cli() {
    let s = TestServer::start();
    let (status, headers, body) = s.call_full("POST", Some(CLERK_08), "/import?name=a.jsonl", &[], Some(&registered(1, "08")));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "appended 2, duplicates 0, rejected 0, seqs 1..=2\n");
    assert_eq!(header(&headers, "credit-ledger-head"), Some("2"));
    let (status, body) = s.post(Some(CLERK_08), "/import?format=json", &(registered(1, "08") + &fine(1, 1, 5000)));
    assert_eq!(status, 200, "{body}");
    let j: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(j, serde_json::json!({"appended": 1, "duplicates": 2, "first_seq": 3, "last_seq": 3}));
    let (_, head) = s.get(Some(XPCC), "/head");
    assert_eq!(serde_json::from_str::<Value>(&head).unwrap()["seq"], 3);
}

#[test]
fn issue9_rejected_line_is_a_problem_naming_line_and_field_and_nothing_is_written() {
    let s = TestServer::start();
    let bad = registered(1, "08") + &fine(1, 1, 5000).replace("\"2025-06-01\"", "\"2025-02-30\"");
    let (status, headers, body) = s.call_full("POST", Some(CLERK_08), "/import?name=notice.jsonl", &[], Some(&bad));
    assert_eq!(status, 400, "{body}");
    assert_eq!(header(&headers, "content-type"), Some("application/problem+json"));
    let p: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["status"], 400);
    assert_eq!(p["detail"], "1 line(s) rejected, listed above; nothing was appended");
    assert_eq!(p["rejections"][0]["file"], "notice.jsonl");
    assert_eq!(p["rejections"][0]["line"], 3);
    assert_eq!(p["rejections"][0]["field"], "occurred_on");
    assert!(p["rejections"][0]["text"].as_str().unwrap().starts_with("notice.jsonl:3: field `occurred_on`: "), "{p}");
    let (_, head) = s.get(Some(XPCC), "/head");
    assert_eq!(serde_json::from_str::<Value>(&head).unwrap()["seq"], 0, "nothing written");
    let (status, body) = s.post(Some(CLERK_08), "/import", "{not json\n");
    assert_eq!(status, 400, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["rejections"][0]["line"], 1);
}

#[test]
fn issue9_body_over_the_limit_is_413_before_it_is_read() {
    let s = TestServer::start_with(4096);
    let big = (0..40).map(|i| fine(1, i, 100)).collect::<String>();
    assert!(big.len() > 4096);
    let (status, body) = s.post(Some(CLERK_08), "/import", &big);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("larger than the limit of 4096 bytes"), "{body}");
    let (_, head) = s.get(Some(XPCC), "/head");
    assert_eq!(serde_json::from_str::<Value>(&head).unwrap()["seq"], 0);
    // A declared length over the limit is answered without waiting for the body.
    use std::io::{Read, Write};
    let mut tcp = std::net::TcpStream::connect(s.url.trim_start_matches("http://")).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let head = format!("POST /import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {CLERK_08}\r\nContent-Length: 100000000\r\n\r\n{{\"kind\"");
    tcp.write_all(head.as_bytes()).unwrap();
    let mut answer = [0u8; 12];
    tcp.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 413");
}

#[test]
fn issue9_exactly_one_of_20_conflicting_expected_version_appends_wins() {
    let s = TestServer::start();
    assert_eq!(s.post(Some(CLERK_08), "/import", &registered(1, "08")).0, 200);
    let e = uscc(1);
    let url = s.url.clone();
    let answers: Vec<(u16, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|k| {
                let (url, e) = (url.clone(), e.clone());
                scope.spawn(move || {
                    let path = format!("/import?expected_enterprise={e}&expected_version=2");
                    let (st, _, b) = call(&url, "POST", Some(CLERK_08), &path, &[], Some(&fine(1, k, 1000 + k)));
                    (st, b)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won: Vec<_> = answers.iter().filter(|(st, _)| *st == 200).collect();
    let lost: Vec<_> = answers.iter().filter(|(st, _)| *st == 409).collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    assert_eq!(lost.len(), 19, "{answers:?}");
    assert!(lost[0].1.contains("expected_version 2 of enterprise") && lost[0].1.contains("its last record is seq 3"), "{}", lost[0].1);
    let (_, head) = s.get(Some(XPCC), "/head");
    assert_eq!(serde_json::from_str::<Value>(&head).unwrap()["seq"], 3, "one fine appended, not 20");
}

#[test]
fn issue9_stale_expected_head_is_409_and_writes_nothing() {
    let s = TestServer::start();
    assert_eq!(s.post(Some(CLERK_08), "/import?expected_head=0", &registered(1, "08")).0, 200);
    let (status, body) = s.post(Some(CLERK_08), "/import?expected_head=0", &fine(1, 1, 100));
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("expected_head 0 is stale: the ledger head is seq 2"), "{body}");
    assert_eq!(s.post(Some(CLERK_08), "/import?expected_head=2", &fine(1, 1, 100)).0, 200);
}

#[test]
fn issue9_idempotent_retry_returns_the_first_answer_and_a_reused_key_is_422() {
    let s = TestServer::start();
    let key = [("Idempotency-Key", "0b6d2f6e-4a8e-4c1e-9f55-5d1f0e7a9c11")];
    let first = s.call("POST", Some(CLERK_08), "/import", &key, Some(&registered(1, "08")));
    assert_eq!(first, (200, "appended 2, duplicates 0, rejected 0, seqs 1..=2\n".to_string()));
    let again = s.call("POST", Some(CLERK_08), "/import", &key, Some(&registered(1, "08")));
    assert_eq!(again, first, "the retry gets the first answer, not 'duplicates 2'");
    let (status, body) = s.call("POST", Some(CLERK_08), "/import", &key, Some(&registered(2, "08")));
    assert_eq!(status, 422, "{body}");
    // A key is one caller's: another token never gets its answer.
    assert_eq!(s.call("POST", Some(CLERK_09), "/import", &key, Some(&registered(1, "08"))).0, 422);
    assert!(body.contains("was used before with another request"), "{body}");
    let (_, head) = s.get(Some(XPCC), "/head");
    assert_eq!(serde_json::from_str::<Value>(&head).unwrap()["seq"], 2);
    let (status, body) = s.call("POST", Some(CLERK_08), "/import", &[("Idempotency-Key", "nope")], Some(&registered(2, "08")));
    assert_eq!(status, 400, "{body}");
}

#[test]
fn issue9_writers_append_only_in_their_division() {
    let s = TestServer::start();
    assert_eq!(s.post(Some(CLERK_08), "/import", &registered(1, "08")).0, 200);
    // A new enterprise of another division, and a fact about an existing one of another division.
    let (status, body) = s.post(Some(CLERK_08), "/import", &registered(2, "09"));
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("division 09"), "{body}");
    assert_eq!(s.post(Some(CLERK_09), "/import", &registered(2, "09")).0, 200);
    let (status, body) = s.post(Some(CLERK_09), "/import", &fine(1, 1, 100));
    assert_eq!(status, 403, "{body}");
    // One fact out of bounds refuses the whole request.
    let (status, _) = s.post(Some(CLERK_08), "/import", &(fine(1, 2, 100) + &fine(2, 2, 100)));
    assert_eq!(status, 403);
    // A division change moves the enterprise: its new division writes, its old one no longer does.
    let moved = format!(
        "{{\"kind\":\"enterprise_changed\",\"ref\":\"CHG-1\",\"enterprise\":\"{}\",\"occurred_on\":\"2025-07-01\",\"division\":\"09\",\"source\":\"publicity_system\",\"recorded_at\":\"2025-07-02T09:00:00+08:00\"}}\n",
        uscc(1)
    );
    assert_eq!(s.post(Some(CLERK_08), "/import", &moved).0, 200);
    assert_eq!(s.post(Some(CLERK_08), "/import", &fine(1, 5, 100).replace("2025-06-03T09", "2025-07-03T09")).0, 403);
    assert_eq!(s.post(Some(CLERK_09), "/import", &fine(1, 5, 100).replace("2025-06-03T09", "2025-07-03T09")).0, 200);
    for token in [READER_09, XPCC, AUDITOR, FIRM] {
        assert_eq!(s.post(Some(token), "/import", &fine(1, 3, 100)).0, 403, "{token} may not write");
    }
    let (_, head) = s.get(Some(XPCC), "/head");
    assert_eq!(serde_json::from_str::<Value>(&head).unwrap()["seq"], 6);
}

#[test]
fn issue9_missing_or_bad_token_is_401_without_detail_and_everything_is_audited() {
    let s = TestServer::start();
    let (status, headers, body) = s.call_full("POST", None, "/import", &[], Some(&registered(1, "08")));
    assert_eq!(status, 401);
    assert_eq!(header(&headers, "www-authenticate"), Some("Bearer"));
    let (status, body2) = s.post(Some("guess"), "/import", &registered(1, "08"));
    assert_eq!(status, 401);
    assert_eq!(body, body2, "a wrong token learns nothing a missing one does not");
    assert_eq!(s.post(Some(CLERK_08), "/import", &registered(1, "08")).0, 200);
    assert_eq!(s.post(Some(FIRM), "/import", &fine(1, 1, 100)).0, 403);
    let dir = s.stop();
    let entries = audit::read(&dir.path().join("ledger.audit.jsonl")).unwrap();
    let seen: Vec<(&str, u16)> = entries.iter().filter(|e| e.target != "/healthz").map(|e| (e.who.as_str(), e.status)).collect();
    assert_eq!(seen, [("-", 401), ("-", 401), ("clerk-08", 200), ("firm", 403)]);
    let ok = entries.iter().find(|e| e.status == 200 && e.method == "POST").unwrap();
    assert_eq!((ok.role.as_str(), ok.target.as_str()), ("division", "/import"));
    assert_eq!(ok.outcome, "appended 2, duplicates 0; head seq 2");
    assert!(ok.at.ends_with("+08:00"), "{}", ok.at);
}

#[test]
fn issue9_a_stalled_client_holds_neither_the_writer_nor_a_reader() {
    use std::io::Write;
    let s = TestServer::start();
    // Headers of an import, then a few bytes of a body that never comes.
    let mut stalled = std::net::TcpStream::connect(s.url.trim_start_matches("http://")).unwrap();
    let head = format!("POST /import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {CLERK_08}\r\nContent-Length: 5000\r\n\r\n{{\"kind\"");
    stalled.write_all(head.as_bytes()).unwrap();
    // Another client imports and reads meanwhile.
    assert_eq!(s.post(Some(CLERK_08), "/import", &registered(1, "08")).0, 200);
    assert_eq!(s.get(Some(XPCC), &format!("/grade/{}?on=2025-12-31", uscc(1))).0, 200);
    assert_eq!(s.post(Some(CLERK_08), "/import", &fine(1, 1, 100)).0, 200);
    drop(stalled);
    let (_, head) = s.get(Some(XPCC), "/head");
    assert_eq!(serde_json::from_str::<Value>(&head).unwrap()["seq"], 3);
}
