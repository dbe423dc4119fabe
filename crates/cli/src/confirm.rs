//! Confirmation of what cannot be undone, as a plan asks for it (`delete token`,
//! `--regenerate`, a prune that would remove every token): given by `--yes` or asked on
//! a terminal, in the plan's words ([`Confirmation::question`]).

use std::io::{BufRead, IsTerminal};

use influxdb3_provision::{Confirmation, Plan};

use crate::error::{CliError, Exit, Kind};

/// A plan, confirmed: by `--yes`, or asked on a terminal ([`given`]) when it needs it.
pub(crate) fn confirmed(plan: Plan, yes: bool) -> Result<Plan, CliError> {
    if let Some(asked) = plan.needs_confirmation() {
        given(asked, yes)?;
    }
    Ok(plan.confirm())
}

/// What a plan asks confirmed: given by `--yes`, asked on a terminal (only `yes`
/// confirms), refused on anything else. (A dry run, which does nothing, asks nothing.)
pub(crate) fn given(asked: &Confirmation, yes: bool) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    if yes {
        return Ok(());
    } else if !stdin.is_terminal() {
        return Err(CliError::usage(asked.unasked())
            .kind(Kind::ConfirmationNeeded)
            .hint("pass --yes to go ahead without asking"));
    }
    crate::output::prompt(&format!("{} Enter 'yes' to confirm: ", asked.question()));
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).map_err(|e| {
        CliError::new(
            Exit::Failure,
            Kind::Io,
            format!("cannot read the answer: {e}"),
        )
    })?;
    if answer.trim() == "yes" {
        return Ok(());
    }
    let declined = asked.declined();
    Err(CliError::new(
        Exit::Failure,
        Kind::NotConfirmed,
        format!("{declined}: the answer was not `yes`"),
    ))
}
