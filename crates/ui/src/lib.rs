//! The web pages of issue 10, as pure functions from the ledger's answers
//! (grade reports, the dossier, reviews, replays) to HTML. The server
//! (`crates/server/src/ui`) gathers the answers and hands them in; nothing
//! here reads the ledger, a file or the clock. Markup is compiled with maud,
//! so a malformed page does not build; charts are inline SVG drawn here,
//! and no page needs JavaScript.
//!
//! Every page states the question it answers — V (valid date), K
//! (knowledge cut, a ledger seq) and R (rule set id and SHA-256) — and
//! links to itself with all three fixed ([`Question::permalink`]).

pub mod chart;
pub mod division;
pub mod enterprise;
pub mod errors;
pub mod form;
pub mod labels;
pub mod layout;
pub mod replay;
pub mod review;
pub mod table;

pub use layout::{Question, Viewer};

/// Escapes `s` for a URL query value (RFC 3986 unreserved kept).
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_escape_keeps_unreserved_and_encodes_the_rest() {
        assert_eq!(super::query_escape("xpcc-revised_1.0~"), "xpcc-revised_1.0~");
        assert_eq!(super::query_escape("a b&c=/d"), "a%20b%26c%3D%2Fd");
        assert_eq!(super::query_escape("档"), "%E6%A1%A3");
    }
}
