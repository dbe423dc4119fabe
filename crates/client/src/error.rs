//! One error for every way a request can fail, classified once, here: nobody downstream
//! needs to read the server's text to know what happened.

use std::path::PathBuf;
use std::time::Duration;

use influxdb3_token::Quoted;

/// A request that failed, by failure class. The admin token never appears in it, and
/// every text that came from the server has had its tokens (`apiv3_…`) replaced by
/// `apiv3_***`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The CA certificate cannot be used.
    #[error("cannot use {} as a CA certificate", origin.as_ref().map_or_else(|| "the given bytes".to_owned(), |p| Quoted::path(p).to_string()))]
    TlsCa {
        /// The file, when it came from one.
        origin: Option<PathBuf>,
        /// What is wrong with it.
        #[source]
        source: CaError,
    },
    /// The request cannot be made as asked; nothing was sent.
    #[error("the request cannot be made")]
    InvalidRequest(#[source] RequestError),
    /// No connection: refused, host not found, network unreachable. Nothing was sent.
    #[error("cannot connect to {url}")]
    Connect {
        /// The URL.
        url: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The TLS handshake failed. Nothing was sent.
    #[error("TLS with {url} failed: {kind}")]
    Tls {
        /// The URL.
        url: String,
        /// What kind of failure.
        kind: TlsFailure,
        /// What TLS said.
        #[source]
        source: std::io::Error,
    },
    /// No answer in time.
    #[error("no answer from {url} within {}s while {phase}", after.as_secs_f64())]
    Timeout {
        /// The URL.
        url: String,
        /// What was under way.
        phase: Phase,
        /// The limit that passed (the connect timeout while connecting).
        after: Duration,
    },
    /// The connection broke, or the answer was not HTTP.
    #[error("the connection to {url} failed{}", if *.not_http { ": the answer was not HTTP" } else { "" })]
    Connection {
        /// The URL.
        url: String,
        /// Whether the whole request had been sent when it broke.
        sent: bool,
        /// Whether the server answered with something other than HTTP (a TLS port
        /// asked over `http://`, say).
        not_http: bool,
        /// What broke.
        #[source]
        source: std::io::Error,
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
    /// 403: the token is valid but may not do this.
    #[error("the token is valid but may not do this (403){}", said(.message.as_deref()))]
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
    /// The server says it is InfluxDB 3 Core (`x-influxdb-build: Core` on `/ping`),
    /// which has no permission tokens: a store of permission tokens there cannot be.
    #[error(
        "the server at {url} is InfluxDB 3 Core (its /ping says so), which has no permission tokens"
    )]
    CoreServer {
        /// The server's URL.
        url: String,
    },
    /// 404 on delete: no token of this name.
    #[error("there is no token named {} on the server (404)", Quoted(name))]
    NoSuchToken {
        /// The name.
        name: String,
    },
    /// 405: the server runs without authentication, so it has no tokens.
    #[error("the server runs without authentication, so it has no tokens (405){}", said(.message.as_deref()))]
    WithoutAuth {
        /// The server's message.
        message: Option<String>,
    },
    /// 405 for anything else (deleting `_admin`, say).
    #[error("the server does not allow this (405){}", said(.message.as_deref()))]
    NotAllowed {
        /// The server's message.
        message: Option<String>,
    },
    /// 409: a token of this name exists.
    #[error("a token named {} already exists on the server (409){}", Quoted(name), said(.message.as_deref()))]
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
    /// 500 naming a database that does not exist (`invalid resource name DB`).
    #[error("database {} does not exist on the server ({status}){}", Quoted(database), said(.message.as_deref()))]
    UnknownDatabase {
        /// The status code.
        status: u16,
        /// The database.
        database: String,
        /// The server's message.
        message: Option<String>,
    },
    /// Another 5xx.
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
    /// The answer was longer than the client reads for the request (`limit` bytes: a
    /// megabyte for a token, 64 for the listing of tokens), and was not read: a server
    /// that does not stop, or not an InfluxDB 3 server. The request was sent.
    #[error("the answer from {url} is longer than {} MiB and was not read", limit >> 20)]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The server created the token (it answered `status`) but its answer cannot be
    /// used: the token exists on the server under `name`, and nobody has seen it.
    #[error(
        "the server created token {} ({status}) but its answer cannot be used",
        Quoted(name)
    )]
    CreatedButUnreadable {
        /// The token's name.
        name: String,
        /// The status code.
        status: u16,
        /// What is wrong with the answer.
        #[source]
        problem: BodyProblem,
    },
    /// A success whose body is not what the protocol says, for a request that creates
    /// nothing (a query).
    #[error("the server's answer ({status}) cannot be used")]
    UnexpectedBody {
        /// The status code.
        status: u16,
        /// What is wrong with it.
        #[source]
        problem: BodyProblem,
    },
}

/// `: MESSAGE` when the server said something.
fn said(message: Option<&str>) -> String {
    message.map(|m| format!(": {m}")).unwrap_or_default()
}

/// A request refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// A permission token named `_admin`.
    #[error(
        "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token"
    )]
    ReservedName,
    /// Something a server cannot do (change a token in place, take a chosen secret).
    #[error("a server cannot hold {what}")]
    Unsupported {
        /// What it cannot.
        what: influxdb3_provision::Unsupported,
    },
    /// An expiry that has passed.
    #[error("the token would expire before it is created")]
    Expired,
    /// A name that cannot be put in a request (a server may hold names that today's
    /// rules refuse).
    #[error("token {} cannot be named in a request", Quoted(name))]
    Name {
        /// The name as the server has it.
        name: String,
        /// Why.
        #[source]
        source: influxdb3_token::TokenNameError,
    },
}

