//! The charts' geometry (issue 10): bars stand on the baseline with heights
//! in proportion to their counts, each pair centred on its grade's label;
//! the grade history's points are evenly spaced month ends on the row of
//! their grade, joined by steps, with a year label each January.

use appeal::HistoryPoint;
use model::fact::Grade;
use model::{ChinaDate, Points};
use ui::chart::{bars, bars::Distribution, history};

/// The numeric attribute `name` of every element that starts with `open`.
fn attrs(svg: &str, open: &str, name: &str) -> Vec<i64> {
    svg.split(open)
        .skip(1)
        .map(|tag| {
            let tag = &tag[..tag.find('>').unwrap()];
            let at = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} in {tag}")) + name.len() + 3;
            tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// The texts of `<text …>…</text>` elements, in order.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].to_string()).collect()
}

#[test]
fn issue10_bars_stand_on_the_baseline_in_proportion_and_pairs_are_centred_on_their_grade() {
    let now = Distribution { counts: [4, 2, 0, 1] };
    let was = Distribution { counts: [3, 3, 1, 0] };
    let svg = bars::chart(&now, Some((2025, &was))).into_string();
    let (x, y, w, h) = (
        attrs(&svg, "<rect class=\"bar\"", "x"),
        attrs(&svg, "<rect class=\"bar\"", "y"),
        attrs(&svg, "<rect class=\"bar\"", "width"),
        attrs(&svg, "<rect class=\"bar\"", "height"),
    );
    let counts: Vec<i64> = attrs(&svg, "<rect class=\"bar\"", "data-count");
    assert_eq!(counts, [3, 4, 3, 2, 1, 0, 0, 1], "per grade: the issued run, then now");
    // Plot 196 px high, top of the scale 4: 49 px per enterprise, all on the baseline at 240.
    for i in 0..8 {
        assert_eq!(h[i], counts[i] * 49, "bar {i}");
        assert_eq!(y[i] + h[i], 240, "bar {i} stands on the baseline");
    }
    // Inside the plot, never overlapping, each pair centred under its grade's label.
    let labels: Vec<i64> = svg.split("<text ").skip(1).filter(|t| t.contains(" 级</text>")).map(|t| attrs(&format!("<text {t}"), "<text", "x")[0]).collect();
    assert_eq!(labels, [127, 269, 411, 553]);
    for i in 0..8 {
        assert!(x[i] >= 56 && x[i] + w[i] <= 624, "bar {i} in the plot");
        if i > 0 {
            assert!(x[i] >= x[i - 1] + w[i - 1], "bar {i} right of bar {}", i - 1);
        }
    }
    for g in 0..4 {
        assert_eq!((x[2 * g] + x[2 * g + 1] + w[2 * g + 1]) / 2, labels[g], "grade {g}'s pair is centred");
    }
    // Each count is written just above its bar; the scale counts 0..=4.
    let t = texts(&svg);
    for n in 0..=4 {
        assert!(t.contains(&n.to_string()), "{n} on the scale");
    }
    let above = attrs(&svg, "<text x=\"", "y");
    assert!(y.iter().all(|top| above.contains(&(top - 4))), "a count 4 px above each bar");
}

#[test]
fn issue10_shares_round_half_up() {
    let d = Distribution { counts: [1, 5, 0, 0] };
    assert_eq!(d.share_tenths(Grade::A), Some(167), "1/6 = 16.67 %");
    assert_eq!(d.share_tenths(Grade::B), Some(833));
    assert_eq!(d.share(Grade::A), "16.7%");
}

fn point(on: &str, grade: Option<Grade>) -> HistoryPoint {
    HistoryPoint { on: ChinaDate::parse_plain(on).unwrap(), rules_id: "r".into(), grade, score: grade.map(|_| Points(900)) }
}

#[test]
fn issue10_history_points_are_evenly_spaced_on_their_grades_row_joined_by_steps() {
    let points = [
        point("2024-11-30", Some(Grade::B)),
        point("2024-12-31", Some(Grade::A)),
        point("2025-01-31", Some(Grade::C)),
        point("2025-02-28", Some(Grade::D)),
        point("2025-03-31", None),
    ];
    let svg = history::chart(&points, &[]).into_string();
    let cx = attrs(&svg, "<circle class=\"point\"", "cx");
    let cy = attrs(&svg, "<circle class=\"point\"", "cy");
    // From the left margin (70) to the right one (1140), 267.5 px apart (integer steps).
    assert_eq!(cx, [70, 337, 605, 872, 1140]);
    // Rows 40 px apart, A at the top: B, A, C, D, out of scope.
    assert_eq!(cy, [76, 36, 116, 156, 196]);
    // One path: a move to the first point, then across and up or down to each next.
    let d = {
        let at = svg.find("<path d=\"").unwrap() + 9;
        &svg[at..at + svg[at..].find('"').unwrap()]
    };
    assert_eq!(d, "M70,76 H337 V36 H605 V116 H872 V156 H1140 V196");
    // Year labels: the first month, then every January, never another month.
    let t = texts(&svg);
    assert!(t.contains(&"2024-11".to_string()) && t.contains(&"2025-01".to_string()), "{t:?}");
    for m in ["2024-12", "2025-02", "2025-03"] {
        assert!(!t.contains(&m.to_string()), "no label for {m}");
    }
}
