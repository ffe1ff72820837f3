//! Charts as inline SVG, drawn on the server (no script). Each chart is an
//! `<svg role="img">` with a `<title>` and `<desc>` for screen readers, and
//! its numbers also stand in a table or list on the same page.

pub mod bars;
pub mod history;

use model::fact::Grade;

/// The fill of a grade (the badges' colours; ≥ 4.5:1 against white text).
pub fn grade_colour(g: Option<Grade>) -> &'static str {
    match g {
        Some(Grade::A) => "#1b5e20",
        Some(Grade::B) => "#0d47a1",
        Some(Grade::C) => "#8a4b00",
        Some(Grade::D) => "#b71c1c",
        None => "#4a4a4a",
    }
}
