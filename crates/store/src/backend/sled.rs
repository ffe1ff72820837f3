//! The sled 0.34.7 backend (the default), and the forward scans that keep
//! sled's page cache within its limit while they cross the whole tree
//! (issue 7: bounded memory for `grade-all`, `issue` and `verify`).

use super::{Backend, BackendError, Batch, Bytes, Scan, StoreKind};
use std::ops::Bound;

/// Key and value bytes a [`Sweep`] reads between two nudges of sled's cache.
const NUDGE_BYTES: usize = 32 * 1024;
/// Accesses sled 0.34.7 queues per cache shard before it acts on them
/// (`lru.rs`, `MAX_QUEUE_ITEMS`).
const SLED_ACCESS_BLOCK: usize = 64;
/// A point read slower than this came from the file, not sled's cache.
const COLD_READ: std::time::Duration = std::time::Duration::from_micros(20);

/// The ledger's tree in a sled database.
pub(crate) struct SledBackend {
    db: sled::Db,
    tree: sled::Tree,
}

impl SledBackend {
    pub(crate) fn new(db: sled::Db, tree: sled::Tree) -> SledBackend {
        SledBackend { db, tree }
    }
}

impl Backend for SledBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Bytes>, BackendError> {
        Ok(self.tree.get(key)?.map(Bytes::Sled))
    }

    /// A point read that keeps sled's cache bounded: after a cold read (one
    /// that pulled a page from the file) the page's cache shard is nudged
    /// as a [`Sweep`] does. Random cold reads otherwise leave up to 64 pages
    /// per shard unaccounted: an import's chunk reads held 695 MB at 3·10^6
    /// facts, 1.08 GB at 10^7; with this, 370 MB at 3·10^6. Cached reads
    /// add no page and are not nudged (nudging every read cost 15% more).
    /// The price is re-reading what was evicted, so only the import uses it.
    fn get_bounded(&self, key: &[u8]) -> Result<Option<Bytes>, BackendError> {
        let started = std::time::Instant::now();
        let value = self.tree.get(key)?;
        if started.elapsed() > COLD_READ {
            for _ in 0..SLED_ACCESS_BLOCK {
                self.tree.contains_key(key)?;
            }
        }
        Ok(value.map(Bytes::Sled))
    }

    fn apply(&self, batch: Batch) -> Result<(), BackendError> {
        let mut b = sled::Batch::default();
        for (k, v) in batch.ops {
            match v {
                Some(v) => b.insert(k, v),
                None => b.remove(k),
            }
        }
        Ok(self.tree.apply_batch(b)?)
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> Result<(), BackendError> {
        self.tree.insert(key, value)?;
        Ok(())
    }

    fn scan(&self, from: &[u8], to: Bound<&[u8]>) -> Scan<'_> {
        let to = match to {
            Bound::Included(k) => Bound::Included(k.to_vec()),
            Bound::Excluded(k) => Bound::Excluded(k.to_vec()),
            Bound::Unbounded => Bound::Unbounded,
        };
        let iter = self.tree.range::<Vec<u8>, _>((Bound::Included(from.to_vec()), to));
        Box::new(Sweep::new(&self.tree, iter).map(|kv| kv.map(|(k, v)| (Bytes::Sled(k), Bytes::Sled(v))).map_err(BackendError::from)))
    }

    fn flush(&self) -> Result<(), BackendError> {
        self.db.flush()?;
        Ok(())
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Sled
    }
}

/// A forward scan of a key range that keeps sled's page cache bounded.
///
/// sled 0.34.7 evicts pages only when it processes the accesses it has
/// recorded, per cache shard (256 shards, by page id), once 64 accesses to
/// that shard are queued; and it counts a page stored as a blob (a leaf over
/// ~128 KiB) as a few bytes. A sequential scan touches each leaf a few
/// times, so most shards never reach 64 accesses and every leaf read stays
/// in memory: `grade-all` held 1.14 GB at 10^7 facts with a 64 MiB cache.
/// So every [`NUDGE_BYTES`] the sweep reads the key just returned 64 more
/// times (cached point reads, ~20 µs in all): the shard of the page that
/// holds it then processes its queue and evicts its older pages down to its
/// share of the cache. Over the scan every shard is nudged in turn.
pub(crate) struct Sweep {
    tree: sled::Tree,
    iter: sled::Iter,
    since: usize,
}

impl Sweep {
    pub(crate) fn new(tree: &sled::Tree, iter: sled::Iter) -> Sweep {
        Sweep { tree: tree.clone(), iter, since: 0 }
    }
}

impl Iterator for Sweep {
    type Item = Result<(sled::IVec, sled::IVec), sled::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (k, v) = match self.iter.next()? {
            Ok(kv) => kv,
            Err(e) => return Some(Err(e)),
        };
        self.since += k.len() + v.len();
        if self.since >= NUDGE_BYTES {
            self.since = 0;
            for _ in 0..SLED_ACCESS_BLOCK {
                if let Err(e) = self.tree.contains_key(&k) {
                    return Some(Err(e));
                }
            }
        }
        Some(Ok((k, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This process's resident set, in bytes (Linux).
    fn rss() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
        line.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).expect("kB") * 1024
    }

    /// A tree of `n` keys of `len`-byte values (incompressible), written,
    /// flushed and reopened with a 1 MiB cache so that nothing is cached.
    fn cold_tree(dir: &std::path::Path, n: u32, len: usize) -> (sled::Db, sled::Tree) {
        {
            let db = sled::Config::new().path(dir).cache_capacity(1 << 20).open().unwrap();
            let t = db.open_tree("t").unwrap();
            let mut x = 0x9e37_79b9_7f4a_7c15u64;
            for i in 0..n {
                let v: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x as u8
                    })
                    .collect();
                t.insert(i.to_be_bytes(), v).unwrap();
            }
            db.flush().unwrap();
        }
        for _ in 0..250 {
            if let Ok(db) = sled::Config::new().path(dir).cache_capacity(1 << 20).open() {
                let t = db.open_tree("t").unwrap();
                return (db, t);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("cannot reopen the tree");
    }

    /// sled 0.34.7 keeps every page a plain scan reads (its cache limit is
    /// applied only per 64 accesses of a shard); a `Sweep` of the same tree
    /// stays near the limit. 16 MB of values, 1 MiB cache.
    #[test]
    fn issue7_a_sweep_keeps_sleds_cache_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, t) = cold_tree(dir.path(), 32_000, 500);
        let before = rss();
        let mut n = 0;
        for kv in Sweep::new(&t, t.iter()) {
            kv.unwrap();
            n += 1;
        }
        assert_eq!(n, 32_000);
        let swept = rss().saturating_sub(before);
        assert!(swept < 6 << 20, "a sweep of 16 MB grew the resident set by {swept} bytes");
        // The same scan without the nudges keeps what it read: the test can see the difference.
        let before = rss();
        assert_eq!(t.iter().count(), 32_000);
        let plain = rss().saturating_sub(before);
        assert!(plain > swept + (6 << 20), "a plain scan grew the resident set by {plain} bytes, a sweep by {swept}");
    }
}
