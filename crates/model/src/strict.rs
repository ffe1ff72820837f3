//! The input rules a JSON value cannot carry (CONTRACT.md §2 "Strictness"):
//! each key once per object, money as decimal text, and clean refs and names.
//!
//! [`scan`] reads a line's own text, after serde_json has found it to be valid
//! JSON: serde_json keeps the last of two equal keys and hands numbers over as
//! binary floating point, so both facts are visible only in the text.

use crate::fact::FieldError;
use crate::Yuan;
use std::collections::HashSet;

/// What the scan of one line found besides its JSON value.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Every `amount_yuan` number, by field path (`measures[0].amount_yuan`),
    /// read exactly from its literal text.
    pub amounts: Vec<(String, Yuan)>,
}

impl Scan {
    /// The amount written at `path`, if any.
    pub fn amount(&self, path: &str) -> Option<Yuan> {
        self.amounts.iter().find(|(p, _)| p == path).map(|(_, y)| *y)
    }

    /// Puts every amount found back into `m` (the line's object) as its exact
    /// decimal text, in place of the number serde_json holds as binary
    /// floating point, so that an amount is only ever read from that text.
    pub fn put_exact_amounts(&self, m: &mut serde_json::Map<String, serde_json::Value>) {
        for (path, y) in &self.amounts {
            if let Some(slot) = at_path(m, path) {
                *slot = serde_json::Value::String(y.to_string());
            }
        }
    }
}

/// The value at a scan path such as `changes.measures[1].amount_yuan`.
fn at_path<'m>(m: &'m mut serde_json::Map<String, serde_json::Value>, path: &str) -> Option<&'m mut serde_json::Value> {
    let mut parts = path.split('.');
    let first = parts.next()?;
    let mut cur = step(m, first)?;
    for part in parts {
        cur = step(cur.as_object_mut()?, part)?;
    }
    Some(cur)
}

/// One path segment, `name` or `name[i]`, inside an object.
fn step<'m>(m: &'m mut serde_json::Map<String, serde_json::Value>, segment: &str) -> Option<&'m mut serde_json::Value> {
    match segment.split_once('[') {
        None => m.get_mut(segment),
        Some((name, rest)) => {
            let i: usize = rest.strip_suffix(']')?.parse().ok()?;
            m.get_mut(name)?.as_array_mut()?.get_mut(i)
        }
    }
}

/// Scans a line that is valid JSON (check that first: a malformed text gives
/// an unspecified result, never a panic). Errors: a key given twice in one
/// object (the field is the key's path), an `amount_yuan` number that is not
/// a plain decimal with at most two decimals (see [`Yuan::parse_decimal`]).
pub fn scan(line: &str) -> Result<Scan, FieldError> {
    let mut s = Scanner { b: line.as_bytes(), text: line, i: 0, out: Scan::default() };
    s.value("", None)?;
    Ok(s.out)
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    out: Scan,
}

