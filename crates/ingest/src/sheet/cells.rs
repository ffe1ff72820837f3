//! One cell read as a field value (docs/SHEETS.md "Conversions"): text,
//! dates typed as text or as Excel serial dates, amounts converted exactly
//! from decimal text (a numeric cell's double first becomes its shortest
//! decimal text), and cell positions as Excel names them (`C5`).

use calamine::{Data, ExcelDateTime};
use chrono::NaiveDate;

/// Excel's column letters for 0-based column `c`: `A`, …, `Z`, `AA`, ….
pub fn column_letters(c: u32) -> String {
    let mut n = u64::from(c) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let d = ((n - 1) % 26) as u8;
        out.push(char::from(b'A' + d));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The Excel name of the cell at 0-based (`row`, `col`): `C5`.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

/// Whether a cell holds nothing (or only whitespace).
pub fn is_empty(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The cell as text, trimmed: a number as its shortest decimal text, a date
/// cell as `YYYY-MM-DD`; `None` when empty.
pub fn text(d: &Data) -> Result<Option<String>, String> {
    Ok(Some(match d {
        _ if is_empty(d) => return Ok(None),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => shortest(*f)?,
        Data::DateTime(dt) => serial_date(dt)?,
        Data::Bool(b) => return Err(format!("is {} (a TRUE/FALSE cell), not text", if *b { "TRUE" } else { "FALSE" })),
        Data::Error(e) => return Err(format!("holds the error {e}")),
        Data::Empty => return Ok(None),
    }))
}

/// A unified social credit code: only a text cell (18 digits typed as a
/// number lose the last ones in Excel). The code itself is checked by the
/// fact's validation.
pub fn uscc(d: &Data) -> Result<Option<String>, String> {
    match d {
        Data::Int(_) | Data::Float(_) => {
            Err(format!("is the number {}, not text: a credit code typed as a number loses digits; format the column as text", text(d)?.unwrap_or_default()))
        }
        _ => text(d),
    }
}

/// A civil date as `YYYY-MM-DD`: text in `YYYY-MM-DD`, `YYYY/M/D` or
/// `YYYY年M月D日`, or a date-formatted cell (an Excel serial date). Its
/// range is checked by the fact's validation.
pub fn date(d: &Data) -> Result<Option<String>, String> {
    match d {
        _ if is_empty(d) => Ok(None),
        Data::DateTime(dt) => serial_date(dt).map(Some),
        Data::String(s) => date_text(s.trim()).map(Some),
        Data::Int(_) | Data::Float(_) => {
            Err(format!("is the number {}, not a date: type the date as text (2025-03-01) or format the cell as a date", text(d)?.unwrap_or_default()))
        }
        other => text(other).and_then(|t| date_text(&t.unwrap_or_default()).map(Some)),
    }
}

const DATE_FORMS: &str = "YYYY-MM-DD, YYYY/M/D or YYYY年M月D日";

/// Parses a date typed as text.
fn date_text(s: &str) -> Result<String, String> {
    let bad = || format!("{s:?} is not a date ({DATE_FORMS})");
    let digits = |p: &str, lo: usize, hi: usize| (lo..=hi).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let (y, m, d) = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = rest.split_once('月').ok_or_else(bad)?;
        (y, m, d)
    } else if s.contains('/') {
        let mut parts = s.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d), None) => (y, m, d),
            _ => return Err(bad()),
        }
    } else {
        let mut parts = s.split('-');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d), None) if m.len() == 2 && d.len() == 2 => (y, m, d),
            _ => return Err(bad()),
        }
    };
    if !(digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2)) {
        return Err(bad());
    }
    let n = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let year = i32::try_from(n(y)?).map_err(|_| bad())?;
    let day = NaiveDate::from_ymd_opt(year, n(m)?, n(d)?).ok_or_else(|| format!("{s:?} is not a day of the calendar"))?;
    Ok(day.format("%Y-%m-%d").to_string())
}

/// The date of an Excel serial date, as calamine reads it (1900 or 1904
/// system; Excel's 1900 leap-year bug: serial 60 is the 29 February 1900
/// that never was, refused). A time of day, a duration or a serial outside
/// Excel's dates is refused.
fn serial_date(dt: &ExcelDateTime) -> Result<String, String> {
    let v = dt.as_f64();
    if dt.is_duration() {
        return Err(format!("is a duration ({v}), not a date"));
    }
    // Excel's dates: serial 0 (1900-01-00) … 2958465 (9999-12-31).
    if !(v.is_finite() && (0.0..2_958_466.0).contains(&v)) {
        return Err(format!("serial date {v} is outside Excel's dates"));
    }
    if v.fract() != 0.0 {
        return Err(format!("serial date {v} has a time of day; a date cell holds a whole day"));
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    let day = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
        .ok_or_else(|| format!("serial date {v} is {y}-{m:02}-{d:02}, a day that never was (Excel counts 1900 as a leap year)"))?;
    Ok(day.format("%Y-%m-%d").to_string())
}

/// The shortest decimal text that reads back as `f` (Rust's `Display`:
/// no exponent).
fn shortest(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err(format!("is {f}, not a number"));
    }
    Ok(format!("{f}"))
}

/// The unit of an amount column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// 万元: 10,000 yuan.
    WanYuan,
    Yuan,
}

impl Unit {
    /// Decimal places from this unit to yuan.
    fn shift(self) -> usize {
        match self {
            Unit::WanYuan => 4,
            Unit::Yuan => 0,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Unit::WanYuan => "万元",
            Unit::Yuan => "yuan",
        }
    }
}

