//! What sled 0.34.7 leaves on disk when a write fails, and how the ledger
//! copes (issue 6, input 4).
//!
//! sled writes a snapshot of its page table whenever it opens a directory
//! whose log has advanced since the last snapshot (`advance_snapshot` in its
//! recovery): it creates `snap.<lsn>.generating`, writes, syncs and renames it
//! to `snap.<lsn>`. There is no read-only mode, and reads write too (sled
//! consolidates pages as it reads them, which appends to its log), so any
//! command, even one that only reads, may write and may meet a full disk.
//! When the snapshot write fails, the `.generating` file stays, and sled's
//! own snapshot lookup (`Config::get_snapshot_files`, which excludes only
//! `.in___motion` files) then picks it as the newest snapshot and refuses to
//! open: "Read corrupted data", although the log holds every acknowledged
//! fact (sled issues #1387, #1527).
//!
//! A `.generating` file is by construction never committed: sled trusts a
//! snapshot only once it is renamed, and recovers from the previous one (or
//! from the log alone) otherwise. So the ledger removes stale ones before
//! sled opens the directory, holding sled's own lock while it does, and
//! turns a full device into one clear message (`StoreError::Full`).

use fs2::FileExt;
use std::fs::File;
use std::io;
use std::path::Path;

/// Why a write failed for want of room, if it did: a full device, an
/// exhausted quota, or the process's file size limit (`ulimit -f`, which
/// tests use to inject a failing write without root).
pub fn full_reason(e: &io::Error) -> Option<&'static str> {
    match (e.kind(), e.raw_os_error()) {
        (io::ErrorKind::StorageFull, _) | (_, Some(28)) => Some("no space left on device"), // ENOSPC
        (_, Some(122)) => Some("the disk quota is exceeded"),                                 // EDQUOT
        (io::ErrorKind::FileTooLarge, _) | (_, Some(27)) => Some("the file size limit is reached"), // EFBIG
        _ => None,
    }
}

/// Removes every uncommitted `snap.*.generating` file of the sled directory
/// `dir`, under sled's lock on `dir/db`. Does nothing when there is no `db`
/// file yet or when another process holds the lock (sled then reports the
/// lock itself). Returns how many files it removed.
pub fn remove_stale_snapshots(dir: &Path) -> io::Result<usize> {
    let db = match File::open(dir.join("db")) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    if db.try_lock_exclusive().is_err() {
        return Ok(0);
    }
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") && entry.file_type()?.is_file() {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    // Dropping `db` releases the lock; sled takes it again when it opens.
    drop(db);
    Ok(removed)
}
