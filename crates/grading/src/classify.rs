//! Classification (issue 8, item 3): the one place that says, kind by
//! kind, what a fact counts towards — a deduction rule, a condition, a
//! trigger — and under which clause of the rule set. Scoring, conditions,
//! triggers and event statuses all read its citations, so a new deduction
//! rule or condition is one change here, and the three cannot disagree.
//!
//! A fact's *citations* follow from its content alone ([`cite`]); each is
//! then *live* on V when the fact is a basis in the citation's own window
//! (void, after V, outside the window, repaired, publicity or impact over:
//! not live), and *counts* when it is live and its [`Gate`] holds.

use crate::facts::{licence_class, Identity, Licences};
use crate::resolve::{Effective, Reason, Resolved};
use crate::window::{list_end, publicity_months, time_exclusion, Window};
use model::fact::{Body, InspectionOutcome, FindingCode, MeasureType, OpinionForm, PassFail, Scale, Severity, TerminationMode};
use model::ChinaDate;
use rules::{paths, Condition, Deduction, RiskClass, RuleSet, Trigger, Verdict};

/// What a citation counts towards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Deduction(Deduction),
    Condition(Condition),
    Trigger(Trigger),
}

impl Target {
    /// The condition or trigger, if the target is one.
    pub fn verdict(self) -> Option<Verdict> {
        match self {
            Target::Deduction(_) => None,
            Target::Condition(c) => Some(Verdict::Condition(c)),
            Target::Trigger(t) => Some(Verdict::Trigger(t)),
        }
    }
}

/// What must hold on V, besides the fact being live, for a citation to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    Always,
    /// A2/B2: the finding has no ordered rectification completed on or before V.
    Unrectified,
    /// A7 of a penalty: the penalty is publicized (`[publicity]`).
    Publicized,
    /// D1: the entry is on its list on V (no removal dated on or before V).
    OnListOnV,
    /// D4: at least `grades.d4_min_refusals` refusals count.
    Refusals,
    /// Product risk: once per enterprise, the highest class among the
    /// licences held in the window (the first licence of that class).
    HighestClass,
}

/// A fact's citation: its target and gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Citation {
    pub target: Target,
    pub gate: Gate,
}

fn to(target: Target) -> Citation {
    Citation { target, gate: Gate::Always }
}

fn gated(target: Target, gate: Gate) -> Citation {
    Citation { target, gate }
}

