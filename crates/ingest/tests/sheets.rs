//! XLSX sheets in (issue 11, part 5): a sheet's rows become facts through a
//! mapping and the JSON Lines validation; every problem names the file,
//! the sheet, the row and the column (or the mapping file and key), and a
//! rejected sheet appends nothing.

use ingest::sheet::{Mapping, Sheet, SheetError};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::{Read, Write};
use std::path::PathBuf;
use store::Ledger;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shipped(name: &str) -> Mapping {
    let path = repo().join("fixtures/mappings").join(name);
    Mapping::parse(name, &std::fs::read(path).unwrap()).unwrap()
}

/// A cell of a test workbook.
enum C {
    S(&'static str),
    N(f64),
    /// A date-formatted cell.
    D(u16, u8, u8),
    /// A formula (its cached value is not written).
    F(&'static str),
    E,
}

const PENALTY_HEADERS: [&str; 6] = ["决定书文号", "当事人", "统一社会信用代码", "处罚类别", "罚款金额(万元)", "处罚决定日期"];
/// Valid codes (check character verified).
const E1: &str = "91110000600037341L";
const E2: &str = "91660800000007919G";

/// A workbook with one sheet `name`: `rows` from row 1, then `merge` (0-based rows, columns) merged.
fn book_with(name: &str, rows: &[Vec<C>], merge: Option<(u32, u16, u32, u16)>) -> Vec<u8> {
    let mut b = Workbook::new();
    let s = b.add_worksheet();
    s.set_name(name).unwrap();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                C::S(t) => drop(s.write_string(r, c, *t).unwrap()),
                C::N(n) => drop(s.write_number(r, c, *n).unwrap()),
                C::D(y, m, d) => drop(s.write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &day).unwrap()),
                C::F(f) => drop(s.write_formula(r, c, *f).unwrap()),
                C::E => {}
            }
        }
    }
    if let Some((r1, c1, r2, c2)) = merge {
        s.merge_range(r1, c1, r2, c2, "合并", &Format::new()).unwrap();
    }
    b.save_to_buffer().unwrap()
}

fn book(name: &str, rows: &[Vec<C>]) -> Vec<u8> {
    book_with(name, rows, None)
}

fn headers() -> Vec<C> {
    PENALTY_HEADERS.iter().map(|h| C::S(h)).collect()
}

/// A good penalty row.
fn good(n: &'static str, e: &'static str) -> Vec<C> {
    vec![C::S(n), C::S("甲公司"), C::S(e), C::S("警告、罚款"), C::N(1.2345), C::S("2025/3/1")]
}

fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    Sheet::read("list.xlsx", bytes, "行政处罚信息", &shipped("penalty-list.toml"))
}

fn err(r: Result<Sheet, SheetError>) -> String {
    r.map(|_| ()).unwrap_err().to_string()
}

