//! Confirmation of what cannot be undone, as a plan asks for it (`delete token`,
//! `--regenerate`, a prune that would remove every token): given by `--yes` or asked on
//! a terminal.

use std::io::{BufRead, IsTerminal};

use influxdb3_provision::{Confirmation, Plan};

use crate::error::{CliError, Exit, Kind};
use crate::output;
use crate::quote::quote;

/// A plan's confirmation: given by `--yes`, not needed in a dry run (nothing is done),
/// asked on a terminal, refused on anything else.
pub(crate) fn confirmed(plan: Plan, yes: bool, dry_run: bool) -> Result<Plan, CliError> {
    let Some(asked) = plan.needs_confirmation() else {
        return Ok(plan);
    };
    if yes || dry_run {
        return Ok(plan.confirm());
    }
    let (what, question, declined) = match asked {
        Confirmation::Delete { name } => (
            "deleting a token asks for confirmation, and stdin is not a terminal: nothing was sent",
            format!("Are you sure you want to delete token {}?", quote(name)),
            format!("token {} was not deleted", quote(name)),
        ),
        Confirmation::Regenerate => (
            "regenerating the `_admin` token asks for confirmation, and stdin is not a terminal: nothing was sent",
            "Are you sure you want to regenerate the operator token `_admin`? The current one stops working at once.".to_owned(),
            "the `_admin` token was not regenerated".to_owned(),
        ),
        Confirmation::PruneAll { count } => (
            "removing every token asks for confirmation, and stdin is not a terminal: nothing was done",
            format!("--prune would remove every token ({count})."),
            "nothing was removed".to_owned(),
        ),
        _ => (
            "this change asks for confirmation, and stdin is not a terminal: nothing was done",
            "Are you sure?".to_owned(),
            "nothing was changed".to_owned(),
        ),
    };
    confirm(&question, &declined, what)?;
    Ok(plan.confirm())
}

/// Asks `question` on a terminal; refuses to wait on anything else (`refused`: the
/// message then). Only `yes` confirms.
fn confirm(question: &str, declined: &str, refused: &str) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::usage(refused)
            .kind(Kind::ConfirmationNeeded)
            .hint("pass --yes to go ahead without asking"));
    }
    output::prompt(&format!("{question} Enter 'yes' to confirm: "));
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).map_err(|e| {
        CliError::new(
            Exit::Failure,
            Kind::Io,
            format!("cannot read the answer: {e}"),
        )
    })?;
    if answer.trim() == "yes" {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Failure,
            Kind::NotConfirmed,
            format!("{declined}: the answer was not `yes`"),
        ))
    }
}
