//! The commands that change a tokens file by name or by merging: `merge`, `remove`,
//! `rotate`. Each is a plan carried out by the one executor on the file, in one
//! locked, durable write.

use std::path::{Path, PathBuf};

use influxdb3_provision::{Plan, Policy};
use influxdb3_token::{Timestamp, Token};
use influxdb3_tokenfile::{
    FileStoreError, MergeError, MergeInput, OneOutcome, OneRun, merge_files,
};

use super::input::{input_error, is_stdin, unusable};
use crate::args::{CreateFormat, EditOptions, FileWrite, Format};
use crate::error::{CliError, Exit, Kind, chain};
use crate::options;
use crate::output::Outcome;
use crate::output::json_doc as json;
use crate::report::{self, Report};

/// The files to merge, `-` (once) read from standard input, as every command that reads
/// a tokens file takes it.
fn merge_inputs(files: &[PathBuf]) -> Result<Vec<MergeInput>, CliError> {
    if files.iter().filter(|f| is_stdin(f)).count() > 1 {
        return Err(CliError::usage(
            "`-` (standard input) is given more than once: it can be read once",
        ));
    }
    let read = |f: &PathBuf| MergeInput::read(f, std::io::stdin().lock());
    files
        .iter()
        .map(|f| read(f).map_err(|e| input_error(f, &e)))
        .collect()
}

/// `tokens merge FILE... --output-file OUT`: the tokens of the other files copied into
/// OUT (which may be one of them), every conflict refused together.
pub(super) fn merge(
    files: &[PathBuf],
    write: &FileWrite,
    format: Format,
) -> Result<Outcome, CliError> {
    let timeout = options::lock_timeout(&write.options.lock_timeout)?;
    let options = options::write_options(timeout, write.options.dry_run);
    let out = &write.output_file;
    let inputs = merge_inputs(files)?;
    let merged = merge_files(&inputs, out, &options, &Policy::default()).map_err(|e| match e {
        MergeError::File(e) => unusable(&e),
        e @ MergeError::NotCopyable { .. } => CliError::usage(chain(&e)).kind(Kind::Conflict),
        e @ MergeError::OutputNotAnInput { .. } => CliError::usage(chain(&e))
            .kind(Kind::OutputNotAnInput)
            .hint("name it among the files to merge them into it, or choose a new --output-file"),
        MergeError::Store(e) => CliError::from_file_store(&e),
        MergeError::Plan { source } => CliError::from_plan(&source),
        // Every conflict, in one error (the merge error's own words name them).
        e => CliError::new(Exit::NameTaken, Kind::MergeConflict, e.to_string())
            .hint("names and token values are unique in a file: rename or remove one of each pair (`influxdb3 tokens remove`), then merge again; nothing was written"),
    })?;
    CliError::on_file(&merged.executed.report)?;
    Ok(Outcome {
        warnings: influxdb3_tokenfile::Finding::summary(&merged.written.findings),
        ..Outcome::ok(crate::output::report(format, &merged))
    })
}

/// Carries a plan of one step on the token `name` out on the file at `path`.
fn run_one(
    path: &Path,
    name: &str,
    plan: &Plan,
    options: &EditOptions,
) -> Result<OneRun, CliError> {
    let timeout = options::lock_timeout(&options.lock_timeout)?;
    let write = options::write_options(timeout, options.dry_run);
    let run = influxdb3_tokenfile::run_one(path, plan, &write, Timestamp::now())
        .map_err(|e| unusable(&e))?;
    if let Some(failed) = &run.executed.report.failed {
        return Err(CliError::from_step(&failed.cause, |e| match e {
            FileStoreError::NotFound { .. } => CliError::no_token(path, name),
            e => CliError::from_file_store(e),
        }));
    }
    Ok(run)
}

/// `tokens remove FILE --name NAME`.
pub(super) fn remove(
    path: &Path,
    name: &str,
    options: &EditOptions,
    format: Format,
) -> Result<Outcome, CliError> {
    let plan = Plan::delete(name, false, Timestamp::now()).map_err(|e| CliError::from_plan(&e))?;
    let run = run_one(path, name, &plan, options)?;
    let warnings = run.warnings();
    let OneOutcome::Edited(removed) = run.outcome() else {
        return Err(CliError::no_token(path, name));
    };
    Ok(Outcome {
        warnings,
        ..Outcome::ok(crate::output::report(format, &removed))
    })
}

/// `tokens rotate FILE --name NAME`.
pub(super) fn rotate(
    path: &Path,
    name: &str,
    secret: Option<(Token, String)>,
    options: &EditOptions,
    format: CreateFormat,
) -> Result<Outcome, CliError> {
    let (chosen, from) = secret.unzip();
    let plan = Plan::rotate(name, chosen, Timestamp::now()).map_err(|e| CliError::from_plan(&e))?;
    let run = run_one(path, name, &plan, options)?;
    let warnings = run.warnings();
    let made = match run.outcome() {
        OneOutcome::Edited(dry_run) => {
            let stdout = match format {
                CreateFormat::Json => json(&dry_run),
                _ => dry_run.to_string(),
            };
            return Ok(Outcome {
                warnings,
                ..Outcome::ok(stdout)
            });
        }
        OneOutcome::Made(made) => Report::minted(made, from.as_deref()),
        _ => return Err(CliError::no_token(path, name)),
    };
    Ok(report::outcome(&made, format, warnings))
}
