//! XLSX workbooks for the spreadsheets regulators exchange (issue 11):
//! Chinese headers in bold in a frozen first row, every column as wide as
//! its widest cell (CJK characters counted double), and the same bytes for
//! the same content (the document's creation time is fixed).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// One cell's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A decimal shown with one decimal place (points, per cent).
    Number(f64),
    Int(i64),
}

/// One worksheet: its name (≤ 31 characters), header row and data rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The workbook of `sheets`, in order, as bytes.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation time: the same plan gives the same bytes.
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let bold = Format::new().set_bold();
    let tenths = Format::new().set_num_format("0.0");
    for s in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(&s.name)?;
        let mut widths: Vec<usize> = s.headers.iter().map(|h| width(h)).collect();
        for (c, h) in s.headers.iter().enumerate() {
            sheet.write_string_with_format(0, col(c), h, &bold)?;
        }
        for (i, cells) in s.rows.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in cells.iter().enumerate() {
                if widths.len() <= c {
                    widths.push(0);
                }
                match cell {
                    Cell::Text(t) => {
                        widths[c] = widths[c].max(width(t));
                        sheet.write_string(row, col(c), t)?;
                    }
                    Cell::Number(x) => {
                        widths[c] = widths[c].max(format!("{x:.1}").len());
                        sheet.write_number_with_format(row, col(c), *x, &tenths)?;
                    }
                    Cell::Int(n) => {
                        widths[c] = widths[c].max(n.to_string().len());
                        // Counts and seqs of a plan stay far below 2^53.
                        sheet.write_number(row, col(c), *n as f64)?;
                    }
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(col(c), (*w + 2) as f64)?;
        }
    }
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Display width in character cells: wide (CJK) characters count two.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}
