//! The transition matrix of a rule-change replay as a heat map: rows are
//! the outcome under X, columns under Y (A–D, then "not in scope"); each
//! cell is shaded by its count, its number written in black or white,
//! whichever keeps WCAG AA contrast (≥ 4.5:1) on that shade.

use maud::{html, Markup};

/// The outcomes in matrix order, as `data-from` / `data-to` name them.
pub const KEYS: [&str; 5] = ["A", "B", "C", "D", "out"];
/// …and as the page labels them.
pub const LABELS: [&str; 5] = ["A 级", "B 级", "C 级", "D 级", "不在分类范围"];

/// The lightest and darkest shades (a sequential blue): zero is the
/// lightest, the largest count the darkest.
const LIGHT: [f64; 3] = [247.0, 251.0, 255.0];
const DARK: [f64; 3] = [8.0, 48.0, 107.0];

/// The fill of a cell holding `count` of at most `max`, as `#rrggbb`.
/// Any count above zero gets at least a fifth of the scale, so it never
/// reads as empty.
pub fn shade(count: u64, max: u64) -> String {
    let t = if count == 0 || max == 0 { 0.0 } else { 0.2 + 0.8 * count as f64 / max as f64 };
    let c = |i: usize| (LIGHT[i] + (DARK[i] - LIGHT[i]) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(0), c(1), c(2))
}

