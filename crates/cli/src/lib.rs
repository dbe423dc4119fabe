//! The `influxdb3` token commands: flags in, library calls, one clear message out.
//!
//! `create token` makes a permission token (`--permission`, repeatable) or an admin
//! token (`--admin`), online against a server or offline into a tokens file
//! (`--offline --output-file`); `delete token` removes one. Every flag is checked before
//! anything is sent or written. Data goes to stdout (text in upstream's wording, or one
//! JSON document with `--format json`); warnings and errors go to stderr, errors as
//! `error: …` with a `hint:` where one helps, and a documented exit code.
//!
//! Unix only (Linux, macOS, the BSDs), as the tokens files it writes are.

#![forbid(unsafe_code)]

// Unix only, as the tokens-file crate it writes with (which stops a build elsewhere
// first, with the same message).
#[cfg(not(unix))]
compile_error!(
    "the influxdb3 token commands need a Unix system (Linux, macOS, the BSDs): tokens files are written with Unix file modes and owners"
);

mod args;
mod complete;
mod confirm;
mod connect;
mod create;
mod diagnostic;
mod error;
mod man;
mod options;
mod output;
mod paint;
mod quote;
mod render;
mod report;
mod show;
mod tokens;

use std::ffi::{OsStr, OsString};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use args::{Cli, Command, CreateResource, DeleteResource, ShowResource};
pub use error::CliError;
use error::{Exit, Kind};
use output::Outcome;