/// The rejected rows' messages.
fn rows(r: Result<Sheet, SheetError>) -> Vec<String> {
    match r {
        Err(SheetError::Rows(rows)) => rows.iter().map(|r| r.to_string()).collect(),
        other => panic!("expected rejected rows, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn issue11_the_fixture_sheets_read_into_the_facts_of_their_jsonl_twins() {
    for (stem, sheet, mapping) in [("sampling-notice", "抽查结果公告", "sampling-notice.toml"), ("penalty-list", "行政处罚信息", "penalty-list.toml")] {
        let dir = repo().join("fixtures/sheets");
        let bytes = std::fs::read(dir.join(format!("{stem}.xlsx"))).unwrap();
        let got = Sheet::read(&format!("{stem}.xlsx"), &bytes, sheet, &shipped(mapping)).unwrap().jsonl();
        let twin = std::fs::read_to_string(dir.join(format!("{stem}.jsonl"))).unwrap();
        let facts = |text: &str| text.lines().map(|l| model::parse_line(l).unwrap().fact).collect::<Vec<_>>();
        assert_eq!(facts(&got), facts(&twin), "{stem}");
        assert!(facts(&got).len() >= 10);
    }
}

#[test]
fn issue11_wan_yuan_and_multi_measure_rows_give_exact_fines() {
    let s =
        read(&book("行政处罚信息", &[headers(), good("罚〔2025〕1号", E1), vec![C::S("罚〔2025〕2号"), C::S("乙"), C::S(E2), C::S("罚款"), C::S("0.012345"), C::D(2025, 3, 2)]]))
            .unwrap();
    let lines: Vec<String> = s.jsonl().lines().map(String::from).collect();
    assert!(lines[0].contains(r#""measures":[{"type":"warning"},{"type":"fine","amount_yuan":12345}]"#), "{}", lines[0]);
    assert!(lines[0].contains(r#""occurred_on":"2025-03-01""#) && lines[0].contains(r#""ref":"罚〔2025〕1号""#), "{}", lines[0]);
    assert!(lines[1].contains(r#""amount_yuan":123.45"#) && lines[1].contains(r#""occurred_on":"2025-03-02""#), "{}", lines[1]);
}

#[test]
fn issue11_headers_that_do_not_match_list_the_missing_and_the_unexpected() {
    let mut h = headers();
    h[1] = C::S("被处罚人");
    h[4] = C::S("罚款金额（万元）"); // full-width brackets: the same header after NFKC
    let e = err(read(&book("行政处罚信息", &[h, good("罚1", E1)])));
    assert!(e.contains("list.xlsx, sheet \"行政处罚信息\"") && e.contains("missing 当事人; unexpected 被处罚人 (B)"), "{e}");
    assert!(!e.contains("罚款金额"), "full-width brackets match: {e}");
}

#[test]
fn issue11_an_unknown_sheet_lists_the_sheets_present_and_an_empty_one_is_refused() {
    let e = err(Sheet::read("list.xlsx", &book("Sheet9", &[headers()]), "行政处罚信息", &shipped("penalty-list.toml")));
    assert!(e.contains("list.xlsx has no sheet \"行政处罚信息\"; its sheets are \"Sheet9\""), "{e}");
    let e = err(read(&book("行政处罚信息", &[])));
    assert!(e.contains("sheet \"行政处罚信息\": the sheet is empty"), "{e}");
    let e = err(read(&book("行政处罚信息", &[headers()])));
    assert!(e.contains("no data rows below its header row 1"), "{e}");
}

#[test]
fn issue11_a_merged_cell_or_a_formula_in_the_data_area_is_refused_with_its_position() {
    let e = err(read(&book_with("行政处罚信息", &[headers(), good("罚1", E1), good("罚2", E2)], Some((1, 3, 2, 3)))));
    assert!(e.contains("sheet \"行政处罚信息\": cells D2:D3 are merged"), "{e}");
    let mut row = good("罚1", E1);
    row[4] = C::F("=1+0.2345");
    let e = err(read(&book("行政处罚信息", &[headers(), row])));
    assert!(e.contains("sheet \"行政处罚信息\": cell E2 holds the formula =1+0.2345"), "{e}");
    // A merged title above the header row is outside the data area.
    let mut title = vec![C::S("2025年行政处罚信息公示")];
    title.extend((1..6).map(|_| C::E));
    let mapping = std::fs::read_to_string(repo().join("fixtures/mappings/penalty-list.toml")).unwrap().replace("header_row = 1", "header_row = 2");
    let mapping = Mapping::parse("p.toml", mapping.as_bytes()).unwrap();
    let bytes = book_with("行政处罚信息", &[title, headers(), good("罚1", E1)], Some((0, 0, 0, 5)));
    assert_eq!(Sheet::read("list.xlsx", &bytes, "行政处罚信息", &mapping).unwrap().len(), 1);
}

#[test]
fn issue11_bad_cells_name_the_sheet_row_and_column_and_every_bad_row_is_listed() {
    let mut bad_date = good("罚1", E1);
    bad_date[5] = C::S("2025-13-01");
    let mut unknown = good("罚2", E1);
    unknown[3] = C::S("警告、记过");
    let mut sub_fen = good("罚3", E1);
    sub_fen[4] = C::S("1.2345678");
    let mut numeric_code = good("罚4", E1);
    numeric_code[2] = C::N(916608000000158383.0);
    let mut no_date = good("罚5", E1);
    no_date[5] = C::E;
    let mut no_fine = good("罚6", E1);
    no_fine[3] = C::S("警告");
    let got = rows(read(&book("行政处罚信息", &[headers(), bad_date, good("罚ok", E2), unknown, sub_fen, numeric_code, no_date, no_fine])));
    let want = [
        "list.xlsx, sheet \"行政处罚信息\", row 2, column 处罚决定日期 (F): \"2025-13-01\" is not a day",
        "row 4, column 处罚类别 (D): \"记过\" is not in the mapping's value table",
        "row 5, column 罚款金额(万元) (E): 1.2345678 万元 is 12345.678 yuan, finer than a fen",
        "row 6, column 统一社会信用代码 (C): is the number",
        "row 7, column 处罚决定日期 (F): is empty",
        "row 8, columns 罚款金额(万元) (E), 处罚类别 (D): gives `amount_yuan` of the fine in `measures`, but the row's `measures` has no fine",
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert!(g.contains(w), "{g}\nwants {w}");
    }
}

#[test]
fn issue11_a_row_the_validation_rejects_names_its_row_and_column_and_appends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(dir.path()).unwrap();
    let now = model::Timestamp::parse("2026-01-15T12:00:00+08:00").unwrap();
    let bad_code = "91110000600037341X";
    let mut fine_without_amount = good("罚3", E2);
    fine_without_amount[4] = C::E;
    let sheet = read(&book("行政处罚信息", &[headers(), good("罚1", E1), good("罚2", bad_code), fine_without_amount, good("罚1", E2)])).unwrap();
    let got = match ingest::sheet::import(&ledger, &sheet, now) {
        Err(SheetError::Rows(rows)) => rows.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        other => panic!("{:?}", other.map(|_| ())),
    };
    assert_eq!(ledger.head().unwrap().seq.0, 0, "nothing appended");
    let want = [
        "row 3, column 统一社会信用代码 (C): field `enterprise`: the check character is X, expected L",
        "row 4, column 罚款金额(万元) (E): field `measures[1].amount_yuan`: is required for a fine",
        "row 5, column 决定书文号 (A): field `ref`: \"罚1\" is already earlier in this import",
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert!(g.starts_with("list.xlsx, sheet \"行政处罚信息\", ") && g.contains(w), "{g}\nwants {w}");
    }
}

/// The sampling mapping with `old` replaced by `new`: its error.
fn mapping_error(old: &str, new: &str) -> String {
    let text = std::fs::read_to_string(repo().join("fixtures/mappings/sampling-notice.toml")).unwrap();
    assert!(text.contains(old), "{old}");
    Mapping::parse("m.toml", text.replacen(old, new, 1).as_bytes()).unwrap_err().to_string()
}

#[test]
fn issue11_an_invalid_mapping_is_refused_naming_the_file_and_the_key() {
    let cases = [
        ("header_row = 1", "header_row = 1\nsheet_name = \"x\"", "mapping m.toml, line 6: unknown field `sheet_name`"),
        ("field = \"product\"", "feild = \"product\"", "unknown field `feild`"),
        ("kind = \"sampling_inspection\"", "kind = \"sampling\"", "key `kind`: \"sampling\" is not a fact kind"),
        ("kind = \"sampling_inspection\"", "kind = \"grade_issued\"", "key `kind`: grade_issued is written only by the ledger"),
        ("header = \"规格型号\"", "header = \"产品名称\"", "key `columns[3].header`: column 产品名称 is declared twice (columns[2] and columns[3])"),
        ("field = \"batch\"", "field = \"product\"", "key `columns[4].field`: product is already given by column 产品名称"),
        ("{生产日期/批号}", "{批号}", "key `ref`: {批号} names a column the mapping does not declare"),
        ("note = \"抽查结果公告：{企业名称}，规格型号 {规格型号}\"", "", "key `columns[0]`: column 企业名称 is used nowhere"),
        ("field = \"occurred_on\"", "field = \"occurred_on\"\nvalues = { a = \"b\" }", "key `columns[7].values`: only a `value` or `list`"),
        ("level = \"xpcc\"", "level = 1.5", "key `constants.level`: 1.5 is a binary floating-point number"),
        ("level = \"xpcc\"", "product = \"x\"", "key `constants.product`: product is already given by column 产品名称"),
        ("header_row = 1", "header_row = 0", "key `header_row`: 0 is not an Excel row"),
        ("field = \"enterprise\"", "field = \"enterprise_code\"", "key `columns`: no column gives `enterprise`"),
        ("convert = \"uscc\"", "convert = \"code\"", "unknown variant `code`"),
        ("ref = \"SC-{公告日期}-{统一社会信用代码}-{生产日期/批号}\"", "ref = \"SC\"", "key `ref`: names no column"),
        ("field = \"product\"", "field = \"measures[type=fine].amount_yuan\"", "key `columns[2].field`: no `list` column gives measures"),
    ];
    for (old, new, want) in cases {
        let e = mapping_error(old, new);
        assert!(e.starts_with("mapping m.toml, ") && e.contains(want), "{old} → {new}:\n{e}\nwants {want}");
    }
}

/// `bytes` with the XML of cell `cell` of its first sheet given an `<f>`
/// element `f` before its value, as Excel writes the cells a formula was
/// filled down into (`<f t="shared" si="0"/>`: no formula text of their own).
fn with_formula_element(bytes: &[u8], cell: &str, f: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(text).unwrap();
            let at = xml.find(&format!("<c r=\"{cell}\"")).unwrap();
            let v = at + xml[at..].find("<v>").unwrap();
            text = format!("{}{f}{}", &xml[..v], &xml[v..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn issue11_a_cell_filled_from_a_shared_formula_is_refused_with_its_position() {
    let plain = book("行政处罚信息", &[headers(), good("罚1", E1), good("罚2", E2)]);
    assert_eq!(read(&plain).unwrap().len(), 2, "the sheet without the formula element is good");
    let shared = with_formula_element(&plain, "E3", r#"<f t="shared" si="0"/>"#);
    let e = err(read(&shared));
    assert!(e.contains("list.xlsx, sheet \"行政处罚信息\": cell E3 holds a formula (filled from another cell: a shared formula); a data cell must hold its value"), "{e}");
    // The master of a filled-down formula, with its text, is named by its formula.
    let master = with_formula_element(&shared, "E2", r#"<f t="shared" ref="E2:E3" si="0">1+0.2345</f>"#);
    let e = err(read(&master));
    assert!(e.contains("cell E2 holds the formula =1+0.2345"), "{e}");
    // Above the header row (a title) a formula is not read.
    let mut title = vec![C::S("2025年行政处罚信息公示")];
    title.extend((1..6).map(|_| C::E));
    title[4] = C::N(1.0);
    let mapping = std::fs::read_to_string(repo().join("fixtures/mappings/penalty-list.toml")).unwrap().replace("header_row = 1", "header_row = 2");
    let mapping = Mapping::parse("p.toml", mapping.as_bytes()).unwrap();
    let titled = with_formula_element(&book("行政处罚信息", &[title, headers(), good("罚1", E1)]), "E1", r#"<f t="shared" si="0"/>"#);
    assert_eq!(Sheet::read("list.xlsx", &titled, "行政处罚信息", &mapping).unwrap().len(), 1);
}

#[test]
fn issue11_an_empty_or_non_zip_file_is_not_an_xlsx_workbook() {
    let e = err(Sheet::read("list.xlsx", b"", "行政处罚信息", &shipped("penalty-list.toml")));
    assert_eq!(e, "list.xlsx is not an XLSX workbook (the file is empty)");
    let e = err(Sheet::read("list.xlsx", b"not a zip", "行政处罚信息", &shipped("penalty-list.toml")));
    assert!(e.starts_with("list.xlsx is not an XLSX workbook (it is not a zip archive: ") && !e.contains("Zip error"), "{e}");
    let mut other = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    other.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    other.write_all(b"hello").unwrap();
    let e = err(Sheet::read("list.xlsx", &other.finish().unwrap().into_inner(), "行政处罚信息", &shipped("penalty-list.toml")));
    assert!(e.starts_with("list.xlsx is not an XLSX workbook (it is a zip archive without "), "{e}");
}

#[test]
fn issue11_a_header_mismatch_says_only_what_is_missing_or_only_what_is_unexpected() {
    let mut h = headers();
    h.pop();
    let mut row = good("罚1", E1);
    row.pop();
    let e = err(read(&book("行政处罚信息", &[h, row])));
    assert!(e.ends_with("do not match the mapping penalty-list.toml: missing 处罚决定日期"), "{e}");
    let mut h = headers();
    h.push(C::S("备注"));
    let mut row = good("罚1", E1);
    row.push(C::S("无"));
    let e = err(read(&book("行政处罚信息", &[h, row])));
    assert!(e.ends_with("do not match the mapping penalty-list.toml: unexpected 备注 (G)"), "{e}");
    assert!(!e.contains("none"), "{e}");
}

#[test]
fn issue11_a_plan_issued_mapping_is_refused_naming_the_file_and_the_key() {
    let e = mapping_error("kind = \"sampling_inspection\"", "kind = \"plan_issued\"");
    assert_eq!(e, "mapping m.toml, key `kind`: plan_issued is written only by the ledger itself, never imported");
}
