//! One error for every way a request can fail, each with the server's message.

use std::path::PathBuf;
use std::time::Duration;

/// A request that failed, by failure class. The admin token never appears in it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The host URL is not `http://HOST[:PORT][/PREFIX]` or `https://…`.
    #[error("invalid host URL `{host}`: {reason}")]
    InvalidHost {
        /// The URL given.
        host: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The CA certificate file cannot be read or holds no certificate.
    #[error("cannot use `{}` as a CA certificate: {reason}", path.display())]
    TlsCa {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The request cannot be made as asked (checked before anything is sent).
    #[error("{0}")]
    InvalidRequest(String),
    /// No connection: refused, host not found, network unreachable.
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The TLS handshake failed; `reason` names the certificate problem.
    #[error("TLS with {url} failed: {reason}")]
    Tls {
        /// The URL.
        url: String,
        /// What TLS said.
        reason: String,
    },
    /// No answer in time.
    #[error("no answer from {url} within {}s ({phase})", after.as_secs_f64())]
    Timeout {
        /// The URL.
        url: String,
        /// The limit that passed.
        after: Duration,
        /// What was under way.
        phase: String,
    },
    /// The connection broke, or the answer was not HTTP.
    #[error("the connection to {url} failed: {reason}")]
    Connection {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// 400: the server could not read the request.
    #[error("the server refused the request as malformed (400){}", said(.message.as_deref()))]
    BadRequest {
        /// The server's message.
        message: Option<String>,
    },
    /// 401: the admin token is missing, unknown or expired.
    #[error("the server did not accept the admin token: it is missing, unknown or expired (401){}", said(.message.as_deref()))]
    Unauthenticated {
        /// The server's message.
        message: Option<String>,
    },
    /// 403: the token is valid but not an admin token.
    #[error("the token is not an admin token (403){}", said(.message.as_deref()))]
    Forbidden {
        /// The server's message.
        message: Option<String>,
    },
    /// 404 on a token endpoint: the server has no permission tokens (InfluxDB 3 Core),
    /// or the URL's path prefix is wrong.
    #[error("{url} was not found (404{}): this server has no permission tokens; it may be InfluxDB 3 Core", said(.message.as_deref()))]
    NotFound {
        /// The URL.
        url: String,
        /// The server's message.
        message: Option<String>,
    },
    /// 404 on delete: no token of this name.
    #[error("there is no token named `{name}` on the server (404)")]
    NoSuchToken {
        /// The name.
        name: String,
    },
    /// 405: the server runs without authentication, or refuses this deletion.
    #[error("the server refused the request (405){}", said(.message.as_deref()))]
    NotAllowed {
        /// The server's message.
        message: Option<String>,
    },
    /// 409: a token of this name exists.
    #[error("a token named `{name}` already exists on the server (409){}", said(.message.as_deref()))]
    NameTaken {
        /// The name.
        name: String,
        /// The server's message.
        message: Option<String>,
    },
    /// 415: the server wanted another content type.
    #[error("the server refused the content type (415){}", said(.message.as_deref()))]
    UnsupportedMediaType {
        /// The server's message.
        message: Option<String>,
    },
    /// 5xx: the server rejected the request (an unknown database, say).
    #[error("the server failed to handle the request ({status}){}", said(.message.as_deref()))]
    Server {
        /// The status code.
        status: u16,
        /// The server's message.
        message: Option<String>,
    },
    /// Any other status.
    #[error("unexpected answer from the server ({status}){}", said(.message.as_deref()))]
    UnexpectedStatus {
        /// The status code.
        status: u16,
        /// The server's message.
        message: Option<String>,
    },
    /// A success whose body is not what the protocol says.
    #[error("the server's answer ({status}) could not be read: {reason}")]
    UnexpectedBody {
        /// The status code.
        status: u16,
        /// What is wrong with it.
        reason: String,
    },
}

/// `: MESSAGE` when the server said something.
fn said(message: Option<&str>) -> String {
    message.map(|m| format!(": {m}")).unwrap_or_default()
}

impl ClientError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            ClientError::BadRequest { .. } => 400,
            ClientError::Unauthenticated { .. } => 401,
            ClientError::Forbidden { .. } => 403,
            ClientError::NotFound { .. } | ClientError::NoSuchToken { .. } => 404,
            ClientError::NotAllowed { .. } => 405,
            ClientError::NameTaken { .. } => 409,
            ClientError::UnsupportedMediaType { .. } => 415,
            ClientError::Server { status, .. }
            | ClientError::UnexpectedStatus { status, .. }
            | ClientError::UnexpectedBody { status, .. } => *status,
            _ => return None,
        })
    }
}
