//! The division board `/ui/divisions/{d}` over real HTTP on 127.0.0.1
//! (issue 10, item 2): the grades of `grade-all --division`, sorting and
//! filtering, the downloads as shown, rights, the as-of form's errors, and
//! the distribution of the last run issued.

mod support;

use serde_json::Value;
use support::*;

/// Division 08: enterprises 1–6, fines on 2, 3 and 4 (two on 4), and 8
/// registered without a licence (out of scope); division 09: enterprise 7.
fn seeded() -> TestServer {
    let s = TestServer::start();
    let mut facts: String = (1..=6).map(|n| registered(n, "08")).collect();
    facts += &(fine(2, 1, 120_000) + &fine(3, 1, 500) + &fine(4, 1, 120_000) + &fine(4, 2, 300_000));
    facts += &(registered(8, "08").lines().next().unwrap().to_string() + "\n");
    assert_eq!(s.post(Some(CLERK_08), "/import", &facts).0, 200);
    assert_eq!(s.post(Some(CLERK_09), "/import", &registered(7, "09")).0, 200);
    s
}

/// A GET that follows no redirect and keeps the body's bytes: (status, headers, body).
fn fetch(s: &TestServer, token: &str, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let mut resp = agent.get(format!("{}{path}", s.url)).header("Authorization", format!("Bearer {token}")).call().unwrap();
    let hs = resp.headers().iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect();
    (resp.status().as_u16(), hs, resp.body_mut().read_to_vec().unwrap())
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    Some(&s[from..from + s[from..].find(end)?])
}

/// The table's rows as (USCC, grade, score), in the order shown.
fn table_rows(page: &str) -> Vec<(String, String, String)> {
    let table = between(page, "<table id=\"enterprises\">", "</table>").expect("table#enterprises");
    table
        .split("<tr data-uscc=\"")
        .skip(1)
        .map(|row| {
            let uscc = row[..row.find('"').unwrap()].to_string();
            let grade = between(row, "<td class=\"grade\" data-grade=\"", "\"").unwrap().to_string();
            let score = between(row, "<td class=\"score num\">", "<").unwrap().to_string();
            (uscc, grade, score)
        })
        .collect()
}

/// The page's `id="…"` cell text.
fn cell<'a>(page: &'a str, id: &str) -> &'a str {
    between(page, &format!("id=\"{id}\">"), "<").unwrap_or_else(|| panic!("no #{id}"))
}

#[test]
fn issue10_board_lists_exactly_the_grade_all_rows() {
    let s = seeded();
    let (st, page) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2025-12-31");
    assert_eq!(st, 200, "{page}");
    let (st, json) = s.get(Some(CLERK_08), "/grade-all?on=2025-12-31&division=08&format=json");
    assert_eq!(st, 200, "{json}");
    let mut want: Vec<(String, String, String)> = serde_json::from_str::<Vec<Value>>(&json)
        .unwrap()
        .iter()
        .map(|r| (r["enterprise"].as_str().unwrap().to_string(), r["grade"].as_str().unwrap().to_string(), format!("{:.1}", r["score"].as_f64().unwrap())))
        .collect();
    want.sort();
    assert_eq!(want.len(), 6, "{json}");
    assert!(want.iter().map(|w| &w.1).collect::<std::collections::BTreeSet<_>>().len() > 1, "the seed gives several grades: {want:?}");
    assert_eq!(table_rows(&page), want, "the default order is by USCC");
    assert!(!page.contains(&uscc(7)), "division 09's enterprise is not on 08's board");
    assert!(!page.contains(&uscc(8)), "an enterprise out of scope is not listed");
    // The question is stated, and each row links to the file at the same V, K, R.
    assert!(page.contains("/ui/divisions/08?on=2025-12-31&amp;k=19&amp;rules="), "permalink with V, K, R");
    assert!(page.contains(&format!("href=\"/ui/enterprises/{}?on=2025-12-31&amp;k=19&amp;rules=", uscc(1))));
    // The chart: one bar per grade, counting the rows.
    for g in ["A", "B", "C", "D"] {
        let n = want.iter().filter(|w| w.1 == g).count();
        assert!(page.contains(&format!("data-series=\"current\" data-grade=\"{g}\" data-count=\"{n}\"")), "bar {g} = {n}");
        assert_eq!(cell(&page, &format!("current-{g}")), n.to_string());
    }
    assert!(page.contains("尚未发布分类结果"), "no run was issued yet");
    assert!(!page.contains("data-series=\"issued\""));
}

