//! The enterprise file page (issue 10, item 1) over HTTP, without a
//! browser: sign-in by cookie, rights, the answer for (V, K, R), the form's
//! errors beside their fields, corrections threaded under their targets.

mod support;

use support::{fine, header, registered, uscc, TestServer, AUDITOR, CLERK_08, FIRM, READER_09, XPCC};

/// A request that does not follow redirects: (status, headers, body).
fn raw(s: &TestServer, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, Vec<(String, String)>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let mut req = ureq::http::Request::builder().method(method).uri(format!("{}{path}", s.url));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = agent.run(req.body(body.unwrap_or("").to_string()).unwrap()).unwrap();
    let hs = resp.headers().iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect();
    (resp.status().as_u16(), hs, resp.body_mut().read_to_string().unwrap_or_default())
}

/// Enterprises 1 (fined ¥50,000 on 2025-06-01) and 2 in division 08, 3 in 09.
fn ledger() -> TestServer {
    let s = TestServer::start();
    let facts = format!("{}{}{}", registered(1, "08"), registered(2, "08"), fine(1, 1, 50_000));
    assert_eq!(s.post(Some(CLERK_08), "/import", &facts).0, 200);
    assert_eq!(s.post(Some(support::CLERK_09), "/import", &registered(3, "09")).0, 200);
    s
}

