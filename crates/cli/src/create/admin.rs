//! `create token --admin`: the operator token `_admin` or a named admin token on a
//! server, or an admin token file offline. Admin tokens are not permission tokens: no
//! plan, one request or one file.

use std::path::Path;
use std::time::Duration;

use influxdb3_permission::Permission;
use influxdb3_provision::{Action as Did, Done, IfExists};
use influxdb3_token::{Expiry, Timestamp, Token, TokenName};
use influxdb3_token_client::{ClientError, TokenRequest};
use influxdb3_tokenfile::{AdminTokenFile, TokenFileError};

use crate::error::{Action, CliError, Exit, Kind, chain};
use crate::options::{self, Ask, Target};
use crate::output;
use crate::output::Outcome;
use crate::quote::quote_path;
use crate::report::{self, DryRun, Minted, Report};

/// An admin token: the operator token `_admin` or a named one, online; an admin token
/// file, offline. (Admin tokens are not permission tokens: no plan, one request or one
/// file.)
pub(super) fn admin_token(
    name: Option<TokenName>,
    regenerate: bool,
    yes: bool,
    ask: &Ask,
    target: Target,
) -> Result<Outcome, CliError> {
    let now = Timestamp::now();
    // The operator token `_admin` never expires.
    let effective = match (&target, &name) {
        (Target::Online(_), None) => Expiry::Never,
        _ => ask.expiry,
    };
    let shown_name = name.as_ref().map_or("_admin", TokenName::as_str);
    ask.policy
        .check_expiry(shown_name, effective, now)
        .map_err(|e| CliError::from_plan(&e))?;
    let shown = vec![Permission::Admin.to_string()];
    let online = match target {
        Target::Online(online) => online,
        Target::Offline {
            output_file,
            lock_timeout,
            ..
        } => return admin_file(name, ask, &output_file, lock_timeout, shown),
    };
    let mut warnings = online.warnings.clone();
    if regenerate && !yes && !ask.dry_run {
        report::confirm(
            "Are you sure you want to regenerate the operator token `_admin`? The current one stops working at once.",
            "the `_admin` token was not regenerated",
            "--admin --regenerate",
        )?;
    }
    let request = if regenerate {
        TokenRequest::Regenerate
    } else if let Some(name) = &name {
        TokenRequest::NamedAdmin {
            name,
            lifetime: options::lifetime(ask.expiry)?,
        }
    } else {
        TokenRequest::Admin
    };
    let action = if regenerate {
        Action::Regenerate
    } else {
        Action::Create
    };
    if ask.dry_run {
        return report::dry_request(&online, &request, shown_name, warnings, ask.format);
    }
    output::warn_all(&mut warnings);
    let result = match &request {
        TokenRequest::NamedAdmin { name, lifetime } => {
            online.client.create_named_admin_token(name, *lifetime)
        }
        TokenRequest::Regenerate => online.client.regenerate_admin_token(),
        _ => online.client.create_admin_token(),
    };
    let report = match result {
        Ok(created) => {
            let mut done = Done::new(Did::Created, &created.name);
            done.id = Some(created.id);
            done.created_at = Some(created.created_at);
            done.expiry = created.expiry.as_deref().and_then(|t| t.parse().ok());
            Report::Minted(Minted::new(created.token, &done, None).with_permissions(shown))
        }
        Err(ClientError::NameTaken { .. }) if ask.if_exists == IfExists::Keep => Report::Exists {
            name: shown_name.to_owned(),
            place: "the server".to_owned(),
        },
        Err(e) => return Err(online.error(&e, action, shown_name)),
    };
    Ok(report::outcome(&report, ask.format, Vec::new()))
}

/// `create token --admin --offline`: an admin token file, replaced.
fn admin_file(
    name: Option<TokenName>,
    ask: &Ask,
    output_file: &Path,
    lock_timeout: Duration,
    shown: Vec<String>,
) -> Result<Outcome, CliError> {
    let expiry = ask
        .expiry
        .ends(Timestamp::now())
        .map_err(|e| CliError::usage(format!("invalid expiry: {e}")).kind(Kind::InvalidExpiry))?;
    let token =
        Token::generate().map_err(|e| CliError::new(Exit::Failure, Kind::Random, chain(&e)))?;
    let name = name.unwrap_or_else(TokenName::admin);
    let file = AdminTokenFile::new(token.clone(), name.clone(), expiry);
    let dry = |action| {
        Report::DryRun(DryRun::File {
            path: output_file.to_path_buf(),
            action,
            entry: report::redacted(&file),
            create_databases: Vec::new(),
        })
    };
    if ask.if_exists == IfExists::Keep && admin_file_exists(output_file)? {
        let report = if ask.dry_run {
            dry("nothing")
        } else {
            Report::Exists {
                name: name.as_str().to_owned(),
                place: quote_path(output_file),
            }
        };
        return Ok(report::outcome(&report, ask.format, Vec::new()));
    }
    let written = file
        .write(
            output_file,
            &options::write_options(lock_timeout, ask.dry_run),
        )
        .map_err(|e| CliError::from_file(&e))?;
    if ask.dry_run {
        return Ok(report::outcome(&dry("write"), ask.format, Vec::new()));
    }
    let mut done = Done::new(Did::Created, name.as_str());
    done.expiry = expiry;
    let minted = Minted::new(token, &done, Some(output_file)).with_permissions(shown);
    Ok(report::outcome(
        &Report::Minted(minted),
        ask.format,
        report::found(&written.findings),
    ))
}

/// Whether an admin token file is at `path` (read as a write reads it: a missing or
/// empty file is none; anything that is not an admin token file is an error).
fn admin_file_exists(path: &Path) -> Result<bool, CliError> {
    let text = match influxdb3_tokenfile::read(path) {
        Ok(text) => text,
        Err(TokenFileError::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(false);
        }
        Err(e) => return Err(CliError::from_file(&e)),
    };
    if text.is_empty() {
        return Ok(false);
    }
    AdminTokenFile::parse(&text).map(|_| true).map_err(|error| {
        CliError::from_file(&TokenFileError::Invalid {
            path: path.to_path_buf(),
            error,
        })
    })
}
