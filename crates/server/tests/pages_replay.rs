//! The rule-change impact page `/ui/replay` over real HTTP on 127.0.0.1
//! (issue 10, item 4): the transition matrix and the movers exactly as
//! `GET /replay` (`credit-ledger replay`) gives them, the defaults, an
//! unknown rule-set id, a malformed date, and rights by role.

mod support;

use serde_json::Value;
use support::*;

/// Division 08: enterprises 1–5, fines on 2, 3 and 4 (two on 4), and 6
/// registered without a licence; division 09: enterprise 7. None is on the
/// key-product catalogue, so the trial set (scope: key catalogue) grades
/// none of them and the revised set (scope: licence holders) the licensed.
fn seeded() -> TestServer {
    let s = TestServer::start();
    let mut facts: String = (1..=5).map(|n| registered(n, "08")).collect();
    facts += &(fine(2, 1, 120_000) + &fine(3, 1, 500) + &fine(4, 1, 120_000) + &fine(4, 2, 300_000));
    facts += &(registered(6, "08").lines().next().unwrap().to_string() + "\n");
    assert_eq!(s.post(Some(CLERK_08), "/import", &facts).0, 200);
    assert_eq!(s.post(Some(CLERK_09), "/import", &registered(7, "09")).0, 200);
    s
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    Some(&s[from..from + s[from..].find(end)?])
}

/// The heat map's cells: (from, to, count).
fn cells(page: &str) -> Vec<(String, String, u64)> {
    page.split("<rect class=\"cell\"")
        .skip(1)
        .map(|c| {
            let attr = |a: &str| between(c, &format!("{a}=\""), "\"").unwrap().to_string();
            (attr("data-from"), attr("data-to"), attr("data-count").parse().unwrap())
        })
        .collect()
}

/// The page's key of a matrix label of the API's JSON.
fn key(label: &str) -> String {
    if label == "not in scope" {
        "out".into()
    } else {
        label.into()
    }
}

fn api(s: &TestServer, token: &str, query: &str) -> Value {
    let (status, body) = s.get(Some(token), &format!("/replay?{query}&format=json"));
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn head(s: &TestServer) -> u64 {
    let (_, body) = s.get(Some(XPCC), "/head");
    serde_json::from_str::<Value>(&body).unwrap()["seq"].as_u64().unwrap()
}

/// The movers' rows: (USCC, from, to), in the order shown.
fn movers(page: &str) -> Vec<(String, String, String)> {
    let table = between(page, "<table id=\"movers\">", "</table>").expect("table#movers");
    table
        .split("<tr data-uscc=\"")
        .skip(1)
        .map(|r| {
            let uscc = r[..r.find('"').unwrap()].to_string();
            (uscc, between(r, "data-from=\"", "\"").unwrap().to_string(), between(r, "data-to=\"", "\"").unwrap().to_string())
        })
        .collect()
}

#[test]
fn issue10_replay_matrix_and_movers_are_the_clis() {
    let s = seeded();
    let (status, page) = s.get(Some(XPCC), "/ui/replay?rules=xpcc-trial&vs=xpcc-revised&on=2025-12-31");
    assert_eq!(status, 200, "{page}");
    let want = api(&s, XPCC, "rules=xpcc-trial&vs_rules=xpcc-revised&on=2025-12-31");
    // Every cell holds the CLI's count, and together they count every enterprise graded.
    let got = cells(&page);
    assert_eq!(got.len(), 25);
    for (from, row) in want["matrix"].as_object().unwrap() {
        for (to, n) in row.as_object().unwrap() {
            let n = n.as_u64().unwrap();
            assert!(got.contains(&(key(from), key(to), n)), "cell {from} → {to} = {n}: {got:?}");
        }
    }
    let total: u64 = got.iter().map(|c| c.2).sum();
    assert_eq!(total, want["enterprises"].as_u64().unwrap());
    assert_eq!(total, 7, "every enterprise of the ledger is replayed");
    assert_eq!(between(&page, "<strong id=\"graded-total\">", "<"), Some("7"));
    assert!(got.iter().any(|c| c.0 == "out" && c.1 != "out" && c.2 > 0), "the revised set brings licence holders into scope: {got:?}");
    // The movers: the CLI's scope and grade moves, with their clauses.
    let want_movers = replay_moves(&want);
    let mut shown = movers(&page);
    shown.sort();
    assert_eq!(shown, want_movers);
    assert_eq!(shown.len(), 6, "the six licence holders enter scope: {shown:?}");
    let first = &want["movers"][0];
    for c in first["clauses"].as_array().unwrap() {
        assert!(page.contains(&format!("<code class=\"clause\">{}</code>", c["clause"].as_str().unwrap())), "clause {c}");
    }
    // The clauses summed up, and the question stated with its permalink.
    assert!(between(&page, "<table id=\"clauses\">", "</table>").is_some_and(|t| t.contains("data-clause=\"scope\">6<")), "{page}");
    let k = head(&s);
    assert!(page.contains(&format!("href=\"/ui/replay?rules=xpcc-trial&amp;vs=xpcc-revised&amp;on=2025-12-31&amp;k={k}\"")), "permalink");
}

#[test]
fn issue10_replay_defaults_to_the_set_in_force_against_the_other_shipped_one() {
    let s = seeded();
    let (status, page) = s.get(Some(AUDITOR), "/ui/replay?on=2025-12-31");
    assert_eq!(status, 200, "{page}");
    let k = head(&s);
    assert!(page.contains(&format!("href=\"/ui/replay?rules=xpcc-revised&amp;vs=xpcc-trial&amp;on=2025-12-31&amp;k={k}\"")), "X in force on V, Y the other shipped set");
    let want = api(&s, XPCC, "rules=xpcc-revised&vs_rules=xpcc-trial&on=2025-12-31");
    let got = cells(&page);
    assert_eq!(got.iter().find(|c| c.0 == "B" && c.1 == "out").map(|c| c.2), want["matrix"]["B"]["not in scope"].as_u64());
    // Without V: today (the tests' clock: 2026-01-05).
    let (status, page) = s.get(Some(XPCC), "/ui/replay");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("on=2026-01-05"), "V defaults to today");
}

