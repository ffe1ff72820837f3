//! China civil dates (UTC+08:00) and UTC instants. The machine's local zone
//! is never consulted.
//!
//! **Supported range.** Every date a fact, an argument or a stored value may
//! carry lies in the years [`FIRST_YEAR`]..=[`LAST_YEAR`] (1949-01-01 to
//! 2200-12-31, China civil dates); every time, in instants whose China date
//! lies there. Parsing rejects anything outside it with a message naming the
//! range, and so does decoding a stored value (damage), so that no input and
//! no stored byte yields a date whose arithmetic could overflow. Arithmetic
//! results ([`ChinaDate::add_months`], …) may leave the range (a window that
//! starts before 1949, a publicity period ending after 2200); they are compared,
//! never stored (encoding refuses them).

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// First year of the supported range: the People's Republic's administrative
/// acts start in 1949; no fact of this ledger can be older.
pub const FIRST_YEAR: i32 = 1949;
/// Last year of the supported range: far beyond any licence validity or
/// deadline (years, not centuries, ahead), and small enough that stored day
/// counts and all grading arithmetic stay far from chrono's limits.
pub const LAST_YEAR: i32 = 2200;

/// Asia/Shanghai has kept UTC+08:00 since 1991; facts are from 2000 on.
const CHINA_OFFSET_SECS: i32 = 8 * 3600;

fn china() -> FixedOffset {
    FixedOffset::east_opt(CHINA_OFFSET_SECS).expect("valid offset")
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
}

/// A civil date in China: the valid date of a fact, an evaluation date V, a
/// deadline. JSON: `"YYYY-MM-DD"`. Stored: days since 1970-01-01 (i32),
/// only within the supported range.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChinaDate(NaiveDate);

/// Why a date or time string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("{0:?} is not a date YYYY-MM-DD")]
    Plain(String),
    #[error("{0:?} is neither a date YYYY-MM-DD nor an RFC 3339 time with an offset")]
    DateOrTime(String),
    #[error("{0:?} is not an RFC 3339 time with an offset (e.g. 2025-01-01T08:00:00+08:00)")]
    Time(String),
    /// The form is right but no such day exists (`2026-02-30`, `2025-13-01`).
    #[error("{0:?} is no calendar day (the form YYYY-MM-DD is right)")]
    NoSuchDay(String),
    #[error("{0:?} is outside the supported range of dates, {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 (China dates)")]
    Range(String),
}

