//! The grading projection, pure: (facts known at K, V, rule set R) → grade
//! report (CONTRACT.md §4). No I/O, no clock, no globals: K, V and R are
//! arguments, and the same arguments give the same report byte for byte.

pub mod canonical;
pub mod classify;
pub mod conditions;
pub mod diff;
pub mod facts;
pub mod replay;
pub mod report;
pub mod resolve;
pub mod score;
pub mod status;
pub mod window;

pub use report::{Adjustment, ConditionResult, DimensionResult, Event, GradeReport, Item, RulesRef, ScopeClause, Status, Threshold, TriggerResult};
pub use canonical::{basis_sha256, report_sha256, ENGINE_VERSION, REPORT_FORMAT};
pub use diff::{diff, ReportDiff};
pub use resolve::{resolve, Reason, Resolved};

use conditions::{overdue_orders, self_inspection};
use facts::{identity, Licences};
use model::fact::Grade;
use model::{ChinaDate, Record, Seq};
use rules::{paths, RuleSet, Scope};
use std::collections::BTreeSet;
use window::Window;

/// Grades one enterprise as of (V = `on`, K = `known_at`, R = `rules`).
///
/// `records` are the enterprise's records in seq order; those after K are
/// ignored. The grade follows DOMAIN.md "Grades": D when the score is below
/// the D threshold or a trigger fires; else A when every A condition holds;
/// else B when every B condition holds; else C; then the overdue raise.
pub fn grade(enterprise: &str, records: &[Record], on: ChinaDate, known_at: Seq, rules: &RuleSet) -> GradeReport {
    grade_and_scope(enterprise, records, on, known_at, rules).0
}

/// Why an enterprise is not graded on V ([`scope`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutOfScope {
    /// No `enterprise_registered` in effect (known at K, not voided) —
    /// CONTRACT.md §2: such an enterprise is out of scope whatever else is known.
    NotRegistered,
    /// Rule-set scope `licensed`: no licence held on any day of the past-year window.
    NoLicenceHeld,
    /// Rule-set scope `key_catalogue`: not on the key-product catalogue on V.
    NotOnKeyCatalogue,
}

impl OutOfScope {
    /// One sentence saying why, for people (V = `on`, K = `known_at`).
    pub fn explain(self, on: ChinaDate, known_at: Seq) -> String {
        match self {
            OutOfScope::NotRegistered => format!(
                "not in scope on {on}: no enterprise_registered of this enterprise is known at seq {known_at}, and an unregistered enterprise is not graded"
            ),
            OutOfScope::NoLicenceHeld => {
                format!("not in scope on {on}: it held no production licence on any day of the year up to {on} (rule-set scope `licensed`)")
            }
            OutOfScope::NotOnKeyCatalogue => {
                format!("not in scope on {on}: it is not on the key-product catalogue on {on} (rule-set scope `key_catalogue`)")
            }
        }
    }
}

/// The scope rule, the one place every caller (grade, grade-all, issue,
/// review, dossier) takes it from: graded on V only when registered (an
/// `enterprise_registered` known at K and not voided), then by the rule
/// set's scope — `licensed`: a licence held on some day of the past-year
/// window; `key_catalogue`: on the key-product catalogue on V.
pub fn scope(resolved: &Resolved, id: &facts::Identity, lic: &Licences, w: &Window, rules: &RuleSet, semantics: Semantics) -> Result<(), OutOfScope> {
    let registered = !semantics.registration_required
        || resolved
        .facts
        .iter()
        .any(|e| e.void.is_none() && matches!(e.body, model::fact::Body::EnterpriseRegistered(_)));
    if !registered {
        return Err(OutOfScope::NotRegistered);
    }
    match rules.scope {
        Scope::Licensed if !lic.any_held(w.start.add_days(1), w.v) => Err(OutOfScope::NoLicenceHeld),
        Scope::KeyCatalogue if !id.key_catalogue => Err(OutOfScope::NotOnKeyCatalogue),
        _ => Ok(()),
    }
}