impl Scanner<'_> {
    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// A string token's raw text, quotes included.
    fn string_token(&mut self) -> &str {
        let start = self.i;
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    break;
                }
                _ => self.i += 1,
            }
        }
        self.text.get(start..self.i.min(self.b.len())).unwrap_or("")
    }

    fn value(&mut self, path: &str, key: Option<&str>) -> Result<(), FieldError> {
        self.ws();
        match self.peek() {
            b'{' => self.object(path),
            b'[' => self.array(path),
            b'"' => {
                self.string_token();
                if key == Some("amount_yuan") {
                    return Err(FieldError::new(path, "must be a number in yuan (e.g. 12.34), not text"));
                }
                Ok(())
            }
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                while matches!(self.peek(), b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    self.i += 1;
                }
                if key == Some("amount_yuan") {
                    let literal = &self.text[start..self.i];
                    let y = Yuan::parse_decimal(literal).map_err(|m| FieldError::new(path, m))?;
                    self.out.amounts.push((path.to_string(), y));
                }
                Ok(())
            }
            0 => Ok(()),
            _ => {
                // true, false, null
                while self.peek().is_ascii_alphabetic() {
                    self.i += 1;
                }
                Ok(())
            }
        }
    }

    fn object(&mut self, path: &str) -> Result<(), FieldError> {
        self.i += 1;
        let mut keys = HashSet::new();
        loop {
            self.ws();
            match self.peek() {
                b'}' => {
                    self.i += 1;
                    return Ok(());
                }
                b',' => self.i += 1,
                b'"' => {
                    let raw = self.string_token();
                    // Decoded, so that `"r\u0065f"` is the key `ref`.
                    let key: String = serde_json::from_str(raw).unwrap_or_else(|_| raw.to_string());
                    let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    if !keys.insert(key.clone()) {
                        return Err(FieldError::new(child, "is given twice in one object; each key may appear only once"));
                    }
                    self.ws();
                    if self.peek() == b':' {
                        self.i += 1;
                    }
                    self.value(&child, Some(&key))?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn array(&mut self, path: &str) -> Result<(), FieldError> {
        self.i += 1;
        let mut n = 0;
        loop {
            self.ws();
            match self.peek() {
                b']' => {
                    self.i += 1;
                    return Ok(());
                }
                b',' => self.i += 1,
                0 => return Ok(()),
                _ => {
                    self.value(&format!("{path}[{n}]"), None)?;
                    n += 1;
                }
            }
        }
    }
}

/// Zero-width characters refused in refs and names.
const ZERO_WIDTH: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// Unicode's Bidi_Control characters (marks, embeddings, overrides, isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Unicode's Default_Ignorable_Code_Point characters (soft hyphen, variation
/// selectors, Hangul fillers, invisible operators, tags …): rendered as
/// nothing, so two refs that differ only by them look identical.
fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A ref or a name as people read it: not empty, no leading or trailing
/// whitespace, no control character, no zero-width character (U+200B–U+200D,
/// U+2060, U+FEFF), no bidirectional-text control (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069), no other character Unicode says to render
/// as nothing (Default_Ignorable_Code_Point: soft hyphen, variation
/// selectors, tags …) and no line or paragraph separator (U+2028, U+2029).
/// Two strings that look the same must be the same string.
pub fn check_clean_text(field: &str, s: &str) -> Result<(), FieldError> {
    if s.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return Err(FieldError::new(field, format!("{s:?} has leading or trailing whitespace")));
    }
    let bad = |what: &str, c: char| FieldError::new(field, format!("{s:?} contains {what} U+{:04X}", c as u32));
    for c in s.chars() {
        if c.is_control() {
            return Err(bad("the control character", c));
        }
        if ZERO_WIDTH.contains(&c) {
            return Err(bad("the zero-width character", c));
        }
        if is_bidi_control(c) {
            return Err(bad("the bidirectional-text control", c));
        }
        if is_default_ignorable(c) {
            return Err(bad("the invisible (default-ignorable) character", c));
        }
        if matches!(c, '\u{2028}' | '\u{2029}') {
            return Err(bad("the line or paragraph separator", c));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_named_by_path() {
        let e = scan(r#"{"measures":[{"type":"warning"}],"ref":"A","measures":[]}"#).unwrap_err();
        assert_eq!(e.field, "measures");
        let e = scan(r#"{"ref":"A","r\u0065f":"B"}"#).unwrap_err();
        assert_eq!(e.field, "ref");
        let e = scan(r#"{"measures":[{"type":"fine","amount_yuan":1},{"type":"fine","type":"warning"}]}"#).unwrap_err();
        assert_eq!(e.field, "measures[1].type");
        let e = scan(r#"{"changes":{"result":"pass","result":"fail"}}"#).unwrap_err();
        assert_eq!(e.field, "changes.result");
        // The same key in two different objects is fine.
        assert!(scan(r#"{"a":{"type":1},"b":{"type":2},"c":[{"x":1},{"x":2}]}"#).is_ok());
    }

    #[test]
    fn amounts_are_read_from_their_text() {
        let s = scan(r#"{"measures":[{"type":"fine","amount_yuan":100000.00},{"type":"fine","amount_yuan":12.3}]}"#).unwrap();
        assert_eq!(s.amount("measures[0].amount_yuan"), Some(Yuan { fen: 10_000_000 }));
        assert_eq!(s.amount("measures[1].amount_yuan"), Some(Yuan { fen: 1230 }));
        for bad in ["99999.99999999999", "99999.999", "1e5", "1.5E2", "-1"] {
            let line = format!(r#"{{"measures":[{{"type":"fine","amount_yuan":{bad}}}]}}"#);
            let e = scan(&line).unwrap_err();
            assert_eq!(e.field, "measures[0].amount_yuan", "{bad}");
        }
        // Strings with braces, quotes and escapes do not confuse the scan.
        let s = scan(r#"{"note":"{\"amount_yuan\":1.234, \\","amount_yuan":5}"#).unwrap();
        assert_eq!(s.amounts, vec![("amount_yuan".to_string(), Yuan { fen: 500 })]);
    }

    #[test]
    fn clean_text() {
        assert!(check_clean_text("ref", "师市监罚〔2025〕12号").is_ok());
        assert!(check_clean_text("ref", "A B").is_ok());
        for bad in ["R\u{00AD}1", "R\u{2062}1", "R\u{034F}", "R\u{FE0F}", "R\u{180E}", "R\u{3164}", "R\u{115F}", "R\u{E0041}", "R\u{2028}1", "R\u{2029}1"] {
            assert!(check_clean_text("ref", bad).is_err(), "{bad:?}");
        }
        for bad in ["R1 ", " R1", "R\u{3000}", "R\u{200B}1", "R\u{FEFF}", "R\u{2060}", "名\u{202E}称", "R\u{2067}", "R\u{200F}", "R\t1", ""] {
            assert_eq!(check_clean_text("ref", bad).unwrap_err().field, "ref", "{bad:?}");
        }
    }
}
