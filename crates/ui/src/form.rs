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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue10_any_field_error_alone_marks_the_form() {
        assert!(!FieldErrors::default().any());
        let e = || Some("错".to_string());
        assert!(FieldErrors { on: e(), ..Default::default() }.any());
        assert!(FieldErrors { known_at: e(), ..Default::default() }.any());
        assert!(FieldErrors { rules: e(), ..Default::default() }.any());
    }

    #[test]
    fn issue10_a_refused_field_keeps_its_typed_value_and_its_sentence_beside_it() {
        let f = AsOf { on: "2025-13-01".into(), known_at: "12".into(), rules: "xpcc-trial".into(), errors: FieldErrors { on: Some("日期无效".into()), ..Default::default() } };
        let html = as_of("/ui/x", &f, &["xpcc-revised".into(), "xpcc-trial".into()], 99).into_string();
        assert!(html.contains(r#"action="/ui/x""#));
        assert!(html.contains("请更正下列标出的字段"));
        assert!(html.contains(r#"value="2025-13-01""#) && html.contains(r#"value="12""#));
        assert!(html.contains(r#"aria-describedby="on-error" aria-invalid="true""#));
        assert!(html.contains(r#"<span class="error" id="on-error">日期无效</span>"#));
        assert!(!html.contains("k-error") && !html.contains("rules-error"));
        assert!(html.contains(r#"<option value="xpcc-trial" selected>"#) && !html.contains(r#"<option value="xpcc-revised" selected>"#));
        assert!(html.contains("最大 99"));
        let clean = as_of("/ui/x", &AsOf::default(), &[], 1).into_string();
        assert!(!clean.contains("role=\"alert\"") && !clean.contains("aria-invalid"));
    }
}
