//! Score management (记分管理, Art. 9): deductions per dimension, capped.

use crate::facts::{licence_class, Identity, Licences};
use crate::report::{DimensionResult, Item};
use crate::resolve::Resolved;
use crate::window::Window;
use model::fact::{Body, InspectionOutcome, MeasureType, OpinionForm, PassFail, Scale, Severity, TerminationMode};
use model::Points;
use rules::{Deduction, RiskClass, RuleSet};

/// Collects items into the rule set's dimensions.
pub struct Scorer<'r> {
    rules: &'r RuleSet,
    items: Vec<Vec<Item>>,
}

impl<'r> Scorer<'r> {
    pub fn new(rules: &'r RuleSet) -> Self {
        Scorer { rules, items: vec![Vec::new(); rules.dimensions.len()] }
    }

    /// Deducts a rule's points for `reference`; a rule absent from the rule
    /// set deducts nothing.
    pub fn deduct(&mut self, d: Deduction, reference: Option<&str>) {
        if let Some((dim, points)) = self.rules.points_of(d) {
            self.items[dim].push(Item { reference: reference.map(str::to_string), points, rule: d.key().to_string() });
        }
    }

    /// Deducts the most severe of several rules (by points) once.
    pub fn deduct_most_severe(&mut self, ds: &[Deduction], reference: &str) {
        let best = ds
            .iter()
            .filter_map(|&d| self.rules.points_of(d).map(|(_, p)| (p, d)))
            .max_by_key(|(p, _)| *p);
        if let Some((_, d)) = best {
            self.deduct(d, Some(reference));
        }
    }

    /// Caps each dimension and returns (dimensions, score ≥ floor).
    pub fn finish(self) -> (Vec<DimensionResult>, Points) {
        let mut total = Points::ZERO;
        let dims: Vec<DimensionResult> = self
            .rules
            .dimensions
            .iter()
            .zip(self.items)
            .map(|(dim, items)| {
                let sum = Points(items.iter().map(|i| i.points.0).sum());
                let deduction = sum.min(dim.cap);
                total = Points(total.0 + deduction.0);
                DimensionResult { id: dim.id.clone(), deduction, cap: dim.cap, items }
            })
            .collect();
        let score = Points((self.rules.base_score.0 - total.0).max(self.rules.floor_score.0));
        (dims, score)
    }
}

/// Deductions of every live fact (DOMAIN.md "Reference deductions").
/// `live(i)` tells whether fact i is a basis on V; `self_inspection` is the
/// A9 verdict: `Some(ref or None)` when the report is missing or late.
pub fn deductions(
    s: &mut Scorer,
    r: &Resolved,
    live: &dyn Fn(usize) -> bool,
    id: &Identity,
    lic: &Licences,
    w: &Window,
    self_inspection: Option<Option<&str>>,
) {
    let rules = s.rules;
    if let (Some(scale), Some(src)) = (id.scale, &id.scale_ref) {
        let d = match scale {
            Scale::Large => Deduction::ScaleLarge,
            Scale::Medium => Deduction::ScaleMedium,
            Scale::Small => Deduction::ScaleSmall,
            Scale::Micro => Deduction::ScaleMicro,
        };
        s.deduct(d, Some(src));
    }
    // Product risk: once, the highest class among licences held in the window.
    let held = lic.held_in(w);
    if let Some(top) = held.iter().map(|g| licence_class(&g.body, rules)).max() {
        let first = held.iter().find(|g| licence_class(&g.body, rules) == top).map(|g| g.reference());
        match top {
            RiskClass::High => s.deduct(Deduction::ProductHigh, first),
            RiskClass::Elevated => s.deduct(Deduction::ProductElevated, first),
            RiskClass::General => {}
        }
    }
    if let Some(late) = self_inspection {
        s.deduct(Deduction::SelfInspectionMissing, late);
    }
    for (i, e) in r.facts.iter().enumerate() {
        if !live(i) {
            continue;
        }
        let rf = Some(e.reference());
        match &e.body {
            Body::QualityRiskFinding(q) => s.deduct(
                match q.severity {
                    Severity::General => Deduction::FindingGeneral,
                    Severity::Serious => Deduction::FindingSerious,
                    Severity::MajorAccident => Deduction::FindingMajorAccident,
                },
                rf,
            ),
            Body::LicenceVerification(v) if v.result == PassFail::Fail => s.deduct(Deduction::VerificationFailed, rf),
            Body::LicenceTerminated(t)
                if matches!(t.mode, TerminationMode::RevokedPenalty | TerminationMode::WithdrawnFraud) =>
            {
                s.deduct(Deduction::LicenceRevoked, rf)
            }
            Body::SamplingInspection(x) if x.result == PassFail::Fail => {
                s.deduct(if x.recheck { Deduction::RecheckFailed } else { Deduction::SamplingFailed }, rf)
            }
            Body::SupervisionInspection(x) => match x.outcome {
                InspectionOutcome::Refused => s.deduct(Deduction::InspectionRefused, rf),
                InspectionOutcome::IssuesFound if x.findings.iter().any(|f| f.serious) => {
                    s.deduct(Deduction::InspectionSerious, rf)
                }
                InspectionOutcome::IssuesFound => s.deduct(Deduction::InspectionIssues, rf),
                InspectionOutcome::NoIssue => {}
            },
            Body::AdministrativePenalty(p) => {
                let ds: Vec<Deduction> = p
                    .measures
                    .iter()
                    .map(|m| match m.kind {
                        MeasureType::Warning => Deduction::PenaltyWarning,
                        MeasureType::PublicCriticism => Deduction::PenaltyPublicCriticism,
                        MeasureType::Fine if m.amount_yuan.is_some_and(|a| a >= rules.fine_large_from) => {
                            Deduction::PenaltyFineLarge
                        }
                        MeasureType::Fine => Deduction::PenaltyFineSmall,
                        MeasureType::Confiscation => Deduction::PenaltyConfiscation,
                        MeasureType::SuspendProduction => Deduction::PenaltySuspendProduction,
                        MeasureType::LicenceRevoked => Deduction::PenaltyLicenceRevoked,
                        MeasureType::CriminalReferral => Deduction::PenaltyCriminalReferral,
                    })
                    .collect();
                s.deduct_most_severe(&ds, e.reference());
            }
            Body::ComplaintVerified(_) => s.deduct(Deduction::Complaint, rf),
            Body::PublicOpinion(o) => s.deduct(
                if o.strong_consumer_reaction {
                    Deduction::OpinionStrongReaction
                } else {
                    match o.form {
                        OpinionForm::RegulatorNotice => Deduction::OpinionRegulatorNotice,
                        OpinionForm::MediaExposure => Deduction::OpinionMediaExposure,
                    }
                },
                rf,
            ),
            _ => {}
        }
    }
}
