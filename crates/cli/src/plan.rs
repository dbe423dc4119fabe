//! Flags turned into a validated plan, in one place, before any side effect: nothing is
//! sent, read for writing or written until the whole command line has been checked.

use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use influxdb3_permission::{DatabaseName, Grants, GrantsError, Permission};
use influxdb3_token::{Expiry, Lifetime, Timestamp, Token, TokenName};
use influxdb3_token_client::{Client, ClientError, DEFAULT_HOST, HostUrl};

use crate::args::{CreateFormat, CreateToken, DeleteToken, Format, Server};
use crate::error::{Action, CliError, Request, chain};
use crate::render::{quote, quote_path};

/// Where a new token goes.
#[derive(Debug)]
pub(crate) enum Target {
    Online(Online),
    Offline {
        output_file: PathBuf,
        create_databases: Vec<DatabaseName>,
        lock_timeout: Duration,
    },
}

/// A configured client and what to say about it.
#[derive(Debug)]
pub(crate) struct Online {
    pub(crate) client: Client,
    pub(crate) host: HostUrl,
    pub(crate) had_token: bool,
    /// Warnings to show before the request (`--tls-no-verify` on an https host, a token
    /// on the command line).
    pub(crate) warnings: Vec<String>,
}

impl Online {
    /// A failed request, with what to do about it.
    pub(crate) fn error(&self, e: &ClientError, action: Action, name: &str) -> CliError {
        CliError::from_client(
            e,
            &Request {
                action,
                name,
                host: self.host.as_str(),
                https: self.host.is_https(),
                had_token: self.had_token,
            },
        )
    }
}

/// What to do when a token of the name exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Fail (exit 3).
    Create,
    /// Change nothing and succeed.
    IfNotExists,
    /// Give it a new secret and the new grants (offline).
    Replace,
}

/// What to do.
#[derive(Debug)]
pub(crate) enum Plan {
    Permission {
        name: TokenName,
        grants: Grants,
        expiry: Expiry,
        target: Target,
        format: CreateFormat,
        mode: Mode,
        dry_run: bool,
    },
    Admin {
        name: Option<TokenName>,
        regenerate: bool,
        yes: bool,
        expiry: Expiry,
        target: Target,
        format: CreateFormat,
        mode: Mode,
        dry_run: bool,
    },
    Delete {
        name: TokenName,
        yes: bool,
        online: Online,
        format: Format,
        dry_run: bool,
    },
}

const PERMISSION_EXAMPLE: &str = "for example --permission 'db:my_database:read,write'";

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

/// Whether the flag `id` was given on the command line (not taken from the environment
/// or a default).
fn on_command_line(m: &ArgMatches, id: &str) -> bool {
    m.value_source(id) == Some(ValueSource::CommandLine)
}

/// A token name from `--flag`.
pub(crate) fn token_name(flag: &str, text: &str) -> Result<TokenName, CliError> {
    TokenName::new(text).map_err(|e| {
        CliError::usage(format!("invalid {flag} {}: {e}", quote(text))).kind("invalid_name")
    })
}

