//! The as-of form's values (V, K, R) resolved against the ledger, each
//! error kept beside its field: a page with a refused field is shown again
//! at the defaults (today, the head, the set in force), status 400.

use super::PageError;
use model::{ChinaDate, Seq};
use rules::{RuleBook, RuleSet};
use serde::Deserialize;
use store::Ledger;
use ui::form::{AsOf, FieldErrors};

/// The form's query parameters, as typed (all optional).
#[derive(Debug, Default, Deserialize)]
pub struct AsOfQuery {
    /// V, `YYYY-MM-DD`.
    pub on: Option<String>,
    /// K, a ledger seq.
    pub k: Option<String>,
    /// R, a rule-set id.
    pub rules: Option<String>,
}

/// (V, K, R) as resolved, with the rule book known at K.
pub struct Resolved {
    pub on: ChinaDate,
    pub known_at: Seq,
    pub book: RuleBook,
    pub rules: RuleSet,
}

/// Resolves the form. `first` is the earliest valid date the page can
/// answer for (an enterprise's first fact) and the seq of its first
/// record (the earliest K), when there is one. The form
/// comes back with the typed values and any errors; with errors, the
/// answer is for the defaults.
pub fn resolve(ledger: &Ledger, head: Seq, today: ChinaDate, q: &AsOfQuery, first: Option<(ChinaDate, Seq)>) -> Result<(AsOf, Resolved), PageError> {
    let (first, first_seq) = (first.map(|f| f.0), first.map(|f| f.1));
    let typed = |s: &Option<String>| s.as_deref().map(str::trim).unwrap_or("").to_string();
    let mut form = AsOf { on: typed(&q.on), known_at: typed(&q.k), rules: typed(&q.rules), errors: FieldErrors::default() };
    let on = if form.on.is_empty() {
        today
    } else {
        match ChinaDate::parse_plain(&form.on) {
            Err(e) => {
                form.errors.on = Some(format!("日期应写作 YYYY-MM-DD，例如 2025-12-31（{e}）"));
                today
            }
            Ok(d) if d > today => {
                form.errors.on = Some(format!("评价日期不能晚于今天（{today}）"));
                today
            }
            Ok(d) if first.is_some_and(|f| d < f) => {
                form.errors.on = Some(format!("评价日期不能早于该企业的第一项事实（{}）", first.unwrap_or(d)));
                today
            }
            Ok(d) => d,
        }
    };
    let known_at = if form.known_at.is_empty() {
        head
    } else {
        match form.known_at.parse::<u64>() {
            Err(_) if form.known_at.bytes().all(|b| b.is_ascii_digit()) => {
                form.errors.known_at = Some(format!("知识截点超过账本最新序号 {}", head.0));
                head
            }
            Err(_) => {
                form.errors.known_at = Some("知识截点应为账本序号（非负整数）".into());
                head
            }
            Ok(k) if k > head.0 => {
                form.errors.known_at = Some(format!("知识截点超过账本最新序号 {}", head.0));
                head
            }
            // Nothing of the enterprise is known before its first record: no file to show.
            Ok(k) if first_seq.is_some_and(|f| k < f.0) => {
                form.errors.known_at = Some(format!("该企业的第一条记录是序号 {}，知识截点不能早于它", first_seq.map_or(0, |f| f.0)));
                head
            }
            Ok(k) => Seq(k),
        }
    };
    let book = commands::book_at(ledger, known_at).map_err(PageError::of)?;
    let in_force = |book: &RuleBook, on: ChinaDate| book.in_force(on).cloned().ok_or_else(|| PageError::Failed("no rule set is installed".into()));
    let rules = if form.rules.is_empty() {
        in_force(&book, on)?
    } else {
        match book.by_id(&form.rules) {
            Ok(r) => r.clone(),
            Err(_) => {
                let known: Vec<&str> = book.sets().iter().map(|s| s.id.as_str()).collect();
                form.errors.rules = Some(format!("没有此规则集；已知：{}", known.join("、")));
                in_force(&book, on)?
            }
        }
    };
    if form.errors.any() {
        // The answer for the defaults, the form as typed.
        let book = commands::book_at(ledger, head).map_err(PageError::of)?;
        let rules = in_force(&book, today)?;
        return Ok((form, Resolved { on: today, known_at: head, book, rules }));
    }
    Ok((form, Resolved { on, known_at, book, rules }))
}

/// The rule-set ids a form offers.
pub fn rule_ids(book: &RuleBook) -> Vec<String> {
    book.sets().iter().map(|s| s.id.clone()).collect()
}
