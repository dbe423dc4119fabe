//! Carrying out a plan, and what it prints.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use influxdb3_permission::{Grants, Permission};
use influxdb3_token::{Lifetime, Timestamp, Token, TokenHash, TokenName};
use influxdb3_token_client::CreatedToken;
use influxdb3_tokenfile::{AdminTokenFile, Finding, TokenEntry, TokenFile, WriteOptions};
use serde_json::json;

use crate::args::Format;
use crate::error::{Action, CliError, Exit};
use crate::output;
use crate::plan::{Online, Plan, Target};
use crate::render::{Paint, quote, quote_list, quote_path};

/// What a successful command has to say.
pub(crate) struct Done {
    /// Warnings for stderr, without the `warning: ` prefix.
    pub(crate) warnings: Vec<String>,
    pub(crate) report: Report,
    pub(crate) format: Format,
}

pub(crate) enum Report {
    Minted(Minted),
    Deleted(String),
}

/// A token just made, online or offline.
pub(crate) struct Minted {
    token: Token,
    pub(crate) name: String,
    hash: TokenHash,
    permissions: Vec<String>,
    expiry: Option<String>,
    id: Option<u64>,
    created_at: Option<String>,
    pub(crate) output_file: Option<PathBuf>,
}

impl Minted {
    fn online(created: CreatedToken, permissions: Vec<String>) -> Minted {
        Minted {
            hash: created.hash,
            name: created.name,
            permissions,
            expiry: created.expiry,
            id: Some(created.id),
            created_at: Some(created.created_at),
            output_file: None,
            token: created.token,
        }
    }

    fn offline(
        token: Token,
        name: &str,
        permissions: Vec<String>,
        expiry: Option<Timestamp>,
        path: &Path,
    ) -> Minted {
        Minted {
            hash: token.hash(),
            token,
            name: name.to_owned(),
            permissions,
            expiry: expiry.map(|at| at.to_string()),
            id: None,
            created_at: None,
            output_file: Some(path.to_path_buf()),
        }
    }
}

/// Tells the user, once, that another process holds the lock.
fn tell_lock_wait(path: &Path) {
    output::warn(&format!(
        "waiting for the lock on {} (held by another process)",
        quote_path(path)
    ));
}

pub(crate) fn execute(plan: Plan) -> Result<Done, CliError> {
    let mut warnings = Vec::new();
    let (report, format) = match plan {
        Plan::Permission {
            name,
            grants,
            lifetime,
            target,
            format,
        } => (
            Report::Minted(permission_token(
                &name,
                grants,
                lifetime,
                target,
                &mut warnings,
            )?),
            format,
        ),
        Plan::Admin {
            name,
            regenerate,
            yes,
            lifetime,
            target,
            format,
        } => (
            Report::Minted(admin_token(
                name,
                regenerate,
                yes,
                lifetime,
                target,
                &mut warnings,
            )?),
            format,
        ),
        Plan::Delete {
            name,
            yes,
            online,
            format,
        } => {
            if !yes {
                confirm(
                    &format!(
                        "Are you sure you want to delete token {}?",
                        quote(name.as_str())
                    ),
                    &format!("token {} was not deleted", quote(name.as_str())),
                    "--token-name",
                )?;
            }
            warnings.extend(online.warning.iter().cloned());
            show_warnings(&mut warnings);
            delete(&online, &name)?;
            (Report::Deleted(name.as_str().to_owned()), format)
        }
    };
    Ok(Done {
        warnings,
        report,
        format,
    })
}

/// Write options that tell the user when another process holds the lock.
fn write_options(lock_timeout: std::time::Duration) -> WriteOptions<'static> {
    WriteOptions::default()
        .lock_timeout(lock_timeout)
        .on_lock_wait(&tell_lock_wait)
}

/// When a token made now with `lifetime` expires.
fn expiry(lifetime: Option<Lifetime>, now: Timestamp) -> Result<Option<Timestamp>, CliError> {
    lifetime
        .map(|l| l.ends(now))
        .transpose()
        .map_err(|e| CliError::usage(format!("invalid --expiry: {e}")).kind("invalid_expiry"))
}

