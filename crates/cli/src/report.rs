//! What `create token`, `delete token` and `tokens rotate` print: upstream's wording for
//! a new token, the request or entry of a dry run, and the findings of a tokens file.

use std::path::{Path, PathBuf};

use influxdb3_provision::Done;
use influxdb3_provision::{Plan, TokenStore as _};
use influxdb3_token::Token;
use influxdb3_token_client::{PreparedRequest, ServerStore};
use serde_json::{Value, json};

use crate::args::CreateFormat;
use crate::connect::Online;
use crate::error::{Action, CliError};
use crate::output::Outcome;
use crate::paint::Paint;
use crate::quote::{escape, escape_lines, quote, quote_path};

/// What a token command has to say.
pub(crate) enum Report {
    Minted(Minted),
    Deleted(String),
    /// The token is there already: nothing on stdout, a note on stderr.
    Exists {
        name: String,
        place: String,
        why: Kept,
    },
    DryRun(DryRun),
}

/// Why a token that was there already was left as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kept {
    /// `--if-not-exists`.
    IfNotExists,
    /// Made again with the chosen secret it holds (`--secret-file`): a permission
    /// token keeps its expiry (`--replace` renews it).
    SameSecret,
    /// An admin token file that holds this token, its chosen secret and expiry.
    SameToken,
}

impl Report {
    /// The token `name` was already `place` (`on the server`, ``in `FILE` ``), and was
    /// left as it was.
    pub(crate) fn exists(name: &str, place: &str, why: Kept) -> Report {
        Report::Exists {
            name: name.to_owned(),
            place: place.to_owned(),
            why,
        }
    }
}

/// What a dry run would have done.
pub(crate) enum DryRun {
    /// The request that would have been sent; `None`: the plan sends none.
    Request(Option<PreparedRequest>),
    /// What would have been written to a file.
    File {
        path: PathBuf,
        /// `append`, `replace`, `write` (an admin token file), or `nothing`.
        action: &'static str,
        /// The record that would be written, its token as `apiv3_***`.
        entry: Value,
        create_databases: Vec<String>,
    },
}

/// A token just made, online or offline: its secret, and the step as the executor
/// reported it.
pub(crate) struct Minted {
    token: Token,
    done: Box<Done>,
    permissions: Vec<String>,
    pub(crate) output_file: Option<PathBuf>,
    /// Where its secret was read from (`--secret-file`): the operator holds it, and it
    /// is never printed.
    chosen: Option<String>,
}

impl Minted {
    /// A token a store just made, as the executor reported it (`done`) with its secret.
    pub(crate) fn new(token: Token, done: &Done, output_file: Option<&Path>) -> Minted {
        Minted {
            token,
            permissions: done.permissions().iter().map(ToString::to_string).collect(),
            done: Box::new(done.clone()),
            output_file: output_file.map(Path::to_path_buf),
            chosen: None,
        }
    }

    /// Made by `tokens rotate`: a new secret for a token already in the file.
    fn rotated(&self) -> bool {
        self.done.action == influxdb3_provision::Action::Rotated
    }

    /// Put in the place of a token of its name.
    fn replaced(&self) -> bool {
        self.done.action == influxdb3_provision::Action::Replaced
    }

    /// The same, its secret read from `from` (`--secret-file`): never printed.
    pub(crate) fn chosen(mut self, from: &str) -> Minted {
        self.chosen = Some(from.to_owned());
        self
    }

    /// The same, with these permissions (a rotated token's, which the step does not
    /// carry).
    pub(crate) fn with_permissions(mut self, permissions: Vec<String>) -> Minted {
        self.permissions = permissions;
        self
    }
}

/// What a run that makes one token did: the token made (with its secret, where it was
/// saved, and where its chosen secret came from), or `exists` when it was there
/// already.
pub(crate) fn made<E: influxdb3_provision::StoreError>(
    executed: influxdb3_provision::Executed<E>,
    output_file: Option<&Path>,
    chosen: Option<&str>,
    exists: Report,
) -> Report {
    match (
        executed.report.done.first(),
        executed.secrets.into_iter().next(),
    ) {
        (Some(done), Some((_, token))) => {
            let minted = Minted::new(token, done, output_file);
            Report::Minted(match chosen {
                Some(from) => minted.chosen(from),
                None => minted,
            })
        }
        _ => exists,
    }
}

