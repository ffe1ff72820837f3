//! Appeal review (Art. 15): grades issued as decision records, their exact
//! reproduction years later, what changed since and why, what an upheld
//! objection would change, and the enterprise's whole file (一企一档).
//!
//! A shell over the pure grading: it reads the ledger and, for `issue` only,
//! appends one atomic batch.

mod decisions;
mod dossier;
mod issue;
mod review;
mod summary;
mod whatif;

pub use decisions::{decisions, Decision, Objection, Ruling};
pub use dossier::{dossier, Dossier, FactEntry, GradeChange, HistoryPoint, LicenceView};
pub use issue::{issue, IssueOutcome};
pub use review::{review, review_at, Cause, Reproduction, Review};
pub use summary::summary;
pub use whatif::{what_if, WhatIf};

/// Why an appeal operation refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AppealError {
    /// The request was rejected (wrong kind, already issued…); nothing written.
    #[error("{0}")]
    Rejected(String),
    /// The ref or enterprise asked for has no fact in the ledger; nothing written.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Import(#[from] ingest::ImportError),
}