fn permission_token(
    name: &TokenName,
    grants: Grants,
    lifetime: Option<Lifetime>,
    target: Target,
    warnings: &mut Vec<String>,
) -> Result<Minted, CliError> {
    let shown: Vec<String> = grants.iter().map(ToString::to_string).collect();
    match target {
        Target::Offline {
            output_file,
            create_databases,
            lock_timeout,
        } => {
            let now = Timestamp::now();
            let expiry = expiry(lifetime, now)?;
            let token = new_token()?;
            let entry =
                TokenEntry::new(token.clone(), name.clone(), expiry, grants).map_err(|error| {
                    CliError::from_file(&influxdb3_tokenfile::TokenFileError::Conflict {
                        path: output_file.clone(),
                        error,
                    })
                })?;
            let (findings, written) =
                TokenFile::update(&output_file, &write_options(lock_timeout), |file| {
                    file.add(entry, &create_databases)?;
                    Ok(file.findings(name.as_str(), now))
                })
                .map_err(|e| CliError::from_file(&e))?;
            warnings.extend(found(findings.iter().chain(&written.findings)));
            Ok(Minted::offline(
                token,
                name.as_str(),
                shown,
                expiry,
                &output_file,
            ))
        }
        Target::Online(online) => {
            warnings.extend(online.warning.iter().cloned());
            show_warnings(warnings);
            let created = online
                .client
                .create_token(name, &grants, lifetime)
                .map_err(|e| online.error(&e, Action::Create, name.as_str()))?;
            Ok(Minted::online(created, shown))
        }
    }
}

fn admin_token(
    name: Option<TokenName>,
    regenerate: bool,
    yes: bool,
    lifetime: Option<Lifetime>,
    target: Target,
    warnings: &mut Vec<String>,
) -> Result<Minted, CliError> {
    let shown = vec![Permission::Admin.to_string()];
    match target {
        Target::Offline {
            output_file,
            lock_timeout,
            ..
        } => {
            let expiry = expiry(lifetime, Timestamp::now())?;
            let token = new_token()?;
            let name = name.unwrap_or_else(TokenName::admin);
            let file = AdminTokenFile::new(token.clone(), name.clone(), expiry);
            let done = file
                .write(&output_file, &write_options(lock_timeout))
                .map_err(|e| CliError::from_file(&e))?;
            warnings.extend(found(&done.findings));
            Ok(Minted::offline(
                token,
                name.as_str(),
                shown,
                expiry,
                &output_file,
            ))
        }
        Target::Online(online) => {
            if regenerate && !yes {
                confirm(
                    "Are you sure you want to regenerate the operator token `_admin`? The current one stops working at once.",
                    "the `_admin` token was not regenerated",
                    "--admin --regenerate",
                )?;
            }
            warnings.extend(online.warning.iter().cloned());
            show_warnings(warnings);
            let (result, action, shown_name) = if regenerate {
                (
                    online.client.regenerate_admin_token(),
                    Action::Regenerate,
                    "_admin",
                )
            } else if let Some(name) = &name {
                (
                    online.client.create_named_admin_token(name, lifetime),
                    Action::Create,
                    name.as_str(),
                )
            } else {
                (online.client.create_admin_token(), Action::Create, "_admin")
            };
            let created = result.map_err(|e| online.error(&e, action, shown_name))?;
            Ok(Minted::online(created, shown))
        }
    }
}

fn delete(online: &Online, name: &TokenName) -> Result<(), CliError> {
    online
        .client
        .delete_token(name.as_str())
        .map_err(|e| online.error(&e, Action::Delete, name.as_str()))
}

/// Warnings that must show before a request is sent (it may take a while, or fail).
fn show_warnings(warnings: &mut Vec<String>) {
    for w in warnings.drain(..) {
        output::warn(&w);
    }
}

