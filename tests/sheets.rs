//! `import --format xlsx FILE --sheet NAME --mapping MAPPING.toml` (issue 11,
//! part 5), run for real: the fixture notices import into exactly the facts
//! of their JSON Lines twins, and a rejected sheet, mapping or argument
//! exits 2 and writes nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "support/mod.rs"]
mod support;
use support::*;

const NOW: &str = "2026-01-15T12:00:00+08:00";

fn run(ledger: &Path, args: &[&str]) -> Output {
    run_at(NOW, ledger, args)
}

fn sheets() -> PathBuf {
    fixtures().join("sheets")
}

fn path(p: PathBuf) -> String {
    p.to_str().unwrap().to_string()
}

/// `import --format xlsx` of the fixture `stem` with its shipped mapping.
fn import_xlsx(ledger: &Path, file: &str, sheet: &str, mapping: &str) -> Output {
    run(ledger, &["import", "--format", "xlsx", file, "--sheet", sheet, "--mapping", mapping])
}

fn notice() -> (String, &'static str, String) {
    (path(sheets().join("sampling-notice.xlsx")), "抽查结果公告", path(fixtures().join("mappings/sampling-notice.toml")))
}

fn penalties() -> (String, &'static str, String) {
    (path(sheets().join("penalty-list.xlsx")), "行政处罚信息", path(fixtures().join("mappings/penalty-list.toml")))
}

/// The ledger exported whole (records, recorded times, hashes).
fn export(ledger: &Path) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.jsonl");
    ok(run(ledger, &["export", out.to_str().unwrap()]));
    std::fs::read(out).unwrap()
}

#[test]
fn issue11_the_fixture_sheets_import_into_the_same_facts_as_their_jsonl_twins() {
    let dir = tempfile::tempdir().unwrap();
    let (from_xlsx, from_jsonl) = (dir.path().join("xlsx"), dir.path().join("jsonl"));
    let base = path(sheets().join("enterprises.jsonl"));
    for ledger in [&from_xlsx, &from_jsonl] {
        assert!(ok(run(ledger, &["import", &base])).starts_with("appended 12,"));
    }
    for ((file, sheet, mapping), twin, n) in [(notice(), "sampling-notice.jsonl", 15), (penalties(), "penalty-list.jsonl", 12)] {
        let o = ok(import_xlsx(&from_xlsx, &file, sheet, &mapping));
        assert!(o.starts_with(&format!("appended {n}, duplicates 0, rejected 0")), "{o}");
        let o = ok(run(&from_jsonl, &["import", &path(sheets().join(twin))]));
        assert!(o.starts_with(&format!("appended {n}, duplicates 0")), "{o}");
    }
    // The same facts at the same "now": the same records, hashes and all.
    assert!(export(&from_xlsx) == export(&from_jsonl), "the sheets and their twins gave different ledgers");
    // A sheet imported onto its twin's facts is nothing but duplicates.
    let (file, sheet, mapping) = penalties();
    assert!(ok(import_xlsx(&from_jsonl, &file, sheet, &mapping)).starts_with("appended 0, duplicates 12, rejected 0"));
}

