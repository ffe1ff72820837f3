//! The seeded fixture generator of credit-ledger: a deterministic fact file
//! (JSON Lines, CONTRACT.md §1) of licence holders with their registrations,
//! licences, samplings, inspections, penalties, lists, …, and Art. 10
//! corrections, 2021-01-01 … 2026-10-31, that `import` accepts in full.
//!
//! It scales by *batches*: a batch is at most [`MAX_BATCH`] licence holders
//! of one division with their whole story (`batch.rs`); batches are written
//! one after the other as sorted runs and merged by recorded time
//! (`runs.rs`), so memory stays bounded whatever the size. A run of one
//! batch (at most [`MAX_BATCH`] holders, one division, given by
//! `--enterprises`) is the generator of the committed fixture, byte for byte.
//! Same configuration → same bytes.

mod batch;
mod catalogue;
mod corrections;
mod fact;
mod names;
mod refs;
mod rng;
mod runs;
pub mod sheets;
mod timeline;

pub use timeline::Profile;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// Most licence holders in one batch.
pub const MAX_BATCH: usize = 1000;
/// Fewest licence holders in one batch (the yearly quotas need a few).
pub const MIN_BATCH: usize = 20;
/// Facts per licence holder, tenfold, about (the fixture: 5148 for 220);
/// sizes the batches of a run given by its fact count.
const FACTS_PER_HOLDER_X10: u64 = 234;

/// How big a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// This many licence holders (about 5% unlicensed producers come on top).
    Enterprises(usize),
    /// About this many facts: batches are added until it is reached.
    Facts(u64),
}

/// A run of the generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub seed: u64,
    /// First division, 1..=99 (`08`: 第八师, 石河子).
    pub division: u32,
    /// Divisions the batches are spread over, round robin: `division`,
    /// `division + 1`, … (each a two-digit jurisdiction code, at most 99).
    pub divisions: u32,
    pub size: Size,
}

impl Config {
    /// Why the configuration cannot be run, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=99).contains(&self.division) {
            return Err(format!("--division must be 01 to 99, not {:02}", self.division));
        }
        if self.divisions == 0 || self.division + self.divisions - 1 > 99 {
            return Err(format!(
                "--divisions {} from division {:02} would pass division 99",
                self.divisions, self.division
            ));
        }
        match self.size {
            Size::Enterprises(n) if n < MIN_BATCH * self.divisions as usize => Err(format!(
                "--enterprises must be at least {MIN_BATCH} per division ({} for {} division(s))",
                MIN_BATCH * self.divisions as usize,
                self.divisions
            )),
            Size::Facts(0) => Err("--facts must be at least 1".into()),
            _ => Ok(()),
        }
    }

    /// Licence holders of the batches planned up front (a run given by its
    /// fact count may add more): at least one batch per division, at most
    /// [`MAX_BATCH`] holders each, sizes as even as possible.
    fn planned(&self) -> Vec<usize> {
        let k = self.divisions as usize;
        let n = match self.size {
            Size::Enterprises(n) => n,
            Size::Facts(f) => ((f * 10).div_ceil(FACTS_PER_HOLDER_X10) as usize).max(MIN_BATCH * k),
        };
        let nb = n.div_ceil(MAX_BATCH).max(k);
        (0..nb).map(|i| n / nb + usize::from(i < n % nb)).collect()
    }
}

/// What a run wrote.
#[derive(Debug, Default)]
pub struct Summary {
    pub batches: u32,
    pub enterprises: u64,
    pub licensed: u64,
    pub facts: u64,
    pub kinds: BTreeMap<&'static str, u64>,
    /// Licence holders' year profiles of 2024 and 2025 (before corrections).
    pub profiles: BTreeMap<(i32, Profile), u64>,
}

/// Generates the run `cfg` into `out`, using the directory `scratch` for its
/// sorted runs (about the output's size, removed as they are merged);
/// `trace` prints each enterprise-year's profile and causes to stderr.
/// Errors: I/O only (`cfg` must pass [`Config::check`]).
pub fn generate(cfg: &Config, scratch: &Path, out: &mut dyn Write, trace: bool) -> io::Result<Summary> {
    assert!(cfg.check().is_ok(), "unchecked configuration");
    let planned = cfg.planned();
    let mut codes = match cfg.size {
        Size::Enterprises(_) if planned.len() == 1 => names::Codes::Drawn(Default::default()),
        _ => names::Codes::Numbered { next: 0 },
    };
    let mut serials = timeline::Serials::new();
    let mut summary = Summary::default();
    let mut paths = Vec::new();
    for index in 0u32.. {
        let i = index as usize;
        let licensed = match (planned.get(i), cfg.size) {
            (Some(&n), _) => n,
            (None, Size::Facts(f)) if summary.facts < f => {
                let rest = (f - summary.facts) * summary.licensed;
                (rest.div_ceil(summary.facts.max(1)) as usize).clamp(MIN_BATCH, MAX_BATCH)
            }
            _ => break,
        };
        let division = format!("{:02}", cfg.division + index % cfg.divisions);
        let spec = batch::BatchSpec { index, seed: cfg.seed, division: &division, licensed };
        let mut run = runs::RunWriter::create(scratch.join(format!("batch-{index}.run")))?;
        let stats = batch::generate(&spec, &mut codes, &mut serials, trace, &mut run)?;
        paths.push(run.finish()?);
        summary.batches += 1;
        summary.enterprises += stats.enterprises as u64;
        summary.licensed += stats.licensed as u64;
        summary.facts += stats.facts;
        for (k, n) in stats.kinds {
            *summary.kinds.entry(k).or_insert(0) += n;
        }
        for (k, n) in stats.profiles {
            *summary.profiles.entry(k).or_insert(0) += n;
        }
        if let Size::Facts(f) = cfg.size {
            if summary.facts >= f && i + 1 >= cfg.divisions as usize {
                break;
            }
        }
    }
    let written = runs::merge(paths, scratch, out)?;
    assert_eq!(written, summary.facts, "every generated fact is written");
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(divisions: u32, size: Size) -> Config {
        Config { seed: 1, division: 8, divisions, size }
    }

    #[test]
    fn batches_are_even_bounded_and_cover_every_division() {
        assert_eq!(cfg(1, Size::Enterprises(220)).planned(), vec![220]);
        assert_eq!(cfg(1, Size::Enterprises(2001)).planned(), vec![667, 667, 667]);
        assert_eq!(cfg(3, Size::Enterprises(61)).planned(), vec![21, 20, 20]);
        let big = cfg(2, Size::Facts(10_000_000)).planned();
        assert!(big.len() > 400);
        assert!(big.iter().all(|&n| (MIN_BATCH..=MAX_BATCH).contains(&n)));
    }

    #[test]
    fn configurations_out_of_range_are_refused() {
        assert!(cfg(3, Size::Enterprises(59)).check().is_err());
        assert!(cfg(93, Size::Enterprises(10_000)).check().is_err());
        assert!(cfg(92, Size::Enterprises(10_000)).check().is_ok());
        assert!(cfg(1, Size::Facts(0)).check().is_err());
        assert!(Config { division: 0, ..cfg(1, Size::Facts(10)) }.check().is_err());
    }
}
