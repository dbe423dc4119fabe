//! Flags turned into a validated plan, in one place, before any side effect: nothing is
//! sent, read for writing or written until the whole command line has been checked.

use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use influxdb3_permission::{DatabaseName, Grants, GrantsError, Permission};
use influxdb3_token::{Lifetime, Token, TokenName};
use influxdb3_token_client::{Client, ClientError, DEFAULT_HOST, HostUrl};

use crate::args::{CreateToken, DeleteToken, Format, Server};
use crate::error::{Action, CliError, Request};
use crate::render::quote;

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
    /// A warning to show before the request (`--tls-no-verify` on an https host).
    pub(crate) warning: Option<String>,
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

/// What to do.
#[derive(Debug)]
pub(crate) enum Plan {
    Permission {
        name: TokenName,
        grants: Grants,
        lifetime: Option<Lifetime>,
        target: Target,
        format: Format,
    },
    Admin {
        name: Option<TokenName>,
        regenerate: bool,
        yes: bool,
        lifetime: Option<Lifetime>,
        target: Target,
        format: Format,
    },
    Delete {
        name: TokenName,
        yes: bool,
        online: Online,
        format: Format,
    },
}

const PERMISSION_EXAMPLE: &str = "for example --permission 'db:my_database:read,write'";

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
        format,
        offline,
        create_databases,
        output_file,
        lock_timeout,
        ..
    } = args;
    let name = name.map(|n| token_name("--name", &n)).transpose()?;
    combinations(&Combination {
        admin,
        regenerate,
        offline,
        named: name.is_some(),
        permissions: !permissions.is_empty(),
        create_databases: !create_databases.is_empty(),
        expiry: expiry.is_some(),
    })?;
    if yes && !regenerate {
        return Err(CliError::usage("--yes goes with --admin --regenerate"));
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
    let lifetime = expiry
        .map(|text| {
            text.parse::<Lifetime>().map_err(|e| {
                CliError::usage(format!("invalid --expiry: {}", crate::error::chain(&e)))
                    .kind("invalid_expiry")
                    .hint("write a duration such as `1h`, `7d`, `1M` or `1y`; without --expiry the token never expires")
            })
        })
        .transpose()?;
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
            lifetime,
            target,
            format,
        },
        Kind::Permission(name, grants) => Plan::Permission {
            name,
            grants,
            lifetime,
            target,
            format,
        },
    })
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
        let given: Vec<&str> = [
            ("host", "--host"),
            ("token", "--token"),
            ("tls_ca", "--tls-ca"),
            ("tls_no_verify", "--tls-no-verify"),
        ]
        .into_iter()
        .filter(|(id, _)| on_command_line(m, id))
        .map(|(_, flag)| flag)
        .collect();
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
    })
}

/// A `--permission` value, with the grammar's error rendered under the flag.
fn parse_permission(text: &str) -> Result<Permission, CliError> {
    text.parse::<Permission>()
        .map_err(|e| CliError::permission("--permission", &e))
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

fn online(server: Server, m: &ArgMatches) -> Result<Online, CliError> {
    let Server {
        host,
        token,
        tls_ca,
        tls_no_verify,
    } = server;
    let host_text = value(m, "host", Some(&host)).unwrap_or(DEFAULT_HOST);
    let host = HostUrl::parse(host_text).map_err(|e| {
        CliError::usage(format!(
            "invalid --host {}: {}",
            quote(&without_credentials(host_text)),
            crate::error::chain(&e)
        ))
        .kind("invalid_host")
        .hint("the host is `http(s)://HOST:PORT`, as in `http://127.0.0.1:8181`, with an optional path prefix")
    })?;
    let no_verify = match value(m, "tls_no_verify", tls_no_verify.as_deref()) {
        Some(text) => boolean("--tls-no-verify (INFLUXDB3_TLS_NO_VERIFY)", text)?,
        None => false,
    };
    let mut builder = Client::builder(host.clone()).no_verify(no_verify);
    let token = value(m, "token", token.as_deref());
    let had_token = token.is_some();
    if let Some(token) = token {
        let token = Token::parse_lenient(token)
            .map_err(|e| CliError::usage(format!("the admin token given is not a token: {e}")))?;
        builder = builder.admin_token(token);
    }
    let tls_ca = tls_ca.filter(|p| !(p.as_os_str().is_empty()));
    if let Some(ca) = tls_ca {
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
    let warning = (no_verify && host.is_https()).then(|| {
        "--tls-no-verify: the server's certificate is not checked, so anyone on the network path can read the admin token".to_owned()
    });
    Ok(Online {
        client,
        host,
        had_token,
        warning,
    })
}
