//! The review page `/ui/decisions/{ref}` over real HTTP on 127.0.0.1
//! (issue 10, item 3): the issued grade re-derived and the grade known now
//! as `GET /review/{ref}` gives them, the objections, the what-if of an
//! objection's correcting facts (nothing written), and rights by role.

mod support;

use serde_json::Value;
use support::*;

/// Enterprise 1 (fined ¥120,000 on 2025-06-01) and 2 in division 08, 3 in
/// 09; the 2025 run issued on 2026-01-05 (the tests' now) — under `rules`
/// when given (a rule-set file), else the set in force.
fn issued(rules: Option<&str>) -> TestServer {
    let s = TestServer::start();
    let facts = format!("{}{}{}", registered(1, "08"), registered(2, "08"), fine(1, 1, 120_000));
    assert_eq!(s.post(Some(CLERK_08), "/import", &facts).0, 200);
    assert_eq!(s.post(Some(CLERK_09), "/import", &registered(3, "09")).0, 200);
    // The annual run is the jurisdiction's ledger-wide write: issued offline, then served again.
    let dir = s.stop();
    let a = commands::args::IssueArgs { year: 2025, supersede: false, rules: rules.map(str::to_string), format: commands::args::ReportFormat::Table };
    let (r, _, err) = run_command(dir.path(), now(), commands::args::Command::Issue(a));
    r.unwrap_or_else(|e| panic!("{e}: {err}"));
    TestServer::start_in(dir, server::DEFAULT_MAX_BODY)
}

fn decision(n: u32) -> String {
    format!("GRADE-2025-{}-1", uscc(n))
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    Some(&s[from..from + s[from..].find(end)?])
}

/// The text of the element with `id` (its first text node).
fn text<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id}"));
    between(&page[at..], ">", "<").unwrap()
}

fn json(s: &TestServer, path: &str) -> Value {
    let (status, body) = s.get(Some(XPCC), path);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn score(v: &Value) -> String {
    format!("{:.1}", v.as_f64().unwrap())
}

fn objection(n: u32) -> String {
    format!(
        "{{\"kind\":\"objection_filed\",\"ref\":\"OBJ-{n}\",\"enterprise\":\"{}\",\"occurred_on\":\"2026-01-05\",\"target\":\"{}\",\"grounds\":\"处罚决定已被复议撤销\"}}\n",
        uscc(n),
        decision(n)
    )
}

/// The act revoking enterprise 1's fine: the objection's correcting fact.
fn revocation() -> String {
    format!("{{\"kind\":\"act_revoked\",\"ref\":\"REV-1\",\"enterprise\":\"{}\",\"occurred_on\":\"2026-01-05\",\"target\":\"PEN-1-1\",\"reason\":\"经行政复议撤销\"}}\n", uscc(1))
}

/// A form body (application/x-www-form-urlencoded).
fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", ui::query_escape(v))).collect::<Vec<_>>().join("&")
}

fn post_form(s: &TestServer, token: &str, path: &str, body: &str) -> (u16, String) {
    s.call("POST", Some(token), path, &[("content-type", "application/x-www-form-urlencoded")], Some(body))
}

#[test]
fn issue10_review_page_shows_the_issued_and_current_grade_as_the_api_reviews_them() {
    let s = issued(None);
    let r = decision(1);
    let api = json(&s, &format!("/review/{r}?format=json"));
    let (status, page) = s.get(Some(CLERK_08), &format!("/ui/decisions/{r}"));
    assert_eq!(status, 200, "{page}");
    let g = &api["decision"]["decision"];
    assert_eq!(text(&page, "issued-grade"), g["grade"].as_str().unwrap());
    assert_eq!(text(&page, "issued-score"), score(&g["score"]));
    assert_eq!(text(&page, "current-grade"), api["current"]["grade"].as_str().unwrap());
    assert_eq!(text(&page, "current-score"), score(&api["current"]["score"]));
    assert_eq!(g["grade"], "C", "the fine makes enterprise 1 a C: {g}");
    // Unchanged ledger: it reproduces, and the grade known now is the issued one.
    assert_eq!(api["reproduction"]["matches"], true);
    assert!(page.contains("<section id=\"reproduction\" data-matches=\"true\""), "{page}");
    assert!(page.contains("data-changed=\"false\""));
    assert!(page.contains("id=\"no-changes\""));
    // The question: V and R of the decision, K now, and the permalink; the enterprise file links here.
    let head = json(&s, "/head")["seq"].as_u64().unwrap();
    assert!(page.contains(&format!("href=\"/ui/decisions/{r}?k={head}\"")), "permalink");
    assert!(page.contains(g["rules_sha256"].as_str().unwrap()));
    let (_, file) = s.get(Some(CLERK_08), &format!("/ui/enterprises/{}", uscc(1)));
    assert!(file.contains(&format!("href=\"/ui/decisions/{r}\"")), "the file links its decisions to their review");
}

