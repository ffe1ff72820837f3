//! The grade-distribution bar chart of the division board: for each grade
//! A–D, a bar of the enterprises graded so as of V ("当前") and, when an
//! annual run was issued, beside it an outlined bar of that run ("上次发布").

use super::grade_colour;
use maud::{html, Markup};
use model::fact::Grade;

/// How many enterprises hold each grade, A to D.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Counts in the order of `Grade::ALL` (A, B, C, D).
    pub counts: [usize; 4],
}

impl Distribution {
    /// Counts the grades given (`None`, out of scope, is not counted).
    pub fn of(grades: impl IntoIterator<Item = Option<Grade>>) -> Distribution {
        let mut counts = [0; 4];
        for g in grades.into_iter().flatten() {
            counts[index(g)] += 1;
        }
        Distribution { counts }
    }

    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    pub fn count(&self, g: Grade) -> usize {
        self.counts[index(g)]
    }

    /// The share of `g` in tenths of a percent, rounded half up (`None`
    /// when nothing is counted): integers, so shares print exactly.
    pub fn share_tenths(&self, g: Grade) -> Option<i64> {
        let total = self.total() as i64;
        (total > 0).then(|| (self.count(g) as i64 * 1000 + total / 2) / total)
    }

    /// The share as shown, e.g. `33.3%`; `—` when nothing is counted.
    pub fn share(&self, g: Grade) -> String {
        self.share_tenths(g).map_or("—".into(), |t| format!("{}.{}%", t / 10, t % 10))
    }
}

fn index(g: Grade) -> usize {
    match g {
        Grade::A => 0,
        Grade::B => 1,
        Grade::C => 2,
        Grade::D => 3,
    }
}

const W: usize = 640;
const H: usize = 280;
const LEFT: usize = 56;
const RIGHT: usize = 16;
const TOP: usize = 44;
const BOTTOM: usize = 40;
const BAR: usize = 48;

/// The chart (`svg#distribution-chart`); `issued`: the last run's year and
/// distribution. Every bar is a `rect.bar` with `data-series`
/// (`issued`|`current`), `data-grade`, `data-count` and a `<title>`.
pub fn chart(current: &Distribution, issued: Option<(i32, &Distribution)>) -> Markup {
    let plot = H - TOP - BOTTOM;
    let max = current.counts.iter().chain(issued.iter().flat_map(|(_, d)| d.counts.iter())).copied().max().unwrap_or(0).max(1);
    // Gridlines at whole numbers of enterprises: four steps up to the top.
    let step = max.div_ceil(4);
    let top = step * max.div_ceil(step);
    let y = |n: usize| TOP + plot - n * plot / top;
    let group = (W - LEFT - RIGHT) / 4;
    let series: Vec<(&str, &str, &Distribution)> = match issued {
        Some((_, d)) => vec![("issued", "上次发布", d), ("current", "当前", current)],
        None => vec![("current", "当前", current)],
    };
    let bar_x = |gi: usize, si: usize| LEFT + gi * group + (group - series.len() * BAR - (series.len() - 1) * 8) / 2 + si * (BAR + 8);
    let summary: Vec<String> = series
        .iter()
        .map(|(_, label, d)| format!("{label}：{}", Grade::ALL.iter().map(|g| format!("{g} 级 {} 家", d.count(*g))).collect::<Vec<_>>().join("，")))
        .collect();
    html! {
        svg.chart #distribution-chart viewBox={"0 0 " (W) " " (H)} width=(W) height=(H) role="img" aria-labelledby="distribution-title distribution-desc" xmlns="http://www.w3.org/2000/svg" {
            title #distribution-title { "各信用等级企业家数" }
            desc #distribution-desc { (summary.join("；")) "。数字另见下表。" }
            @for i in 0..=(top / step) {
                @let n = i * step;
                line x1=(LEFT) x2=(W - RIGHT) y1=(y(n)) y2=(y(n)) stroke="#d0d0d0" stroke-width="1" {}
                text x=(LEFT - 8) y=(y(n) + 4) text-anchor="end" font-size="12" fill="#1a1a1a" { (n) }
            }
            @for (si, (key, label, _)) in series.iter().enumerate() {
                @let lx = LEFT + si * 200;
                @if *key == "issued" {
                    rect x=(lx) y="12" width="14" height="14" fill="#ffffff" stroke="#1a1a1a" stroke-width="2" {}
                } @else {
                    rect x=(lx) y="12" width="14" height="14" fill="#4a4a4a" {}
                }
                text x=(lx + 20) y="24" font-size="13" fill="#1a1a1a" {
                    (label) @if let (true, Some((year, _))) = (*key == "issued", issued) { "（" (year) " 年度）" }
                }
            }
            @for (gi, g) in Grade::ALL.iter().enumerate() {
                @for (si, (key, label, d)) in series.iter().enumerate() {
                    @let (n, x) = (d.count(*g), bar_x(gi, si));
                    @let (fill, stroke) = if *key == "issued" { ("#ffffff", grade_colour(Some(*g))) } else { (grade_colour(Some(*g)), "none") };
                    rect.bar x=(x) y=(y(n)) width=(BAR) height=(TOP + plot - y(n)) fill=(fill) stroke=(stroke) stroke-width="2" data-series=(key) data-grade=(g) data-count=(n) {
                        title { (label) " " (g) " 级：" (n) " 家（" (d.share(*g)) "）" }
                    }
                    text x=(x + BAR / 2) y=(y(n) - 4) text-anchor="middle" font-size="12" fill="#1a1a1a" { (n) }
                }
                text x=(LEFT + gi * group + group / 2) y=(H - BOTTOM + 20) text-anchor="middle" font-size="14" fill="#1a1a1a" { (g) " 级" }
            }
            line x1=(LEFT) x2=(W - RIGHT) y1=(TOP + plot) y2=(TOP + plot) stroke="#4a4a4a" stroke-width="1" {}
        }
    }
}
