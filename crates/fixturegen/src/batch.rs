//! One batch: a few hundred to [`crate::MAX_BATCH`] licence holders of one
//! division (plus about 5% unlicensed key-catalogue producers), their whole
//! story 2021…2026 with corrections, ordered by recorded time and written as
//! a sorted run (`runs.rs`). A run of one batch is exactly the generator of
//! the committed fixture.

use crate::corrections;
use crate::fact::render_template;
use crate::names::Codes;
use crate::rng::Rng;
use crate::runs::{RunRecord, RunWriter};
use crate::timeline::{self, d, plus, Gen, Profile, Serials};
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// What a batch is made of.
pub struct BatchSpec<'a> {
    /// Position in the run (0 first); batch 0's stream is the seed's own.
    pub index: u32,
    pub seed: u64,
    pub division: &'a str,
    /// Licence holders (at least 20).
    pub licensed: usize,
}

/// What a batch wrote, for the summary.
#[derive(Default)]
pub struct BatchStats {
    pub enterprises: usize,
    pub licensed: usize,
    pub facts: u64,
    pub kinds: BTreeMap<&'static str, u64>,
    /// Licence holders' year profiles of 2024 and 2025 (before corrections).
    pub profiles: BTreeMap<(i32, Profile), u64>,
}

/// Generates batch `spec` and writes it to `run` in file order. `codes`
/// and `serials` carry on from the previous batch (unique USCCs and licence
/// numbers across the run). Trace lines go to stderr when `trace` is set.
pub fn generate(
    spec: &BatchSpec<'_>,
    codes: &mut Codes,
    serials: &mut Serials,
    trace: bool,
    run: &mut RunWriter,
) -> io::Result<BatchStats> {
    let mut master = if spec.index == 0 {
        Rng::new(spec.seed)
    } else {
        Rng::new(spec.seed).fork(u64::from(spec.index))
    };
    let mut gen = Gen::new(spec.division, std::mem::take(serials));
    let mut names_used = BTreeSet::new();

    // Phase 1: enterprises.
    let unlicensed = (spec.licensed + 10) / 20;
    let mut ents = Vec::new();
    for i in 0..spec.licensed + unlicensed {
        let licensed = i < spec.licensed;
        ents.push(gen.plan(&mut master, i as u64, licensed, codes, &mut names_used));
    }
    // Phase 2: the years.
    let mut years_rng = master.fork(1001);
    gen.run_years(&mut ents, &mut years_rng);
    // Phase 3: licence facts.
    gen.emit_all_licences(&mut ents);
    // Corrections.
    let mut corr_rng = master.fork(2002);
    let spared: BTreeSet<String> = ents
        .iter()
        .filter(|e| matches!(e.profiles.get(&2025), Some(Profile::C | Profile::D)))
        .map(|e| e.uscc.clone())
        .collect();
    corrections::add(&mut gen, &mut corr_rng, &spared);
    // A handful of valid dates written as RFC 3339 timestamps.
    timestamps(&mut gen, &ents, &mut master.fork(3003));
    *serials = gen.serials();

    // Order by recorded time (generation order breaks ties; a dependent fact
    // is always recorded strictly after its target).
    let n = gen.facts.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (gen.facts[i].recorded, i));
    let mut pos = vec![0u32; n];
    for (p, &i) in order.iter().enumerate() {
        pos[i] = p as u32;
    }
    let mut dependents = vec![0u32; n];
    for f in &gen.facts {
        if let Some(t) = f.target_idx() {
            dependents[t] += 1;
        }
    }
    let mut stats = BatchStats {
        enterprises: ents.len(),
        licensed: spec.licensed,
        ..BatchStats::default()
    };
    for &i in &order {
        let f = &gen.facts[i];
        let target = f.target_idx().map(|t| {
            assert!(pos[t] < pos[i], "target after its correction");
            assert_eq!(gen.facts[t].enterprise, f.enterprise);
            pos[t]
        });
        run.write(&RunRecord {
            recorded: f.recorded,
            batch: spec.index,
            pos: pos[i],
            dependents: dependents[i],
            target,
            reference: f.reference.columns(),
            template: render_template(f),
        })?;
        *stats.kinds.entry(f.kind).or_insert(0) += 1;
    }
    stats.facts = n as u64;
    for e in ents.iter().filter(|e| e.licensed) {
        for y in [2024, 2025] {
            if let Some(p) = e.profiles.get(&y) {
                *stats.profiles.entry((y, *p)).or_insert(0) += 1;
            }
        }
    }
    if trace {
        for t in &gen.trace {
            eprintln!("trace {t}");
        }
    }
    Ok(stats)
}

/// Writes a few `occurred_on` values as RFC 3339 timestamps: one complaint
/// valid on 2025-01-01 given as `2024-12-31T16:30:00Z`, and a few others with
/// `+08:00` (one without seconds) or `Z` on the previous UTC day.
fn timestamps(gen: &mut Gen, ents: &[timeline::Ent], rng: &mut Rng) {
    // The New Year's complaint, for an enterprise whose 2025 is a C year.
    if let Some(e) = ents.iter().find(|e| {
        e.licensed
            && e.profiles.get(&2025) == Some(&Profile::C)
            && e.active_from <= d(2025, 1, 1)
            && e.active_end > d(2025, 1, 1)
    }) {
        let i = gen.complaint(e, rng, d(2025, 1, 1));
        gen.facts[i].occurred_text = Some("2024-12-31T16:30:00Z".into());
        gen.facts[i].note = Some("12315平台夜间受理，经核实属实".into());
    }
    let mut cands: Vec<usize> = (0..gen.facts.len())
        .filter(|&i| {
            let f = &gen.facts[i];
            matches!(
                f.kind,
                "supervision_inspection" | "public_opinion" | "quality_risk_finding"
            ) && f.recorded.date() > f.occurred
                && f.occurred_text.is_none()
        })
        .collect();
    rng.shuffle(&mut cands);
    for (k, &i) in cands.iter().take(5).enumerate() {
        let f = &mut gen.facts[i];
        let (h, m) = (rng.range(9, 17), rng.range(0, 59));
        f.occurred_text = Some(match k {
            0 => format!("{}T{:02}:{:02}+08:00", f.occurred.format("%Y-%m-%d"), h, m),
            1 => format!(
                "{}T{:02}:{:02}:00Z",
                plus(f.occurred, -1).format("%Y-%m-%d"),
                rng.range(16, 23),
                m
            ),
            _ => format!(
                "{}T{:02}:{:02}:00+08:00",
                f.occurred.format("%Y-%m-%d"),
                h,
                m
            ),
        });
    }
}
