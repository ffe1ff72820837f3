//! Worker sub-modes: the suite spawns its own binary in one of these, so that
//! each measured baseline runs as a child process (its wall time and peak RSS
//! measured like the product's). Each prints one JSON object on stdout.

use std::path::Path;

/// The sub-modes, by first argument.
const MODES: [&str; 6] = ["sqlite-import", "sqlite-read", "sqlite-scan", "raw-append", "raw-scan", "product-read"];

/// Whether `arg` names a worker sub-mode.
pub fn is_mode(arg: &str) -> bool {
    MODES.contains(&arg)
}

/// Runs a sub-mode; returns the exit code (0 ok, 2 bad arguments, 1 failure).
pub fn run(mode: &str, args: &[String]) -> i32 {
    let want = match mode {
        "sqlite-scan" | "raw-scan" => 1,
        "sqlite-read" => 2,
        _ => 3,
    };
    if args.len() != want {
        eprintln!("bench {mode}: expected {want} arguments, got {}", args.len());
        return 2;
    }
    let a = |i: usize| args[i].as_str();
    let batch = || a(1).parse::<usize>().map_err(|_| format!("batch: not a number: {}", a(1)));
    let result = match mode {
        "sqlite-import" => batch().and_then(|b| crate::sqlite::import(Path::new(a(0)), b, Path::new(a(2)))),
        "sqlite-read" => crate::sqlite::read(Path::new(a(0)), Path::new(a(1))),
        "sqlite-scan" => crate::sqlite::scan(Path::new(a(0))),
        "raw-append" => batch().and_then(|b| crate::raw::append(Path::new(a(0)), b, Path::new(a(2)))),
        "raw-scan" => crate::raw::scan(Path::new(a(0))),
        "product-read" => crate::product::read(Path::new(a(0)), Path::new(a(1)), a(2)),
        _ => Err(format!("unknown sub-mode {mode}")),
    };
    match result {
        Ok(v) => {
            println!("{v}");
            0
        }
        Err(e) => {
            eprintln!("bench {mode}: {e}");
            1
        }
    }
}

/// The lines of a sample file (one USCC a line).
pub fn sample_lines(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text.lines().filter(|l| !l.is_empty()).map(String::from).collect())
}

/// Microseconds of a duration, for the JSON a worker prints.
pub fn us(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
