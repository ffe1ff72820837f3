//! `rules diff` on the shipped sets and on small edits (issue 8, item 2).

use crate::{diff, shipped, Change, Node, RuleSet};

fn set(id: &str) -> RuleSet {
    shipped().unwrap().by_id(id).unwrap().clone()
}

fn paths(changes: &[Change]) -> Vec<&str> {
    changes.iter().map(Change::path).collect()
}

#[test]
fn issue8_diff_of_a_set_with_itself_is_empty() {
    for id in ["xpcc-trial", "xpcc-revised"] {
        let s = set(id);
        assert_eq!(diff(&s.clauses, &s.clauses), []);
    }
}

#[test]
fn issue8_diff_trial_to_revised_shows_the_revision() {
    let (trial, revised) = (set("xpcc-trial"), set("xpcc-revised"));
    let changes = diff(&trial.clauses, &revised.clauses);
    assert_eq!(
        paths(&changes),
        [
            "id",
            "title",
            "effective_from",
            "effective_to",
            "scope",
            "annual_run",
            "dimensions.industry",
            "dimensions.quality_risk.name",
            "dimensions.licensing.name",
            "dimensions.complaints",
            "dimensions.industry.points.product_elevated",
            "dimensions.industry.points.product_high",
        ],
        "{changes:#?}"
    );
    let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
    // Scope narrowed to licence holders, the annual run moved, the trial's end dropped.
    assert!(text.contains(&"scope: key_catalogue → licensed".to_string()), "{text:#?}");
    assert!(text.contains(&"annual_run: january_1 → first_quarter".to_string()), "{text:#?}");
    assert!(text.contains(&"effective_to: 2023-01-01 → none".to_string()), "{text:#?}");
    // The industry dimension dropped, its rules moved to quality_risk; complaints added.
    assert!(matches!(&changes[6], Change::Removed { old: Node::Table(t), .. } if t.id() == Some("industry")));
    assert!(
        text.contains(&"dimensions.industry.points.product_high: moved to dimensions.quality_risk.points.product_high (5.0)".to_string()),
        "{text:#?}"
    );
    let Change::Added { new: Node::Table(c), .. } = &changes[9] else { panic!("{:?}", changes[9]) };
    assert_eq!(c.to_string(), "{id = complaints, name = 经核实的投诉举报, cap = 10.0, points = {complaint = 2.0}}");
    // And back: the moves reverse.
    let back = diff(&revised.clauses, &trial.clauses);
    assert!(back.iter().any(|c| c.to_string() == "dimensions.quality_risk.points.product_high: moved to dimensions.industry.points.product_high (5.0)"));
}

#[test]
fn issue8_diff_names_each_changed_clause_old_and_new() {
    let text = String::from_utf8(crate::select::SHIPPED[1].1.to_vec()).unwrap();
    let edited = text
        .replace("b_min_score = 80.0", "b_min_score = 85.0")
        .replace("\"A8\", \"A9\"]", "\"A8\"]")
        .replace("d_triggers = [\"D1\", \"D2\", \"D3\", \"D4\", \"D5\", \"D6\"]", "d_triggers = [\"D6\", \"D5\", \"D4\", \"D3\", \"D2\", \"D1\"]")
        .replace("past_year_months = 12", "past_year_months = 24")
        .replace("sampling_failed = 10.0, recheck_failed = 20.0", "sampling_failed = 15.0, recheck_failed = 20.0")
        .replace("minor_penalty_months = 3", "minor_penalty_months = 6")
        .replace("opinion_strong_reaction = 8.0 }", "opinion_strong_reaction = 8.0, complaint = 2.0 }")
        .replace("cap = 10.0\npoints = { complaint = 2.0 }", "cap = 12.0\npoints = { }");
    assert_ne!(edited, text);
    let (a, b) = (set("xpcc-revised"), RuleSet::parse("edited", edited.as_bytes()).unwrap());
    let got: Vec<String> = diff(&a.clauses, &b.clauses).iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "past_year_months: 12 → 24",
            "grades.b_min_score: 80.0 → 85.0",
            "grades.a_conditions: removed A9",
            "publicity.minor_penalty_months: 3 → 6",
            "dimensions.sampling.points.sampling_failed: 10.0 → 15.0",
            "dimensions.complaints.cap: 10.0 → 12.0",
            "dimensions.complaints.points.complaint: moved to dimensions.public_opinion.points.complaint (2.0)",
        ],
        "reordering d_triggers is no change"
    );
}
