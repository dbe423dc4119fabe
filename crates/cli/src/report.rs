//! What `create token`, `delete token` and `tokens rotate` print: upstream's wording for
//! a new token, the request or entry of a dry run, and the findings of a tokens file.

use std::path::{Path, PathBuf};

use influxdb3_provision::{AppliedTo, Emphasis, Kept, MadeToken, Plan, TokenStore as _};
use influxdb3_token_client::{PreparedRequest, ServerStore};
use influxdb3_tokenfile::FileDryRun;
use serde_json::{Value, json};

use crate::args::CreateFormat;
use crate::connect::Online;
use crate::error::{Action, CliError};
use crate::output::Outcome;
use crate::paint::Paint;
use crate::quote::{escape, escape_lines, quote};

/// What a token command has to say.
pub(crate) enum Report {
    Minted(Box<MadeToken>),
    Deleted(String),
    /// The token is there already: nothing on stdout, a note on stderr.
    Exists {
        name: String,
        /// The file it is in; `None`: the server.
        place: Option<PathBuf>,
        why: Kept,
    },
    DryRun(DryRun),
}

impl Report {
    /// The token `name` was already in the file `place` (`None`: on the server), and
    /// was left as it was.
    pub(crate) fn exists(name: &str, place: Option<&Path>, why: Kept) -> Report {
        Report::Exists {
            name: name.to_owned(),
            place: place.map(Path::to_path_buf),
            why,
        }
    }

    /// A token made, its secret read from `chosen` when the caller chose it.
    pub(crate) fn minted(made: Box<MadeToken>, chosen: Option<&str>) -> Report {
        Report::Minted(match chosen {
            Some(from) => Box::new(made.chosen_from(from)),
            None => made,
        })
    }
}

/// What a dry run would have done.
pub(crate) enum DryRun {
    /// The request that would have been sent; `None`: the plan sends none.
    Request(Option<PreparedRequest>),
    /// What would have been written to a file, in the tokens-file crate's words.
    File(FileDryRun),
}

/// What goes on stdout, in the chosen format; `None` for nothing at all.
pub(crate) fn stdout(report: &Report, format: CreateFormat, paint: Paint) -> Option<String> {
    match (report, format) {
        (Report::Exists { .. }, _) => None,
        (_, CreateFormat::Json) => Some(json(report)),
        (Report::Minted(m), CreateFormat::Token) if !m.is_chosen() => {
            Some(format!("{}\n", escape(m.token().expose_secret())))
        }
        _ => Some(text(report, paint)),
    }
}

/// A note for stderr, for what prints nothing on stdout.
pub(crate) fn note(report: &Report) -> Option<String> {
    let Report::Exists { name, place, why } = report else {
        return None;
    };
    Some(why.note(
        name,
        place.as_deref().map_or(AppliedTo::Server, AppliedTo::File),
    ))
}

/// The text upstream prints, with `Token saved to:` first offline.
fn text(report: &Report, paint: Paint) -> String {
    match report {
        Report::Minted(m) => m
            .words()
            .styled(&|emphasis, text| match emphasis {
                Emphasis::Success => paint.success(text),
                Emphasis::Important => paint.important(text),
                _ => text.to_owned(),
            })
            .to_string(),
        Report::Deleted(name) => format!("Token {} deleted successfully.\n", quote(name)),
        Report::Exists { .. } => String::new(),
        Report::DryRun(DryRun::Request(Some(request))) => format!(
            "Dry run: nothing was sent. The request would be:\n\n{}",
            escape_lines(&request.to_string())
        ),
        Report::DryRun(DryRun::Request(None)) => "Dry run: nothing would be sent.\n".to_owned(),
        Report::DryRun(DryRun::File(words)) => words.to_string(),
    }
}

/// One JSON document: upstream's `token` and `help_msg`, then ours.
fn json(report: &Report) -> String {
    let value = match report {
        Report::Minted(m) => serde_json::to_value(m.document()).unwrap_or(Value::Null),
        Report::Deleted(name) => json!({ "token_name": name, "deleted": true }),
        Report::Exists { name, why, .. } => {
            json!({ "token_name": name, "exists": true, "unchanged": *why != Kept::IfNotExists })
        }
        Report::DryRun(DryRun::Request(None)) => json!({ "dry_run": true, "request": null }),
        Report::DryRun(DryRun::Request(Some(request))) => {
            json!({ "dry_run": true, "request": request })
        }
        Report::DryRun(DryRun::File(words)) => serde_json::to_value(words).unwrap_or(Value::Null),
    };
    crate::output::json_doc(&value)
}

/// A dry run against a server: the plan checked as the run checks it, and the request
/// its first step would send.
pub(crate) fn dry_plan(online: &Online, plan: &Plan) -> Result<Report, CliError> {
    let store = ServerStore::new(&online.client);
    plan.check(store.capabilities())
        .map_err(|e| CliError::from_plan(&e))?;
    let prepared = store
        .first_request(plan)
        .map_err(|(step, e)| online.error(&e, Action::of(step), step.name()))?;
    Ok(Report::DryRun(DryRun::Request(prepared)))
}

/// What a token command prints, and the error to report if stdout cannot take it.
pub(crate) fn outcome(report: &Report, format: CreateFormat, warnings: Vec<String>) -> Outcome {
    Outcome {
        stdout: stdout(report, format, Paint::On).unwrap_or_default(),
        note: note(report),
        warnings,
        code: 0,
        // A token minted on a server: its secret is nowhere else.
        lost_unless_shown: matches!(report, Report::Minted(m) if m.saved().is_none()),
        // A token made whose secret stdout could not show, in provision's words.
        unshown: match report {
            Report::Minted(made) => {
                let (message, hint) = made.unshown();
                Some(CliError::unshown(message, hint))
            }
            _ => None,
        },
    }
}
