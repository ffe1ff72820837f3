//! The sheet as calamine reads it, with the checks on its shape: the sheet
//! exists, nothing in its data area (the header row and below) is merged or
//! computed by a formula, and its headers are exactly the mapping's.

use super::cells::{cell_name, column_letters, is_empty};
use super::formulas::formula_cells;
use super::mapping::{header_key, Mapping};
use super::SheetError;
use calamine::{Data, Range, Reader, Xlsx};
use std::collections::BTreeSet;
use std::io::Cursor;

/// A sheet read whole, its headers matched with the mapping's columns.
pub struct Grid {
    pub cells: Range<Data>,
    /// 0-based column of each of the mapping's columns.
    pub columns: Vec<u32>,
    /// The header text of each of the mapping's columns, as the sheet writes it.
    pub headers: Vec<String>,
}

/// Reads sheet `sheet` of the XLSX workbook `bytes` (named `file`) and
/// checks its shape against `mapping`.
pub fn read(file: &str, bytes: &[u8], sheet: &str, mapping: &Mapping) -> Result<Grid, SheetError> {
    let at = |message: String| SheetError::Sheet { file: file.to_string(), sheet: sheet.to_string(), message };
    let workbook = |e: calamine::XlsxError| SheetError::Workbook { file: file.to_string(), message: e.to_string() };
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| not_xlsx(file, bytes, e))?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == sheet) {
        let present = names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
        return Err(SheetError::NoSheet { file: file.to_string(), sheet: sheet.to_string(), present });
    }
    let cells = book.worksheet_range(sheet).map_err(workbook)?;
    let top = mapping.header_row - 1;
    book.load_merged_regions().map_err(workbook)?;
    if let Some((_, _, d)) = book.merged_regions_by_sheet(sheet).into_iter().filter(|(_, _, d)| d.end.0 >= top).min_by_key(|(_, _, d)| d.start) {
        let (a, b) = (cell_name(d.start.0, d.start.1), cell_name(d.end.0, d.end.1));
        return Err(at(format!("cells {a}:{b} are merged; every cell of the header row and the rows below it must stand alone (unmerge them and fill each cell)")));
    }
    // Every cell with an `<f>` element in the sheet's XML (a filled-down shared
    // formula included, which calamine's formula range does not report), and
    // the formula text calamine gives, when it gives one.
    let formulas = book.worksheet_formula(sheet).map_err(workbook)?;
    let mut found: BTreeSet<(u32, u32)> = formula_cells(bytes, sheet).map_err(|message| SheetError::Workbook { file: file.to_string(), message })?.into_iter().collect();
    if let Some(start) = formulas.start() {
        found.extend(formulas.used_cells().filter(|(_, _, f)| !f.trim().is_empty()).map(|(r, c, _)| (start.0 + r as u32, start.1 + c as u32)));
    }
    if let Some(&(r, c)) = found.iter().find(|(r, _)| *r >= top) {
        let text = formulas.get_value((r, c)).map(|f| f.trim()).filter(|f| !f.is_empty());
        let what = text.map_or("a formula (filled from another cell: a shared formula)".to_string(), |f| format!("the formula ={f}"));
        return Err(at(format!("cell {} holds {what}; a data cell must hold its value (paste the values)", cell_name(r, c))));
    }
    let (Some(start), Some(end)) = (cells.start(), cells.end()) else {
        return Err(at("the sheet is empty".into()));
    };
    if top > end.0 {
        return Err(at(format!("the sheet has nothing at its header row {} (the mapping's `header_row`)", mapping.header_row)));
    }
    let (columns, headers) = match_headers(&cells, top, start.1, end.1, mapping).map_err(at)?;
    if end.0 == top {
        return Err(at(format!("the sheet has no data rows below its header row {}", mapping.header_row)));
    }
    Ok(Grid { cells, columns, headers })
}

/// Why calamine could not open `bytes` as a workbook: an empty file, or
/// one that is not a zip archive (as every XLSX workbook is), or a zip
/// archive without a workbook, is not an XLSX workbook at all.
fn not_xlsx(file: &str, bytes: &[u8], e: calamine::XlsxError) -> SheetError {
    let reason = match &e {
        _ if bytes.is_empty() => "the file is empty".to_string(),
        calamine::XlsxError::Zip(zip::result::ZipError::InvalidArchive(why)) => format!("it is not a zip archive: {why}"),
        calamine::XlsxError::Zip(z) => format!("it is not a readable zip archive: {z}"),
        calamine::XlsxError::FileNotFound(part) => format!("it is a zip archive without {part}"),
        _ => return SheetError::Workbook { file: file.to_string(), message: e.to_string() },
    };
    SheetError::NotXlsx { file: file.to_string(), reason }
}

/// Finds each of the mapping's columns in header row `top`; any missing,
/// unexpected or repeated header, or a value under no header, is refused.
fn match_headers(cells: &Range<Data>, top: u32, first: u32, last: u32, mapping: &Mapping) -> Result<(Vec<u32>, Vec<String>), String> {
    let mut found: Vec<Option<(u32, String)>> = vec![None; mapping.columns.len()];
    let mut unexpected = Vec::new();
    for c in first..=last {
        let cell = cells.get_value((top, c)).unwrap_or(&Data::Empty);
        if is_empty(cell) {
            if let Some(r) = (top + 1..=cells.end().map_or(top, |e| e.0)).find(|r| cells.get_value((*r, c)).is_some_and(|d| !is_empty(d))) {
                return Err(format!("cell {} has a value but its column {} has no header", cell_name(r, c), column_letters(c)));
            }
            continue;
        }
        let text = cell.to_string().trim().to_string();
        match mapping.column(&header_key(&text)) {
            Some(i) if found[i].is_some() => {
                let (other, _) = found[i].as_ref().map(|(o, t)| (*o, t.clone())).unwrap_or_default();
                return Err(format!("header {text} appears twice, in columns {} and {}", column_letters(other), column_letters(c)));
            }
            Some(i) => found[i] = Some((c, text)),
            None => unexpected.push(format!("{text} ({})", column_letters(c))),
        }
    }
    let missing: Vec<&str> = mapping.columns.iter().zip(&found).filter(|(_, f)| f.is_none()).map(|(c, _)| c.header.as_str()).collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing {}", missing.join(", ")));
    }
    if !unexpected.is_empty() {
        parts.push(format!("unexpected {}", unexpected.join(", ")));
    }
    if !parts.is_empty() {
        return Err(format!("the headers in row {} do not match the mapping {}: {}", top + 1, mapping.name, parts.join("; ")));
    }
    Ok(found.into_iter().flatten().unzip())
}