/// WCAG 2.1 relative luminance of `#rrggbb`.
pub fn luminance(hex: &str) -> f64 {
    let c = |i: usize| {
        let v = u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
}

/// The text colour on `fill`: black or white, the one with more contrast.
pub fn ink(fill: &str) -> &'static str {
    let l = luminance(fill);
    // Contrast with black (l + 0.05) / 0.05 against white 1.05 / (l + 0.05).
    if (l + 0.05) * (l + 0.05) > 0.05 * 1.05 {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// The contrast ratio of two colours (WCAG 2.1).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

const CELL: usize = 84;
const H_CELL: usize = 48;
const LEFT: usize = 130;
const TOP: usize = 64;

/// The chart (`svg#transition-chart`): `counts[x][y]` in [`KEYS`] order;
/// `x_id`, `y_id` name the rule sets. Every cell is a `rect.cell` with
/// `data-from`, `data-to`, `data-count` and a `<title>`.
pub fn chart(counts: &[[u64; 5]; 5], x_id: &str, y_id: &str) -> Markup {
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    let (w, h) = (LEFT + 5 * CELL + 16, TOP + 5 * H_CELL + 16);
    let total: u64 = counts.iter().flatten().sum();
    html! {
        svg.chart #transition-chart viewBox={"0 0 " (w) " " (h)} width=(w) height=(h) role="img" aria-labelledby="transition-title transition-desc" xmlns="http://www.w3.org/2000/svg" {
            title #transition-title { "等级迁移矩阵：行为 " (x_id) " 下的结果，列为 " (y_id) " 下的结果" }
            desc #transition-desc { "共 " (total) " 家企业；颜色越深家数越多。各格家数另见下表。" }
            text x=(LEFT + 5 * CELL / 2) y="18" text-anchor="middle" font-size="13" fill="#1a1a1a" { "列：" (y_id) " 下的等级" }
            text x="8" y="40" font-size="13" fill="#1a1a1a" { "行：" (x_id) " 下的等级" }
            @for (j, label) in LABELS.iter().enumerate() {
                text x=(LEFT + j * CELL + CELL / 2) y=(TOP - 8) text-anchor="middle" font-size="12" fill="#1a1a1a" { (label) }
            }
            @for (i, row) in counts.iter().enumerate() {
                text x=(LEFT - 8) y=(TOP + i * H_CELL + H_CELL / 2 + 4) text-anchor="end" font-size="12" fill="#1a1a1a" { (LABELS[i]) }
                @for (j, n) in row.iter().enumerate() {
                    @let fill = shade(*n, max);
                    @let (x, y) = (LEFT + j * CELL, TOP + i * H_CELL);
                    rect.cell x=(x) y=(y) width=(CELL) height=(H_CELL) fill=(fill) stroke=(if i == j { "#1a1a1a" } else { "#c8c8c8" }) stroke-width=(if i == j { "2" } else { "1" }) data-from=(KEYS[i]) data-to=(KEYS[j]) data-count=(n) {
                        title { (x_id) " 下 " (LABELS[i]) " → " (y_id) " 下 " (LABELS[j]) "：" (n) " 家" }
                    }
                    text x=(x + CELL / 2) y=(y + H_CELL / 2 + 5) text-anchor="middle" font-size="15" fill=(ink(&fill)) aria-hidden="true" { (n) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue10_heat_map_text_keeps_aa_contrast_on_every_shade() {
        for max in [1u64, 2, 7, 100, 5000] {
            for n in 0..=max.min(200) {
                let fill = shade(n, max);
                let ratio = contrast(&fill, ink(&fill));
                assert!(ratio >= 4.5, "{n}/{max}: {fill} with {} is {ratio:.2}:1", ink(&fill));
            }
        }
        // The scale runs from light to dark, and a count of one is not empty.
        assert_eq!(ink(&shade(0, 10)), "#000000");
        assert_eq!(ink(&shade(10, 10)), "#ffffff");
        assert_ne!(shade(1, 1000), shade(0, 1000));
        assert!(luminance(&shade(5, 10)) > luminance(&shade(6, 10)));
    }

    #[test]
    fn issue10_heat_map_has_one_cell_per_pair_with_its_count() {
        let mut m = [[0u64; 5]; 5];
        m[0][0] = 83;
        m[1][4] = 16;
        m[4][0] = 23;
        let svg = chart(&m, "xpcc-trial", "xpcc-revised").into_string();
        assert_eq!(svg.matches("<rect class=\"cell\"").count(), 25);
        assert!(svg.contains("data-from=\"A\" data-to=\"A\" data-count=\"83\""));
        assert!(svg.contains("data-from=\"B\" data-to=\"out\" data-count=\"16\""));
        assert!(svg.contains("data-from=\"out\" data-to=\"A\" data-count=\"23\""));
        assert!(svg.contains("<title>xpcc-trial 下 B 级 → xpcc-revised 下 不在分类范围：16 家</title>"));
    }

    #[test]
    fn issue10_heat_map_shades_and_contrast_are_the_wcag_formulas() {
        assert_eq!((shade(0, 10).as_str(), shade(10, 10).as_str()), ("#f7fbff", "#08306b"), "the scale's ends");
        assert_eq!(shade(1, 2), "#6881a6", "t = 0.2 + 0.8 × 1/2 = 0.6 of the way to the darkest");
        assert_eq!(luminance("#ffffff"), 1.0);
        assert_eq!(luminance("#000000"), 0.0);
        assert!((luminance("#808080") - 0.2158605).abs() < 1e-6);
        assert!((luminance("#ff0000") - 0.2126).abs() < 1e-9 && (luminance("#0000ff") - 0.0722).abs() < 1e-9);
        assert!((contrast("#ffffff", "#000000") - 21.0).abs() < 1e-9);
        assert!((contrast("#808080", "#ffffff") - 3.949).abs() < 1e-3);
    }

    #[test]
    fn issue10_heat_map_cells_tile_a_five_by_five_grid_inside_the_picture() {
        let svg = chart(&[[1u64; 5]; 5], "x", "y").into_string();
        let num = |tag: &str, name: &str| -> usize {
            let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
        };
        let view: Vec<usize> = svg.split("viewBox=\"").nth(1).unwrap().split('"').next().unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
        let cells: Vec<(usize, usize, usize, usize)> =
            svg.split("<rect class=\"cell\"").skip(1).map(|t| (num(t, "x"), num(t, "y"), num(t, "width"), num(t, "height"))).collect();
        for (k, (x, y, w, h)) in cells.iter().enumerate() {
            assert_eq!((*x, *y, *w, *h), (LEFT + (k % 5) * CELL, TOP + (k / 5) * H_CELL, CELL, H_CELL), "cell {k}");
        }
        let (right, bottom) = (cells.iter().map(|c| c.0 + c.2).max().unwrap(), cells.iter().map(|c| c.1 + c.3).max().unwrap());
        assert_eq!(view, [0, 0, right + 16, bottom + 16], "a 16 px margin right of and below the grid");
    }
}