/// What kind of TLS failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The server's certificate is not signed by a trusted CA.
    UnknownIssuer,
    /// The certificate is not for this host name.
    WrongName,
    /// The certificate has expired or is not valid yet.
    Expired,
    /// The server did not answer with TLS: the port speaks plain HTTP.
    NotTls,
    /// Anything else.
    Other,
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsFailure::UnknownIssuer => "the server's certificate is not signed by a trusted CA",
            TlsFailure::WrongName => "the server's certificate is not for this host name",
            TlsFailure::Expired => "the server's certificate has expired or is not valid yet",
            TlsFailure::NotTls => "the server does not speak TLS on this port",
            TlsFailure::Other => "the handshake failed",
        })
    }
}

/// What was under way when a limit passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Resolving the host name or connecting (TLS included): nothing was sent.
    Connect,
    /// Sending the request.
    Send,
    /// Waiting for or reading the answer: the request was sent.
    Receive,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connecting",
            Phase::Send => "sending the request",
            Phase::Receive => "waiting for the answer",
        })
    }
}

/// Why a CA certificate cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaError {
    /// The file cannot be read.
    #[error("it cannot be read")]
    Read(#[source] std::io::Error),
    /// It looks like PEM but does not parse.
    #[error("it is not valid PEM")]
    Pem(#[source] rustls_pki_types::pem::Error),
    /// It is larger than a file of certificates is read ([`MAX_CA_BYTES`] bytes).
    ///
    /// [`MAX_CA_BYTES`]: crate::MAX_CA_BYTES
    #[error("it is larger than {0} bytes and was not read")]
    TooLarge(u64),
    /// It holds no certificate (neither a PEM `BEGIN CERTIFICATE` block nor DER).
    #[error(
        "it holds no certificate: neither a PEM `BEGIN CERTIFICATE` block nor a DER certificate"
    )]
    NoCertificate,
}

/// What is wrong with a success answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BodyProblem {
    /// Not the JSON object the protocol says.
    #[error("it is not the expected JSON object")]
    Json(#[source] serde_json::Error),
    /// The token in it is not a token.
    #[error("its token is not a token")]
    Token(#[source] influxdb3_token::TokenError),
    /// The hash in it is not a hash.
    #[error("its hash is not a SHA-512 hash")]
    Hash(#[source] influxdb3_token::TokenError),
    /// The hash is not the SHA-512 of the token.
    #[error("the hash it holds is not the SHA-512 of its token")]
    HashMismatch,
    /// Its token is the admin token the request was sent with, not a new one (never
    /// shown: it is not this command's to show).
    #[error("its token is the admin token the request was sent with, not a new one")]
    AdminToken,
    /// A row of a query's answer holds a value that is not what its column says.
    #[error("row {row}: {what}")]
    Row {
        /// The row, from 1.
        row: usize,
        /// What is wrong.
        what: String,
    },
    /// The `permissions` column of a row of `system.tokens` does not parse as
    /// permissions joined by `,`; the span of the error points into the column.
    #[error("row {row}: its permissions do not parse")]
    Permissions {
        /// The row, from 1.
        row: usize,
        /// What is wrong, and where in the column.
        #[source]
        source: Box<influxdb3_permission::ParsePermissionError>,
    },
}

impl ClientError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            ClientError::BadRequest { .. } => 400,
            ClientError::Unauthenticated { .. } => 401,
            ClientError::Forbidden { .. } => 403,
            ClientError::NotFound { .. } | ClientError::NoSuchToken { .. } => 404,
            ClientError::NotAllowed { .. } | ClientError::WithoutAuth { .. } => 405,
            ClientError::NameTaken { .. } => 409,
            ClientError::UnsupportedMediaType { .. } => 415,
            ClientError::Server { status, .. }
            | ClientError::UnknownDatabase { status, .. }
            | ClientError::UnexpectedStatus { status, .. }
            | ClientError::CreatedButUnreadable { status, .. }
            | ClientError::UnexpectedBody { status, .. } => *status,
            _ => return None,
        })
    }

    /// Whether the whole request reached the server, so that it may have acted on it
    /// (a create may or may not have created the token).
    pub fn request_sent(&self) -> bool {
        match self {
            ClientError::TlsCa { .. }
            | ClientError::InvalidRequest(_)
            | ClientError::Connect { .. }
            | ClientError::Tls { .. } => false,
            ClientError::Timeout { phase, .. } => *phase == Phase::Receive,
            ClientError::Connection { sent, .. } => *sent,
            _ => true,
        }
    }

    /// Whether trying again may succeed: the connection broke or timed out, or the
    /// server failed (5xx) or answered more than was read. A refusal, a bad request or
    /// a server without permission tokens would fail again the same way.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ClientError::Connect { .. }
                | ClientError::Connection { .. }
                | ClientError::Timeout { .. }
                | ClientError::Server { .. }
                | ClientError::TooLarge { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failures_of_the_way_there_are_worth_another_try() {
        let connect = ClientError::Connect {
            url: "http://127.0.0.1:1".to_owned(),
            source: std::io::ErrorKind::ConnectionRefused.into(),
        };
        let server = ClientError::Server {
            status: 503,
            message: None,
        };
        let taken = ClientError::NameTaken {
            name: "a".to_owned(),
            message: None,
        };
        let core = ClientError::CoreServer {
            url: "http://127.0.0.1:1".to_owned(),
        };
        assert!(connect.is_transient() && server.is_transient());
        assert!(!taken.is_transient() && !core.is_transient());
    }
}
