//! `rules check`: one case per kind of problem, asserting the line and key
//! path reported (issue 8, item 2). The expected line is found in the test's
//! own TOML text, so each case checks the reported line exactly.

use crate::{Problem, RuleSet};

/// A small valid rule set; each case edits it.
const BASE: &str = r#"id = "t"
title = "test"
effective_from = "2023-01-01"
scope = "licensed"
annual_run = "first_quarter"
base_score = 100.0
floor_score = 0.0
past_year_months = 12

[grades]
a_min_score = 90.0
b_min_score = 80.0
d_below_score = 60.0
a_conditions = ["A1", "A2"]
b_conditions = ["B1"]
d_triggers = ["D1", "D2"]
d4_min_refusals = 2
overdue_raise = true

[publicity]
minor_penalty_months = 3
other_penalty_months = 36
minor_fine_below_yuan = 100000

[self_inspection]
due_month = 6
due_day = 30

[product_risk]
high = ["危险化学品"]
elevated = ["水泥"]

[penalty]
fine_large_from_yuan = 100000

[[dimensions]]
id = "sampling"
name = "监督抽查"
cap = 40.0
points = { sampling_failed = 10.0, recheck_failed = 20.0 }

[[dimensions]]
id = "complaints"
name = "投诉"
cap = 10.0
points = { complaint = 2.0 }

[supervision]
sampling_ratio_percent = { A = 5, B = 20, C = 50, D = 100 }
inspections_per_year = { A = 0, B = 2, C = 2, D = 4 }
"#;

/// BASE with `from` (which must occur) replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?} is not in BASE");
    BASE.replacen(from, to, 1)
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line(text: &str, needle: &str) -> u32 {
    let i = text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle:?} not in text"));
    u32::try_from(i + 1).unwrap()
}

fn problems(text: &str) -> Vec<Problem> {
    RuleSet::check(text.as_bytes()).map(|s| s.id).expect_err("the file should be refused")
}

/// Exactly one problem, at `key` on the line of `needle`, saying `says`.
fn only(text: &str, key: &str, needle: &str, says: &str) {
    let p = problems(text);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!((p[0].key.as_str(), p[0].line), (key, line(text, needle)), "{p:#?}");
    assert!(p[0].message.contains(says), "{:?} should say {says:?}", p[0].message);
}

#[test]
fn issue8_check_base_is_valid() {
    let s = RuleSet::check(BASE.as_bytes()).unwrap();
    assert_eq!((s.id.as_str(), s.dimensions.len(), s.grades.a_conditions.len()), ("t", 2, 2));
    assert_eq!(s.sha256.len(), 64);
}

