//! The as-of form (V, K, R) of the enterprise file and the division board:
//! what the user typed comes back with each error next to its field.

use maud::{html, Markup};

/// The form's values as typed (empty: the default).
#[derive(Clone, Debug, Default)]
pub struct AsOf {
    /// V, `YYYY-MM-DD`; empty: today.
    pub on: String,
    /// K, a ledger seq; empty: the head.
    pub known_at: String,
    /// R, a rule-set id; empty: the set in force on V.
    pub rules: String,
    pub errors: FieldErrors,
}

/// One sentence per field that was refused.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors {
    pub on: Option<String>,
    pub known_at: Option<String>,
    pub rules: Option<String>,
}

impl FieldErrors {
    pub fn any(&self) -> bool {
        self.on.is_some() || self.known_at.is_some() || self.rules.is_some()
    }
}

/// The form (GET to `action`); `rule_ids` fill the rule-set choice.
pub fn as_of(action: &str, f: &AsOf, rule_ids: &[String], head: u64) -> Markup {
    let described = |id: &'static str, e: &Option<String>| e.as_ref().map(|_| id);
    html! {
        form.as-of.no-print method="get" action=(action) aria-label="按其他日期或知识截点查看" {
            @if f.errors.any() { p.error role="alert" { "请更正下列标出的字段。" } }
            div.field {
                label for="on" { "评价日期 V（YYYY-MM-DD）" }
                input #on name="on" value=(f.on) placeholder="今天" inputmode="numeric" aria-describedby=[described("on-error", &f.errors.on)] aria-invalid=[f.errors.on.as_ref().map(|_| "true")];
                @if let Some(e) = &f.errors.on { span #on-error .error { (e) } }
            }
            div.field {
                label for="k" { "知识截点 K（账本序号，最大 " (head) "）" }
                input #k name="k" value=(f.known_at) placeholder="最新" inputmode="numeric" aria-describedby=[described("k-error", &f.errors.known_at)] aria-invalid=[f.errors.known_at.as_ref().map(|_| "true")];
                @if let Some(e) = &f.errors.known_at { span #k-error .error { (e) } }
            }
            div.field {
                label for="rules" { "规则集 R" }
                select #rules name="rules" aria-describedby=[described("rules-error", &f.errors.rules)] {
                    option value="" selected[f.rules.is_empty()] { "评价日期适用的规则集" }
                    @for id in rule_ids { option value=(id) selected[&f.rules == id] { (id) } }
                }
                @if let Some(e) = &f.errors.rules { span #rules-error .error { (e) } }
            }
            button type="submit" { "查看" }
        }
    }
}
