//! The spreadsheet fixtures (issue 11): a sampling-result notice
//! (抽查结果公告) and an administrative-penalty list (行政处罚信息) as XLSX
//! workbooks, each with its JSON Lines twin (the facts its mapping in
//! `fixtures/mappings/` must give), and the registrations of their made-up
//! enterprises (`enterprises.jsonl`), so that both import onto an empty
//! ledger. The twins are written here from the same rows, independently of
//! the importer: an amount's yuan is written by hand next to its 万元 cell.
//! Same code → same bytes (the workbooks' creation date is fixed).

mod data;
mod xlsx;

use crate::fact::J;
use std::io;
use std::path::{Path, PathBuf};

pub use data::{enterprises, penalty_list, sampling_notice, Enterprise};

/// A cell as written in a workbook.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A text cell.
    Text(String),
    /// A numeric cell (an amount typed as a number).
    Number(f64),
    /// A date-formatted cell: an Excel serial date.
    Date(chrono::NaiveDate),
    /// Nothing.
    Empty,
}

/// One sheet and the facts its rows give.
#[derive(Clone, Debug)]
pub struct Table {
    /// The file stem (`sampling-notice`).
    pub stem: &'static str,
    /// The sheet's name.
    pub sheet: &'static str,
    pub headers: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
    /// The fact of each row, as JSON (the twin's lines).
    pub facts: Vec<J>,
}

impl Table {
    /// The JSON Lines twin.
    pub fn jsonl(&self) -> String {
        self.facts.iter().map(|f| f.to_json() + "\n").collect()
    }
}

/// Writes every sheet fixture into `dir` (created when missing):
/// `enterprises.jsonl`, and `sampling-notice.{xlsx,jsonl}` and
/// `penalty-list.{xlsx,jsonl}`; the paths written.
pub fn write_all(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let people = enterprises();
    let mut written = Vec::new();
    let mut put = |name: String, bytes: Vec<u8>| -> io::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    put("enterprises.jsonl".into(), people.iter().map(|e| e.registration().to_json() + "\n").collect::<String>().into_bytes())?;
    for table in [sampling_notice(&people), penalty_list(&people)] {
        put(format!("{}.xlsx", table.stem), xlsx::workbook(&table).map_err(io::Error::other)?)?;
        put(format!("{}.jsonl", table.stem), table.jsonl().into_bytes())?;
    }
    Ok(written)
}
