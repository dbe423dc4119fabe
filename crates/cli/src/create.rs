//! `create token` and `delete token`: flags to options, a plan carried out by the one
//! executor on the tokens file or the server, the report rendered.

use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use influxdb3_permission::{DatabaseName, Grants};
use influxdb3_provision::{
    Action as Did, Cause, ExecuteOptions, Executed, IfExists, NewToken, Plan, Policy, StoreError,
    execute,
};
use influxdb3_token::{Expiry, Timestamp, TokenName};
use influxdb3_token_client::{ServerStore, TokenRequest};
use influxdb3_tokenfile::FileStore;

use crate::args::{CreateFormat, CreateToken, DeleteToken, Format};
use crate::error::{Action, CliError, Exit, Kind, chain};
use crate::options::{self, Combination, Online};
use crate::output::{self, Outcome};
use crate::quote::{quote, quote_path};
use crate::render::Paint;
use crate::report::{self, DryRun, Minted, Report};

mod admin;

/// Where a new token goes.
pub(crate) enum Target {
    Online(Online),
    Offline {
        output_file: PathBuf,
        create_databases: Vec<DatabaseName>,
        lock_timeout: Duration,
    },
}

/// What to make, how, and where.
pub(crate) struct Ask {
    expiry: Expiry,
    if_exists: IfExists,
    dry_run: bool,
    format: CreateFormat,
    policy: Policy,
}

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
    };
    options::combinations(&given)?;
    if yes && !regenerate {
        return Err(CliError::usage("--yes goes with --admin --regenerate"));
    }
    let if_exists = options::mode(if_not_exists, replace, &given)?;
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
/// a configured client.
fn target(
    server: crate::args::Server,
    m: &ArgMatches,
    offline: bool,
    output_file: Option<PathBuf>,
    create_databases: &[String],
    lock_timeout: &str,
) -> Result<Target, CliError> {
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
        return Ok(Target::Online(options::online(server, m)?));
    }
    let given = options::server_flags(m);
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
    target: Target,
) -> Result<Outcome, CliError> {
    let now = Timestamp::now();
    let creates: &[DatabaseName] = match &target {
        Target::Offline {
            create_databases, ..
        } => create_databases,
        Target::Online(_) => &[],
    };
    let mut warnings = report::uncreatable(grants, creates);
    let token = NewToken::new(name.clone(), grants.clone(), ask.expiry, now);
    let plan = Plan::create(token, ask.if_exists, &ask.policy).map_err(|e| plan_error(&e))?;
    let report = match target {
        Target::Offline {
            output_file,
            create_databases,
            lock_timeout,
        } => {
            let plan = plan.with_databases(create_databases.clone());
            let options = options::write_options(lock_timeout, ask.dry_run);
            let ((executed, findings, entry), written) =
                FileStore::open(&output_file, &options, |store| {
                    let executed = execute(
                        &plan,
                        store,
                        ExecuteOptions::default().dry_run(ask.dry_run),
                        &mut |_| Ok(()),
                    );
                    let entry = store.entry(name.as_str()).map(report::redacted);
                    (executed, store.findings(now), entry)
                })
                .map_err(|e| CliError::from_file(&e))?;
            let Executed {
                report, secrets, ..
            } = executed;
            if let Some(failed) = report.failed {
                return Err(store_error(&failed.cause, CliError::from_file_store));
            }
            let action = report.done.first().map_or(Did::Exists, |d| d.action);
            if ask.dry_run {
                Report::DryRun(DryRun::File {
                    path: written.path,
                    action: match action {
                        Did::Exists => "nothing",
                        Did::Replaced => "replace",
                        _ => "append",
                    },
                    entry: entry.unwrap_or_default(),
                    create_databases: create_databases.iter().map(ToString::to_string).collect(),
                })
            } else if let (Some(done), Some((_, token))) =
                (report.done.first(), secrets.into_iter().next())
            {
                warnings.extend(report::found(findings.iter().chain(&written.findings)));
                Report::Minted(Minted::new(token, done, Some(&output_file)))
            } else {
                Report::Exists {
                    name: name.as_str().to_owned(),
                    place: quote_path(&written.path),
                }
            }
        }
        Target::Online(online) => {
            let request = TokenRequest::Create {
                name,
                grants,
                lifetime: lifetime(ask.expiry)?,
            };
            if ask.dry_run {
                warnings.extend(online.warnings.iter().cloned());
                return dry_request(&online, &request, name.as_str(), warnings, ask.format);
            }
            warnings.extend(online.warnings.iter().cloned());
            show(&mut warnings);
            let mut store = ServerStore::new(&online.client);
            let Executed {
                report, secrets, ..
            } = execute(
                &plan,
                &mut store,
                ExecuteOptions::default(),
                &mut |_| Ok(()),
            );
            if let Some(failed) = report.failed {
                return Err(store_error(&failed.cause, |e| {
                    online.error(e, Action::Create, name.as_str())
                }));
            }
            match (report.done.first(), secrets.into_iter().next()) {
                (Some(done), Some((_, token))) => Report::Minted(Minted::new(token, done, None)),
                _ => Report::Exists {
                    name: name.as_str().to_owned(),
                    place: "the server".to_owned(),
                },
            }
        }
    };
    Ok(finish(&report, ask.format, warnings))
}

