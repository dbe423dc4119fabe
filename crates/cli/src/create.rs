//! `create token` and `delete token`: flags to one token request, its plan carried out
//! by the one executor on the tokens file or the server, the report rendered.

use clap::ArgMatches;
use influxdb3_provision::{
    Capabilities, IfExists, Kept, MadeToken, OPERATOR_TOKEN, Plan, PlanError, TokenRequest,
    Uncreatable,
};
use influxdb3_token::{Expiry, Timestamp};
use influxdb3_tokenfile::OneOutcome;

use crate::args::{CreateFormat, CreateToken, DeleteToken, Format};
use crate::error::CliError;
use crate::options;
use crate::output::Outcome;
use crate::report::{self, DryRun, Report};

/// `influxdb3 create token`. clap has refused the flags that go together only one way
/// (`args.rs`); what depends on their values is checked here. Nothing is read (a
/// secret, the admin token) or sent until the whole command line has been.
pub(crate) fn create(args: CreateToken, m: &ArgMatches) -> Result<Outcome, CliError> {
    // clap would take a required --regenerate as given when a flag it conflicts with
    // is: the one combination checked by hand.
    if args.yes && !args.regenerate {
        return Err(CliError::usage("--yes goes with --admin --regenerate"));
    }
    if args.dry_run && args.format == CreateFormat::Token {
        return Err(
            CliError::usage("--format token prints a new token, and a dry run makes none")
                .hint("use --format text or --format json with --dry-run"),
        );
    }
    let request = request(&args)?;
    let policy = options::policy(m, args.max_expiry.as_deref())?;
    // Offline: clap takes --offline and --output-file only together.
    let file = match args.output_file {
        Some(path) => {
            options::offline_only(m, &[], "--offline", "create the token on a server")?;
            Some((path, options::lock_timeout(&args.lock_timeout)?))
        }
        None => None,
    };
    let capabilities = match (&file, args.admin) {
        (None, _) => Capabilities::SERVER,
        (Some(_), false) => Capabilities::FILE,
        (Some(_), true) => Capabilities::ADMIN_FILE,
    };
    request
        .check(capabilities, args.secret_file.is_some())
        .map_err(|e| CliError::from_plan(&e))?;
    let (secret, secret_from) = options::secret_file(args.secret_file, args.format)?.unzip();
    let name = request.name().to_owned();
    let plan = request
        .plan(capabilities, secret, Timestamp::now(), &policy)
        .map_err(|e| match e {
            // Online, `_admin` is the operator token, which never expires.
            PlanError::ExpiryPolicy { ref name, .. } if name == OPERATOR_TOKEN && file.is_none() => {
                CliError::from_plan(&e).hint("unset --max-expiry (INFLUXDB3_MAX_EXPIRY) to make the operator token, or make a named admin token that expires: --admin --name NAME --expiry DURATION")
            }
            e => CliError::from_plan(&e),
        })?;
    let warning = |u: &Uncreatable| u.warning("--create-databases", "--permission");
    let mut warnings: Vec<String> = plan.uncreatable().iter().map(warning).collect();
    let report = if let Some((path, lock_timeout)) = file {
        let options = options::write_options(lock_timeout, args.dry_run);
        let run = influxdb3_tokenfile::run_one(&path, &plan, &options, Timestamp::now())
            .map_err(|e| CliError::from_file(&e))?;
        CliError::on_file(&run.executed.report)?;
        warnings.extend(run.warnings());
        match run.outcome() {
            OneOutcome::Made(made) => Report::minted(made, secret_from.as_deref()),
            OneOutcome::Kept { name, why, path } => Report::exists(&name, Some(&path), why),
            OneOutcome::DryRun(dry_run) => Report::DryRun(DryRun::File(dry_run)),
            _ => return Err(CliError::nothing_made()),
        }
    } else {
        let online = crate::connect::online(args.server, m)?;
        warnings.extend(online.warnings.iter().cloned());
        if args.dry_run {
            report::dry_plan(&online, &plan)?
        } else {
            // Shown (and emptied) before the request.
            let executed = online.execute(plan, args.yes, &mut warnings)?;
            MadeToken::first(executed).map_or_else(
                || Report::exists(&name, None, Kept::IfNotExists),
                |made| Report::Minted(Box::new(made)),
            )
        }
    };
    Ok(report::outcome(&report, args.format, warnings))
}

/// The token the flags ask for, each value checked.
fn request(args: &CreateToken) -> Result<TokenRequest, CliError> {
    let name = args.name.as_deref();
    let name = name.map(|n| options::token_name("--name", n)).transpose()?;
    let request = match name {
        _ if args.regenerate => TokenRequest::regenerate(),
        name if args.admin => TokenRequest::admin(name),
        Some(name) => {
            let permissions = args.permissions.iter();
            let permissions = permissions.map(|p| options::parse_permission(p));
            let grants = options::grants(permissions.collect::<Result<_, _>>()?)?;
            TokenRequest::permission(name, grants)
        }
        // clap requires --name without --admin.
        None => return Err(CliError::usage("a permission token needs --name")),
    };
    let expiry = Expiry::from_texts(
        args.expiry.as_deref(),
        args.expires_at.as_deref(),
        Timestamp::now(),
    )
    .map_err(|e| options::expiry_error(&e))?;
    let if_exists = match (args.if_not_exists, args.replace) {
        (true, _) => IfExists::Keep,
        (false, true) => IfExists::Replace,
        (false, false) => IfExists::Fail,
    };
    Ok(request
        .expiry(expiry)
        .if_exists(if_exists)
        .databases(options::databases(&args.create_databases)?))
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
    let report = if args.dry_run {
        report::dry_plan(&online, &plan)?
    } else {
        // The failure, if any, is the error: the report has nothing more to say.
        let _deleted = online.execute(plan, args.yes, &mut warnings)?;
        Report::Deleted(name.as_str().to_owned())
    };
    Ok(report::outcome(&report, format, warnings))
}
