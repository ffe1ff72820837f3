//! The figures of one size, as measured; rendered by `report`.

use std::time::Duration;

/// A figure: measured, failed (why), or not measured (why).
#[derive(Clone, Debug)]
pub enum Fig<T> {
    Ok(T),
    Failed(String),
    Skipped(String),
}

impl<T> Fig<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Fig::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// The text of a failed or skipped figure; `None` when measured.
    pub fn why(&self) -> Option<&str> {
        match self {
            Fig::Ok(_) => None,
            Fig::Failed(s) | Fig::Skipped(s) => Some(s),
        }
    }
}

/// One process: wall time and peak RSS (bytes).
#[derive(Clone, Copy, Debug)]
pub struct Proc {
    pub wall: Duration,
    pub rss: u64,
}

/// Repeated processes: count, total and median wall time, largest peak RSS.
#[derive(Clone, Copy, Debug)]
pub struct Runs {
    pub n: usize,
    pub total: Duration,
    pub p50: Duration,
    pub max: Duration,
    pub rss: u64,
}

/// Per-enterprise latencies measured inside one worker process.
#[derive(Clone, Copy, Debug)]
pub struct Lat {
    pub open: Duration,
    pub p50: Duration,
    pub p99: Duration,
    /// Product only: the read alone, without grading.
    pub read: Option<(Duration, Duration)>,
    pub n: u64,
    pub rss: u64,
}

/// The figures of the product on one store (sled, or redb for comparison).
#[derive(Clone, Debug)]
pub struct StoreFigs {
    pub import: Fig<Proc>,
    /// Bytes on disk (allocated blocks, as `du`).
    pub disk: Fig<u64>,
    pub small: Fig<Runs>,
    pub grade_proc: Fig<Runs>,
    pub inproc: Fig<Lat>,
    pub grade_all: Fig<Proc>,
    pub verify: Fig<Proc>,
    pub issue: Fig<Proc>,
}

/// Everything measured at one size.
#[derive(Clone, Debug)]
pub struct SizeResult {
    pub size: u64,
    pub data: Fig<DataInfo>,
    pub import_product: Fig<Proc>,
    pub import_sqlite: Fig<Proc>,
    pub import_raw: Fig<Proc>,
    /// Bytes on disk (allocated blocks, as `du`).
    pub disk_product: Fig<u64>,
    pub disk_sqlite: Fig<u64>,
    pub small_product: Fig<Runs>,
    pub small_sqlite: Fig<Runs>,
    pub small_raw: Fig<Runs>,
    pub grade_proc: Fig<Runs>,
    pub inproc_product: Fig<Lat>,
    pub inproc_sqlite: Fig<Lat>,
    pub grade_all: Fig<Proc>,
    pub scan_sqlite: Fig<Proc>,
    pub scan_raw: Fig<Proc>,
    pub verify: Fig<Proc>,
    pub issue: Fig<Proc>,
    /// The same layout on redb behind the same store trait (`None`: `--no-redb`).
    pub redb: Option<StoreFigs>,
}

/// The data of one size.
#[derive(Clone, Debug)]
pub struct DataInfo {
    pub facts: u64,
    pub bytes: u64,
    pub enterprises: u64,
    pub generator: String,
}

impl SizeResult {
    /// A size where nothing was measured, for `why`.
    pub fn skipped(size: u64, data: Fig<DataInfo>, why: &str) -> SizeResult {
        fn s<T>(why: &str) -> Fig<T> {
            Fig::Skipped(why.to_string())
        }
        SizeResult {
            size,
            data,
            import_product: s(why),
            import_sqlite: s(why),
            import_raw: s(why),
            disk_product: s(why),
            disk_sqlite: s(why),
            small_product: s(why),
            small_sqlite: s(why),
            small_raw: s(why),
            grade_proc: s(why),
            inproc_product: s(why),
            inproc_sqlite: s(why),
            grade_all: s(why),
            scan_sqlite: s(why),
            scan_raw: s(why),
            verify: s(why),
            issue: s(why),
            redb: None,
        }
    }
}
