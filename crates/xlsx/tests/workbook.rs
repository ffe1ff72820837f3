//! Issue 11, part 6: workbooks read back with calamine hold the sheets as
//! given (headers, typed cells, order); the sheet XML shows the frozen
//! header row and the fitted widths; the same sheets give the same bytes;
//! bad input is refused with its place, never a panic.

use calamine::{Data, Reader};
use std::io::Read;
use xlsx::{workbook, Cell, Sheet, XlsxError};

fn board() -> Sheet {
    Sheet {
        name: "信用风险等级".into(),
        headers: vec!["统一社会信用代码".into(), "企业名称".into(), "得分".into(), "知识截止序号".into(), "备注".into()],
        rows: vec![
            vec![Cell::text("91660800000007919G"), Cell::text("石河子甲厂有限公司"), Cell::Number { value: 87.5, decimals: 1 }, Cell::Int(412), Cell::text("=1+1")],
            vec![Cell::text("916608009807308UA6"), Cell::text("乙厂"), Cell::Number { value: 90.0, decimals: 1 }, Cell::Int(412), Cell::Empty],
            vec![Cell::text("91660800MA0000000X"), Cell::text("丙厂")],
        ],
    }
}

fn plan() -> Sheet {
    Sheet {
        name: "按等级汇总".into(), headers: vec!["等级".into(), "企业数".into()], rows: vec![vec![Cell::text("A"), Cell::Int(3)], vec![Cell::text("B"), Cell::Int(9)]]
    }
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The width of every column the `<col min max width>` elements set, in
/// column order (adjacent equal columns share one element).
fn widths(sheet_xml: &str) -> Vec<f64> {
    let attr = |c: &str, name: &str| -> String {
        let v = c.split(&format!(" {name}=\"")).nth(1).unwrap();
        v[..v.find('"').unwrap()].to_string()
    };
    let mut out = Vec::new();
    for c in sheet_xml.split("<col ").skip(1) {
        let c = format!(" {c}");
        let (min, max): (usize, usize) = (attr(&c, "min").parse().unwrap(), attr(&c, "max").parse().unwrap());
        assert_eq!(min, out.len() + 1, "columns in order");
        out.extend(std::iter::repeat_n(attr(&c, "width").parse::<f64>().unwrap(), max - min + 1));
    }
    out
}

#[test]
fn issue11_a_workbook_reads_back_with_its_sheets_headers_and_typed_cells() {
    let bytes = workbook(&[board(), plan()]).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["信用风险等级", "按等级汇总"], "sheets in the order given");
    let s = book.worksheet_range("信用风险等级").unwrap();
    assert_eq!(s.get_size(), (4, 5));
    let headers: Vec<String> = (0..5).map(|c| s.get((0, c)).unwrap().to_string()).collect();
    assert_eq!(headers, ["统一社会信用代码", "企业名称", "得分", "知识截止序号", "备注"]);
    assert_eq!(s.get((1, 1)), Some(&Data::String("石河子甲厂有限公司".into())));
    assert_eq!(s.get((1, 2)), Some(&Data::Float(87.5)), "a score is a number");
    assert_eq!(s.get((1, 3)), Some(&Data::Float(412.0)), "a seq is a number");
    assert_eq!(s.get((1, 4)), Some(&Data::String("=1+1".into())), "text is never a formula");
    assert_eq!(s.get((2, 4)), Some(&Data::Empty));
    assert_eq!(s.get((3, 2)), Some(&Data::Empty), "a short row leaves the rest blank");
    let p = book.worksheet_range("按等级汇总").unwrap();
    assert_eq!(p.get((2, 1)), Some(&Data::Float(9.0)));
    assert!(book.worksheet_formula("信用风险等级").unwrap().cells().all(|(_, _, f)| f.is_empty()), "no formula anywhere");
}

