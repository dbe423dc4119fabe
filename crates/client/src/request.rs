//! The requests of the token protocol: what each one sends, where, with which body.

use std::fmt::{self, Write as _};

use influxdb3_permission::{Grants, Permission};
use influxdb3_token::{Lifetime, TokenName};
use serde::Serialize;

use crate::error::{ClientError, RequestError};
use crate::host::HostUrl;
use crate::tokens::{self, QueryFormat};

/// The Enterprise endpoint for permission tokens.
pub const PERMISSION_TOKEN_PATH: &str = "/api/v3/enterprise/configure/token";
const ADMIN_PATH: &str = "/api/v3/configure/token/admin";
const REGENERATE_PATH: &str = "/api/v3/configure/token/admin/regenerate";
const NAMED_ADMIN_PATH: &str = "/api/v3/configure/token/named_admin";
const TOKEN_PATH: &str = "/api/v3/configure/token";

#[derive(Serialize)]
struct CreateBody<'a> {
    token_name: &'a str,
    permissions: WireList<'a>,
    expiry_secs: Option<u64>,
}

/// Permissions in their wire form, borrowed.
struct WireList<'a>(&'a [Permission]);

impl Serialize for WireList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Permission::wire))
    }
}

/// The body of a query, in upstream's order: `{"db","q","format","params"}`.
#[derive(Serialize)]
struct QueryBody<'a> {
    db: &'a str,
    q: &'a str,
    format: &'a str,
    params: Option<()>,
}

#[derive(Serialize)]
struct NamedAdminBody<'a> {
    token_name: &'a str,
    expiry_secs: Option<u64>,
}

/// A request of the token protocol: what [`Client::prepare`](crate::Client::prepare)
/// shows and the other methods send.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum TokenRequest<'a> {
    /// Create a permission token.
    Create {
        /// Its name.
        name: &'a TokenName,
        /// Its permissions.
        grants: &'a Grants,
        /// Its lifetime; `None`: it never expires.
        lifetime: Option<Lifetime>,
    },
    /// Create the operator admin token `_admin`.
    Admin,
    /// Replace the operator admin token.
    Regenerate,
    /// Create a named admin token.
    NamedAdmin {
        /// Its name.
        name: &'a TokenName,
        /// Its lifetime; `None`: it never expires.
        lifetime: Option<Lifetime>,
    },
    /// Delete a token.
    Delete {
        /// Its name, as the server holds it (which may be one that today's rules would
        /// not let anyone create).
        name: &'a str,
    },
    /// List the server's tokens: `select * from system.tokens` on `_internal`, as
    /// upstream's `show tokens` asks.
    ShowTokens {
        /// The format of the answer.
        format: QueryFormat,
    },
    /// `GET /ping`: the server's edition (`x-influxdb-build`) and version.
    Ping,
}

impl TokenRequest<'_> {
    /// The name of the token the request is about.
    pub(crate) fn name(&self) -> &str {
        match self {
            TokenRequest::Create { name, .. } | TokenRequest::NamedAdmin { name, .. } => {
                name.as_str()
            }
            TokenRequest::Delete { name } => name,
            TokenRequest::Admin | TokenRequest::Regenerate => influxdb3_token::OPERATOR_TOKEN,
            TokenRequest::ShowTokens { .. } | TokenRequest::Ping => "",
        }
    }
}

/// A request as the client sends it, built by [`Client::prepare`](crate::Client::prepare).
/// `Display` shows it as HTTP text, with the admin token as `Bearer ***`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    pub(crate) method: &'static str,
    pub(crate) url: String,
    pub(crate) authorization: bool,
    pub(crate) body: Option<String>,
    /// The most of the answer that is read, in bytes.
    pub(crate) limit: u64,
}

/// The most of an answer read for a request about one token (its answer is a few
/// hundred bytes; an error page, a few kilobytes).
const MAX_ANSWER: u64 = 1 << 20;

/// The most of an answer read for the listing of the server's tokens: some hundreds of
/// thousands of them.
const MAX_LISTING: u64 = 64 << 20;