/// Runs the command line in `args` (the program name first) and gives the exit code.
pub fn main_with(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    // Asked by a shell for completions (`COMPLETE=bash influxdb3 …`): answer and exit.
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(complete::VAR)
        .complete();
    let args: Vec<OsString> = args.into_iter().collect();
    output::set_json(json_format(&args));
    let matches = match Cli::command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return clap_error(&e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    // The matches of the leaf command, for where each value came from.
    let mut leaf = &matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    outcome(match cli.command {
        Command::Create {
            resource: CreateResource::Token(args),
        } => create::create(*args, leaf),
        Command::Delete {
            resource: DeleteResource::Token(args),
        } => create::delete(args, leaf),
        Command::Tokens { command } => tokens::run(command, leaf),
        Command::Show {
            resource: ShowResource::Tokens(args),
        } => show::run(args, leaf),
        Command::Completions { shell } => Ok(completions(shell)),
        Command::Man { command, out_dir } => man::run(&command, out_dir.as_deref()),
        Command::Show {
            resource: ShowResource::Other(words),
        } => Err(not_ours("show ", &words)),
        Command::Create {
            resource: CreateResource::Other(words),
        } => Err(not_ours("create ", &words)),
        Command::Delete {
            resource: DeleteResource::Other(words),
        } => Err(not_ours("delete ", &words)),
        Command::Other(words) => Err(not_ours("", &words)),
    })
}

/// Whether the command line asks for `--format json`, so that even an error of the
/// command line itself is reported as JSON.
fn json_format(args: &[OsString]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json")
}

/// What a command has to say: its warnings and note on stderr, its report on stdout,
/// its own exit code; or its error.
fn outcome(result: Result<Outcome, CliError>) -> ExitCode {
    match result {
        Ok(outcome) => {
            for w in &outcome.warnings {
                output::warn(w);
            }
            if let Some(note) = &outcome.note {
                output::note(note);
            }
            match output::stdout(&outcome.stdout) {
                Ok(()) => ExitCode::from(outcome.code),
                // A reader that went away (`| head`) is not a failure, unless what it
                // missed is a secret that exists nowhere else.
                Err(e)
                    if e.kind() == std::io::ErrorKind::BrokenPipe && !outcome.lost_unless_shown =>
                {
                    ExitCode::from(outcome.code)
                }
                Err(e) => {
                    let err = outcome.unshown.unwrap_or_else(|| {
                        CliError::new(
                            Exit::Failure,
                            Kind::Stdout,
                            format!("cannot write to stdout: {e}"),
                        )
                    });
                    output::error(&err);
                    err.code.into()
                }
            }
        }
        Err(e) => {
            output::error(&e);
            e.code.into()
        }
    }
}

/// `influxdb3 completions SHELL`.
fn completions(shell: complete::Shell) -> Outcome {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = complete::registration(shell, &mut out);
    Outcome::ok(String::from_utf8_lossy(&out).into_owned())
}

/// Help and version go to stdout with 0; usage errors to stderr with 2 (as JSON with
/// `--format json`). Printing never panics (a failed write is ignored).
fn clap_error(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    let hint = clap_hint(e);
    if e.use_stderr() && output::json() {
        let err = CliError::usage(clap_message(e));
        output::error(&match hint {
            Some(hint) => err.hint(hint),
            None => err,
        });
    } else if e.use_stderr() {
        // clap quotes the values it refuses: a secret given to the wrong flag is not
        // echoed.
        let mut shown = e.render().ansi().to_string();
        if let Some(hint) = hint {
            shown = format!("{shown}{}: {hint}\n", render::Paint::On.hint());
        }
        output::raw_stderr(&influxdb3_token::mask_token_shaped(&shown));
    } else {
        let _ = e.print();
    }
    ExitCode::from(code)
}

/// What to do about a combination of `create token`'s flags that clap refused, chosen
/// by the arguments its error names (its context, not its text).
fn clap_hint(e: &clap::Error) -> Option<&'static str> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let mut named = Vec::new();
    for kind in [ContextKind::InvalidArg, ContextKind::PriorArg] {
        match e.get(kind) {
            Some(ContextValue::String(v)) => named.push(v.as_str()),
            Some(ContextValue::Strings(v)) => named.extend(v.iter().map(String::as_str)),
            _ => {}
        }
    }
    // `--name <NAME>` is named by its flag.
    let has = |flag: &str| named.iter().any(|n| n.split(' ').next() == Some(flag));
    Some(match e.kind() {
        ErrorKind::ArgumentConflict if has("--admin") && has("--permission") => {
            "an admin token has every permission; drop --admin to create a permission token"
        }
        ErrorKind::ArgumentConflict if has("--regenerate") && has("--offline") => {
            "offline, write a new admin token file with `--admin --offline --output-file FILE`"
        }
        ErrorKind::MissingRequiredArgument if has("--permission") => {
            "for example --permission 'db:my_database:read,write' --name 'Read/write token for my_database'; or create an admin token with --admin"
        }
        ErrorKind::MissingRequiredArgument if has("--name") => {
            "for example --name 'Read/write token for my_database'"
        }
        ErrorKind::MissingRequiredArgument if has("--offline") && has("--output-file") => {
            "--create-databases and --lock-timeout are for a tokens file: add --offline --output-file FILE, or drop them (online, create databases on the server first)"
        }
        ErrorKind::MissingRequiredArgument if has("--offline") => {
            "add --offline to write the token to the file instead of asking a server"
        }
        ErrorKind::MissingRequiredArgument if has("--output-file") => {
            "add --output-file path/to/tokens.json"
        }
        _ => return None,
    })
}

/// A command line clap refused, in one sentence built from the error's kind and
/// context (not from its rendered text).
fn clap_message(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    use influxdb3_token::Quoted;
    use std::fmt::Write as _;
    let mut message = e
        .kind()
        .as_str()
        .unwrap_or("invalid command line")
        .trim_end_matches('.')
        .to_lowercase();
    // The other argument of a conflict follows the one refused: `argument `--a` with `--b``.
    for (what, kind) in [
        (": argument", ContextKind::InvalidArg),
        (" with", ContextKind::PriorArg),
        (": value", ContextKind::InvalidValue),
        (": subcommand", ContextKind::InvalidSubcommand),
    ] {
        match e.get(kind) {
            Some(ContextValue::String(v)) => {
                let _ = write!(message, "{what} {}", Quoted(v));
            }
            Some(ContextValue::Strings(v)) => {
                let v: Vec<String> = v.iter().map(|v| Quoted(v).to_string()).collect();
                let _ = write!(message, "{what} {}", v.join(", "));
            }
            _ => {}
        }
    }
    message
}

