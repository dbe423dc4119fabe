//! Flags turned into validated options, in one place, before any side effect: nothing
//! is sent, read for writing or written until the whole command line has been checked.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use influxdb3_permission::{DatabaseName, Grants, GrantsError, Permission};
use influxdb3_provision::{Capabilities, IfExists, OPERATOR_TOKEN, PlanError, Policy, Unsupported};
use influxdb3_token::{Expiry, Lifetime, Timestamp, Token, TokenName};
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

/// What to do with a token of the name that exists: `--if-not-exists`, `--replace`.
pub(crate) fn mode(
    if_not_exists: bool,
    replace: bool,
    given: &Combination,
) -> Result<IfExists, CliError> {
    Ok(match (if_not_exists, replace) {
        (true, true) => {
            return Err(CliError::usage(
                "--if-not-exists keeps a token that exists and --replace changes it: give one of them",
            ));
        }
        (true, false) if given.regenerate => {
            return Err(CliError::usage(
                "--if-not-exists keeps a token that exists, and --regenerate replaces the `_admin` token that exists: give one of them",
            ));
        }
        (true, false) => IfExists::Keep,
        (false, true) if given.admin => {
            return Err(CliError::usage(
                "--replace is for permission tokens in a tokens file: an admin token file is always replaced (--admin --offline), and a server cannot replace a token in place",
            ));
        }
        (false, true) => IfExists::Replace,
        (false, false) => IfExists::Fail,
    })
}

/// `--expiry` or `--expires-at` (not both), checked.
pub(crate) fn expiry_of(
    expiry: Option<&str>,
    expires_at: Option<&str>,
) -> Result<Expiry, CliError> {
    match (expiry, expires_at) {
        (Some(_), Some(_)) => Err(CliError::usage(
            "--expiry and --expires-at both say when the token expires: give one of them",
        )),
        (Some(text), None) => text.parse::<Lifetime>().map(Expiry::After).map_err(|e| {
            CliError::usage(format!("invalid --expiry: {}", chain(&e)))
                .kind(Kind::InvalidExpiry)
                .hint("write a duration such as `1h`, `7d`, `1M` or `1y`; without --expiry the token never expires")
        }),
        (None, Some(text)) => {
            let at: Timestamp = text.parse().map_err(|e| {
                CliError::usage(format!("invalid --expires-at: {}", chain(&e)))
                    .kind(Kind::InvalidExpiry)
            })?;
            // The token crate's rule (an instant not after now has passed), checked
            // here so that nothing is sent or written with it.
            let expiry = Expiry::At(at);
            expiry.ends(Timestamp::now()).map_err(|_| {
                CliError::usage(format!(
                    "invalid --expires-at: {at} has passed: a token cannot expire before it is created"
                ))
                .kind(Kind::InvalidExpiry)
            })?;
            Ok(expiry)
        }
        (None, None) => Ok(Expiry::Never),
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

/// Which flags `create token` was given, for the checks of their combinations.
#[allow(clippy::struct_excessive_bools)] // one flag each
pub(crate) struct Combination {
    pub(crate) admin: bool,
    pub(crate) regenerate: bool,
    pub(crate) offline: bool,
    pub(crate) named: bool,
    pub(crate) permissions: bool,
    pub(crate) create_databases: bool,
    /// `--expiry` or `--expires-at`.
    pub(crate) expiry: bool,
    /// `--secret-file`.
    pub(crate) secret: bool,
}

/// What `create token` asks of a server that a server cannot hold, refused before
/// anything is read or sent, by the server's capabilities (the table the plan is
/// checked against): a chosen secret, an operator token that expires, a token replaced
/// in place.
pub(crate) fn server_holds(
    name: Option<&TokenName>,
    c: &Combination,
    replace: bool,
) -> Result<(), CliError> {
    let operator = c.admin && name.is_none_or(|n| n.as_str() == OPERATOR_TOKEN);
    // In the order a plan's step asks them (`Step::needs`).
    let asked = [
        (operator && c.expiry, Unsupported::ExpiringOperator),
        (c.secret, Unsupported::ChosenSecret),
        (replace, Unsupported::ReplaceInPlace),
    ];
    match asked
        .into_iter()
        .find(|(asked, what)| *asked && !Capabilities::SERVER.holds(*what))
    {
        Some((_, what)) => Err(CliError::from_plan(&PlanError::Unsupported {
            name: name.map_or(OPERATOR_TOKEN, TokenName::as_str).to_owned(),
            what,
        })),
        None => Ok(()),
    }
}

/// Refuses the combinations of flags that make no sense.
pub(crate) fn combinations(c: &Combination) -> Result<(), CliError> {
    if c.admin {
        if c.permissions {
            return Err(CliError::usage("--permission cannot be used with --admin")
                .hint("an admin token has every permission; drop --admin to create a permission token"));
        }
        if c.create_databases {
            return Err(CliError::usage(
                "--create-databases goes with permission tokens, not --admin",
            ));
        }
        if c.regenerate && c.offline {
            return Err(CliError::usage("--regenerate asks a server for a new `_admin` token; it cannot be used with --offline")
                .hint("offline, write a new admin token file with `--admin --offline --output-file FILE`"));
        }
        if c.regenerate && (c.expiry || c.secret) {
            return Err(CliError::usage(
                "--regenerate asks the server to mint a new secret for `_admin`, which never expires: it takes no --expiry, --expires-at or --secret-file",
            ));
        }
        if c.regenerate && c.named {
            return Err(CliError::usage(
                "--regenerate replaces the `_admin` token: it takes no --name",
            ));
        }
    } else {
        if c.regenerate {
            return Err(CliError::usage("--regenerate goes with --admin"));
        }
        if !c.permissions {
            return Err(
                CliError::usage("a permission token needs at least one --permission").hint(
                    format!("{PERMISSION_EXAMPLE}; or create an admin token with --admin"),
                ),
            );
        }
    }
    Ok(())
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

/// Where a new token goes. Online, the server's options are checked and used (the
/// admin token read, the CA loaded) only once the plan has been made: what the plan
/// refuses is refused before anything is read.
pub(crate) enum Target<'m> {
    Online {
        server: crate::args::Server,
        m: &'m ArgMatches,
    },
    Offline {
        output_file: PathBuf,
        create_databases: Vec<DatabaseName>,
        lock_timeout: Duration,
    },
}

/// What to make, how, and where.
pub(crate) struct Ask {
    /// The secret read from `--secret-file`, and where from (as messages name it).
    pub(crate) secret: Option<(Token, String)>,
    pub(crate) expiry: Expiry,
    pub(crate) if_exists: IfExists,
    pub(crate) dry_run: bool,
    pub(crate) format: CreateFormat,
    pub(crate) policy: Policy,
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
    let read = if path.as_os_str() == "-" {
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
        TokenFileError::InvalidSecret { .. } => Some("a chosen secret is `apiv3_` and 32 to 250 characters of `A-Z a-z 0-9 - _ . ~ + / =`, alone in the file; nothing was written".to_owned()),
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
