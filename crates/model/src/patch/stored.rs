//! How a [`Patch`] and [`Parts`] are serialized: their stored form
//! (bincode, record format 2) and their JSON form (as given on import).

use super::{BodyPatch, Parts, Patch};
use crate::fact::{FindingCode, MeasureType};
use crate::ChinaDate;
use serde::{Deserialize, Serialize};

/// The stored form of a [`Patch`] (bincode): exactly these fields, in order.
#[derive(Serialize, Deserialize)]
struct StoredPatch {
    occurred_on: Option<ChinaDate>,
    body: BodyPatch,
}

/// The stored form of [`Parts`] (bincode).
#[derive(Serialize, Deserialize)]
enum StoredParts {
    FailedItems(Vec<String>),
    Measures(Vec<MeasureType>),
    Findings(Vec<FindingCode>),
}

const JSON_NEEDS_KIND: &str = "a patch or parts list is read from JSON only with its target's kind (Patch::from_json, Parts::from_names)";

impl Serialize for Patch {
    /// JSON: the object of replaced fields as given; stored: `StoredPatch`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            self.to_json().serialize(s)
        } else {
            StoredPatch { occurred_on: self.occurred_on, body: self.body.clone() }.serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Patch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Patch, D::Error> {
        if d.is_human_readable() {
            return Err(serde::de::Error::custom(JSON_NEEDS_KIND));
        }
        let p = StoredPatch::deserialize(d)?;
        Ok(Patch { occurred_on: p.occurred_on, body: p.body })
    }
}

impl Serialize for Parts {
    /// JSON: the list of part names; stored: `StoredParts`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return self.names().serialize(s);
        }
        match self.clone() {
            Parts::FailedItems(v) => StoredParts::FailedItems(v),
            Parts::Measures(v) => StoredParts::Measures(v),
            Parts::Findings(v) => StoredParts::Findings(v),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Parts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Parts, D::Error> {
        if d.is_human_readable() {
            return Err(serde::de::Error::custom(JSON_NEEDS_KIND));
        }
        Ok(match StoredParts::deserialize(d)? {
            StoredParts::FailedItems(v) => Parts::FailedItems(v),
            StoredParts::Measures(v) => Parts::Measures(v),
            StoredParts::Findings(v) => Parts::Findings(v),
        })
    }
}