/// A command this binary does not have.
fn not_ours(prefix: &str, words: &[OsString]) -> CliError {
    let word = words.first().map_or(OsStr::new(""), OsString::as_os_str);
    let elided = influxdb3_token::elide(&word.to_string_lossy(), 40);
    let shown = influxdb3_text::escape(&elided);
    CliError::usage(format!(
        "`influxdb3 {prefix}{shown}` is not a command of this binary: it implements the token commands of InfluxDB 3 (`create token`, `show tokens`, `delete token`, and `tokens`) and is not the database server"
    ))
    .hint(format!(
        "run it with the InfluxDB 3 server's own `influxdb3` binary: {}",
        influxdb3_token::command_line(&format!("influxdb3 {prefix}{{}}"), &[("COMMAND", word)])
    ))
}

/// Entry points for the fuzz target `cli_render`: arbitrary text through the same paths
/// as the binary's messages. Not an API.
#[doc(hidden)]
pub mod fuzzing {
    use std::path::PathBuf;

    use influxdb3_token_client::{ClientError, server_message};
    use influxdb3_tokenfile::{FileKind, TokenFileError};

    use crate::error::{Action, CliError};
    use crate::render::{self, Paint};

    /// The message stderr would show for `text` as a `--permission`, a `--name`, a
    /// server's error body, or a file path (`what` picks), or `None` when `text` is
    /// valid there.
    pub fn message(what: u8, text: &str) -> Option<String> {
        let err = match what % 4 {
            0 => CliError::permission(
                "--permission",
                &text.parse::<influxdb3_permission::Permission>().err()?,
            ),
            1 => crate::options::token_name("--name", text).err()?,
            2 => CliError::from_client(
                &ClientError::Server {
                    status: 500,
                    message: server_message(text, None),
                },
                Action::Create,
                text,
                None,
            ),
            _ => CliError::from_file(&TokenFileError::NotRegular {
                path: PathBuf::from(text),
                kind: FileKind::Fifo,
            }),
        };
        Some(render::error(&err, Paint::Off))
    }
}

/// Entry points for this crate's integration tests (`tests/render.rs`): the renderers
/// and completion the binary uses, reached without a child process. Not an API.
#[doc(hidden)]
pub mod testing {
    use std::ffi::OsStr;

    use influxdb3_text::{Diagnostic, Kind};
    use serde_json::Value;

    use crate::paint::Paint;

    /// A diagnostic as stderr shows it, without colours.
    pub fn diagnostic<K: Kind>(d: &Diagnostic<K>) -> String {
        crate::diagnostic::render(d, Paint::Off)
    }

    /// A diagnostic as stderr shows it on a terminal, in colour.
    pub fn diagnostic_painted<K: Kind>(d: &Diagnostic<K>) -> String {
        crate::diagnostic::render(d, Paint::On)
    }

    /// A diagnostic as `--format json` shows it.
    pub fn diagnostic_json<K: Kind>(d: &Diagnostic<K>) -> Value {
        crate::diagnostic::json(d)
    }

    /// The error stderr shows for `text` given to `flag` as a permission, or `None`
    /// when it is one.
    pub fn permission_error(flag: &str, text: &str) -> Option<String> {
        let e = text.parse::<influxdb3_permission::Permission>().err()?;
        Some(crate::render::error(
            &crate::error::CliError::permission(flag, &e),
            Paint::Off,
        ))
    }

    /// The completions offered for a `--permission` being typed.
    pub fn complete_permission(typed: &str) -> Vec<String> {
        crate::complete::permission(OsStr::new(typed))
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    /// The script that registers completion in bash.
    pub fn bash_registration() -> String {
        let mut script = Vec::new();
        let _ = crate::complete::registration(crate::complete::Shell::Bash, &mut script);
        String::from_utf8_lossy(&script).into_owned()
    }
}
