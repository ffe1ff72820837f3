//! Typed corrections (Art. 10(3)–(5)): the field replacements carried by
//! `act_changed.changes` and `record_corrected.corrected`, and the parts named
//! by `act_partially_revoked.parts`.
//!
//! A patch is typed by its target's kind and checked once, when the command
//! that accepts it runs (`ingest`). The grading fold applies it as recorded:
//! [`Patch::apply`] and [`Parts::remove_from`] never validate and never fail.
//!
//! Stored with bincode (record format 2, docs/FORMAT.md): never reorder or
//! remove a variant or a field; add at the end.

use crate::fact::*;
use crate::{ChinaDate, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How to build a patch field from JSON: `req` fields replace a required
/// body field (JSON `null` is refused); `opt` fields replace an optional one
/// (JSON `null` clears it, stored as `Some(None)`).
macro_rules! patch_field_ty {
    (req $t:ty) => { Option<$t> };
    (opt $t:ty) => { Option<Option<$t>> };
}

/// The JSON value type of a patch field: `T`, or `Option<T>` for `opt`.
macro_rules! json_field_ty {
    (req $t:ty) => { $t };
    (opt $t:ty) => { Option<$t> };
}

macro_rules! patches {
    ($($kind:ident($body:ident) => $patch:ident { $($f:ident : $mode:ident $t:ty),* $(,)? }),* $(,)?) => {
        $(
            #[doc = concat!("Replacement fields of a `", stringify!($body), "`; `None` keeps the field.")]
            #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
            pub struct $patch { $(pub $f: patch_field_ty!($mode $t)),* }

            impl $patch {
                /// Field names this patch can replace, as in CONTRACT.md §1.
                pub const FIELDS: &'static [&'static str] = &[$(stringify!($f)),*];

                fn from_json(m: Map<String, Value>) -> Result<$patch, FieldError> {
                    let mut p = $patch::default();
                    for (k, v) in m {
                        match k.as_str() {
                            $(stringify!($f) => p.$f = Some(field_value::<json_field_ty!($mode $t)>(&k, v)?),)*
                            _ => return Err(FieldError::new(&k, format!("is not a field of a {}", Kind::$kind))),
                        }
                    }
                    Ok(p)
                }

                fn to_json(&self, m: &mut Map<String, Value>) {
                    $(if let Some(v) = &self.$f { m.insert(stringify!($f).into(), serde_json::to_value(v).unwrap_or(Value::Null)); })*
                }

                fn is_empty(&self) -> bool {
                    true $(&& self.$f.is_none())*
                }

                fn apply(&self, b: &mut $body) {
                    $(if let Some(v) = &self.$f { b.$f = v.clone(); })*
                }
            }
        )*

        /// The replacement fields of a patch, by the target's kind. Variant
        /// order is the stored tag and follows `Kind`.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum BodyPatch { $($kind($patch)),* }

        impl BodyPatch {
            /// The kind of fact this patch applies to.
            pub fn kind(&self) -> Kind { match self { $(BodyPatch::$kind(_) => Kind::$kind),* } }

            /// From the JSON fields of a `changes` / `corrected` object, typed
            /// by the target's kind. Errors name the field; `None` when the
            /// kind cannot be changed.
            pub fn from_json(kind: Kind, m: Map<String, Value>) -> Option<Result<BodyPatch, FieldError>> {
                match kind {
                    $(Kind::$kind => Some($patch::from_json(m).map(BodyPatch::$kind)),)*
                    _ => None,
                }
            }

            fn to_json(&self, m: &mut Map<String, Value>) {
                match self { $(BodyPatch::$kind(p) => p.to_json(m)),* }
            }

            fn is_empty(&self) -> bool {
                match self { $(BodyPatch::$kind(p) => p.is_empty()),* }
            }

            /// Replaces the named fields of `body`. Returns false, changing
            /// nothing, when `body` is of another kind (import makes that
            /// impossible: a patch is typed by its target).
            pub fn apply(&self, body: &mut Body) -> bool {
                match (self, body) {
                    $((BodyPatch::$kind(p), Body::$kind(b)) => { p.apply(b); true })*
                    _ => false,
                }
            }
        }
    };
}

/// A JSON value as a patch field, through the same serde rules as the body's
/// field (so a date, an amount or a code is checked exactly as on import).
fn field_value<T: serde::de::DeserializeOwned>(k: &str, v: Value) -> Result<T, FieldError> {
    serde_json::from_value::<T>(v).map_err(|e| FieldError::new(k, e.to_string()))
}

