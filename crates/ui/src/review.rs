//! The review page (复核, issue 10 item 3): an issued grade re-derived from
//! its recorded (V, K, R) — does it reproduce exactly? — then graded with
//! everything known at the page's K: what changed since, the objections
//! filed against it, and a form to grade it as if an objection's correcting
//! facts were recorded (`appeal::what_if`, nothing written).

use crate::labels;
use crate::layout::{grade_badge, page, Question, Viewer};
use appeal::{Cause, Review, WhatIf};
use grading::diff::{FactStanding, ReportDiff};
use maud::{html, Markup};
use model::fact::{Grade, Outcome};
use model::Points;

/// The "now" field (K) as typed, with its error.
#[derive(Clone, Debug, Default)]
pub struct KnownAtField {
    /// Empty: the head.
    pub typed: String,
    pub error: Option<String>,
}

/// The what-if form as typed: the objection it is for, the facts (JSON
/// Lines, as `import` takes them) and the errors beside the facts.
#[derive(Clone, Debug, Default)]
pub struct WhatIfForm {
    pub objection: String,
    pub facts: String,
    /// One sentence, then the rejected lines (as `import` lists them).
    pub errors: Vec<String>,
}

/// What the page shows.
pub struct ReviewPage<'a> {
    pub review: &'a Review,
    /// V and R of the decision, K the review's "now".
    pub question: Question,
    pub known_at: KnownAtField,
    /// The ledger head (the form's largest K).
    pub head: u64,
    pub form: WhatIfForm,
    /// The what-if just run, when the form was sent and its facts validated.
    pub what_if: Option<&'a WhatIf>,
}

/// The page's HTML.
pub fn page_html(viewer: &Viewer, p: &ReviewPage<'_>) -> String {
    let d = &p.review.decision;
    let title = format!("分类结果复核 · {}", d.reference);
    page(
        &title,
        Some(viewer),
        Some(&p.question),
        html! {
            (known_at_form(p))
            (decision(p.review))
            (reproduction(p.review))
            (current(p.review))
            (changes(p.review))
            (objections(p.review))
            (what_if(p))
        },
    )
}

/// Where the page (and its forms) live.
pub fn base(decision_ref: &str) -> String {
    format!("/ui/decisions/{}", crate::query_escape(decision_ref))
}

fn known_at_form(p: &ReviewPage<'_>) -> Markup {
    let e = &p.known_at.error;
    html! {
        form.no-print method="get" action=(base(&p.review.decision.reference)) aria-label="按其他知识截点复核" {
            div.field {
                label for="k" { "复核时点：知识截点 K（账本序号，最大 " (p.head) "）" }
                input #k name="k" value=(p.known_at.typed) placeholder="最新" inputmode="numeric" aria-describedby=[e.as_ref().map(|_| "k-error")] aria-invalid=[e.as_ref().map(|_| "true")];
                @if let Some(e) = e { span #k-error .error role="alert" { (e) } }
            }
            button type="submit" { "复核" }
        }
    }
}

/// A grade as a badge whose element has `id` and whose text is the letter.
fn grade_with_id(id: &str, g: Option<Grade>) -> Markup {
    let (class, text) = match g {
        Some(g) => (format!("grade grade-{g}"), g.to_string()),
        None => ("grade grade-none".to_string(), "不参评".to_string()),
    };
    html! { span id=(id) class=(class) data-grade=[g.map(|g| g.to_string())] { (text) } }
}

fn score_with_id(id: &str, s: Option<Points>) -> Markup {
    html! { @match s { Some(s) => { "得分 " strong id=(id) { (s) } " 分" }, None => span id=(id) .muted { "无得分" } } }
}

fn decision(r: &Review) -> Markup {
    let d = &r.decision;
    let g = &d.decision;
    html! {
        section aria-labelledby="decision" {
            h2 #decision { "分类结果决定" }
            table #decision-facts {
                tbody {
                    tr { th scope="row" { "决定文号" } td { (d.reference) " · 账本序号 " (d.seq) } }
                    tr { th scope="row" { "企业" } td { a href={"/ui/enterprises/" (d.enterprise)} { (d.enterprise) } } }
                    tr { th scope="row" { "年度" } td { (g.year) } }
                    tr { th scope="row" { "发布的等级与得分" } td { (grade_with_id("issued-grade", Some(g.grade))) " " (score_with_id("issued-score", Some(g.score))) } }
                    tr { th scope="row" { "发布日期" } td { (d.issued_on) } }
                    tr { th scope="row" { "评价日期 V" } td { (g.on) } }
                    tr { th scope="row" { "知识截点 K" } td { "账本序号 " (g.known_at_seq) " · 链哈希 " code { (short(&g.head_hash)) } } }
                    tr { th scope="row" { "规则集 R" } td { (g.rules_id) " · SHA-256 " code { (short(&g.rules_sha256)) } } }
                    tr { th scope="row" { "评价引擎 · 报告格式" } td { (g.engine_version) " · " (g.report_format) } }
                    @if let Some(s) = &g.supersedes { tr { th scope="row" { "取代" } td { a href=(base(s)) { (s) } } } }
                    @if let Some(s) = &d.superseded_by { tr { th scope="row" { "已被取代" } td { a href=(base(s)) { (s) } } } }
                }
            }
        }
    }
}