#[test]
fn issue8_check_unknown_key_anywhere() {
    only(&edited("past_year_months = 12\n", "past_year_months = 12\nbonus = 1\n"), "bonus", "bonus", "unknown key");
    only(&edited("[penalty]", "[extras]\nx = 1\n\n[penalty]"), "extras", "[extras]", "unknown key");
    only(&edited("b_min_score = 80.0\n", "b_min_score = 80.0\nc_min_score = 70.0\n"), "grades.c_min_score", "c_min_score", "unknown key");
    only(&edited("name = \"投诉\"\n", "name = \"投诉\"\nweight = 2\n"), "dimensions[1].weight", "weight", "unknown key");
    // A misspelt key is unknown, and the key it meant is missing.
    let t = edited("due_day = 30\n", "due_dya = 30\n");
    let p = problems(&t);
    let got: Vec<(u32, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(got, [(line(&t, "[self_inspection]"), "self_inspection.due_day"), (line(&t, "due_dya"), "self_inspection.due_dya")]);
    assert!(p[1].message.contains("did you mean `due_day`?"), "{p:?}");
    only(&edited("D = 100 }", "D = 100, E = 100 }"), "supervision.sampling_ratio_percent.E", "E = 100", "unknown key");
}

#[test]
fn issue8_check_unknown_deduction_rule() {
    let t = edited("sampling_failed = 10.0", "sampling_fialed = 10.0");
    only(&t, "dimensions[0].points.sampling_fialed", "sampling_fialed", "did you mean `sampling_failed`");
    only(&edited("complaint = 2.0", "gossip = 1.0"), "dimensions[1].points.gossip", "gossip", "not a known deduction rule");
}

#[test]
fn issue8_check_malformed_or_repeated_dimension_id() {
    // A new dimension id is no problem (issue 8, item 3): any snake_case id.
    let s = RuleSet::check(edited("id = \"complaints\"", "id = \"customer_feedback\"").as_bytes()).unwrap();
    assert_eq!(s.dimensions[1].id, "customer_feedback");
    only(&edited("id = \"complaints\"", "id = \"Gossip!\""), "dimensions[1].id", "Gossip!", "is not a dimension id");
    only(&edited("id = \"complaints\"", "id = \"\""), "dimensions[1].id", "id = \"\"", "is not a dimension id");
    let t = edited("id = \"complaints\"", "id = \"sampling\"");
    let p = problems(&t);
    assert_eq!((p.len(), p[0].key.as_str(), p[0].line), (1, "dimensions[1].id", line(&t, "name = \"投诉\"") - 1), "{p:?}");
    assert!(p[0].message.contains("\"sampling\" is already the id of dimensions[0]"), "{p:?}");
}

#[test]
fn issue8_check_missing_negative_or_zero_cap() {
    let t = edited("cap = 10.0\n", "");
    let p = problems(&t);
    // A missing key is reported at its table's header: the second [[dimensions]].
    let header = line(&t, "id = \"complaints\"") - 1;
    assert_eq!(p, [Problem { line: header, key: "dimensions[1].cap".into(), message: "is missing (a required key)".into() }]);
    only(&edited("cap = 10.0", "cap = -5.0"), "dimensions[1].cap", "cap = -5.0", "must not be negative");
    only(&edited("cap = 10.0", "cap = 0"), "dimensions[1].cap", "cap = 0", "must be positive");
}

#[test]
fn issue8_check_points_finer_than_tenths_or_negative() {
    only(&edited("complaint = 2.0", "complaint = 2.05"), "dimensions[1].points.complaint", "2.05", "finer than tenths");
    only(&edited("complaint = 2.0", "complaint = -2.0"), "dimensions[1].points.complaint", "-2.0", "must not be negative");
    only(&edited("a_min_score = 90.0", "a_min_score = 90.25"), "grades.a_min_score", "90.25", "finer than tenths");
    // Whole numbers are points too.
    let s = RuleSet::check(edited("complaint = 2.0", "complaint = 2").as_bytes()).unwrap();
    assert_eq!(s.dimensions[1].points.get(&crate::Deduction::Complaint), Some(&model::Points(20)));
}

#[test]
fn issue8_check_thresholds_out_of_order() {
    only(&edited("b_min_score = 80.0", "b_min_score = 95.0"), "grades.b_min_score", "b_min_score", "must be below a_min_score (90.0)");
    only(&edited("b_min_score = 80.0", "b_min_score = 90.0"), "grades.b_min_score", "b_min_score", "must be below a_min_score");
    only(&edited("d_below_score = 60.0", "d_below_score = 85.0"), "grades.d_below_score", "d_below_score", "must be below b_min_score (80.0)");
    only(&edited("a_min_score = 90.0", "a_min_score = 110.0"), "grades.a_min_score", "a_min_score", "must not exceed base_score");
    only(&edited("floor_score = 0.0", "floor_score = 70.0"), "grades.d_below_score", "d_below_score", "must not be below floor_score (70.0)");
    only(&edited("floor_score = 0.0", "floor_score = 100.0"), "floor_score", "floor_score", "must be below base_score");
    only(&edited("minor_penalty_months = 3", "minor_penalty_months = 48"), "publicity.minor_penalty_months", "minor_penalty", "must not exceed other_penalty_months");
}

#[test]
fn issue8_check_condition_or_trigger_that_names_nothing() {
    only(&edited("[\"A1\", \"A2\"]", "[\"A1\", \"A10\"]"), "grades.a_conditions[1]", "a_conditions", "\"A10\" names no condition of the A list");
    only(&edited("[\"A1\", \"A2\"]", "[\"A1\", \"B2\"]"), "grades.a_conditions[1]", "a_conditions", "no condition of the A list");
    only(&edited("[\"B1\"]", "[\"B9\"]"), "grades.b_conditions[0]", "b_conditions", "no condition of the B list");
    only(&edited("[\"D1\", \"D2\"]", "[\"D1\", \"D7\"]"), "grades.d_triggers[1]", "d_triggers", "no trigger of the D list");
    only(&edited("[\"D1\", \"D2\"]", "[\"D1\", \"D1\"]"), "grades.d_triggers[1]", "d_triggers", "names \"D1\" twice");
    // An element on a line of its own is reported at that line.
    only(&edited("[\"D1\", \"D2\"]", "[\n  \"D1\",\n  \"X\",\n]"), "grades.d_triggers[1]", "\"X\"", "no trigger");
}

#[test]
fn issue8_check_deduction_rule_in_two_dimensions() {
    let t = edited("complaint = 2.0", "complaint = 2.0, sampling_failed = 1.0");
    only(&t, "dimensions[1].points.sampling_failed", "sampling_failed = 1.0", "already in dimension \"sampling\"");
}

/// Art. 16–19: a worse grade is never supervised less.
#[test]
fn issue11_check_supervision_never_falls_from_a_to_d() {
    only(&edited("C = 50, D = 100 }", "C = 50, D = 40 }"), "supervision.sampling_ratio_percent.D", "D = 40", "below grade C's (50)");
    only(&edited("B = 2, C = 2", "B = 2, C = 1"), "supervision.inspections_per_year.C", "C = 1", "below grade B's (2)");
    RuleSet::check(edited("C = 50, D = 100 }", "C = 50, D = 50 }").as_bytes()).expect("equal is allowed");
}

#[test]
fn issue8_check_missing_required_keys() {
    only(&edited("title = \"test\"\n", ""), "title", "id = \"t\"", "is missing");
    only(&edited("overdue_raise = true\n", ""), "grades.overdue_raise", "[grades]", "is missing");
    only(&edited("[penalty]\nfine_large_from_yuan = 100000\n", ""), "penalty", "id = \"t\"", "is missing");
    only(&edited("C = 2, D = 4 }", "C = 2 }"), "supervision.inspections_per_year.D", "inspections_per_year", "is missing");
    let no_dims = BASE.split("[[dimensions]]").next().unwrap().to_string() + "[supervision]" + BASE.split("[supervision]").nth(1).unwrap();
    only(&no_dims, "dimensions", "id = \"t\"", "is missing");
    let empty = no_dims.replacen("past_year_months = 12\n", "past_year_months = 12\ndimensions = []\n", 1);
    only(&empty, "dimensions", "dimensions = []", "at least one");
}

#[test]
fn issue8_check_bad_dates() {
    let to = |d: &str| edited("effective_from = \"2023-01-01\"\n", &format!("effective_from = \"2023-01-01\"\neffective_to = \"{d}\"\n"));
    only(&to("2022-12-31"), "effective_to", "effective_to", "must be after effective_from (2023-01-01)");
    only(&to("2023-01-01"), "effective_to", "effective_to", "must be after effective_from");
    assert_eq!(RuleSet::check(to("2023-01-02").as_bytes()).unwrap().effective_to.unwrap().to_string(), "2023-01-02");
    only(&edited("\"2023-01-01\"", "\"2023-02-30\""), "effective_from", "effective_from", "2023-02-30");
    // A TOML date is a date too.
    assert!(RuleSet::check(edited("\"2023-01-01\"", "2023-01-01").as_bytes()).is_ok());
    only(&edited("due_month = 6\ndue_day = 30", "due_month = 2\ndue_day = 30"), "self_inspection.due_day", "due_day", "2-30 is not a day");
}

#[test]
fn issue8_check_wrong_values_and_types() {
    only(&edited("\"licensed\"", "\"everyone\""), "scope", "scope", "must be one of \"licensed\", \"key_catalogue\", not \"everyone\"");
    only(&edited("past_year_months = 12", "past_year_months = \"12\""), "past_year_months", "past_year", "must be a whole number, not a string");
    only(&edited("past_year_months = 12", "past_year_months = 0"), "past_year_months", "past_year", "between 1 and 120");
    only(&edited("overdue_raise = true", "overdue_raise = 1"), "grades.overdue_raise", "overdue_raise", "true or false");
    only(&edited("id = \"t\"", "id = \"t t\""), "id", "id = ", "letters, digits");
    only(&edited("elevated = [\"水泥\"]", "elevated = [\"水泥\", \"危险化学品\"]"), "product_risk.elevated[1]", "elevated", "is also high");
    let t = edited("[publicity]\nminor_penalty_months = 3\nother_penalty_months = 36\nminor_fine_below_yuan = 100000\n", "")
        .replacen("past_year_months = 12\n", "past_year_months = 12\npublicity = 3\n", 1);
    only(&t, "publicity", "publicity = 3", "must be a table, not an integer");
}

#[test]
fn issue8_check_syntax_and_encoding() {
    let t = edited("cap = 10.0", "cap = ?");
    let p = problems(&t);
    assert_eq!((p.len(), p[0].line, p[0].key.as_str()), (1, line(&t, "cap = ?"), ""), "{p:?}");
    assert!(p[0].message.contains("not valid TOML"), "{p:?}");
    assert!(!p[0].message.contains('\n'), "one line: {p:?}");
    // A key with a dot and an escaped line break is quoted in the path.
    only(&edited("past_year_months = 12\n", "past_year_months = 12\n\"a.b\\nc\" = 1\n"), "\"a.b\\nc\"", "a.b", "unknown key");
    let mut bytes = BASE.as_bytes().to_vec();
    bytes.extend_from_slice(b"\n# \xff\n");
    let p = RuleSet::check(&bytes).map(|_| ()).unwrap_err();
    assert_eq!((p[0].line, p[0].message.contains("UTF-8")), (line(BASE, "inspections_per_year") + 2, true), "{p:?}");
}

#[test]
fn issue8_check_reports_every_problem_in_line_order() {
    let t = BASE
        .replacen("past_year_months = 12\n", "past_year_months = 12\nbonus = 1\n", 1)
        .replacen("b_min_score = 80.0", "b_min_score = 95.0", 1)
        .replacen("[\"A1\", \"A2\"]", "[\"A1\", \"A10\"]", 1)
        .replacen("overdue_raise = true\n", "", 1)
        .replacen("sampling_failed = 10.0", "sampling_fialed = 10.0", 1)
        .replacen("complaint = 2.0", "complaint = 2.05", 1)
        .replacen("cap = 40.0", "cap = -1.0", 1);
    let p = problems(&t);
    let got: Vec<(u32, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        got,
        [
            (line(&t, "bonus"), "bonus"),
            (line(&t, "[grades]"), "grades.overdue_raise"),
            (line(&t, "b_min_score"), "grades.b_min_score"),
            (line(&t, "a_conditions"), "grades.a_conditions[1]"),
            (line(&t, "cap = -1.0"), "dimensions[0].cap"),
            (line(&t, "sampling_fialed"), "dimensions[0].points.sampling_fialed"),
            (line(&t, "2.05"), "dimensions[1].points.complaint"),
        ]
    );
    // parse gives the same list, one line per problem after a heading.
    let e = RuleSet::parse("draft.toml", t.as_bytes()).unwrap_err().to_string();
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 8, "{e}");
    assert_eq!(lines[0], "rule set draft.toml is refused: 7 problems");
    assert!(lines[1].starts_with(&format!("draft.toml:{}: bonus: is an unknown key", line(&t, "bonus"))), "{e}");
}

