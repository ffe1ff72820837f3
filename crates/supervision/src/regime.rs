//! The supervision regime of each grade, read from the rule set's
//! `[supervision]` table (docs/RULES.md; Art. 16–19).

use model::fact::Grade;
use rules::RuleSet;
use serde::Serialize;

/// How a grade's minimum on-site inspections fall in the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// No routine on-site inspection (Art. 16, 无事不扰): 0 a year.
    None,
    /// A count per year that is neither even nor zero: spread over drawn quarters.
    Year,
    /// An even count not divisible by four: as many in each half-year (Art. 17–18).
    HalfYear,
    /// A multiple of four: as many in each quarter (Art. 19).
    Quarter,
}

/// One grade's regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Regime {
    pub grade: Grade,
    /// Per cent (0–100) of the grade's enterprises drawn for random
    /// sampling (“双随机、一公开”).
    pub sampling_ratio_percent: u32,
    /// Minimum on-site inspections in the year.
    pub inspections_per_year: u32,
}

impl Regime {
    /// The regime of `grade` under `rules`. The rule set's validation
    /// guarantees all four grades; a missing one reads as no supervision.
    pub fn of(rules: &RuleSet, grade: Grade) -> Regime {
        let (ratio, per_year) = rules.supervision.get(grade.as_str()).copied().unwrap_or((0, 0));
        Regime { grade, sampling_ratio_percent: ratio, inspections_per_year: per_year }
    }

    pub fn cadence(&self) -> Cadence {
        match self.inspections_per_year {
            0 => Cadence::None,
            n if n % 4 == 0 => Cadence::Quarter,
            n if n % 2 == 0 => Cadence::HalfYear,
            _ => Cadence::Year,
        }
    }

    /// Whether routine on-site inspection is skipped (Art. 16).
    pub fn skips_routine_inspection(&self) -> bool {
        self.inspections_per_year == 0
    }

    /// Inspections every quarter gets before the remainder is placed.
    pub fn per_quarter_base(&self) -> u32 {
        self.inspections_per_year / 4
    }

    /// How many of `n` enterprises are drawn: ⌈n × ratio / 100⌉, so the
    /// ratio reached is never below the rule set's.
    pub fn sampled_count(&self, n: usize) -> usize {
        let ratio = self.sampling_ratio_percent.min(100) as usize;
        (n * ratio).div_ceil(100)
    }
}
