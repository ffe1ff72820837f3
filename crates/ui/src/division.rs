//! The division board (处室看板, issue 10 item 2): the grade distribution
//! of a division's enterprises as of V beside that of the last annual run
//! issued, and the table of its enterprises — sortable by the column
//! headers' links, filterable by a GET form, downloadable as CSV and XLSX
//! exactly as shown. Every link keeps V, K and R.

use crate::chart::bars::{self, Distribution};
use crate::form::{self, AsOf};
use crate::labels;
use crate::layout::{grade_badge, page, Question, Viewer};
use crate::table::{Dir, Row, SortKey, View, HEADERS};
use maud::{html, Markup};
use model::fact::Grade;

/// What the board shows, for one (V, K, R).
pub struct Board<'a> {
    /// Two digits, e.g. `08`.
    pub division: &'a str,
    /// Every enterprise of the division in scope on V (the distribution).
    pub rows: &'a [Row],
    /// The rows as filtered and sorted by `view` (the table).
    pub shown: &'a [Row],
    pub view: &'a View,
    /// The last run issued: its year and distribution (`None`: none yet).
    pub last_run: Option<(i32, Distribution)>,
    pub question: Question,
    pub form: AsOf,
    pub rule_ids: Vec<String>,
    /// The ledger head (the form's largest K).
    pub head: u64,
}

impl Board<'_> {
    fn base(&self) -> String {
        format!("/ui/divisions/{}", self.division)
    }

    /// `on=…&k=…&rules=…` as the page answered them.
    fn vkr(&self) -> String {
        let q = &self.question;
        format!("on={}&k={}&rules={}", q.on, q.known_at, crate::query_escape(&q.rules_id))
    }
}

/// The page's HTML.
pub fn page_html(viewer: &Viewer, b: &Board<'_>) -> String {
    let title = format!("处室看板 · 第 {} 处室", b.division);
    page(
        &title,
        Some(viewer),
        Some(&b.question),
        html! {
            // `td.grade` holds a badge; the badge class must not style the cell.
            style { "table#enterprises td.grade{display:table-cell;color:inherit;background:none;min-width:0;border-radius:0;padding:4px 6px;font-weight:400}" }
            (form::as_of(&b.base(), &b.form, &b.rule_ids, b.head))
            (distribution(b))
            (enterprises(b))
        },
    )
}

fn distribution(b: &Board<'_>) -> Markup {
    let now = Distribution::of(b.rows.iter().map(|r| r.grade));
    let last = b.last_run.as_ref();
    let signed = |n: i64| if n > 0 { format!("+{n}") } else if n < 0 { format!("−{}", -n) } else { "0".into() };
    let points = |t: i64| format!("{}{}.{}", if t > 0 { "+" } else if t < 0 { "−" } else { "" }, t.abs() / 10, t.abs() % 10);
    html! {
        section aria-labelledby="distribution" {
            h2 #distribution { "等级分布" }
            @match last {
                Some((year, _)) => p #last-run data-year=(year) { "与上次发布的分类结果（" (year) " 年度，评价日期前已发布）相比。" },
                None => p #last-run { "尚未发布分类结果：评价日期前没有已发布的年度分类结果决定，仅显示当前分布。" },
            }
            (bars::chart(&now, last.map(|(y, d)| (*y, d))))
            table #distribution-table {
                caption { "各等级家数与占比" @if last.is_some() { "及与上次发布相比的变化" } }
                thead {
                    tr {
                        th scope="col" { "等级" }
                        @if last.is_some() { th scope="col" class="num" { "上次发布 家数" } th scope="col" class="num" { "上次发布 占比" } }
                        th scope="col" class="num" { "当前 家数" } th scope="col" class="num" { "当前 占比" }
                        @if last.is_some() { th scope="col" class="num" { "家数变化" } th scope="col" class="num" { "占比变化（百分点）" } }
                    }
                }
                tbody {
                    @for g in Grade::ALL {
                        tr {
                            th scope="row" { (grade_badge(Some(*g), false)) }
                            @if let Some((_, d)) = last {
                                td.num #{"issued-" (g)} { (d.count(*g)) } td.num { (d.share(*g)) }
                            }
                            td.num #{"current-" (g)} { (now.count(*g)) } td.num { (now.share(*g)) }
                            @if let Some((_, d)) = last {
                                td.num #{"delta-" (g)} { (signed(now.count(*g) as i64 - d.count(*g) as i64)) }
                                td.num { @match (now.share_tenths(*g), d.share_tenths(*g)) { (Some(a), Some(b)) => (points(a - b)), _ => "—" } }
                            }
                        }
                    }
                    tr {
                        th scope="row" { "合计" }
                        @if let Some((_, d)) = last { td.num #issued-total { (d.total()) } td.num { "" } }
                        td.num #current-total { (now.total()) } td.num { "" }
                        @if let Some((_, d)) = last { td.num { (signed(now.total() as i64 - d.total() as i64)) } td.num { "" } }
                    }
                }
            }
        }
    }
}

