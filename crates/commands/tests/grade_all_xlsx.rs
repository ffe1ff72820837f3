//! Issue 11, part 6: `grade-all --format xlsx --output FILE` on the fixture
//! division: one sheet 信用风险等级 with Chinese headers and a frozen header
//! row, holding exactly the rows and values of the CSV; the same question
//! gives the same bytes; without --output it is refused (exit 2).

use calamine::{Data, Reader};
use clap::Parser;
use commands::args::Command;
use commands::{CliError, Source};
use std::io::Read;
use std::path::{Path, PathBuf};

#[path = "support/mod.rs"]
mod support;
use support::run_on;

const HEADERS: [&str; 12] =
    ["统一社会信用代码", "企业名称", "所属师", "信用风险等级", "得分", "未满足条件", "触发情形", "等级调整", "决定性理由", "知识截止序号", "规则集", "规则集SHA-256"];

fn run_args(ledger: &Path, args: &[&str]) -> (Vec<u8>, Result<(), CliError>) {
    let command: Command = commands::args::Cli::try_parse_from(std::iter::once("credit-ledger").chain(args.iter().copied())).unwrap().command;
    let ran = run_on(Source::Dir(ledger.to_path_buf()), command);
    (ran.out, ran.result)
}

fn fixture_ledger(tmp: &Path) -> PathBuf {
    let dir = tmp.join("ledger");
    let facts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/division-08/facts.jsonl");
    let (_, result) = run_args(&dir, &["import", facts.to_str().unwrap()]);
    assert!(result.is_ok(), "{result:?}");
    dir
}

fn xlsx_of(ledger: &Path, file: &Path) -> Vec<u8> {
    let (out, result) = run_args(ledger, &["grade-all", "--on", "2025-12-31", "--division", "08", "--format", "xlsx", "--output", file.to_str().unwrap()]);
    assert!(result.is_ok(), "{result:?}");
    assert!(out.is_empty(), "nothing on stdout");
    std::fs::read(file).unwrap()
}

/// A cell as the CSV writes its value: the score with one decimal, the seq
/// as a whole number, a blank as an empty field.
fn as_csv(column: usize, d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) if column == 4 => format!("{f:.1}"),
        Data::Float(f) => format!("{f}"),
        Data::Empty => String::new(),
        other => panic!("column {column}: unexpected cell {other:?}"),
    }
}

#[test]
fn issue11_grade_all_xlsx_holds_the_csv_rows_under_chinese_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = fixture_ledger(tmp.path());
    let bytes = xlsx_of(&ledger, &tmp.path().join("grades.xlsx"));
    let (csv, result) = run_args(&ledger, &["grade-all", "--on", "2025-12-31", "--division", "08", "--format", "csv"]);
    assert!(result.is_ok(), "{result:?}");
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let csv_rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert!(csv_rows.len() >= 200, "{} rows", csv_rows.len());

    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["信用风险等级"]);
    let sheet = book.worksheet_range("信用风险等级").unwrap();
    assert_eq!(sheet.get_size(), (csv_rows.len() + 1, 12), "a header row and one row per enterprise");
    let headers: Vec<String> = (0..12).map(|c| sheet.get((0, c)).unwrap().to_string()).collect();
    assert_eq!(headers, HEADERS);
    for (i, csv_row) in csv_rows.iter().enumerate() {
        for (c, want) in csv_row.iter().enumerate() {
            let got = as_csv(c, sheet.get((i + 1, c)).unwrap_or(&Data::Empty));
            // The CSV guards text against formulas with a leading `'`; the workbook needs no guard.
            assert!(got == *want || format!("'{got}") == *want, "row {} column {}: xlsx {got:?}, csv {want:?}", i + 1, HEADERS[c]);
        }
    }
    // The typed columns: the score and the knowledge cut are numbers.
    let first = |c: usize| sheet.get((1, c)).unwrap().clone();
    assert!(matches!(first(4), Data::Float(_)), "{:?}", first(4));
    assert_eq!(first(9), Data::Float(5148.0));
    assert_eq!(first(2), Data::String("08".into()), "the division keeps its leading zero");
    // Some enterprise has failed conditions or a decisive reason: the list columns are filled.
    assert!((1..=csv_rows.len()).any(|r| matches!(sheet.get((r, 8)), Some(Data::String(_)))));

    let xml = {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(xml.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "a frozen header row");
    assert!(xml.contains(r#"<col min="12" max="12" width="66.7109375" customWidth="1"/>"#), "the SHA-256 column fits its 64 digits: {xml:.800}");
}

#[test]
fn issue11_grade_all_xlsx_is_the_same_file_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = fixture_ledger(tmp.path());
    let a = xlsx_of(&ledger, &tmp.path().join("a.xlsx"));
    let b = xlsx_of(&ledger, &tmp.path().join("b.xlsx"));
    assert!(a == b, "two runs of the same question give identical bytes");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().contains(".tmp-")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn issue11_xlsx_without_an_output_file_or_for_replay_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("none");
    let (out, result) = run_args(&ledger, &["grade-all", "--on", "2025-12-31", "--format", "xlsx"]);
    let e = result.unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e}");
    assert!(e.to_string().contains("--output FILE"), "{e}");
    assert!(out.is_empty(), "no binary on stdout");
    assert!(!ledger.exists(), "refused before the ledger is looked at");
    let file = tmp.path().join("r.xlsx");
    let (_, result) =
        run_args(&ledger, &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--format", "xlsx", "--output", file.to_str().unwrap()]);
    let e = result.unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e}");
    assert!(e.to_string().contains("--format xlsx is for grade-all"), "{e}");
    assert!(!file.exists());
}