/// `influxdb3 delete token`: a plan of one deletion, confirmed, on the server.
pub(crate) fn delete(args: DeleteToken, m: &ArgMatches) -> Result<Outcome, CliError> {
    let name = options::token_name("--token-name", &args.token_name)?;
    let online = options::online(args.server, m)?;
    let format = match args.format {
        Format::Json => CreateFormat::Json,
        Format::Text => CreateFormat::Text,
    };
    let plan = Plan::delete(name.as_str(), !args.yes, Timestamp::now()).map_err(|e| {
        plan_error(&e).hint("the operator token is replaced with `influxdb3 create token --admin --regenerate`, never deleted")
    })?;
    let mut warnings = online.warnings.clone();
    if args.dry_run {
        return dry_request(
            &online,
            &TokenRequest::Delete { name: &name },
            name.as_str(),
            warnings,
            format,
        );
    }
    let plan = if plan.needs_confirmation().is_some() {
        report::confirm(
            &format!(
                "Are you sure you want to delete token {}?",
                quote(name.as_str())
            ),
            &format!("token {} was not deleted", quote(name.as_str())),
            "--token-name",
        )?;
        plan.confirm()
    } else {
        plan
    };
    show(&mut warnings);
    let executed = execute(
        &plan,
        &mut ServerStore::new(&online.client),
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    if let Some(failed) = executed.report.failed {
        return Err(store_error(&failed.cause, |e| {
            online.error(e, Action::Delete, name.as_str())
        }));
    }
    Ok(finish(
        &Report::Deleted(name.as_str().to_owned()),
        format,
        Vec::new(),
    ))
}

/// A dry run against a server: the request that would be sent.
pub(crate) fn dry_request(
    online: &Online,
    request: &TokenRequest<'_>,
    name: &str,
    warnings: Vec<String>,
    format: CreateFormat,
) -> Result<Outcome, CliError> {
    let action = match request {
        TokenRequest::Delete { .. } => Action::Delete,
        TokenRequest::Regenerate => Action::Regenerate,
        _ => Action::Create,
    };
    let prepared = online
        .client
        .prepare(request)
        .map_err(|e| online.error(&e, action, name))?;
    Ok(finish(
        &Report::DryRun(DryRun::Request(prepared)),
        format,
        warnings,
    ))
}

/// How long a token made now lives, for a server.
pub(crate) fn lifetime(expiry: Expiry) -> Result<Option<influxdb3_token::Lifetime>, CliError> {
    expiry
        .lifetime(Timestamp::now())
        .map_err(|e| CliError::usage(format!("invalid expiry: {e}")).kind(Kind::InvalidExpiry))
}

/// Warnings that must show before a request is sent (it may take a while, or fail).
pub(crate) fn show(warnings: &mut Vec<String>) {
    for w in warnings.drain(..) {
        output::warn(&w);
    }
}

/// A plan the rules refuse.
pub(crate) fn plan_error(e: &influxdb3_provision::PlanError) -> CliError {
    use influxdb3_provision::PlanError;
    let err = CliError::usage(chain(e)).caused_by(e.clone());
    match e {
        PlanError::Expiry { .. } => err.kind(Kind::InvalidExpiry),
        PlanError::ExpiryPolicy { lifetime, max, .. } => CliError::usage(format!(
            "{}, and --max-expiry (INFLUXDB3_MAX_EXPIRY) allows at most {max}",
            lifetime.map_or_else(
                || "the token would never expire".to_owned(),
                |l| format!("the token would live {l}")
            )
        ))
        .kind(Kind::ExpiryPolicy)
        .hint(format!("give --expiry {max} or less")),
        PlanError::Reserved => err
            .kind(Kind::ReservedName)
            .hint("choose another --name; admin tokens are made with --admin"),
        PlanError::Operator { .. } => err.kind(Kind::OperatorToken),
        PlanError::Unsupported { .. } => err.kind(Kind::Unsupported),
        _ => err,
    }
}

/// The error of a step that failed: the store's (told apart by `store`), or the
/// observer's.
pub(crate) fn store_error<E: StoreError>(
    cause: &Cause<E>,
    store: impl FnOnce(&E) -> CliError,
) -> CliError {
    match cause {
        Cause::Store(e) => store(e),
        Cause::NotConfirmed => CliError::usage("the plan needs a confirmation it was not given")
            .kind(Kind::ConfirmationNeeded)
            .hint("pass --yes to go ahead without asking"),
        other => CliError::new(Exit::Failure, Kind::Io, chain(other)),
    }
}

/// What a token command prints, and the error to report if stdout cannot take it.
pub(crate) fn finish(report: &Report, format: CreateFormat, warnings: Vec<String>) -> Outcome {
    let unshown = unshown(report);
    Outcome {
        stdout: report::stdout(report, format, Paint::On).unwrap_or_default(),
        note: report::note(report),
        warnings,
        code: 0,
        unshown,
    }
}

/// A token was made but its secret could not be written to stdout.
fn unshown(report: &Report) -> Option<CliError> {
    let Report::Minted(m) = report else {
        return None;
    };
    let name = quote(&m.name);
    let (message, hint) = match &m.output_file {
        Some(path) => (
            format!(
                "token {name} was saved to {}, but it could not be shown (stdout failed)",
                quote_path(path)
            ),
            format!(
                "nobody has seen its secret: remove the entry named {name} from the file, and create it again"
            ),
        ),
        None => (
            format!(
                "token {name} was created on the server, but it could not be shown (stdout failed)"
            ),
            format!(
                "token {name} now exists on the server and nobody has its secret: delete it with `influxdb3 delete token --token-name {name}` and create it again"
            ),
        ),
    };
    Some(CliError::new(Exit::Failure, Kind::Stdout, message).hint(hint))
}