impl PreparedRequest {
    /// `GET`, `POST` or `DELETE`.
    pub fn method(&self) -> &str {
        self.method
    }

    /// The whole URL, path prefix and query included.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers sent, the admin token shown as `Bearer ***`.
    pub fn headers(&self) -> Vec<(&'static str, &'static str)> {
        let mut headers = vec![("Accept", "application/json"), ("User-Agent", USER_AGENT)];
        if self.authorization {
            headers.push(("Authorization", "Bearer ***"));
        }
        if self.body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        headers
    }

    /// The JSON body, if there is one.
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }
}

impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (name, value) in self.headers() {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            write!(f, "\n{body}\n")?;
        }
        Ok(())
    }
}

impl Serialize for PreparedRequest {
    /// `{"method", "url", "headers": {NAME: VALUE}, "body": JSON | null}`, the admin
    /// token shown as `Bearer ***`, as a dry run shows the request.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeStruct};
        struct Headers<'a>(&'a PreparedRequest);
        impl Serialize for Headers<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let headers = self.0.headers();
                let mut map = serializer.serialize_map(Some(headers.len()))?;
                for (name, value) in headers {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
        // The body is this client's own JSON: shown as JSON, not as a string.
        let body = self
            .body
            .as_deref()
            .map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap_or_else(|_| b.into()));
        let mut s = serializer.serialize_struct("PreparedRequest", 4)?;
        s.serialize_field("method", self.method)?;
        s.serialize_field("url", &self.url)?;
        s.serialize_field("headers", &Headers(self))?;
        s.serialize_field("body", &body)?;
        s.end()
    }
}

/// The `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("influxdb3-tokens/", env!("CARGO_PKG_VERSION"));

/// A request body as JSON (our own types always serialize).
fn json(body: &impl Serialize) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

/// The request `what` sends to the server at `base`; the admin token goes in its header
/// when the request needs one and `admin_token` says there is one.
pub(crate) fn prepare(
    base: &HostUrl,
    admin_token: bool,
    what: &TokenRequest<'_>,
) -> Result<PreparedRequest, ClientError> {
    let (method, path, body, auth) = match what {
        TokenRequest::Create {
            name,
            grants,
            lifetime,
        } => {
            if name.is_admin() {
                return Err(ClientError::InvalidRequest(RequestError::ReservedName));
            }
            let body = CreateBody {
                token_name: name.as_str(),
                permissions: WireList(grants),
                expiry_secs: lifetime.map(Lifetime::secs),
            };
            (
                "POST",
                PERMISSION_TOKEN_PATH.to_owned(),
                Some(json(&body)),
                true,
            )
        }
        TokenRequest::Admin => ("POST", ADMIN_PATH.to_owned(), None, false),
        TokenRequest::Regenerate => ("POST", REGENERATE_PATH.to_owned(), None, true),
        TokenRequest::NamedAdmin { name, lifetime } => {
            let body = NamedAdminBody {
                token_name: name.as_str(),
                expiry_secs: lifetime.map(Lifetime::secs),
            };
            ("POST", NAMED_ADMIN_PATH.to_owned(), Some(json(&body)), true)
        }
        TokenRequest::Delete { name } => (
            "DELETE",
            format!("{TOKEN_PATH}?token_name={}", encode(name)),
            None,
            true,
        ),
        TokenRequest::Ping => ("GET", "/ping".to_owned(), None, true),
        TokenRequest::ShowTokens { format } => {
            let body = QueryBody {
                db: tokens::INTERNAL_DB,
                q: tokens::TOKENS_QUERY,
                format: format.wire(),
                params: None,
            };
            (
                "POST",
                tokens::QUERY_PATH.to_owned(),
                Some(json(&body)),
                true,
            )
        }
    };
    Ok(PreparedRequest {
        method,
        url: format!("{base}{path}"),
        authorization: auth && admin_token,
        body,
        limit: if matches!(what, TokenRequest::ShowTokens { .. }) {
            MAX_LISTING
        } else {
            MAX_ANSWER
        },
    })
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
