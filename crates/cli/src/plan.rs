//! Flags turned into a validated plan, in one place, before any side effect.

use std::path::PathBuf;

use influxdb3_permission::{Permission, check_database_name};
use influxdb3_token::{Expiry, SystemClock, Token};
use influxdb3_token_client::Client;

use crate::args::{CreateToken, DeleteToken, Format, Server};
use crate::error::CliError;

/// Where a new token goes.
#[derive(Debug)]
pub enum Target {
    Online(Online),
    Offline {
        output_file: PathBuf,
        create_databases: Vec<String>,
    },
}

/// A configured client and what to say about it.
#[derive(Debug)]
pub struct Online {
    pub client: Client,
    pub host: String,
    pub had_token: bool,
    pub no_verify: bool,
}

impl Online {
    /// A failed request, with what to do about it.
    pub fn error(&self, e: &influxdb3_token_client::ClientError) -> CliError {
        CliError::from_client(e, &self.host, self.had_token)
    }
}

/// What to do.
#[derive(Debug)]
pub enum Plan {
    Permission {
        name: String,
        permissions: Vec<Permission>,
        expiry: Expiry,
        target: Target,
        format: Format,
    },
    Admin {
        name: Option<String>,
        regenerate: bool,
        expiry: Expiry,
        target: Target,
        format: Format,
    },
    Delete {
        name: String,
        yes: bool,
        online: Online,
        format: Format,
    },
}

const PERMISSION_EXAMPLE: &str = "for example --permission 'db:my_database:read,write'";

pub fn create(args: CreateToken) -> Result<Plan, CliError> {
    let CreateToken {
        permissions,
        name,
        admin,
        regenerate,
        server,
        expiry,
        format,
        offline,
        create_databases,
        output_file,
        ..
    } = args;
    if let Some(name) = &name {
        check_name(name)?;
    }
    if admin {
        if !permissions.is_empty() {
            return Err(CliError::usage("--permission cannot be used with --admin")
                .hint("an admin token has every permission; drop --admin to create a permission token"));
        }
        if !create_databases.is_empty() {
            return Err(CliError::usage(
                "--create-databases goes with permission tokens, not --admin",
            ));
        }
        if regenerate && offline {
            return Err(CliError::usage("--regenerate asks a server for a new `_admin` token; it cannot be used with --offline")
                .hint("offline, write a new admin token file with `--admin --offline --output-file FILE`"));
        }
        if regenerate && name.is_some() {
            return Err(CliError::usage(
                "--regenerate replaces the `_admin` token: it takes no --name",
            ));
        }
        if !offline && expiry.is_some() && name.is_none() {
            return Err(CliError::usage(
                "online, --expiry with --admin needs --name: the `_admin` token never expires",
            )
            .hint("add --name NAME to create a named admin token that expires"));
        }
    } else {
        if regenerate {
            return Err(CliError::usage("--regenerate goes with --admin"));
        }
        if permissions.is_empty() {
            return Err(
                CliError::usage("a permission token needs at least one --permission").hint(
                    format!("{PERMISSION_EXAMPLE}; or create an admin token with --admin"),
                ),
            );
        }
    }
    let permissions = permissions
        .iter()
        .map(|p| parse_permission(p))
        .collect::<Result<Vec<_>, _>>()?;
    if !admin && name.is_none() {
        return Err(CliError::usage("a permission token needs --name")
            .hint("for example --name 'Read/write token for my_database'"));
    }
    let expiry = match &expiry {
        Some(text) => {
            Expiry::after(text, &SystemClock).map_err(|e| CliError::usage(e.to_string()))?
        }
        None => Expiry::NEVER,
    };
    let target = target(server, offline, output_file, create_databases)?;
    Ok(if admin {
        Plan::Admin {
            name,
            regenerate,
            expiry,
            target,
            format,
        }
    } else {
        Plan::Permission {
            name: name.unwrap_or_default(),
            permissions,
            expiry,
            target,
            format,
        }
    })
}

pub fn delete(args: DeleteToken) -> Result<Plan, CliError> {
    check_name(&args.token_name)?;
    Ok(Plan::Delete {
        name: args.token_name,
        yes: args.yes,
        online: online(args.server)?,
        format: args.format,
    })
}

fn check_name(name: &str) -> Result<(), CliError> {
    if name.is_empty() {
        return Err(CliError::usage("a token name cannot be empty"));
    }
    if name.chars().any(char::is_control) {
        return Err(CliError::usage(format!(
            "the token name `{}` holds a control character",
            name.escape_debug()
        )));
    }
    Ok(())
}

/// A `--permission` value, with the grammar's error rendered under the argument.
fn parse_permission(text: &str) -> Result<Permission, CliError> {
    const FLAG: &str = "  --permission ";
    match text.parse::<Permission>() {
        Ok(p) if p.is_admin() => Err(CliError::usage(
            "`*:*:*` is the admin permission: a permission token cannot have it",
        )
        .hint("create an admin token with `influxdb3 create token --admin`")),
        Ok(p) => Ok(p),
        Err(e) => {
            let snippet = e.snippet(0);
            let (line, carets) = snippet.split_once('\n').unwrap_or((&snippet, ""));
            let pad = " ".repeat(FLAG.len());
            let mut err = CliError::usage(format!(
                "invalid --permission `{}`: {}",
                text.escape_debug(),
                e.kind()
            ))
            .detail(format!("{FLAG}{line}\n{pad}{carets}"));
            err.hint = e.hint().map(str::to_owned);
            if err.hint.is_none() && text.contains(char::is_whitespace) {
                err.hint = Some("quote each permission as one argument, with no spaces".to_owned());
            }
            Err(err)
        }
    }
}

fn target(
    server: Server,
    offline: bool,
    output_file: Option<PathBuf>,
    create_databases: Vec<String>,
) -> Result<Target, CliError> {
    if offline {
        let Some(output_file) = output_file else {
            return Err(CliError::usage(
                "--offline writes the token to a file: --output-file is required",
            )
            .hint("add --output-file path/to/tokens.json"));
        };
        for db in &create_databases {
            check_database_name(db).map_err(|e| {
                CliError::usage(format!(
                    "invalid database name `{}` in --create-databases: {}",
                    db.escape_debug(),
                    e.kind()
                ))
                .hint("--create-databases takes names separated by commas, as in `db1,db2`")
            })?;
        }
        return Ok(Target::Offline {
            output_file,
            create_databases,
        });
    }
    if output_file.is_some() {
        return Err(CliError::usage("--output-file goes with --offline")
            .hint("add --offline to write the token to the file instead of asking a server"));
    }
    if !create_databases.is_empty() {
        return Err(CliError::usage("--create-databases goes with --offline")
            .hint("online, create databases on the server before creating the token"));
    }
    online(server).map(Target::Online)
}

fn online(server: Server) -> Result<Online, CliError> {
    let Server {
        host,
        token,
        tls_ca,
        tls_no_verify,
    } = server;
    let mut builder = Client::builder(&host).no_verify(tls_no_verify);
    let had_token = token.is_some();
    if let Some(token) = token {
        let token = Token::parse_lenient(&token)
            .map_err(|e| CliError::usage(format!("the --token value is not a token: {e}")))?;
        builder = builder.admin_token(token);
    }
    if let Some(ca) = tls_ca {
        builder = builder.tls_ca_file(ca);
    }
    let client = builder
        .build()
        .map_err(|e| CliError::from_client(&e, &host, had_token))?;
    Ok(Online {
        client,
        host,
        had_token,
        no_verify: tls_no_verify,
    })
}