pub(crate) fn create(args: CreateToken, m: &ArgMatches) -> Result<Plan, CliError> {
    let CreateToken {
        permissions,
        name,
        admin,
        regenerate,
        yes,
        server,
        expiry,
        expires_at,
        max_expiry,
        format,
        dry_run,
        if_not_exists,
        replace,
        offline,
        create_databases,
        output_file,
        lock_timeout,
        ..
    } = args;
    let name = name.map(|n| token_name("--name", &n)).transpose()?;
    let given = Combination {
        admin,
        regenerate,
        offline,
        named: name.is_some(),
        permissions: !permissions.is_empty(),
        create_databases: !create_databases.is_empty(),
        expiry: expiry.is_some() || expires_at.is_some(),
    };
    combinations(&given)?;
    if yes && !regenerate {
        return Err(CliError::usage("--yes goes with --admin --regenerate"));
    }
    let mode = mode(if_not_exists, replace, &given)?;
    if dry_run && format == CreateFormat::Token {
        return Err(
            CliError::usage("--format token prints a new token, and a dry run makes none")
                .hint("use --format text or --format json with --dry-run"),
        );
    }
    let permissions = permissions
        .iter()
        .map(|p| parse_permission(p))
        .collect::<Result<Vec<_>, _>>()?;
    // What kind of token, with what a permission token needs.
    let kind = match (admin, name) {
        (true, name) => Kind::Admin(name),
        (false, Some(name)) => Kind::Permission(name, grants(permissions)?),
        (false, None) => {
            return Err(CliError::usage("a permission token needs --name")
                .hint("for example --name 'Read/write token for my_database'"));
        }
    };
    let expiry = expiry_of(expiry.as_deref(), expires_at.as_deref())?;
    // The operator token `_admin` never expires.
    let effective = match &kind {
        Kind::Admin(None) if !offline => Expiry::Never,
        _ => expiry,
    };
    max_expiry_policy(m, max_expiry.as_deref(), effective)?;
    let target = target(
        server,
        m,
        offline,
        output_file,
        &create_databases,
        &lock_timeout,
    )?;
    Ok(match kind {
        Kind::Admin(name) => Plan::Admin {
            name,
            regenerate,
            yes,
            expiry,
            target,
            format,
            mode,
            dry_run,
        },
        Kind::Permission(name, grants) => Plan::Permission {
            name,
            grants,
            expiry,
            target,
            format,
            mode,
            dry_run,
        },
    })
}

/// What to do with a token of the name that exists: `--if-not-exists`, `--replace`.
fn mode(if_not_exists: bool, replace: bool, given: &Combination) -> Result<Mode, CliError> {
    Ok(match (if_not_exists, replace) {
        (true, true) => {
            return Err(CliError::usage(
                "--if-not-exists keeps a token that exists and --replace changes it: give one of them",
            ));
        }
        (true, false) => Mode::IfNotExists,
        (false, true) if !given.offline => {
            return Err(CliError::usage(
                "--replace changes a token in a tokens file (with --offline): a server cannot change a token in place",
            )
            .hint("online, delete the token and create it again, or use `tokens apply --recreate`"));
        }
        (false, true) if given.admin => {
            return Err(CliError::usage(
                "--replace is for permission tokens: --admin --offline always replaces the admin token file",
            ));
        }
        (false, true) => Mode::Replace,
        (false, false) => Mode::Create,
    })
}

/// `--expiry` or `--expires-at` (not both), checked.
fn expiry_of(expiry: Option<&str>, expires_at: Option<&str>) -> Result<Expiry, CliError> {
    match (expiry, expires_at) {
        (Some(_), Some(_)) => Err(CliError::usage(
            "--expiry and --expires-at both say when the token expires: give one of them",
        )),
        (Some(text), None) => text.parse::<Lifetime>().map(Expiry::After).map_err(|e| {
            CliError::usage(format!("invalid --expiry: {}", chain(&e)))
                .kind("invalid_expiry")
                .hint("write a duration such as `1h`, `7d`, `1M` or `1y`; without --expiry the token never expires")
        }),
        (None, Some(text)) => {
            let at: Timestamp = text.parse().map_err(|e| {
                CliError::usage(format!("invalid --expires-at: {}", chain(&e)))
                    .kind("invalid_expiry")
            })?;
            if at <= Timestamp::now() {
                return Err(CliError::usage(format!(
                    "invalid --expires-at: {at} has passed: a token cannot expire before it is created"
                ))
                .kind("invalid_expiry"));
            }
            Ok(Expiry::At(at))
        }
        (None, None) => Ok(Expiry::Never),
    }
}

/// `--max-expiry` (or `INFLUXDB3_MAX_EXPIRY`), when given, applied to `expiry`.
fn max_expiry_policy(m: &ArgMatches, max: Option<&str>, expiry: Expiry) -> Result<(), CliError> {
    let Some(text) = value(m, "max_expiry", max) else {
        return Ok(());
    };
    let max = text.parse::<Lifetime>().map_err(|e| {
        CliError::usage(format!(
            "invalid --max-expiry (INFLUXDB3_MAX_EXPIRY): {}",
            chain(&e)
        ))
    })?;
    within_policy(expiry, max, Timestamp::now())
}

