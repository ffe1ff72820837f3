//! XLSX sheets in (issue 11, docs/SHEETS.md): a published notice's rows,
//! read with calamine, become facts through a mapping file; the facts then
//! go through exactly the validation of a JSON Lines import (each row is
//! the line it would be), so one bad row rejects the whole sheet and
//! nothing is written. Every problem names the file, the sheet, the row
//! (as Excel numbers it) and the column (header and letter).

mod cells;
mod formulas;
mod json;
mod mapping;
mod row;
mod workbook;

pub use cells::{cell_name, column_letters};
pub use mapping::{header_key, Column, Convert, Mapping, Piece, Target};
pub use row::LIST_SEPARATORS;

use crate::{ImportError, ImportOutcome, Input, Rejection};
use calamine::Data;
use model::Timestamp;
use store::Ledger;

/// Why a sheet was not imported; nothing was appended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SheetError {
    /// The mapping file is not valid: where (`key `…``, or a line) and why.
    #[error("mapping {file}, {place}: {message}")]
    Mapping { file: String, place: String, message: String },
    /// The file is not a workbook calamine can read as XLSX.
    #[error("{file} is not a readable XLSX workbook: {message}")]
    Workbook { file: String, message: String },
    /// No sheet has the name asked for; `present` lists those there are.
    #[error("{file} has no sheet {sheet:?}; its sheets are {present}")]
    NoSheet { file: String, sheet: String, present: String },
    /// The sheet's shape: empty, merged cells, a formula, headers that do not match the mapping.
    #[error("{file}, sheet {sheet:?}: {message}")]
    Sheet { file: String, sheet: String, message: String },
    /// Rows that give no valid fact, each with its row and column.
    #[error("{} row(s) rejected, nothing appended; first: {}", .0.len(), .0[0])]
    Rows(Vec<RowRejection>),
    /// The ledger could not be read or written.
    #[error(transparent)]
    Import(ImportError),
    /// The file is not an XLSX workbook at all (empty, not a zip archive, no workbook part): why.
    #[error("{file} is not an XLSX workbook ({reason})")]
    NotXlsx { file: String, reason: String },
}

/// A rejected row: the file, the sheet, the Excel row number (1-based), the
/// columns at fault (header as the sheet writes it, and letter) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowRejection {
    pub file: String,
    pub sheet: String,
    /// The row as Excel numbers it (1-based).
    pub row: u32,
    /// (header, letter) of each column at fault; empty when the row as a whole is.
    pub columns: Vec<(String, String)>,
    pub message: String,
}

impl std::fmt::Display for RowRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, sheet {:?}, row {}", self.file, self.sheet, self.row)?;
        let cols: Vec<String> = self.columns.iter().map(|(h, l)| format!("{h} ({l})")).collect();
        match cols.len() {
            0 => {}
            1 => write!(f, ", column {}", cols[0])?,
            _ => write!(f, ", columns {}", cols.join(", "))?,
        }
        write!(f, ": {}", self.message)
    }
}

/// A sheet read into facts: one JSON Lines line per data row, with the
/// row it came from.
#[derive(Clone, Debug)]
pub struct Sheet {
    file: String,
    sheet: String,
    mapping: Mapping,
    /// (header, letter) of each of the mapping's columns in this sheet.
    headers: Vec<(String, String)>,
    /// (0-based row, line) of each data row that is not blank.
    lines: Vec<(u32, String)>,
}

