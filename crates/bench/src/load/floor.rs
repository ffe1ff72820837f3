//! The flush floor: what one `fdatasync` costs on the disk the ledgers are
//! on, which bounds the one-flush-per-append baseline.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// `samples` rounds of a 4 KiB write and `fdatasync` on a new file in `dir`
/// (removed afterwards): each round's wall time.
pub fn fdatasync(dir: &Path, samples: usize) -> std::io::Result<Vec<Duration>> {
    std::fs::create_dir_all(dir)?;
    let file = tempfile::tempfile_in(dir)?;
    let mut f = std::io::BufWriter::new(file);
    let block = [0x5au8; 4096];
    let mut out = Vec::with_capacity(samples);
    for i in 0..samples {
        let t = Instant::now();
        f.seek(SeekFrom::Start((i % 64) as u64 * 4096))?;
        f.write_all(&block)?;
        f.flush()?;
        f.get_ref().sync_data()?;
        out.push(t.elapsed());
    }
    Ok(out)
}
