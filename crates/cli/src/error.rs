//! One clear message, a hint where it helps, and a documented exit code. Library errors
//! are turned into messages by matching their variants, never by reading their text.

use std::fmt;
use std::process::ExitCode;

use influxdb3_permission::ParsePermissionError;
use influxdb3_token_client::{ClientError, Phase, RequestError, TlsFailure};
use influxdb3_tokenfile::{AddError, TokenFileError};

use influxdb3_text::Diagnostic;

use crate::diagnostic::AnyKind;
use crate::render::{quote, quote_path};

/// The exit codes, as `--help` and the README document them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 1: any other failure.
    Failure = 1,
    /// 2: usage or invalid input; nothing was sent or written.
    Usage = 2,
    /// 3: the token name is taken (on the server or in the file).
    NameTaken = 3,
    /// 4: the server refused the admin token (401, 403).
    Refused = 4,
    /// 5: no connection, TLS failure, or no answer in time.
    Connection = 5,
    /// 6: the tokens file cannot be used; it was left as it was.
    TokensFile = 6,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A failure as the user reads it.
#[derive(Debug, Clone)]
pub struct CliError {
    pub(crate) code: Exit,
    /// A stable name for the failure (`invalid_permission`, `name_taken`, …).
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// Where in an input the error is (a permission's).
    pub(crate) at: Option<Box<At>>,
    /// The error as a diagnostic pointing into its source, drawn by
    /// `diagnostic::render` in place of the lines above.
    pub(crate) diagnostic: Option<Box<Diagnostic<AnyKind>>>,
}

/// The input that failed and where: for the lines under the message, and for the JSON
/// form of the error.
#[derive(Debug, Clone)]
pub(crate) struct At {
    /// The input with a caret line under the bad part.
    pub(crate) snippet: String,
    pub(crate) input: String,
    pub(crate) span: std::ops::Range<usize>,
}

impl CliError {
    pub(crate) fn new(code: Exit, kind: &'static str, message: impl Into<String>) -> CliError {
        CliError {
            code,
            kind,
            message: message.into(),
            hint: None,
            at: None,
            diagnostic: None,
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Usage, "usage", message)
    }

    #[must_use]
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub(crate) fn kind(mut self, kind: &'static str) -> CliError {
        self.kind = kind;
        self
    }

    /// A bad `--permission` value, with the grammar's snippet under the flag.
    pub(crate) fn permission(flag: &str, e: &ParsePermissionError) -> CliError {
        let mut err =
            CliError::usage(format!("invalid {flag}: {}", e.kind())).kind("invalid_permission");
        // The grammar's renderer, with the flag as label: the message line is ours, the
        // input and carets under it are the renderer's, the hint is its own field.
        let rendered = e.render(Some(flag)).to_string();
        err.hint = e.hint().map(str::to_owned);
        err.at = Some(Box::new(At {
            snippet: rendered
                .lines()
                .skip(1)
                .take(2)
                .collect::<Vec<_>>()
                .join("\n"),
            input: e.input().to_owned(),
            span: e.span(),
        }));
        err
    }

