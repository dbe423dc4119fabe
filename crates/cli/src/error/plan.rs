//! A plan the rules refuse, or a step that failed, as the user reads it.

use influxdb3_provision::{Cause, PlanError, Report, StoreError, Unsupported};
use influxdb3_tokenfile::FileStoreError;

use super::{CliError, Exit, Kind, chain};

impl CliError {
    /// A plan the rules refuse.
    pub(crate) fn from_plan(e: &PlanError) -> CliError {
        let err = CliError::usage(chain(e)).caused_by(e.clone());
        match e {
            PlanError::Expiry { .. } => err.kind(Kind::InvalidExpiry),
            PlanError::ExpiryPolicy { max, .. } => err.kind(Kind::ExpiryPolicy).hint(format!(
                "give the token an expiry of {max} or less (--expiry, or a manifest's `expiry`): --max-expiry (INFLUXDB3_MAX_EXPIRY) sets the policy"
            )),
            PlanError::Reserved => err
                .kind(Kind::ReservedName)
                .hint(super::file::RESERVED),
            PlanError::Operator { .. } => err.kind(Kind::OperatorToken),
            PlanError::AdminListed { .. } => err
                .kind(Kind::AdminTokenInManifest)
                .hint("rename the token in the manifest"),
            PlanError::Unsupported { what, .. } => {
                let err = err.kind(Kind::Unsupported);
                match what {
                    Unsupported::ExpiringOperator => err.hint(
                        "give another --name to create a named admin token that expires",
                    ),
                    Unsupported::ReplaceInPlace => err.hint(
                        "online, delete the token and create it again, or use `tokens apply --recreate`",
                    ),
                    Unsupported::ChosenSecret => err.hint("a server mints the secrets of the tokens it creates: write tokens with chosen secrets to a tokens file that the server loads at startup (`create token --offline --output-file`, `tokens apply --output-file`); nothing was sent"),
                    _ => err,
                }
            }
            _ => err,
        }
    }

    /// The error of the step of a run on a tokens file that failed, if one did.
    pub(crate) fn on_file(report: &Report<FileStoreError>) -> Result<(), CliError> {
        match &report.failed {
            Some(failed) => Err(CliError::from_step(
                &failed.cause,
                CliError::from_file_store,
            )),
            None => Ok(()),
        }
    }

    /// A run on a tokens file that neither failed nor made, kept or would write the
    /// token it was asked for: not expected of a plan of one token.
    pub(crate) fn nothing_made() -> CliError {
        CliError::new(
            Exit::Failure,
            Kind::TokensFile,
            "the run on the tokens file made no token and said why not: nothing more is known",
        )
    }

    /// The error of a step that failed: the store's (told apart by `store`), or the
    /// observer's.
    pub(crate) fn from_step<E: StoreError>(
        cause: &Cause<E>,
        store: impl FnOnce(&E) -> CliError,
    ) -> CliError {
        match cause {
            Cause::Store(e) => store(e),
            Cause::Refused(e) => CliError::from_plan(e),
            Cause::NotConfirmed => {
                CliError::usage("the plan needs a confirmation it was not given")
                    .kind(Kind::ConfirmationNeeded)
                    .hint("pass --yes to go ahead without asking")
            }
            other => CliError::new(Exit::Failure, Kind::Io, chain(other)),
        }
    }
}
