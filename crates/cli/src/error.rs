//! One clear message, a hint where it helps, and a documented exit code. Library errors
//! are turned into messages by matching their variants, never by reading their text:
//! the tables are in `error/client.rs` (requests) and `error/file.rs` (tokens files).

mod client;
mod file;

use std::fmt;
use std::process::ExitCode;

pub(crate) use client::{Action, Request};

use influxdb3_text::Diagnostic;

use crate::diagnostic::AnyKind;

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

/// What kind of failure: the stable name of `--format json`'s `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    AdminTokenInManifest,
    AnswerTooLarge,
    Changed,
    ConfirmationNeeded,
    Conflict,
    Connect,
    Connection,
    CreatedButUnreadable,
    DanglingLink,
    Exists,
    ExpiryPolicy,
    FileUnreadable,
    Forbidden,
    HardLinked,
    InvalidAction,
    InvalidCa,
    InvalidDatabase,
    InvalidDuration,
    InvalidExpiry,
    InvalidFile,
    InvalidHost,
    InvalidManifest,
    InvalidName,
    InvalidPermission,
    InvalidRequest,
    InvalidResource,
    InvalidToken,
    Io,
    LockFailed,
    LockTimeout,
    MergeConflict,
    NameTaken,
    NoDirectory,
    NoSuchToken,
    NotARegularFile,
    NotConfirmed,
    NotFound,
    NotWritable,
    OperatorToken,
    OutputNotAnInput,
    OwnerWouldChange,
    Random,
    ReservedName,
    Server,
    Stdin,
    Stdout,
    Timeout,
    Tls,
    TokenFile,
    TokenTaken,
    TokenTwice,
    TokensFile,
    Unauthenticated,
    UnknownDatabase,
    Unsupported,
    Usage,
    WithoutAuth,
    WriteFailed,
}

impl Kind {
    /// The stable name (`invalid_permission`, `name_taken`, …).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::AdminTokenInManifest => "admin_token_in_manifest",
            Kind::AnswerTooLarge => "answer_too_large",
            Kind::Changed => "changed",
            Kind::ConfirmationNeeded => "confirmation_needed",
            Kind::Conflict => "conflict",
            Kind::Connect => "connect",
            Kind::Connection => "connection",
            Kind::CreatedButUnreadable => "created_but_unreadable",
            Kind::DanglingLink => "dangling_link",
            Kind::Exists => "exists",
            Kind::ExpiryPolicy => "expiry_policy",
            Kind::FileUnreadable => "file_unreadable",
            Kind::Forbidden => "forbidden",
            Kind::HardLinked => "hard_linked",
            Kind::InvalidAction => "invalid_action",
            Kind::InvalidCa => "invalid_ca",
            Kind::InvalidDatabase => "invalid_database",
            Kind::InvalidDuration => "invalid_duration",
            Kind::InvalidExpiry => "invalid_expiry",
            Kind::InvalidFile => "invalid_file",
            Kind::InvalidHost => "invalid_host",
            Kind::InvalidManifest => "invalid_manifest",
            Kind::InvalidName => "invalid_name",
            Kind::InvalidPermission => "invalid_permission",
            Kind::InvalidRequest => "invalid_request",
            Kind::InvalidResource => "invalid_resource",
            Kind::InvalidToken => "invalid_token",
            Kind::Io => "io",
            Kind::LockFailed => "lock_failed",
            Kind::LockTimeout => "lock_timeout",
            Kind::MergeConflict => "merge_conflict",
            Kind::NameTaken => "name_taken",
            Kind::NoDirectory => "no_directory",
            Kind::NoSuchToken => "no_such_token",
            Kind::NotARegularFile => "not_a_regular_file",
            Kind::NotConfirmed => "not_confirmed",
            Kind::NotFound => "not_found",
            Kind::NotWritable => "not_writable",
            Kind::OperatorToken => "operator_token",
            Kind::OutputNotAnInput => "output_not_an_input",
            Kind::OwnerWouldChange => "owner_would_change",
            Kind::Random => "random",
            Kind::ReservedName => "reserved_name",
            Kind::Server => "server",
            Kind::Stdin => "stdin",
            Kind::Stdout => "stdout",
            Kind::Timeout => "timeout",
            Kind::Tls => "tls",
            Kind::TokenFile => "token_file",
            Kind::TokenTaken => "token_taken",
            Kind::TokenTwice => "token_twice",
            Kind::TokensFile => "tokens_file",
            Kind::Unauthenticated => "unauthenticated",
            Kind::UnknownDatabase => "unknown_database",
            Kind::Unsupported => "unsupported",
            Kind::Usage => "usage",
            Kind::WithoutAuth => "without_auth",
            Kind::WriteFailed => "write_failed",
        }
    }
}

/// A failure as the user reads it: a message, a hint, where in an input, and the
/// library error it came from.
#[derive(Debug)]
pub struct CliError {
    pub(crate) code: Exit,
    pub(crate) kind: Kind,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// Where in an input the error is (a permission's).
    pub(crate) at: Option<Box<At>>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// The error as a diagnostic pointing into its source, drawn by
    /// `diagnostic::render` in place of the lines above.
    pub(crate) diagnostic: Option<Box<Diagnostic<AnyKind>>>,
}

/// The input that failed and where: for the lines under the message, and for the JSON
/// form of the error.
#[derive(Debug, Clone)]
pub(crate) struct At {
    /// The lines that show the input, with a caret line under the bad part.
    pub(crate) snippet: String,
    pub(crate) input: String,
    pub(crate) span: std::ops::Range<usize>,
}

impl CliError {
    pub(crate) fn new(code: Exit, kind: Kind, message: impl Into<String>) -> CliError {
        CliError {
            code,
            kind,
            message: message.into(),
            hint: None,
            at: None,
            source: None,
            diagnostic: None,
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Usage, Kind::Usage, message)
    }

    #[must_use]
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub(crate) fn kind(mut self, kind: Kind) -> CliError {
        self.kind = kind;
        self
    }

    /// The library error this one reports.
    #[must_use]
    pub(crate) fn caused_by(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> CliError {
        self.source = Some(Box::new(source));
        self
    }

    /// A bad `--permission` value, with the grammar's snippet under the flag.
    pub(crate) fn permission(
        flag: &str,
        e: &influxdb3_permission::ParsePermissionError,
    ) -> CliError {
        let mut err =
            CliError::usage(format!("invalid {flag}: {}", e.kind())).kind(Kind::InvalidPermission);
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

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
