//! Flags turned into validated options, in one place, before any side effect: nothing
//! is sent, read for writing or written until the whole command line has been checked.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use influxdb3_permission::{DatabaseName, Grants, GrantsError, Permission};
use influxdb3_provision::Policy;
use influxdb3_token::{ExpiryError, Lifetime, Token, TokenName};
use influxdb3_tokenfile::{TokenFileError, WriteOptions};

use crate::args::CreateFormat;
use crate::error::{CliError, Exit, Kind, chain};
use crate::quote::{quote, quote_path};

pub(crate) const PERMISSION_EXAMPLE: &str = "for example --permission 'db:my_database:read,write'";

/// The flags of the server options given on the command line (which a command that
/// writes a file refuses).
pub(crate) fn server_flags(m: &ArgMatches) -> Vec<&'static str> {
    [
        ("host", "--host"),
        ("token", "--token"),
        ("token_file", "--token-file"),
        ("tls_ca", "--tls-ca"),
        ("tls_no_verify", "--tls-no-verify"),
    ]
    .into_iter()
    .filter(|(id, _)| on_command_line(m, id))
    .map(|(_, flag)| flag)
    .collect()
}

/// Refuses the server options given on the command line (and `extra` flags) to a
/// command that writes a file with `flag` and talks to no server.
pub(crate) fn offline_only(
    m: &ArgMatches,
    extra: &[&'static str],
    flag: &str,
    online: &str,
) -> Result<(), CliError> {
    let mut given = server_flags(m);
    given.extend_from_slice(extra);
    if given.is_empty() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{} {} nothing with {flag}, which writes a file and talks to no server",
        given.join(", "),
        if given.len() == 1 { "means" } else { "mean" }
    ))
    .hint(format!("drop them, or drop {flag} to {online}")))
}

/// Whether the flag `id` was given on the command line (not taken from the environment
/// or a default).
pub(crate) fn on_command_line(m: &ArgMatches, id: &str) -> bool {
    m.value_source(id) == Some(ValueSource::CommandLine)
}

/// A token name from `--flag`.
pub(crate) fn token_name(flag: &str, text: &str) -> Result<TokenName, CliError> {
    TokenName::new(text).map_err(|e| {
        CliError::usage(format!("invalid {flag} {}: {e}", quote(text))).kind(Kind::InvalidName)
    })
}

/// A new token's expiry that `--expiry` or `--expires-at` does not say.
pub(crate) fn expiry_error(e: &ExpiryError) -> CliError {
    let flag = match e {
        ExpiryError::Lifetime(_) => "--expiry",
        _ => "--expires-at",
    };
    let err = CliError::usage(format!("invalid {flag}: {}", chain(e))).kind(Kind::InvalidExpiry);
    match e {
        ExpiryError::Lifetime(_) => err.hint("write a duration such as `1h`, `7d`, `1M` or `1y`; without --expiry the token never expires"),
        _ => err,
    }
}

/// The rules every plan keeps: `--max-expiry` (or `INFLUXDB3_MAX_EXPIRY`), when given.
pub(crate) fn policy(m: &ArgMatches, max: Option<&str>) -> Result<Policy, CliError> {
    let Some(text) = value(m, "max_expiry", max) else {
        return Ok(Policy::default());
    };
    let max = text.parse::<Lifetime>().map_err(|e| {
        CliError::usage(format!(
            "invalid --max-expiry (INFLUXDB3_MAX_EXPIRY): {}",
            chain(&e)
        ))
    })?;
    Ok(Policy::default().max_lifetime(Some(max)))
}

/// `--lock-timeout`.
pub(crate) fn lock_timeout(text: &str) -> Result<Duration, CliError> {
    humantime::parse_duration(text)
        .map_err(|e| CliError::usage(format!("invalid --lock-timeout {}: {e}", quote(text))))
}

/// Write options that tell the user when another process holds the lock.
pub(crate) fn write_options(lock_timeout: Duration, dry_run: bool) -> WriteOptions<'static> {
    WriteOptions::default()
        .lock_timeout(lock_timeout)
        .on_lock_wait(&tell_lock_wait)
        .dry_run(dry_run)
}

