//! The three typed corrections read from JSON: the patch or parts inside is
//! typed once the target's kind is known.

use super::{Parts, Patch};
use crate::fact::*;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The JSON shape of the three typed corrections; the patch inside is typed
/// once the target's kind is known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActChangedJson {
    target: String,
    changes: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordCorrectedJson {
    target: String,
    error: ErrorKind,
    corrected: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActPartiallyRevokedJson {
    target: String,
    parts: Vec<String>,
}

fn target_kind_of(target: &str, target_kind: &dyn Fn(&str) -> Option<Kind>) -> Result<Kind, FieldError> {
    target_kind(target)
        .ok_or_else(|| FieldError::new("target", format!("{target:?} is not a fact in the ledger or earlier in this import")))
}

fn within(field: &str, e: FieldError) -> FieldError {
    let inner = if e.field.is_empty() { field.to_string() } else { format!("{field}.{}", e.field) };
    FieldError::new(inner, e.message)
}

/// `act_changed`, `record_corrected` and `act_partially_revoked` from JSON,
/// typed by their target's kind; `None` for other kinds.
pub(crate) fn correction_from_json(
    kind: Kind,
    fields: &Map<String, Value>,
    target_kind: &dyn Fn(&str) -> Option<Kind>,
) -> Option<Result<Body, FieldError>> {
    let v = Value::Object(fields.clone());
    let out = match kind {
        Kind::ActChanged => (|| {
            let j: ActChangedJson = from_value(v)?;
            let k = target_kind_of(&j.target, target_kind)?;
            let changes = Patch::from_json(k, &j.changes, false).map_err(|e| within("changes", e))?;
            Ok(Body::ActChanged(ActChanged { target: j.target, changes }))
        })(),
        Kind::RecordCorrected => (|| {
            let j: RecordCorrectedJson = from_value(v)?;
            let k = target_kind_of(&j.target, target_kind)?;
            let corrected = match &j.corrected {
                None | Some(Value::Null) => None,
                Some(c) => Some(Patch::from_json(k, c, true).map_err(|e| within("corrected", e))?),
            };
            Ok(Body::RecordCorrected(RecordCorrected { target: j.target, error: j.error, corrected }))
        })(),
        Kind::ActPartiallyRevoked => (|| {
            let j: ActPartiallyRevokedJson = from_value(v)?;
            let k = target_kind_of(&j.target, target_kind)?;
            let parts = Parts::from_names(k, &j.parts)?;
            Ok(Body::ActPartiallyRevoked(ActPartiallyRevoked { target: j.target, parts }))
        })(),
        _ => return None,
    };
    Some(out)
}
