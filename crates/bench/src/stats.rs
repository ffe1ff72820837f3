//! Percentiles and the human forms of durations, rates and sizes.

use std::time::Duration;

/// The p-th percentile (0..=100) of durations, nearest rank; zero when empty.
pub fn percentile(v: &[Duration], p: u32) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    let rank = (p as usize * s.len()).div_ceil(100).clamp(1, s.len());
    s[rank - 1]
}

/// A duration in the unit that suits it: 412 µs, 3.27 ms, 1.35 s, 2 min 41 s.
pub fn dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.2} ms", s * 1e3)
    } else if s < 120.0 {
        format!("{s:.2} s")
    } else {
        format!("{} min {:02} s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

/// A rate in facts per second: 5.4k facts/s, 368k facts/s, 1.2M facts/s.
pub fn rate(facts: u64, d: Duration) -> String {
    let r = facts as f64 / d.as_secs_f64().max(1e-9);
    if r >= 1e6 {
        format!("{:.2}M facts/s", r / 1e6)
    } else if r >= 1e3 {
        format!("{:.1}k facts/s", r / 1e3)
    } else {
        format!("{r:.0} facts/s")
    }
}

/// Bytes as MB (10^6) or GB (10^9), as `du -h --si` would.
pub fn bytes(b: u64) -> String {
    if b >= 1_000_000_000 {
        format!("{:.2} GB", b as f64 / 1e9)
    } else {
        format!("{:.1} MB", b as f64 / 1e6)
    }
}

/// A ratio: 0.093×, 2.4×, 37×.
pub fn ratio(x: f64) -> String {
    if !x.is_finite() {
        "—".into()
    } else if x >= 10.0 {
        format!("{x:.0}×")
    } else if x >= 1.0 {
        format!("{x:.2}×")
    } else {
        format!("{x:.3}×")
    }
}

/// A count with thousands separators: 1,028,541.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One target: PASS or MISS with the margin.
pub fn verdict(value: f64, limit: f64, at_most: bool) -> String {
    let pass = if at_most { value <= limit } else { value >= limit };
    match (pass, at_most) {
        (true, true) => format!("PASS ({} of the limit)", ratio(value / limit)),
        (true, false) => format!("PASS ({} the target)", ratio(value / limit)),
        (false, true) => format!("**MISS**: {} over", ratio(value / limit)),
        (false, false) => format!("**MISS**: {} short", ratio(limit / value.max(1e-12))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_nearest_rank() {
        let v: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50), Duration::from_millis(50));
        assert_eq!(percentile(&v, 99), Duration::from_millis(99));
        assert_eq!(percentile(&v, 100), Duration::from_millis(100));
        assert_eq!(percentile(&[Duration::from_millis(7)], 99), Duration::from_millis(7));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn human_forms() {
        assert_eq!(count(1_028_541), "1,028,541");
        assert_eq!(count(999), "999");
        assert_eq!(rate(5400, Duration::from_secs(1)), "5.4k facts/s");
        assert_eq!(dur(Duration::from_micros(412)), "412 µs");
        assert_eq!(dur(Duration::from_secs(161)), "2 min 41 s");
        assert_eq!(ratio(0.0931), "0.093×");
    }
}
