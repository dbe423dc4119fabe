//! One clear message, a hint where it helps, and a documented exit code. A library
//! error is shown in its own words (its `Display` and causes); the exit code, kind and
//! hint are chosen by matching its variant, never by reading its text: the tables are in
//! `error/client.rs` (requests), `error/file.rs` (tokens files) and `error/plan.rs`.

mod client;
mod file;
mod plan;

use std::fmt;
use std::process::ExitCode;

use influxdb3_permission::ParsePermissionError;
pub(crate) use influxdb3_text::chain;
use influxdb3_text::{AnyKind, Diagnostic};
use influxdb3_token::mask_token_shaped;

/// The exit codes, as `--help` and `docs/reference.md` document them.
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

/// Declares [`Kind`] with the stable name of each variant.
macro_rules! kinds {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// What kind of failure: the stable name of `--format json`'s `kind`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Kind {
            $($variant,)*
        }

        impl Kind {
            /// The stable name (`invalid_permission`, `name_taken`, …).
            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    AdminTokenInManifest = "admin_token_in_manifest", AnswerTooLarge = "answer_too_large",
    Changed = "changed", ConfirmationNeeded = "confirmation_needed", Conflict = "conflict",
    Connect = "connect", Connection = "connection",
    CreatedButUnreadable = "created_but_unreadable", DanglingLink = "dangling_link",
    Exists = "exists", ExpiryPolicy = "expiry_policy", FileUnreadable = "file_unreadable",
    Forbidden = "forbidden", HardLinked = "hard_linked", InvalidAction = "invalid_action",
    InvalidCa = "invalid_ca", InvalidDatabase = "invalid_database",
    InvalidDuration = "invalid_duration", InvalidExpiry = "invalid_expiry",
    InvalidFile = "invalid_file", InvalidHost = "invalid_host",
    InvalidManifest = "invalid_manifest", InvalidName = "invalid_name",
    InvalidPermission = "invalid_permission", InvalidRequest = "invalid_request",
    InvalidResource = "invalid_resource", InvalidToken = "invalid_token", Io = "io",
    LockFailed = "lock_failed", LockTimeout = "lock_timeout",
    MergeConflict = "merge_conflict", NameTaken = "name_taken",
    NoDirectory = "no_directory", NoSuchToken = "no_such_token",
    NotARegularFile = "not_a_regular_file", NotConfirmed = "not_confirmed",
    NotFound = "not_found", NotWritable = "not_writable", OperatorToken = "operator_token",
    OutputNotAnInput = "output_not_an_input", OwnerWouldChange = "owner_would_change",
    Random = "random", ReservedName = "reserved_name", SecretFile = "secret_file", Server = "server", SharedDirectory = "shared_directory", Stdin = "stdin",
    Stdout = "stdout", Timeout = "timeout", Tls = "tls", TooLarge = "too_large", TokenFile = "token_file",
    TokenTaken = "token_taken", TokenTwice = "token_twice", TokensFile = "tokens_file",
    Unauthenticated = "unauthenticated", UnknownDatabase = "unknown_database",
    Unsupported = "unsupported", Usage = "usage", WithoutAuth = "without_auth",
    WriteFailed = "write_failed",
}

/// A failure as the user reads it: a message, a hint, where in an input, and the
/// library error it came from.
#[derive(Debug)]
pub struct CliError {
    pub(crate) code: Exit,
    pub(crate) kind: Kind,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// The error as a diagnostic pointing into its source, drawn by
    /// `diagnostic::render` in place of the lines above.
    pub(crate) diagnostic: Option<Box<Diagnostic<AnyKind>>>,
}

impl CliError {
    pub(crate) fn new(code: Exit, kind: Kind, message: impl Into<String>) -> CliError {
        CliError {
            code,
            kind,
            message: message.into(),
            hint: None,
            source: None,
            diagnostic: None,
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Usage, Kind::Usage, message)
    }

    /// Secrets made and kept (`message` says where) that stdout could not show;
    /// `hint` says how to get new ones.
    pub(crate) fn unshown(message: String, hint: impl Into<String>) -> CliError {
        CliError::new(Exit::Failure, Kind::Stdout, message).hint(hint)
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

    /// A bad `flag` value (a permission), drawn as its diagnostic.
    pub(crate) fn permission(flag: &str, e: &ParsePermissionError) -> CliError {
        let d = e.diagnostic(flag);
        let message = format!("invalid {flag}: {}", mask_token_shaped(d.message()));
        let mut err = CliError::from_diagnostic(d).kind(Kind::InvalidPermission);
        err.message = message;
        err
    }

    /// A usage error that points into its source: drawn as the diagnostic `d` (its
    /// message, place, source line and hint); a hint given to the error afterwards is
    /// shown after the diagnostic's own.
    pub(crate) fn from_diagnostic<K: influxdb3_text::Kind>(d: Diagnostic<K>) -> CliError {
        let mut err = CliError::usage(mask_token_shaped(&d.to_string()).into_owned());
        err.hint = d.hint().map(|h| mask_token_shaped(h).into_owned());
        err.diagnostic = Some(Box::new(d.erase()));
        err
    }
}

/// What a request asked, for the hints about its failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Create,
    Delete,
    Regenerate,
    /// Reading the server's tokens (`show tokens`), which changes nothing.
    List,
}

impl Action {
    /// What a plan's step asks of a server.
    pub(crate) fn of(step: &influxdb3_provision::Step) -> Action {
        use influxdb3_provision::Step;
        match step {
            Step::Delete { .. } => Action::Delete,
            Step::Regenerate => Action::Regenerate,
            _ => Action::Create,
        }
    }
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
