//! A new ledger directory that appears whole or not at all: it is built in
//! a hidden directory beside the target (in the nearest existing ancestor,
//! so the final rename stays on one file system) and renamed into place
//! only when the work succeeded. On failure the hidden directory is
//! removed, so a rejected first import or migration creates nothing.

use crate::error::CliError;
use std::path::{Path, PathBuf};
use store::Ledger;

/// Why a fresh ledger was not put in place.
#[derive(Debug)]
pub enum FreshError {
    /// The work failed; nothing was created.
    Failed(CliError),
    /// The work succeeded, but the target appeared meanwhile (or cannot be
    /// replaced); the new ledger was discarded.
    Taken(String),
}

impl From<FreshError> for CliError {
    fn from(e: FreshError) -> Self {
        match e {
            FreshError::Failed(e) => e,
            FreshError::Taken(m) => CliError::Failed(m),
        }
    }
}

/// Builds a new ledger at `dir`, on `store`, with `work`.
pub fn build<T>(dir: &Path, store: store::StoreKind, work: impl FnOnce(&Ledger) -> Result<T, CliError>) -> Result<T, FreshError> {
    let absolute = std::path::absolute(dir).map_err(|e| FreshError::Failed(CliError::Rejected(format!("--ledger {}: {e}", dir.display()))))?;
    let base = absolute.ancestors().skip(1).find(|p| p.is_dir()).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let building = base.join(format!(".credit-ledger-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    let result = Ledger::open_or_create(&building, store).map_err(CliError::from).and_then(|ledger| work(&ledger));
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&building);
            return Err(FreshError::Failed(e));
        }
    };
    let parent = absolute.parent().unwrap_or(Path::new("."));
    // The rename is durable once the parent directory is synced.
    let placed = std::fs::create_dir_all(parent).and_then(|_| rename_when_unlocked(&building, &absolute));
    match placed {
        Ok(()) => std::fs::File::open(parent).and_then(|d| d.sync_all()).map(|_| out).map_err(|e| {
            FreshError::Failed(CliError::Failed(format!("the new ledger is at {}, but its directory could not be synced: {e}", dir.display())))
        }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&building);
            Err(FreshError::Taken(format!("cannot move the new ledger into {}: {e}; nothing was kept", dir.display())))
        }
    }
}

/// sled releases its lock from a background thread after the last handle
/// drops: rename once its lock (on the `db` file) is free. An empty target
/// directory is replaced; a non-empty one is an error.
fn rename_when_unlocked(from: &Path, to: &Path) -> std::io::Result<()> {
    use fs2::FileExt;
    let lock = from.join("db");
    // redb releases its lock when the handle drops; only sled lingers.
    let waits = if store::StoreKind::of_dir(from) == Some(store::StoreKind::Sled) { 250 } else { 0 };
    for _ in 0..waits {
        if let Ok(f) = std::fs::OpenOptions::new().read(true).write(true).open(&lock) {
            if f.try_lock_exclusive().is_ok() {
                drop(f);
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::fs::rename(from, to)
}