fn short(hex: &str) -> String {
    format!("{}…", &hex[..hex.len().min(12)])
}

/// A reproduction cause in Chinese.
pub fn cause(c: Cause) -> &'static str {
    match c {
        Cause::StoredBytes => "存储的记录被改动（篡改或损坏）",
        Cause::Facts => "评价所依据的事实与决定记录的不同",
        Cause::Rules => "规则集与决定所用的不同或未安装",
        Cause::EngineOrReportFormat => "评价引擎或报告格式已变更（软件变化，非篡改）",
    }
}

fn reproduction(r: &Review) -> Markup {
    let rp = &r.reproduction;
    let g = &r.decision.decision;
    let rederived = r.issued.as_ref();
    html! {
        section #reproduction data-matches=(rp.matches) aria-labelledby="reproduction-title" {
            h2 #reproduction-title { "能否按原条件重现" }
            @if rp.matches {
                p #reproduction-verdict { strong { "一致：" } "按决定记录的评价日期、知识截点和规则集重新评价，等级、得分和报告哈希 " code { (short(&g.report_sha256)) } " 完全重现。" }
            } @else {
                p #reproduction-verdict .error { "不一致：" (rp.causes.iter().map(|c| cause(*c)).collect::<Vec<_>>().join("；")) "。" }
                ul #reproduction-problems { @for p in &rp.problems { li { (p) } } }
            }
            table {
                caption { "发布的结果与按原条件重新评价的结果" }
                thead { tr { th scope="col" { "" } th scope="col" { "等级" } th scope="col" class="num" { "得分" } th scope="col" { "报告 SHA-256" } } }
                tbody {
                    tr { th scope="row" { "发布" } td { (grade_badge(Some(g.grade), false)) } td.num { (g.score) } td { code { (short(&g.report_sha256)) } } }
                    tr {
                        th scope="row" { "重新评价" }
                        @match rederived {
                            Some(x) => { td #rederived-grade data-grade=[x.grade.map(|g| g.to_string())] { (grade_badge(x.grade, false)) } td.num { @if let Some(s) = x.score { (s) } } td { @if let Some(h) = &rp.report_sha256 { code { (short(h)) } } } },
                            None => { td colspan="3" { "无法重新评价：决定所用的规则集不可用。" } },
                        }
                    }
                }
            }
            p.muted { "发布引擎 " (rp.issued_by_engine) " · 本引擎 " (rp.this_engine) }
        }
    }
}

