//! The page shell: language, skip link, navigation, the question block
//! (V, K, R and the permalink), and the style sheet for screen and A4 print.

use crate::labels;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// Who is looking (shown in the header; the server decides what they may see).
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The access file's name for the token.
    pub name: String,
    /// `division`, `jurisdiction`, `enterprise` or `auditor`.
    pub role: String,
}

/// The question a page answers.
#[derive(Clone, Debug)]
pub struct Question {
    /// V: the valid date (China civil date).
    pub on: model::ChinaDate,
    /// K: the knowledge cut, a ledger seq.
    pub known_at: u64,
    /// R: the rule set's id…
    pub rules_id: String,
    /// …and the SHA-256 (hex) of its file.
    pub rules_sha256: String,
    /// This page with V, K and R fixed: asked again, it answers the same.
    pub permalink: String,
}

/// The style sheet: WCAG 2.1 AA contrast (text ≥ 4.5:1 on its background),
/// a visible focus ring, and an A4 print layout without navigation or forms.
pub const STYLE: &str = r#"
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--link:#0b4f8a;--bg:#ffffff;--band:#f3f5f8}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg);line-height:1.5;font-size:15px}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:10}
header.top{background:#12355b;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header.top a{color:#fff}
header.top .brand{font-weight:700;font-size:17px}
header.top nav ul{list-style:none;margin:0;padding:0;display:flex;gap:16px}
header.top .who{margin-left:auto;font-size:13px}
main{padding:16px 20px;max-width:1240px}
h1{font-size:22px;margin:8px 0}
h2{font-size:18px;margin:22px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.question{background:var(--band);border:1px solid var(--line);padding:8px 12px;font-size:14px}
.question dl{display:flex;flex-wrap:wrap;gap:4px 20px;margin:0}
.question dt{font-weight:700}.question dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--band)}
caption{text-align:left;font-weight:700;padding:4px 0}
.num{text-align:right;font-variant-numeric:tabular-nums}
.grade{display:inline-block;min-width:2em;text-align:center;font-weight:700;color:#fff;border-radius:3px;padding:0 6px}
.grade-A{background:#1b5e20}.grade-B{background:#0d47a1}.grade-C{background:#8a4b00}.grade-D{background:#b71c1c}.grade-none{background:#4a4a4a}
.big{font-size:28px;padding:2px 12px}
.muted{color:var(--muted)}
.error{color:#a50e0e;font-weight:700}
.field{display:inline-flex;flex-direction:column;margin:0 12px 8px 0}
.field input,.field select{font-size:15px;padding:4px}
button{font-size:15px;padding:5px 14px;background:#12355b;color:#fff;border:0;border-radius:3px;cursor:pointer}
ul.thread{margin:2px 0 2px 18px;padding-left:10px;border-left:3px solid var(--line);list-style:none}
.permalink{font-size:13px;word-break:break-all}
.chart{max-width:100%;height:auto}
@media print{
  @page{size:A4;margin:14mm 12mm}
  body{font-size:11pt}
  header.top,.no-print,form,.skip{display:none!important}
  main{padding:0;max-width:none}
  a{color:var(--ink);text-decoration:none}
  h2{break-after:avoid}
  tr,li{break-inside:avoid}
  .grade{color:#000!important;background:none!important;border:1px solid #000}
}
"#;

/// A whole page: `title` (also the `<h1>`), the viewer, the question (when
/// the page answers one) and the body.
pub fn page(title: &str, viewer: Option<&Viewer>, question: Option<&Question>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (labels::PRODUCT) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#main" { "跳到正文" }
                header.top {
                    span.brand { (labels::PRODUCT) }
                    nav aria-label="主导航" {
                        ul {
                            li { a href="/ui/" { "首页" } }
                        }
                    }
                    @if let Some(v) = viewer {
                        span.who { "当前用户：" (v.name) "（" (labels::role(&v.role)) "） · " a href="/ui/logout" { "退出" } }
                    }
                }
                main #main {
                    h1 { (title) }
                    @if let Some(q) = question { (question_block(q)) }
                    (body)
                }
            }
        }
    }
    .into_string()
}

/// "This page answers: V, K, R" with the permalink.
pub fn question_block(q: &Question) -> Markup {
    html! {
        section.question aria-label="本页回答的问题" {
            dl {
                div { dt { "评价日期 V" } dd { (q.on) } }
                div { dt { "知识截点 K" } dd { "账本序号 " (q.known_at) } }
                div { dt { "规则集 R" } dd { (q.rules_id) " " span.muted title=(q.rules_sha256) { "SHA-256 " (&q.rules_sha256[..q.rules_sha256.len().min(12)]) "…" } } }
            }
            p.permalink { "永久链接：" a href=(q.permalink) { (q.permalink) } }
        }
    }
}

/// A grade as a coloured badge; `None` is shown as 不参评 (out of scope).
pub fn grade_badge(g: Option<model::fact::Grade>, big: bool) -> Markup {
    let (class, text) = match g {
        Some(g) => (format!("grade grade-{g}"), g.to_string()),
        None => ("grade grade-none".to_string(), "不参评".to_string()),
    };
    let class = if big { format!("{class} big") } else { class };
    html! { span class=(class) { (text) } }
}