#[test]
fn issue11_every_sheet_has_a_frozen_bold_header_row_and_fitted_widths() {
    let bytes = workbook(&[board(), plan()]).unwrap();
    for n in [1, 2] {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "sheet {n}: {xml}");
    }
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    let w = widths(&xml);
    assert_eq!(w.len(), 5, "{xml}");
    // Column 1: the USCC (18 cells) is wider than its header (8 wide characters, 16 cells).
    assert!((20.0..21.0).contains(&w[0]), "18 cells + 2: {w:?}");
    // Column 2: 9 Chinese characters = 18 cells, wider than its header (8).
    assert!((20.0..21.0).contains(&w[1]), "{w:?}");
    // Column 3: the header 得分 (4 cells) is wider than "87.5".
    assert!((6.0..7.0).contains(&w[2]), "{w:?}");
    assert!(w[1] > w[2] && w[3] > w[2], "{w:?}");
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "bold headers");
    assert!(styles.contains(r#"formatCode="0.0""#), "one decimal for scores");
}

#[test]
fn issue11_a_very_long_cell_widens_its_column_only_up_to_the_cap() {
    let sheet = Sheet { name: "长".into(), headers: vec!["说明".into()], rows: vec![vec![Cell::text("字".repeat(500))]] };
    let w = widths(&part(&workbook(&[sheet]).unwrap(), "xl/worksheets/sheet1.xml"));
    assert!((xlsx::MAX_WIDTH as f64 + 2.0..xlsx::MAX_WIDTH as f64 + 3.0).contains(&w[0]), "{w:?}");
}

#[test]
fn issue11_the_same_sheets_give_the_same_bytes_with_a_fixed_creation_date() {
    let a = workbook(&[board(), plan()]).unwrap();
    let b = workbook(&[board(), plan()]).unwrap();
    assert!(a == b, "two runs, one file");
    let core = part(&a, "docProps/core.xml");
    assert!(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z</dcterms:created>"), "{core}");
    let mut other = board();
    other.rows[1][1] = Cell::text("丁厂");
    assert!(workbook(&[other, plan()]).unwrap() != a, "the bytes follow the content");
}

#[test]
fn issue11_whole_numbers_beyond_double_precision_stay_exact_as_text() {
    let sheet = Sheet { name: "s".into(), headers: vec!["n".into(), "m".into()], rows: vec![vec![Cell::Int(1 << 53), Cell::Int((1 << 53) + 1)]] };
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(workbook(&[sheet]).unwrap())).unwrap();
    let r = book.worksheet_range("s").unwrap();
    assert_eq!(r.get((1, 0)), Some(&Data::Float(9007199254740992.0)));
    assert_eq!(r.get((1, 1)), Some(&Data::String("9007199254740993".into())));
}

#[test]
fn issue11_bad_sheets_are_refused_with_their_place() {
    assert_eq!(workbook(&[]), Err(XlsxError::NoSheets));
    let mut wide = board();
    wide.rows[1].push(Cell::Int(1));
    wide.rows[1].push(Cell::Int(2));
    assert_eq!(workbook(&[wide]), Err(XlsxError::Shape { sheet: "信用风险等级".into(), row: 2, cells: 7, columns: 5 }));
    let mut slash = plan();
    slash.name = "A/B".into();
    assert!(matches!(workbook(&[slash]), Err(XlsxError::Sheet { sheet, .. }) if sheet == "A/B"));
    let mut long = plan();
    long.name = "名".repeat(32);
    assert!(matches!(workbook(&[long]), Err(XlsxError::Sheet { .. })));
    let mut twin = plan();
    twin.name = "信用风险等级".into();
    let e = workbook(&[board(), twin]).unwrap_err();
    assert_eq!(e, XlsxError::Sheet { sheet: "信用风险等级".into(), message: "another sheet has this name".into() });
    let mut nan = board();
    nan.rows[0][2] = Cell::Number { value: f64::NAN, decimals: 1 };
    match workbook(&[nan]).unwrap_err() {
        XlsxError::Cell { sheet, row, column, .. } => assert_eq!((sheet.as_str(), row, column.as_str()), ("信用风险等级", 1, "得分")),
        e => panic!("{e}"),
    }
    let mut huge = board();
    huge.rows[2][1] = Cell::text("x".repeat(32_768));
    let e = workbook(&[huge]).unwrap_err();
    assert!(matches!(&e, XlsxError::Cell { row: 3, column, .. } if column == "企业名称"), "{e}");
    assert!(e.to_string().starts_with("sheet \"信用风险等级\", data row 3, column \"企业名称\": "), "{e}");
}

#[test]
fn issue11_a_sheet_past_the_last_row_is_refused_naming_the_row() {
    let rows = vec![vec![Cell::Int(0)]; 1_048_576];
    let sheet = Sheet { name: "大".into(), headers: vec!["n".into()], rows };
    let e = workbook(&[sheet]).unwrap_err();
    assert!(matches!(&e, XlsxError::Cell { row: 1_048_576, column, .. } if column == "n"), "{e}");
}