/// A record as a dry run shows it: the token as `apiv3_***`.
pub(crate) fn redacted(record: &impl serde::Serialize) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    if let Some(token) = value.get_mut("token") {
        *token = json!("apiv3_***");
    }
    value
}

/// What goes on stdout, in the chosen format; `None` for nothing at all.
pub(crate) fn stdout(report: &Report, format: CreateFormat, paint: Paint) -> Option<String> {
    match (report, format) {
        (Report::Exists { .. }, _) => None,
        (_, CreateFormat::Json) => Some(json(report)),
        (Report::Minted(m), CreateFormat::Token) if m.chosen.is_none() => {
            Some(format!("{}\n", m.token.expose_secret()))
        }
        _ => Some(text(report, paint)),
    }
}

/// A note for stderr, for what prints nothing on stdout.
pub(crate) fn note(report: &Report) -> Option<String> {
    let Report::Exists { name, place, why } = report else {
        return None;
    };
    let name = quote(name);
    Some(match why {
        Kept::IfNotExists => {
            format!("token {name} already exists {place}; nothing was changed (--if-not-exists)")
        }
        Kept::SameSecret => format!(
            "token {name} is already {place} as given, with this secret: nothing was changed (its expiry is kept; --replace renews it)"
        ),
        Kept::SameToken => format!(
            "token {name} is already {place} as given, with this secret and expiry: nothing was changed"
        ),
    })
}

/// The first line of a minted token's text, as upstream words it.
fn title(rotated: bool, replaced: bool) -> &'static str {
    if rotated {
        "Token rotated successfully!"
    } else if replaced {
        "Token replaced successfully!"
    } else {
        "New token created successfully!"
    }
}

/// The text upstream prints, with `Token saved to:` first offline.
fn text(report: &Report, paint: Paint) -> String {
    match report {
        Report::Minted(
            m @ Minted {
                chosen: Some(from), ..
            },
        ) => format!(
            "Token saved to: {}\n\n{} Token {} {} the secret from {} (not shown: you hold it).\n",
            escape(
                &m.output_file
                    .as_deref()
                    .unwrap_or(Path::new(""))
                    .to_string_lossy()
            ),
            paint.success(title(m.rotated(), m.replaced())),
            quote(&m.done.name),
            if m.rotated() {
                "now has"
            } else {
                "was written with"
            },
            quote(from)
        ),
        Report::Minted(m) => {
            let token = m.token.expose_secret();
            let saved = m
                .output_file
                .as_ref()
                .map(|path| format!("Token saved to: {}\n", escape(&path.to_string_lossy())))
                .unwrap_or_default();
            format!(
                "{saved}\n{}\n\nToken: {token}\nHTTP Requests Header: Authorization: Bearer {token}\n\n{} Store this token securely, as it will not be shown again.\n\n",
                paint.success(title(m.rotated(), m.replaced())),
                paint.important(),
            )
        }
        Report::Deleted(name) => format!("Token {} deleted successfully.\n", quote(name)),
        Report::Exists { .. } => String::new(),
        Report::DryRun(DryRun::Request(Some(request))) => format!(
            "Dry run: nothing was sent. The request would be:\n\n{}",
            escape_lines(&request.to_string())
        ),
        Report::DryRun(DryRun::Request(None)) => "Dry run: nothing would be sent.\n".to_owned(),
        Report::DryRun(DryRun::File {
            path,
            action,
            entry,
            create_databases,
        }) => {
            let what = match *action {
                "nothing" => {
                    return format!(
                        "Dry run: a token named {} is already in {}: nothing would change.\n",
                        quote(entry["name"].as_str().unwrap_or_default()),
                        quote_path(path)
                    );
                }
                "replace" => "would replace the token of that name in",
                "write" => "would be written to",
                _ => "would be appended to",
            };
            let databases = if create_databases.is_empty() {
                String::new()
            } else {
                format!("\nDatabases to create: {}\n", create_databases.join(", "))
            };
            format!(
                "Dry run: nothing was written. This entry {what} {}:\n\n{}\n{databases}",
                quote_path(path),
                escape_lines(&serde_json::to_string_pretty(entry).unwrap_or_default())
            )
        }
    }
}