patches! {
    EnterpriseRegistered(EnterpriseRegistered) => EnterpriseRegisteredPatch {
        name: req String, division: req String, scale: req Scale, key_catalogue: req bool,
    },
    EnterpriseChanged(EnterpriseChanged) => EnterpriseChangedPatch {
        name: opt String, division: opt String, scale: opt Scale, key_catalogue: opt bool,
    },
    LicenceGranted(LicenceGranted) => LicenceGrantedPatch {
        licence_no: req String, product: req String, category: req String, valid_from: req ChinaDate, valid_to: req ChinaDate,
    },
    LicenceTerminated(LicenceTerminated) => LicenceTerminatedPatch { licence_no: req String, mode: req TerminationMode },
    LicenceVerification(LicenceVerification) => LicenceVerificationPatch { licence_no: req String, result: req PassFail },
    SelfInspectionReport(SelfInspectionReport) => SelfInspectionReportPatch { year: req i32, filed_on: req ChinaDate },
    SamplingInspection(SamplingInspection) => SamplingInspectionPatch {
        level: req SamplingLevel, product: req String, batch: opt String, result: req PassFail,
        failed_items: req Vec<String>, recheck: req bool,
    },
    SupervisionInspection(SupervisionInspection) => SupervisionInspectionPatch {
        inspection: req InspectionType, outcome: req InspectionOutcome, findings: req Vec<Finding>,
    },
    RectificationOrdered(RectificationOrdered) => RectificationOrderedPatch { target: req String, deadline: req ChinaDate },
    RectificationCompleted(Targeted) => RectificationCompletedPatch { target: req String },
    AdministrativePenalty(AdministrativePenalty) => AdministrativePenaltyPatch {
        procedure: req Procedure, measures: req Vec<Measure>, cause: opt String,
    },
    ComplaintVerified(ComplaintVerified) => ComplaintVerifiedPatch { channel: req Channel, subject: opt String },
    PublicOpinion(PublicOpinion) => PublicOpinionPatch { form: req OpinionForm, strong_consumer_reaction: req bool },
    QualityRiskFinding(QualityRiskFinding) => QualityRiskFindingPatch { severity: req Severity, description: opt String },
    ListEntered(ListEntered) => ListEnteredPatch { list: req ListKind },
    ListRemoved(Targeted) => ListRemovedPatch { target: req String },
    BadCreditInfo(BadCreditInfo) => BadCreditInfoPatch { description: req String, impact_until: opt ChinaDate },
}

/// A typed correction: an optional new valid date (only `record_corrected`,
/// a clerical date error) and the target's replaced fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    /// The corrected valid date, if the correction moves it.
    pub occurred_on: Option<ChinaDate>,
    pub body: BodyPatch,
}

impl Patch {
    /// From a `changes` / `corrected` JSON object, typed by `kind`, the
    /// target's kind. `occurred_on` is accepted only when `may_move_date`.
    /// Errors name the field inside the object (e.g. `deadline`).
    pub fn from_json(kind: Kind, v: &Value, may_move_date: bool) -> Result<Patch, FieldError> {
        let Value::Object(m) = v else {
            return Err(FieldError::new("", "must be a JSON object of the target's fields"));
        };
        let mut m = m.clone();
        let occurred_on = match m.remove("occurred_on") {
            None => None,
            Some(_) if !may_move_date => {
                return Err(FieldError::new("occurred_on", "an act_changed cannot move the valid date; record a record_corrected"))
            }
            Some(Value::String(s)) => {
                Some(ChinaDate::parse_date_or_time(&s).map_err(|e| FieldError::new("occurred_on", e.to_string()))?)
            }
            Some(_) => return Err(FieldError::new("occurred_on", "must be a date string")),
        };
        let body = BodyPatch::from_json(kind, m)
            .unwrap_or_else(|| Err(FieldError::new("", format!("a {kind} cannot be changed or corrected"))))?;
        if occurred_on.is_none() && body.is_empty() {
            return Err(FieldError::new("", "must name at least one field"));
        }
        Ok(Patch { occurred_on, body })
    }

