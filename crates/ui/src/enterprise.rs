//! The enterprise file (一企一档, Art. 15): identity and licences, the grade
//! as of V with every deduction, condition and trigger linked to its facts,
//! the grade history, every fact with its corrections threaded under it,
//! the decisions and objections, and the as-of form. Prints on A4.

use crate::chart::history;
use crate::form::{self, AsOf};
use crate::labels;
use crate::layout::{grade_badge, page, Question, Viewer};
use appeal::{Dossier, FactEntry};
use grading::GradeReport;
use maud::{html, Markup};
use std::collections::{BTreeMap, HashMap};

/// What the page shows: the dossier and the report of the same (V, K, R).
pub struct EnterpriseFile<'a> {
    /// The file as of V with everything known at K (`appeal::dossier`).
    pub dossier: &'a Dossier,
    /// The grade as of (V, K, R).
    pub report: &'a GradeReport,
    /// Dimension id → name, from R.
    pub dimension_names: &'a BTreeMap<String, String>,
    pub question: Question,
    pub form: AsOf,
    /// Rule-set ids for the form.
    pub rule_ids: Vec<String>,
    /// The ledger head (the form's largest K).
    pub head: u64,
}

/// The page's HTML.
pub fn page_html(viewer: &Viewer, f: &EnterpriseFile<'_>) -> String {
    let d = f.dossier;
    let title = format!("企业信用档案 · {}", d.name);
    page(
        &title,
        Some(viewer),
        Some(&f.question),
        html! {
            (form::as_of(&format!("/ui/enterprises/{}", d.enterprise), &f.form, &f.rule_ids, f.head))
            (identity(d))
            (grade(f))
            (history_section(d))
            (facts(d, f.report))
            (decisions(d))
        },
    )
}

