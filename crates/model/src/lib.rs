//! The vocabulary of credit-ledger: identifiers, civil dates, amounts, points,
//! the facts of CONTRACT.md §1 and the stored record envelope.
//!
//! Pure: nothing here touches files, the clock or the environment.

pub mod amount;
pub mod date;
pub mod envelope;
pub mod fact;
pub mod parse;
pub mod patch;
pub mod record;
pub mod strict;
pub mod uscc;

pub use amount::{Points, Yuan};
pub use date::{ChinaDate, Timestamp};
pub use fact::*;
pub use parse::{parse_line, FactDraft, LineError};
pub use patch::Patch;
pub use record::{Record, Seq};
pub use uscc::Uscc;
