//! The fact vocabulary of CONTRACT.md §1 as stored types.
//!
//! Stored with bincode: never reorder or remove a variant or a field; add
//! new variants at the end (see docs/FORMAT.md).

use crate::patch::{Parts, Patch};
use crate::{ChinaDate, Points, Uscc, Yuan};
use serde::{Deserialize, Serialize};

pub use crate::validate::{check_division, check_licence_no};

/// A regulatory fact as recorded: the common fields and the kind-specific body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// Source document number, unique across the ledger (the idempotency key).
    pub reference: String,
    pub enterprise: Uscc,
    /// The valid date: the China civil date on which the fact took effect.
    pub occurred_on: ChinaDate,
    pub source: Source,
    pub note: Option<String>,
    pub body: Body,
}

impl Fact {
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
}

/// A field-level problem in a fact: the field's path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $s)] $v),* }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),* } }
            /// The value of a name as written in facts and rule-set files.
            pub fn from_name(name: &str) -> Option<$name> { $name::ALL.iter().copied().find(|v| v.as_str() == name) }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

string_enum!(
    /// Where the ledger learned a fact (Art. 8 data sources).
    Source {
        PublicitySystem = "publicity_system", SamrNotice = "samr_notice",
        ProvincialNotice = "provincial_notice", XpccNotice = "xpcc_notice",
        DailySupervision = "daily_supervision", SpecialInspection = "special_inspection",
        InternetPlus = "internet_plus", Court = "court", ComplaintPlatform = "complaint_platform",
        Media = "media", Manual = "manual",
    }
);
string_enum!(
    /// Enterprise scale (企业类型 dimension).
    Scale { Large = "large", Medium = "medium", Small = "small", Micro = "micro" }
);
string_enum!(
    /// How a licence ended: 吊销 / 撤销 (misconduct) or 撤回 / 注销 (not).
    TerminationMode {
        RevokedPenalty = "revoked_penalty", WithdrawnFraud = "withdrawn_fraud",
        Withdrawn = "withdrawn", Cancelled = "cancelled",
    }
);
string_enum!(PassFail { Pass = "pass", Fail = "fail" });
string_enum!(
    SamplingLevel { National = "national", Provincial = "provincial", Xpcc = "xpcc", Division = "division" }
);
string_enum!(InspectionType { Routine = "routine", Special = "special", Random = "random" });
string_enum!(
    InspectionOutcome { NoIssue = "no_issue", IssuesFound = "issues_found", Refused = "refused" }
);
string_enum!(
    FindingCode {
        NonconformingMaterials = "nonconforming_materials",
        NonconformingConditions = "nonconforming_conditions",
        Concealment = "concealment", FalseCommitment = "false_commitment", Other = "other",
    }
);
string_enum!(Procedure { Simple = "simple", Ordinary = "ordinary" });
string_enum!(
    /// Measures of an administrative penalty decision.
    MeasureType {
        Warning = "warning", PublicCriticism = "public_criticism", Fine = "fine",
        Confiscation = "confiscation", SuspendProduction = "suspend_production",
        LicenceRevoked = "licence_revoked", CriminalReferral = "criminal_referral",
    }
);
string_enum!(Channel { Complaint = "complaint", Report = "report" });
string_enum!(OpinionForm { RegulatorNotice = "regulator_notice", MediaExposure = "media_exposure" });
string_enum!(Severity { General = "general", Serious = "serious", MajorAccident = "major_accident" });
string_enum!(
    ListKind {
        AbnormalOperations = "abnormal_operations", SeriousViolation = "serious_violation",
        OtherBlacklist = "other_blacklist", JudgmentDefaulter = "judgment_defaulter",
    }
);
string_enum!(ErrorKind { Misjudgment = "misjudgment", Error = "error", Clerical = "clerical" });
string_enum!(Grade { A = "A", B = "B", C = "C", D = "D" });
string_enum!(Outcome { Upheld = "upheld", Rejected = "rejected" });

