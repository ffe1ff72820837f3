//! What a command takes from its surroundings: where its ledger comes
//! from, its "now", the store of a new ledger and the sinks it writes to.
//! Nothing is read from process globals, so the binary and a server run
//! the same commands and get the same bytes.

use crate::args::Cli;
use crate::error::{CliError, CliResult};
use model::{ChinaDate, Seq, Timestamp};
use std::io::Write;
use std::path::{Path, PathBuf};
use store::{Ledger, StoreKind};

/// Where a command's ledger comes from.
pub enum Source<'a> {
    /// A directory, opened (or created) by the command as today.
    Dir(PathBuf),
    /// A ledger the caller already holds open (the server); the command never opens or creates a directory.
    Shared(&'a Ledger),
}

impl Source<'_> {
    /// The ledger's directory, as messages name it.
    pub(crate) fn dir(&self) -> &Path {
        match self {
            Source::Dir(d) => d,
            Source::Shared(l) => l.dir(),
        }
    }
}

/// Everything a command takes from its surroundings: no globals.
pub struct Ctx<'a> {
    pub ledger: Source<'a>,
    /// The command's single "now" (recorded time of imported facts without one, issued decisions, "today").
    pub now: Timestamp,
    /// The store a new ledger is created on (from --store / $CREDIT_LEDGER_STORE).
    pub store: StoreKind,
    /// What the CLI prints on stdout, byte for byte. Commands write in
    /// pieces (grade-all a row at a time): buffer it if writes are costly,
    /// and flush it after [`crate::run`].
    pub out: &'a mut (dyn Write + Send),
    /// What the CLI prints on stderr (rejected lines, notes), without the final "credit-ledger: <error>" sentence.
    pub err: &'a mut (dyn Write + Send),
    /// Whether to draw progress spinners (indicatif) on the terminal; the server passes false.
    pub progress: bool,
    /// Where files named by arguments (`import FILE`, `--with FILE`,
    /// `--rules FILE`, `rules check FILE`, `rules adopt FILE`) are read from.
    pub files: Files,
    /// Set by the command: the knowledge cut K its answer used (a server reports it), when it resolved one.
    pub known_at: Option<Seq>,
}

/// Where the files an argument names come from.
#[derive(Clone, Debug, Default)]
pub enum Files {
    /// The file system (`-` = stdin), as the binary reads them.
    #[default]
    Disk,
    /// Only these, by the name the argument gives (the server: files
    /// uploaded with the request). No other file exists, stdin included,
    /// so a request can never make the server read one of its own files.
    Given(std::collections::BTreeMap<String, Vec<u8>>),
}

impl Files {
    /// The bytes of the file `name`.
    pub fn read(&self, name: &str) -> std::io::Result<Vec<u8>> {
        match self {
            Files::Disk => std::fs::read(name),
            Files::Given(m) => m.get(name).cloned().ok_or_else(|| not_given(name)),
        }
    }

    /// Whether `name` is a file (an argument that may be an id or a file).
    pub fn is_file(&self, name: &str) -> bool {
        match self {
            Files::Disk => Path::new(name).is_file(),
            Files::Given(m) => m.contains_key(name),
        }
    }

    /// The JSON Lines input `name`, read line by line when the command runs;
    /// one that cannot be opened is an error now.
    pub fn input(&self, name: &str) -> std::io::Result<ingest::Input> {
        match self {
            Files::Disk if name == "-" => Ok(ingest::Input::file(name)),
            Files::Disk => std::fs::File::open(name).map(|_| ingest::Input::file(name)),
            Files::Given(m) => m.get(name).map(|b| ingest::Input::bytes(name, b.clone())).ok_or_else(|| not_given(name)),
        }
    }
}

fn not_given(name: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::NotFound, format!("{name:?} was not sent with the request"))
}

/// An open ledger: the command's own, or the one the caller shares.
pub(crate) enum Held<'a> {
    Own(Ledger),
    Shared(&'a Ledger),
}

impl std::ops::Deref for Held<'_> {
    type Target = Ledger;
    fn deref(&self) -> &Ledger {
        match self {
            Held::Own(l) => l,
            Held::Shared(l) => l,
        }
    }
}