/// A cell of a test workbook.
enum C {
    S(&'static str),
    N(f64),
    F(&'static str),
}

/// A new workbook file in `dir` with one sheet `name` holding `rows` from
/// row 1; `merge` merges a range (0-based first row, column, last row, column).
fn workbook(dir: &Path, name: &str, rows: &[Vec<C>], merge: Option<(u32, u16, u32, u16)>) -> String {
    let mut b = rust_xlsxwriter::Workbook::new();
    let s = b.add_worksheet();
    s.set_name(name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                C::S(t) => drop(s.write_string(r, c, *t).unwrap()),
                C::N(n) => drop(s.write_number(r, c, *n).unwrap()),
                C::F(f) => drop(s.write_formula(r, c, *f).unwrap()),
            }
        }
    }
    if let Some((r1, c1, r2, c2)) = merge {
        s.merge_range(r1, c1, r2, c2, "", &rust_xlsxwriter::Format::new()).unwrap();
    }
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let p = dir.join(format!("sheet-{}.xlsx", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    b.save(&p).unwrap();
    path(p)
}

fn penalty_rows(code: &'static str, amount: C) -> Vec<Vec<C>> {
    vec![
        ["决定书文号", "当事人", "统一社会信用代码", "处罚类别", "罚款金额(万元)", "处罚决定日期"].into_iter().map(C::S).collect(),
        vec![C::S("师市监处罚〔2025〕1号"), C::S("甲公司"), C::S("91110000600037341L"), C::S("罚款"), C::N(0.5), C::S("2025-03-01")],
        vec![C::S("师市监处罚〔2025〕2号"), C::S("乙公司"), C::S(code), C::S("警告、罚款"), amount, C::S("2025年3月2日")],
    ]
}

/// Runs a rejected `import --format xlsx` on a new ledger: exit 2, stderr
/// holding `want`, and no ledger directory.
fn refused(dir: &Path, file: &str, sheet: &str, mapping: &str, want: &str) {
    let ledger = dir.join("ledger");
    let o = import_xlsx(&ledger, file, sheet, mapping);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(want), "{}\nwants {want}", stderr(&o));
    assert!(!ledger.exists(), "a rejected import created the ledger ({want})");
}

#[test]
fn issue11_every_rejected_sheet_exits_2_names_its_place_and_creates_no_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, sheet, mapping) = penalties();
    let good = |code| penalty_rows(code, C::N(1.2345));

    let file = workbook(d, sheet, &good("91110000600037341L"), None);
    refused(d, &file, "处罚", &mapping, "has no sheet \"处罚\"; its sheets are \"行政处罚信息\"");
    let (_, _, other) = notice();
    refused(d, &file, sheet, &other, "missing 企业名称, 产品名称, 规格型号, 生产日期/批号, 抽查结果, 不合格项目, 公告日期; unexpected 决定书文号 (A), 当事人 (B), 处罚类别 (D), 罚款金额(万元) (E), 处罚决定日期 (F)");

    let merged = workbook(d, sheet, &good("91110000600037341L"), Some((1, 1, 2, 1)));
    refused(d, &merged, sheet, &mapping, "sheet \"行政处罚信息\": cells B2:B3 are merged");
    let formula = workbook(d, sheet, &penalty_rows("91110000600037341L", C::F("=E2*2")), None);
    refused(d, &formula, sheet, &mapping, "sheet \"行政处罚信息\": cell E3 holds the formula =E2*2");
    let empty = workbook(d, sheet, &[], None);
    refused(d, &empty, sheet, &mapping, "sheet \"行政处罚信息\": the sheet is empty");

    // Rows: a bad code (found by the JSON Lines validation), a fine finer than a fen (by the conversion).
    let bad_code = workbook(d, sheet, &good("91110000600037341X"), None);
    refused(d, &bad_code, sheet, &mapping, "sheet \"行政处罚信息\", row 3, column 统一社会信用代码 (C): field `enterprise`: the check character is X, expected L");
    let sub_fen = workbook(d, sheet, &penalty_rows("91110000600037341L", C::S("0.1234567")), None);
    refused(d, &sub_fen, sheet, &mapping, "row 3, column 罚款金额(万元) (E): 0.1234567 万元 is 1234.567 yuan, finer than a fen");

    let bad_mapping = d.join("bad.toml");
    std::fs::write(&bad_mapping, std::fs::read_to_string(&mapping).unwrap().replace("kind = \"administrative_penalty\"", "kind = \"penalty\"")).unwrap();
    refused(d, &file, sheet, bad_mapping.to_str().unwrap(), "bad.toml, key `kind`: \"penalty\" is not a fact kind");
    // And the good sheet goes in.
    assert!(ok(import_xlsx(&d.join("ledger"), &file, sheet, &mapping)).starts_with("appended 2,"));
}

#[test]
fn issue11_a_bad_row_leaves_an_existing_ledger_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    ok(run(&ledger, &["import", &path(sheets().join("enterprises.jsonl"))]));
    let before = export(&ledger);
    let (_, sheet, mapping) = penalties();
    // The first row is good; the second names a fine without an amount.
    let mut rows = penalty_rows("91660800000007919G", C::S(""));
    rows[2][3] = C::S("罚款");
    let file = workbook(dir.path(), sheet, &rows, None);
    let o = import_xlsx(&ledger, &file, sheet, &mapping);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("row 3, column 罚款金额(万元) (E): field `measures[0].amount_yuan`: is required for a fine"), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 row(s) rejected, listed above; nothing was appended"), "{}", stderr(&o));
    assert!(export(&ledger) == before, "a rejected sheet changed the ledger");
}

#[test]
fn issue11_xlsx_arguments_are_checked_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger");
    let (file, sheet, mapping) = penalties();
    let twin = path(sheets().join("penalty-list.jsonl"));
    let cases: [(&[&str], &str); 5] = [
        (&["import", "--format", "xlsx", &file, "--sheet", sheet], "--mapping"),
        (&["import", "--format", "xlsx", &file, "--mapping", &mapping], "--sheet"),
        (&["import", &twin, "--sheet", sheet], "--sheet is only for --format xlsx"),
        (&["import", &twin, "--format", "json", "--mapping", &mapping], "--mapping is only for --format xlsx"),
        (&["import", "--format", "xlsx", &file, &file, "--sheet", sheet, "--mapping", &mapping], "exactly one FILE"),
    ];
    for (args, want) in cases {
        let o = run(&ledger, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        assert!(!ledger.exists());
    }
    // Through a server: refused before anything is sent (no server listens here).
    let o = bin_at(NOW)
        .env_remove("CREDIT_LEDGER_SERVER")
        .args(["--server", "http://127.0.0.1:9", "import", "--format", "xlsx", &file, "--sheet", sheet, "--mapping", &mapping])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("import --format xlsx is not available through a server"), "{}", stderr(&o));
}

#[test]
fn issue11_an_empty_or_non_zip_file_is_said_not_to_be_an_xlsx_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, sheet, mapping) = penalties();
    for (name, bytes, want) in [
        ("empty.xlsx", &b""[..], "empty.xlsx is not an XLSX workbook (the file is empty)"),
        ("text.xlsx", &b"not a workbook"[..], "text.xlsx is not an XLSX workbook (it is not a zip archive: "),
    ] {
        let file = d.join(name);
        std::fs::write(&file, bytes).unwrap();
        refused(d, file.to_str().unwrap(), sheet, &mapping, want);
        let o = import_xlsx(&d.join("ledger"), file.to_str().unwrap(), sheet, &mapping);
        assert!(!stderr(&o).contains("Zip error"), "{}", stderr(&o));
    }
}
