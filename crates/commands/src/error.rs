//! The binary's errors: rejected input (exit 2) or failure (exit 1).

use std::fmt;

/// An error with the contract's exit code.
#[derive(Debug)]
pub enum CliError {
    /// The input or the arguments were rejected; nothing was written.
    Rejected(String),
    /// Anything else (storage, I/O).
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Rejected(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Rejected(m) | CliError::Failed(m) => f.write_str(m),
        }
    }
}

impl From<store::StoreError> for CliError {
    fn from(e: store::StoreError) -> Self {
        CliError::Failed(e.to_string())
    }
}

impl From<rules::RulesError> for CliError {
    fn from(e: rules::RulesError) -> Self {
        CliError::Rejected(e.to_string())
    }
}

impl From<ingest::AdoptError> for CliError {
    fn from(e: ingest::AdoptError) -> Self {
        match e {
            ingest::AdoptError::Store(s) => s.into(),
            e @ ingest::AdoptError::Stored { .. } => CliError::Failed(e.to_string()),
            e => CliError::Rejected(e.to_string()),
        }
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;