/// An amount in `unit` as the exact decimal literal of its yuan (`12345`,
/// `123.45`), through the model's amount parsing. Text or a numeric cell
/// (its shortest decimal text); more precise than a fen, negative, an
/// exponent or beyond the largest amount: refused.
pub fn amount(d: &Data, unit: Unit) -> Result<Option<String>, String> {
    let t = match d {
        _ if is_empty(d) => return Ok(None),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => shortest(*f)?,
        other => return Err(format!("is {}, not an amount", text(other)?.unwrap_or_default())),
    };
    let u = unit.name();
    if t.starts_with('-') {
        return Err(format!("{t} {u} is negative; an amount is not"));
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (t.contains('.') && !digits(frac)) {
        return Err(format!("{t:?} is not a decimal amount in {u} (digits, then optionally . and decimals)"));
    }
    let shift = unit.shift();
    let padded = format!("{frac:0<shift$}");
    let (moved, rest) = padded.split_at(shift);
    let whole = format!("{int}{moved}");
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let rest = rest.trim_end_matches('0');
    if rest.len() > 2 {
        return Err(format!("{t} {u} is {whole}.{rest} yuan, finer than a fen (0.01 yuan)"));
    }
    let yuan = if rest.is_empty() { whole.to_string() } else { format!("{whole}.{rest}") };
    let exact = model::Yuan::parse_decimal(&yuan).map_err(|e| format!("{t} {u}: {e}"))?;
    Ok(Some(exact.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn wan(d: Data) -> Result<Option<String>, String> {
        amount(&d, Unit::WanYuan)
    }

    #[test]
    fn issue11_wan_yuan_become_exact_yuan_from_text_or_numbers() {
        assert_eq!(wan(Data::String("1.2345".into())), Ok(Some("12345".into())));
        assert_eq!(wan(Data::Float(1.2345)), Ok(Some("12345".into())));
        assert_eq!(wan(Data::Float(0.012345)), Ok(Some("123.45".into())));
        assert_eq!(wan(Data::Int(3)), Ok(Some("30000".into())));
        assert_eq!(wan(Data::String(" 0.5 ".into())), Ok(Some("5000".into())));
        assert_eq!(wan(Data::String("2.00000000".into())), Ok(Some("20000".into())));
        assert_eq!(amount(&Data::String("12.34".into()), Unit::Yuan), Ok(Some("12.34".into())));
        assert_eq!(wan(Data::Empty), Ok(None));
    }

    #[test]
    fn issue11_amounts_finer_than_a_fen_or_malformed_are_refused() {
        let e = wan(Data::String("1.2345678".into())).unwrap_err();
        assert!(e.contains("12345.678 yuan") && e.contains("finer than a fen"), "{e}");
        // 0.1 + 0.2 as a double: its shortest text has 17 decimals.
        assert!(wan(Data::Float(0.1 + 0.2)).unwrap_err().contains("finer than a fen"));
        assert!(wan(Data::String("-1".into())).unwrap_err().contains("negative"));
        assert!(wan(Data::String("1e3".into())).unwrap_err().contains("not a decimal amount"));
        assert!(wan(Data::String("1,000".into())).unwrap_err().contains("not a decimal amount"));
        assert!(wan(Data::Float(f64::NAN)).is_err());
        assert!(wan(Data::String("99999999999".into())).unwrap_err().contains("largest amount"));
    }

    #[test]
    fn issue11_dates_as_text_in_three_forms_or_as_serial_dates() {
        let s = |t: &str| date(&Data::String(t.into()));
        assert_eq!(s("2025-03-01"), Ok(Some("2025-03-01".into())));
        assert_eq!(s("2025/3/1"), Ok(Some("2025-03-01".into())));
        assert_eq!(s("2025年3月1日"), Ok(Some("2025-03-01".into())));
        assert_eq!(s("2025年12月31日"), Ok(Some("2025-12-31".into())));
        for bad in ["2025-3-1", "2025/13/1", "25/3/1", "2025年3月", "2025-02-30", "2025/2/29", "一月", "2025-03-01 10:00"] {
            assert!(s(bad).is_err(), "{bad}");
        }
        let serial = |v: f64| date(&Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false)));
        assert_eq!(serial(45717.0), Ok(Some("2025-03-01".into())));
        assert_eq!(serial(61.0), Ok(Some("1900-03-01".into())));
        assert_eq!(serial(59.0), Ok(Some("1900-02-28".into())));
        assert!(serial(60.0).unwrap_err().contains("never was"));
        assert!(serial(45717.5).unwrap_err().contains("time of day"));
        assert!(serial(-1.0).is_err() && serial(3e6).is_err() && serial(f64::INFINITY).is_err());
        assert!(date(&Data::Float(45717.0)).unwrap_err().contains("not a date"));
    }

    #[test]
    fn issue11_text_cells_and_positions() {
        assert_eq!(text(&Data::String("  甲  ".into())), Ok(Some("甲".into())));
        assert_eq!(text(&Data::Float(20250105.0)), Ok(Some("20250105".into())));
        assert_eq!(text(&Data::String("   ".into())), Ok(None));
        assert!(text(&Data::Bool(true)).is_err());
        assert!(uscc(&Data::Float(9.1e17)).unwrap_err().contains("format the column as text"));
        assert_eq!(
            (column_letters(0), column_letters(5), column_letters(25), column_letters(26), column_letters(701)),
            ("A".into(), "F".into(), "Z".into(), "AA".into(), "ZZ".into())
        );
        assert_eq!(cell_name(4, 2), "C5");
    }
}