    /// A tokens file that could not be used; it is as it was.
    #[allow(clippy::too_many_lines)] // one table: a message and a hint per variant
    pub(crate) fn from_file(e: &TokenFileError) -> CliError {
        let file = |code, kind, message: String| CliError::new(code, kind, message);
        let unchanged = "the file was left as it was";
        match e {
            TokenFileError::Read { path, source } => file(
                Exit::TokensFile,
                "file_unreadable",
                format!("cannot read {}: {source}", quote_path(path)),
            ),
            TokenFileError::NotRegular { path, kind } => file(
                Exit::TokensFile,
                "not_a_regular_file",
                format!("{} is {kind}, not a regular file", quote_path(path)),
            )
            .hint("a tokens file must be a regular file (or a symbolic link to one); nothing was opened for writing"),
            TokenFileError::DanglingLink { path, target } => file(
                Exit::TokensFile,
                "dangling_link",
                format!(
                    "{} is a symbolic link to {}, which does not exist",
                    quote_path(path),
                    quote_path(target)
                ),
            )
            .hint("nothing is created where a link points: create the file first, or name the target itself"),
            TokenFileError::HardLinked { path, links } => file(
                Exit::TokensFile,
                "hard_linked",
                format!(
                    "{} has {links} hard links: replacing it would leave its other names with the old tokens",
                    quote_path(path)
                ),
            )
            .hint("give each copy its own file (`cp` it), or remove the other links"),
            TokenFileError::NotWritable { path, source } => file(
                Exit::TokensFile,
                "not_writable",
                format!("{} is not writable by this user: {source}", quote_path(path)),
            )
            .hint("the file's permissions are honoured: run as its owner, or change its mode"),
            TokenFileError::OwnerWouldChange { path, uid, gid } => file(
                Exit::TokensFile,
                "owner_would_change",
                format!(
                    "{} belongs to user {uid} and group {gid}: replacing it as this user would change its owner",
                    quote_path(path)
                ),
            )
            .hint("run the command as the file's owner"),
            TokenFileError::Invalid { path, error } => file(
                Exit::TokensFile,
                "invalid_file",
                format!("{} is not a valid tokens file: {error}", quote_path(path)),
            )
            .hint(format!("{unchanged}: fix it, or write to another --output-file")),
            TokenFileError::Exists { path } => file(
                Exit::TokensFile,
                "exists",
                format!("{} already exists", quote_path(path)),
            )
            .hint("a file of secrets is created new, never written over: choose another path, or move the old file away"),
            TokenFileError::Conflict { path, error } => match error {
                AddError::NameTaken { name } => file(
                    Exit::NameTaken,
                    "name_taken",
                    format!(
                        "a token named {} is already in {}: token names are unique in a file",
                        quote(name),
                        quote_path(path)
                    ),
                )
                .hint(format!("choose another --name; {unchanged}")),
                AddError::ReservedName => CliError::usage(error.to_string())
                    .kind("reserved_name")
                    .hint("choose another --name; admin tokens are made with --admin"),
                AddError::TokenTaken { name } => file(
                    Exit::Failure,
                    "token_taken",
                    format!(
                        "the new token's value is already in {}, as {}",
                        quote_path(path),
                        quote(name)
                    ),
                ),
                _ => file(Exit::Failure, "conflict", error.to_string()),
            },
            TokenFileError::NoDirectory { path, directory } => CliError::usage(format!(
                "cannot write {}: the directory {} does not exist",
                quote_path(path),
                quote_path(directory)
            ))
            .kind("no_directory")
            .hint(format!(
                "create it first (`mkdir -p {}`), or choose another --output-file",
                quote_path(directory)
            )),
            TokenFileError::Lock { path, source } => file(
                Exit::TokensFile,
                "lock_failed",
                format!("cannot lock {}: {source}", quote_path(path)),
            ),
            TokenFileError::LockTimeout { path, waited } => file(
                Exit::TokensFile,
                "lock_timeout",
                format!(
                    "gave up waiting for the lock on {} after {}: another process holds it",
                    quote_path(path),
                    humantime::format_duration(*waited)
                ),
            )
            .hint("wait for the other writer, or give it longer with --lock-timeout"),
            TokenFileError::Changed { path } => file(
                Exit::TokensFile,
                "changed",
                format!(
                    "{} was changed by another program while this one wrote it",
                    quote_path(path)
                ),
            )
            .hint("nothing was written: run the command again"),
            TokenFileError::Write { path, source } => file(
                Exit::TokensFile,
                "write_failed",
                format!("cannot write {}: {source}", quote_path(path)),
            )
            .hint(unchanged),
            _ => file(Exit::TokensFile, "tokens_file", chain(e)),
        }
    }

