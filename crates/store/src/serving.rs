//! Which server holds a ledger directory (issue 9, item 7): a server writes
//! its URL into `<dir>.server`, beside the directory, and holds an
//! exclusive lock on that file while it runs. A local command that finds
//! the file locked says which URL to use instead of waiting for the
//! store's own lock; a file left unlocked by a killed server is ignored.

use fs2::FileExt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The file beside `dir` that names its server.
pub fn path(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "ledger".into());
    name.push(".server");
    dir.with_file_name(name)
}

/// A server's claim on a directory: released (and the file removed) when dropped.
pub struct Claim {
    file: File,
    path: PathBuf,
}

/// Claims `dir` for the server at `url`; `Err` with the other server's URL
/// (or the I/O error) when one holds it already.
pub fn claim(dir: &Path, url: &str) -> Result<Claim, String> {
    let path = path(dir);
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if FileExt::try_lock_exclusive(&file).is_err() {
        let mut other = String::new();
        let _ = file.read_to_string(&mut other);
        return Err(format!("another server holds the ledger at {}: {}", dir.display(), other.trim()));
    }
    let written = file.set_len(0).and_then(|_| file.seek(SeekFrom::Start(0))).and_then(|_| writeln!(file, "{url}")).and_then(|_| file.sync_all());
    written.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Claim { file, path })
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = FileExt::unlock(&self.file);
    }
}

/// The URL of the running server that holds `dir`, if one does.
pub fn holder(dir: &Path) -> Option<String> {
    let mut file = File::open(path(dir)).ok()?;
    if FileExt::try_lock_shared(&file).is_ok() {
        return None;
    }
    let mut url = String::new();
    file.read_to_string(&mut url).ok()?;
    Some(url.trim().to_string()).filter(|u| !u.is_empty())
}