fn json(s: &TestServer, path: &str) -> serde_json::Value {
    let (status, body) = s.get(Some(XPCC), path);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn issue10_sign_in_keeps_the_token_in_a_cookie_for_the_pages_only() {
    let s = ledger();
    let page = format!("/ui/enterprises/{}", uscc(1));
    // No token: to the sign-in form, and back here afterwards.
    let (status, hs, _) = raw(&s, "GET", &page, &[], None);
    assert_eq!(status, 303);
    assert_eq!(header(&hs, "location"), Some(format!("/ui/login?next=%2Fui%2Fenterprises%2F{}", uscc(1)).as_str()));
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let (status, _, body) = raw(&s, "POST", "/ui/login", &form, Some("token=wrong&next=%2Fui%2F"));
    assert_eq!(status, 401);
    assert!(body.contains("token-error"), "{body}");
    let (status, hs, _) = raw(&s, "POST", "/ui/login", &form, Some(&format!("token={XPCC}&next={}", ui::query_escape(&page))));
    assert_eq!(status, 303);
    assert_eq!(header(&hs, "location"), Some(page.as_str()));
    let cookie = header(&hs, "set-cookie").unwrap().to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/ui"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let pair = cookie.split(';').next().unwrap().to_string();
    assert_eq!(raw(&s, "GET", &page, &[("cookie", &pair)], None).0, 200);
    // The cookie is no bearer token for the API.
    assert_eq!(raw(&s, "GET", &format!("/grade/{}?on=2025-12-31", uscc(1)), &[("cookie", &pair)], None).0, 401);
    // Never an open redirect.
    let (_, hs, _) = raw(&s, "POST", "/ui/login", &form, Some(&format!("token={XPCC}&next=%2F%2Fevil.example%2F")));
    assert_eq!(header(&hs, "location"), Some("/ui/"));
}

#[test]
fn issue10_enterprise_file_answers_v_k_r_like_the_api() {
    let s = ledger();
    let head = json(&s, "/head")["seq"].as_u64().unwrap();
    let (status, page) = s.get(Some(XPCC), &format!("/ui/enterprises/{}", uscc(1)));
    assert_eq!(status, 200, "{page}");
    let api = json(&s, &format!("/grade/{}?on=2026-01-05&known_at_seq={head}&format=json", uscc(1)));
    let grade = api["grade"].as_str().unwrap();
    assert!(page.contains(&format!("data-grade=\"{grade}\"")), "grade {grade} missing");
    assert!(page.contains(&format!("<strong id=\"score\">{:.1}</strong>", api["score"].as_f64().unwrap())), "score missing");
    for r in ["REG-", "LIC-", "PEN-1-1"] {
        assert!(page.contains(&format!("id=\"fact-{r}")), "fact {r} missing");
    }
    let rules = api["rules"]["id"].as_str().unwrap();
    assert!(page.contains(&format!("/ui/enterprises/{}?on=2026-01-05&amp;k={head}&amp;rules={rules}", uscc(1))), "permalink missing");
    // Another V: the page follows the API there too, and the fine of
    // 2025-06-01 counts on 2025-07-31 (within its publicity) but is not yet a fact on 2025-05-31.
    let later = s.get(Some(XPCC), &format!("/ui/enterprises/{}?on=2025-07-31", uscc(1))).1;
    let earlier = s.get(Some(XPCC), &format!("/ui/enterprises/{}?on=2025-05-31", uscc(1))).1;
    let score = |p: &str| p.split("<strong id=\"score\">").nth(1).and_then(|r| r.split('<').next()).unwrap().to_string();
    for (page, on) in [(&later, "2025-07-31"), (&earlier, "2025-05-31")] {
        let api = json(&s, &format!("/grade/{}?on={on}&known_at_seq={head}&format=json", uscc(1)));
        assert_eq!(score(page), format!("{:.1}", api["score"].as_f64().unwrap()), "{on}");
    }
    let standing = |p: &str| p.split("id=\"fact-PEN-1-1\"").nth(1).map(|r| r.split("data-status=\"").nth(1).unwrap()[..7].to_string());
    assert_eq!(standing(&later).as_deref(), Some("counted"));
    assert_eq!(standing(&earlier), None);
    assert!(earlier.contains("<dd>2025-05-31</dd>"));
    // K before the fine was recorded: the fine is not known.
    let before = s.get(Some(XPCC), &format!("/ui/enterprises/{}?on=2025-12-31&k=2", uscc(1))).1;
    assert!(!before.contains("id=\"fact-PEN-1-1\""));
    assert_eq!(score(&before), format!("{:.1}", json(&s, &format!("/grade/{}?on=2025-12-31&known_at_seq=2&format=json", uscc(1)))["score"].as_f64().unwrap()));
}

#[test]
fn issue10_enterprise_file_obeys_the_api_rights() {
    let s = ledger();
    let open = |t: &str, n: u32| s.get(Some(t), &format!("/ui/enterprises/{}", uscc(n))).0;
    assert_eq!(open(FIRM, 1), 200);
    assert_eq!(open(FIRM, 2), 403);
    assert_eq!(open(CLERK_08, 2), 200);
    assert_eq!(open(READER_09, 1), 403);
    assert_eq!(open(READER_09, 3), 200);
    assert_eq!(open(AUDITOR, 3), 200);
    // An unknown enterprise: 404 with a way back for those who read all;
    // others learn nothing about whether it exists.
    let (status, body) = s.get(Some(XPCC), &format!("/ui/enterprises/{}", uscc(99)));
    assert_eq!(status, 404);
    assert!(body.contains("href=\"/ui/\""), "{body}");
    assert_eq!(open(FIRM, 99), 403);
    // Not a USCC at all: a page, not a trace.
    let (status, body) = s.get(Some(XPCC), "/ui/enterprises/NOT-A-CODE");
    assert_eq!(status, 404);
    assert!(!body.contains("panicked") && body.contains("<html"), "{body}");
}

#[test]
fn issue10_form_errors_stand_beside_their_fields() {
    let s = ledger();
    let base = format!("/ui/enterprises/{}", uscc(1));
    let (status, body) = s.get(Some(XPCC), &format!("{base}?on=2025-13-45"));
    assert_eq!(status, 400);
    assert!(body.contains("id=\"on-error\""), "{body}");
    assert!(body.contains("value=\"2025-13-45\""), "the typed value is kept");
    assert!(body.contains("<dd>2026-01-05</dd>"), "the page answers for today meanwhile");
    let (status, body) = s.get(Some(XPCC), &format!("{base}?on=2027-01-01"));
    assert_eq!((status, body.contains("id=\"on-error\"")), (400, true));
    let (status, body) = s.get(Some(XPCC), &format!("{base}?on=2019-01-01"));
    assert_eq!((status, body.contains("id=\"on-error\"")), (400, true), "before the first fact");
    let (status, body) = s.get(Some(XPCC), &format!("{base}?k=abc"));
    assert_eq!((status, body.contains("id=\"k-error\"")), (400, true));
    let (status, body) = s.get(Some(XPCC), &format!("{base}?k=999"));
    assert_eq!((status, body.contains("id=\"k-error\"")), (400, true));
    // Before the enterprise's first record nothing of it is known: an error beside K, not a 500.
    let (status, body) = s.get(Some(XPCC), &format!("{base}?k=0"));
    assert_eq!((status, body.contains("id=\"k-error\"")), (400, true), "{body}");
    assert!(body.contains("该企业的第一条记录是序号"), "{body}");
    let (status, body) = s.get(Some(XPCC), &format!("{base}?k=99999999999999999999999"));
    assert_eq!((status, body.contains("知识截点超过账本最新序号")), (400, true), "an oversized K is beyond the head, not malformed");
    let (status, body) = s.get(Some(XPCC), &format!("{base}?rules=nope"));
    assert_eq!((status, body.contains("id=\"rules-error\"")), (400, true));
    assert!(body.contains("xpcc-trial") && body.contains("xpcc-revised"));
    let (status, body) = s.get(Some(XPCC), &format!("{base}?on=2025-12-31&rules=xpcc-trial"));
    assert_eq!(status, 200);
    assert!(body.contains("<dd>xpcc-trial "), "R as asked");
}

#[test]
fn issue10_corrections_are_threaded_under_their_target_with_their_article() {
    let s = ledger();
    let e = uscc(1);
    let void = format!(
        "{{\"kind\":\"record_corrected\",\"ref\":\"COR-1\",\"enterprise\":\"{e}\",\"occurred_on\":\"2025-07-01\",\"target\":\"PEN-1-1\",\"error\":\"misjudgment\",\"recorded_at\":\"2025-07-02T09:00:00+08:00\"}}\n"
    );
    assert_eq!(s.post(Some(CLERK_08), "/import", &void).0, 200);
    let (_, page) = s.get(Some(XPCC), &format!("/ui/enterprises/{e}?on=2025-12-31"));
    let penalty = page.split("id=\"fact-PEN-1-1\"").nth(1).unwrap();
    let thread = penalty.split("</li>").next().unwrap();
    assert!(thread.contains("id=\"fact-COR-1\""), "the correction sits inside the penalty's entry: {thread}");
    assert!(thread.contains("第十条（五）"));
    assert!(penalty.contains("data-status=\"excluded\""), "the penalty no longer counts");
    assert!(page.contains("记录于 2025-07-02 09:00:00"), "recorded time at China time");
}