#[test]
fn issue10_review_after_a_correcting_fact_shows_the_new_grade_and_what_changed() {
    let s = issued(None);
    let r = decision(1);
    let before = json(&s, "/head")["seq"].as_u64().unwrap();
    assert_eq!(s.post(Some(CLERK_08), "/import", &(objection(1) + &revocation())).0, 200);
    let api = json(&s, &format!("/review/{r}?format=json"));
    let (status, page) = s.get(Some(XPCC), &format!("/ui/decisions/{r}"));
    assert_eq!(status, 200, "{page}");
    let now = api["current"]["grade"].as_str().unwrap();
    assert_ne!(now, "C", "the revoked fine no longer counts: {}", api["current"]);
    assert_eq!(text(&page, "issued-grade"), "C");
    assert_eq!(text(&page, "current-grade"), now);
    assert_eq!(text(&page, "current-score"), score(&api["current"]["score"]));
    assert!(page.contains("data-changed=\"true\""));
    // The issued grade still re-derives from its own (V, K, R): a later fact changes the grade now, not the decision.
    assert_eq!(api["reproduction"]["matches"], true);
    assert!(page.contains("data-matches=\"true\""));
    let changed = between(&page, "<table id=\"changed-facts\">", "</table>").expect("table#changed-facts");
    assert!(changed.contains("data-ref=\"PEN-1-1\"") && changed.contains("REV-1"), "{changed}");
    assert!(changed.contains("不计入"), "{changed}");
    // The objection is listed with its state.
    let objections = between(&page, "<table id=\"objections\">", "</table>").expect("table#objections");
    assert!(objections.contains("data-ref=\"OBJ-1\"") && objections.contains("处罚决定已被复议撤销") && objections.contains("待处理"), "{objections}");
    // The permalink at the former K gives the former answer.
    let (status, old) = s.get(Some(XPCC), &format!("/ui/decisions/{r}?k={}", before.max(api["decision"]["seq"].as_u64().unwrap())));
    assert_eq!(status, 200, "{old}");
    assert_eq!(text(&old, "current-grade"), "C");
    // A K before the decision was recorded, or not a number: 400 beside the field.
    let (status, bad) = s.get(Some(XPCC), &format!("/ui/decisions/{r}?k=3"));
    assert_eq!(status, 400);
    assert!(bad.contains("id=\"k-error\"") && bad.contains("value=\"3\""), "{bad}");
    assert_eq!(s.get(Some(XPCC), &format!("/ui/decisions/{r}?k=x")).0, 400);
}

#[test]
fn issue10_review_what_if_grades_an_objections_facts_like_the_api_and_writes_nothing() {
    let s = issued(None);
    let r = decision(1);
    assert_eq!(s.post(Some(CLERK_08), "/import", &objection(1)).0, 200);
    let head = json(&s, "/head")["seq"].as_u64().unwrap();
    let (_, page) = s.get(Some(CLERK_08), &format!("/ui/decisions/{r}?objection=OBJ-1"));
    assert!(page.contains("<option value=\"OBJ-1\" selected>"), "the objection's link preselects it");
    let (status, page) = post_form(&s, CLERK_08, &format!("/ui/decisions/{r}/what-if"), &form(&[("objection", "OBJ-1"), ("facts", &revocation())]));
    assert_eq!(status, 200, "{page}");
    let (status, api) = s.post(Some(CLERK_08), &format!("/what-if/{}?on=2025-12-31&format=json", uscc(1)), &revocation());
    assert_eq!(status, 200, "{api}");
    let api: Value = serde_json::from_str(&api).unwrap();
    assert_eq!(text(&page, "what-if-grade"), api["what_if"]["grade"].as_str().unwrap());
    assert_eq!(text(&page, "what-if-score"), score(&api["what_if"]["score"]));
    assert_ne!(text(&page, "what-if-grade"), "C", "upheld, the objection changes the grade");
    assert!(between(&page, "<table id=\"what-if-facts\">", "</table>").is_some_and(|t| t.contains("PEN-1-1")), "what the facts change");
    assert_eq!(json(&s, "/head")["seq"].as_u64().unwrap(), head, "a what-if writes nothing");
    // Facts an import would refuse come back beside the field, as typed.
    let broken = revocation().replace("PEN-1-1", "PEN-NONE");
    let (status, page) = post_form(&s, CLERK_08, &format!("/ui/decisions/{r}/what-if"), &form(&[("objection", "OBJ-1"), ("facts", &broken)]));
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("id=\"facts-error\"") && page.contains("PEN-NONE"), "{page}");
    assert!(!page.contains("id=\"what-if-grade\""));
    assert_eq!(post_form(&s, CLERK_08, &format!("/ui/decisions/{r}/what-if"), &form(&[("facts", " ")])).0, 400);
}

