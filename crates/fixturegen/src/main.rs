//! `fixturegen`: writes a deterministic, seeded fact file (JSON Lines, CONTRACT.md
//! §1) for one division of credit-ledger: licence holders with their
//! registrations, licences, samplings, inspections, penalties, lists, …, and
//! Art. 10 corrections, 2021-01-01 … 2026-10-31.
//!
//! ```text
//! fixturegen [--seed 8] [--division 08] [--enterprises 220] [--out fixtures/division-08/facts.jsonl]
//! ```
//!
//! Same arguments → byte-identical output. `--enterprises` is the number of
//! licence holders; about 5% more unlicensed key-catalogue producers are added.
//! Counts per kind are printed to stderr at the end.

mod catalogue;
mod corrections;
mod fact;
mod names;
mod rng;
mod timeline;

use fact::{render, Numberer, RefSpec};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use timeline::{d, plus, Gen, Profile};

struct Args {
    seed: u64,
    division: String,
    enterprises: usize,
    out: String,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        seed: 8,
        division: "08".into(),
        enterprises: 220,
        out: "fixtures/division-08/facts.jsonl".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("usage: fixturegen [--seed N] [--division DD] [--enterprises N] [--out FILE]");
            std::process::exit(0);
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seed" => {
                a.seed = value
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {value}"))?
            }
            "--division" => a.division = value,
            "--enterprises" => {
                a.enterprises = value
                    .parse()
                    .map_err(|_| format!("--enterprises: not a number: {value}"))?
            }
            "--out" => a.out = value,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if a.enterprises < 20 {
        return Err("--enterprises must be at least 20".into());
    }
    Ok(a)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fixturegen: {e}");
            std::process::exit(2);
        }
    };
    let mut master = rng::Rng::new(args.seed);
    let mut gen = Gen::new(&args.division);
    let mut codes = BTreeSet::new();
    let mut names_used = BTreeSet::new();

    // Phase 1: enterprises.
    let unlicensed = (args.enterprises + 10) / 20;
    let mut ents = Vec::new();
    for i in 0..args.enterprises + unlicensed {
        let licensed = i < args.enterprises;
        ents.push(gen.plan(&mut master, i as u64, licensed, &mut codes, &mut names_used));
    }
    // Phase 2: the years.
    let mut years_rng = master.fork(1001);
    gen.run_years(&mut ents, &mut years_rng);
    // Phase 3: licence facts.
    for e in ents.iter_mut() {
        gen.emit_licences(e);
    }
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

    // Order by recorded time (generation order breaks ties; a dependent fact
    // is always recorded strictly after its target).
    let mut order: Vec<usize> = (0..gen.facts.len()).collect();
    order.sort_by_key(|&i| (gen.facts[i].recorded, i));
    let mut numberer = Numberer::default();
    let mut refs = vec![String::new(); gen.facts.len()];
    let mut seen = BTreeSet::new();
    for &i in &order {
        let r = numberer.assign(&gen.facts[i].reference);
        assert!(seen.insert(r.clone()), "duplicate ref {r}");
        refs[i] = r;
    }
    let mut pos = vec![0usize; gen.facts.len()];
    for (p, &i) in order.iter().enumerate() {
        pos[i] = p;
    }
    let mut out = String::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in &order {
        let f = &gen.facts[i];
        if let Some(t) = f.target_idx() {
            assert!(pos[t] < pos[i], "target after its correction");
            assert_eq!(gen.facts[t].enterprise, f.enterprise);
        }
        out.push_str(&render(f, &refs[i], &refs));
        out.push('\n');
        *counts.entry(f.kind).or_insert(0) += 1;
    }
    if let Some(dir) = std::path::Path::new(&args.out).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).expect("create output directory");
        }
    }
    let mut file = std::fs::File::create(&args.out).unwrap_or_else(|e| {
        eprintln!("fixturegen: cannot write {}: {e}", args.out);
        std::process::exit(1);
    });
    file.write_all(out.as_bytes()).expect("write");

    if std::env::var_os("FIXTUREGEN_TRACE").is_some() {
        for t in &gen.trace {
            eprintln!("trace {t}");
        }
    }
    // Summary.
    let licensed = ents.iter().filter(|e| e.licensed).count();
    eprintln!(
        "fixturegen: seed {} division {} → {}",
        args.seed, args.division, args.out
    );
    eprintln!(
        "enterprises: {} ({} licence holders, {} unlicensed key-catalogue producers)",
        ents.len(),
        licensed,
        ents.len() - licensed
    );
    eprintln!("facts: {}", order.len());
    for (k, n) in &counts {
        eprintln!("  {k:<26} {n:>5}");
    }
    for y in [2024, 2025] {
        let mut mix: BTreeMap<Profile, usize> = BTreeMap::new();
        for e in ents.iter().filter(|e| e.licensed) {
            if let Some(p) = e.profiles.get(&y) {
                *mix.entry(*p).or_insert(0) += 1;
            }
        }
        eprintln!("year profiles {y} (licensed, before corrections and raises): {mix:?}");
    }
}

/// Writes a few `occurred_on` values as RFC 3339 timestamps: one complaint
/// valid on 2025-01-01 given as `2024-12-31T16:30:00Z`, and a few others with
/// `+08:00` (one without seconds) or `Z` on the previous UTC day.
fn timestamps(gen: &mut Gen, ents: &[timeline::Ent], rng: &mut rng::Rng) {
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
    let _ = RefSpec::Fixed(String::new());
}