    /// A failed request, with what to do about it. `action` says what was asked, for
    /// the hints about a request that may or may not have been carried out.
    #[allow(clippy::too_many_lines)] // one table: a message and a hint per variant
    pub(crate) fn from_client(e: &ClientError, request: &Request<'_>) -> CliError {
        let message = chain(e);
        let sent_hint = || {
            let (what, check) = match request.action {
                Action::Create => ("created", "check for it on the server"),
                Action::Delete => ("deleted", "check for it on the server"),
                Action::Regenerate => ("regenerated", "try the old token"),
                Action::List => {
                    return "listing tokens changes nothing: try again".to_owned();
                }
            };
            format!(
                "the request was sent, so token {} may or may not have been {what}: {check} before you try again",
                quote(request.name)
            )
        };
        match e {
            ClientError::InvalidHost { .. } => CliError::usage(message).kind("invalid_host").hint(
                "the host is `http(s)://HOST:PORT`, as in `http://127.0.0.1:8181`, with an optional path prefix",
            ),
            ClientError::TlsCa { origin, source } => CliError::usage(format!(
                "cannot use {} as a CA certificate: {}",
                origin
                    .as_deref()
                    .map_or_else(|| "the given bytes".to_owned(), quote_path),
                chain(source)
            ))
            .kind("invalid_ca"),
            ClientError::InvalidRequest(RequestError::ReservedName) => CliError::usage(message)
                .kind("reserved_name")
                .hint("choose another --name; admin tokens are made with --admin"),
            ClientError::InvalidRequest(_) => CliError::usage(message).kind("invalid_request"),
            ClientError::Connect { .. } => CliError::new(Exit::Connection, "connect", message)
                .hint(format!(
                    "nothing was sent. Is the server running at {}? Set the URL with --host or INFLUXDB3_HOST_URL",
                    request.host
                )),
            ClientError::Tls { kind, .. } => {
                let hint = match kind {
                    TlsFailure::UnknownIssuer => "pass the CA that signed the server's certificate with --tls-ca FILE (or INFLUXDB3_TLS_CA)",
                    TlsFailure::WrongName => "connect with the host name the certificate was made for",
                    TlsFailure::Expired => "the server needs a new certificate (or the clock here is wrong)",
                    TlsFailure::NotTls => "this port speaks plain HTTP: use an http:// host, or the server's TLS port",
                    _ => "check that the server speaks TLS on this port",
                };
                CliError::new(Exit::Connection, "tls", message).hint(format!("nothing was sent; {hint}"))
            }
            ClientError::Timeout { phase: Phase::Connect, .. } => {
                CliError::new(Exit::Connection, "timeout", message)
                    .hint("nothing was sent: check --host and the network")
            }
            ClientError::Timeout { .. } | ClientError::Connection { .. } => {
                let not_http = matches!(e, ClientError::Connection { not_http: true, .. });
                let hint = if not_http && !request.https {
                    format!(
                        "if the server speaks TLS on this port, use an https:// host. {}",
                        sent_hint()
                    )
                } else if e.request_sent() {
                    sent_hint()
                } else {
                    "the request was not sent completely, so nothing was done".to_owned()
                };
                CliError::new(Exit::Connection, "connection", message).hint(hint)
            }
            ClientError::Unauthenticated { .. } => {
                let hint = if request.had_token {
                    "the admin token given is not valid on this server: check the token options"
                } else {
                    "no admin token was given: pass it with --token or INFLUXDB3_AUTH_TOKEN"
                };
                CliError::new(Exit::Refused, "unauthenticated", message).hint(hint)
            }
            ClientError::Forbidden { .. } => CliError::new(Exit::Refused, "forbidden", message)
                .hint(if request.action == Action::List {
                    "this token is valid but may not do this: listing tokens takes an admin token"
                } else {
                    "this token is valid but may not do this: creating and deleting tokens takes an admin token"
                }),
            ClientError::NotFound { .. } => CliError::new(Exit::Failure, "not_found", message).hint(
                "permission tokens need InfluxDB 3 Enterprise; check --host and its path prefix",
            ),
            ClientError::WithoutAuth { .. } => CliError::new(Exit::Failure, "without_auth", message)
                .hint("the server was started without authentication, so it has no tokens"),
            ClientError::NameTaken { name, message: said } => {
                let message = format!(
                    "a token named {} already exists on the server (409){}",
                    quote(name),
                    said.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
                );
                let hint = if name == "_admin" {
                    "the operator token exists already: replace it with `influxdb3 create token --admin --regenerate`, or add a named admin token with `--admin --name NAME`".to_owned()
                } else {
                    format!(
                        "choose another --name, or delete the old token with `influxdb3 delete token --token-name {}`",
                        quote(name)
                    )
                };
                CliError::new(Exit::NameTaken, "name_taken", message).hint(hint)
            }
            ClientError::NoSuchToken { name } => CliError::new(
                Exit::Failure,
                "no_such_token",
                format!("there is no token named {} on the server (404)", quote(name)),
            ),
            ClientError::UnknownDatabase {
                database,
                status,
                message: said,
            } => CliError::new(
                Exit::Failure,
                "unknown_database",
                format!(
                    "database {} does not exist on the server ({status}){}",
                    quote(database),
                    said.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
                ),
            )
            .hint(format!(
                "every database a permission names must exist: create {} first, or check the name",
                quote(database)
            )),
            ClientError::CreatedButUnreadable {
                name,
                status,
                problem,
            } => CliError::new(
                Exit::Failure,
                "created_but_unreadable",
                format!(
                    "the server created token {} ({status}) but its answer cannot be used: {}",
                    quote(name),
                    chain(problem)
                ),
            )
            .hint(format!(
                "token {} now exists on the server and nobody has its secret: delete it with `influxdb3 delete token --token-name {}` and create it again",
                quote(name),
                quote(name)
            )),
            ClientError::TooLarge { .. } => {
                let hint = if request.action == Action::List {
                    "no InfluxDB 3 server lists that many tokens: check that --host is one".to_owned()
                } else {
                    sent_hint()
                };
                CliError::new(Exit::Failure, "answer_too_large", message).hint(hint)
            }
            _ => CliError::new(Exit::Failure, "server", message),
        }
    }
}

/// What a request asked, for the hints about its failure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub(crate) action: Action,
    pub(crate) name: &'a str,
    pub(crate) host: &'a str,
    pub(crate) https: bool,
    pub(crate) had_token: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Create,
    Delete,
    Regenerate,
    /// Reading the server's tokens (`show tokens`), which changes nothing.
    List,
}

/// An error and its causes, joined by `: `.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut shown = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        shown.push_str(": ");
        shown.push_str(&cause.to_string());
        source = cause.source();
    }
    shown
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
