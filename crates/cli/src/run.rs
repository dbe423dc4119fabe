//! Carrying out a plan, and what it prints.

use std::collections::HashSet;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use influxdb3_permission::{DatabaseName, Grants, Permission, Scope};
use influxdb3_token::{Expiry, Timestamp, Token, TokenHash, TokenName};
use influxdb3_token_client::{ClientError, CreatedToken, PreparedRequest, TokenRequest};
use influxdb3_tokenfile::{
    AdminTokenFile, Edit, Finding, TokenEntry, TokenFile, TokenFileError, WriteOptions,
};
use serde_json::{Value, json};

use crate::args::CreateFormat;
use crate::error::{Action, CliError, Exit};
use crate::output;
use crate::plan::{Mode, Online, Plan, Target};
use crate::render::{Paint, escape, escape_lines, quote, quote_list, quote_path};

/// What a successful command has to say.
pub(crate) struct Done {
    /// Warnings for stderr, without the `warning: ` prefix.
    pub(crate) warnings: Vec<String>,
    pub(crate) report: Report,
    pub(crate) format: CreateFormat,
}

pub(crate) enum Report {
    Minted(Minted),
    Deleted(String),
    /// `--if-not-exists` found the token: nothing on stdout, a note on stderr.
    Exists {
        name: String,
        place: String,
    },
    DryRun(DryRun),
}

/// What a dry run would have done.
pub(crate) enum DryRun {
    /// The request that would have been sent.
    Request(PreparedRequest),
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
    replaced: bool,
    /// Made by `tokens rotate`: a new secret for a token already in the file.
    rotated: bool,
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
            replaced: false,
            rotated: false,
        }
    }

    /// A token of a file that `tokens rotate` gave a new secret.
    pub(crate) fn rotated(
        token: Token,
        name: &str,
        permissions: Vec<String>,
        expiry: Option<Timestamp>,
        path: &Path,
    ) -> Minted {
        let mut m = Minted::offline(token, name, permissions, expiry, path);
        m.rotated = true;
        m
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
            replaced: false,
            rotated: false,
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
            expiry,
            target,
            format,
            mode,
            dry_run,
        } => {
            let ask = Ask {
                expiry,
                mode,
                dry_run,
            };
            (
                permission_token(&name, &grants, ask, target, &mut warnings)?,
                format,
            )
        }
        Plan::Admin {
            name,
            regenerate,
            yes,
            expiry,
            target,
            format,
            mode,
            dry_run,
        } => {
            let ask = Ask {
                expiry,
                mode,
                dry_run,
            };
            let admin = AdminAsk {
                name,
                regenerate,
                yes,
            };
            (admin_token(admin, ask, target, &mut warnings)?, format)
        }
        Plan::Delete {
            name,
            yes,
            online,
            format,
            dry_run,
        } => {
            let format = match format {
                crate::args::Format::Json => CreateFormat::Json,
                crate::args::Format::Text => CreateFormat::Text,
            };
            (delete(&online, &name, yes, dry_run, &mut warnings)?, format)
        }
    };
    Ok(Done {
        warnings,
        report,
        format,
    })
}

/// When, how and whether to create.
#[derive(Clone, Copy)]
struct Ask {
    expiry: Expiry,
    mode: Mode,
    dry_run: bool,
}

/// What kind of admin token.
struct AdminAsk {
    name: Option<TokenName>,
    regenerate: bool,
    yes: bool,
}

/// Write options that tell the user when another process holds the lock.
pub(crate) fn write_options(
    lock_timeout: std::time::Duration,
    dry_run: bool,
) -> WriteOptions<'static> {
    WriteOptions::default()
        .lock_timeout(lock_timeout)
        .on_lock_wait(&tell_lock_wait)
        .dry_run(dry_run)
}

/// When a token made at `now` expires.
fn ends(expiry: Expiry, now: Timestamp) -> Result<Option<Timestamp>, CliError> {
    expiry
        .ends(now)
        .map_err(|e| CliError::usage(format!("invalid expiry: {e}")).kind("invalid_expiry"))
}

/// How long a token made now lives, for a server.
pub(crate) fn lifetime(expiry: Expiry) -> Result<Option<influxdb3_token::Lifetime>, CliError> {
    expiry
        .lifetime(Timestamp::now())
        .map_err(|e| CliError::usage(format!("invalid expiry: {e}")).kind("invalid_expiry"))
}

