//! Unified social credit code (统一社会信用代码, GB 32100-2015).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The code's alphabet; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17: 3^(i−1) mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// An 18-character unified social credit code whose check character is valid.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uscc([u8; 18]);

/// Why a string is not a USCC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a unified social credit code has 18 characters, this one has {0}")]
    Length(usize),
    #[error("character {pos} ({ch:?}) is not in the code alphabet 0-9, A-Y without I, O, S, V, Z")]
    Character { pos: usize, ch: char },
    #[error("the check character is {found}, expected {expected}")]
    Check { found: char, expected: char },
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

impl Uscc {
    /// Parses and verifies the check character (position 18).
    pub fn parse(s: &str) -> Result<Uscc, UsccError> {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(UsccError::Length(chars.len()));
        }
        let mut bytes = [0u8; 18];
        for (i, &ch) in chars.iter().enumerate() {
            if !ch.is_ascii() || value(ch as u8).is_none() {
                return Err(UsccError::Character { pos: i + 1, ch });
            }
            bytes[i] = ch as u8;
        }
        let expected = Self::check_char(&bytes[..17]);
        if bytes[17] != expected {
            return Err(UsccError::Check { found: chars[17], expected: expected as char });
        }
        Ok(Uscc(bytes))
    }

    /// The check character for the first 17 characters (all in the alphabet).
    pub fn check_char(first17: &[u8]) -> u8 {
        let sum: u32 = first17
            .iter()
            .zip(WEIGHTS)
            .map(|(&c, w)| value(c).unwrap_or(0) * w)
            .sum();
        ALPHABET[((31 - sum % 31) % 31) as usize]
    }

    /// The code as its 18 ASCII bytes (used as a fixed-width key part).
    pub fn as_bytes(&self) -> &[u8; 18] {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII by construction")
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.as_str())
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Uscc, D::Error> {
        let s = String::deserialize(d)?;
        Uscc::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_code() {
        assert!(Uscc::parse("91110000600037341L").is_ok());
    }

    #[test]
    fn wrong_check_character() {
        assert_eq!(
            Uscc::parse("91110000600037341K"),
            Err(UsccError::Check { found: 'K', expected: 'L' })
        );
    }

    #[test]
    fn bad_characters_and_length() {
        assert_eq!(Uscc::parse("9111000060003734"), Err(UsccError::Length(16)));
        assert!(matches!(
            Uscc::parse("9111000060003734IL"),
            Err(UsccError::Character { pos: 17, ch: 'I' })
        ));
    }
}