/// Refuses a token that would live longer than `max`, or forever.
fn within_policy(expiry: Expiry, max: Lifetime, now: Timestamp) -> Result<(), CliError> {
    let refused = |what: String| {
        CliError::usage(format!(
            "{what}, and --max-expiry (INFLUXDB3_MAX_EXPIRY) allows at most {max}"
        ))
        .kind("expiry_policy")
        .hint(format!("give --expiry {max} or less"))
    };
    match expiry.lifetime(now) {
        Ok(None) => Err(refused("the token would never expire".to_owned())),
        Ok(Some(lifetime)) if lifetime > max => {
            Err(refused(format!("the token would live {lifetime}")))
        }
        Ok(Some(_)) => Ok(()),
        Err(e) => Err(CliError::usage(format!("invalid --expires-at: {e}"))),
    }
}

/// Where the token goes: the file (with the flags that mean nothing offline refused), or
/// a configured client.
fn target(
    server: Server,
    m: &ArgMatches,
    offline: bool,
    output_file: Option<PathBuf>,
    create_databases: &[String],
    lock_timeout: &str,
) -> Result<Target, CliError> {
    Ok(if offline {
        let given = server_flags(m);
        if !given.is_empty() {
            return Err(CliError::usage(format!(
                "{} {} nothing with --offline, which writes a file and talks to no server",
                given.join(", "),
                if given.len() == 1 { "means" } else { "mean" }
            ))
            .hint("drop them, or drop --offline to create the token on a server"));
        }
        let Some(output_file) = output_file else {
            return Err(CliError::usage(
                "--offline writes the token to a file: --output-file is required",
            )
            .hint("add --output-file path/to/tokens.json"));
        };
        let create_databases = create_databases
            .iter()
            .map(|db| {
                DatabaseName::new(db).map_err(|e| {
                    CliError::usage(format!(
                        "invalid database name {} in --create-databases: {}",
                        quote(db),
                        e.kind()
                    ))
                    .kind("invalid_database")
                    .hint("--create-databases takes names separated by commas, as in `db1,db2`")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let lock_timeout = humantime::parse_duration(lock_timeout).map_err(|e| {
            CliError::usage(format!(
                "invalid --lock-timeout {}: {e}",
                quote(lock_timeout)
            ))
        })?;
        Target::Offline {
            output_file,
            create_databases,
            lock_timeout,
        }
    } else {
        if output_file.is_some() {
            return Err(CliError::usage("--output-file goes with --offline")
                .hint("add --offline to write the token to the file instead of asking a server"));
        }
        if !create_databases.is_empty() {
            return Err(CliError::usage("--create-databases goes with --offline")
                .hint("online, create databases on the server before creating the token"));
        }
        if on_command_line(m, "lock_timeout") {
            return Err(CliError::usage("--lock-timeout goes with --offline"));
        }
        Target::Online(online(server, m)?)
    })
}

/// Which flags `create token` was given, for the checks of their combinations.
#[allow(clippy::struct_excessive_bools)] // one flag each
struct Combination {
    admin: bool,
    regenerate: bool,
    offline: bool,
    named: bool,
    permissions: bool,
    create_databases: bool,
    expiry: bool,
}

/// Refuses the combinations of flags that make no sense.
fn combinations(c: &Combination) -> Result<(), CliError> {
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
        if c.regenerate && c.named {
            return Err(CliError::usage(
                "--regenerate replaces the `_admin` token: it takes no --name",
            ));
        }
        if !c.offline && c.expiry && !c.named {
            return Err(CliError::usage(
                "online, --expiry with --admin needs --name: the `_admin` token never expires",
            )
            .hint("add --name NAME to create a named admin token that expires"));
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

/// What `create token` makes.
enum Kind {
    Admin(Option<TokenName>),
    Permission(TokenName, Grants),
}

pub(crate) fn delete(args: DeleteToken, m: &ArgMatches) -> Result<Plan, CliError> {
    let name = token_name("--token-name", &args.token_name)?;
    Ok(Plan::Delete {
        name,
        yes: args.yes,
        online: online(args.server, m)?,
        format: args.format,
        dry_run: args.dry_run,
    })
}

/// A `--permission` value, with the grammar's error rendered under the flag.
fn parse_permission(text: &str) -> Result<Permission, CliError> {
    text.parse::<Permission>()
        .map_err(|e| crate::diagnostic::permission_error("--permission", &e))
}

/// The `--permission` values as a permission token's grants.
fn grants(permissions: Vec<Permission>) -> Result<Grants, CliError> {
    Grants::try_from(permissions).map_err(|e| {
        let err = CliError::usage(e.to_string()).kind("invalid_permission");
        match e {
            GrantsError::Admin => {
                err.hint("create an admin token with `influxdb3 create token --admin`")
            }
            _ => err.hint(PERMISSION_EXAMPLE),
        }
    })
}

/// The value of `id`, with an empty environment variable counted as unset.
fn value<'a>(m: &ArgMatches, id: &str, value: Option<&'a str>) -> Option<&'a str> {
    match value {
        Some("") if m.value_source(id) == Some(ValueSource::EnvVariable) => None,
        other => other,
    }
}

/// `text` with anything between `://` and an `@` of its authority shown as `***`: a
/// host URL that holds credentials is refused, and its password is not repeated.
fn without_credentials(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => text.to_owned(),
    }
}

/// `true`/`false` as a flag's value or an environment variable: `true`, `1`, `yes`,
/// `on` and their opposites, in any case; anything else is refused.
fn boolean(flag: &str, text: &str) -> Result<bool, CliError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(CliError::usage(format!(
            "invalid value {} for {flag}: use true/false, 1/0, yes/no or on/off",
            quote(text)
        ))),
    }
}

/// Where the admin token came from.
enum Source {
    /// `--token VALUE` on the command line, where every user can read it.
    Literal(String),
    /// `--token -`.
    Stdin,
    /// `--token-file` or `INFLUXDB3_AUTH_TOKEN_FILE`.
    File(PathBuf),
    /// `INFLUXDB3_AUTH_TOKEN`.
    Environment(String),
}

/// The one source of the admin token: a flag wins over a variable; two flags, or two
/// variables, are a usage error naming both.
fn token_source(server: &Server, m: &ArgMatches) -> Result<Option<Source>, CliError> {
    let token = value(m, "token", server.token.as_deref());
    let file = server
        .token_file
        .as_ref()
        .filter(|p| !p.as_os_str().is_empty());
    let from = |id| m.value_source(id);
    let flags: Vec<&str> = [("token", "--token"), ("token_file", "--token-file")]
        .into_iter()
        .filter(|(id, _)| from(id) == Some(ValueSource::CommandLine))
        .map(|(_, flag)| flag)
        .collect();
    let both = |a: &str, b: &str| {
        CliError::usage(format!(
            "the admin token is given twice, by {a} and by {b}: give it once"
        ))
        .kind("token_twice")
    };
    if let [a, b] = flags.as_slice() {
        return Err(both(a, b));
    }
    let pick = |id: &str| -> Option<Source> {
        match id {
            "token" => token.map(|t| match (t, from("token")) {
                ("-", Some(ValueSource::CommandLine)) => Source::Stdin,
                (t, Some(ValueSource::CommandLine)) => Source::Literal(t.to_owned()),
                (t, _) => Source::Environment(t.to_owned()),
            }),
            _ => file.map(|p| Source::File(p.clone())),
        }
    };
    if let [flag] = flags.as_slice() {
        return Ok(pick(if *flag == "--token" {
            "token"
        } else {
            "token_file"
        }));
    }
    match (pick("token"), pick("token_file")) {
        (Some(_), Some(_)) => Err(both("INFLUXDB3_AUTH_TOKEN", "INFLUXDB3_AUTH_TOKEN_FILE")),
        (one, None) | (None, one) => Ok(one),
    }
}

/// The admin token from its source, and a warning when it was on the command line.
fn admin_token(
    server: &Server,
    m: &ArgMatches,
) -> Result<(Option<Token>, Option<String>), CliError> {
    let not_a_token = |from: &str, e: influxdb3_token::TokenError| {
        CliError::usage(format!("the admin token {from} is not a token: {e}")).kind("invalid_token")
    };
    Ok(match token_source(server, m)? {
        None => (None, None),
        Some(Source::Literal(text)) => (
            Some(Token::parse_lenient(&text).map_err(|e| not_a_token("given with --token", e))?),
            Some("the admin token was given on the command line, where every user of this machine can read it (`ps`): pass it with --token-file FILE, --token - (standard input) or INFLUXDB3_AUTH_TOKEN_FILE".to_owned()),
        ),
        Some(Source::Environment(text)) => (
            Some(Token::parse_lenient(&text).map_err(|e| not_a_token("in INFLUXDB3_AUTH_TOKEN", e))?),
            None,
        ),
        Some(Source::Stdin) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| {
                CliError::usage(format!("cannot read the admin token from standard input: {e}"))
            })?;
            let line = line.trim_end_matches(['\n', '\r']);
            (
                Some(Token::parse_lenient(line).map_err(|e| not_a_token("read from standard input", e))?),
                None,
            )
        }
        Some(Source::File(path)) => (Some(token_from_file(&path)?), None),
    })
}

