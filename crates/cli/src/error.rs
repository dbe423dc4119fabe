//! One clear message, a hint where it helps, and a documented exit code.

use std::fmt;
use std::process::ExitCode;

use influxdb3_token_client::ClientError;
use influxdb3_tokenfile::{AddError, TokenFileError};

/// The exit codes, as `--help` and the README document them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
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
    /// 6: the tokens file cannot be read or does not load; it was left as it was.
    TokensFile = 6,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// A failure as the user reads it.
#[derive(Debug)]
pub struct CliError {
    pub code: Exit,
    pub message: String,
    /// Lines shown under the message (a caret under the bad part, say).
    pub detail: Option<String>,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(code: Exit, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
            detail: None,
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Usage, message)
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> CliError {
        self.detail = Some(detail.into());
        self
    }

    /// A failed request, with what to do about it.
    pub fn from_client(e: &ClientError, host: &str, had_token: bool) -> CliError {
        let message = e.to_string();
        match e {
            ClientError::InvalidHost { .. } => CliError::usage(message)
                .hint("the host is `http(s)://HOST:PORT`, as in `http://127.0.0.1:8181`, with an optional path prefix"),
            ClientError::TlsCa { .. } | ClientError::InvalidRequest(_) => CliError::usage(message),
            ClientError::Connect { .. } => CliError::new(Exit::Connection, message).hint(format!(
                "is the server running at {host}? Set the URL with --host or INFLUXDB3_HOST_URL"
            )),
            ClientError::Tls { reason, .. } => {
                let hint = if reason.contains("UnknownIssuer") || reason.contains("certificate") {
                    "pass the CA that signed the server's certificate with --tls-ca FILE (or INFLUXDB3_TLS_CA)"
                } else {
                    "check that the server speaks TLS on this port, or use an http:// host"
                };
                CliError::new(Exit::Connection, message).hint(hint)
            }
            ClientError::Timeout { .. } | ClientError::Connection { .. } => {
                CliError::new(Exit::Connection, message)
                    .hint("the token may or may not have been created: check before you try again")
            }
            ClientError::Unauthenticated { .. } => {
                let hint = if had_token {
                    "the admin token given is not valid on this server: check --token or INFLUXDB3_AUTH_TOKEN"
                } else {
                    "no admin token was given: pass it with --token or INFLUXDB3_AUTH_TOKEN"
                };
                CliError::new(Exit::Refused, message).hint(hint)
            }
            ClientError::Forbidden { .. } => CliError::new(Exit::Refused, message)
                .hint("use an admin token: permission tokens cannot create or delete tokens"),
            ClientError::NotFound { .. } => CliError::new(Exit::Failure, message)
                .hint("permission tokens need InfluxDB 3 Enterprise; check --host and its path prefix"),
            ClientError::NotAllowed { message: Some(m) } if m.contains("without auth") => {
                CliError::new(Exit::Failure, message)
                    .hint("the server was started without authentication, so it has no tokens")
            }
            ClientError::NameTaken { name, .. } if name == "_admin" => {
                CliError::new(Exit::NameTaken, message).hint(
                    "the operator token exists already: replace it with `influxdb3 create token --admin --regenerate`, or add a named admin token with `--admin --name NAME`",
                )
            }
            ClientError::NameTaken { name, .. } => CliError::new(Exit::NameTaken, message).hint(format!(
                "choose another --name, or delete the old token with `influxdb3 delete token --token-name '{name}'`"
            )),
            ClientError::Server { message: Some(m), .. } if m.contains("invalid resource name") => {
                CliError::new(Exit::Failure, message)
                    .hint("every database a permission names must exist: create it first, or check the name")
            }
            _ => CliError::new(Exit::Failure, message),
        }
    }

    /// A tokens file that could not be used; it is as it was.
    pub fn from_file(e: &TokenFileError) -> CliError {
        let message = e.to_string();
        match e {
            TokenFileError::Read { .. } | TokenFileError::Invalid { .. } => {
                CliError::new(Exit::TokensFile, message)
                    .hint("the file was left as it was: fix it, or write to another --output-file")
            }
            TokenFileError::Conflict {
                error: AddError::NameTaken { .. },
                ..
            } => CliError::new(Exit::NameTaken, message)
                .hint("choose another --name; the file was left as it was"),
            TokenFileError::Conflict { .. } => CliError::usage(message),
            TokenFileError::NoDirectory { directory, .. } => {
                CliError::usage(message).hint(format!(
                    "create it first (`mkdir -p {}`), or choose another --output-file",
                    directory.display()
                ))
            }
            _ => CliError::new(Exit::Failure, message),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
