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
pub mod refkey;
pub mod strict;
pub mod uscc;
pub mod v1;
mod validate;

pub use amount::{Points, Yuan};
pub use date::{ChinaDate, Timestamp};
pub use fact::*;
pub use parse::{parse_line, parse_line_with, FactDraft, LineError};
pub use patch::{BodyPatch, Parts, Patch};
pub use record::{Decoded, Record, Sealed, Seq};
pub use refkey::ref_key;
pub use uscc::Uscc;
