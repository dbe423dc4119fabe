//! `influxdb3 tokens …`: reviewing and editing permission tokens files, offline. The
//! logic is the libraries' (lint findings and diffs in the tokens-file crate, the
//! grants' semantics in the permission crate, the manifest and its plan in the
//! provision crate); here flags become calls and results become text or JSON.

mod apply;
mod edit;
mod input;
mod review;

use crate::args::TokensCommand;
use crate::error::CliError;
use crate::output::Outcome;

/// Runs a `tokens` command; `m` are its matches, for where a value came from.
pub(crate) fn run(command: TokensCommand, m: &clap::ArgMatches) -> Result<Outcome, CliError> {
    match command {
        TokensCommand::List { file, format } => review::list(&file, format),
        TokensCommand::Lint {
            file,
            strict,
            format,
        } => review::lint(&file, strict, format),
        TokensCommand::Check {
            file,
            name,
            action,
            resource,
            format,
        } => review::check(&file, &name, &action, &resource, format),
        TokensCommand::Diff {
            old,
            new,
            fail_on_widen,
            format,
        } => review::diff(&old, &new, fail_on_widen, format),
        TokensCommand::Merge {
            files,
            write,
            format,
        } => edit::merge(&files, &write, format),
        TokensCommand::Remove {
            file,
            name,
            options,
            format,
        } => edit::remove(&file, &name, &options, format),
        TokensCommand::Rotate {
            file,
            name,
            secret_file,
            options,
            format,
        } => {
            let secret = crate::options::secret_file(secret_file, format)?;
            edit::rotate(&file, &name, secret, &options, format)
        }
        TokensCommand::Apply(args) => apply::apply(&args, m),
    }
}