/// A record as a dry run shows it: the token as `apiv3_***`.
fn redacted(record: &impl serde::Serialize) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    if let Some(token) = value.get_mut("token") {
        *token = json!("apiv3_***");
    }
    value
}

/// Databases, named by `--create-databases` or by a `db:` permission, that a server's
/// HTTP API would refuse to create, each once, with the rule.
fn uncreatable(grants: &Grants, creates: &[DatabaseName]) -> Vec<String> {
    let named = grants.iter().flat_map(|p| match p {
        Permission::Database {
            names: Scope::Only(names),
            ..
        } => names.iter().collect::<Vec<_>>(),
        _ => Vec::new(),
    });
    let mut seen: HashSet<&DatabaseName> = HashSet::new();
    let mut out = Vec::new();
    for (db, flag) in creates
        .iter()
        .map(|d| (d, "--create-databases"))
        .chain(named.map(|d| (d, "--permission")))
    {
        if !seen.insert(db) {
            continue;
        }
        if let Some(rule) = db.uncreatable() {
            out.push(format!(
                "database {} (in {flag}) cannot be created through the server's HTTP API: {rule}",
                quote(db)
            ));
        }
    }
    out
}

/// What happened to the file, offline.
enum Outcome {
    Added(Vec<Finding>),
    Replaced(Vec<Finding>),
    Exists,
}

fn permission_token(
    name: &TokenName,
    grants: &Grants,
    ask: Ask,
    target: Target,
    warnings: &mut Vec<String>,
) -> Result<Report, CliError> {
    let shown: Vec<String> = grants.iter().map(ToString::to_string).collect();
    let creates: &[DatabaseName] = match &target {
        Target::Offline {
            create_databases, ..
        } => create_databases,
        Target::Online(_) => &[],
    };
    warnings.extend(uncreatable(grants, creates));
    let online = match target {
        Target::Online(online) => online,
        Target::Offline {
            output_file,
            create_databases,
            lock_timeout,
        } => {
            let now = Timestamp::now();
            let expiry = ends(ask.expiry, now)?;
            let token = new_token()?;
            let entry =
                TokenEntry::new(token.clone(), name.clone(), expiry, grants).map_err(|error| {
                    CliError::from_file(&TokenFileError::Conflict {
                        path: output_file.clone(),
                        error,
                    })
                })?;
            let shown_entry = redacted(&entry);
            let options = write_options(lock_timeout, ask.dry_run);
            let (outcome, written) = TokenFile::update(&output_file, &options, |file| {
                let exists = file.get(name.as_str()).is_some();
                Ok(match ask.mode {
                    Mode::IfNotExists if exists => Edit::Unchanged(Outcome::Exists),
                    Mode::Replace => {
                        file.replace(entry, &create_databases)?;
                        let findings = file.findings(name.as_str(), now);
                        Edit::Changed(if exists {
                            Outcome::Replaced(findings)
                        } else {
                            Outcome::Added(findings)
                        })
                    }
                    _ => {
                        file.add(entry, &create_databases)?;
                        Edit::Changed(Outcome::Added(file.findings(name.as_str(), now)))
                    }
                })
            })
            .map_err(|e| CliError::from_file(&e))?;
            if ask.dry_run {
                let action = match outcome {
                    Outcome::Exists => "nothing",
                    Outcome::Replaced(_) => "replace",
                    Outcome::Added(_) => "append",
                };
                return Ok(Report::DryRun(DryRun::File {
                    path: written.path,
                    action,
                    entry: shown_entry,
                    create_databases: create_databases.iter().map(ToString::to_string).collect(),
                }));
            }
            let (findings, replaced) = match outcome {
                Outcome::Exists => {
                    return Ok(Report::Exists {
                        name: name.as_str().to_owned(),
                        place: quote_path(&written.path),
                    });
                }
                Outcome::Added(findings) => (findings, false),
                Outcome::Replaced(findings) => (findings, true),
            };
            warnings.extend(found(findings.iter().chain(&written.findings)));
            let mut minted = Minted::offline(token, name.as_str(), shown, expiry, &output_file);
            minted.replaced = replaced;
            return Ok(Report::Minted(minted));
        }
    };
    let request = TokenRequest::Create {
        name,
        grants,
        lifetime: lifetime(ask.expiry)?,
    };
    send(&online, &request, &ask, name.as_str(), shown, warnings)
}

