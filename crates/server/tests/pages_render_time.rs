//! How long the enterprise file takes for an enterprise with 200 facts
//! (issue 10, "Done when": under 100 ms on the server). Measured and
//! printed, never asserted: a debug build on a shared machine says little
//! about a release build (run with --release --nocapture to read it).

mod support;

use std::time::{Duration, Instant};
use support::{registered, uscc, TestServer, CLERK_08, XPCC};

/// Enterprise 1's 200 facts: registered and licensed (2), then 198 over
/// 2020–2025: samplings (one in seven fails), routine inspections and
/// small fines, each on its own day.
fn two_hundred_facts() -> String {
    let e = uscc(1);
    let t = "\"recorded_at\":\"2025-06-03T09:00:00+08:00\"";
    let mut out = registered(1, "08");
    let start = chrono::NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
    for i in 0..198u32 {
        let on = start + chrono::Duration::days(i as i64 * 9);
        let fact = match i % 3 {
            0 if i % 7 == 0 => format!(
                "{{\"kind\":\"sampling_inspection\",\"ref\":\"CHOU-{i}\",\"enterprise\":\"{e}\",\"occurred_on\":\"{on}\",\"level\":\"xpcc\",\"product\":\"胶合板\",\"batch\":\"B{i}\",\"result\":\"fail\",\"failed_items\":[\"甲醛释放量\"],{t}}}"
            ),
            0 => format!(
                "{{\"kind\":\"sampling_inspection\",\"ref\":\"CHOU-{i}\",\"enterprise\":\"{e}\",\"occurred_on\":\"{on}\",\"level\":\"xpcc\",\"product\":\"胶合板\",\"batch\":\"B{i}\",\"result\":\"pass\",\"failed_items\":[],{t}}}"
            ),
            1 => format!("{{\"kind\":\"supervision_inspection\",\"ref\":\"JIAN-{i}\",\"enterprise\":\"{e}\",\"occurred_on\":\"{on}\",\"inspection\":\"routine\",\"outcome\":\"no_issue\",\"findings\":[],{t}}}"),
            _ => format!(
                "{{\"kind\":\"administrative_penalty\",\"ref\":\"FA-{i}\",\"enterprise\":\"{e}\",\"occurred_on\":\"{on}\",\"procedure\":\"simple\",\"measures\":[{{\"type\":\"fine\",\"amount_yuan\":{}}}],{t}}}",
                200 + i
            ),
        };
        out.push_str(&fact);
        out.push('\n');
    }
    out
}

#[test]
fn issue10_render_time_200_facts() {
    let s = TestServer::start();
    let facts = two_hundred_facts();
    assert_eq!(facts.lines().count(), 200);
    let (status, body) = s.post(Some(CLERK_08), "/import", &facts);
    assert_eq!(status, 200, "{body}");
    let path = format!("/ui/enterprises/{}?on=2025-12-31", uscc(1));
    const N: usize = 20;
    let mut times: Vec<Duration> = Vec::with_capacity(N);
    for _ in 0..N {
        let t = Instant::now();
        let (status, page) = s.get(Some(XPCC), &path);
        times.push(t.elapsed());
        assert_eq!(status, 200, "{page}");
        assert_eq!(page.matches("<li class=\"fact\"").count(), 200, "every fact on the page");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!("enterprise file, 200 facts, {N} requests over loopback ({build} build): median {:.1} ms, max {:.1} ms", ms(times[N / 2]), ms(times[N - 1]));
}