impl<'a> Ctx<'a> {
    /// The ledger a command reads (or appends to): the shared one, or the
    /// one at the directory, which must exist — reading never creates one,
    /// and a missing one is a rejected `--ledger` argument (exit 2,
    /// CONTRACT.md §3).
    pub(crate) fn existing(&self) -> CliResult<Held<'a>> {
        match &self.ledger {
            Source::Shared(l) => Ok(Held::Shared(l)),
            Source::Dir(dir) => {
                if !Ledger::exists(dir) {
                    return Err(CliError::Rejected(format!(
                        "there is no ledger at {} (import facts first, or give --ledger DIR)",
                        dir.display()
                    )));
                }
                Ok(Held::Own(Ledger::open(dir)?))
            }
        }
    }

    /// The directory a command that only works on one needs (`restore`,
    /// `migrate`); a shared ledger is refused, naming the command.
    pub(crate) fn own_dir(&self, command: &str) -> CliResult<&Path> {
        match &self.ledger {
            Source::Dir(d) => Ok(d),
            Source::Shared(_) => Err(CliError::Rejected(format!(
                "{command} is not available through a server; run it on the machine that holds the directory with the server stopped"
            ))),
        }
    }

    /// Writes `text` to the command's stdout.
    pub(crate) fn print(&mut self, text: &str) -> CliResult {
        self.out.write_all(text.as_bytes()).map_err(stdout_failed)
    }

    /// Writes `text` and a line end to the command's stdout.
    pub(crate) fn println(&mut self, text: impl std::fmt::Display) -> CliResult {
        writeln!(self.out, "{text}").map_err(stdout_failed)
    }

    /// Today's China civil date: that of `now` (never the machine's zone).
    pub(crate) fn today(&self) -> ChinaDate {
        self.now.china_date()
    }
}

/// A failed write to the command's stdout (exit 1).
pub(crate) fn stdout_failed(e: std::io::Error) -> CliError {
    CliError::Failed(format!("cannot write stdout: {e}"))
}

/// Writes one line to the command's stderr. A sink that cannot be written
/// loses the line: there is nowhere left to say so.
pub(crate) fn note(err: &mut dyn Write, line: impl std::fmt::Display) {
    let _ = writeln!(err, "{line}");
}

/// The global options, resolved.
pub struct Globals {
    /// `--ledger`, else `$CREDIT_LEDGER_DIR`, else `./ledger`.
    pub dir: PathBuf,
    /// `--now`, else `$CREDIT_LEDGER_NOW`, else the system clock (read once).
    pub now: Timestamp,
    /// `--store`, else `$CREDIT_LEDGER_STORE`, else sled.
    pub store: StoreKind,
}

/// Resolves the global options (--ledger/$CREDIT_LEDGER_DIR,
/// --now/$CREDIT_LEDGER_NOW with its "not later than the clock" check,
/// --store/$CREDIT_LEDGER_STORE). A bad value is rejected (exit 2).
pub fn globals(cli: &Cli) -> CliResult<Globals> {
    let now = now(cli.now.clone())?;
    let store = store_kind(cli.store.clone())?;
    Ok(Globals { dir: ledger_dir(cli.ledger.clone()), now, store })
}

/// "Now" from `--now`, else `$CREDIT_LEDGER_NOW` (for tests and
/// backfills), else the system clock, read once so one command has one
/// "now". A given time may not be later than the system clock: recorded
/// times never decrease, so a "now" in the future would block every later
/// import.
fn now(flag: Option<String>) -> CliResult<Timestamp> {
    let env = std::env::var("CREDIT_LEDGER_NOW").ok().filter(|v| !v.is_empty());
    let clock = Timestamp::from_utc(chrono::Utc::now());
    let Some((source, value)) = flag.map(|v| ("--now", v)).or_else(|| env.map(|v| ("$CREDIT_LEDGER_NOW", v))) else {
        return Ok(clock);
    };
    let t = Timestamp::parse(&value).map_err(|e| CliError::Rejected(format!("{source}: {e}")))?;
    if t > clock {
        return Err(CliError::Rejected(format!("{source}: {value} is later than the system clock ({clock}); it may only move \"now\" back")));
    }
    Ok(t)
}

/// The store of a new ledger from `--store`, else `$CREDIT_LEDGER_STORE`, else sled.
fn store_kind(flag: Option<String>) -> CliResult<StoreKind> {
    let env = std::env::var("CREDIT_LEDGER_STORE").ok().filter(|v| !v.is_empty());
    let Some((source, value)) = flag.map(|v| ("--store", v)).or_else(|| env.map(|v| ("$CREDIT_LEDGER_STORE", v))) else {
        return Ok(StoreKind::default());
    };
    StoreKind::parse(&value).ok_or_else(|| CliError::Rejected(format!("{source}: {value:?} is no store (sled or redb)")))
}

/// `--ledger`, else `$CREDIT_LEDGER_DIR`, else `./ledger` (CONTRACT.md §3).
fn ledger_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("CREDIT_LEDGER_DIR").map(PathBuf::from)).unwrap_or_else(|| PathBuf::from("ledger"))
}
