//! Confirmation of what cannot be undone, as a plan asks for it (`delete token`,
//! `--regenerate`, a prune that would remove every token): given by `--yes` or asked on
//! a terminal.

use std::io::{BufRead, IsTerminal};

use influxdb3_provision::{Confirmation, Plan};

use crate::error::{CliError, Exit, Kind};
use crate::output;
use crate::quote::quote;

/// A plan, confirmed: by `--yes`, or asked on a terminal ([`given`]) when it needs it.
pub(crate) fn confirmed(plan: Plan, yes: bool) -> Result<Plan, CliError> {
    if let Some(asked) = plan.needs_confirmation() {
        given(asked, yes)?;
    }
    Ok(plan.confirm())
}

/// What a plan asks confirmed: given by `--yes`, asked on a terminal, refused on
/// anything else. (A dry run, which does nothing, asks nothing.)
pub(crate) fn given(asked: &Confirmation, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
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
    confirm(&question, &declined, what)
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
