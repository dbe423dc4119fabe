//! `influxdb3 tokens …`: reviewing and editing permission tokens files, offline. The
//! logic is the libraries' (lint findings and diffs in the tokens-file crate, the
//! grants' semantics in the permission crate, the manifest and its plan in the
//! provision crate); here flags become calls and results become text or JSON.

mod edit;
mod online;
mod review;

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use influxdb3_permission::Permission;
use influxdb3_provision::Drift;
use influxdb3_token::Timestamp;
use influxdb3_tokenfile::{TokenFile, TokenFileError};

use crate::args::TokensCommand;
use crate::error::CliError;
use crate::render::{quote, quote_path, width};

/// What a `tokens` command has to say.
pub(crate) struct Outcome {
    /// For stdout.
    pub(crate) stdout: String,
    /// For stderr, without the `warning: ` prefix.
    pub(crate) warnings: Vec<String>,
    /// The exit code (0, or the "no" of `check`, `lint`, `diff --fail-on-widen`).
    pub(crate) code: u8,
    /// When stdout holds secrets that exist nowhere else: the error to report if it
    /// cannot be written.
    pub(crate) unshown: Option<CliError>,
}

impl Outcome {
    pub(crate) fn ok(stdout: String) -> Outcome {
        Outcome {
            stdout,
            warnings: Vec::new(),
            code: 0,
            unshown: None,
        }
    }
}

/// Runs a `tokens` command; `m` are its matches, for where a value came from.
pub(crate) fn run(command: TokensCommand, m: &clap::ArgMatches) -> Result<Outcome, CliError> {
    match command {
        TokensCommand::List { file, format } => review::list(&file, format),
        TokensCommand::Lint {
            file,
            strict,
            format,
        } => review::lint(&file, strict, format),
        TokensCommand::Check {
            file,
            name,
            action,
            resource,
            format,
        } => review::check(&file, &name, &action, &resource, format),
        TokensCommand::Diff {
            old,
            new,
            fail_on_widen,
            format,
        } => review::diff(&old, &new, fail_on_widen, format),
        TokensCommand::Merge {
            files,
            write,
            format,
        } => edit::merge(&files, &write, format),
        TokensCommand::Remove {
            file,
            name,
            options,
            format,
        } => edit::remove(&file, &name, &options, format),
        TokensCommand::Rotate {
            file,
            name,
            options,
            format,
        } => edit::rotate(&file, &name, &options, format),
        TokensCommand::Apply {
            manifest,
            output_file: Some(output_file),
            prune,
            update,
            recreate,
            server: _,
            secrets_out,
            options,
            format,
        } => {
            offline_only(m, recreate)?;
            edit::apply(&edit::Apply {
                manifest: &manifest,
                output_file: &output_file,
                prune,
                update,
                secrets_out: secrets_out.as_deref(),
                options: &options,
                format,
            })
        }
        TokensCommand::Apply {
            manifest: path,
            output_file: None,
            prune,
            update,
            recreate,
            server,
            secrets_out,
            options,
            format,
        } => {
            if update {
                return Err(CliError::usage(
                    "--update changes a token in a tokens file (with --output-file): a server cannot change a token in place",
                )
                .hint("use --recreate to delete and create again the drifted tokens on the server"));
            }
            if m.value_source("lock_timeout") == Some(clap::parser::ValueSource::CommandLine) {
                return Err(CliError::usage("--lock-timeout goes with --output-file"));
            }
            let manifest = edit::read_manifest(&path)?;
            let online = crate::plan::online(*server, m)?;
            for w in &online.warnings {
                crate::output::warn(w);
            }
            let ask = online::Ask {
                manifest_path: &path,
                manifest,
                prune,
                recreate,
                dry_run: options.dry_run,
                secrets_out: secrets_out.as_deref(),
                json: format == crate::args::Format::Json,
            };
            let mut online = online;
            online.warnings.clear();
            online::apply(&online, &ask)
        }
    }
}

/// `tokens apply --output-file`: the flags that talk to a server mean nothing.
fn offline_only(m: &clap::ArgMatches, recreate: bool) -> Result<(), CliError> {
    let mut given = crate::plan::server_flags(m);
    if recreate {
        given.push("--recreate");
    }
    if given.is_empty() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{} {} nothing with --output-file, which applies the manifest to a file and talks to no server",
        given.join(", "),
        if given.len() == 1 { "means" } else { "mean" }
    ))
    .hint("drop them, or drop --output-file to apply the manifest to the server at --host"))
}