/// Grading semantics that changed between releases in a way that moves
/// grades. A decision records its engine; `review` re-derives it with the
/// semantics of that engine, so a release that fixes the rules never turns an
/// earlier lawful decision into a mismatch (docs/DECISIONS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Semantics {
    /// An enterprise with no `enterprise_registered` in effect is out of
    /// scope (CONTRACT.md §2; from 0.2.0 on).
    pub registration_required: bool,
}

impl Semantics {
    /// This engine's semantics.
    pub const CURRENT: Semantics = Semantics { registration_required: true };
    /// Releases 0.1.x (record format 1) graded unregistered enterprises.
    pub const RELEASE_0_1: Semantics = Semantics { registration_required: false };

    /// The semantics of the engine named in a decision record
    /// (`grade_issued.engine_version`); an engine this one does not know is
    /// graded with today's semantics.
    pub fn of_engine(engine_version: &str) -> Semantics {
        if engine_version == model::v1::ENGINE_FORMAT_1 || engine_version.starts_with("credit-ledger 0.1.") {
            Semantics::RELEASE_0_1
        } else {
            Semantics::CURRENT
        }
    }
}

/// [`grade`], and why the enterprise is out of scope when it is
/// (`report.in_scope` is `out_of_scope.is_none()`).
pub fn grade_and_scope(
    enterprise: &str,
    records: &[Record],
    on: ChinaDate,
    known_at: Seq,
    rules: &RuleSet,
) -> (GradeReport, Option<OutOfScope>) {
    grade_under(Semantics::CURRENT, enterprise, records, on, known_at, rules)
}

/// [`grade_and_scope`] with the semantics of a given engine (`review` of a
/// decision issued by an earlier release).
pub fn grade_under(
    semantics: Semantics,
    enterprise: &str,
    records: &[Record],
    on: ChinaDate,
    known_at: Seq,
    rules: &RuleSet,
) -> (GradeReport, Option<OutOfScope>) {
    let known = &records[..records.partition_point(|r| r.seq <= known_at)];
    let resolved = resolve(known);
    let w = Window::new(on, rules);
    let id = identity(&resolved, on);
    let lic = Licences::new(&resolved);
    let out_of_scope = scope(&resolved, &id, &lic, &w, rules, semantics).err();
    let in_scope = out_of_scope.is_none();
    let mut report = GradeReport {
        enterprise: enterprise.to_string(),
        name: id.name.clone(),
        division: id.division.clone(),
        on,
        known_at_seq: known_at,
        rules: RulesRef { id: rules.id.clone(), sha256: rules.sha256.clone() },
        in_scope,
        scope: ScopeClause {
            clause: paths::SCOPE.into(),
            rule: match rules.scope {
                Scope::Licensed => "licensed",
                Scope::KeyCatalogue => "key_catalogue",
            },
        },
        grade: None,
        score: None,
        d_threshold: None,
        dimensions: Vec::new(),
        conditions: Vec::new(),
        triggers: Vec::new(),
        adjustments: Vec::new(),
        events: Vec::new(),
    };
    let classified = classify::classify(&resolved, &w, rules, &lic);
    if in_scope {
        let late = self_inspection(&resolved, &w, rules, &lic);
        let counts = classify::counts(&classified, &resolved, &id, &w, rules, late.as_ref().map(|r| r.as_deref()));
        let (dimensions, score) = score::score(&counts, rules);
        let g = &rules.grades;
        let conditions: Vec<ConditionResult> =
            g.a_conditions.iter().chain(&g.b_conditions).map(|c| conditions::condition(*c, &counts, score, rules)).collect();
        let triggers: Vec<TriggerResult> = g.d_triggers.iter().map(|t| conditions::trigger(*t, &counts)).collect();
        let below = score < g.d_below_score;
        let met = |of_a: bool| conditions.iter().filter(|c| c.id.of_a() == of_a).all(|c| c.met);
        let base = if below || triggers.iter().any(|t| t.fired) {
            Grade::D
        } else if met(true) {
            Grade::A
        } else if met(false) {
            Grade::B
        } else {
            Grade::C
        };
        let overdue = if g.overdue_raise { overdue_orders(&resolved, &w) } else { Vec::new() };
        let mut grade = base;
        if base != Grade::D && !overdue.is_empty() {
            grade = base.raised();
            report.adjustments.push(Adjustment {
                id: "overdue_rectification".into(),
                from: base,
                to: grade,
                evidence: overdue,
                clause: paths::OVERDUE_RAISE.into(),
            });
        }
        report.grade = Some(grade);
        report.score = Some(score);
        report.d_threshold = Some(Threshold { clause: paths::D_BELOW_SCORE.into(), threshold: g.d_below_score, below });
        report.dimensions = dimensions;
        report.conditions = conditions;
        report.triggers = triggers;
    }
    let counted: BTreeSet<&str> = report
        .dimensions
        .iter()
        .flat_map(|d| d.items.iter().filter_map(|i| i.reference.as_deref()))
        .chain(report.conditions.iter().flat_map(|c| c.evidence.iter().map(String::as_str)))
        .chain(report.triggers.iter().flat_map(|t| t.evidence.iter().map(String::as_str)))
        .chain(report.adjustments.iter().flat_map(|a| a.evidence.iter().map(String::as_str)))
        .collect();
    let events = status::events(known, &classified, &counted, rules);
    report.events = events;
    (report, out_of_scope)
}

