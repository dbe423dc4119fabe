//! A plan of one token on a tokens file or an admin token file, offline.

use std::path::Path;
use std::time::Duration;

use influxdb3_provision::{Kept, Plan, Step};
use influxdb3_token::Timestamp;

use crate::error::CliError;
use crate::options::{self, Ask};
use crate::output::Outcome;
use crate::quote::quote_path;
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
    let report = if let Some(dry_run) = run.dry_run() {
        Report::DryRun(DryRun::file(&dry_run))
    } else {
        let place = format!("in {}", quote_path(&run.written.path));
        let name = plan.steps().first().map_or("", Step::name);
        let (name, why) = run.kept().unwrap_or((name, Kept::IfNotExists));
        let exists = Report::exists(name, &place, why);
        let chosen = ask.secret.as_ref().map(|(_, from)| from.as_str());
        report::made(run.made(), chosen, exists)
    };
    Ok(report::outcome(&report, ask.format, warnings))
}
