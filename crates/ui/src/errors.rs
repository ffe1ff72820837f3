//! Pages for what went wrong: not found (with a link back), refused, bad
//! request, an unknown rule set (with the known ids), the server's own
//! failure — each one sentence, never a stack trace — and the sign-in page.

use crate::layout::{page, Viewer};
use maud::html;

/// 404: `what` was not found; `back` is where to go instead.
pub fn not_found(viewer: Option<&Viewer>, what: &str, back: (&str, &str)) -> String {
    page(
        "未找到",
        viewer,
        None,
        html! {
            p role="alert" { (what) }
            p { a href=(back.0) { "返回" (back.1) } }
        },
    )
}

/// 403: the viewer may not see this page.
pub fn forbidden(viewer: Option<&Viewer>, why: &str) -> String {
    page(
        "无权查看",
        viewer,
        None,
        html! {
            p role="alert" { "您的令牌无权查看此页：" (why) }
            p { a href="/ui/" { "返回首页" } }
        },
    )
}

/// 400 for a request no form on the page could have sent (a bad ref, a
/// bad division code): the sentence and a link back.
pub fn bad_request(viewer: Option<&Viewer>, why: &str) -> String {
    page(
        "请求有误",
        viewer,
        None,
        html! {
            p role="alert" { (why) }
            p { a href="/ui/" { "返回首页" } }
        },
    )
}

/// An unknown rule-set id: the ids this ledger knows, each a link to `link(id)`.
pub fn unknown_rule_set(viewer: Option<&Viewer>, asked: &str, known: &[(String, String)], link: &dyn Fn(&str) -> String) -> String {
    page(
        "未知规则集",
        viewer,
        None,
        html! {
            p role="alert" { "没有 id 为 “" (asked) "” 的规则集。已知的规则集：" }
            table {
                caption { "已知规则集" }
                thead { tr { th scope="col" { "规则集 id" } th scope="col" { "SHA-256" } } }
                tbody {
                    @for (id, sha) in known {
                        tr { td { a href=(link(id)) { (id) } } td { code { (sha) } } }
                    }
                }
            }
            p { a href="/ui/" { "返回首页" } }
        },
    )
}

/// 500: the server failed; the sentence only (the log has the rest).
pub fn failed(viewer: Option<&Viewer>, why: &str) -> String {
    page(
        "服务出错",
        viewer,
        None,
        html! {
            p role="alert" { "服务未能回答：" (why) }
            p { a href="/ui/" { "返回首页" } }
        },
    )
}

/// The sign-in form: the bearer token of the access file, kept in a
/// cookie for the pages only. `error` is shown next to the field.
pub fn login(next: &str, error: Option<&str>) -> String {
    page(
        "登录",
        None,
        None,
        html! {
            p { "请输入访问令牌（与 API 的 Bearer 令牌相同）。企业令牌只能查看本企业的档案。" }
            form method="post" action="/ui/login" {
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="token" { "访问令牌" }
                    input #token type="password" name="token" autocomplete="current-password" required aria-describedby=[error.map(|_| "token-error")] aria-invalid=[error.map(|_| "true")];
                    @if let Some(e) = error { span #token-error .error { (e) } }
                }
                button type="submit" { "登录" }
            }
        },
    )
}

/// The home page: where each page is.
pub fn home(viewer: &Viewer, divisions: &[String], enterprise: Option<&str>) -> String {
    page(
        "首页",
        Some(viewer),
        None,
        html! {
            @if let Some(u) = enterprise {
                p { a href={"/ui/enterprises/" (u)} { "本企业信用档案（一企一档）" } }
            } @else {
                h2 { "处室看板" }
                ul { @for d in divisions { li { a href={"/ui/divisions/" (d)} { "第 " (d) " 处室" } } } }
                form method="get" action="/ui/divisions" {
                    div.field {
                        label for="division" { "处室代码（两位数字）" }
                        input #division name="division" required pattern="[0-9]{2}" size="4";
                    }
                    button type="submit" { "打开看板" }
                }
                h2 { "企业信用档案" }
                form method="get" action="/ui/enterprises" {
                    div.field {
                        label for="uscc" { "统一社会信用代码" }
                        input #uscc name="uscc" required pattern="[0-9A-Z]{18}" size="20";
                    }
                    button type="submit" { "打开" }
                }
                h2 { "规则变更影响" }
                p { a href="/ui/replay" { "比较两个规则集下的分类结果" } }
            }
        },
    )
}
