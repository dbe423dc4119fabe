//! A plan of one token (a permission or an admin token) on the server.

use clap::ArgMatches;
use influxdb3_provision::{Kept, MadeToken, Plan};
use influxdb3_token::TokenName;

use crate::error::CliError;
use crate::options::Ask;
use crate::output::Outcome;
use crate::report::{self, Report};

/// A plan of one token carried out on the server (`yes`: confirmed already), after
/// `warnings` and the server options' own; or its dry run.
pub(super) fn on_server(
    plan: Plan,
    name: &TokenName,
    yes: bool,
    ask: &Ask,
    (server, m): (crate::args::Server, &ArgMatches),
    mut warnings: Vec<String>,
) -> Result<Outcome, CliError> {
    let online = crate::connect::online(server, m)?;
    warnings.extend(online.warnings.iter().cloned());
    if ask.dry_run {
        return report::dry_plan(&online, &plan, warnings, ask.format);
    }
    // Shown (and emptied) before the request.
    let executed = online.execute(plan, yes, &mut warnings)?;
    let report = match MadeToken::first(executed) {
        Some(made) => Report::Minted(Box::new(made)),
        None => Report::exists(name.as_str(), None, Kept::IfNotExists),
    };
    Ok(report::outcome(&report, ask.format, warnings))
}
