//! `influxdb3 tokens …`: reviewing and editing permission tokens files, offline. The
//! logic is the libraries' (lint findings and diffs in the tokens-file crate, the
//! grants' semantics in the permission crate, the manifest and its plan in the
//! provision crate); here flags become calls and results become text or JSON.

mod apply;
mod edit;
mod input;
mod review;

use influxdb3_tokenfile::SecretsFormat;

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
        TokensCommand::Apply {
            manifest,
            output_file,
            prune,
            update,
            recreate,
            yes,
            max_expiry,
            server,
            secrets_out,
            secrets_format,
            secrets_name,
            options,
            format,
        } => {
            let secrets_format = secrets_form(secrets_out.is_some(), secrets_format, secrets_name)?;
            let target = if let Some(file) = output_file {
                let recreate: &[&str] = if recreate { &["--recreate"] } else { &[] };
                crate::options::offline_only(
                    m,
                    recreate,
                    "--output-file",
                    "apply the manifest to the server at --host",
                )?;
                apply::Target::File(file)
            } else {
                {
                    if update {
                        return Err(CliError::usage(
                            "--update changes a token in a tokens file (with --output-file): a server cannot change a token in place",
                        )
                        .hint("use --recreate to delete and create again the drifted tokens on the server"));
                    }
                    if crate::options::on_command_line(m, "lock_timeout") {
                        return Err(CliError::usage("--lock-timeout goes with --output-file"));
                    }
                    apply::Target::Server(*server)
                }
            };
            apply::apply(
                &apply::Apply {
                    manifest,
                    target,
                    prune,
                    update: update || recreate,
                    yes,
                    policy: crate::options::policy(m, max_expiry.as_deref())?,
                    secrets_out,
                    secrets_format,
                    dry_run: options.dry_run,
                    lock_timeout: crate::options::lock_timeout(&options.lock_timeout)?,
                    format,
                },
                m,
            )
        }
    }
}

/// `--secrets-format` and `--secrets-name`, checked: they go with `--secrets-out`, and
/// the name with the Kubernetes form.
fn secrets_form(
    secrets_out: bool,
    form: crate::args::SecretsForm,
    name: Option<String>,
) -> Result<SecretsFormat, CliError> {
    use crate::args::SecretsForm;
    if !secrets_out && (form != SecretsForm::Json || name.is_some()) {
        return Err(CliError::usage(
            "--secrets-format and --secrets-name go with --secrets-out",
        ));
    }
    Ok(match (form, name) {
        (SecretsForm::Kubernetes, name) => {
            SecretsFormat::kubernetes(name.as_deref().unwrap_or("influxdb3-tokens"))
                .map_err(|e| CliError::usage(format!("invalid --secrets-name: {e}")))?
        }
        (_, Some(_)) => {
            return Err(CliError::usage(
                "--secrets-name names a Kubernetes Secret: it goes with --secrets-format kubernetes",
            ));
        }
        (SecretsForm::Json, None) => SecretsFormat::Json,
        (SecretsForm::Env, None) => SecretsFormat::Env,
        (SecretsForm::Dir, None) => SecretsFormat::Dir,
    })
}
