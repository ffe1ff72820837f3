//! Where a command's answer goes: stdout, or a file written whole or not
//! at all (`grade-all --output FILE`, `replay --output FILE`, `export
//! FILE`), with the local command's messages.

use commands::{CliError, CliResult};
use std::fs::File;
use std::io::{BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

/// Where the command's stdout bytes go.
pub enum Sink {
    Stdout,
    /// `--output FILE`: a temporary sibling, synced, then renamed.
    File(PathBuf),
    /// `export FILE`: the archive as `File`; the server's note (`export -`
    /// prints it on stderr) becomes the line `export FILE` prints on stdout.
    Export(PathBuf),
}

/// The answer being printed.
pub struct Output {
    stdout: BufWriter<Stdout>,
    sink: Sink,
    /// The temporary file, opened at the first byte (or at the end): a
    /// command that fails first says why, as the local one does.
    file: Option<(PathBuf, BufWriter<File>)>,
    /// `export FILE`'s stderr, held until the end.
    notes: Vec<u8>,
    /// The error a `Write` call could not return.
    error: Option<CliError>,
}

impl Output {
    pub fn new(sink: Sink) -> Output {
        Output { stdout: BufWriter::new(std::io::stdout()), sink, file: None, notes: Vec::new(), error: None }
    }

    /// Stdout bytes of the command.
    pub fn write(&mut self, bytes: &[u8]) -> CliResult {
        let path = match &self.sink {
            Sink::Stdout => return self.stdout.write_all(bytes).map_err(stdout_failed),
            Sink::File(p) | Sink::Export(p) => p.clone(),
        };
        if self.file.is_none() {
            self.file = Some(open(&path)?);
        }
        let (_, w) = self.file.as_mut().expect("opened above");
        w.write_all(bytes).map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))
    }

    /// Stderr bytes of the command.
    pub fn note(&mut self, bytes: &[u8]) {
        match self.sink {
            Sink::Export(_) => self.notes.extend_from_slice(bytes),
            _ => {
                let _ = std::io::stderr().write_all(bytes);
            }
        }
    }

    /// The error of the last failed `Write::write`, if it was the sink's.
    pub fn take_error(&mut self) -> Option<CliError> {
        self.error.take()
    }

    /// Ends the answer: on success the file is put in place (and `export
    /// FILE` prints its line); on failure it is removed. Stdout is flushed
    /// either way, before the caller prints the error.
    pub fn finish(mut self, result: CliResult) -> CliResult {
        let done = result.and_then(|()| self.complete());
        if done.is_err() {
            if let Some((tmp, _)) = self.file.take() {
                let _ = std::fs::remove_file(tmp);
            }
        }
        let flushed = self.stdout.flush().map_err(stdout_failed);
        done.and(flushed)
    }

    fn complete(&mut self) -> CliResult {
        let path = match &self.sink {
            Sink::Stdout => return Ok(()),
            Sink::File(p) | Sink::Export(p) => p.clone(),
        };
        if self.file.is_none() {
            self.file = Some(open(&path)?);
        }
        let (tmp, w) = self.file.take().expect("opened above");
        let fail = |e: std::io::Error| CliError::Failed(format!("cannot write {}: {e}", path.display()));
        let renamed = w.into_inner().map_err(|e| e.into_error()).and_then(|f| f.sync_all()).and_then(|_| std::fs::rename(&tmp, &path));
        if let Err(e) = renamed {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(e));
        }
        File::open(parent(&path)).and_then(|d| d.sync_all()).map_err(fail)?;
        if let Sink::Export(p) = &self.sink {
            let notes = String::from_utf8_lossy(&self.notes).into_owned();
            let line = notes.trim_end_matches('\n');
            match line.rfind("; head seq ").filter(|_| line.starts_with("exported ") && !line.contains('\n')) {
                Some(i) => writeln!(self.stdout, "{} to {}{}", &line[..i], p.display(), &line[i..]).map_err(stdout_failed)?,
                None => {
                    let _ = std::io::stderr().write_all(notes.as_bytes());
                }
            }
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        match Output::write(self, b) {
            Ok(()) => Ok(b.len()),
            Err(e) => {
                let io = std::io::Error::other(e.to_string());
                self.error = Some(e);
                Err(io)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn stdout_failed(e: std::io::Error) -> CliError {
    CliError::Failed(format!("cannot write stdout: {e}"))
}

fn parent(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// The temporary sibling of `path`, created, after the checks (and with
/// the messages) of the local command.
fn open(path: &Path) -> CliResult<(PathBuf, BufWriter<File>)> {
    if path.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: it is a directory", path.display())));
    }
    // The file is replaced by a rename: a device or a pipe (/dev/null, a FIFO) would be replaced too.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(CliError::Rejected(format!("cannot write {}: it is not a regular file (a device or a pipe); name a file, or leave the option out to print", path.display())));
    }
    let dir = parent(path);
    if !dir.is_dir() {
        return Err(CliError::Rejected(format!("cannot write {}: directory {} does not exist", path.display(), dir.display())));
    }
    let tmp = dir.join(format!(".{}.tmp-{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("out"), std::process::id()));
    let f = File::create(&tmp).map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    Ok((tmp, BufWriter::new(f)))
}
