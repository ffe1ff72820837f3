//! The field replacements carried by `act_changed.changes` and
//! `record_corrected.corrected`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON object of a target kind's own fields that replace the old ones.
/// Kept as canonical JSON text (keys sorted, no spaces) so that it stores
/// as a plain string and compares byte for byte; which fields are allowed is
/// checked against the target at import (see `ingest`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Patch(String);

impl Patch {
    /// From a JSON object; anything else is refused.
    pub fn from_object(v: &serde_json::Value) -> Result<Patch, String> {
        match v {
            serde_json::Value::Object(m) if !m.is_empty() => {
                // serde_json's Map is a BTreeMap without `preserve_order`: keys sort.
                Ok(Patch(serde_json::to_string(m).map_err(|e| e.to_string())?))
            }
            serde_json::Value::Object(_) => Err("must name at least one field".into()),
            _ => Err("must be a JSON object of the target's fields".into()),
        }
    }

    /// The replacement fields.
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(&self.0).unwrap_or_default()
    }

    pub fn as_json(&self) -> &str {
        &self.0
    }
}

impl Serialize for Patch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            self.fields().serialize(s)
        } else {
            s.serialize_str(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Patch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Patch, D::Error> {
        if d.is_human_readable() {
            let v = serde_json::Value::deserialize(d)?;
            Patch::from_object(&v).map_err(serde::de::Error::custom)
        } else {
            let s = String::deserialize(d)?;
            let v: serde_json::Value = serde_json::from_str(&s).map_err(serde::de::Error::custom)?;
            Patch::from_object(&v).map_err(serde::de::Error::custom)
        }
    }
}
