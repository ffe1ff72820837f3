//! The rule-change impact (规则变更影响, issue 10 item 4): every enterprise
//! graded as of V under rule set X and under Y (`credit-ledger replay`):
//! the transition matrix as a heat map and a table, each enterprise whose
//! scope or grade moved with the rule-set clauses responsible, and those
//! clauses summed up.

use crate::chart::heatmap::{self, KEYS, LABELS};
use crate::layout::{grade_badge, page, Question, Viewer};
use grading::replay::{Clause, Move};
use maud::{html, Markup};
use model::fact::Grade;
use model::{ChinaDate, Points};
use std::collections::BTreeMap;

/// One side of the comparison.
#[derive(Clone, Debug)]
pub struct RuleSide {
    pub id: String,
    pub sha256: String,
}

/// An enterprise whose scope or grade moved (grade and score `None`: not in scope).
#[derive(Clone, Debug)]
pub struct Mover {
    pub uscc: String,
    pub name: String,
    pub division: String,
    pub x: (Option<Grade>, Option<Points>),
    pub y: (Option<Grade>, Option<Points>),
    pub change: Move,
    pub clauses: Vec<Clause>,
}

/// The replay's answer.
#[derive(Clone, Debug)]
pub struct Impact {
    pub on: ChinaDate,
    pub known_at: u64,
    /// `None`: every division.
    pub division: Option<String>,
    pub x: RuleSide,
    pub y: RuleSide,
    /// `matrix[x][y]` in [`KEYS`] order ("not in scope" last).
    pub matrix: [[u64; 5]; 5],
    /// Enterprises that entered or left scope, changed grade, changed score only.
    pub moved_scope: u64,
    pub moved_grade: u64,
    pub moved_score: u64,
    /// Scope and grade moves, in the replay's order.
    pub movers: Vec<Mover>,
}

/// The form's fields as typed, each error beside its field.
#[derive(Clone, Debug, Default)]
pub struct ImpactForm {
    pub on: String,
    pub rules: String,
    pub vs: String,
    pub known_at: String,
    pub division: String,
    pub errors: ImpactErrors,
}

#[derive(Clone, Debug, Default)]
pub struct ImpactErrors {
    pub on: Option<String>,
    pub known_at: Option<String>,
    pub division: Option<String>,
}

impl ImpactErrors {
    pub fn any(&self) -> bool {
        self.on.is_some() || self.known_at.is_some() || self.division.is_some()
    }
}

/// What the page shows.
pub struct ImpactPage<'a> {
    pub impact: &'a Impact,
    pub question: Question,
    pub form: ImpactForm,
    pub rule_ids: Vec<String>,
    /// The only division this viewer may ask about (a division token).
    pub forced_division: Option<String>,
    pub head: u64,
}

/// The page's HTML.
pub fn page_html(viewer: &Viewer, p: &ImpactPage<'_>) -> String {
    let i = p.impact;
    let title = format!("规则变更影响 · {} 对比 {}", i.x.id, i.y.id);
    page(
        &title,
        Some(viewer),
        Some(&p.question),
        html! {
            (form(p))
            (matrix(i))
            (movers(i))
            (clauses(i))
        },
    )
}

fn field(id: &str, label: &str, value: &str, error: &Option<String>, placeholder: &str) -> Markup {
    let err_id = format!("{id}-error");
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) name=(id) value=(value) placeholder=(placeholder) aria-describedby=[error.as_ref().map(|_| err_id.as_str())] aria-invalid=[error.as_ref().map(|_| "true")];
            @if let Some(e) = error { span id=(err_id) .error { (e) } }
        }
    }
}

fn select(id: &str, label: &str, value: &str, ids: &[String], default: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(id) {
                option value="" selected[value.is_empty()] { (default) }
                @for r in ids { option value=(r) selected[value == r] { (r) } }
            }
        }
    }
}