#[test]
fn issue10_replay_unknown_rule_set_lists_the_known_ids_and_a_bad_date_is_refused_beside_its_field() {
    let s = seeded();
    let (status, page) = s.get(Some(XPCC), "/ui/replay?rules=no-such-set&on=2025-12-31");
    assert_eq!(status, 404, "{page}");
    for id in ["xpcc-trial", "xpcc-revised"] {
        assert!(page.contains(&format!("href=\"/ui/replay?rules={id}\"")), "{id} listed with its link");
    }
    assert!(page.contains("no-such-set"));
    assert_eq!(s.get(Some(XPCC), "/ui/replay?rules=xpcc-trial&vs=nope").0, 404);
    let (status, page) = s.get(Some(XPCC), "/ui/replay?rules=xpcc-trial&vs=xpcc-revised&on=2025-13-40");
    assert_eq!(status, 400, "{page}");
    let field = between(&page, "<label for=\"on\">", "</div>").expect("the V field");
    assert!(field.contains("id=\"on-error\"") && field.contains("YYYY-MM-DD"), "the sentence beside the field: {field}");
    assert!(field.contains("value=\"2025-13-40\""), "the typed value kept");
    assert!(page.contains("aria-describedby=\"on-error\" aria-invalid=\"true\""));
    assert_eq!(cells(&page).len(), 25, "the page still answers, for today");
    assert!(!page.contains("panicked") && !page.contains("stack backtrace"));
    let (status, page) = s.get(Some(XPCC), "/ui/replay?on=2025-12-31&division=8");
    assert_eq!(status, 400);
    assert!(page.contains("id=\"division-error\""), "{page}");
}

#[test]
fn issue10_replay_rights_division_tokens_see_their_own_division_enterprises_none() {
    let s = seeded();
    let (status, page) = s.get(Some(FIRM), "/ui/replay?on=2025-12-31");
    assert_eq!(status, 403, "{page}");
    assert_eq!(s.get(Some(FIRM), "/replay?rules=xpcc-trial&vs_rules=xpcc-revised&on=2025-12-31").0, 403, "as the API");
    // A division token is answered for its own division only.
    let (status, page) = s.get(Some(CLERK_08), "/ui/replay?rules=xpcc-trial&vs=xpcc-revised&on=2025-12-31");
    assert_eq!(status, 200, "{page}");
    let want = api(&s, CLERK_08, "rules=xpcc-trial&vs_rules=xpcc-revised&on=2025-12-31&division=08");
    let total: u64 = cells(&page).iter().map(|c| c.2).sum();
    assert_eq!(total, want["enterprises"].as_u64().unwrap());
    assert!(!page.contains(&uscc(7)), "division 09's enterprise is not shown to 08");
    assert!(page.contains("&amp;division=08\""), "the permalink names the division");
    assert_eq!(s.get(Some(CLERK_08), "/ui/replay?on=2025-12-31&division=09").0, 403);
    assert_eq!(s.get(Some(READER_09), "/ui/replay?on=2025-12-31").0, 200);
}