fn current(r: &Review) -> Markup {
    let c = &r.current;
    let issued = r.decision.decision.grade;
    html! {
        section #current aria-labelledby="current-title" data-changed=(c.grade != Some(issued)) {
            h2 #current-title { "以现在已知的全部事实评价" }
            p {
                "同一评价日期 V = " (c.on) "、规则集 " (c.rules.id) "，知识截点 K = 账本序号 " (c.known_at_seq) "：" br;
                (grade_with_id("current-grade", c.grade)) " " (score_with_id("current-score", c.score))
                " · 决定因素：" span #current-decisive { (c.decisive_reasons()) }
            }
            p #current-verdict {
                @if c.grade != Some(issued) { strong { "等级与发布的不同：" } (issued) " → " (grade_badge(c.grade, false)) } @else { "等级与发布的相同。" }
            }
        }
    }
}

fn standing(s: &Option<FactStanding>) -> Markup {
    html! {
        @match s {
            None => span.muted { "尚未知悉" },
            Some(s) => {
                (labels::status(s.status))
                @if let Some(reason) = s.reason { "：" (labels::reason(reason)) }
                @if let Some(by) = &s.by { "（" (by) "）" }
            }
        }
    }
}

/// The diff's facts, verdicts and deductions as tables (review and what-if).
fn diff_tables(d: &ReportDiff, id: &str) -> Markup {
    let met = |v: Option<bool>, trigger: bool| match (v, trigger) {
        (None, _) => "—",
        (Some(true), false) => "满足",
        (Some(false), false) => "不满足",
        (Some(true), true) => "触发",
        (Some(false), true) => "未触发",
    };
    html! {
        @if !d.facts.is_empty() {
            table id={(id) "-facts"} {
                caption { "作用发生变化的事实" }
                thead { tr { th scope="col" { "账本序号" } th scope="col" { "事实" } th scope="col" { "种类" } th scope="col" { "原来" } th scope="col" { "现在" } th scope="col" { "依据" } } }
                tbody {
                    @for f in &d.facts {
                        tr data-ref=(f.reference) { td.num { (f.seq) } td { (f.reference) } td { (labels::kind(f.kind)) } td { (standing(&f.from)) } td { (standing(&f.to)) } td { (f.article.unwrap_or("")) } }
                    }
                }
            }
        }
        @if !d.conditions.is_empty() || !d.triggers.is_empty() {
            table id={(id) "-verdicts"} {
                caption { "结论发生变化的条件与情形" }
                thead { tr { th scope="col" { "条件或情形" } th scope="col" { "内容" } th scope="col" { "原来" } th scope="col" { "现在" } th scope="col" { "相关事实" } } }
                tbody {
                    @for (v, trigger) in d.conditions.iter().map(|v| (v, false)).chain(d.triggers.iter().map(|v| (v, true))) {
                        tr { td { (v.id) } td { (labels::clause_text(&v.id)) } td { (met(v.from, trigger)) } td { (met(v.to, trigger)) } td { (v.evidence.join(" ")) } }
                    }
                }
            }
        }
        @if !d.dimensions.is_empty() {
            table id={(id) "-dimensions"} {
                caption { "扣分发生变化的维度" }
                thead { tr { th scope="col" { "维度" } th scope="col" class="num" { "原扣分" } th scope="col" class="num" { "现扣分" } } }
                tbody {
                    @for x in &d.dimensions {
                        tr { td { (x.id) } td.num { @match x.from { Some(p) => (p), None => "—" } } td.num { @match x.to { Some(p) => (p), None => "—" } } }
                    }
                }
            }
        }
        @if d.adjustment.0 != d.adjustment.1 {
            p { "逾期未整改上调一级：" (d.adjustment.0.as_deref().unwrap_or("无")) " → " (d.adjustment.1.as_deref().unwrap_or("无")) }
        }
    }
}

fn changes(r: &Review) -> Markup {
    html! {
        section #changes aria-labelledby="changes-title" {
            h2 #changes-title { "决定以来的变化" }
            @match &r.changes {
                None => p { "无法比较：决定所用的规则集不可用，现在的等级按评价日期适用的规则集评价。" },
                Some(d) if d.facts.is_empty() && d.conditions.is_empty() && d.triggers.is_empty() && d.dimensions.is_empty() && d.adjustment.0 == d.adjustment.1 => {
                    p #no-changes { "决定以来记录的事实没有改变其评价依据。" }
                },
                Some(d) => (diff_tables(d, "changed")),
            }
            @for n in &r.notes { p.note { "提示：" (n) } }
        }
    }
}

