//! Rule sets as data (DOMAIN.md "Reference deductions"; docs/RULES.md):
//! parsed from TOML, validated on load, identified by id and the SHA-256 of
//! the file's bytes, selected by effective date. No grading number lives in
//! code: the grading crate reads every point, cap, threshold and period here.

mod adopted;
mod check;
mod clause;
mod diff;
mod file;
mod reader;
mod schema;
mod select;
mod verdict;
pub mod paths;

pub use adopted::{Adoption, AdoptionError};
pub use clause::{Clauses, Leaf, Node};
pub use diff::{diff, Change};
pub use file::{AnnualRun, Dimension, Grades, ProductRisk, RiskClass, RuleSet, RulesError, Scope};
pub use select::{shipped, RuleBook};
pub use verdict::{Condition, Trigger, Verdict};

use std::fmt;

/// One problem of a rule-set file: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// 1-based line of the file.
    pub line: u32,
    /// Key path, e.g. `dimensions[2].points.sampling_failed`,
    /// `grades.a_conditions[3]`; empty when the problem is the file's
    /// (not UTF-8, not TOML).
    pub key: String,
    /// What is wrong, one sentence.
    pub message: String,
}

impl Problem {
    /// `origin:line: key: message`, the form of compiler messages.
    pub fn located(&self, origin: &str) -> String {
        if self.key.is_empty() {
            format!("{origin}:{}: {}", self.line, self.message)
        } else {
            format!("{origin}:{}: {}: {}", self.line, self.key, self.message)
        }
    }
}

/// A deduction rule: a pattern of facts the grading recognises, whose points
/// come from the rule set (a key of a dimension's `points` table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Deduction {
    ScaleLarge,
    ScaleMedium,
    ScaleSmall,
    ScaleMicro,
    ProductHigh,
    ProductElevated,
    FindingGeneral,
    FindingSerious,
    FindingMajorAccident,
    VerificationFailed,
    LicenceRevoked,
    SelfInspectionMissing,
    SamplingFailed,
    RecheckFailed,
    InspectionIssues,
    InspectionSerious,
    InspectionRefused,
    PenaltyWarning,
    PenaltyPublicCriticism,
    PenaltyFineSmall,
    PenaltyFineLarge,
    PenaltyConfiscation,
    PenaltySuspendProduction,
    PenaltyLicenceRevoked,
    PenaltyCriminalReferral,
    Complaint,
    OpinionRegulatorNotice,
    OpinionMediaExposure,
    OpinionStrongReaction,
}

impl Deduction {
    /// Every deduction rule, in the order of docs/RULES.md.
    pub const ALL: &'static [Deduction] = &[
        Deduction::ScaleLarge,
        Deduction::ScaleMedium,
        Deduction::ScaleSmall,
        Deduction::ScaleMicro,
        Deduction::ProductHigh,
        Deduction::ProductElevated,
        Deduction::FindingGeneral,
        Deduction::FindingSerious,
        Deduction::FindingMajorAccident,
        Deduction::VerificationFailed,
        Deduction::LicenceRevoked,
        Deduction::SelfInspectionMissing,
        Deduction::SamplingFailed,
        Deduction::RecheckFailed,
        Deduction::InspectionIssues,
        Deduction::InspectionSerious,
        Deduction::InspectionRefused,
        Deduction::PenaltyWarning,
        Deduction::PenaltyPublicCriticism,
        Deduction::PenaltyFineSmall,
        Deduction::PenaltyFineLarge,
        Deduction::PenaltyConfiscation,
        Deduction::PenaltySuspendProduction,
        Deduction::PenaltyLicenceRevoked,
        Deduction::PenaltyCriminalReferral,
        Deduction::Complaint,
        Deduction::OpinionRegulatorNotice,
        Deduction::OpinionMediaExposure,
        Deduction::OpinionStrongReaction,
    ];

    /// The key in a rule-set file.
    pub fn key(self) -> &'static str {
        use Deduction::*;
        match self {
            ScaleLarge => "scale_large",
            ScaleMedium => "scale_medium",
            ScaleSmall => "scale_small",
            ScaleMicro => "scale_micro",
            ProductHigh => "product_high",
            ProductElevated => "product_elevated",
            FindingGeneral => "finding_general",
            FindingSerious => "finding_serious",
            FindingMajorAccident => "finding_major_accident",
            VerificationFailed => "verification_failed",
            LicenceRevoked => "licence_revoked",
            SelfInspectionMissing => "self_inspection_missing",
            SamplingFailed => "sampling_failed",
            RecheckFailed => "recheck_failed",
            InspectionIssues => "inspection_issues",
            InspectionSerious => "inspection_serious",
            InspectionRefused => "inspection_refused",
            PenaltyWarning => "penalty_warning",
            PenaltyPublicCriticism => "penalty_public_criticism",
            PenaltyFineSmall => "penalty_fine_small",
            PenaltyFineLarge => "penalty_fine_large",
            PenaltyConfiscation => "penalty_confiscation",
            PenaltySuspendProduction => "penalty_suspend_production",
            PenaltyLicenceRevoked => "penalty_licence_revoked",
            PenaltyCriminalReferral => "penalty_criminal_referral",
            Complaint => "complaint",
            OpinionRegulatorNotice => "opinion_regulator_notice",
            OpinionMediaExposure => "opinion_media_exposure",
            OpinionStrongReaction => "opinion_strong_reaction",
        }
    }

    /// The rule of a rule-set file's key, if it names one.
    pub fn from_key(k: &str) -> Option<Deduction> {
        Deduction::ALL.iter().copied().find(|d| d.key() == k)
    }
}

impl fmt::Display for Deduction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
