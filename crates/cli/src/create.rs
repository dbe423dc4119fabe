//! `create token` and `delete token`: flags to options, a plan carried out by the one
//! executor on the tokens file or the server, the report rendered.

use std::path::PathBuf;

use clap::ArgMatches;
use influxdb3_permission::Grants;
use influxdb3_provision::{NewToken, Plan, Uncreatable};
use influxdb3_token::{Timestamp, TokenName};

use crate::args::{CreateFormat, CreateToken, DeleteToken, Format};
use crate::error::CliError;
use crate::options::{self, Ask, Combination, Target};
use crate::output::Outcome;
use crate::report::{self, Report};

mod admin;
mod offline;
mod online;

/// `influxdb3 create token`.
pub(crate) fn create(args: CreateToken, m: &ArgMatches) -> Result<Outcome, CliError> {
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
        secret_file,
        ..
    } = args;
    let name = name
        .map(|n| options::token_name("--name", &n))
        .transpose()?;
    let given = Combination {
        admin,
        regenerate,
        offline,
        named: name.is_some(),
        permissions: !permissions.is_empty(),
        create_databases: !create_databases.is_empty(),
        expiry: expiry.is_some() || expires_at.is_some(),
        secret: secret_file.is_some(),
    };
    options::combinations(&given)?;
    if yes && !regenerate {
        return Err(CliError::usage("--yes goes with --admin --regenerate"));
    }
    let if_exists = options::mode(if_not_exists, replace, &given)?;
    if !offline {
        options::server_holds(name.as_ref(), &given, replace)?;
    }
    let secret = options::secret_file(secret_file, format)?;
    if dry_run && format == CreateFormat::Token {
        return Err(
            CliError::usage("--format token prints a new token, and a dry run makes none")
                .hint("use --format text or --format json with --dry-run"),
        );
    }
    let permissions = permissions
        .iter()
        .map(|p| options::parse_permission(p))
        .collect::<Result<Vec<_>, _>>()?;
    let grants = if admin {
        None
    } else if name.is_none() {
        return Err(CliError::usage("a permission token needs --name")
            .hint("for example --name 'Read/write token for my_database'"));
    } else {
        Some(options::grants(permissions)?)
    };
    let expiry = options::expiry_of(expiry.as_deref(), expires_at.as_deref())?;
    let policy = options::policy(m, max_expiry.as_deref())?;
    let target = target(
        server,
        m,
        offline,
        output_file,
        &create_databases,
        &lock_timeout,
    )?;
    let ask = Ask {
        secret,
        expiry,
        if_exists,
        dry_run,
        format,
        policy,
    };
    match (grants, name) {
        (Some(grants), Some(name)) => permission_token(&name, &grants, &ask, target),
        (_, name) => admin::admin_token(name, regenerate, yes, &ask, target),
    }
}

/// Where the token goes: the file (with the flags that mean nothing offline refused), or
/// the server's options, used once the plan is made.
fn target<'m>(
    server: crate::args::Server,
    m: &'m ArgMatches,
    offline: bool,
    output_file: Option<PathBuf>,
    create_databases: &[String],
    lock_timeout: &str,
) -> Result<Target<'m>, CliError> {
    if !offline {
        if output_file.is_some() {
            return Err(CliError::usage("--output-file goes with --offline")
                .hint("add --offline to write the token to the file instead of asking a server"));
        }
        if !create_databases.is_empty() {
            return Err(CliError::usage("--create-databases goes with --offline")
                .hint("online, create databases on the server before creating the token"));
        }
        if options::on_command_line(m, "lock_timeout") {
            return Err(CliError::usage("--lock-timeout goes with --offline"));
        }
        return Ok(Target::Online { server, m });
    }
    options::offline_only(m, &[], "--offline", "create the token on a server")?;
    let Some(output_file) = output_file else {
        return Err(CliError::usage(
            "--offline writes the token to a file: --output-file is required",
        )
        .hint("add --output-file path/to/tokens.json"));
    };
    Ok(Target::Offline {
        output_file,
        create_databases: options::databases(create_databases)?,
        lock_timeout: options::lock_timeout(lock_timeout)?,
    })
}

/// A permission token: one plan, carried out on the file or the server.
fn permission_token(
    name: &TokenName,
    grants: &Grants,
    ask: &Ask,
    target: Target<'_>,
) -> Result<Outcome, CliError> {
    let mut token = NewToken::new(name.clone(), grants.clone(), ask.expiry, Timestamp::now());
    if let Some((secret, _)) = &ask.secret {
        token = token.with_secret(secret.clone());
    }
    let plan =
        Plan::create(token, ask.if_exists, &ask.policy).map_err(|e| CliError::from_plan(&e))?;
    match target {
        Target::Offline {
            output_file,
            create_databases,
            lock_timeout,
        } => {
            let plan = plan.with_databases(create_databases);
            let warnings = uncreatable(&plan);
            offline::on_file(&plan, ask, &output_file, lock_timeout, warnings)
        }
        Target::Online { server, m } => {
            let warnings = uncreatable(&plan);
            online::on_server(plan, name, false, ask, (server, m), warnings)
        }
    }
}

/// `influxdb3 delete token`: a plan of one deletion, confirmed, on the server.
pub(crate) fn delete(args: DeleteToken, m: &ArgMatches) -> Result<Outcome, CliError> {
    let name = options::token_name("--token-name", &args.token_name)?;
    let format = match args.format {
        Format::Json => CreateFormat::Json,
        Format::Text => CreateFormat::Text,
    };
    // The plan first: what it refuses (`_admin`) is refused before the admin token is
    // read.
    let plan = Plan::delete(name.as_str(), true, Timestamp::now()).map_err(|e| {
        CliError::from_plan(&e).hint("the operator token is replaced with `influxdb3 create token --admin --regenerate`, never deleted")
    })?;
    let online = crate::connect::online(args.server, m)?;
    let mut warnings = online.warnings.clone();
    if args.dry_run {
        return report::dry_plan(&online, &plan, warnings, format);
    }
    // The failure, if any, is the error: the report has nothing more to say.
    let _deleted = online.execute(plan, args.yes, &mut warnings)?;
    Ok(report::outcome(
        &Report::Deleted(name.as_str().to_owned()),
        format,
        Vec::new(),
    ))
}

/// A warning for each database the plan names (by `--create-databases` or by a
/// permission) that a server's HTTP API would refuse to create.
fn uncreatable(plan: &Plan) -> Vec<String> {
    let warning = |u: &Uncreatable| u.warning("--create-databases", "--permission");
    plan.uncreatable().iter().map(warning).collect()
}