fn enterprises(b: &Board<'_>) -> Markup {
    let (base, vkr) = (b.base(), b.vkr());
    let download = |ext: &str| format!("{base}/table.{ext}?{vkr}&{}", b.view.query());
    let head = |key: SortKey, label: &str| -> Markup {
        let sorted = b.view.sort == key;
        let dir = if sorted && b.view.dir == Dir::Asc { Dir::Desc } else { Dir::Asc };
        let next = View { sort: key, dir, ..b.view.clone() };
        let aria = sorted.then(|| if b.view.dir == Dir::Asc { "ascending" } else { "descending" });
        let order = if dir == Dir::Asc { "升序" } else { "降序" };
        html! {
            th scope="col" aria-sort=[aria] {
                a href={(base) "?" (vkr) "&" (next.query())} title={"按" (label) (order) "排列"} {
                    (label)
                    @if sorted { span aria-hidden="true" { (if b.view.dir == Dir::Asc { " ▲" } else { " ▼" }) } }
                }
            }
        }
    };
    let q = &b.question;
    html! {
        section aria-labelledby="enterprise-list" {
            h2 #enterprise-list { "企业列表" }
            form.no-print method="get" action=(base) aria-label="筛选企业" {
                input type="hidden" name="on" value=(q.on);
                input type="hidden" name="k" value=(q.known_at);
                input type="hidden" name="rules" value=(q.rules_id);
                input type="hidden" name="sort" value=(b.view.sort.as_str());
                input type="hidden" name="dir" value=(b.view.dir.as_str());
                div.field {
                    label for="grade-filter" { "信用等级" }
                    select #grade-filter name="grade" {
                        option value="" selected[b.view.grade.is_none()] { "全部等级" }
                        @for g in Grade::ALL { option value=(g) selected[b.view.grade == Some(*g)] { (g) " 级" } }
                    }
                }
                div.field {
                    label for="text-filter" { "企业名称或统一社会信用代码包含" }
                    input #text-filter name="q" value=(b.view.text) size="24";
                }
                button type="submit" { "筛选" }
                " " a href={(base) "?" (vkr)} { "清除筛选与排序" }
            }
            p.no-print {
                "下载本表（与所示筛选、排序相同）："
                a #download-csv href=(download("csv")) download { "CSV" } " · "
                a #download-xlsx href=(download("xlsx")) download { "Excel（XLSX）" }
            }
            table #enterprises {
                caption { "第 " (b.division) " 处室在分类范围内的企业：显示 " (b.shown.len()) " 家，共 " (b.rows.len()) " 家" }
                thead {
                    tr {
                        (head(SortKey::Uscc, HEADERS[0])) (head(SortKey::Name, HEADERS[1])) (head(SortKey::Grade, HEADERS[2])) (head(SortKey::Score, HEADERS[3]))
                        th scope="col" { (HEADERS[4]) } th scope="col" { (HEADERS[5]) }
                    }
                }
                tbody {
                    @for r in b.shown {
                        tr data-uscc=(r.uscc) {
                            td { a href={"/ui/enterprises/" (r.uscc) "?" (vkr)} { (r.uscc) } }
                            td { (r.name) }
                            td.grade data-grade=[r.grade.map(|g| g.to_string())] { (grade_badge(r.grade, false)) }
                            td.score.num { @if let Some(s) = r.score { (s) } }
                            td.decisive { (decisive(&r.decisive)) }
                            td.issued data-grade=[r.issued.map(|g| g.to_string())] { @match r.issued { Some(g) => (grade_badge(Some(g), false)), None => span.muted { "—" } } }
                        }
                    }
                    @if b.shown.is_empty() { tr { td colspan="6" { "没有符合条件的企业。" } } }
                }
            }
        }
    }
}

/// The decisive reasons, each clause id explained on hover.
fn decisive(s: &str) -> Markup {
    html! {
        @for (i, part) in s.split(' ').enumerate() {
            @if i > 0 { " " }
            @match labels::clause_text(part) { "" => (part), text => abbr title=(text) { (part) } }
        }
    }
}