/// Sends a request that creates a token (or shows it, in a dry run).
fn send(
    online: &Online,
    request: &TokenRequest<'_>,
    ask: &Ask,
    name: &str,
    shown: Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<Report, CliError> {
    let action = match request {
        TokenRequest::Regenerate => Action::Regenerate,
        _ => Action::Create,
    };
    if ask.dry_run {
        let prepared = online
            .client
            .prepare(request)
            .map_err(|e| online.error(&e, action, name))?;
        warnings.extend(online.warnings.iter().cloned());
        return Ok(Report::DryRun(DryRun::Request(prepared)));
    }
    warnings.extend(online.warnings.iter().cloned());
    show_warnings(warnings);
    let result = match request {
        TokenRequest::Create {
            name,
            grants,
            lifetime,
        } => online.client.create_token(name, grants, *lifetime),
        TokenRequest::NamedAdmin { name, lifetime } => {
            online.client.create_named_admin_token(name, *lifetime)
        }
        TokenRequest::Regenerate => online.client.regenerate_admin_token(),
        _ => online.client.create_admin_token(),
    };
    match result {
        Ok(created) => Ok(Report::Minted(Minted::online(created, shown))),
        Err(ClientError::NameTaken { .. }) if ask.mode == Mode::IfNotExists => Ok(Report::Exists {
            name: name.to_owned(),
            place: "the server".to_owned(),
        }),
        Err(e) => Err(online.error(&e, action, name)),
    }
}

fn admin_token(
    admin: AdminAsk,
    ask: Ask,
    target: Target,
    warnings: &mut Vec<String>,
) -> Result<Report, CliError> {
    let shown = vec![Permission::Admin.to_string()];
    let online = match target {
        Target::Online(online) => online,
        Target::Offline {
            output_file,
            lock_timeout,
            ..
        } => {
            let expiry = ends(ask.expiry, Timestamp::now())?;
            let token = new_token()?;
            let name = admin.name.unwrap_or_else(TokenName::admin);
            let file = AdminTokenFile::new(token.clone(), name.clone(), expiry);
            if ask.mode == Mode::IfNotExists && admin_file_exists(&output_file)? {
                if ask.dry_run {
                    return Ok(Report::DryRun(DryRun::File {
                        path: output_file,
                        action: "nothing",
                        entry: redacted(&file),
                        create_databases: Vec::new(),
                    }));
                }
                return Ok(Report::Exists {
                    name: name.as_str().to_owned(),
                    place: quote_path(&output_file),
                });
            }
            let written = file
                .write(&output_file, &write_options(lock_timeout, ask.dry_run))
                .map_err(|e| CliError::from_file(&e))?;
            if ask.dry_run {
                return Ok(Report::DryRun(DryRun::File {
                    path: written.path,
                    action: "write",
                    entry: redacted(&file),
                    create_databases: Vec::new(),
                }));
            }
            warnings.extend(found(&written.findings));
            return Ok(Report::Minted(Minted::offline(
                token,
                name.as_str(),
                shown,
                expiry,
                &output_file,
            )));
        }
    };
    if admin.regenerate && !admin.yes && !ask.dry_run {
        confirm(
            "Are you sure you want to regenerate the operator token `_admin`? The current one stops working at once.",
            "the `_admin` token was not regenerated",
            "--admin --regenerate",
        )?;
    }
    let request = if admin.regenerate {
        TokenRequest::Regenerate
    } else if let Some(name) = &admin.name {
        TokenRequest::NamedAdmin {
            name,
            lifetime: lifetime(ask.expiry)?,
        }
    } else {
        TokenRequest::Admin
    };
    let name = admin.name.as_ref().map_or("_admin", TokenName::as_str);
    send(&online, &request, &ask, name, shown, warnings)
}

/// Whether an admin token file is at `path` (read as a write reads it: a missing or
/// empty file is none; anything that is not an admin token file is an error).
fn admin_file_exists(path: &Path) -> Result<bool, CliError> {
    let text = match influxdb3_tokenfile::read(path) {
        Ok(text) => text,
        Err(TokenFileError::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(false);
        }
        Err(e) => return Err(CliError::from_file(&e)),
    };
    if text.is_empty() {
        return Ok(false);
    }
    AdminTokenFile::parse(&text).map(|_| true).map_err(|error| {
        CliError::from_file(&TokenFileError::Invalid {
            path: path.to_path_buf(),
            error,
        })
    })
}

fn delete(
    online: &Online,
    name: &TokenName,
    yes: bool,
    dry_run: bool,
    warnings: &mut Vec<String>,
) -> Result<Report, CliError> {
    warnings.extend(online.warnings.iter().cloned());
    if dry_run {
        let prepared = online
            .client
            .prepare(&TokenRequest::Delete { name })
            .map_err(|e| online.error(&e, Action::Delete, name.as_str()))?;
        return Ok(Report::DryRun(DryRun::Request(prepared)));
    }
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
    show_warnings(warnings);
    online
        .client
        .delete_token(name)
        .map_err(|e| online.error(&e, Action::Delete, name.as_str()))?;
    Ok(Report::Deleted(name.as_str().to_owned()))
}

/// Warnings that must show before a request is sent (it may take a while, or fail).
fn show_warnings(warnings: &mut Vec<String>) {
    for w in warnings.drain(..) {
        output::warn(&w);
    }
}

/// Tokens-file findings in the command line's terms, many of one kind in one line.
pub(crate) fn found<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<String> {
    /// How many names a line shows before it counts the rest.
    const SHOW: usize = 3;
    let mut lines = Vec::new();
    let mut unknown: Vec<(&str, String)> = Vec::new();
    let mut expired: Vec<&str> = Vec::new();
    for f in findings {
        match f {
            Finding::UnknownDatabase { token, database } => {
                unknown.push((token, database.to_string()));
            }
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
        let dbs: Vec<&str> = unknown.iter().map(|(_, db)| db.as_str()).collect();
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

pub(crate) fn new_token() -> Result<Token, CliError> {
    Token::generate().map_err(|e| CliError::new(Exit::Failure, "random", crate::error::chain(&e)))
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

/// What goes on stdout, in the chosen format; `None` for nothing at all.
pub(crate) fn stdout(report: &Report, format: CreateFormat, paint: Paint) -> Option<String> {
    match (report, format) {
        (Report::Exists { .. }, _) => None,
        (_, CreateFormat::Json) => Some(crate::render::escape_json(&json(report))),
        (Report::Minted(m), CreateFormat::Token) => Some(format!("{}\n", m.token.expose_secret())),
        _ => Some(text(report, paint)),
    }
}

/// A note for stderr, for what prints nothing on stdout.
pub(crate) fn note(report: &Report) -> Option<String> {
    match report {
        Report::Exists { name, place } => Some(format!(
            "token {} already exists in {place}; nothing was changed (--if-not-exists)",
            quote(name)
        )),
        _ => None,
    }
}

/// The text upstream prints, with `Token saved to:` first offline.
fn text(report: &Report, paint: Paint) -> String {
    match report {
        Report::Minted(m) => {
            let token = m.token.expose_secret();
            let saved = m
                .output_file
                .as_ref()
                .map(|path| format!("Token saved to: {}\n", escape(&path.to_string_lossy())))
                .unwrap_or_default();
            format!(
                "{saved}\n{}\n\nToken: {token}\nHTTP Requests Header: Authorization: Bearer {token}\n\n{} Store this token securely, as it will not be shown again.\n\n",
                paint.success(if m.rotated {
                    "Token rotated successfully!"
                } else if m.replaced {
                    "Token replaced successfully!"
                } else {
                    "New token created successfully!"
                }),
                paint.important("IMPORTANT:"),
            )
        }
        Report::Deleted(name) => format!("Token {} deleted successfully.\n", quote(name)),
        Report::Exists { .. } => String::new(),
        Report::DryRun(DryRun::Request(request)) => format!(
            "Dry run: nothing was sent. The request would be:\n\n{}",
            escape_lines(&request.to_string())
        ),
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
            if m.rotated {
                doc["rotated"] = json!(true);
            }
            if m.replaced {
                doc["replaced"] = json!(true);
            }
            doc
        }
        Report::Deleted(name) => json!({ "token_name": name, "deleted": true }),
        Report::Exists { name, .. } => json!({ "token_name": name, "exists": true }),
        Report::DryRun(DryRun::Request(request)) => {
            let headers: serde_json::Map<String, Value> = request
                .headers()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), json!(v)))
                .collect();
            let body = request
                .body()
                .map(|b| serde_json::from_str::<Value>(b).unwrap_or_else(|_| json!(b)));
            json!({
                "dry_run": true,
                "request": {
                    "method": request.method(),
                    "url": request.url(),
                    "headers": headers,
                    "body": body,
                }
            })
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
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}
