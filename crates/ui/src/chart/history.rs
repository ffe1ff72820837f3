//! The grade-history chart of the enterprise file: one point per month end
//! from the first licence to V, the grade on the vertical axis (A at the
//! top), each change point marked and titled with why it changed.

use super::grade_colour;
use appeal::{GradeChange, HistoryPoint};
use maud::{html, Markup};
use model::fact::Grade;

const W: i64 = 1160;
const H: i64 = 230;
const LEFT: i64 = 70;
const RIGHT: i64 = 20;
const TOP: i64 = 16;
const ROW: i64 = 40;

/// The row of a grade: A 0 … D 3, out of scope 4.
fn row(g: Option<Grade>) -> i64 {
    match g {
        Some(Grade::A) => 0,
        Some(Grade::B) => 1,
        Some(Grade::C) => 2,
        Some(Grade::D) => 3,
        None => 4,
    }
}

/// The chart; `points` in date order (the dossier's history), `changes`
/// the month ends where the grade moved.
pub fn chart(points: &[HistoryPoint], changes: &[GradeChange]) -> Markup {
    let n = points.len() as i64;
    let span = W - LEFT - RIGHT;
    let x = |i: i64| if n <= 1 { LEFT + span / 2 } else { LEFT + i * span / (n - 1) };
    let y = |g: Option<Grade>| TOP + row(g) * ROW + ROW / 2;
    let path: String = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (xi, yi) = (x(i as i64), y(p.grade));
            if i == 0 {
                format!("M{xi},{yi}")
            } else {
                format!(" H{xi} V{yi}")
            }
        })
        .collect();
    let why = |on: model::ChinaDate| changes.iter().find(|c| c.on == on);
    let first = points.first().map(|p| p.on.to_string()).unwrap_or_default();
    let last = points.last().map(|p| p.on.to_string()).unwrap_or_default();
    // One year label per January (or the first point), so labels never overlap.
    let ticks: Vec<(i64, String)> = points
        .iter()
        .enumerate()
        .filter(|(i, p)| *i == 0 || p.on.month() == 1)
        .map(|(i, p)| (x(i as i64), format!("{}-{:02}", p.on.year(), p.on.month())))
        .collect();
    html! {
        svg.chart #history-chart viewBox={"0 0 " (W) " " (H)} width=(W) height=(H) role="img" aria-labelledby="history-title history-desc" xmlns="http://www.w3.org/2000/svg" {
            title #history-title { "信用等级历史（每月末一点）" }
            desc #history-desc { (first) " 至 " (last) "，共 " (n) " 个月末，等级变化 " (changes.len()) " 次；变化点以方块标出，详见下表。" }
            @for (g, label) in [(Some(Grade::A), "A"), (Some(Grade::B), "B"), (Some(Grade::C), "C"), (Some(Grade::D), "D"), (None, "不参评")] {
                line x1=(LEFT) x2=(W - RIGHT) y1=(y(g)) y2=(y(g)) stroke="#d0d0d0" stroke-width="1" {}
                text x=(LEFT - 8) y=(y(g) + 5) text-anchor="end" font-size="14" fill="#1a1a1a" { (label) }
            }
            @for (tx, label) in &ticks {
                line x1=(tx) x2=(tx) y1=(TOP + 5 * ROW) y2=(TOP + 5 * ROW + 6) stroke="#4a4a4a" {}
                text x=(tx) y=(TOP + 5 * ROW + 20) text-anchor="middle" font-size="12" fill="#1a1a1a" { (label) }
            }
            path d=(path) fill="none" stroke="#12355b" stroke-width="2" {}
            @for (i, p) in points.iter().enumerate() {
                @let (cx, cy) = (x(i as i64), y(p.grade));
                @let grade = p.grade.map_or("不参评".to_string(), |g| g.to_string());
                @let score = p.score.map(|s| format!("，得分 {s}")).unwrap_or_default();
                @if let Some(c) = why(p.on) {
                    rect.point.change x=(cx - 6) y=(cy - 6) width="12" height="12" fill=(grade_colour(p.grade)) stroke="#000" stroke-width="1.5" data-on=(p.on) data-grade=(grade) {
                        title { (p.on) "：" (grade) (score) "（规则集 " (p.rules_id) "）。变化原因：" (c.decisive) @if !c.facts.is_empty() { "；事实 " (c.facts.join(" ")) } }
                    }
                } @else {
                    circle.point cx=(cx) cy=(cy) r="3.5" fill=(grade_colour(p.grade)) data-on=(p.on) data-grade=(grade) {
                        title { (p.on) "：" (grade) (score) "（规则集 " (p.rules_id) "）" }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{ChinaDate, Points};

    fn point(on: &str, grade: Option<Grade>) -> HistoryPoint {
        HistoryPoint { on: ChinaDate::parse_plain(on).unwrap(), rules_id: "r".into(), grade, score: grade.map(|_| Points(900)) }
    }

    #[test]
    fn one_mark_per_month_end_and_a_square_where_the_grade_changed() {
        let points = [point("2025-01-31", Some(Grade::A)), point("2025-02-28", Some(Grade::A)), point("2025-03-31", Some(Grade::C)), point("2025-04-30", None)];
        let change = |on: &str, from, to| GradeChange { on: ChinaDate::parse_plain(on).unwrap(), from, to, decisive: "A4".into(), verdicts: vec![], facts: vec!["+S1".into()] };
        let changes = [change("2025-03-31", Some(Grade::A), Some(Grade::C)), change("2025-04-30", Some(Grade::C), None)];
        let svg = chart(&points, &changes).into_string();
        assert_eq!(svg.matches("class=\"point\"").count(), 2);
        assert_eq!(svg.matches("class=\"point change\"").count(), 2);
        for p in &points {
            assert!(svg.contains(&format!("data-on=\"{}\"", p.on)));
        }
        assert!(svg.contains("变化原因：A4；事实 +S1"));
        // A at the top row, out of scope at the bottom: y grows downwards.
        let y = |on: &str| -> i64 {
            let at = svg.find(&format!("data-on=\"{on}\"")).unwrap();
            let head = &svg[..at];
            let tag = &head[head.rfind('<').unwrap()..];
            let attr = if tag.starts_with("<circle") { "cy=\"" } else { "y=\"" };
            tag.split(attr).nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
        };
        assert!(y("2025-01-31") < y("2025-03-31") && y("2025-03-31") < y("2025-04-30"));
        assert_eq!(y("2025-01-31"), y("2025-02-28"));
    }

    #[test]
    fn a_single_point_is_centred() {
        let svg = chart(&[point("2025-01-31", Some(Grade::B))], &[]).into_string();
        assert!(svg.contains(&format!("cx=\"{}\"", LEFT + (W - LEFT - RIGHT) / 2)));
    }
}