/// Whether `path` is `-`: standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The text of FILE, or of standard input for `-`.
fn read_input(path: &Path) -> Result<String, CliError> {
    if is_stdin(path) {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text).map_err(|e| {
            CliError::new(
                crate::error::Exit::TokensFile,
                "stdin",
                format!("cannot read standard input: {e}"),
            )
        })?;
        Ok(text)
    } else {
        influxdb3_tokenfile::read(path).map_err(|e| unusable(&e))
    }
}

/// Reads and checks a tokens file (`-`: standard input) into `text`; a file that does
/// not load points at `tokens lint`.
fn load<'t>(path: &Path, text: &'t mut String) -> Result<TokenFile<'t>, CliError> {
    *text = read_input(path)?;
    TokenFile::parse(text).map_err(|error| {
        unusable(&TokenFileError::Invalid {
            path: path.to_path_buf(),
            error,
        })
    })
}

/// A tokens file that cannot be used, for the commands that only read it.
fn unusable(e: &TokenFileError) -> CliError {
    let err = CliError::from_file(e);
    match e {
        TokenFileError::Invalid { path, .. } => err.hint(format!(
            "`influxdb3 tokens lint {}` lists every problem of the file, with its line",
            if is_stdin(path) {
                "-".to_owned()
            } else {
                quote_path(path)
            }
        )),
        _ => err,
    }
}

/// `--lock-timeout`.
fn lock_timeout(text: &str) -> Result<Duration, CliError> {
    humantime::parse_duration(text)
        .map_err(|e| CliError::usage(format!("invalid --lock-timeout {}: {e}", quote(text))))
}

/// No token of this name in the file.
fn no_token(path: &Path, name: &str, code: crate::error::Exit) -> CliError {
    CliError::new(
        code,
        "not_found",
        format!(
            "there is no token named {} in {}",
            quote(name),
            quote_path(path)
        ),
    )
    .hint(format!(
        "`influxdb3 tokens list {}` lists the tokens of the file",
        quote_path(path)
    ))
}

/// Rows as aligned columns (by display width; cells are escaped first), two spaces
/// apart, the last column not padded.
fn table<const N: usize>(header: [&str; N], rows: &[[Cow<'_, str>; N]]) -> String {
    // Each cell escaped, with its width, once.
    let rows: Vec<[(Cow<'_, str>, usize); N]> = rows
        .iter()
        .map(|row| {
            row.each_ref().map(|cell| {
                let shown = influxdb3_text::escape(cell);
                let width = width(&shown);
                (shown, width)
            })
        })
        .collect();
    let mut widths = header.map(width);
    for row in &rows {
        for (w, (_, cell)) in widths.iter_mut().zip(row) {
            *w = (*w).max(*cell);
        }
    }
    let line_len = widths.iter().sum::<usize>() + 2 * N + 1;
    let mut out = String::with_capacity(line_len * (rows.len() + 1));
    let mut line = |cells: &mut dyn Iterator<Item = (&str, usize)>| {
        let start = out.len();
        for (i, (cell, width)) in cells.enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            if i + 1 < N {
                out.extend(std::iter::repeat_n(' ', widths[i].saturating_sub(width)));
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    line(&mut header.iter().map(|h| (*h, width(h))));
    for row in &rows {
        line(&mut row.iter().map(|(cell, width)| (cell.as_ref(), *width)));
    }
    out
}

/// `one` or `many`, as `n` asks.
fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `n` and the word for it: `1 token`, `3 tokens`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// Permissions in their canonical form.
fn strings(list: &[Permission]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

/// Permissions in their canonical form, joined by `, `.
fn joined(list: &[Permission]) -> String {
    strings(list).join(", ")
}

/// Permissions in their canonical form, on one line as the reports show a token's:
/// apart by a space.
fn spaced(list: &[Permission]) -> String {
    strings(list).join(" ")
}

/// An expiry as shown: RFC 3339, or `never`.
fn expiry_text(at: Option<Timestamp>) -> String {
    at.map_or_else(|| "never".to_owned(), |at| at.to_string())
}

/// How a token drifted from the manifest: `widened …; narrowed …; expiry A -> B`.
fn drift_detail(d: &Drift) -> String {
    let mut parts = Vec::new();
    if !d.widened.is_empty() {
        parts.push(format!("widened {}", joined(&d.widened)));
    }
    if !d.narrowed.is_empty() {
        parts.push(format!("narrowed {}", joined(&d.narrowed)));
    }
    if let Some((old, new)) = d.expiry_change {
        parts.push(format!(
            "expiry {} -> {}",
            expiry_text(old),
            expiry_text(new)
        ));
    }
    parts.join("; ")
}

/// One JSON document and a newline, hidden characters escaped as `\uXXXX`.
fn json(value: &impl serde::Serialize) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    crate::render::escape_json(&out)
}