/// The first line of a token file that only its owner may read.
fn token_from_file(path: &std::path::Path) -> Result<Token, CliError> {
    let file = |message: String| CliError::usage(message).kind("token_file");
    let (text, mode) = influxdb3_tokenfile::read_with_mode(path).map_err(|e| {
        file(format!(
            "cannot use {} as the admin token file: {}",
            quote_path(path),
            chain(&e)
        ))
    })?;
    if mode & 0o044 != 0 {
        return Err(file(format!(
            "{} holds the admin token and can be read by its group or others (mode {mode:04o})",
            quote_path(path),
        ))
        .hint(format!("chmod 600 {}", quote_path(path))));
    }
    let line = text.lines().next().unwrap_or_default();
    Token::parse_lenient(line).map_err(|e| {
        file(format!(
            "the first line of {} is not a token: {e}",
            quote_path(path)
        ))
    })
}

pub(crate) fn online(server: Server, m: &ArgMatches) -> Result<Online, CliError> {
    let host_text = value(m, "host", Some(&server.host)).unwrap_or(DEFAULT_HOST);
    let host = HostUrl::parse(host_text).map_err(|e| {
        CliError::usage(format!(
            "invalid --host {}: {}",
            quote(&without_credentials(host_text)),
            chain(&e)
        ))
        .kind("invalid_host")
        .hint("the host is `http(s)://HOST:PORT`, as in `http://127.0.0.1:8181`, with an optional path prefix")
    })?;
    let no_verify = match value(m, "tls_no_verify", server.tls_no_verify.as_deref()) {
        Some(text) => boolean("--tls-no-verify (INFLUXDB3_TLS_NO_VERIFY)", text)?,
        None => false,
    };
    let (token, token_warning) = admin_token(&server, m)?;
    let had_token = token.is_some();
    let mut builder = Client::builder(host.clone()).no_verify(no_verify);
    if let Some(token) = token {
        builder = builder.admin_token(token);
    }
    if let Some(ca) = server.tls_ca.filter(|p| !(p.as_os_str().is_empty())) {
        builder = builder.tls_ca_file(ca);
    }
    let client = builder.build().map_err(|e| {
        CliError::from_client(
            &e,
            &Request {
                action: Action::Create,
                name: "",
                host: host.as_str(),
                https: host.is_https(),
                had_token,
            },
        )
    })?;
    let mut warnings: Vec<String> = token_warning.into_iter().collect();
    if no_verify && host.is_https() {
        warnings.push("--tls-no-verify: the server's certificate is not checked, so anyone on the network path can read the admin token".to_owned());
    }
    Ok(Online {
        client,
        host,
        had_token,
        warnings,
    })
}
