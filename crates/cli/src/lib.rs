//! The `influxdb3` token commands: flags in, library calls, one clear message out.
//!
//! `create token` makes a permission token (`--permission`, repeatable) or an admin
//! token (`--admin`), online against a server or offline into a tokens file
//! (`--offline --output-file`); `delete token` removes one. Every flag is checked before
//! anything is sent or written. Data goes to stdout (text in upstream's wording, or one
//! JSON document with `--format json`); warnings and errors go to stderr, errors as
//! `error: …` with a `hint:` where one helps, and a documented exit code.

#![forbid(unsafe_code)]

mod args;
mod error;
mod plan;
mod run;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, CreateResource, DeleteResource};
use error::{CliError, Exit};
use run::Style;

/// Runs the command line in `args` (the program name first) and gives the exit code.
pub fn main_with(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let planned = match cli.command {
        Command::Create {
            resource: CreateResource::Token(args),
        } => plan::create(*args),
        Command::Delete {
            resource: DeleteResource::Token(args),
        } => plan::delete(args),
        Command::Create {
            resource: CreateResource::Other(words),
        } => Err(not_ours("create ", &words)),
        Command::Delete {
            resource: DeleteResource::Other(words),
        } => Err(not_ours("delete ", &words)),
        Command::Other(words) => Err(not_ours("", &words)),
    };
    match planned.and_then(run::execute) {
        Ok(done) => {
            let warn = Style::for_stream(std::io::stderr().is_terminal());
            for w in &done.warnings {
                report_line(&format!("{}: {w}", warn.paint("1;33", "warning")));
            }
            let out = match done.format {
                args::Format::Text => run::text(
                    &done.report,
                    Style::for_stream(std::io::stdout().is_terminal()),
                ),
                args::Format::Json => run::json(&done.report),
            };
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A reader that went away (`| head`) is not a failure.
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    report(&CliError::new(
                        Exit::Failure,
                        format!("cannot write the output: {e}"),
                    ));
                    Exit::Failure.into()
                }
            }
        }
        Err(e) => {
            report(&e);
            e.code.into()
        }
    }
}

/// A command this binary does not have.
fn not_ours(prefix: &str, words: &[OsString]) -> CliError {
    let command = words
        .first()
        .map(|w| w.to_string_lossy().into_owned())
        .unwrap_or_default();
    CliError::usage(format!(
        "`influxdb3 {prefix}{command}` is not a command of this binary: it implements the token commands of InfluxDB 3 (`create token`, `delete token`) and is not the database server"
    ))
    .hint(format!(
        "run `{prefix}{command}` with the InfluxDB 3 server's own `influxdb3` binary"
    ))
}

fn report(e: &CliError) {
    let style = Style::for_stream(std::io::stderr().is_terminal());
    report_line(&format!("{}: {}", style.paint("1;31", "error"), e.message));
    if let Some(detail) = &e.detail {
        report_line(detail);
    }
    if let Some(hint) = &e.hint {
        report_line(&format!("{}: {hint}", style.paint("1;36", "hint")));
    }
}

#[allow(clippy::print_stderr)] // the CLI's one place to write to stderr
fn report_line(line: &str) {
    eprintln!("{line}");
}
