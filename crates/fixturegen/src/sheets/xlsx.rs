//! A [`Table`] as an XLSX workbook of one sheet (rust_xlsxwriter): bold
//! headers in row 1, dates as date-formatted serial cells, a fixed creation
//! date so that the bytes never change.

use super::{Cell, Table};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// The workbooks' creation date (document properties).
const CREATED: (u16, u8, u8) = (2026, 1, 5);

/// The workbook's bytes.
pub fn workbook(t: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATED.0, CREATED.1, CREATED.2)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created).set_author("credit-ledger fixturegen"));
    let sheet = book.add_worksheet();
    sheet.set_name(t.sheet)?;
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let mut widths: Vec<usize> = t.headers.iter().map(|h| width(h)).collect();
    for (c, h) in t.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(s) => {
                    widths[c] = widths[c].max(width(s));
                    sheet.write_string(r, col, s)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, col, *n)?;
                }
                Cell::Date(d) => {
                    use chrono::Datelike;
                    let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    widths[c] = widths[c].max(10);
                    sheet.write_datetime_with_format(r, col, &x, &day)?;
                }
                Cell::Empty => {}
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w + 2) as f64)?;
    }
    book.save_to_buffer()
}

/// Display width: wide (CJK) characters count two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}
