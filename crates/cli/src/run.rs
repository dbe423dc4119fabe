//! Carrying out a plan, and what it prints.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use influxdb3_permission::Permission;
use influxdb3_token::{Expiry, SystemClock, Token, TokenHash};
use influxdb3_token_client::CreatedToken;
use influxdb3_tokenfile::{AdminTokenFile, Finding, TokenEntry, TokenFile};
use serde_json::json;

use crate::args::Format;
use crate::error::{CliError, Exit};
use crate::plan::{Online, Plan, Target};

/// What a successful command has to say.
pub struct Done {
    /// Warnings for stderr, without the `warning: ` prefix.
    pub warnings: Vec<String>,
    pub report: Report,
    pub format: Format,
}

pub enum Report {
    Minted(Minted),
    Deleted(String),
}

/// A token just made, online or offline.
pub struct Minted {
    token: Token,
    name: String,
    hash: TokenHash,
    permissions: Vec<String>,
    expiry: Option<String>,
    id: Option<u64>,
    created_at: Option<String>,
    output_file: Option<PathBuf>,
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
        expiry: Expiry,
        path: &Path,
    ) -> Minted {
        Minted {
            hash: token.hash(),
            token,
            name: name.to_owned(),
            permissions,
            expiry: expiry.to_rfc3339(),
            id: None,
            created_at: None,
            output_file: Some(path.to_path_buf()),
        }
    }
}

pub fn execute(plan: Plan) -> Result<Done, CliError> {
    let mut warnings = Vec::new();
    let (report, format) = match plan {
        Plan::Permission {
            name,
            permissions,
            expiry,
            target,
            format,
        } => {
            let shown: Vec<String> = permissions.iter().map(ToString::to_string).collect();
            let minted = match target {
                Target::Offline {
                    output_file,
                    create_databases,
                } => {
                    let token = new_token()?;
                    let entry = TokenEntry::new(token.clone(), &name, expiry, permissions)
                        .map_err(|e| CliError::usage(e.to_string()))?;
                    let done =
                        TokenFile::append(&output_file, entry, &create_databases, &SystemClock)
                            .map_err(|e| CliError::from_file(&e))?;
                    warnings.extend(done.findings.iter().map(finding));
                    Minted::offline(token, &name, shown, expiry, &output_file)
                }
                Target::Online(online) => {
                    warn_no_verify(&online, &mut warnings);
                    let created = online
                        .client
                        .create_token(&name, &permissions, expiry.expiry_secs())
                        .map_err(|e| online.error(&e))?;
                    Minted::online(created, shown)
                }
            };
            (Report::Minted(minted), format)
        }
        Plan::Admin {
            name,
            regenerate,
            expiry,
            target,
            format,
        } => {
            let shown = vec![Permission::admin().to_string()];
            let minted = match target {
                Target::Offline { output_file, .. } => {
                    let token = new_token()?;
                    let name = name.as_deref().unwrap_or(AdminTokenFile::DEFAULT_NAME);
                    let file = AdminTokenFile::new(token.clone(), name, expiry)
                        .map_err(|e| CliError::usage(e.to_string()))?;
                    let done = file
                        .write(&output_file)
                        .map_err(|e| CliError::from_file(&e))?;
                    warnings.extend(done.findings.iter().map(ToString::to_string));
                    Minted::offline(token, name, shown, expiry, &output_file)
                }
                Target::Online(online) => {
                    warn_no_verify(&online, &mut warnings);
                    let result = if regenerate {
                        online.client.regenerate_admin_token()
                    } else if let Some(name) = &name {
                        online
                            .client
                            .create_named_admin_token(name, expiry.expiry_secs())
                    } else {
                        online.client.create_admin_token()
                    };
                    let created = result.map_err(|e| online.error(&e))?;
                    Minted::online(created, shown)
                }
            };
            (Report::Minted(minted), format)
        }
        Plan::Delete {
            name,
            yes,
            online,
            format,
        } => {
            if !yes {
                confirm(&name)?;
            }
            warn_no_verify(&online, &mut warnings);
            online
                .client
                .delete_token(&name)
                .map_err(|e| online.error(&e))?;
            (Report::Deleted(name), format)
        }
    };
    Ok(Done {
        warnings,
        report,
        format,
    })
}

/// A tokens-file finding, in the command line's terms.
fn finding(f: &Finding) -> String {
    match f {
        Finding::UnknownDatabase { token, database } => format!(
            "token `{token}` has a permission on database `{database}`, which the file does not create: the server will not load the file unless `{database}` exists; add `--create-databases {database}`"
        ),
        other => other.to_string(),
    }
}

fn new_token() -> Result<Token, CliError> {
    Token::generate().map_err(|e| CliError::new(Exit::Failure, e.to_string()))
}

fn warn_no_verify(online: &Online, warnings: &mut Vec<String>) {
    if online.no_verify {
        warnings.push(
            "--tls-no-verify: the server's certificate is not checked, so anyone on the network path can read the admin token".to_owned(),
        );
    }
}

/// Asks on a terminal; refuses to wait on anything else.
fn confirm(name: &str) -> Result<(), CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::usage(format!(
            "deleting token `{name}` asks for confirmation, and stdin is not a terminal"
        ))
        .hint("pass --yes to delete without asking"));
    }
    #[allow(clippy::print_stderr)] // the question, on the terminal
    {
        eprint!("Are you sure you want to delete token `{name}`? Enter 'yes' to confirm: ");
    }
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::new(Exit::Failure, format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "yes" | "y") {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Failure,
            format!("token `{name}` was not deleted: the deletion was not confirmed"),
        ))
    }
}

/// ANSI styling, on or off.
#[derive(Clone, Copy)]
pub struct Style {
    pub on: bool,
}

impl Style {
    /// On when the stream is a terminal and `NO_COLOR` is unset or empty.
    pub fn for_stream(is_terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            on: is_terminal && !no_color,
        }
    }

    pub fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// The text upstream prints, with `Token saved to:` first offline.
pub fn text(report: &Report, style: Style) -> String {
    match report {
        Report::Minted(m) => {
            let token = m.token.expose_secret();
            let saved = m
                .output_file
                .as_ref()
                .map(|path| format!("Token saved to: {}\n", path.display()))
                .unwrap_or_default();
            format!(
                "{saved}\n{}\n\nToken: {token}\nHTTP Requests Header: Authorization: Bearer {token}\n\n{} Store this token securely, as it will not be shown again.\n\n",
                style.paint("1;32", "New token created successfully!"),
                style.paint("1;33", "IMPORTANT:"),
            )
        }
        Report::Deleted(name) => format!("Token `{name}` deleted successfully.\n"),
    }
}

/// One JSON document: upstream's `token` and `help_msg`, then ours.
pub fn json(report: &Report) -> String {
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