/// Tokens-file findings in the command line's terms, many of one kind in one line.
fn found<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<String> {
    /// How many names a line shows before it counts the rest.
    const SHOW: usize = 3;
    let mut lines = Vec::new();
    let mut unknown: Vec<(&str, &str)> = Vec::new();
    let mut expired: Vec<&str> = Vec::new();
    for f in findings {
        match f {
            Finding::UnknownDatabase { token, database } => unknown.push((token, database)),
            Finding::Expired { token, .. } => expired.push(token),
            Finding::Readable { path, mode } => lines.push(format!(
                "{} can be read by its group or others (mode {mode:04o}) and holds secrets: `chmod 600` it",
                quote_path(path)
            )),
            Finding::WildcardDatabase { token } => lines.push(format!(
                "token {} has a `db:*` permission: some server versions look for a database named `*` when they load a tokens file",
                quote(token)
            )),
            other => lines.push(other.to_string()),
        }
    }
    if let Some((token, _)) = unknown.first() {
        let dbs: Vec<&str> = unknown.iter().map(|(_, db)| *db).collect();
        let (them, it_exists, it) = if dbs.len() == 1 {
            ("database", "it exists", "it")
        } else {
            ("databases", "they exist", "them")
        };
        lines.insert(
            0,
            format!(
                "token {} has a permission on {} {them} that the file does not create ({}): the server will not load the file unless {it_exists}; add {it} with --create-databases",
                quote(token),
                dbs.len(),
                quote_list(dbs.iter().copied(), SHOW)
            ),
        );
    }
    if !expired.is_empty() {
        lines.push(format!(
            "{} {} in the file {} expired: {}",
            expired.len(),
            if expired.len() == 1 {
                "token"
            } else {
                "tokens"
            },
            if expired.len() == 1 { "has" } else { "have" },
            quote_list(expired.iter().copied(), SHOW)
        ));
    }
    lines
}

fn new_token() -> Result<Token, CliError> {
    Token::generate().map_err(|e| CliError::new(Exit::Failure, "random", e.to_string()))
}

/// Asks on a terminal; refuses to wait on anything else. Only `yes` confirms.
fn confirm(question: &str, declined: &str, flag: &str) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::usage(format!(
            "{} asks for confirmation, and stdin is not a terminal: nothing was sent",
            if flag == "--token-name" {
                "deleting a token"
            } else {
                "regenerating the `_admin` token"
            }
        ))
        .kind("confirmation_needed")
        .hint("pass --yes to go ahead without asking"));
    }
    output::prompt(&format!("{question} Enter 'yes' to confirm: "));
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::new(Exit::Failure, "io", format!("cannot read the answer: {e}")))?;
    if answer.trim() == "yes" {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Failure,
            "not_confirmed",
            format!("{declined}: the answer was not `yes`"),
        ))
    }
}

/// The text upstream prints, with `Token saved to:` first offline.
pub(crate) fn text(report: &Report, paint: Paint) -> String {
    match report {
        Report::Minted(m) => {
            let token = m.token.expose_secret();
            let saved = m
                .output_file
                .as_ref()
                .map(|path| {
                    format!(
                        "Token saved to: {}\n",
                        crate::render::escape(&path.to_string_lossy())
                    )
                })
                .unwrap_or_default();
            format!(
                "{saved}\n{}\n\nToken: {token}\nHTTP Requests Header: Authorization: Bearer {token}\n\n{} Store this token securely, as it will not be shown again.\n\n",
                paint.success("New token created successfully!"),
                paint.important("IMPORTANT:"),
            )
        }
        Report::Deleted(name) => format!("Token {} deleted successfully.\n", quote(name)),
    }
}

/// One JSON document: upstream's `token` and `help_msg`, then ours.
pub(crate) fn json(report: &Report) -> String {
    let value = match report {
        Report::Minted(m) => {
            let token = m.token.expose_secret();
            let mut doc = json!({
                "token": token,
                "help_msg": format!("Store this token securely, as it will not be shown again. HTTP requests require the following header: \"Authorization: Bearer {token}\""),
                "name": m.name,
                "hash": m.hash.to_string(),
                "permissions": m.permissions,
                "expiry": m.expiry,
            });
            if let (Some(id), Some(created_at)) = (m.id, &m.created_at) {
                doc["id"] = json!(id);
                doc["created_at"] = json!(created_at);
            }
            if let Some(path) = &m.output_file {
                doc["output_file"] = json!(path.display().to_string());
            }
            doc
        }
        Report::Deleted(name) => json!({ "token_name": name, "deleted": true }),
    };
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}