/// What a fact with this content counts towards under `rules`, whatever its
/// standing on V (DOMAIN.md "Grades", "Reference deductions"): the one
/// kind-by-kind match of the grading.
pub fn cite(body: &Body, rules: &RuleSet) -> Vec<Citation> {
    use Condition::*;
    use Target::{Condition as C, Deduction as Ded, Trigger as T};
    use Trigger::*;
    let mut out = Vec::new();
    match body {
        Body::LicenceGranted(_) => match licence_class(body, rules) {
            RiskClass::High => out.push(gated(Ded(Deduction::ProductHigh), Gate::HighestClass)),
            RiskClass::Elevated => out.push(gated(Ded(Deduction::ProductElevated), Gate::HighestClass)),
            RiskClass::General => {}
        },
        Body::QualityRiskFinding(q) => {
            out.push(to(Ded(match q.severity {
                Severity::General => Deduction::FindingGeneral,
                Severity::Serious => Deduction::FindingSerious,
                Severity::MajorAccident => Deduction::FindingMajorAccident,
            })));
            if q.severity == Severity::MajorAccident {
                out.push(to(T(D5)));
            }
        }
        Body::LicenceVerification(v) if v.result == PassFail::Fail => out.push(to(Ded(Deduction::VerificationFailed))),
        Body::LicenceTerminated(t) if matches!(t.mode, TerminationMode::RevokedPenalty | TerminationMode::WithdrawnFraud) => {
            out.extend([to(Ded(Deduction::LicenceRevoked)), to(T(D2))]);
        }
        Body::SamplingInspection(s) if s.result == PassFail::Fail => {
            out.extend([to(Ded(if s.recheck { Deduction::RecheckFailed } else { Deduction::SamplingFailed })), to(C(A4))]);
            if s.recheck {
                out.push(to(T(D3)));
            }
        }
        Body::SupervisionInspection(x) => {
            match x.outcome {
                InspectionOutcome::Refused => {
                    out.extend([to(Ded(Deduction::InspectionRefused)), to(C(A4)), to(C(B3)), gated(T(D4), Gate::Refusals)]);
                }
                InspectionOutcome::IssuesFound => {
                    let serious = x.findings.iter().any(|f| f.serious);
                    out.extend([to(Ded(if serious { Deduction::InspectionSerious } else { Deduction::InspectionIssues })), to(C(A4))]);
                }
                InspectionOutcome::NoIssue => {}
            }
            let codes = || x.findings.iter().map(|g| g.code);
            if codes().any(|c| matches!(c, FindingCode::NonconformingMaterials | FindingCode::NonconformingConditions)) {
                out.extend([gated(C(A2), Gate::Unrectified), gated(C(B2), Gate::Unrectified)]);
            }
            if codes().any(|c| matches!(c, FindingCode::Concealment | FindingCode::FalseCommitment)) {
                out.push(to(C(A8)));
            }
        }
        Body::PublicOpinion(o) => {
            out.push(to(Ded(match (o.strong_consumer_reaction, o.form) {
                (true, _) => Deduction::OpinionStrongReaction,
                (false, OpinionForm::RegulatorNotice) => Deduction::OpinionRegulatorNotice,
                (false, OpinionForm::MediaExposure) => Deduction::OpinionMediaExposure,
            })));
            if o.form == OpinionForm::MediaExposure || o.strong_consumer_reaction {
                out.push(to(C(A3)));
            }
            if o.form == OpinionForm::RegulatorNotice {
                out.push(to(C(A4)));
            }
        }
        Body::AdministrativePenalty(p) => {
            // Per decision, its measure with the most points (the last of equals).
            let rule = |m: &model::fact::Measure| match m.kind {
                MeasureType::Warning => Deduction::PenaltyWarning,
                MeasureType::PublicCriticism => Deduction::PenaltyPublicCriticism,
                MeasureType::Fine if m.amount_yuan.is_some_and(|a| a >= rules.fine_large_from) => Deduction::PenaltyFineLarge,
                MeasureType::Fine => Deduction::PenaltyFineSmall,
                MeasureType::Confiscation => Deduction::PenaltyConfiscation,
                MeasureType::SuspendProduction => Deduction::PenaltySuspendProduction,
                MeasureType::LicenceRevoked => Deduction::PenaltyLicenceRevoked,
                MeasureType::CriminalReferral => Deduction::PenaltyCriminalReferral,
            };
            let worst = p.measures.iter().map(rule).filter_map(|d| rules.points_of(d).map(|(_, p)| (p, d))).max_by_key(|(p, _)| *p);
            out.extend(worst.map(|(_, d)| to(Ded(d))));
            out.extend([to(C(A5)), to(C(B4)), gated(C(A7), Gate::Publicized)]);
            if p.measures.iter().any(|m| m.kind == MeasureType::LicenceRevoked) {
                out.push(to(T(D2)));
            }
            if p.measures.iter().any(|m| m.kind == MeasureType::CriminalReferral) {
                out.push(to(T(D6)));
            }
        }
        Body::ListEntered(l) => {
            for (v, _) in rules.lists.iter().filter(|(_, kinds)| kinds.contains(&l.list)) {
                out.push(match v {
                    Verdict::Condition(c) => to(C(*c)),
                    Verdict::Trigger(D1) => gated(T(D1), Gate::OnListOnV),
                    Verdict::Trigger(t) => to(T(*t)),
                });
            }
        }
        Body::BadCreditInfo(_) => out.push(to(C(A7))),
        Body::ComplaintVerified(_) => out.push(to(Ded(Deduction::Complaint))),
        _ => {}
    }
    out
}

/// Whether a fact with this content is adverse by nature: it has a
/// citation (a licence only when the rule set prices its risk class), so
/// that it is `excluded` rather than `context` when it is no basis on V.
pub fn adverse(body: &Body, rules: &RuleSet) -> bool {
    cite(body, rules).iter().any(|c| match (c.gate, c.target) {
        (Gate::HighestClass, Target::Deduction(d)) => rules.points_of(d).is_some(),
        _ => true,
    })
}

/// A clause of the rule set, by what it is: renders as its key path
/// (docs/RULES.md "Clause paths").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clause<'r> {
    /// `dimensions.<id>.points.<rule>`.
    Points { dimension: &'r str, rule: Deduction },
    /// `grades.a_conditions[A4]`, `grades.a_min_score`, `grades.d_triggers[D1]`.
    Verdict(Verdict),
}

