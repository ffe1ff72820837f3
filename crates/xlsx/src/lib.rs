//! The spreadsheets regulators exchange (issue 11, part 6): a workbook of
//! named sheets, each a header row and data rows, as XLSX bytes.
//!
//! Every sheet is laid out the same way: the headers in bold in a frozen
//! first row, each column as wide as its widest cell (wide characters such
//! as Chinese count two cells), numbers as the spreadsheet's own numbers.
//! Text is always written as text, never as a formula, whatever it starts
//! with. The bytes are a function of the sheets alone: the document's
//! creation date is fixed ([`CREATED`]), so the same sheets give the same
//! file. Pure: no file, clock or environment (the caller writes the bytes).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};
use unicode_width::UnicodeWidthStr;

/// The creation date every workbook states (`docProps/core.xml`):
/// 1980-01-01, the date the zip container gives its entries, so that the
/// bytes never depend on when they were written.
pub const CREATED: (u16, u8, u8) = (1980, 1, 1);

/// Columns are never made wider than this many character cells, however
/// long a cell's text (Excel's own limit is 255).
pub const MAX_WIDTH: usize = 100;

/// Excel numbers are IEEE doubles: whole numbers beyond ±2^53 would lose
/// digits, so an [`Cell::Int`] outside this range is written as text.
const EXACT_INT: i64 = 1 << 53;

/// One cell of a data row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text, written as a string.
    Text(String),
    /// A whole number (a seq, a count), shown without decimals.
    Int(i64),
    /// A number shown with `decimals` places (a score in points: 1).
    Number { value: f64, decimals: u8 },
    /// No value: a blank cell.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as shown, for its width.
    fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Number { value, decimals } => format!("{value:.*}", *decimals as usize),
            Cell::Empty => String::new(),
        }
    }
}

/// One sheet: its name (at most 31 characters, none of `[]:*?/\`), the
/// column headers, and the data rows (each at most one cell per header).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Why a workbook could not be written; nothing is returned then.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XlsxError {
    /// A workbook needs at least one sheet.
    #[error("a workbook needs at least one sheet")]
    NoSheets,
    /// A data row has more cells than the sheet has columns.
    #[error("sheet {sheet:?}, data row {row}: {cells} cells for {columns} columns")]
    Shape { sheet: String, row: usize, cells: usize, columns: usize },
    /// A cell the format cannot hold (a text over 32,767 characters, a
    /// number that is not finite, a row past the sheet's last).
    #[error("sheet {sheet:?}, data row {row}, column {column:?}: {message}")]
    Cell { sheet: String, row: usize, column: String, message: String },
    /// The sheet as a whole: its name, or more columns than a sheet has.
    #[error("sheet {sheet:?}: {message}")]
    Sheet { sheet: String, message: String },
    /// The writer's own failure assembling the file.
    #[error("cannot write the workbook: {0}")]
    Workbook(String),
}

/// The workbook of `sheets`, in order, as XLSX bytes.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    if sheets.is_empty() {
        return Err(XlsxError::NoSheets);
    }
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATED.0, CREATED.1, CREATED.2).map_err(|e| XlsxError::Workbook(e.to_string()))?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    for (i, sheet) in sheets.iter().enumerate() {
        // Excel compares sheet names without regard to case.
        if sheets[..i].iter().any(|s| s.name.to_lowercase() == sheet.name.to_lowercase()) {
            return Err(XlsxError::Sheet { sheet: sheet.name.clone(), message: "another sheet has this name".into() });
        }
        write_sheet(book.add_worksheet(), sheet)?;
    }
    book.save_to_buffer().map_err(|e| XlsxError::Workbook(e.to_string()))
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    let whole = |e: rust_xlsxwriter::XlsxError| XlsxError::Sheet { sheet: sheet.name.clone(), message: e.to_string() };
    ws.set_name(&sheet.name).map_err(whole)?;
    let columns = u16::try_from(sheet.headers.len())
        .map_err(|_| XlsxError::Sheet { sheet: sheet.name.clone(), message: format!("{} columns: a sheet has at most 16,384", sheet.headers.len()) })?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = sheet.headers.iter().map(|h| width(h)).collect();
    for (c, h) in (0..columns).zip(&sheet.headers) {
        ws.write_string_with_format(0, c, h, &bold).map_err(whole)?;
    }
    let mut formats: Vec<(u8, Format)> = Vec::new();
    for (i, cells) in sheet.rows.iter().enumerate() {
        let n = i + 1;
        if cells.len() > sheet.headers.len() {
            return Err(XlsxError::Shape { sheet: sheet.name.clone(), row: n, cells: cells.len(), columns: sheet.headers.len() });
        }
        let at = |c: usize, message: String| XlsxError::Cell { sheet: sheet.name.clone(), row: n, column: sheet.headers.get(c).cloned().unwrap_or_default(), message };
        let row = u32::try_from(n).map_err(|_| at(0, "past the sheet's last row".into()))?;
        for ((c, cell), col) in cells.iter().enumerate().zip(0..columns) {
            let done = match cell {
                Cell::Text(s) => ws.write_string(row, col, s).map(|_| ()),
                Cell::Int(v) if (-EXACT_INT..=EXACT_INT).contains(v) => ws.write_number_with_format(row, col, *v as f64, decimals(&mut formats, 0)).map(|_| ()),
                Cell::Int(v) => ws.write_string(row, col, v.to_string()).map(|_| ()),
                Cell::Number { value, .. } if !value.is_finite() => return Err(at(c, format!("{value} is not a number a spreadsheet holds"))),
                Cell::Number { value, decimals: d } => ws.write_number_with_format(row, col, *value, decimals(&mut formats, *d)).map(|_| ()),
                Cell::Empty => Ok(()),
            };
            done.map_err(|e| at(c, e.to_string()))?;
            widths[c] = widths[c].max(width(&cell.shown()));
        }
    }
    ws.set_freeze_panes(1, 0).map_err(whole)?;
    for (c, w) in (0..columns).zip(&widths) {
        ws.set_column_width(c, ((*w).min(MAX_WIDTH) + 2) as f64).map_err(whole)?;
    }
    Ok(())
}

/// The number format with `d` decimal places (`0`, `0.0`, …), made once.
fn decimals(formats: &mut Vec<(u8, Format)>, d: u8) -> &Format {
    let i = match formats.iter().position(|(k, _)| *k == d) {
        Some(i) => i,
        None => {
            let pattern = if d == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(d as usize)) };
            formats.push((d, Format::new().set_num_format(pattern)));
            formats.len() - 1
        }
    };
    &formats[i].1
}

/// Display width in character cells: wide (East Asian) characters count two.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn issue11_wide_characters_count_two_cells() {
        assert_eq!(super::width("ab"), 2);
        assert_eq!(super::width("甲厂, A"), 7);
        assert_eq!(super::width("统一社会信用代码"), 16);
        assert_eq!(super::width("规则集SHA-256"), 13);
    }
}