impl Grade {
    /// One level riskier (A→B→C→D); D stays D.
    pub fn raised(self) -> Grade {
        match self {
            Grade::A => Grade::B,
            Grade::B => Grade::C,
            Grade::C | Grade::D => Grade::D,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseRegistered {
    pub name: String,
    /// Jurisdiction code, e.g. "08".
    pub division: String,
    pub scale: Scale,
    /// On the XPCC key-product catalogue (trial scope); default false.
    #[serde(default)]
    pub key_catalogue: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseChanged {
    pub name: Option<String>,
    pub division: Option<String>,
    pub scale: Option<Scale>,
    pub key_catalogue: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceGranted {
    pub licence_no: String,
    pub product: String,
    /// Catalogue category, e.g. `危险化学品`; its risk class is rule-set data.
    pub category: String,
    pub valid_from: ChinaDate,
    /// Exclusive end of validity.
    pub valid_to: ChinaDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceTerminated {
    pub licence_no: String,
    pub mode: TerminationMode,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceVerification {
    pub licence_no: String,
    pub result: PassFail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfInspectionReport {
    /// The report year Y (due 30 June of Y+1 in the reference rules).
    pub year: i32,
    pub filed_on: ChinaDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingInspection {
    pub level: SamplingLevel,
    pub product: String,
    pub batch: Option<String>,
    pub result: PassFail,
    /// Names of the failed test items; empty on pass.
    pub failed_items: Vec<String>,
    /// A re-check after rectification; default false.
    #[serde(default)]
    pub recheck: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub code: FindingCode,
    pub text: Option<String>,
    #[serde(default)]
    pub serious: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionInspection {
    pub inspection: InspectionType,
    pub outcome: InspectionOutcome,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationOrdered {
    /// Ref of the fact whose finding is to be rectified.
    pub target: String,
    pub deadline: ChinaDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targeted {
    /// Ref of the fact this one aims at.
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    #[serde(rename = "type")]
    pub kind: MeasureType,
    /// Required for a fine.
    pub amount_yuan: Option<Yuan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdministrativePenalty {
    pub procedure: Procedure,
    pub measures: Vec<Measure>,
    pub cause: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintVerified {
    pub channel: Channel,
    pub subject: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicOpinion {
    pub form: OpinionForm,
    #[serde(default)]
    pub strong_consumer_reaction: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityRiskFinding {
    pub severity: Severity,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListEntered {
    pub list: ListKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BadCreditInfo {
    pub description: String,
    /// Exclusive end of impact; absent = no end.
    pub impact_until: Option<ChinaDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRevoked {
    pub target: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActChanged {
    pub target: String,
    /// The target's fields that replace the old ones, typed by its kind.
    pub changes: Patch,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActPartiallyRevoked {
    pub target: String,
    /// Failed item names (sampling), measure types (penalty) or finding codes
    /// (inspection), typed by the target's kind.
    pub parts: Parts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordCorrected {
    pub target: String,
    pub error: ErrorKind,
    /// Replacement fields (may include `occurred_on`); absent = the target is void.
    pub corrected: Option<Patch>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeIssued {
    pub year: i32,
    /// The evaluation date V itself (31 December of `year` for the annual run).
    pub on: ChinaDate,
    pub grade: Grade,
    /// Tenths of a point.
    pub score: Points,
    pub rules_id: String,
    pub rules_sha256: String,
    /// The knowledge cut K.
    pub known_at_seq: u64,
    /// The ledger's chain hash at K (hex).
    pub head_hash: String,
    /// SHA-256 (hex) over the chain hashes of the enterprise's records with
    /// seq ≤ K, in seq order: exactly the facts graded. `None` for decisions
    /// of record format 1, which did not record it.
    pub basis_sha256: Option<String>,
    /// The grading engine that derived the report, e.g. `credit-ledger 0.2.0`.
    pub engine_version: String,
    /// Version of the report encoding hashed in `report_sha256`
    /// (1: pretty JSON, record format 1; 2: canonical JSON, docs/FORMAT.md).
    pub report_format: u16,
    /// SHA-256 (hex) of the report's encoding in `report_format`.
    pub report_sha256: String,
    /// Ref of the decision this one replaces (`issue --supersede`).
    pub supersedes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionFiled {
    pub target: String,
    pub grounds: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionDecided {
    pub target: String,
    pub outcome: Outcome,
}

/// A rule set adopted by the regulator (`rules adopt`, issue 8): the file
/// byte for byte, so that every later question and review grades with
/// exactly these rules, and the dates it is in force (the adoption's, not
/// the file's own). Never imported: only `rules adopt` writes it, after the
/// file validated. Records of this kind are ledger-wide: `enterprise` is
/// the adopting authority's USCC, and they are in no enterprise's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetAdopted {
    /// The rule set's `id`, as in the file.
    pub id: String,
    /// SHA-256 (hex) of `file`'s bytes.
    pub sha256: String,
    /// In force on V when `effective_from` ≤ V < `effective_to`.
    pub effective_from: ChinaDate,
    pub effective_to: Option<ChinaDate>,
    /// The id of an earlier adoption whose dates overlap this one's, which
    /// this one replaces where they overlap.
    pub replaces: Option<String>,
    /// The rule-set file (UTF-8 TOML), exactly as adopted.
    pub file: String,
}

/// A supervision plan issued by `plan` (issue 11, Art. 15–19): the public
/// inputs of its random draw and the hash of the plan they produce, so that
/// anyone can recompute it (README "Re-checking a plan"). Never imported:
/// only `plan` writes it. Ledger-wide like `rule_set_adopted`: `enterprise`
/// is the issuing authority's USCC, and it is in no enterprise's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanIssued {
    /// The plan year Y (grades of the evaluation of Y − 1 steer it).
    pub year: i32,
    /// The division (jurisdiction code, e.g. "08").
    pub division: String,
    /// The knowledge cut K the plan was drawn at.
    pub known_at_seq: u64,
    /// The ledger's chain hash at K (hex): an input of the draw.
    pub head_hash: String,
    /// The public salt announced before the draw.
    pub salt: String,
    /// The rule set whose `[supervision]` table set the regimes.
    pub rules_id: String,
    pub rules_sha256: String,
    /// The inspector file (UTF-8 TOML) exactly as given; `None` when no inspectors were assigned.
    pub inspectors: Option<String>,
    /// Version of the draw construction (README "Re-checking a plan"); 1.
    pub draw_version: u16,
    /// The engine that drew it, e.g. `credit-ledger 0.3.0`.
    pub engine_version: String,
    /// SHA-256 (hex) of the plan's canonical JSON encoding.
    pub plan_sha256: String,
}

macro_rules! kinds {
    ($($v:ident($t:ty) = $s:literal),* $(,)?) => {
        /// The kind-specific part of a fact. Variant order is the stored tag.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Body { $($v($t)),* }

        /// The kind of a fact, named as in CONTRACT.md §1.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($v),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$v),*];
            pub fn name(self) -> &'static str { match self { $(Kind::$v => $s),* } }
            pub fn from_name(s: &str) -> Option<Kind> {
                match s { $($s => Some(Kind::$v),)* _ => None }
            }
        }

        impl Body {
            pub fn kind(&self) -> Kind { match self { $(Body::$v(_) => Kind::$v),* } }

            /// Builds a body of `kind` from its JSON fields (common fields
            /// removed). `target_kind` names the kind of the fact a ref
            /// points at: a change, correction or partial revocation is typed
            /// by its target's kind.
            pub fn from_fields(
                kind: Kind,
                fields: serde_json::Map<String, serde_json::Value>,
                target_kind: &dyn Fn(&str) -> Option<Kind>,
            ) -> Result<Body, FieldError> {
                if let Some(body) = crate::patch::correction_from_json(kind, &fields, target_kind) {
                    let body = body?;
                    body.validate()?;
                    return Ok(body);
                }
                let v = serde_json::Value::Object(fields);
                let body = match kind { $(Kind::$v => Body::$v(from_value::<$t>(v)?)),* };
                body.validate()?;
                Ok(body)
            }

            /// The kind-specific fields as JSON (the inverse of `from_fields`).
            pub fn to_fields(&self) -> serde_json::Map<String, serde_json::Value> {
                let v = match self { $(Body::$v(b) => serde_json::to_value(b)),* };
                match v { Ok(serde_json::Value::Object(m)) => m, _ => serde_json::Map::new() }
            }
        }
    };
}

kinds! {
    EnterpriseRegistered(EnterpriseRegistered) = "enterprise_registered",
    EnterpriseChanged(EnterpriseChanged) = "enterprise_changed",
    LicenceGranted(LicenceGranted) = "licence_granted",
    LicenceTerminated(LicenceTerminated) = "licence_terminated",
    LicenceVerification(LicenceVerification) = "licence_verification",
    SelfInspectionReport(SelfInspectionReport) = "self_inspection_report",
    SamplingInspection(SamplingInspection) = "sampling_inspection",
    SupervisionInspection(SupervisionInspection) = "supervision_inspection",
    RectificationOrdered(RectificationOrdered) = "rectification_ordered",
    RectificationCompleted(Targeted) = "rectification_completed",
    AdministrativePenalty(AdministrativePenalty) = "administrative_penalty",
    ComplaintVerified(ComplaintVerified) = "complaint_verified",
    PublicOpinion(PublicOpinion) = "public_opinion",
    QualityRiskFinding(QualityRiskFinding) = "quality_risk_finding",
    ListEntered(ListEntered) = "list_entered",
    ListRemoved(Targeted) = "list_removed",
    BadCreditInfo(BadCreditInfo) = "bad_credit_info",
    ActRevoked(ActRevoked) = "act_revoked",
    RevocationWithdrawn(Targeted) = "revocation_withdrawn",
    ActChanged(ActChanged) = "act_changed",
    ActPartiallyRevoked(ActPartiallyRevoked) = "act_partially_revoked",
    RecordCorrected(RecordCorrected) = "record_corrected",
    CreditRepaired(Targeted) = "credit_repaired",
    GradeIssued(GradeIssued) = "grade_issued",
    ObjectionFiled(ObjectionFiled) = "objection_filed",
    ObjectionDecided(ObjectionDecided) = "objection_decided",
    RuleSetAdopted(RuleSetAdopted) = "rule_set_adopted",
    PlanIssued(PlanIssued) = "plan_issued",
}

pub(crate) fn from_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.inner().to_string();
        // A missing field is reported against its parent; name the field itself.
        let field = msg
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
            .map(|f| if path == "." { f.to_string() } else { format!("{path}.{f}") })
            .unwrap_or(path);
        FieldError::new(field, msg)
    })
}

impl Kind {
    /// The six Art. 10 correction kinds.
    pub fn is_correction(self) -> bool {
        matches!(
            self,
            Kind::ActRevoked
                | Kind::RevocationWithdrawn
                | Kind::ActChanged
                | Kind::ActPartiallyRevoked
                | Kind::RecordCorrected
                | Kind::CreditRepaired
        )
    }

    /// Kinds that an `act_revoked`, `act_changed`, `record_corrected` or
    /// `credit_repaired` may not aim at.
    pub fn is_correction_grade_or_objection(self) -> bool {
        self.is_correction()
            || matches!(self, Kind::GradeIssued | Kind::ObjectionFiled | Kind::ObjectionDecided | Kind::RuleSetAdopted | Kind::PlanIssued)
    }

    /// Kinds whose records belong to the whole ledger, not to an enterprise:
    /// `enterprise` is the issuing authority's USCC, and the store lists them
    /// under their own key (docs/FORMAT.md, `A`), in no enterprise's file.
    pub fn is_ledger_wide(self) -> bool {
        matches!(self, Kind::RuleSetAdopted | Kind::PlanIssued)
    }

    /// The kinds a fact of this kind may target, when it has a target
    /// (CONTRACT.md §1); `None` for kinds without a target.
    pub fn target_allowed(self, target: Kind) -> Option<bool> {
        use Kind::*;
        Some(match self {
            ListRemoved => target == ListEntered,
            RectificationCompleted => target == RectificationOrdered,
            RevocationWithdrawn => target == ActRevoked,
            ObjectionFiled => target == GradeIssued,
            ObjectionDecided => target == Kind::ObjectionFiled,
            ActPartiallyRevoked => matches!(target, SamplingInspection | AdministrativePenalty | SupervisionInspection),
            RectificationOrdered => matches!(
                target,
                SupervisionInspection | SamplingInspection | QualityRiskFinding | LicenceVerification
                    | AdministrativePenalty | ComplaintVerified | PublicOpinion
            ),
            ActRevoked | ActChanged | RecordCorrected | CreditRepaired => !target.is_correction_grade_or_objection(),
            _ => return None,
        })
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Body {
    /// The ref this fact aims at, for kinds with a `target`.
    pub fn target(&self) -> Option<&str> {
        match self {
            Body::RectificationOrdered(b) => Some(&b.target),
            Body::RectificationCompleted(b)
            | Body::ListRemoved(b)
            | Body::RevocationWithdrawn(b)
            | Body::CreditRepaired(b) => Some(&b.target),
            Body::ActRevoked(b) => Some(&b.target),
            Body::ActChanged(b) => Some(&b.target),
            Body::ActPartiallyRevoked(b) => Some(&b.target),
            Body::RecordCorrected(b) => Some(&b.target),
            Body::ObjectionFiled(b) => Some(&b.target),
            Body::ObjectionDecided(b) => Some(&b.target),
            _ => None,
        }
    }
}
