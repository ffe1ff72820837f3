//! Exact decimal quantities: points in tenths, money in fen.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Score points in tenths of a point (87.5 points = `Points(875)`).
/// No binary floating point is used on the grading path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub i64);

impl Serialize for Points {
    /// JSON: a number with one decimal (`87.5`); stored: tenths as an integer.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_f64(self.as_f64())
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        if d.is_human_readable() {
            let v = f64::deserialize(d)?;
            let t = (v * 10.0).round();
            if !v.is_finite() || (v * 10.0 - t).abs() > 1e-6 || t.abs() > 1e12 {
                return Err(de::Error::custom("points have at most one decimal"));
            }
            Ok(Points(t as i64))
        } else {
            i64::deserialize(d).map(Points)
        }
    }
}

impl Points {
    pub const ZERO: Points = Points(0);

    /// For JSON output only: the nearest f64 to the exact decimal, which
    /// prints as that decimal (e.g. 87.5 → `87.5`, 90 → `90.0`).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }
}

impl fmt::Display for Points {
    /// One decimal place: `87.0`, `-3.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{}", a / 10, a % 10)
    }
}

/// An amount of money in fen (1 yuan = 100 fen). JSON carries yuan as a
/// number with at most two decimals; stored values carry fen as an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yuan {
    pub fen: i64,
}

impl Yuan {
    /// Largest amount accepted from input: 9,999,999,999,999.99 yuan (below
    /// 10^13, so every accepted amount has at most 15 significant digits).
    pub const MAX: Yuan = Yuan { fen: 999_999_999_999_999 };

    pub fn from_yuan(y: i64) -> Yuan {
        Yuan { fen: y * 100 }
    }

    /// Reads yuan from decimal text exactly, without binary floating point:
    /// digits, then optionally `.` and one or two digits (`100000`,
    /// `100000.00`, `12.3`, `12.34`). Refused, with a reason: a sign (amounts
    /// are not negative), an exponent (`1e5`: write the plain decimal), more
    /// than two decimals (`99999.999`, `99999.99999999999`), more than [`Yuan::MAX`].
    pub fn parse_decimal(text: &str) -> Result<Yuan, String> {
        if text.starts_with('-') {
            return Err(format!("{text} is negative; an amount is not"));
        }
        if text.contains(['e', 'E']) {
            return Err(format!("{text} has an exponent; write the amount as a plain decimal such as 100000 or 100000.00"));
        }
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || (text.contains('.') && !digits(frac)) {
            return Err(format!("{text} is not a decimal amount in yuan"));
        }
        if frac.len() > 2 {
            return Err(format!("{text} has more than two decimals; an amount is exact to the fen (0.01 yuan)"));
        }
        let too_large = || format!("{text} is more than the largest amount accepted, {}", Yuan::MAX);
        let int = int.trim_start_matches('0');
        if int.len() > 13 {
            return Err(too_large());
        }
        let yuan: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| too_large())? };
        let fen: i64 = format!("{frac:0<2}").parse().map_err(|_| too_large())?;
        let fen = yuan * 100 + fen;
        if fen > Yuan::MAX.fen {
            return Err(too_large());
        }
        Ok(Yuan { fen })
    }
}

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fen % 100 == 0 {
            write!(f, "{}", self.fen / 100)
        } else {
            write!(f, "{}.{:02}", self.fen / 100, self.fen % 100)
        }
    }
}

impl Serialize for Yuan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            if self.fen % 100 == 0 {
                s.serialize_i64(self.fen / 100)
            } else {
                s.serialize_f64(self.fen as f64 / 100.0)
            }
        } else {
            s.serialize_i64(self.fen)
        }
    }
}

struct YuanVisitor;

impl Visitor<'_> for YuanVisitor {
    type Value = Yuan;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a non-negative amount in yuan with at most two decimals")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Yuan, E> {
        Yuan::parse_decimal(&v.to_string()).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Yuan, E> {
        Yuan::parse_decimal(&v.to_string()).map_err(E::custom)
    }
    /// Import hands every amount over as its literal decimal text
    /// (`strict::Scan::put_exact_amounts`): read exactly.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Yuan, E> {
        Yuan::parse_decimal(v).map_err(E::custom)
    }
    // No float visitor: a binary floating-point number is never an amount (it
    // may already have been rounded: `99999.99999999999` is 100000 as an
    // f64), so serde refuses it as a type error.
}

