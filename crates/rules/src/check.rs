//! `rules check`: a rule-set file's bytes → the rule set, or every problem
//! with its line and key path. The only way a [`RuleSet`] is built.

use crate::reader::{Doc, Table};
use crate::{schema, Problem, RuleSet};
use sha2::{Digest, Sha256};

/// Validates a rule-set file (see [`RuleSet::check`]).
pub(crate) fn check(bytes: &[u8]) -> Result<RuleSet, Vec<Problem>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        vec![Problem { line: u32::try_from(line).unwrap_or(u32::MAX), key: String::new(), message: format!("is not UTF-8 text ({e})") }]
    })?;
    let doc = Doc::new(text);
    // TOML syntax: the parser stops at the first error, so there is one.
    let toml = toml_edit::ImDocument::parse(text).map_err(|e| {
        let line = e.span().map_or(1, |s| doc.line(s.start));
        vec![Problem { line, key: String::new(), message: format!("is not valid TOML: {}", e.message().trim().replace('\n', "; ")) }]
    })?;
    let mut root = Table::root(&doc, toml.as_table());
    let set = schema::read(&mut root);
    let clauses = root.finish();
    let problems = doc.into_problems();
    match set {
        Some(mut set) if problems.is_empty() => {
            set.sha256 = hex::encode(Sha256::digest(bytes));
            set.clauses = clauses;
            Ok(set)
        }
        // Every refusal reports a problem; this keeps an oversight from
        // turning into an accepted file.
        _ if problems.is_empty() => Err(vec![Problem { line: 1, key: String::new(), message: "could not be read".into() }]),
        _ => Err(problems),
    }
}

/// The line of a top-level key in a file that parses (1 when absent).
pub(crate) fn line_of(bytes: &[u8], key: &str) -> u32 {
    let Ok(text) = std::str::from_utf8(bytes) else { return 1 };
    let Ok(toml) = toml_edit::ImDocument::parse(text) else { return 1 };
    let doc = Doc::new(text);
    Table::root(&doc, toml.as_table()).line_of(key)
}

#[cfg(test)]
mod tests;
