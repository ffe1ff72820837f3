//! The differentiated supervision plan (XPCC measures Art. 15–19, issue 11).
//!
//! A pure function of public inputs: the grades in force (the standing
//! decisions of the evaluation of year Y − 1 known at K), the rule set's
//! `[supervision]` table, the ledger's chain hash at K, the year, the
//! division, a salt announced beforehand and, optionally, an inspector
//! list. The random choices come from a ChaCha20 keystream seeded by
//! SHA-256 of those inputs ([`draw`]), consumed in one documented order
//! (README "Re-checking a plan"), so anyone can recompute the plan and its
//! hash with their own code. No I/O, no clock: the shell reads the ledger
//! and the files and hands them in.

pub mod draw;
pub mod inspectors;
pub mod plan;
pub mod regime;
pub mod update;

pub use draw::{Draw, DRAW_VERSION};
pub use inspectors::{Inspector, Inspectors};
pub use plan::{draw_plan, Entry, GradeRow, Graded, Inputs, Inspection, Plan, Purpose, PLAN_FORMAT};
pub use regime::{Cadence, Regime};
pub use update::{update, Change, Current, Move, Update};

/// Why a plan could not be drawn or an inspector file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The inspector file (UTF-8 TOML) is not valid: `origin` names it.
    #[error("{origin}: {message}")]
    Inspectors { origin: String, message: String },
    /// Fewer than two inspectors may inspect `enterprise` (not conflicted),
    /// or too few to avoid the same pair twice in a row.
    #[error("inspectors: {message} for enterprise {enterprise} ({name})")]
    TooFewInspectors { enterprise: String, name: String, message: String },
    /// The plan could not be encoded for its hash.
    #[error("the plan could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
}