struct FenVisitor;

impl Visitor<'_> for FenVisitor {
    type Value = Yuan;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an amount in fen")
    }
    fn visit_i64<E: de::Error>(self, fen: i64) -> Result<Yuan, E> {
        Ok(Yuan { fen })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Yuan, E> {
        i64::try_from(v).map(|fen| Yuan { fen }).map_err(|_| E::custom("amount too large"))
    }
}

impl<'de> Deserialize<'de> for Yuan {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Yuan, D::Error> {
        if d.is_human_readable() {
            d.deserialize_any(YuanVisitor)
        } else {
            d.deserialize_i64(FenVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::Body;

    #[test]
    fn points_display_and_json() {
        assert_eq!(Points(875).to_string(), "87.5");
        assert_eq!(Points(-30).to_string(), "-3.0");
        let p: Points = serde_json::from_str("87.5").unwrap();
        assert_eq!(p, Points(875));
        assert!(serde_json::from_str::<Points>("90.55").is_err());
        assert_eq!(serde_json::to_string(&Points(900)).unwrap(), "90.0");
    }

    #[test]
    fn yuan_from_json() {
        let y: Yuan = serde_json::from_str("50000").unwrap();
        assert_eq!(y.fen, 5_000_000);
        // Decimals arrive as their literal text (what import puts in place).
        let y: Yuan = serde_json::from_str("\"12.34\"").unwrap();
        assert_eq!(y.fen, 1234);
        assert!(serde_json::from_str::<Yuan>("12.34").is_err(), "never through an f64");
        assert!(serde_json::from_str::<Yuan>("\"1.234\"").is_err());
        assert!(serde_json::from_str::<Yuan>("-1").is_err());
        assert!(serde_json::from_str::<Yuan>("\"99999.999\"").is_err());
        assert_eq!(serde_json::from_str::<Yuan>("\"100000.00\"").unwrap().fen, 10_000_000);
        assert_eq!(serde_json::from_str::<Yuan>("\"9999999999999.99\"").unwrap(), Yuan::MAX);
        assert!(serde_json::from_str::<Yuan>("10000000000000").is_err());
    }

    #[test]
    fn decimal_text_is_exact() {
        let ok = |t: &str| Yuan::parse_decimal(t).unwrap().fen;
        assert_eq!(ok("100000"), 10_000_000);
        assert_eq!(ok("100000.00"), 10_000_000);
        assert_eq!(ok("12.3"), 1230);
        assert_eq!(ok("12.34"), 1234);
        assert_eq!(ok("0.01"), 1);
        assert_eq!(ok("0"), 0);
        assert_eq!(ok("9999999999999.99"), Yuan::MAX.fen);
        for bad in ["99999.99999999999", "99999.999", "1e5", "1E5", "-1", "1.", ".5", "", "1.2.3", "10000000000000", "99999999999999999999999"] {
            assert!(Yuan::parse_decimal(bad).is_err(), "{bad}");
        }
        // A fine of exactly ¥100,000.00 is not below ¥100,000.
        assert!(Yuan::parse_decimal("100000.00").unwrap() >= Yuan::from_yuan(100_000));
        assert!(Yuan::parse_decimal("99999.99").unwrap() < Yuan::from_yuan(100_000));
    }

    #[test]
    fn json_amounts_round_trip_exactly_through_a_line() {
        // Written as JSON numbers, read back by import from their literal text.
        for fen in [1, 10, 29, 1234, 9_999_999, 10_000_000, 123_456_789_012_345, Yuan::MAX.fen] {
            let y = Yuan { fen };
            let json = serde_json::to_string(&y).unwrap();
            let line = format!(r#"{{"kind":"administrative_penalty","ref":"R","enterprise":"91110000600037341L","occurred_on":"2025-03-02","procedure":"ordinary","measures":[{{"type":"fine","amount_yuan":{json}}}]}}"#);
            let Body::AdministrativePenalty(p) = crate::parse_line(&line).unwrap().fact.body else { panic!() };
            assert_eq!(p.measures[0].amount_yuan, Some(y), "{json}");
        }
    }
}