#[cfg(test)]
pub(crate) mod scope_tests {
    use super::*;
    use model::record::GENESIS_HASH;
    use model::{parse_line, Timestamp};

    const E: &str = "91660800000007919G";

    /// Records sealed from JSON lines, seq 1 on (shared by the unit tests).
    pub(crate) fn records(lines: &[String]) -> Vec<Record> {
        let mut prev = GENESIS_HASH;
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let r = Record::seal(Seq(i as u64 + 1), Timestamp(0), parse_line(l).unwrap().fact, prev).unwrap();
                prev = r.hash;
                r
            })
            .collect()
    }

    fn licence_and_penalty() -> Vec<String> {
        vec![
            format!(r#"{{"kind":"licence_granted","ref":"LIC","enterprise":"{E}","occurred_on":"2020-01-01","licence_no":"XK13-014-00001","product":"水泥","category":"水泥","valid_from":"2020-01-01","valid_to":"2030-01-01"}}"#),
            format!(r#"{{"kind":"administrative_penalty","ref":"PEN","enterprise":"{E}","occurred_on":"2025-03-01","procedure":"ordinary","measures":[{{"type":"licence_revoked"}}]}}"#),
        ]
    }

    fn registration(reference: &str) -> String {
        format!(r#"{{"kind":"enterprise_registered","ref":"{reference}","enterprise":"{E}","occurred_on":"2019-01-01","name":"甲","division":"08","scale":"small"}}"#)
    }

    #[test]
    fn an_unregistered_enterprise_is_out_of_scope() {
        let book = rules::shipped().unwrap();
        let on = ChinaDate::from_ymd(2025, 12, 31).unwrap();
        let rules = book.in_force(on).unwrap();
        let unregistered = records(&licence_and_penalty());
        let (r, why) = grade_and_scope(E, &unregistered, on, Seq(2), rules);
        assert_eq!(why, Some(OutOfScope::NotRegistered));
        assert!(!r.in_scope);
        assert_eq!((r.grade, r.score), (None, None));
        assert!(r.dimensions.is_empty() && r.triggers.is_empty());

        let mut lines = vec![registration("REG")];
        lines.extend(licence_and_penalty());
        let registered = records(&lines);
        let (r, why) = grade_and_scope(E, &registered, on, Seq(3), rules);
        assert_eq!(why, None);
        assert_eq!(r.grade, Some(Grade::D));
        // Registered only after K: out of scope at K.
        let mut late = licence_and_penalty();
        late.push(registration("REG"));
        let (r, why) = grade_and_scope(E, &records(&late), on, Seq(2), rules);
        assert_eq!((r.in_scope, why), (false, Some(OutOfScope::NotRegistered)));
        // A voided registration is no registration.
        lines.push(format!(r#"{{"kind":"act_revoked","ref":"REV","enterprise":"{E}","occurred_on":"2025-04-01","target":"REG"}}"#));
        let (_, why) = grade_and_scope(E, &records(&lines), on, Seq(4), rules);
        assert_eq!(why, Some(OutOfScope::NotRegistered));
        assert!(OutOfScope::NotRegistered.explain(on, Seq(4)).contains("no enterprise_registered"));
    }
}