#[test]
fn issue10_board_sorts_by_score_and_filters_by_grade() {
    let s = seeded();
    let (st, page) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2025-12-31&k=18&sort=score&dir=desc");
    assert_eq!(st, 200, "{page}");
    let rows = table_rows(&page);
    assert_eq!(rows.len(), 6);
    let key = |r: &(String, String, String)| (std::cmp::Reverse(r.2.replace('.', "").parse::<i64>().unwrap()), r.0.clone());
    let mut sorted = rows.clone();
    sorted.sort_by_key(key);
    assert_eq!(rows, sorted, "scores descending, ties by USCC");
    assert_ne!(rows, { let mut r = rows.clone(); r.sort(); r }, "the seed's score order is not its USCC order");
    assert!(page.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/ui/divisions/08?on=2025-12-31&amp;k=18&amp;rules="), "the sorted header says so, and its link keeps V, K, R");
    assert!(page.contains("sort=score&amp;dir=asc\""), "the sorted header's link reverses the order");
    assert_eq!(page.matches("aria-sort=").count(), 1);

    let (_, all) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2025-12-31");
    let all = table_rows(&all);
    let b: Vec<_> = all.iter().filter(|r| r.1 == "B").cloned().collect();
    assert!(!b.is_empty() && b.len() < all.len());
    let (st, page) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2025-12-31&grade=B");
    assert_eq!(st, 200);
    assert_eq!(table_rows(&page), b, "only grade B");
    assert!(page.contains("<label for=\"grade-filter\">") && page.contains("<label for=\"text-filter\">"), "both filters labelled");
    let (_, page) = s.get(Some(CLERK_08), &format!("/ui/divisions/08?on=2025-12-31&q={}", &uscc(3)[10..]));
    assert_eq!(table_rows(&page).iter().map(|r| r.0.clone()).collect::<Vec<_>>(), vec![uscc(3)], "text filter on the USCC");
    let (_, page) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2025-12-31&q=%E4%BC%81%E4%B8%9A5");
    assert_eq!(table_rows(&page).iter().map(|r| r.0.clone()).collect::<Vec<_>>(), vec![uscc(5)], "text filter on the name 企业5");
    assert_eq!(s.get(Some(CLERK_08), "/ui/divisions/08?sort=size").0, 400, "a sort no link sends");
}

#[test]
fn issue10_board_downloads_hold_the_rows_shown() {
    let s = seeded();
    let view = "on=2025-12-31&k=18&sort=score&dir=desc&grade=B";
    let (_, page) = s.get(Some(CLERK_08), &format!("/ui/divisions/08?{view}"));
    let shown = table_rows(&page);
    assert!(shown.len() >= 2, "{shown:?}");
    assert!(page.contains("id=\"download-csv\" href=\"/ui/divisions/08/table.csv?on=2025-12-31&amp;k=18&amp;rules="));
    assert!(page.contains("sort=score&amp;dir=desc&amp;grade=B\" download>CSV"), "the link keeps the view");
    let (st, h, csv) = fetch(&s, CLERK_08, &format!("/ui/divisions/08/table.csv?{view}"));
    assert_eq!(st, 200);
    assert_eq!(header(&h, "content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(header(&h, "content-disposition"), Some("attachment; filename=\"division-08-2025-12-31-k18.csv\""));
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("统一社会信用代码,企业名称,信用等级,信用得分,决定因素,上次发布等级"));
    let csv_rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
    let as_table: Vec<(String, String, String)> = csv_rows.iter().map(|c| (c[0].clone(), c[2].clone(), c[3].clone())).collect();
    assert_eq!(as_table, shown, "the CSV is the table as shown");

    let (st, h, xlsx) = fetch(&s, CLERK_08, &format!("/ui/divisions/08/table.xlsx?{view}"));
    assert_eq!(st, 200);
    assert_eq!(header(&h, "content-type"), Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    assert!(header(&h, "content-disposition").unwrap().starts_with("attachment; filename=\"division-08-"));
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let mut read = sheet.rows();
    let head: Vec<String> = read.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(head, ["统一社会信用代码", "企业名称", "信用等级", "信用得分", "决定因素", "上次发布等级"]);
    let xlsx_rows: Vec<Vec<String>> = read
        .map(|r| {
            assert!(matches!(r[3], Data::Float(_)), "the score is a number: {:?}", r[3]);
            r.iter().map(|c| if let Data::Float(f) = c { format!("{f:.1}") } else { c.to_string() }).collect()
        })
        .collect();
    assert_eq!(xlsx_rows, csv_rows, "the workbook holds the CSV's rows");
}

#[test]
fn issue10_board_rights_and_bad_input() {
    let s = seeded();
    assert_eq!(s.get(Some(READER_09), "/ui/divisions/09").0, 200);
    for (token, path) in [(READER_09, "/ui/divisions/08"), (CLERK_08, "/ui/divisions/09"), (FIRM, "/ui/divisions/08"), (READER_09, "/ui/divisions/08/table.csv")] {
        let (st, body) = s.get(Some(token), path);
        assert_eq!(st, 403, "{token} {path}: {body}");
        assert!(body.contains("无权查看") && !body.contains(&uscc(1)), "a refusal page that shows nothing of the board");
    }
    assert_eq!(s.get(Some(XPCC), "/ui/divisions/08").0, 200, "the jurisdiction reads every division");
    for path in ["/ui/divisions/8", "/ui/divisions/0x", "/ui/divisions?division=abc"] {
        let (st, body) = s.get(Some(XPCC), path);
        assert_eq!(st, 400, "{path}");
        assert!(body.contains("两位数字"), "{body}");
    }
    let (st, h, _) = fetch(&s, XPCC, "/ui/divisions?division=%2008%20");
    assert_eq!((st, header(&h, "location")), (303, Some("/ui/divisions/08")));

    let (st, page) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2025-13-40&k=3");
    assert_eq!(st, 400, "a malformed date");
    let (input, error, next) = (page.find("<input id=\"on\"").unwrap(), page.find("<span class=\"error\" id=\"on-error\">").unwrap(), page.find("<label for=\"k\">").unwrap());
    assert!(input < error && error < next, "the error stands next to the on field");
    assert!(page.contains("aria-describedby=\"on-error\" aria-invalid=\"true\""));
    assert!(page.contains("value=\"2025-13-40\""), "the form keeps what was typed");
    assert_eq!(table_rows(&page).len(), 6, "the board at the defaults");
    assert_eq!(fetch(&s, CLERK_08, "/ui/divisions/08/table.csv?on=2025-13-40").0, 400, "no download for a refused field");
}

/// Issues the 2025 run on the stopped server's ledger, as `credit-ledger issue --year 2025`.
fn issue_2025(dir: &std::path::Path, supersede: bool) {
    let a = commands::args::IssueArgs { year: 2025, supersede, rules: None, format: commands::args::ReportFormat::Table };
    run_command(dir, now(), commands::args::Command::Issue(a)).0.unwrap();
}

#[test]
fn issue10_board_compares_with_the_last_issued_run() {
    let s = seeded();
    // The grades the run will issue: as of its V, 31 December.
    let (_, before) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2025-12-31");
    let issued = table_rows(&before);
    let count = |rows: &[(String, String, String)], g: &str| rows.iter().filter(|r| r.1 == g).count();
    // The jurisdiction's annual run (the test server's XPCC token may not
    // write): issued offline on the same ledger, then served again.
    let dir = s.stop();
    issue_2025(dir.path(), false);
    let s = TestServer::start_in(dir, server::DEFAULT_MAX_BODY);
    // Learnt after the run: enterprise 1 (a B) was fined, so is a C now; the
    // licence of 6 (a B) had ended in December 2024: out of scope.
    assert_eq!((count(&issued, "B"), count(&issued, "C")), (4, 2), "{issued:?}");
    let ended = format!(
        "{{\"kind\":\"licence_terminated\",\"ref\":\"END-6\",\"enterprise\":\"{}\",\"occurred_on\":\"2024-12-01\",\"licence_no\":\"XK16-205-00006\",\"mode\":\"cancelled\",\"recorded_at\":\"2025-06-03T09:00:00+08:00\"}}\n",
        uscc(6)
    );
    let late = (fine(1, 9, 120_000) + &ended).replace("2025-06-03T09:00:00", "2026-01-05T10:00:00");
    let (st, body) = s.post(Some(CLERK_08), "/import", &late);
    assert_eq!(st, 200, "{body}");
    let (st, page) = s.get(Some(CLERK_08), "/ui/divisions/08");
    assert_eq!(st, 200, "{page}");
    let now_rows = table_rows(&page);
    assert!(page.contains("data-year=\"2025\""), "the run named");
    for g in ["A", "B", "C", "D"] {
        let (was, is) = (count(&issued, g), count(&now_rows, g));
        assert_eq!(cell(&page, &format!("issued-{g}")), was.to_string(), "issued {g}");
        assert_eq!(cell(&page, &format!("current-{g}")), is.to_string(), "current {g}");
        let delta = is as i64 - was as i64;
        let shown = if delta > 0 { format!("+{delta}") } else if delta < 0 { format!("−{}", -delta) } else { "0".into() };
        assert_eq!(cell(&page, &format!("delta-{g}")), shown, "delta {g}");
        assert!(page.contains(&format!("data-series=\"issued\" data-grade=\"{g}\" data-count=\"{was}\"")), "issued bar {g}");
    }
    assert_eq!(now_rows.len(), 5, "{now_rows:?}");
    assert_eq!((cell(&page, "issued-total"), cell(&page, "current-total")), ("6", "5"), "the run counts 6, no longer in scope");
    assert_eq!((cell(&page, "delta-B"), cell(&page, "delta-C")), ("−2", "+1"));
    // Each row names its issued grade; V before the run's issue date: no run yet.
    let row1 = between(&page, &format!("<tr data-uscc=\"{}\">", uscc(1)), "</tr>").unwrap();
    assert!(row1.contains("<td class=\"issued\" data-grade=\"B\">"), "{row1}");
    let (_, early) = s.get(Some(CLERK_08), "/ui/divisions/08?on=2026-01-04");
    assert!(early.contains("尚未发布分类结果"), "the run was issued on 2026-01-05, after V");
    // The run issued again (--supersede): the new decisions count, the old
    // ones not, but for 6 (out of scope in 2025) whose decision stands.
    let dir = s.stop();
    issue_2025(dir.path(), true);
    let s = TestServer::start_in(dir, server::DEFAULT_MAX_BODY);
    let (_, page) = s.get(Some(CLERK_08), "/ui/divisions/08");
    assert_eq!((cell(&page, "issued-B"), cell(&page, "issued-C"), cell(&page, "issued-total")), ("3", "3", "6"));
    assert_eq!((cell(&page, "delta-B"), cell(&page, "delta-C")), ("−1", "0"));
}
