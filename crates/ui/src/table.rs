//! The division board's table (issue 10, item 2): one row model, filtered
//! and sorted by one [`View`] for the page and both downloads, so a CSV or
//! XLSX holds exactly the rows shown; writers return bytes (no I/O).

use appeal::Decision;
use grading::GradeReport;
use model::fact::Grade;
use model::Points;

/// The column headers of the table and of both downloads.
pub const HEADERS: [&str; 6] = ["统一社会信用代码", "企业名称", "信用等级", "信用得分", "决定因素", "上次发布等级"];

/// One enterprise of the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub uscc: String,
    pub name: String,
    /// As of (V, K, R).
    pub grade: Option<Grade>,
    /// Tenths of a point.
    pub score: Option<Points>,
    /// What decided the grade (`GradeReport::decisive_reasons`), e.g. `A4 A5`.
    pub decisive: String,
    /// The grade issued in the last annual run (`None`: none for it).
    pub issued: Option<Grade>,
}

impl Row {
    /// The row of a report and its decision of the last run.
    pub fn of(r: &GradeReport, d: Option<&Decision>) -> Row {
        Row {
            uscc: r.enterprise.clone(),
            name: r.name.clone(),
            grade: r.grade,
            score: r.score,
            decisive: r.decisive_reasons(),
            issued: d.map(|d| d.decision.grade),
        }
    }
}

/// The column a table is sorted by (`sort=` in the query).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Uscc,
    Name,
    Grade,
    Score,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [SortKey::Uscc, SortKey::Name, SortKey::Grade, SortKey::Score];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Uscc => "uscc",
            SortKey::Name => "name",
            SortKey::Grade => "grade",
            SortKey::Score => "score",
        }
    }
}

/// Ascending or descending (`dir=asc|desc`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dir {
    #[default]
    Asc,
    Desc,
}

impl Dir {
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Asc => "asc",
            Dir::Desc => "desc",
        }
    }
}

/// How the table is shown: sorted by one column, filtered by grade and by
/// a text found in the name or the USCC (case-insensitive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub sort: SortKey,
    pub dir: Dir,
    pub grade: Option<Grade>,
    pub text: String,
}

impl View {
    /// The view of the query's `sort`, `dir`, `grade` and `q` (absent or
    /// empty: the default); a value no link or form sends: why, in Chinese.
    pub fn parse(sort: Option<&str>, dir: Option<&str>, grade: Option<&str>, text: Option<&str>) -> Result<View, String> {
        let given = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let sort = match given(sort) {
            None => SortKey::default(),
            Some(s) => SortKey::ALL.into_iter().find(|k| k.as_str() == s).ok_or(format!("无法按“{s}”排序；可用：uscc、name、grade、score。"))?,
        };
        let dir = match given(dir).as_deref() {
            None | Some("asc") => Dir::Asc,
            Some("desc") => Dir::Desc,
            Some(s) => return Err(format!("排序方向“{s}”无效；可用：asc、desc。")),
        };
        let grade = match given(grade) {
            None => None,
            Some(g) => Some(Grade::from_name(&g).ok_or(format!("等级“{g}”无效；可用：A、B、C、D。"))?),
        };
        Ok(View { sort, dir, grade, text: given(text).unwrap_or_default() })
    }

    /// The view as query parameters (`sort=…&dir=…`, then `grade` and `q`
    /// when given), escaped, without a leading `&`.
    pub fn query(&self) -> String {
        let mut q = format!("sort={}&dir={}", self.sort.as_str(), self.dir.as_str());
        if let Some(g) = self.grade {
            q.push_str(&format!("&grade={g}"));
        }
        if !self.text.is_empty() {
            q.push_str(&format!("&q={}", crate::query_escape(&self.text)));
        }
        q
    }

    /// The rows shown: those passing the filter, sorted; rows equal on
    /// the column keep USCC order (ascending) whatever the direction.
    pub fn apply(&self, rows: &[Row]) -> Vec<Row> {
        let needle = self.text.to_lowercase();
        let mut out: Vec<Row> = rows
            .iter()
            .filter(|r| self.grade.is_none_or(|g| r.grade == Some(g)))
            .filter(|r| needle.is_empty() || r.name.to_lowercase().contains(&needle) || r.uscc.to_lowercase().contains(&needle))
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            let by = match self.sort {
                SortKey::Uscc => std::cmp::Ordering::Equal,
                SortKey::Name => a.name.cmp(&b.name),
                SortKey::Grade => a.grade.cmp(&b.grade),
                SortKey::Score => a.score.cmp(&b.score),
            };
            let by = if self.dir == Dir::Desc { by.reverse() } else { by };
            let uscc = a.uscc.cmp(&b.uscc);
            by.then(if self.sort == SortKey::Uscc && self.dir == Dir::Desc { uscc.reverse() } else { uscc })
        });
        out
    }
}

/// A download could not be written (the writer's own message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError(pub String);

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write the table: {}", self.0)
    }
}

impl std::error::Error for ExportError {}

/// A row's cells as text, in [`HEADERS`] order (score with one decimal).
pub fn cells(r: &Row) -> [String; 6] {
    let g = |g: Option<Grade>| g.map(|g| g.to_string()).unwrap_or_default();
    [r.uscc.clone(), r.name.clone(), g(r.grade), r.score.map(|s| s.to_string()).unwrap_or_default(), r.decisive.clone(), g(r.issued)]
}

/// The rows as CSV (RFC 4180), UTF-8 with a byte-order mark so that Excel
/// reads the Chinese, headers in [`HEADERS`].
pub fn csv(rows: &[Row]) -> Result<Vec<u8>, ExportError> {
    let fail = |e: csv::Error| ExportError(e.to_string());
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(HEADERS).map_err(fail)?;
    for r in rows {
        w.write_record(cells(r)).map_err(fail)?;
    }
    w.into_inner().map_err(|e| ExportError(e.to_string()))
}

/// The rows as an XLSX workbook of one sheet (the `xlsx` crate's layout:
/// headers in bold in a frozen first row, each column as wide as its
/// widest cell), the score a number shown with one decimal.
pub fn xlsx(sheet_name: &str, rows: &[Row]) -> Result<Vec<u8>, ExportError> {
    use xlsx::Cell;
    let text = |s: String| if s.is_empty() { Cell::Empty } else { Cell::Text(s) };
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells: Vec<Cell> = cells(r).into_iter().map(text).collect();
            if let Some(p) = r.score {
                // Points as f64 only here, for the spreadsheet's own number type.
                cells[3] = Cell::Number { value: p.as_f64(), decimals: 1 };
            }
            cells
        })
        .collect();
    let sheet = xlsx::Sheet { name: sheet_name.to_string(), headers: HEADERS.iter().map(|h| h.to_string()).collect(), rows };
    xlsx::workbook(&[sheet]).map_err(|e| ExportError(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn issue10_errors_name_the_table() {
        assert_eq!(super::ExportError("disk".into()).to_string(), "cannot write the table: disk");
    }
}
