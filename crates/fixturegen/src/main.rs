//! `fixturegen`: writes a deterministic, seeded fact file (JSON Lines, CONTRACT.md
//! §1) for credit-ledger: licence holders with their registrations, licences,
//! samplings, inspections, penalties, lists, …, and Art. 10 corrections,
//! 2021-01-01 … 2026-10-31, which `credit-ledger import` accepts in full.
//!
//! ```text
//! fixturegen [--seed 8] [--division 08] [--divisions 1]
//!            [--enterprises 220 | --facts N] [--out fixtures/division-08/facts.jsonl]
//! ```
//!
//! Same arguments → byte-identical output. `--enterprises` is the number of
//! licence holders (at least 20 per division); about 5% more unlicensed
//! key-catalogue producers are added. `--facts N` instead adds enterprises
//! until about N facts are written. `--divisions K` spreads the enterprises
//! over divisions `--division`, +1, …, +K-1 (field `division`, and the USCC's
//! region code: Shihezi's for 08, `66DD00` otherwise).
//!
//! Output is streamed in batches of at most 1,000 licence holders, so memory
//! stays bounded at any size (10^7 facts and more); sorted runs are kept
//! next to the output while it is written (about its size), and the output
//! appears only when complete. With at most 1,000 licence holders in one
//! division (`make fixtures`), the output is the committed fixture's
//! generator, byte for byte. Counts per kind are printed to stderr at the end.
//!
//! ```text
//! fixturegen sheets [--out fixtures/sheets]
//! ```
//!
//! writes the spreadsheet fixtures instead (issue 11, `sheets` module): a
//! sampling notice and a penalty list as XLSX, their JSON Lines twins and
//! the registrations of their enterprises; always the same bytes.
//! Exit 2: arguments rejected (nothing written); 1: the output could not be written.

use fixturegen::{Config, Size, Summary};
use std::io::Write;
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: fixturegen [--seed N] [--division DD] [--divisions K] [--enterprises N | --facts N] [--out FILE]\n       fixturegen sheets [--out DIR]";

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: not a number: {value}"))
}

fn parse_args() -> Result<(Config, PathBuf), String> {
    let mut cfg = Config { seed: 8, division: 8, divisions: 1, size: Size::Enterprises(220) };
    let mut out = PathBuf::from("fixtures/division-08/facts.jsonl");
    let (mut enterprises, mut facts) = (None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seed" => cfg.seed = number(&flag, &value)?,
            "--division" => cfg.division = number(&flag, &value)?,
            "--divisions" => cfg.divisions = number(&flag, &value)?,
            "--enterprises" => enterprises = Some(number(&flag, &value)?),
            "--facts" => facts = Some(number(&flag, &value)?),
            "--out" => out = PathBuf::from(value),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    cfg.size = match (enterprises, facts) {
        (Some(_), Some(_)) => return Err("give --enterprises or --facts, not both".into()),
        (_, Some(f)) => Size::Facts(f),
        (Some(n), None) => Size::Enterprises(n),
        (None, None) => cfg.size,
    };
    cfg.check()?;
    Ok((cfg, out))
}

/// Generates into a temporary file next to `out`, then renames it to `out`.
fn write(cfg: &Config, out: &Path) -> std::io::Result<Summary> {
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let scratch = tempfile::Builder::new().prefix(".fixturegen-runs-").tempdir_in(dir)?;
    let mut file = tempfile::Builder::new().prefix(".fixturegen-").tempfile_in(dir)?;
    let trace = std::env::var_os("FIXTUREGEN_TRACE").is_some();
    let summary = {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file.as_file_mut());
        let s = fixturegen::generate(cfg, scratch.path(), &mut w, trace)?;
        w.flush()?;
        s
    };
    // A temporary file is private (0600); the output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    file.persist(out).map_err(|e| e.error)?;
    Ok(summary)
}

/// `fixturegen sheets [--out DIR]`: the spreadsheet fixtures.
fn sheets(mut args: impl Iterator<Item = String>) -> ! {
    let out = match (args.next().as_deref(), args.next(), args.next()) {
        (None, _, _) => PathBuf::from("fixtures/sheets"),
        (Some("--out"), Some(dir), None) => PathBuf::from(dir),
        _ => {
            eprintln!("fixturegen: {USAGE}");
            std::process::exit(2);
        }
    };
    match fixturegen::sheets::write_all(&out) {
        Ok(files) => {
            for f in files {
                eprintln!("fixturegen: wrote {}", f.display());
            }
            std::process::exit(0)
        }
        Err(e) => {
            eprintln!("fixturegen: cannot write {}: {e}", out.display());
            std::process::exit(1)
        }
    }
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("sheets") {
        sheets(std::env::args().skip(2));
    }
    let (cfg, out) = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fixturegen: {e}");
            std::process::exit(2);
        }
    };
    let s = match write(&cfg, &out) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fixturegen: cannot write {}: {e}", out.display());
            std::process::exit(1);
        }
    };
    let last = cfg.division + cfg.divisions - 1;
    let divisions = if cfg.divisions == 1 { format!("{:02}", cfg.division) } else { format!("{:02}–{last:02}", cfg.division) };
    eprintln!("fixturegen: seed {} division {divisions} → {}", cfg.seed, out.display());
    eprintln!(
        "enterprises: {} ({} licence holders, {} unlicensed key-catalogue producers) in {} batch(es)",
        s.enterprises,
        s.licensed,
        s.enterprises - s.licensed,
        s.batches
    );
    eprintln!("facts: {}", s.facts);
    for (k, n) in &s.kinds {
        eprintln!("  {k:<26} {n:>5}");
    }
    for y in [2024, 2025] {
        let mix: Vec<String> = s.profiles.iter().filter(|((yy, _), _)| *yy == y).map(|((_, p), n)| format!("{p:?}: {n}")).collect();
        eprintln!("year profiles {y} (licensed, before corrections and raises): {{{}}}", mix.join(", "));
    }
}