fn outcome(o: Outcome) -> &'static str {
    if o == Outcome::Upheld {
        "异议成立"
    } else {
        "异议不成立"
    }
}

fn objections(r: &Review) -> Markup {
    let d = &r.decision;
    html! {
        section aria-labelledby="objections-title" {
            h2 #objections-title { "异议" }
            @if d.objections.is_empty() { p #no-objections { "未对此决定提出异议。" } }
            @else {
                table #objections {
                    thead { tr { th scope="col" { "异议" } th scope="col" { "提出日期" } th scope="col" { "理由" } th scope="col" { "处理" } th.no-print scope="col" { "假设评价" } } }
                    tbody {
                        @for o in &d.objections {
                            tr data-ref=(o.reference) {
                                td { (o.reference) } td { (o.filed_on) } td { (o.grounds) }
                                td.state { @match &o.decided { Some(x) => { (outcome(x.outcome)) "（" (x.on) "，" (x.reference) "）" }, None => "待处理" } }
                                td.no-print { a href={(base(&d.reference)) "?objection=" (crate::query_escape(&o.reference)) "#what-if-title"} { "评价其更正事实" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn what_if(p: &ReviewPage<'_>) -> Markup {
    let d = &p.review.decision;
    let f = &p.form;
    let invalid = !f.errors.is_empty();
    html! {
        section #what-if aria-labelledby="what-if-title" {
            h2 #what-if-title { "假设评价：若记录更正事实" }
            p { "粘贴异议所主张的更正事实（JSON Lines，每行一项，格式与导入相同）。系统像导入一样校验它们，再按决定的评价日期 V = " (d.decision.on) " 和规则集 " (d.decision.rules_id) " 评价；不写入账本。" }
            form.no-print method="post" action={(base(&d.reference)) "/what-if"} aria-label="假设评价" {
                div.field {
                    label for="objection" { "针对的异议" }
                    select #objection name="objection" {
                        option value="" selected[f.objection.is_empty()] { "（不针对某项异议）" }
                        @for o in &d.objections { option value=(o.reference) selected[f.objection == o.reference] { (o.reference) "：" (o.grounds) } }
                    }
                }
                div.field {
                    label for="facts" { "更正事实（JSON Lines）" }
                    textarea #facts name="facts" rows="6" cols="100" required aria-describedby=[invalid.then_some("facts-error")] aria-invalid=[invalid.then_some("true")] { (f.facts) }
                    @if invalid {
                        div #facts-error .error role="alert" {
                            @for (i, e) in f.errors.iter().enumerate() { @if i > 0 { br; } (e) }
                        }
                    }
                }
                button type="submit" { "假设评价" }
            }
            @if let Some(w) = p.what_if {
                (what_if_result(w, &f.objection, d.decision.grade))
            }
        }
    }
}

fn what_if_result(w: &WhatIf, objection: &str, issued: Grade) -> Markup {
    let h = &w.hypothetical;
    html! {
        div #what-if-result role="status" {
            h3 { "假设评价结果" @if !objection.is_empty() { "（异议 " (objection) "）" } }
            p { "校验通过 " (w.facts_validated) " 项事实，其中 " (w.facts_used) " 项涉及本企业；未写入账本。" }
            p {
                "现在（K = " (w.current.known_at_seq) "）：" (grade_badge(w.current.grade, false)) " " @if let Some(s) = w.current.score { (s) " 分" }
                " → 假设记录后：" (grade_with_id("what-if-grade", h.grade)) " " (score_with_id("what-if-score", h.score))
                " · 决定因素：" (h.decisive_reasons())
            }
            p #what-if-verdict { @if h.grade != Some(issued) { "若记录这些事实，等级将与发布的 " (issued) " 级不同。" } @else { "若记录这些事实，等级与发布的 " (issued) " 级相同。" } }
            (diff_tables(&w.changes, "what-if"))
        }
    }
}