impl Clause<'_> {
    pub fn path(self) -> String {
        match self {
            Clause::Points { dimension, rule } => paths::points(dimension, rule),
            Clause::Verdict(v) => paths::verdict(v),
        }
    }
}

/// The clause that gives `target` effect in `rules`: the dimension that
/// prices a deduction rule, the list entry of a condition or trigger;
/// `None` when the set has none (the citation then changes nothing).
pub fn clause_of(target: Target, rules: &RuleSet) -> Option<Clause<'_>> {
    match target {
        Target::Deduction(rule) => {
            rules.dimensions.iter().find(|d| d.points.contains_key(&rule)).map(|d| Clause::Points { dimension: &d.id, rule })
        }
        t => t.verdict().filter(|v| rules.uses(*v)).map(Clause::Verdict),
    }
}

/// Why a fact is no basis on V, and the correction that caused it
/// (`None`: it is a basis).
pub type Exclusion = Option<(Reason, Option<String>)>;

/// A fact with its citations and its standing on V.
pub struct Classified<'r, 'a> {
    pub fact: &'r Effective<'a>,
    /// Each citation with whether it is live: the fact is a basis on V in
    /// the citation's window. Empty for a void fact.
    pub citations: Vec<(Citation, bool)>,
    /// Why the fact is no basis on V (`None`: live for some citation, or,
    /// without citations, in the past-year window), with the correction
    /// behind it.
    pub exclusion: Exclusion,
}

/// Windows by length, made once per grade.
struct Windows {
    v: ChinaDate,
    made: Vec<(i32, Window)>,
}

impl Windows {
    fn get(&mut self, months: i32) -> Window {
        if let Some((_, w)) = self.made.iter().find(|(m, _)| *m == months) {
            return *w;
        }
        let w = Window::months(self.v, months);
        self.made.push((months, w));
        w
    }
}

/// The window a target weighs: a deduction the past year, a condition or
/// trigger its own (`[windows]`).
fn months_of(target: Target, rules: &RuleSet) -> i32 {
    target.verdict().map_or(rules.past_year_months, |v| rules.window_months(v))
}

/// Classifies every fact known at K (in the order of `r.facts`): its
/// citations, their liveness on V, and its standing.
pub fn classify<'r, 'a>(r: &'r Resolved<'a>, w: &Window, rules: &RuleSet, lic: &Licences) -> Vec<Classified<'r, 'a>> {
    let removals: Vec<&Effective> = r.facts.iter().filter(|e| matches!(e.body, Body::ListRemoved(_))).collect();
    let mut windows = Windows { v: w.v, made: vec![(rules.past_year_months, *w)] };
    r.facts
        .iter()
        .map(|e| {
            if let Some(m) = &e.void {
                return Classified { fact: e, citations: Vec::new(), exclusion: Some((m.reason, Some(m.by.clone()))) };
            }
            let end = matches!(e.body, Body::ListEntered(_)).then(|| list_end(e, &removals, w.v)).flatten();
            let standing = |w: &Window| {
                let in_window = match &e.body {
                    Body::LicenceGranted(_) => lic.held(e, w.start.add_days(1), w.v),
                    Body::ListEntered(_) => w.overlaps(e.occurred_on, end),
                    _ => w.contains(e.occurred_on),
                };
                time_exclusion(e, w, rules, in_window)
            };
            let cites = cite(&e.body, rules);
            let mut months: Vec<i32> = cites.iter().map(|c| months_of(c.target, rules)).collect();
            if months.is_empty() {
                months.push(rules.past_year_months);
            }
            // The fact's standing: live in some window it is weighed in; else
            // the reason in the longest (any earlier reason is the same in all).
            let mut by_window: Vec<(i32, Exclusion)> = Vec::new();
            for m in &months {
                if !by_window.iter().any(|(x, _)| x == m) {
                    let w = windows.get(*m);
                    by_window.push((*m, standing(&w)));
                }
            }
            let live_in = |m: i32| by_window.iter().any(|(x, s)| *x == m && s.is_none());
            let citations = cites.iter().zip(&months).map(|(c, m)| (*c, live_in(*m))).collect();
            let exclusion = if by_window.iter().any(|(_, s)| s.is_none()) {
                None
            } else {
                by_window.iter().max_by_key(|(m, _)| *m).and_then(|(_, s)| s.clone())
            };
            let exclusion = match (exclusion, &e.date_moved) {
                // A correction that moved the valid date caused this.
                (Some((x @ (Reason::AfterEvaluationDate | Reason::OutsideWindow), None)), Some(m)) => Some((x, Some(m.by.clone()))),
                (x, _) => x,
            };
            Classified { fact: e, citations, exclusion }
        })
        .collect()
}

