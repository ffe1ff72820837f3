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
    pub fn from_yuan(y: i64) -> Yuan {
        Yuan { fen: y * 100 }
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
        i64::try_from(v)
            .ok()
            .and_then(|v| v.checked_mul(100))
            .map(|fen| Yuan { fen })
            .ok_or_else(|| E::custom("amount too large"))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Yuan, E> {
        if v < 0 {
            return Err(E::custom("amount must not be negative"));
        }
        self.visit_u64(v as u64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Yuan, E> {
        if !v.is_finite() || !(0.0..=1e13).contains(&v) {
            return Err(E::custom("amount must be a non-negative finite number"));
        }
        let fen = (v * 100.0).round();
        if ((v * 100.0) - fen).abs() > 1e-6 {
            return Err(E::custom("amount has more than two decimals"));
        }
        Ok(Yuan { fen: fen as i64 })
    }
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
        let y: Yuan = serde_json::from_str("12.34").unwrap();
        assert_eq!(y.fen, 1234);
        assert!(serde_json::from_str::<Yuan>("1.234").is_err());
        assert!(serde_json::from_str::<Yuan>("-1").is_err());
    }
}
