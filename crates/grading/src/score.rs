//! Score management (记分管理, Art. 9): the counted deduction citations
//! ([`crate::classify`]) as items of the rule set's dimensions, each
//! dimension capped, the score not below the floor.

use crate::classify::{Clause, Count, Target};
use crate::report::{DimensionResult, Item};
use model::Points;
use rules::{paths, RuleSet};

/// The dimensions with their items and capped deductions, and the score
/// (base − Σ capped deductions, not below the floor). A counted deduction
/// rule that no dimension prices deducts nothing.
pub fn score(counts: &[Count], rules: &RuleSet) -> (Vec<DimensionResult>, Points) {
    let mut items: Vec<Vec<Item>> = vec![Vec::new(); rules.dimensions.len()];
    for c in counts {
        let (Target::Deduction(rule), Some(clause @ Clause::Points { dimension, .. })) = (c.target, c.clause) else { continue };
        let Some(i) = rules.dimensions.iter().position(|d| d.id == dimension) else { continue };
        let Some(points) = rules.dimensions[i].points.get(&rule) else { continue };
        items[i].push(Item { reference: c.reference.map(str::to_string), points: *points, rule: rule.key().to_string(), clause: clause.path() });
    }
    let mut total = Points::ZERO;
    let dims: Vec<DimensionResult> = rules
        .dimensions
        .iter()
        .zip(items)
        .map(|(dim, items)| {
            let sum = Points(items.iter().map(|i| i.points.0).sum());
            let deduction = sum.min(dim.cap);
            total = Points(total.0 + deduction.0);
            DimensionResult { id: dim.id.clone(), deduction, cap: dim.cap, items, clause: paths::cap(&dim.id) }
        })
        .collect();
    let score = Points((rules.base_score.0 - total.0).max(rules.floor_score.0));
    (dims, score)
}
