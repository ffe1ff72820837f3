//! The division board's pure parts (issue 10, item 2): the table's view
//! (filter, sort, ties), shares, the bar chart, and the downloads' bytes.

use model::fact::Grade;
use model::Points;
use ui::chart::bars::{self, Distribution};
use ui::table::{self, Dir, Row, SortKey, View};

fn row(uscc: &str, name: &str, grade: Grade, score: i64) -> Row {
    Row { uscc: uscc.into(), name: name.into(), grade: Some(grade), score: Some(Points(score)), decisive: "A9".into(), issued: None }
}

fn rows() -> Vec<Row> {
    vec![row("U3", "乙厂", Grade::B, 950), row("U1", "甲厂, 一分厂", Grade::B, 950), row("U2", "Acme", Grade::C, 875), row("U4", "丙厂", Grade::A, 1000)]
}

fn ids(rows: &[Row]) -> Vec<&str> {
    rows.iter().map(|r| r.uscc.as_str()).collect()
}

#[test]
fn issue10_view_sorts_with_ties_in_uscc_order_and_filters() {
    let v = View::parse(Some("score"), Some("desc"), None, None).unwrap();
    assert_eq!((v.sort, v.dir), (SortKey::Score, Dir::Desc));
    assert_eq!(ids(&v.apply(&rows())), ["U4", "U1", "U3", "U2"], "ties (U1, U3) ascending by USCC under desc too");
    let v = View::parse(Some("score"), Some("asc"), None, None).unwrap();
    assert_eq!(ids(&v.apply(&rows())), ["U2", "U1", "U3", "U4"]);
    let v = View::parse(Some("grade"), None, None, None).unwrap();
    assert_eq!(ids(&v.apply(&rows())), ["U4", "U1", "U3", "U2"]);
    let v = View::parse(None, Some("desc"), None, None).unwrap();
    assert_eq!(ids(&v.apply(&rows())), ["U4", "U3", "U2", "U1"], "by USCC, descending");
    let v = View::parse(Some(""), Some(""), Some("B"), Some("  ")).unwrap();
    assert_eq!(v, View { grade: Some(Grade::B), ..View::default() }, "empty values are the defaults");
    assert_eq!(ids(&v.apply(&rows())), ["U1", "U3"]);
    let v = View::parse(None, None, None, Some("acme")).unwrap();
    assert_eq!(ids(&v.apply(&rows())), ["U2"], "the text filter ignores case");
    assert_eq!(ids(&View::parse(None, None, None, Some("u4")).unwrap().apply(&rows())), ["U4"]);
    for (s, d, g) in [(Some("size"), None, None), (None, Some("up"), None), (None, None, Some("E"))] {
        assert!(View::parse(s, d, g, None).is_err(), "{s:?} {d:?} {g:?}");
    }
}

#[test]
fn issue10_view_query_keeps_sort_and_filter() {
    let v = View { sort: SortKey::Name, dir: Dir::Desc, grade: Some(Grade::C), text: "甲 厂".into() };
    assert_eq!(v.query(), "sort=name&dir=desc&grade=C&q=%E7%94%B2%20%E5%8E%82");
    assert_eq!(View::default().query(), "sort=uscc&dir=asc");
}

#[test]
fn issue10_shares_are_rounded_tenths_of_a_percent() {
    let d = Distribution::of([Some(Grade::A), Some(Grade::B), Some(Grade::B), None]);
    assert_eq!((d.count(Grade::A), d.count(Grade::B), d.total()), (1, 2, 3), "out of scope is not counted");
    assert_eq!((d.share(Grade::A), d.share(Grade::B), d.share(Grade::D)), ("33.3%".into(), "66.7%".into(), "0.0%".into()));
    let eighth = Distribution { counts: [1, 7, 0, 0] };
    assert_eq!(eighth.share_tenths(Grade::A), Some(125));
    assert_eq!(Distribution::default().share(Grade::A), "—");
}

#[test]
fn issue10_bar_chart_has_a_bar_per_grade_and_series() {
    let now = Distribution { counts: [1, 3, 2, 0] };
    let was = Distribution { counts: [2, 3, 1, 0] };
    let one = bars::chart(&now, None).into_string();
    assert_eq!(one.matches("<rect class=\"bar\"").count(), 4);
    assert!(one.contains("data-series=\"current\" data-grade=\"B\" data-count=\"3\""));
    let two = bars::chart(&now, Some((2025, &was))).into_string();
    assert_eq!(two.matches("<rect class=\"bar\"").count(), 8);
    assert!(two.contains("data-series=\"issued\" data-grade=\"A\" data-count=\"2\"") && two.contains("2025 年度"));
    assert!(two.contains("<title>上次发布 A 级：2 家（33.3%）</title>"), "each bar titled");
    assert!(two.contains("id=\"distribution-chart\"") && two.contains("role=\"img\""));
}

#[test]
fn issue10_csv_has_bom_chinese_headers_and_quotes() {
    let bytes = table::csv(&rows()).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "统一社会信用代码,企业名称,信用等级,信用得分,决定因素,上次发布等级");
    assert_eq!(lines[2], "U1,\"甲厂, 一分厂\",B,95.0,A9,", "a comma in a name is quoted; no issued grade is empty");
    assert_eq!(lines.len(), 5);
}

#[test]
fn issue10_xlsx_reads_back_with_numbers_for_scores() {
    use calamine::{Data, Reader};
    let bytes = table::xlsx("第08处室", &rows()).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["第08处室"]);
    let sheet = book.worksheet_range("第08处室").unwrap();
    assert_eq!(sheet.get_size(), (5, 6));
    assert_eq!(sheet.get((0, 1)), Some(&Data::String("企业名称".into())));
    assert_eq!(sheet.get((2, 1)), Some(&Data::String("甲厂, 一分厂".into())));
    assert_eq!(sheet.get((3, 3)), Some(&Data::Float(87.5)));
}
