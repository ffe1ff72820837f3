//! China civil dates (UTC+08:00) and UTC instants. The machine's local zone
//! is never consulted.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Asia/Shanghai has kept UTC+08:00 since 1991; facts are from 2000 on.
const CHINA_OFFSET_SECS: i32 = 8 * 3600;

fn china() -> FixedOffset {
    FixedOffset::east_opt(CHINA_OFFSET_SECS).expect("valid offset")
}

/// A civil date in China: the valid date of a fact, an evaluation date V, a
/// deadline. JSON: `"YYYY-MM-DD"`. Stored: days since 1970-01-01 (i32).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChinaDate(NaiveDate);

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("{0:?} is not a date YYYY-MM-DD")]
    Plain(String),
    #[error("{0:?} is neither a date YYYY-MM-DD nor an RFC 3339 time with an offset")]
    DateOrTime(String),
    #[error("{0:?} is not an RFC 3339 time with an offset (e.g. 2025-01-01T08:00:00+08:00)")]
    Time(String),
    #[error("{0:?} is outside the supported years 1949–2200")]
    Range(String),
}

impl ChinaDate {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<ChinaDate> {
        NaiveDate::from_ymd_opt(y, m, d).map(ChinaDate)
    }

    pub fn naive(self) -> NaiveDate {
        self.0
    }

    fn checked(d: NaiveDate, src: &str) -> Result<ChinaDate, DateError> {
        if (1949..=2200).contains(&d.year()) {
            Ok(ChinaDate(d))
        } else {
            Err(DateError::Range(src.to_string()))
        }
    }

    /// Parses a plain `YYYY-MM-DD` (exactly that shape).
    pub fn parse_plain(s: &str) -> Result<ChinaDate, DateError> {
        let ok_shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !ok_shape {
            return Err(DateError::Plain(s.to_string()));
        }
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| DateError::Plain(s.to_string()))?;
        Self::checked(d, s)
    }

    /// Parses a plain date, or an RFC 3339 time with an offset (seconds
    /// optional) converted to its China civil date:
    /// `2024-12-31T16:30Z` → 2025-01-01.
    pub fn parse_date_or_time(s: &str) -> Result<ChinaDate, DateError> {
        if s.len() == 10 {
            return Self::parse_plain(s).map_err(|_| DateError::DateOrTime(s.to_string()));
        }
        let t = Timestamp::parse(s).map_err(|_| DateError::DateOrTime(s.to_string()))?;
        Self::checked(t.china_date().0, s)
    }

    /// Adds whole years, clamping Feb 29 to Feb 28 (2024-02-29 + 1y = 2025-02-28).
    pub fn add_years(self, years: i32) -> ChinaDate {
        self.add_months(years * 12)
    }

    /// Adds whole months, clamping to the month's last day (01-31 + 1m = 02-28/29).
    pub fn add_months(self, months: i32) -> ChinaDate {
        let total = self.0.year() * 12 + self.0.month0() as i32 + months;
        let (y, m0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
        let mut day = self.0.day();
        loop {
            if let Some(d) = NaiveDate::from_ymd_opt(y, m0 + 1, day) {
                return ChinaDate(d);
            }
            day -= 1;
        }
    }

    pub fn add_days(self, days: i64) -> ChinaDate {
        ChinaDate(self.0 + Duration::days(days))
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The last day of this date's month.
    pub fn month_end(self) -> ChinaDate {
        let first = NaiveDate::from_ymd_opt(self.0.year(), self.0.month(), 1).expect("first of month");
        ChinaDate(first).add_months(1).add_days(-1)
    }

    /// Days since 1970-01-01 (the stored form).
    pub fn days_since_epoch(self) -> i32 {
        (self.0 - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
    }

    pub fn from_days_since_epoch(days: i32) -> ChinaDate {
        ChinaDate(NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + Duration::days(days as i64))
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
        } else {
            s.serialize_i32(self.days_since_epoch())
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
            Ok(ChinaDate::from_days_since_epoch(days))
        }
    }
}

/// A UTC instant with microsecond precision: when the ledger learned a fact.
/// Stored as microseconds since the Unix epoch (i64); JSON: RFC 3339 in UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_rfc3339())
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            Timestamp::parse(&s).map_err(serde::de::Error::custom)
        } else {
            i64::deserialize(d).map(Timestamp)
        }
    }
}

impl Timestamp {
    pub fn from_utc(t: DateTime<Utc>) -> Timestamp {
        Timestamp(t.timestamp_micros())
    }

    pub fn to_utc(self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Parses RFC 3339 with an explicit offset (`Z` or `±hh:mm`); seconds and
    /// fractions optional.
    pub fn parse(s: &str) -> Result<Timestamp, DateError> {
        let err = || DateError::Time(s.to_string());
        let (body, offset) = if let Some(b) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
            (b, FixedOffset::east_opt(0).ok_or_else(err)?)
        } else {
            if s.len() < 6 {
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
        let year = t.year();
        if !(1949..=2200).contains(&year) {
            return Err(DateError::Range(s.to_string()));
        }
        Ok(Timestamp::from_utc(t.with_timezone(&Utc)))
    }

    /// The China civil date of this instant.
    pub fn china_date(self) -> ChinaDate {
        ChinaDate(self.to_utc().with_timezone(&china()).date_naive())
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
        assert!(ChinaDate::parse_plain("2025-02-30").is_err());
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
        assert_eq!(ChinaDate::from_days_since_epoch(x.days_since_epoch()), x);
        let t = Timestamp::parse("2025-03-02T10:00:00.5+08:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-03-02T02:00:00.500000Z");
    }
}
