//! Readable text of `rules show` and `rules diff`.

use crate::render::columns;
use rules::{Change, Clauses, Node, RuleSet};
use std::fmt::Write;

/// Every clause of a rule set: a table's values as aligned `key  value`
/// rows, then its tables (`[grades]`) and lists of tables
/// (`[[dimensions]] sampling`), indented.
pub fn show(set: &RuleSet) -> String {
    let mut o = format!("rule set {} · sha256 {}\n", set.id, set.sha256);
    clauses(&mut o, &set.clauses, 0);
    o
}

/// A table's clauses, indented two spaces per level below the heading.
fn clauses(o: &mut String, c: &Clauses, depth: usize) {
    let indent = "  ".repeat(depth);
    let inner = "  ".repeat(depth + 1);
    let rows: Vec<Vec<String>> = c
        .iter()
        .filter_map(|(k, n)| match n {
            Node::Leaf(l) => Some(vec![k.to_string(), l.to_string()]),
            _ => None,
        })
        .collect();
    for line in columns(&rows).lines() {
        let _ = writeln!(o, "{indent}{line}");
    }
    for (k, n) in c.iter() {
        match n {
            Node::Leaf(_) => {}
            Node::Table(t) => {
                let _ = writeln!(o, "{inner}[{k}]");
                clauses(o, t, depth + 1);
            }
            Node::List(items) => {
                for item in items {
                    let _ = writeln!(o, "{inner}[[{k}]] {}", item.id().unwrap_or(""));
                    clauses(o, item, depth + 1);
                }
            }
        }
    }
}

/// The changes from A to B, one per line with its key path, old → new.
pub fn diff(a: &RuleSet, b: &RuleSet, changes: &[Change]) -> String {
    let mut o = format!("rules diff {} (sha256 {}) → {} (sha256 {})\n", a.id, &a.sha256[..12], b.id, &b.sha256[..12]);
    for c in changes {
        let _ = writeln!(o, "  {c}");
    }
    match changes.len() {
        0 if a.sha256 == b.sha256 => o.push_str("no clause differs (the same bytes)\n"),
        0 => o.push_str("no clause differs (the files differ only in comments, layout or the order of ids)\n"),
        1 => o.push_str("1 clause differs\n"),
        n => {
            let _ = writeln!(o, "{n} clauses differ");
        }
    }
    o
}
