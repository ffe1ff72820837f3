//! Record format 1, as written by releases up to 0.1.0 (commits up to
//! `44df4d8`): its own types, decoded from its own bytes, then converted to
//! today's [`Record`]. Kinds whose stored shape did not change between
//! formats 1 and 2 reuse today's body types; the golden file
//! `fixtures/golden/records-v1.bin` and the fixtures under `fixtures/compat/`
//! pin that they still decode to the same bytes.
//!
//! Format 1 kept a change or correction as canonical JSON text, merged into
//! the target at replay; the conversion types it once, by the target's kind,
//! with the number rules of format 1 (amounts read as binary floating point
//! rounded to fen), so that an old ledger grades exactly as it did.

use crate::envelope::EnvelopeError;
use crate::fact::*;
use crate::patch::{BodyPatch, Parts, Patch};
use crate::record::{Record, Sealed, Seq};
use crate::{ChinaDate, Points, Timestamp, Uscc, Yuan};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A format-1 record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordV1 {
    pub seq: Seq,
    pub recorded_at: Timestamp,
    pub fact: FactV1,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FactV1 {
    pub reference: String,
    pub enterprise: Uscc,
    pub occurred_on: ChinaDate,
    pub source: Source,
    pub note: Option<String>,
    pub body: BodyV1,
}

/// Format 1's change patch: canonical JSON text of the replaced fields.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PatchV1(pub String);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ActChangedV1 {
    pub target: String,
    pub changes: PatchV1,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ActPartiallyRevokedV1 {
    pub target: String,
    pub parts: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordCorrectedV1 {
    pub target: String,
    pub error: ErrorKind,
    pub corrected: Option<PatchV1>,
}

/// Format 1's decision record: V was implied (31 December of `year`) and
/// the report hash was SHA-256 of the report's pretty-printed JSON.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GradeIssuedV1 {
    pub year: i32,
    pub grade: Grade,
    pub score: Points,
    pub rules_id: String,
    pub rules_sha256: String,
    pub known_at_seq: u64,
    pub head_hash: String,
    pub report_sha256: String,
    pub supersedes: Option<String>,
}

/// Format 1's body: the same variants in the same order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum BodyV1 {
    EnterpriseRegistered(EnterpriseRegistered),
    EnterpriseChanged(EnterpriseChanged),
    LicenceGranted(LicenceGranted),
    LicenceTerminated(LicenceTerminated),
    LicenceVerification(LicenceVerification),
    SelfInspectionReport(SelfInspectionReport),
    SamplingInspection(SamplingInspection),
    SupervisionInspection(SupervisionInspection),
    RectificationOrdered(RectificationOrdered),
    RectificationCompleted(Targeted),
    AdministrativePenalty(AdministrativePenalty),
    ComplaintVerified(ComplaintVerified),
    PublicOpinion(PublicOpinion),
    QualityRiskFinding(QualityRiskFinding),
    ListEntered(ListEntered),
    ListRemoved(Targeted),
    BadCreditInfo(BadCreditInfo),
    ActRevoked(ActRevoked),
    RevocationWithdrawn(Targeted),
    ActChanged(ActChangedV1),
    ActPartiallyRevoked(ActPartiallyRevokedV1),
    RecordCorrected(RecordCorrectedV1),
    CreditRepaired(Targeted),
    GradeIssued(GradeIssuedV1),
    ObjectionFiled(ObjectionFiled),
    ObjectionDecided(ObjectionDecided),
}

impl BodyV1 {
    /// The kind of the fact (the same kinds as today's, in the same order).
    pub fn kind(&self) -> Kind {
        match self {
            BodyV1::EnterpriseRegistered(_) => Kind::EnterpriseRegistered,
            BodyV1::EnterpriseChanged(_) => Kind::EnterpriseChanged,
            BodyV1::LicenceGranted(_) => Kind::LicenceGranted,
            BodyV1::LicenceTerminated(_) => Kind::LicenceTerminated,
            BodyV1::LicenceVerification(_) => Kind::LicenceVerification,
            BodyV1::SelfInspectionReport(_) => Kind::SelfInspectionReport,
            BodyV1::SamplingInspection(_) => Kind::SamplingInspection,
            BodyV1::SupervisionInspection(_) => Kind::SupervisionInspection,
            BodyV1::RectificationOrdered(_) => Kind::RectificationOrdered,
            BodyV1::RectificationCompleted(_) => Kind::RectificationCompleted,
            BodyV1::AdministrativePenalty(_) => Kind::AdministrativePenalty,
            BodyV1::ComplaintVerified(_) => Kind::ComplaintVerified,
            BodyV1::PublicOpinion(_) => Kind::PublicOpinion,
            BodyV1::QualityRiskFinding(_) => Kind::QualityRiskFinding,
            BodyV1::ListEntered(_) => Kind::ListEntered,
            BodyV1::ListRemoved(_) => Kind::ListRemoved,
            BodyV1::BadCreditInfo(_) => Kind::BadCreditInfo,
            BodyV1::ActRevoked(_) => Kind::ActRevoked,
            BodyV1::RevocationWithdrawn(_) => Kind::RevocationWithdrawn,
            BodyV1::ActChanged(_) => Kind::ActChanged,
            BodyV1::ActPartiallyRevoked(_) => Kind::ActPartiallyRevoked,
            BodyV1::RecordCorrected(_) => Kind::RecordCorrected,
            BodyV1::CreditRepaired(_) => Kind::CreditRepaired,
            BodyV1::GradeIssued(_) => Kind::GradeIssued,
            BodyV1::ObjectionFiled(_) => Kind::ObjectionFiled,
            BodyV1::ObjectionDecided(_) => Kind::ObjectionDecided,
        }
    }