    /// The patch as the JSON object it was given as (only the set fields).
    pub fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(d) = self.occurred_on {
            m.insert("occurred_on".into(), d.to_string().into());
        }
        self.body.to_json(&mut m);
        m
    }

    /// The patch as compact JSON text (keys sorted), for messages and tables.
    pub fn as_json(&self) -> String {
        Value::Object(self.to_json()).to_string()
    }

    /// Replaces the named fields of `body` and returns the valid date as
    /// corrected. Never validates: the patch was checked when recorded.
    pub fn apply(&self, body: &mut Body, occurred_on: ChinaDate) -> ChinaDate {
        self.body.apply(body);
        self.occurred_on.unwrap_or(occurred_on)
    }
}

/// The parts named by a partial revocation (Art. 10(4)), typed by the
/// target's kind. Variant order is the stored tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parts {
    /// Failed item names of a `sampling_inspection`.
    FailedItems(Vec<String>),
    /// Measure types of an `administrative_penalty`.
    Measures(Vec<MeasureType>),
    /// Finding codes of a `supervision_inspection`.
    Findings(Vec<FindingCode>),
}

impl Parts {
    /// From the `parts` names of an import, typed by the target's kind:
    /// at least one, none twice. Errors name the offending entry; a kind
    /// without parts is refused.
    pub fn from_names(kind: Kind, names: &[String]) -> Result<Parts, FieldError> {
        if names.is_empty() {
            return Err(FieldError::new("parts", "must name at least one part"));
        }
        if let Some((i, n)) = names.iter().enumerate().find(|(i, n)| names[..*i].contains(n)) {
            return Err(FieldError::new(format!("parts[{i}]"), format!("{n:?} is named twice")));
        }
        Parts::typed(kind, names)
    }

    /// The names typed by the target's kind, as recorded (no other check:
    /// a stored partial revocation of an earlier release converts as it was).
    pub fn typed(kind: Kind, names: &[String]) -> Result<Parts, FieldError> {
        fn typed<T: serde::de::DeserializeOwned>(names: &[String], what: &str) -> Result<Vec<T>, FieldError> {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    serde_json::from_value(Value::String(n.clone()))
                        .map_err(|_| FieldError::new(format!("parts[{i}]"), format!("{n:?} is not a {what}")))
                })
                .collect()
        }
        match kind {
            Kind::SamplingInspection => Ok(Parts::FailedItems(names.to_vec())),
            Kind::AdministrativePenalty => typed(names, "measure type").map(Parts::Measures),
            Kind::SupervisionInspection => typed(names, "finding code").map(Parts::Findings),
            k => Err(FieldError::new("target", format!("a {k} has no parts to revoke"))),
        }
    }

    /// The part names as given (CONTRACT.md §1).
    pub fn names(&self) -> Vec<String> {
        match self {
            Parts::FailedItems(v) => v.clone(),
            Parts::Measures(v) => v.iter().map(|m| m.as_str().to_string()).collect(),
            Parts::Findings(v) => v.iter().map(|f| f.as_str().to_string()).collect(),
        }
    }

    /// The parts `body` has now, typed (empty for a kind without parts).
    pub fn of(body: &Body) -> Option<Parts> {
        match body {
            Body::SamplingInspection(s) => Some(Parts::FailedItems(s.failed_items.clone())),
            Body::AdministrativePenalty(p) => Some(Parts::Measures(p.measures.iter().map(|m| m.kind).collect())),
            Body::SupervisionInspection(i) => Some(Parts::Findings(i.findings.iter().map(|f| f.code).collect())),
            _ => None,
        }
    }

    /// Removes the named parts from `body`. Returns true when nothing
    /// adverse is left, i.e. the act is void (a refused inspection is never
    /// void by losing its findings). Never validates.
    pub fn remove_from(&self, body: &mut Body) -> bool {
        match (self, body) {
            (Parts::FailedItems(parts), Body::SamplingInspection(s)) => {
                s.failed_items.retain(|i| !parts.contains(i));
                s.failed_items.is_empty()
            }
            (Parts::Measures(parts), Body::AdministrativePenalty(p)) => {
                p.measures.retain(|m| !parts.contains(&m.kind));
                p.measures.is_empty()
            }
            (Parts::Findings(parts), Body::SupervisionInspection(i)) => {
                i.findings.retain(|f| !parts.contains(&f.code));
                i.findings.is_empty() && i.outcome != InspectionOutcome::Refused
            }
            _ => false,
        }
    }
}

mod json;
mod stored;

pub(crate) use json::correction_from_json;