/// One citation that counts on V, with the clause that gives it effect
/// (`None`: the rule set has none, so it changes nothing) and the fact
/// behind it (`None` for an absence: a report never filed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count<'r> {
    pub target: Target,
    pub clause: Option<Clause<'r>>,
    pub reference: Option<&'r str>,
}

/// The citations that count on V, in the order the report lists them:
/// the scale in force, the product risk, the self-inspection verdict, then
/// the facts' in ledger order. `self_inspection` is the A9 verdict
/// (`Some(late report or None)`: failed).
pub fn counts<'r>(
    classified: &'r [Classified<'r, '_>],
    r: &Resolved,
    id: &'r Identity,
    w: &Window,
    rules: &'r RuleSet,
    self_inspection: Option<Option<&'r str>>,
) -> Vec<Count<'r>> {
    let mut out: Vec<Count<'r>> = Vec::new();
    let mut push = |target: Target, reference: Option<&'r str>| out.push(Count { target, clause: clause_of(target, rules), reference });
    if let (Some(scale), Some(src)) = (id.scale, &id.scale_ref) {
        let d = match scale {
            Scale::Large => Deduction::ScaleLarge,
            Scale::Medium => Deduction::ScaleMedium,
            Scale::Small => Deduction::ScaleSmall,
            Scale::Micro => Deduction::ScaleMicro,
        };
        push(Target::Deduction(d), Some(src));
    }
    let live = || classified.iter().flat_map(|c| c.citations.iter().filter(|(_, live)| *live).map(move |(x, _)| (c.fact, *x)));
    // Product risk: the highest class live, once, from its first licence.
    let risk = |d: Deduction| live().find(|(_, c)| c.gate == Gate::HighestClass && c.target == Target::Deduction(d));
    if let Some((e, c)) = risk(Deduction::ProductHigh).or_else(|| risk(Deduction::ProductElevated)) {
        push(c.target, Some(e.reference()));
    }
    if let Some(late) = self_inspection {
        push(Target::Deduction(Deduction::SelfInspectionMissing), late);
        push(Target::Condition(Condition::A9), late);
    }
    let removals: Vec<&Effective> = r.facts.iter().filter(|x| matches!(x.body, Body::ListRemoved(_))).collect();
    let refusals = live().filter(|(_, c)| c.gate == Gate::Refusals).count();
    let refused_enough = u32::try_from(refusals).unwrap_or(u32::MAX) >= rules.grades.d4_min_refusals;
    for (e, c) in live() {
        let holds = match c.gate {
            Gate::Always => true,
            Gate::HighestClass => false,
            Gate::Unrectified => !rectified_by(r, e, w.v),
            Gate::Publicized => publicity_months(&e.body, rules).is_some(),
            Gate::OnListOnV => list_end(e, &removals, w.v).is_none_or(|end| w.v < end),
            Gate::Refusals => refused_enough,
        };
        if holds {
            push(c.target, Some(e.reference()));
        }
    }
    out
}

/// Live, not void rectification orders of a fact dated on or before V.
fn orders_of<'r, 'a>(r: &'r Resolved<'a>, target: &str, v: ChinaDate) -> Vec<&'r Effective<'a>> {
    r.facts
        .iter()
        .filter(|o| o.void.is_none() && o.occurred_on <= v)
        .filter(|o| matches!(&o.body, Body::RectificationOrdered(x) if x.target == target))
        .collect()
}

/// Whether a live completion of `order` is dated on or before `by`.
pub(crate) fn completed_by(r: &Resolved, order: &Effective, by: ChinaDate) -> bool {
    r.facts.iter().any(|c| {
        c.void.is_none() && c.occurred_on <= by && matches!(&c.body, Body::RectificationCompleted(x) if x.target == order.reference())
    })
}

/// A2: a nonconforming finding is rectified on V when it has at least one
/// order and every order is completed on or before V.
fn rectified_by(r: &Resolved, finding: &Effective, v: ChinaDate) -> bool {
    let orders = orders_of(r, finding.reference(), v);
    !orders.is_empty() && orders.iter().all(|o| completed_by(r, o, v))
}