    fn target(&self) -> Option<&str> {
        match self {
            BodyV1::ActChanged(b) => Some(&b.target),
            BodyV1::ActPartiallyRevoked(b) => Some(&b.target),
            BodyV1::RecordCorrected(b) => Some(&b.target),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct HashedV1<'a> {
    seq: Seq,
    recorded_at: Timestamp,
    fact: &'a FactV1,
}

/// Why a format-1 record cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpgradeError {
    #[error("its target {0:?} is not known, so its correction cannot be typed")]
    UnknownTarget(String),
    #[error("its correction does not read as a {kind}: {message}")]
    Patch { kind: Kind, message: String },
}

impl RecordV1 {
    /// Whether the stored hash matches the format-1 content and `prev_hash`.
    pub fn hash_is_valid(&self) -> Result<bool, EnvelopeError> {
        let bytes = crate::envelope::payload(&HashedV1 { seq: self.seq, recorded_at: self.recorded_at, fact: &self.fact })?;
        Ok(Record::hash_link(&self.prev_hash, &bytes) == self.hash)
    }

    /// The ref of the fact whose kind types this record's correction, if any.
    pub fn needs_target(&self) -> Option<&str> {
        self.fact.body.target()
    }

    /// Converts to today's record. `target_kind` is the kind of the fact
    /// the correction aims at (asked only for changes, corrections and
    /// partial revocations). The chain hash stays the one stored; whether
    /// it matched the format-1 content is kept in `Sealed::Format1`.
    pub fn upgrade(self, target_kind: Option<Kind>) -> Result<Record, UpgradeError> {
        let hash_ok = self.hash_is_valid().unwrap_or(false);
        let f = self.fact;
        let kind = || match (target_kind, f.body.target()) {
            (Some(k), _) => Ok(k),
            (None, t) => Err(UpgradeError::UnknownTarget(t.unwrap_or_default().to_string())),
        };
        let body = match f.body.clone() {
            BodyV1::EnterpriseRegistered(b) => Body::EnterpriseRegistered(b),
            BodyV1::EnterpriseChanged(b) => Body::EnterpriseChanged(b),
            BodyV1::LicenceGranted(b) => Body::LicenceGranted(b),
            BodyV1::LicenceTerminated(b) => Body::LicenceTerminated(b),
            BodyV1::LicenceVerification(b) => Body::LicenceVerification(b),
            BodyV1::SelfInspectionReport(b) => Body::SelfInspectionReport(b),
            BodyV1::SamplingInspection(b) => Body::SamplingInspection(b),
            BodyV1::SupervisionInspection(b) => Body::SupervisionInspection(b),
            BodyV1::RectificationOrdered(b) => Body::RectificationOrdered(b),
            BodyV1::RectificationCompleted(b) => Body::RectificationCompleted(b),
            BodyV1::AdministrativePenalty(b) => Body::AdministrativePenalty(b),
            BodyV1::ComplaintVerified(b) => Body::ComplaintVerified(b),
            BodyV1::PublicOpinion(b) => Body::PublicOpinion(b),
            BodyV1::QualityRiskFinding(b) => Body::QualityRiskFinding(b),
            BodyV1::ListEntered(b) => Body::ListEntered(b),
            BodyV1::ListRemoved(b) => Body::ListRemoved(b),
            BodyV1::BadCreditInfo(b) => Body::BadCreditInfo(b),
            BodyV1::ActRevoked(b) => Body::ActRevoked(b),
            BodyV1::RevocationWithdrawn(b) => Body::RevocationWithdrawn(b),
            BodyV1::ActChanged(b) => {
                let k = kind()?;
                Body::ActChanged(ActChanged { changes: legacy_patch(k, &b.changes, false)?, target: b.target })
            }
            BodyV1::ActPartiallyRevoked(b) => {
                let k = kind()?;
                let parts = Parts::typed(k, &b.parts).map_err(|e| UpgradeError::Patch { kind: k, message: e.to_string() })?;
                Body::ActPartiallyRevoked(ActPartiallyRevoked { target: b.target, parts })
            }
            BodyV1::RecordCorrected(b) => {
                let corrected = match &b.corrected {
                    None => None,
                    Some(p) => Some(legacy_patch(kind()?, p, true)?),
                };
                Body::RecordCorrected(RecordCorrected { target: b.target, error: b.error, corrected })
            }
            BodyV1::CreditRepaired(b) => Body::CreditRepaired(b),
            BodyV1::GradeIssued(g) => Body::GradeIssued(GradeIssued {
                year: g.year,
                // Format 1 issued only the annual run, whose V was always 31 December.
                on: ChinaDate::from_ymd(g.year, 12, 31).unwrap_or(f.occurred_on),
                grade: g.grade,
                score: g.score,
                rules_id: g.rules_id,
                rules_sha256: g.rules_sha256,
                known_at_seq: g.known_at_seq,
                head_hash: g.head_hash,
                basis_sha256: None,
                engine_version: ENGINE_FORMAT_1.to_string(),
                report_format: 1,
                report_sha256: g.report_sha256,
                supersedes: g.supersedes,
            }),
            BodyV1::ObjectionFiled(b) => Body::ObjectionFiled(b),
            BodyV1::ObjectionDecided(b) => Body::ObjectionDecided(b),
        };
        let fact = Fact { reference: f.reference, enterprise: f.enterprise, occurred_on: f.occurred_on, source: f.source, note: f.note, body };
        Ok(Record { seq: self.seq, recorded_at: self.recorded_at, fact, prev_hash: self.prev_hash, hash: self.hash, sealed: Sealed::Format1 { hash_ok } })
    }
}

/// The engine named for decisions of record format 1, which did not record one.
pub const ENGINE_FORMAT_1: &str = "credit-ledger 0.1.0 (record format 1; engine not recorded)";

/// Types a format-1 JSON patch by its target's kind. Amounts follow format
/// 1's rule (a JSON number rounded to whole fen), so a stored patch means
/// what it meant when it was recorded.
fn legacy_patch(kind: Kind, p: &PatchV1, may_move_date: bool) -> Result<Patch, UpgradeError> {
    let err = |message: String| UpgradeError::Patch { kind, message };
    let mut v: Value = serde_json::from_str(&p.0).map_err(|e| err(e.to_string()))?;
    let measures = match (&mut v, kind) {
        (Value::Object(m), Kind::AdministrativePenalty) => m.remove("measures").map(|x| legacy_measures(&x).map_err(err)).transpose()?,
        _ => None,
    };
    let mut patch = if measures.is_some() && v.as_object().is_some_and(|m| m.is_empty()) {
        Patch { occurred_on: None, body: BodyPatch::AdministrativePenalty(Default::default()) }
    } else {
        Patch::from_json(kind, &v, may_move_date).map_err(|e| err(e.to_string()))?
    };
    if let (Some(ms), BodyPatch::AdministrativePenalty(b)) = (measures, &mut patch.body) {
        b.measures = Some(ms);
    }
    Ok(patch)
}

/// Format 1's measures: `{type, amount_yuan?}` with the amount a JSON number
/// in yuan, rounded to fen.
fn legacy_measures(v: &Value) -> Result<Vec<Measure>, String> {
    let list = v.as_array().ok_or("measures is not a list")?;
    list.iter()
        .map(|m| {
            let o = m.as_object().ok_or("a measure is not an object")?;
            let kind: MeasureType = serde_json::from_value(o.get("type").cloned().unwrap_or(Value::Null)).map_err(|e| e.to_string())?;
            let amount_yuan = match o.get("amount_yuan") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => Some(legacy_fen(n)?),
                Some(_) => return Err("amount_yuan is not a number".into()),
            };
            Ok(Measure { kind, amount_yuan })
        })
        .collect()
}

fn legacy_fen(n: &serde_json::Number) -> Result<Yuan, String> {
    if let Some(u) = n.as_u64() {
        return i64::try_from(u).ok().and_then(|y| y.checked_mul(100)).map(|fen| Yuan { fen }).ok_or_else(|| "amount too large".into());
    }
    let f = n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).ok_or("amount is not a non-negative number")?;
    // Format 1 rounded the float to the nearest fen (its import refused more
    // than two decimals only beyond a 1e-6 tolerance).
    Ok(Yuan { fen: (f * 100.0).round() as i64 })
}