/// One JSON document: upstream's `token` and `help_msg`, then ours.
fn json(report: &Report) -> String {
    let value = match report {
        Report::Minted(m) => {
            let token = m.token.expose_secret();
            let mut doc = json!({
                "token": token,
                "help_msg": format!("Store this token securely, as it will not be shown again. HTTP requests require the following header: \"Authorization: Bearer {token}\""),
                "name": m.done.name,
                "hash": m.token.hash().to_string(),
                "permissions": m.permissions,
                "expiry": m.done.expiry.map(|at| at.to_string()),
            });
            // A chosen secret is the operator's: masked, and where it came from said.
            if let Some(from) = &m.chosen {
                doc["token"] = json!("apiv3_***");
                doc["help_msg"] =
                    json!("The token's secret is the one in secret_file, which is not shown.");
                doc["secret_file"] = json!(from);
            }
            if let (Some(id), Some(created_at)) = (m.done.id, &m.done.created_at) {
                doc["id"] = json!(id);
                doc["created_at"] = json!(created_at);
            }
            if let Some(path) = &m.output_file {
                doc["output_file"] = json!(path.display().to_string());
            }
            if m.rotated() {
                doc["rotated"] = json!(true);
            }
            if m.replaced() {
                doc["replaced"] = json!(true);
            }
            doc
        }
        Report::Deleted(name) => json!({ "token_name": name, "deleted": true }),
        Report::Exists { name, why, .. } => {
            json!({ "token_name": name, "exists": true, "unchanged": *why != Kept::IfNotExists })
        }
        Report::DryRun(DryRun::Request(None)) => json!({ "dry_run": true, "request": null }),
        Report::DryRun(DryRun::Request(Some(request))) => {
            json!({ "dry_run": true, "request": request })
        }
        Report::DryRun(DryRun::File {
            path,
            action,
            entry,
            create_databases,
        }) => json!({
            "dry_run": true,
            "output_file": path.display().to_string(),
            "action": action,
            "entry": entry,
            "create_databases": create_databases,
        }),
    };
    crate::output::json_doc(&value)
}

/// A dry run against a server: the plan checked as the run checks it, and the request
/// its first step would send.
pub(crate) fn dry_plan(
    online: &Online,
    plan: &Plan,
    warnings: Vec<String>,
    format: CreateFormat,
) -> Result<Outcome, CliError> {
    let store = ServerStore::new(&online.client);
    plan.check(store.capabilities())
        .map_err(|e| CliError::from_plan(&e))?;
    let prepared = store
        .first_request(plan)
        .map_err(|(step, e)| online.error(&e, Action::of(step), step.name()))?;
    Ok(outcome(
        &Report::DryRun(DryRun::Request(prepared)),
        format,
        warnings,
    ))
}

/// What a token command prints, and the error to report if stdout cannot take it.
pub(crate) fn outcome(report: &Report, format: CreateFormat, warnings: Vec<String>) -> Outcome {
    let unshown = unshown(report);
    Outcome {
        stdout: stdout(report, format, Paint::On).unwrap_or_default(),
        note: note(report),
        warnings,
        code: 0,
        // A token minted on a server: its secret is nowhere else.
        lost_unless_shown: matches!(report, Report::Minted(m) if m.output_file.is_none()),
        unshown,
    }
}

/// A token was made but its secret could not be written to stdout.
fn unshown(report: &Report) -> Option<CliError> {
    let Report::Minted(m) = report else {
        return None;
    };
    let name = quote(&m.done.name);
    let (message, hint) = match &m.output_file {
        Some(path) => (
            format!(
                "token {name} was saved to {}, but it could not be shown (stdout failed)",
                quote_path(path)
            ),
            format!(
                "nobody has seen its secret: remove the entry named {name} from the file, and create it again"
            ),
        ),
        None => (
            format!(
                "token {name} was created on the server, but it could not be shown (stdout failed)"
            ),
            CliError::unheld_secret(&m.done.name),
        ),
    };
    Some(CliError::unshown(message, hint))
}