#[test]
fn issue8_check_an_installed_id_with_other_bytes() {
    let book = crate::shipped().unwrap();
    let t = edited("id = \"t\"", "id = \"XPCC-Revised\"");
    let Err(crate::RulesError::Problems { problems, .. }) = book.load("draft.toml", t.as_bytes()) else { panic!("refused") };
    assert_eq!((problems.len(), problems[0].line, problems[0].key.as_str()), (1, 1, "id"));
    assert!(problems[0].message.contains("is the shipped set \"xpcc-revised\"'s id"), "{problems:?}");
    assert!(book.load("draft.toml", BASE.as_bytes()).is_ok());
}

#[test]
fn issue8_optional_keys_default_to_the_engines_former_behaviour() {
    use crate::{Condition, Trigger, Verdict};
    use model::fact::{ListKind, MeasureType, Procedure};
    let s = RuleSet::check(BASE.as_bytes()).unwrap();
    let kinds = |v: Verdict| s.lists.get(&v).map(|k| k.iter().copied().collect::<Vec<_>>()).unwrap_or_default();
    assert_eq!(kinds(Verdict::Condition(Condition::A5)), [ListKind::AbnormalOperations, ListKind::SeriousViolation, ListKind::OtherBlacklist]);
    assert_eq!(kinds(Verdict::Condition(Condition::B4)), kinds(Verdict::Condition(Condition::A5)));
    assert_eq!(kinds(Verdict::Condition(Condition::B5)), [ListKind::JudgmentDefaulter]);
    assert_eq!(kinds(Verdict::Trigger(Trigger::D1)), [ListKind::SeriousViolation]);
    assert!(kinds(Verdict::Condition(Condition::A4)).is_empty());
    assert_eq!(s.windows.len(), 0);
    assert_eq!(s.window_months(Verdict::Condition(Condition::A5)), 12);
    assert_eq!(s.minor_measures.iter().copied().collect::<Vec<_>>(), [MeasureType::Warning, MeasureType::PublicCriticism, MeasureType::Fine]);
    assert_eq!(s.unpublicized_procedures.iter().copied().collect::<Vec<_>>(), [Procedure::Simple]);
    assert_eq!(s.unpublicized_measures.iter().copied().collect::<Vec<_>>(), [MeasureType::Warning]);
    // Set explicitly, they replace the defaults.
    let t = BASE.to_string() + "\n[lists]\nD1 = [\"serious_violation\", \"abnormal_operations\"]\nA6 = []\n\n[windows]\nA5 = 36\n";
    let s = RuleSet::check(t.as_bytes()).unwrap();
    assert!(s.lists(Verdict::Trigger(Trigger::D1), ListKind::AbnormalOperations));
    assert!(!s.lists(Verdict::Condition(Condition::A6), ListKind::JudgmentDefaulter));
    assert!(s.lists(Verdict::Condition(Condition::B5), ListKind::JudgmentDefaulter), "B5 keeps its default");
    assert_eq!((s.window_months(Verdict::Condition(Condition::A5)), s.window_months(Verdict::Condition(Condition::B4))), (36, 12));
}

