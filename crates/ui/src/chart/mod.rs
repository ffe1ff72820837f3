//! Charts as inline SVG, drawn on the server (no script). Each chart is an
//! `<svg role="img">` with a `<title>` and `<desc>` for screen readers, and
//! its numbers also stand in a table or list on the same page.

pub mod bars;
pub mod heatmap;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2.1 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let c = |i: usize| {
            let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    }

    #[test]
    fn issue10_grade_fills_are_distinct_and_keep_white_text_at_aa_contrast() {
        let all = [Some(Grade::A), Some(Grade::B), Some(Grade::C), Some(Grade::D), None].map(grade_colour);
        for (i, hex) in all.iter().enumerate() {
            assert_eq!(hex.len(), 7, "{hex}");
            let ratio = 1.05 / (luminance(hex) + 0.05);
            assert!(ratio >= 4.5, "{hex}: {ratio:.2}:1 against white");
            assert!(!all[..i].contains(hex), "{hex} used twice");
        }
    }
}
