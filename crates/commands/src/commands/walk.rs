//! The whole-ledger walk of `grade-all` and `replay`: enterprises stream
//! past in USCC order, a batch at a time, while the next batch is read.

use crate::error::{CliError, CliResult};
use model::Seq;
use store::{Ledger, StoredEnterprise};

/// Enterprises read ahead and graded together (on every core).
pub const BATCH: usize = 256;

/// Hands every enterprise with records known at `upto` to `each`, in USCC
/// order and batches of [`BATCH`], still encoded (the caller decodes each
/// once, on the grading threads): a reader thread walks the ledger
/// (`Ledger::enterprises_stored`) while the batch before is handled. Memory
/// holds the walk's partitions in flight (see `store::stream`) and two
/// batches. Stops at the first error, the walk's or `each`'s.
pub fn each_batch(ledger: &Ledger, upto: Seq, mut each: impl FnMut(Vec<StoredEnterprise>) -> CliResult) -> CliResult {
    std::thread::scope(|s| -> CliResult {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<StoredEnterprise>, store::StoreError>>(1);
        let reader = s.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for item in ledger.enterprises_stored(upto) {
                match item {
                    Ok(e) => batch.push(e),
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
                if batch.len() == BATCH && tx.send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err() {
                    return;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(Ok(batch));
            }
        });
        for batch in rx {
            each(batch?)?;
        }
        reader.join().map_err(|_| CliError::Failed("the ledger reader stopped unexpectedly".into()))?;
        Ok(())
    })
}

/// A spinner on stderr counting enterprises, drawn only when asked for
/// (`Ctx::progress`) and stderr is a terminal; cleared when dropped.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// `verb`: what the walk does, e.g. "grading" ("grading 120 enterprises (3s)").
    pub fn new(verb: &str, draw: bool) -> Progress {
        use std::io::IsTerminal;
        Progress((draw && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            let style = indicatif::ProgressStyle::with_template(&format!("{verb} {{pos}} enterprises ({{elapsed}})"));
            b.set_style(style.unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()));
            b
        }))
    }

    pub fn set(&self, enterprises: u64) {
        if let Some(b) = &self.0 {
            b.set_position(enterprises);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
