//! The catch-up subscription (issue 9, item 5): from a seq, in order, then
//! live; a reconnect with the last seen seq misses nothing and repeats nothing.

mod support;

use std::io::{BufRead, BufReader};
use std::time::Duration;
use support::*;

/// Reads `n` record events from `/events` (with `last_id` as Last-Event-ID): their ids and enterprises.
fn read_events(url: &str, query: &str, last_id: Option<u64>, n: usize) -> Vec<(u64, String)> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(20))).build().into();
    let mut req = agent.get(&format!("{url}/events{query}")).header("Authorization", &format!("Bearer {AUDITOR}"));
    if let Some(id) = last_id {
        req = req.header("Last-Event-ID", &id.to_string());
    }
    let mut resp = req.call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let reader = BufReader::new(resp.body_mut().as_reader());
    let mut out = Vec::new();
    let mut id = None;
    for line in reader.lines() {
        let line = line.unwrap();
        if let Some(v) = line.strip_prefix("id: ").or_else(|| line.strip_prefix("id:")) {
            id = Some(v.trim().parse::<u64>().unwrap());
        } else if let Some(data) = line.strip_prefix("data: ").or_else(|| line.strip_prefix("data:")) {
            let j: serde_json::Value = serde_json::from_str(data).unwrap();
            assert_eq!(j["seq"].as_u64(), id, "the event id is the record's seq");
            out.push((id.unwrap(), j["fact"]["enterprise"].as_str().unwrap().to_string()));
            if out.len() == n {
                break;
            }
        }
    }
    out
}

#[test]
fn issue9_subscription_catches_up_goes_live_and_resumes_without_gaps_or_repeats() {
    let s = TestServer::start();
    for n in 1..=3 {
        assert_eq!(s.post(Some(CLERK_08), "/import", &registered(n, "08")).0, 200);
    }
    // Catch-up from the start, in seq order.
    let first = read_events(&s.url, "", None, 4);
    assert_eq!(first.iter().map(|e| e.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
    // Reconnect with the last id seen: the rest, then live records as they commit.
    let url = s.url.clone();
    let live = std::thread::spawn(move || read_events(&url, "", Some(4), 5));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(s.post(Some(CLERK_08), "/import", &registered(4, "08")).0, 200);
    assert_eq!(s.post(Some(CLERK_08), "/import", &fine(4, 1, 100)).0, 200);
    let rest = live.join().unwrap();
    assert_eq!(rest.iter().map(|e| e.0).collect::<Vec<_>>(), [5, 6, 7, 8, 9]);
    assert_eq!((rest[1].1.as_str(), rest[4].1.as_str()), (uscc(3).as_str(), uscc(4).as_str()), "caught up, then the live fine of enterprise 4");
    // from_seq works as Last-Event-ID + 1.
    assert_eq!(read_events(&s.url, "?from_seq=8", None, 2).iter().map(|e| e.0).collect::<Vec<_>>(), [8, 9]);
}

#[test]
fn issue9_subscription_is_for_whole_ledger_readers_only() {
    let s = TestServer::start();
    for (token, status) in [(CLERK_08, 403), (FIRM, 403), (READER_09, 403)] {
        assert_eq!(s.get(Some(token), "/events").0, status, "{token}");
    }
    assert_eq!(s.get(None, "/events").0, 401);
    assert_eq!(s.get(Some(AUDITOR), "/events?from_seq=0").0, 400);
    assert_eq!(s.get(Some(AUDITOR), "/events?from_seq=x").0, 400);
}
