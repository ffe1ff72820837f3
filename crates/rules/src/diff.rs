//! `rules diff`: clause by clause, what changed between two rule sets.
//! Works on the clause trees the reader recorded, so a key added to the
//! format is compared without a change here. Dimensions (and any list of
//! tables) are matched by `id`, so a dimension added in the middle does not
//! shift the others; key paths name them by id (`dimensions.sampling.cap`).

use crate::clause::{Clauses, Leaf, Node};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// One difference between rule set A and rule set B. JSON output of
/// `rules diff` only (Serialize, never Deserialize): never stored, so the
/// internal tag below is fine here and must not spread to stored types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The clause at `path` has another value.
    Changed { path: String, old: Leaf, new: Leaf },
    /// A list of ids (conditions, triggers, categories) gained or lost ids.
    Ids { path: String, added: Vec<String>, removed: Vec<String> },
    /// A clause or table only B has (e.g. a dimension).
    Added { path: String, new: Node },
    /// A clause or table only A has.
    Removed { path: String, old: Node },
    /// A keyed clause that moved between two tables of a list: a deduction
    /// rule in another dimension (`path` in A, `to` in B), with its values.
    Moved { path: String, to: String, old: Leaf, new: Leaf },
}

impl Change {
    /// The key path in A (B for an added clause).
    pub fn path(&self) -> &str {
        match self {
            Change::Changed { path, .. }
            | Change::Ids { path, .. }
            | Change::Added { path, .. }
            | Change::Removed { path, .. }
            | Change::Moved { path, .. } => path,
        }
    }
}

impl fmt::Display for Change {
    /// One line: `path: old → new`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Changed { path, old, new } => write!(f, "{path}: {old} → {new}"),
            Change::Ids { path, added, removed } => {
                write!(f, "{path}:")?;
                if !added.is_empty() {
                    write!(f, " added {}", added.join(", "))?;
                }
                if !removed.is_empty() {
                    write!(f, "{} removed {}", if added.is_empty() { "" } else { ";" }, removed.join(", "))?;
                }
                Ok(())
            }
            Change::Added { path, new } => write!(f, "{path}: added {new}"),
            Change::Removed { path, old } => write!(f, "{path}: removed {old}"),
            Change::Moved { path, to, old, new } if old == new => write!(f, "{path}: moved to {to} ({old})"),
            Change::Moved { path, to, old, new } => write!(f, "{path}: moved to {to}, {old} → {new}"),
        }
    }
}

/// Every difference from A's clauses to B's, in A's order (B's additions
/// after). Empty when the two say the same (the files may still differ in
/// comments, layout or the order of ids).
pub fn diff(a: &Clauses, b: &Clauses) -> Vec<Change> {
    let mut out = Vec::new();
    tables("", a, b, &mut out);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn tables(prefix: &str, a: &Clauses, b: &Clauses, out: &mut Vec<Change>) {
    for (k, na) in a.iter() {
        let path = join(prefix, k);
        match b.get(k) {
            Some(nb) => node(path, na, nb, out),
            None => out.push(Change::Removed { path, old: na.clone() }),
        }
    }
    for (k, nb) in b.iter().filter(|(k, _)| a.get(k).is_none()) {
        out.push(Change::Added { path: join(prefix, k), new: nb.clone() });
    }
}

fn node(path: String, a: &Node, b: &Node, out: &mut Vec<Change>) {
    match (a, b) {
        (Node::Leaf(x), Node::Leaf(y)) => leaf(path, x, y, out),
        (Node::Table(x), Node::Table(y)) => tables(&path, x, y, out),
        (Node::List(x), Node::List(y)) => lists(&path, x, y, out),
        _ => {
            out.push(Change::Removed { path: path.clone(), old: a.clone() });
            out.push(Change::Added { path, new: b.clone() });
        }
    }
}

fn leaf(path: String, a: &Leaf, b: &Leaf, out: &mut Vec<Change>) {
    // Two defaults are no change (a default that follows another key, e.g.
    // a window following `past_year_months`, changes with that key, which is
    // listed); a default and a value the file sets compare by value.
    if matches!((a, b), (Leaf::Default(_), Leaf::Default(_))) {
        return;
    }
    let (a, b) = (a.value(), b.value());
    match (a, b) {
        (Leaf::Ids(x), Leaf::Ids(y)) => {
            let added: Vec<String> = y.iter().filter(|i| !x.contains(i)).cloned().collect();
            let removed: Vec<String> = x.iter().filter(|i| !y.contains(i)).cloned().collect();
            if !added.is_empty() || !removed.is_empty() {
                out.push(Change::Ids { path, added, removed });
            }
        }
        _ if a != b => out.push(Change::Changed { path, old: a.clone(), new: b.clone() }),
        _ => {}
    }
}

/// The name of a list element in key paths: its id, else `[i]`.
fn element_key(c: &Clauses, i: usize) -> String {
    c.id().map_or_else(|| format!("[{i}]"), str::to_string)
}

fn lists(path: &str, a: &[Clauses], b: &[Clauses], out: &mut Vec<Change>) {
    let a_keys: Vec<String> = a.iter().enumerate().map(|(i, c)| element_key(c, i)).collect();
    let b_keys: Vec<String> = b.iter().enumerate().map(|(i, c)| element_key(c, i)).collect();
    let mut changes = Vec::new();
    for (ka, ca) in a_keys.iter().zip(a) {
        let here = join(path, ka);
        match b_keys.iter().position(|kb| kb == ka) {
            Some(j) => tables(&here, ca, &b[j], &mut changes),
            None => changes.push(Change::Removed { path: here, old: Node::Table(ca.clone()) }),
        }
    }
    for (kb, cb) in b_keys.iter().zip(b).filter(|(kb, _)| !a_keys.contains(kb)) {
        changes.push(Change::Added { path: join(path, kb), new: Node::Table(cb.clone()) });
    }
    // Moves: a nested leaf (`points.sampling_failed`) found under exactly one
    // element on each side, but not the same element.
    let (in_a, in_b) = (nested_leaves(&a_keys, a), nested_leaves(&b_keys, b));
    let mut moves = Vec::new();
    for (rel, (ka, la)) in &in_a {
        let Some((kb, lb)) = in_b.get(rel) else { continue };
        if ka != kb {
            let (from, to) = (join(&join(path, ka), rel), join(&join(path, kb), rel));
            changes.retain(|c| !matches!(c, Change::Removed { path, .. } | Change::Added { path, .. } if *path == from || *path == to));
            moves.push(Change::Moved { path: from, to, old: la.clone(), new: lb.clone() });
        }
    }
    out.extend(changes);
    out.extend(moves);
}

/// Leaves below a sub-table of each element (`points.<rule>`), by path
/// relative to the element, when exactly one element has that path.
fn nested_leaves(keys: &[String], items: &[Clauses]) -> BTreeMap<String, (String, Leaf)> {
    let mut found: BTreeMap<String, Vec<(String, Leaf)>> = BTreeMap::new();
    for (key, c) in keys.iter().zip(items) {
        for (k, n) in c.iter() {
            if let Node::Table(t) = n {
                for (leaf_key, leaf) in t.iter() {
                    if let Node::Leaf(l) = leaf {
                        found.entry(join(k, leaf_key)).or_default().push((key.clone(), l.clone()));
                    }
                }
            }
        }
    }
    found.into_iter().filter_map(|(rel, mut v)| (v.len() == 1).then(|| (rel, v.remove(0)))).collect()
}

#[cfg(test)]
mod tests;
