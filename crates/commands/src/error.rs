//! The commands' errors: rejected input or a named thing that does not
//! exist (exit 2), or failure (exit 1). Display is the bare sentence; the
//! binary prefixes it with `credit-ledger: `.

/// An error with the contract's exit code (CONTRACT.md §3).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The input or the arguments were rejected; nothing was written.
    #[error("{0}")]
    Rejected(String),
    /// A named thing does not exist: an enterprise without facts, a ref no
    /// fact has, an unknown rule-set id. Nothing was written. Exit 2, as
    /// `Rejected`; a server answers 404.
    #[error("{0}")]
    NotFound(String),
    /// Anything else (storage, I/O).
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    /// The process exit code: 2 rejected or not found, 1 failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Rejected(_) | CliError::NotFound(_) => 2,
            CliError::Failed(_) => 1,
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
        match e {
            e @ rules::RulesError::Unknown(..) => CliError::NotFound(e.to_string()),
            e => CliError::Rejected(e.to_string()),
        }
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

/// A command's result.
pub type CliResult<T = ()> = Result<T, CliError>;