fn identity(d: &Dossier) -> Markup {
    html! {
        section aria-labelledby="identity" {
            h2 #identity { "企业基本信息与许可证" }
            table {
                tbody {
                    tr { th scope="row" { "企业名称" } td #enterprise-name { (d.name) } }
                    tr { th scope="row" { "统一社会信用代码" } td #uscc { (d.enterprise) } }
                    tr { th scope="row" { "所属处室" } td { (d.division) } }
                    tr { th scope="row" { "企业规模" } td { (scale(d.scale.as_deref())) } }
                    tr { th scope="row" { "重点监管目录" } td { (if d.key_catalogue { "是" } else { "否" }) } }
                }
            }
            table #licences {
                caption { "生产许可证" }
                thead { tr { th scope="col" { "许可证编号" } th scope="col" { "产品" } th scope="col" { "类别" } th scope="col" { "风险等级" } th scope="col" { "有效期" } th scope="col" { "评价日期时状态" } } }
                tbody {
                    @for l in &d.licences {
                        tr {
                            td { a href={"#fact-" (l.reference)} { (l.licence_no) } }
                            td { (l.product) } td { (l.category) } td { (risk(&l.risk_class)) }
                            td { (l.valid_from) " 至 " (l.valid_to) }
                            td {
                                @if l.held_on_date { "有效" } @else { "未持有" }
                                @if let Some((r, mode, on)) = &l.terminated { " · " (on) " " (mode) "（" a href={"#fact-" (r)} { (r) } "）" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn scale(s: Option<&str>) -> &str {
    match s {
        Some("micro") => "微型",
        Some("small") => "小型",
        Some("medium") => "中型",
        Some("large") => "大型",
        Some(other) => other,
        None => "—",
    }
}

fn risk(class: &str) -> &str {
    match class {
        "high" => "高风险",
        "elevated" => "较高风险",
        "general" => "一般风险",
        other => other,
    }
}

/// A list of fact refs as links to their entries below.
fn refs(evidence: &[String]) -> Markup {
    html! {
        @for (i, r) in evidence.iter().enumerate() {
            @if i > 0 { " " }
            a href={"#fact-" (r)} { (r) }
        }
    }
}

fn grade(f: &EnterpriseFile<'_>) -> Markup {
    let r = f.report;
    let name = |id: &str| f.dimension_names.get(id).cloned().unwrap_or_else(|| id.to_string());
    html! {
        section aria-labelledby="grade" {
            h2 #grade { "信用风险分类等级" }
            p #current-grade data-grade=[r.grade.map(|g| g.to_string())] {
                (grade_badge(r.grade, true)) " "
                @if let Some(s) = r.score { "信用得分 " strong #score { (s) } " 分" } @else { "不在分类范围内" }
                " · 决定因素：" span #decisive { (r.decisive_reasons()) }
            }
            @if !r.dimensions.is_empty() {
                table #dimensions {
                    caption { "记分维度（满分 100，逐项扣分，各维度封顶）" }
                    thead { tr { th scope="col" { "维度" } th scope="col" class="num" { "扣分" } th scope="col" class="num" { "封顶" } th scope="col" { "扣分事项（规则 · 事实）" } } }
                    tbody {
                        @for dim in &r.dimensions {
                            tr {
                                td { (name(&dim.id)) }
                                td.num { (dim.deduction) }
                                td.num { (dim.cap) }
                                td {
                                    @for (i, it) in dim.items.iter().enumerate() {
                                        @if i > 0 { br; }
                                        "−" (it.points) " " (it.rule) " · "
                                        @match &it.reference { Some(x) => a href={"#fact-" (x)} { (x) }, None => span.muted { "（缺失事项）" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            table #conditions {
                caption { "A 级、B 级条件（第十一条、第十二条）" }
                thead { tr { th scope="col" { "条件" } th scope="col" { "内容" } th scope="col" { "是否满足" } th scope="col" { "致其不满足的事实" } } }
                tbody {
                    @for c in &r.conditions {
                        @let id = c.id.to_string();
                        tr { td { (id) } td { (labels::clause_text(&id)) } td { (if c.met { "满足" } else { "不满足" }) } td { (refs(&c.evidence)) } }
                    }
                }
            }
            table #triggers {
                caption { "D 级情形" }
                thead { tr { th scope="col" { "情形" } th scope="col" { "内容" } th scope="col" { "是否触发" } th scope="col" { "触发的事实" } } }
                tbody {
                    @for t in &r.triggers {
                        @let id = t.id.to_string();
                        tr { td { (id) } td { (labels::clause_text(&id)) } td { (if t.fired { "触发" } else { "未触发" }) } td { (refs(&t.evidence)) } }
                    }
                }
            }
            @for a in &r.adjustments {
                p { "逾期未整改上调一级：" (a.from) " → " (a.to) "（" (refs(&a.evidence)) "）" }
            }
        }
    }
}

fn history_section(d: &Dossier) -> Markup {
    html! {
        section aria-labelledby="history" {
            h2 #history { "等级历史" }
            (history::chart(&d.history, &d.changes))
            table #changes {
                caption { "等级变化点" }
                thead { tr { th scope="col" { "月末" } th scope="col" { "由" } th scope="col" { "变为" } th scope="col" { "决定因素" } th scope="col" { "开始或停止计入的事实" } } }
                tbody {
                    @for c in &d.changes {
                        tr { td { (c.on) } td { (grade_badge(c.from, false)) } td { (grade_badge(c.to, false)) } td { (c.decisive) } td { (c.facts.join(" ")) } }
                    }
                    @if d.changes.is_empty() { tr { td colspan="5" { "期间等级未变化。" } } }
                }
            }
        }
    }
}

fn facts(d: &Dossier, r: &GradeReport) -> Markup {
    let standing: HashMap<&str, &grading::Event> = r.events.iter().map(|e| (e.reference.as_str(), e)).collect();
    html! {
        section aria-labelledby="facts" {
            h2 #facts { "事实（按发生日期）" }
            p.muted { "每项事实下列出针对它的更正、整改、移出和异议；“计入”“不计入”为其在评价日期 V 对等级的作用。" }
            ol.facts #fact-list {
                @for e in &d.facts { (fact(e, &standing, 0)) }
            }
        }
    }
}

fn fact(e: &FactEntry, standing: &HashMap<&str, &grading::Event>, depth: usize) -> Markup {
    let s = standing.get(e.reference.as_str());
    html! {
        li.fact #{"fact-" (e.reference)} data-ref=(e.reference) {
            strong { (e.occurred_on) } " " (labels::kind(e.kind)) " · " code { (e.reference) }
            @if let Some(s) = s {
                " · " span.standing data-status=(s.status.as_str()) { (labels::status(s.status)) }
                @if let Some(reason) = s.reason { "：" (labels::reason(reason)) }
                @if let Some(by) = &s.by { "（" a href={"#fact-" (by)} { (by) } "）" }
            }
            br;
            span { (e.summary) }
            br;
            span.muted { "来源 " (e.source) " · 记录于 " (e.recorded_at.china_display()) " · 账本序号 " (e.seq) }
            @if depth > 0 { @if let Some(a) = labels::art10(e.kind) { br; span { "依据：" (a) } } }
            @if !e.threads.is_empty() {
                ul.thread aria-label="针对此事实的后续记录" {
                    @for t in &e.threads { (fact(t, standing, depth + 1)) }
                }
            }
        }
    }
}

fn decisions(d: &Dossier) -> Markup {
    html! {
        section aria-labelledby="decisions" {
            h2 #decisions { "分类结果决定与异议" }
            @if d.decisions.is_empty() { p { "尚无已发布的分类结果。" } }
            @else {
                table #decision-list {
                    thead { tr { th scope="col" { "决定" } th scope="col" { "年度" } th scope="col" { "等级" } th scope="col" { "得分" } th scope="col" { "发布日期" } th scope="col" { "规则集 · K" } th scope="col" { "异议" } } }
                    tbody {
                        @for x in &d.decisions {
                            tr {
                                td { a href={"/ui/decisions/" (crate::query_escape(&x.reference))} { (x.reference) } @if let Some(s) = &x.superseded_by { br; span.muted { "已被 " (s) " 取代" } } }
                                td { (x.decision.year) } td { (grade_badge(Some(x.decision.grade), false)) } td.num { (x.decision.score) }
                                td { (x.issued_on) } td { (x.decision.rules_id) " · " (x.decision.known_at_seq) }
                                td {
                                    @for o in &x.objections {
                                        (o.filed_on) " " (o.reference) "：" (o.grounds)
                                        @match &o.decided { Some(r) => { " — " (r.on) " " (if r.outcome == model::fact::Outcome::Upheld { "成立" } else { "不成立" }) }, None => { " — 待处理" } }
                                        br;
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