#[test]
fn issue8_check_optional_keys_problems() {
    let with = |extra: &str| BASE.to_string() + extra;
    let t = with("\n[lists]\nA5 = [\"blacklist\"]\n");
    only(&t, "lists.A5[0]", "blacklist", "\"blacklist\" is not one of its names");
    let t = with("\n[lists]\nA1 = [\"serious_violation\"]\n");
    only(&t, "lists.A1", "A1 =", "not decided by list entries");
    let t = with("\n[lists]\nA55 = []\n");
    only(&t, "lists.A55", "A55", "is not a condition or trigger id");
    let t = with("\n[windows]\nA4 = 0\n");
    only(&t, "windows.A4", "A4 = 0", "between 1 and 120");
    let t = with("\n[windows]\nD1 = 24\n");
    only(&t, "windows.D1", "D1 = 24", "weigh no past-year window");
    let t = edited("minor_fine_below_yuan = 100000\n", "minor_fine_below_yuan = 100000\nunpublicized_procedures = [\"summary\"]\n");
    only(&t, "publicity.unpublicized_procedures[0]", "summary", "known: simple, ordinary");
    let t = edited("minor_fine_below_yuan = 100000\n", "minor_fine_below_yuan = 100000\nminor_measures = [\"fines\"]\n");
    only(&t, "publicity.minor_measures[0]", "fines", "did you mean \"fine\"?");
}