impl Sheet {
    /// Reads sheet `sheet` of the XLSX workbook `bytes` (named `file` in
    /// messages) through `mapping`: its shape is checked, then every data
    /// row converted (blank rows are skipped); all the rows at fault are
    /// reported together.
    pub fn read(file: &str, bytes: &[u8], sheet: &str, mapping: &Mapping) -> Result<Sheet, SheetError> {
        let grid = workbook::read(file, bytes, sheet, mapping)?;
        let headers: Vec<(String, String)> = grid.headers.iter().zip(&grid.columns).map(|(h, c)| (h.clone(), column_letters(*c))).collect();
        let mut out = Sheet { file: file.into(), sheet: sheet.into(), mapping: mapping.clone(), headers, lines: Vec::new() };
        let mut faults = Vec::new();
        let end = grid.cells.end().map_or(0, |e| e.0);
        for r in mapping.header_row..=end {
            let cells: Vec<&Data> = grid.columns.iter().map(|c| grid.cells.get_value((r, *c)).unwrap_or(&Data::Empty)).collect();
            if cells.iter().all(|d| cells::is_empty(d)) {
                continue;
            }
            match row::fact(mapping, &cells) {
                Ok(line) => out.lines.push((r, line)),
                Err((columns, message)) => faults.push(out.rejection(r, &columns, message)),
            }
        }
        if !faults.is_empty() {
            return Err(SheetError::Rows(faults));
        }
        if out.lines.is_empty() {
            return Err(SheetError::Sheet { file: file.into(), sheet: sheet.into(), message: format!("the sheet has no data rows below its header row {}", mapping.header_row) });
        }
        Ok(out)
    }

    /// The facts as JSON Lines text, one line per data row, in row order.
    pub fn jsonl(&self) -> String {
        self.lines.iter().map(|(_, l)| format!("{l}\n")).collect()
    }

    /// How many data rows (facts) the sheet gave.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the sheet gave no fact (never, for a sheet [`Sheet::read`] accepted).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn rejection(&self, row: u32, columns: &[usize], message: String) -> RowRejection {
        let columns = columns.iter().map(|i| self.headers[*i].clone()).collect();
        RowRejection { file: self.file.clone(), sheet: self.sheet.clone(), row: row + 1, columns, message }
    }

    /// A rejected line of the import, as its row and columns: the field
    /// named is traced back to the columns (or constant) that gave it.
    fn row_of(&self, r: Rejection) -> RowRejection {
        let row = self.lines.get(r.line.wrapping_sub(1)).map_or(0, |(row, _)| *row);
        let Some(field) = r.field else {
            return self.rejection(row, &[], r.message);
        };
        let top = field.split(['.', '[']).next().unwrap_or_default();
        let leaf = field.rsplit('.').next().unwrap_or_default();
        let m = &self.mapping;
        let named = |t: &[Piece]| t.iter().filter_map(|p| if let Piece::Column(i) = p { Some(*i) } else { None }).collect::<Vec<_>>();
        let mut columns = match top {
            "ref" => named(&m.reference),
            "note" => m.note.as_deref().map(named).unwrap_or_default(),
            _ => m.columns.iter().enumerate().filter(|(_, c)| matches!(&c.target, Target::Element { list, leaf: l, .. } if list == top && l == leaf)).map(|(i, _)| i).collect(),
        };
        if columns.is_empty() {
            columns = m.columns.iter().enumerate().filter(|(_, c)| c.target.top() == Some(top)).map(|(i, _)| i).collect();
        }
        columns.dedup();
        let constant = columns.is_empty() && m.constants.iter().any(|(k, _)| k == top);
        let message = if constant { format!("field `{field}` (a constant of mapping {}): {}", m.name, r.message) } else { format!("field `{field}`: {}", r.message) };
        self.rejection(row, &columns, message)
    }
}

/// Imports the facts of `sheet` into `ledger` as one atomic import at
/// `now`, through the JSON Lines import itself ([`crate::import`]): a
/// rejected line is reported as its row and columns, and nothing is appended.
pub fn import(ledger: &Ledger, sheet: &Sheet, now: Timestamp) -> Result<ImportOutcome, SheetError> {
    crate::import(ledger, &[Input::new(sheet.file.clone(), sheet.jsonl())], now).map_err(|e| match e {
        ImportError::Rejected(lines) => SheetError::Rows(lines.into_iter().map(|r| sheet.row_of(r)).collect()),
        e => SheetError::Import(e),
    })
}
