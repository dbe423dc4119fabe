//! A plan of one token on a tokens file or an admin token file, offline.

use std::path::Path;
use std::time::Duration;

use influxdb3_provision::Plan;
use influxdb3_token::Timestamp;
use influxdb3_tokenfile::OneOutcome;

use crate::error::CliError;
use crate::options::{self, Ask};
use crate::output::Outcome;
use crate::report::{self, DryRun, Report};

/// A plan of one token carried out on the tokens file (an admin token's: the admin
/// token file) at `output_file`: the token made or kept, or what a dry run would write,
/// after `warnings` and the run's own.
pub(super) fn on_file(
    plan: &Plan,
    ask: &Ask,
    output_file: &Path,
    lock_timeout: Duration,
    mut warnings: Vec<String>,
) -> Result<Outcome, CliError> {
    let options = options::write_options(lock_timeout, ask.dry_run);
    let run = influxdb3_tokenfile::run_one(output_file, plan, &options, Timestamp::now())
        .map_err(|e| CliError::from_file(&e))?;
    CliError::on_file(&run.executed.report)?;
    warnings.extend(run.warnings());
    let chosen = ask.secret.as_ref().map(|(_, from)| from.as_str());
    let report = match run.outcome() {
        OneOutcome::Made(made) => Report::minted(made, chosen),
        OneOutcome::Kept { name, why, path } => Report::exists(&name, Some(&path), why),
        OneOutcome::DryRun(dry_run) => Report::DryRun(DryRun::File(dry_run)),
        _ => return Err(CliError::nothing_made()),
    };
    Ok(report::outcome(&report, ask.format, warnings))
}
