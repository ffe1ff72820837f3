//! Each command as the request to its endpoint (the server's `router`):
//! the query parameters are the command's flags with `_` for `-`; a file
//! an argument names is read here, with the local command's messages, and
//! sent as the body.

use super::http::{encode, Call, Payload};
use super::output::Sink;
use commands::args::{Command, Format, ImportFormat, Question, ReportFormat, RulesCommand};
use commands::{CliError, CliResult};
use std::io::Read;
use std::path::Path;

/// What to do with a command given `--server`.
pub enum Plan {
    Send(Call),
    /// A command that reads no ledger, only a file of this machine.
    Local(Command),
}

type Query = Vec<(&'static str, String)>;

const NDJSON: &str = "application/x-ndjson";
const TOML: &str = "application/toml";

/// The request for `command`, or why it cannot go through a server.
pub fn call(command: Command) -> CliResult<Plan> {
    let call = match command {
        Command::Import(a) if a.format == ImportFormat::Xlsx => {
            return Err(local_only("import --format xlsx", "the server takes JSON Lines; its rows would be reported as lines, not as sheet rows and columns"))
        }
        Command::Import(a) => {
            let mut q = Query::new();
            if a.format == ImportFormat::Json {
                q.push(("format", "json".into()));
            }
            let payload = inputs(&a.files, &mut q)?;
            Call::post("/import".into(), q, payload)
        }
        Command::Grade(a) => {
            let mut q = question(&a.question)?;
            report_format(&mut q, a.format);
            Call::get(format!("/grade/{}", encode(&a.uscc)), q)
        }
        Command::GradeAll(a) => {
            let mut q = question(&a.question)?;
            opt(&mut q, "division", a.division);
            list_format(&mut q, a.format)?;
            Call::get("/grade-all".into(), q).into(a.output.map_or(Sink::Stdout, Sink::File))
        }
        Command::Issue(a) => {
            let mut q = vec![("year", a.year.to_string())];
            if a.supersede {
                q.push(("supersede", "true".into()));
            }
            opt(&mut q, "rules", rule_id("--rules", a.rules)?);
            report_format(&mut q, a.format);
            Call::post("/issue".into(), q, Payload::Empty)
        }
        Command::Review(a) => {
            if let Some(file) = a.rules {
                return Err(CliError::Rejected(format!(
                    "review --rules {file}: a rule-set file is not sent to a server; it trusts the shipped rule sets and those adopted in its ledger (rules adopt)"
                )));
            }
            let mut q = Query::new();
            report_format(&mut q, a.format);
            Call::get(format!("/review/{}", encode(&a.reference)), q)
        }
        Command::Diff(a) => {
            let mut q = question(&a.question)?;
            opt(&mut q, "vs_known_at_seq", a.vs_known_at_seq.map(|k| k.to_string()));
            opt(&mut q, "vs_rules", rule_id("--vs-rules", a.vs_rules)?);
            opt(&mut q, "vs_on", a.vs_on);
            report_format(&mut q, a.format);
            Call::get(format!("/diff/{}", encode(&a.uscc)), q)
        }
        Command::Replay(a) => {
            let mut q = vec![("rules", rule_id("--rules", Some(a.rules))?.unwrap_or_default())];
            q.push(("vs_rules", rule_id("--vs-rules", Some(a.vs_rules))?.unwrap_or_default()));
            q.push(("on", a.on));
            opt(&mut q, "known_at_seq", a.known_at_seq.map(|k| k.to_string()));
            if a.official_run {
                q.push(("official_run", "true".into()));
            }
            opt(&mut q, "division", a.division);
            list_format(&mut q, a.format)?;
            Call::get("/replay".into(), q).into(a.output.map_or(Sink::Stdout, Sink::File))
        }
        Command::WhatIf(a) => {
            let mut q = vec![("on", a.on)];
            opt(&mut q, "rules", rule_id("--rules", a.rules)?);
            report_format(&mut q, a.format);
            let payload = inputs(&a.with, &mut q)?;
            Call::post(format!("/what-if/{}", encode(&a.uscc)), q, payload)
        }
        Command::Dossier(a) => {
            let mut q = Query::new();
            opt(&mut q, "as_of", a.as_of);
            report_format(&mut q, a.format);
            Call::get(format!("/dossier/{}", encode(&a.uscc)), q)
        }
        Command::Verify(a) if a.archive.is_some() => return Ok(Plan::Local(Command::Verify(a))),
        Command::Verify(a) => {
            let mut q = Query::new();
            report_format(&mut q, a.format);
            Call::get("/verify".into(), q)
        }
        Command::Export(a) => {
            let sink = if a.file == "-" { Sink::Stdout } else { Sink::Export(a.file.into()) };
            Call::get("/export".into(), Query::new()).into(sink)
        }
        Command::Rules(a) => {
            let mut q = Query::new();
            report_format(&mut q, a.format);
            rules(a.command.unwrap_or(RulesCommand::List), q)?
        }
        Command::Restore(_) => return Err(local_only("restore", "it creates a ledger directory on this machine: run it where the directory is, with the server stopped")),
        Command::Migrate(_) => return Err(local_only("migrate", "it converts a ledger directory on this machine: run it where the directory is, with the server stopped")),
        Command::Audit(a) if a.audit.is_some() => return Err(local_only("audit --audit FILE", "it reads a trail file on this machine; without --audit it shows the server's own (auditors)")),
        Command::Audit(a) => {
            let mut q = Query::new();
            opt(&mut q, "tail", a.tail.map(|n| n.to_string()));
            report_format(&mut q, a.format);
            Call::get("/audit".into(), q)
        }
        Command::Serve(_) => return Err(local_only("serve", "it is the server")),
        Command::Plan(_) => return Err(local_only("plan", "the server has no plan endpoint yet: run it on the ledger directory, with the server stopped")),
    };
    Ok(Plan::Send(call))
}

fn rules(command: RulesCommand, mut q: Query) -> CliResult<Call> {
    Ok(match command {
        RulesCommand::List => Call::get("/rules".into(), q),
        RulesCommand::Check(c) => {
            let bytes = std::fs::read(&c.file).map_err(|e| CliError::Rejected(format!("cannot read rule-set file {}: {e}", c.file)))?;
            q.push(("name", c.file));
            Call::post("/rules/check".into(), q, Payload::Raw { content_type: TOML, bytes })
        }
        RulesCommand::Show(s) => {
            let id = rule_id("rules show", Some(s.rules))?.unwrap_or_default();
            Call::get(format!("/rules/{}", encode(&id)), q)
        }
        RulesCommand::Diff(d) => {
            let a = rule_id("rules diff", Some(d.a))?.unwrap_or_default();
            let b = rule_id("rules diff", Some(d.b))?.unwrap_or_default();
            q.splice(0..0, [("a", a), ("b", b)]);
            Call::get("/rules/diff".into(), q)
        }
        RulesCommand::Adopt(a) => {
            let name = a.file.display().to_string();
            let bytes = std::fs::read(&a.file).map_err(|e| CliError::Rejected(format!("cannot read {name}: {e}")))?;
            let mut p = vec![("name", name), ("effective_from", a.effective_from)];
            opt(&mut p, "effective_to", a.effective_to);
            opt(&mut p, "replaces", a.replaces);
            p.push(("authority", a.authority));
            opt(&mut p, "ref", a.reference);
            p.extend(q);
            Call::post("/rules/adopt".into(), p, Payload::Raw { content_type: TOML, bytes })
        }
    })
}

/// `--on`, `--known-at-seq` / `--known-at`, `--rules` (an id).
fn question(q: &Question) -> CliResult<Query> {
    let mut p = vec![("on", q.on.clone())];
    opt(&mut p, "known_at_seq", q.known_at_seq.map(|k| k.to_string()));
    opt(&mut p, "known_at", q.known_at.clone());
    opt(&mut p, "rules", rule_id("--rules", q.rules.clone())?);
    Ok(p)
}

fn opt(q: &mut Query, key: &'static str, value: Option<String>) {
    if let Some(v) = value {
        q.push((key, v));
    }
}

fn report_format(q: &mut Query, f: ReportFormat) {
    if f == ReportFormat::Json {
        q.push(("format", "json".into()));
    }
}

fn list_format(q: &mut Query, f: Format) -> CliResult {
    match f {
        Format::Table => {}
        Format::Json => q.push(("format", "json".into())),
        Format::Csv => q.push(("format", "csv".into())),
        Format::Jsonl => q.push(("format", "jsonl".into())),
        // The server answers in text; the division board's page offers its table as XLSX.
        Format::Xlsx => {
            return Err(CliError::Rejected(
                "--format xlsx is written on this machine from a ledger directory: run without --server, or ask the server for csv".into(),
            ))
        }
    }
    Ok(())
}

/// A rule-set argument as the server takes it: an id. A file (as the
/// local command tells them apart: ending in `.toml`, or an existing
/// file) is refused; the server knows the shipped and adopted sets.
fn rule_id(flag: &str, arg: Option<String>) -> CliResult<Option<String>> {
    match arg {
        Some(f) if f.ends_with(".toml") || Path::new(&f).is_file() => Err(CliError::Rejected(format!(
            "{flag} {f}: a rule-set file is not sent to a server; adopt it there (rules adopt) and give its id, or run the command on a ledger directory without --server"
        ))),
        other => Ok(other),
    }
}

/// The JSON Lines files (`-` = stdin) of `import` and `what-if --with`,
/// read whole here with the local command's messages: one is the body,
/// named by `name=`; several are the parts of a multipart body.
fn inputs(names: &[String], q: &mut Query) -> CliResult<Payload> {
    // As locally: every file is opened before any is read.
    let mut opened = Vec::with_capacity(names.len());
    for name in names {
        let source: Box<dyn Read> = if name == "-" {
            Box::new(std::io::stdin())
        } else {
            Box::new(std::fs::File::open(name).map_err(|e| CliError::Rejected(format!("cannot read {name}: {e}")))?)
        };
        opened.push((name, source));
    }
    let mut read = Vec::with_capacity(names.len());
    for (name, mut source) in opened {
        let mut bytes = Vec::new();
        source.read_to_end(&mut bytes).map_err(|e| CliError::Rejected(format!("cannot read {name}: {e}; nothing was appended")))?;
        read.push((name.clone(), bytes));
    }
    if read.len() == 1 {
        let (name, bytes) = read.pop().expect("one input");
        q.push(("name", name));
        return Ok(Payload::Raw { content_type: NDJSON, bytes });
    }
    Ok(Payload::Form(read))
}

fn local_only(command: &str, why: &str) -> CliError {
    CliError::Rejected(format!("{command} is not available through a server ({why}); run it without --server and with $CREDIT_LEDGER_SERVER empty"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    fn call(args: &[&str]) -> commands::CliResult<super::Plan> {
        let cli = commands::args::Cli::try_parse_from(std::iter::once("credit-ledger").chain(args.iter().copied())).unwrap();
        super::call(cli.command)
    }

    /// Issue 11: a workbook is written on this machine from a ledger
    /// directory; through a server the client refuses it before sending.
    #[test]
    fn issue11_xlsx_is_refused_through_a_server() {
        for args in [
            &["grade-all", "--on", "2025-12-31", "--format", "xlsx", "--output", "g.xlsx"][..],
            &["replay", "--rules", "xpcc-trial", "--vs-rules", "xpcc-revised", "--on", "2025-12-31", "--format", "xlsx", "--output", "r.xlsx"],
        ] {
            match call(args) {
                Err(e) => {
                    assert_eq!(e.exit_code(), 2, "{args:?}");
                    assert!(e.to_string().contains("--format xlsx is written on this machine"), "{e}");
                }
                Ok(_) => panic!("{args:?} was sent"),
            }
        }
        assert!(call(&["grade-all", "--on", "2025-12-31", "--format", "csv"]).is_ok(), "csv still goes through");
    }
}