fn form(p: &ImpactPage<'_>) -> Markup {
    let f = &p.form;
    html! {
        form.no-print method="get" action="/ui/replay" aria-label="选择要比较的规则集和评价日期" {
            @if f.errors.any() { p.error role="alert" { "请更正下列标出的字段。" } }
            (field("on", "评价日期 V（YYYY-MM-DD）", &f.on, &f.errors.on, "今天"))
            (select("rules", "规则集 X", &f.rules, &p.rule_ids, "评价日期适用的规则集"))
            (select("vs", "对比规则集 Y", &f.vs, &p.rule_ids, "另一个内置规则集"))
            (field("k", &format!("知识截点 K（账本序号，最大 {}）", p.head), &f.known_at, &f.errors.known_at, "最新"))
            @match &p.forced_division {
                Some(d) => div.field { label for="division" { "处室" } input #division name="division" value=(d) readonly; },
                None => (field("division", "处室（两位数字；空：全部）", &f.division, &f.errors.division, "全部")),
            }
            button type="submit" { "比较" }
        }
    }
}

fn matrix(i: &Impact) -> Markup {
    let m = &i.matrix;
    let total: u64 = m.iter().flatten().sum();
    let scope = i.division.as_ref().map_or("全部处室".to_string(), |d| format!("第 {d} 处室"));
    html! {
        section aria-labelledby="matrix-title" {
            h2 #matrix-title { "等级迁移矩阵" }
            p #impact-summary {
                (scope) "：共 " strong #graded-total { (total) } " 家企业 · 进入分类范围 " (m[4][..4].iter().sum::<u64>())
                " · 离开分类范围 " (m[..4].iter().map(|r| r[4]).sum::<u64>()) " · 等级变化 " (i.moved_grade) " · 仅得分变化 " (i.moved_score)
            }
            (heatmap::chart(m, &i.x.id, &i.y.id))
            table #transition-table {
                caption { "各格家数：行为 " (i.x.id) " 下的结果，列为 " (i.y.id) " 下的结果" }
                thead {
                    tr {
                        th scope="col" { (i.x.id) " ＼ " (i.y.id) }
                        @for l in LABELS { th scope="col" class="num" { (l) } }
                        th scope="col" class="num" { "合计" }
                    }
                }
                tbody {
                    @for (r, row) in m.iter().enumerate() {
                        tr {
                            th scope="row" { (LABELS[r]) }
                            @for (c, n) in row.iter().enumerate() { td.num data-from=(KEYS[r]) data-to=(KEYS[c]) { (n) } }
                            td.num { (row.iter().sum::<u64>()) }
                        }
                    }
                    tr {
                        th scope="row" { "合计" }
                        @for c in 0..5 { td.num { (m.iter().map(|r| r[c]).sum::<u64>()) } }
                        td.num { (total) }
                    }
                }
            }
        }
    }
}

fn outcome(o: (Option<Grade>, Option<Points>), key: &str) -> Markup {
    html! {
        @match o.0 {
            Some(_) => { (grade_badge(o.0, false)) @if let Some(s) = o.1 { " " span class={"score-" (key)} { (s) } } },
            None => span.muted { "不在分类范围" },
        }
    }
}

fn movers(i: &Impact) -> Markup {
    let key = |g: Option<Grade>| g.map_or("out".to_string(), |g| g.to_string());
    html! {
        section aria-labelledby="movers-title" {
            h2 #movers-title { "分类范围或等级发生变化的企业（" (i.movers.len()) " 家）" }
            @if i.movers.is_empty() { p #no-movers { "没有企业的分类范围或等级发生变化。" } }
            @else {
                table #movers {
                    thead { tr { th scope="col" { "统一社会信用代码" } th scope="col" { "企业名称" } th scope="col" { (i.x.id) " 下" } th scope="col" { (i.y.id) " 下" } th scope="col" { "相关条款（X 下 → Y 下）" } } }
                    tbody {
                        @for m in &i.movers {
                            tr data-uscc=(m.uscc) data-from=(key(m.x.0)) data-to=(key(m.y.0)) data-change=(m.change.as_str()) {
                                td { a href={"/ui/enterprises/" (m.uscc) "?on=" (i.on) "&k=" (i.known_at)} { (m.uscc) } }
                                td { (m.name) }
                                td { (outcome(m.x, "x")) }
                                td { (outcome(m.y, "y")) }
                                td {
                                    ul.clauses {
                                        @for c in &m.clauses { li { code.clause { (c.clause) } "：" (c.x) " → " (c.y) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Each clause responsible for a move, with how many movers it explains.
pub fn clause_counts(movers: &[Mover]) -> Vec<(String, usize)> {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for m in movers {
        let mut seen: Vec<&str> = m.clauses.iter().map(|c| c.clause.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        for c in seen {
            *n.entry(c).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = n.into_iter().map(|(c, k)| (c.to_string(), k)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

fn clauses(i: &Impact) -> Markup {
    let counts = clause_counts(&i.movers);
    html! {
        section aria-labelledby="clauses-title" {
            h2 #clauses-title { "引起变化的规则条款" }
            @if counts.is_empty() { p { "无。" } }
            @else {
                table #clauses {
                    caption { "规则集文件中的键路径（见 docs/RULES.md），及其引起变化的企业家数" }
                    thead { tr { th scope="col" { "条款" } th scope="col" class="num" { "企业家数" } } }
                    tbody { @for (c, n) in &counts { tr { td { code { (c) } } td.num data-clause=(c) { (n) } } } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mover(uscc: &str, clauses: &[&str]) -> Mover {
        Mover {
            uscc: uscc.into(),
            name: String::new(),
            division: "08".into(),
            x: (Some(Grade::B), None),
            y: (Some(Grade::C), None),
            change: Move::Grade,
            clauses: clauses.iter().map(|c| Clause { clause: c.to_string(), x: String::new(), y: String::new() }).collect(),
        }
    }

    #[test]
    fn issue10_clause_summary_counts_each_mover_once_most_first() {
        let ms = [mover("1", &["a", "b"]), mover("2", &["b"]), mover("3", &["b", "b", "c"])];
        assert_eq!(clause_counts(&ms), vec![("b".to_string(), 3), ("a".to_string(), 1), ("c".to_string(), 1)]);
    }
}