impl ChinaDate {
    /// A calendar date within the supported range; `None` otherwise.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<ChinaDate> {
        NaiveDate::from_ymd_opt(y, m, d).map(ChinaDate).filter(|d| d.is_supported())
    }

    pub fn naive(self) -> NaiveDate {
        self.0
    }

    /// Whether the date lies in the supported range (module docs).
    pub fn is_supported(self) -> bool {
        (FIRST_YEAR..=LAST_YEAR).contains(&self.0.year())
    }

    fn checked(d: NaiveDate, src: &str) -> Result<ChinaDate, DateError> {
        Some(ChinaDate(d)).filter(|d| d.is_supported()).ok_or_else(|| DateError::Range(src.to_string()))
    }

    /// Parses a plain `YYYY-MM-DD` (exactly that shape) in the supported range.
    pub fn parse_plain(s: &str) -> Result<ChinaDate, DateError> {
        let ok_shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !ok_shape {
            return Err(DateError::Plain(s.to_string()));
        }
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| DateError::NoSuchDay(s.to_string()))?;
        Self::checked(d, s)
    }

    /// Parses a plain date, or an RFC 3339 time with an offset (seconds
    /// optional) converted to its China civil date:
    /// `2024-12-31T16:30Z` → 2025-01-01. Either must be in the supported range.
    pub fn parse_date_or_time(s: &str) -> Result<ChinaDate, DateError> {
        if s.len() == 10 {
            return Self::parse_plain(s).map_err(|e| match e {
                DateError::Range(_) | DateError::NoSuchDay(_) => e,
                _ => DateError::DateOrTime(s.to_string()),
            });
        }
        let t = Timestamp::parse(s).map_err(|e| match e {
            DateError::Range(_) => e,
            _ => DateError::DateOrTime(s.to_string()),
        })?;
        Self::checked(t.china_date().0, s)
    }

    /// Adds whole months, clamping to the month's last day (01-31 + 1m =
    /// 02-28/29); `None` beyond chrono's representable dates (±262,000 years).
    pub fn checked_add_months(self, months: i32) -> Option<ChinaDate> {
        let n = Months::new(months.unsigned_abs());
        if months >= 0 { self.0.checked_add_months(n) } else { self.0.checked_sub_months(n) }.map(ChinaDate)
    }

    /// Adds whole days; `None` beyond chrono's representable dates.
    pub fn checked_add_days(self, days: i64) -> Option<ChinaDate> {
        self.0.checked_add_signed(TimeDelta::try_days(days)?).map(ChinaDate)
    }

    /// Adds whole years, clamping Feb 29 to Feb 28 (2024-02-29 + 1y = 2025-02-28).
    /// Saturates like [`ChinaDate::add_months`].
    pub fn add_years(self, years: i32) -> ChinaDate {
        self.add_months(years.saturating_mul(12))
    }

    /// Adds whole months, clamping to the month's last day (01-31 + 1m = 02-28/29).
    ///
    /// Never panics: a result beyond chrono's representable dates saturates
    /// at the first or last representable day, which is earlier or later
    /// than every supported date, so comparisons keep their meaning. From a
    /// supported date, only an offset of more than 3 million months gets
    /// there (rule sets give periods of months or years).
    pub fn add_months(self, months: i32) -> ChinaDate {
        self.checked_add_months(months).unwrap_or_else(|| Self::saturated(months >= 0))
    }

    /// Adds whole days; saturates like [`ChinaDate::add_months`] (from a
    /// supported date, only an offset of more than 95 million days does).
    pub fn add_days(self, days: i64) -> ChinaDate {
        self.checked_add_days(days).unwrap_or_else(|| Self::saturated(days >= 0))
    }

    fn saturated(up: bool) -> ChinaDate {
        ChinaDate(if up { NaiveDate::MAX } else { NaiveDate::MIN })
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.0.month()
    }

    /// The last day of this date's month.
    pub fn month_end(self) -> ChinaDate {
        let next_first = self.0.with_day(1).and_then(|first| first.checked_add_months(Months::new(1)));
        // Only the last representable month has no next month; its end is NaiveDate::MAX.
        ChinaDate(next_first.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX))
    }

    /// Days since 1970-01-01 (the stored form). Exact for every
    /// representable date (±96 million days fit an i32).
    pub fn days_since_epoch(self) -> i32 {
        self.0.signed_duration_since(epoch()).num_days() as i32
    }

    /// The date `days` after 1970-01-01, if it lies in the supported range.
    pub fn from_days_since_epoch(days: i32) -> Option<ChinaDate> {
        Some(ChinaDate(epoch().checked_add_signed(TimeDelta::try_days(days.into())?)?)).filter(|d| d.is_supported())
    }
}

impl fmt::Display for ChinaDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Debug for ChinaDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl Serialize for ChinaDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else if self.is_supported() {
            s.serialize_i32(self.days_since_epoch())
        } else {
            Err(serde::ser::Error::custom(DateError::Range(self.to_string())))
        }
    }
}

impl<'de> Deserialize<'de> for ChinaDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ChinaDate, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            ChinaDate::parse_plain(&s).map_err(serde::de::Error::custom)
        } else {
            let days = i32::deserialize(d)?;
            ChinaDate::from_days_since_epoch(days).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "stored date of {days} days since 1970-01-01 is outside the supported range {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"
                ))
            })
        }
    }
}

/// A UTC instant with microsecond precision: when the ledger learned a fact.
/// Stored as microseconds since the Unix epoch (i64), only within the
/// supported range (its China date in [`FIRST_YEAR`]..=[`LAST_YEAR`]);
/// JSON: RFC 3339 in UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_rfc3339())
        } else if self.is_supported() {
            s.serialize_i64(self.0)
        } else {
            Err(serde::ser::Error::custom(format!("time of {} µs since 1970 is outside the supported range", self.0)))
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            Timestamp::parse(&s).map_err(serde::de::Error::custom)
        } else {
            let t = Timestamp(i64::deserialize(d)?);
            if !t.is_supported() {
                return Err(serde::de::Error::custom(format!(
                    "stored time of {} µs since 1970 is outside the supported range {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31",
                    t.0
                )));
            }
            Ok(t)
        }
    }
}

impl Timestamp {
    pub fn from_utc(t: DateTime<Utc>) -> Timestamp {
        Timestamp(t.timestamp_micros())
    }

    /// Whether the instant's China date lies in the supported range.
    pub fn is_supported(self) -> bool {
        DateTime::from_timestamp_micros(self.0).is_some_and(|t| ChinaDate(t.with_timezone(&china()).date_naive()).is_supported())
    }