/// Tells the user, once, that another process holds the lock.
fn tell_lock_wait(path: &std::path::Path) {
    crate::output::warn(&format!(
        "waiting for the lock on {} (held by another process)",
        quote_path(path)
    ));
}

/// `--create-databases`, each a valid database name.
pub(crate) fn databases(names: &[String]) -> Result<Vec<DatabaseName>, CliError> {
    names
        .iter()
        .map(|db| {
            DatabaseName::new(db).map_err(|e| {
                CliError::usage(format!(
                    "invalid database name {} in --create-databases: {}",
                    quote(db),
                    e.kind()
                ))
                .kind(Kind::InvalidDatabase)
                .hint("--create-databases takes names separated by commas, as in `db1,db2`")
            })
        })
        .collect()
}

/// A `--permission` value, with the grammar's error rendered under the flag.
pub(crate) fn parse_permission(text: &str) -> Result<Permission, CliError> {
    text.parse::<Permission>()
        .map_err(|e| CliError::permission("--permission", &e))
}

/// The `--permission` values as a permission token's grants.
pub(crate) fn grants(permissions: Vec<Permission>) -> Result<Grants, CliError> {
    Grants::try_from(permissions).map_err(|e| {
        let err = CliError::usage(e.to_string()).kind(Kind::InvalidPermission);
        match e {
            GrantsError::Admin => {
                err.hint("create an admin token with `influxdb3 create token --admin`")
            }
            _ => err.hint(PERMISSION_EXAMPLE),
        }
    })
}

/// `--secret-file` of a command that prints the token it makes (`create token`,
/// `tokens rotate`): its secret, refused with `--format token`, which would only print
/// back what the caller holds.
pub(crate) fn secret_file(
    path: Option<PathBuf>,
    format: CreateFormat,
) -> Result<Option<(Token, String)>, CliError> {
    match path {
        None => Ok(None),
        Some(_) if format == CreateFormat::Token => Err(CliError::usage(
            "--format token prints the new token, and with --secret-file you hold it already",
        )
        .hint("use --format text or --format json: they name the token and the file")),
        Some(path) => chosen_secret(&path).map(Some),
    }
}

/// The secret of `--secret-file PATH` (`-`: standard input), under the token crate's
/// rule for chosen secrets, and where it came from as messages name it. Exit code 2
/// for anything wrong with it; the value is never in a message.
pub(crate) fn chosen_secret(path: &Path) -> Result<(Token, String), CliError> {
    let shown = crate::quote::origin(path);
    let read = if influxdb3_tokenfile::is_stdin(path) {
        influxdb3_tokenfile::chosen_secret_from(std::io::stdin().lock(), Path::new(&shown))
    } else {
        influxdb3_tokenfile::read_chosen_secret(path)
    };
    read.map(|token| (token, shown))
        .map_err(|e| secret_file_error(&e, "--secret-file"))
}

/// A chosen secret that could not be used (`what`: `--secret-file`, or a manifest's
/// `its secret_file`): exit code 2; the value is never in a message.
pub(crate) fn secret_file_error(e: &TokenFileError, what: &str) -> CliError {
    let file = CliError::from_file(e);
    let hint = match e {
        TokenFileError::NotRegular { .. } | TokenFileError::DanglingLink { .. } => Some(format!(
            "{what} is read from a regular file (or a link to one), or from standard input with `-`; nothing was written"
        )),
        _ => file.hint.clone(),
    };
    CliError {
        code: Exit::Usage,
        kind: Kind::SecretFile,
        message: format!("{what}: {}", file.message),
        hint,
        ..file
    }
}

/// The value of `id`, with an empty environment variable counted as unset.
pub(crate) fn value<'a>(m: &ArgMatches, id: &str, value: Option<&'a str>) -> Option<&'a str> {
    match value {
        Some("") if m.value_source(id) == Some(ValueSource::EnvVariable) => None,
        other => other,
    }
}