#[test]
fn issue10_review_of_a_decision_under_an_uninstalled_rule_set_does_not_reproduce() {
    // Issued under a rule-set file that was never adopted: the reviewer's
    // rule sets do not hold it, so the decision cannot be re-derived.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("draft.toml");
    let revised = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/rules/xpcc-revised.toml")).unwrap();
    std::fs::write(&file, revised.replacen("id = \"xpcc-revised\"", "id = \"draft-x\"", 1)).unwrap();
    let s = issued(Some(file.to_str().unwrap()));
    let r = decision(1);
    // The API (like `credit-ledger review`) fails with MISMATCH; the page shows why.
    let (status, api) = s.get(Some(XPCC), &format!("/review/{r}?format=json"));
    assert_eq!(status, 500, "{api}");
    assert!(api.contains("MISMATCH") && api.contains("neither shipped nor adopted"), "{api}");
    let (status, page) = s.get(Some(XPCC), &format!("/ui/decisions/{r}"));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<section id=\"reproduction\" data-matches=\"false\""), "{page}");
    assert!(page.contains("规则集与决定所用的不同或未安装") && page.contains("neither shipped nor adopted"));
    assert_eq!(text(&page, "issued-grade"), "C");
    // Graded now under the set in force on V instead, as the review says.
    let now = json(&s, &format!("/grade/{}?on=2025-12-31&format=json", uscc(1)));
    assert_eq!(text(&page, "current-grade"), now["grade"].as_str().unwrap());
    assert_eq!(text(&page, "current-score"), score(&now["score"]));
}

#[test]
fn issue10_review_rights_follow_the_api_and_an_unknown_ref_leaks_nothing() {
    let s = issued(None);
    let (r1, r3) = (decision(1), decision(3));
    assert_eq!(s.get(Some(CLERK_08), &format!("/ui/decisions/{r1}")).0, 200);
    assert_eq!(s.get(Some(FIRM), &format!("/ui/decisions/{r1}")).0, 200, "the firm (enterprise 1) reads its own review");
    // Another division's or enterprise's decision: 403, as GET /review/{ref}.
    for (token, r) in [(CLERK_08, &r3), (FIRM, &r3), (READER_09, &r1)] {
        assert_eq!(s.get(Some(token), &format!("/review/{r}")).0, 403);
        assert_eq!(s.get(Some(token), &format!("/ui/decisions/{r}")).0, 403, "{token} {r}");
    }
    // A ref not in the ledger: 403 for those who read only part of it, the same answer as for one that exists.
    for token in [CLERK_08, FIRM] {
        let (status, page) = s.get(Some(token), "/ui/decisions/GRADE-2025-NOPE-1");
        assert_eq!(status, 403, "{token}");
        assert!(!page.contains("GRADE-2025-NOPE-1"), "{page}");
    }
    // …and 404 with a way back for those who read everything.
    for token in [XPCC, AUDITOR] {
        let (status, page) = s.get(Some(token), "/ui/decisions/GRADE-2025-NOPE-1");
        assert_eq!(status, 404, "{token}");
        assert!(page.contains("href=\"/ui/\""), "{page}");
    }
    // A ref that is no decision: 404, linking the enterprise's file.
    let (status, page) = s.get(Some(CLERK_08), "/ui/decisions/PEN-1-1");
    assert_eq!(status, 404, "{page}");
    assert!(page.contains(&format!("href=\"/ui/enterprises/{}\"", uscc(1))), "{page}");
}