    /// The instant as chrono's type. Never panics: a value beyond chrono's
    /// range (only a hand-built `Timestamp`, never a parsed or decoded one)
    /// saturates at its first or last instant.
    pub fn to_utc(self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0)
            .unwrap_or(if self.0 < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC })
    }

    /// Parses RFC 3339 with an explicit offset (`Z` or `±hh:mm`); seconds and
    /// fractions optional. The instant's China date must be in the supported range.
    pub fn parse(s: &str) -> Result<Timestamp, DateError> {
        let err = || DateError::Time(s.to_string());
        let (body, offset) = if let Some(b) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
            (b, FixedOffset::east_opt(0).ok_or_else(err)?)
        } else {
            if s.len() < 6 || !s.is_char_boundary(s.len() - 6) {
                return Err(err());
            }
            let (b, off) = s.split_at(s.len() - 6);
            let ob = off.as_bytes();
            if !(ob[0] == b'+' || ob[0] == b'-') || ob[3] != b':' {
                return Err(err());
            }
            let h: i32 = off[1..3].parse().map_err(|_| err())?;
            let m: i32 = off[4..6].parse().map_err(|_| err())?;
            if h > 23 || m > 59 {
                return Err(err());
            }
            let secs = (h * 3600 + m * 60) * if ob[0] == b'-' { -1 } else { 1 };
            (b, FixedOffset::east_opt(secs).ok_or_else(err)?)
        };
        let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(body, f).ok())
            .ok_or_else(err)?;
        let t = offset.from_local_datetime(&naive).single().ok_or_else(err)?;
        let t = Timestamp::from_utc(t.with_timezone(&Utc));
        if !t.is_supported() {
            return Err(DateError::Range(s.to_string()));
        }
        Ok(t)
    }

    /// The China civil date of this instant.
    pub fn china_date(self) -> ChinaDate {
        ChinaDate(self.to_utc().with_timezone(&china()).date_naive())
    }

    /// The instant at China time for people: `2026-01-05 10:00:00`.
    pub fn china_display(self) -> String {
        self.to_utc().with_timezone(&china()).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// RFC 3339 in UTC with microseconds only when present.
    pub fn to_rfc3339(self) -> String {
        let t = self.to_utc();
        if self.0 % 1_000_000 == 0 {
            t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        } else {
            t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> ChinaDate {
        ChinaDate::parse_plain(s).unwrap()
    }

    #[test]
    fn utc_plus_8_boundary() {
        assert_eq!(ChinaDate::parse_date_or_time("2024-12-31T16:30Z").unwrap(), d("2025-01-01"));
        assert_eq!(ChinaDate::parse_date_or_time("2025-01-01T00:30+08:00").unwrap(), d("2025-01-01"));
        assert_eq!(ChinaDate::parse_date_or_time("2024-12-31T15:59:59Z").unwrap(), d("2024-12-31"));
        assert_eq!(ChinaDate::parse_date_or_time("2024-12-31T23:00:00-05:00").unwrap(), d("2025-01-01"));
    }

    #[test]
    fn rejects_times_without_offset_and_bad_dates() {
        assert!(ChinaDate::parse_date_or_time("2025-01-01T00:30").is_err());
        assert_eq!(ChinaDate::parse_plain("2025-02-30"), Err(DateError::NoSuchDay("2025-02-30".into())), "a day that does not exist is named as such");
        assert_eq!(ChinaDate::parse_date_or_time("2025-13-01"), Err(DateError::NoSuchDay("2025-13-01".into())));
        assert!(ChinaDate::parse_plain("2025-2-3").is_err());
        assert!(ChinaDate::parse_plain("20250203").is_err());
        assert!(Timestamp::parse("2025-01-01 08:00:00+08:00").is_err());
    }

    #[test]
    fn clamped_year_and_month_arithmetic() {
        assert_eq!(d("2024-02-29").add_years(-1), d("2023-02-28"));
        assert_eq!(d("2024-02-29").add_years(1), d("2025-02-28"));
        assert_eq!(d("2025-01-31").add_months(1), d("2025-02-28"));
        assert_eq!(d("2022-03-15").add_months(36), d("2025-03-15"));
        assert_eq!(d("2025-12-31").add_years(-1), d("2024-12-31"));
    }

    #[test]
    fn stored_form_round_trips() {
        let x = d("2025-03-02");
        assert_eq!(ChinaDate::from_days_since_epoch(x.days_since_epoch()), Some(x));
        let t = Timestamp::parse("2025-03-02T10:00:00.5+08:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-03-02T02:00:00.500000Z");
    }

    #[test]
    fn issue6_9_dates_outside_the_range_name_the_range() {
        for s in ["1900-01-01", "1948-12-31", "2201-01-01", "9999-12-31"] {
            let e = ChinaDate::parse_date_or_time(s).unwrap_err().to_string();
            assert!(e.contains("outside the supported range of dates, 1949-01-01 to 2200-12-31"), "{s}: {e}");
            assert!(ChinaDate::parse_plain(s).unwrap_err().to_string().contains("1949-01-01 to 2200-12-31"));
        }
        let e = ChinaDate::parse_date_or_time("1900-01-01T08:00:00+08:00").unwrap_err().to_string();
        assert!(e.contains("1949-01-01 to 2200-12-31"), "{e}");
        assert!(Timestamp::parse("2201-01-01T00:00:00Z").unwrap_err().to_string().contains("supported range"));
        // The edges are in; the range is one of China dates.
        assert_eq!(ChinaDate::parse_plain("1949-01-01").unwrap().to_string(), "1949-01-01");
        assert_eq!(ChinaDate::parse_plain("2200-12-31").unwrap().to_string(), "2200-12-31");
        assert!(Timestamp::parse("1948-12-31T16:00:00Z").is_ok());
        assert!(Timestamp::parse("1948-12-31T15:59:59Z").is_err());
        assert!(Timestamp::parse("2200-12-31T15:59:59Z").is_ok());
        assert!(Timestamp::parse("2200-12-31T16:00:00Z").is_err());
        assert_eq!(ChinaDate::from_ymd(1948, 12, 31), None);
        assert_eq!(ChinaDate::from_ymd(2201, 1, 1), None);
        // Non-ASCII where the offset should be: rejected, not a panic.
        assert!(Timestamp::parse("2025-01-01T08:00:00+08:0é").is_err());
        assert!(Timestamp::parse("é2025").is_err());
    }

    #[test]
    fn issue6_3_stored_forms_outside_the_range_do_not_decode() {
        let cfg = bincode::config::standard();
        let decode_date = |days: i32| {
            let bytes = bincode::serde::encode_to_vec(days, cfg).unwrap();
            bincode::serde::decode_from_slice::<ChinaDate, _>(&bytes, cfg).map(|(d, _)| d)
        };
        let first = d("1949-01-01").days_since_epoch();
        let last = d("2200-12-31").days_since_epoch();
        assert_eq!(decode_date(first).unwrap(), d("1949-01-01"));
        assert_eq!(decode_date(last).unwrap(), d("2200-12-31"));
        for days in [first - 1, last + 1, i32::MIN, i32::MAX, 95_000_000, -95_000_000] {
            let e = decode_date(days).unwrap_err().to_string();
            assert!(e.contains("outside the supported range"), "{days}: {e}");
            assert_eq!(ChinaDate::from_days_since_epoch(days), None);
        }
        let decode_time = |micros: i64| {
            let bytes = bincode::serde::encode_to_vec(micros, cfg).unwrap();
            bincode::serde::decode_from_slice::<Timestamp, _>(&bytes, cfg).map(|(t, _)| t)
        };
        assert_eq!(decode_time(0).unwrap(), Timestamp(0));
        for micros in [i64::MIN, i64::MAX, -1 << 62, 7_300_000_000_000_000] {
            assert!(decode_time(micros).unwrap_err().to_string().contains("outside the supported range"), "{micros}");
        }
        // Nor does an out-of-range value encode.
        let far = d("2200-12-31").add_days(1);
        assert!(bincode::serde::encode_to_vec(far, cfg).is_err());
        assert!(bincode::serde::encode_to_vec(Timestamp(i64::MAX), cfg).is_err());
    }

    #[test]
    fn issue6_3_arithmetic_never_panics_and_saturates_in_order() {
        let x = d("2025-03-31");
        for m in [i32::MIN, i32::MIN + 1, -3_200_000, 3_200_000, i32::MAX] {
            let y = x.add_months(m);
            assert_eq!(y > x, m > 0, "{m}");
            assert_eq!(x.checked_add_months(m), None, "{m}");
        }
        for n in [i64::MIN, i64::MAX, 100_000_000, -100_000_000] {
            assert_eq!(x.add_days(n) > x, n > 0, "{n}");
            assert_eq!(x.checked_add_days(n), None, "{n}");
        }
        assert!(x.add_years(i32::MAX) > d("2200-12-31"));
        assert!(x.add_years(i32::MIN) < d("1949-01-01"));
        assert_eq!(x.add_days(i64::MAX).month_end(), x.add_days(i64::MAX));
        assert!(x.add_days(i64::MIN).month_end() < d("1949-01-01"));
        assert_eq!(Timestamp(i64::MIN).to_utc(), DateTime::<Utc>::MIN_UTC);
        assert_eq!(Timestamp(i64::MAX).to_utc(), DateTime::<Utc>::MAX_UTC);
        // Ordinary arithmetic is unchanged.
        assert_eq!(d("2024-02-29").month_end(), d("2024-02-29"));
        assert_eq!(d("2025-02-01").month_end(), d("2025-02-28"));
        assert_eq!(d("2025-12-15").month_end(), d("2025-12-31"));
        assert_eq!(d("2025-01-01").add_days(-1), d("2024-12-31"));
        assert_eq!(d("2025-03-31").add_months(-1), d("2025-02-28"));
    }
}
