//! A blocking HTTP client for the token endpoints of InfluxDB 3 Enterprise.
//!
//! One [`Client`] holds one configured agent (host URL with any path prefix kept, admin
//! token, trusted roots, timeouts) and creates permission tokens, admin tokens and named
//! admin tokens, regenerates the admin token and deletes tokens. Every failure is a
//! [`ClientError`] of its class, with the server's message; the admin token never
//! appears in an error or in `Debug`. A create is never retried on its own.
//!
//! # Example
//!
//! ```
//! use influxdb3_permission::Permission;
//! use influxdb3_testserver::TestServer;
//! use influxdb3_token_client::Client;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = TestServer::builder().database("sensors").start()?;
//! # let admin = server.add_admin_token("ops")?;
//! # let url = server.url();
//! let client = Client::builder(&url).admin_token(admin).build()?;
//! let created = client.create_token(
//!     "ingest",
//!     &["db:sensors:write".parse::<Permission>()?],
//!     Some(7 * 86_400),
//! )?;
//! assert_eq!(created.name, "ingest");
//! assert_eq!(created.hash, created.token.hash()); // checked by the client too
//! println!("Authorization: Bearer {}", created.token.expose_secret());
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;

use std::fmt::{self, Write as _};
use std::path::PathBuf;
use std::time::Duration;

use influxdb3_permission::{Permission, WirePermission};
use influxdb3_token::{Token, TokenHash};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::{Deserialize, Serialize};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

pub use error::ClientError;

/// The default host, as the `influxdb3` command has it.
pub const DEFAULT_HOST: &str = "http://127.0.0.1:8181";
/// The Enterprise endpoint for permission tokens.
pub const PERMISSION_TOKEN_PATH: &str = "/api/v3/enterprise/configure/token";
const ADMIN_PATH: &str = "/api/v3/configure/token/admin";
const REGENERATE_PATH: &str = "/api/v3/configure/token/admin/regenerate";
const NAMED_ADMIN_PATH: &str = "/api/v3/configure/token/named_admin";
const TOKEN_PATH: &str = "/api/v3/configure/token";

/// A token the server created.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedToken {
    /// The server's id for it.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The token (shown once: store it).
    pub token: Token,
    /// Its SHA-512, as the server stores it (checked against `token`).
    pub hash: TokenHash,
    /// When it was created, RFC 3339, as the server wrote it.
    pub created_at: String,
    /// When it expires, RFC 3339, or `None` for never.
    pub expiry: Option<String>,
}

/// Where an extra trusted CA comes from.
#[derive(Debug, Clone)]
enum Ca {
    File(PathBuf),
    Pem(Vec<u8>),
}

/// Configures a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    host: String,
    token: Option<Token>,
    ca: Option<Ca>,
    no_verify: bool,
    connect_timeout: Duration,
    timeout: Duration,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host)
            .field("token", &self.token) // redacted by `Token`
            .field("ca", &self.ca)
            .field("no_verify", &self.no_verify)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClientBuilder {
    /// The admin token sent as `Authorization: Bearer`.
    #[must_use]
    pub fn admin_token(mut self, token: Token) -> ClientBuilder {
        self.token = Some(token);
        self
    }

    /// Trust the CA certificate(s) in this file as well as Mozilla's roots: PEM, or DER
    /// when the name ends in `.der`.
    #[must_use]
    pub fn tls_ca_file(mut self, path: impl Into<PathBuf>) -> ClientBuilder {
        self.ca = Some(Ca::File(path.into()));
        self
    }

    /// Trust the CA certificate(s) in this PEM text as well as Mozilla's roots.
    #[must_use]
    pub fn tls_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> ClientBuilder {
        self.ca = Some(Ca::Pem(pem.into()));
        self
    }

    /// Skip verifying the server's certificate. Dangerous: anyone on the path can read
    /// the admin token. For tests against self-signed servers only.
    #[must_use]
    pub fn no_verify(mut self, no_verify: bool) -> ClientBuilder {
        self.no_verify = no_verify;
        self
    }

    /// How long to wait for a connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// How long each phase of a request may take (default 30 s): sending it, waiting for
    /// the answer, reading the answer. A server that never answers is given up on after
    /// this long.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// The client.
    ///
    /// # Errors
    ///
    /// [`ClientError::InvalidHost`] for a URL that is not `http(s)://HOST…`,
    /// [`ClientError::TlsCa`] for a CA file that cannot be read or holds no certificate.
    pub fn build(self) -> Result<Client, ClientError> {
        let base = check_host(&self.host)?;
        let mut tls = TlsConfig::builder().disable_verification(self.no_verify);
        if let Some(ca) = &self.ca {
            let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .map(|der| Certificate::from_der(der.as_ref()).to_owned())
                .collect();
            roots.extend(read_ca(ca)?);
            tls = tls.root_certs(RootCerts::from(roots));
        } else {
            tls = tls.root_certs(RootCerts::WebPki);
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(self.connect_timeout))
            // Each phase has its own limit rather than one global countdown: ureq
            // re-sets the socket timeout before every read and write while a global
            // timeout counts down, which costs 20 µs a request on loopback (a third
            // of a create round trip); per-phase limits are set once.
            .timeout_send_request(Some(self.timeout))
            .timeout_send_body(Some(self.timeout))
            .timeout_recv_response(Some(self.timeout))
            .timeout_recv_body(Some(self.timeout))
            .user_agent(concat!("influxdb3-tokens/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls.build())
            .build();
        Ok(Client {
            agent: ureq::Agent::new_with_config(config),
            base,
            token: self.token,
            timeout: self.timeout,
        })
    }
}

/// `scheme://authority[/prefix]` without a trailing `/`.
fn check_host(host: &str) -> Result<String, ClientError> {
    let bad = |reason: &str| ClientError::InvalidHost {
        host: host.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = host
        .strip_prefix("http://")
        .or_else(|| host.strip_prefix("https://"))
        .ok_or_else(|| bad("it must start with `http://` or `https://`"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return Err(bad("it has no host"));
    }
    if host.contains(['?', '#']) || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad(
            "it may hold a path prefix, but no query, fragment or spaces",
        ));
    }
    if authority.contains('@') {
        return Err(bad("pass credentials with the admin token, not in the URL"));
    }
    Ok(host.trim_end_matches('/').to_owned())
}

fn read_ca(ca: &Ca) -> Result<Vec<Certificate<'static>>, ClientError> {
    let (path, bytes) = match ca {
        Ca::File(path) => {
            let bytes = std::fs::read(path).map_err(|e| ClientError::TlsCa {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            (path.clone(), bytes)
        }
        Ca::Pem(bytes) => (PathBuf::from("<PEM text>"), bytes.clone()),
    };
    let err = |reason: String| ClientError::TlsCa {
        path: path.clone(),
        reason,
    };
    let is_der = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("der"));
    let certs: Vec<CertificateDer<'static>> = if is_der {
        vec![CertificateDer::from(bytes)]
    } else {
        CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<_, _>>()
            .map_err(|e| err(format!("not a PEM certificate: {e}")))?
    };
    if certs.is_empty() {
        return Err(err(
            "no `BEGIN CERTIFICATE` block in it (a DER file must end in `.der`)".to_owned(),
        ));
    }
    Ok(certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect())
}

/// A client for one server. Cheap to share by reference; connections are reused.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<Token>,
    timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("token", &self.token) // redacted by `Token`
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct CreateBody<'a> {
    token_name: &'a str,
    permissions: Vec<WirePermission>,
    expiry_secs: Option<u64>,
}

#[derive(Serialize)]
struct NamedAdminBody<'a> {
    token_name: &'a str,
    expiry_secs: Option<u64>,
}

#[derive(Deserialize)]
struct CreatedBody {
    id: u64,
    name: String,
    token: String,
    hash: String,
    created_at: String,
    expiry: Option<String>,
}

/// What a request answered.
struct Answer {
    status: u16,
    body: String,
}

impl Client {
    /// A client for the server at `host` (`http(s)://HOST[:PORT][/PREFIX]`).
    pub fn builder(host: &str) -> ClientBuilder {
        ClientBuilder {
            host: host.to_owned(),
            token: None,
            ca: None,
            no_verify: false,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }

    /// The base URL, path prefix included, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Creates a permission token (`POST /api/v3/enterprise/configure/token`).
    /// `expiry_secs` is the lifetime in seconds, `None` for a token that never expires.
    ///
    /// # Errors
    ///
    /// [`ClientError::InvalidRequest`] for no permissions or the admin permission
    /// (nothing is sent), otherwise the request's failure class; [`ClientError::NameTaken`]
    /// for a taken name, [`ClientError::NotFound`] for a server without permission
    /// tokens.
    pub fn create_token(
        &self,
        name: &str,
        permissions: &[Permission],
        expiry_secs: Option<u64>,
    ) -> Result<CreatedToken, ClientError> {
        if permissions.is_empty() {
            return Err(ClientError::InvalidRequest(
                "a permission token needs at least one permission".to_owned(),
            ));
        }
        if permissions.iter().any(Permission::is_admin) {
            return Err(ClientError::InvalidRequest(
                "`*:*:*` is the admin permission: create an admin token instead".to_owned(),
            ));
        }
        let body = CreateBody {
            token_name: name,
            permissions: permissions.iter().map(Permission::to_wire).collect(),
            expiry_secs,
        };
        let answer = self.post(PERMISSION_TOKEN_PATH, Some(&body), true)?;
        self.created(&answer, name, PERMISSION_TOKEN_PATH)
    }

    /// Creates the operator admin token `_admin` (`POST /api/v3/configure/token/admin`,
    /// no authentication; `409` once it exists).
    ///
    /// # Errors
    ///
    /// The request's failure class; [`ClientError::NameTaken`] when `_admin` exists.
    pub fn create_admin_token(&self) -> Result<CreatedToken, ClientError> {
        let answer = self.post::<()>(ADMIN_PATH, None, false)?;
        self.created(&answer, "_admin", ADMIN_PATH)
    }

    /// Replaces the operator admin token with a new one (authenticated with the current).
    ///
    /// # Errors
    ///
    /// The request's failure class.
    pub fn regenerate_admin_token(&self) -> Result<CreatedToken, ClientError> {
        let answer = self.post::<()>(REGENERATE_PATH, None, true)?;
        self.created(&answer, "_admin", REGENERATE_PATH)
    }

    /// Creates a named admin token.
    ///
    /// # Errors
    ///
    /// The request's failure class; [`ClientError::NameTaken`] for a taken name.
    pub fn create_named_admin_token(
        &self,
        name: &str,
        expiry_secs: Option<u64>,
    ) -> Result<CreatedToken, ClientError> {
        let body = NamedAdminBody {
            token_name: name,
            expiry_secs,
        };
        let answer = self.post(NAMED_ADMIN_PATH, Some(&body), true)?;
        self.created(&answer, name, NAMED_ADMIN_PATH)
    }

    /// Deletes the token named `name` (`DELETE /api/v3/configure/token?token_name=`).
    ///
    /// # Errors
    ///
    /// [`ClientError::NoSuchToken`] when there is none, [`ClientError::NotAllowed`] for
    /// `_admin`, otherwise the request's failure class.
    pub fn delete_token(&self, name: &str) -> Result<(), ClientError> {
        let url = format!("{}{TOKEN_PATH}?token_name={}", self.base, encode(name));
        let request = self.agent.delete(&url).header("Accept", "application/json");
        let request = match &self.token {
            Some(t) => request.header("Authorization", bearer(t)),
            None => request,
        };
        let answer = self.answer(&url, request.call())?;
        match answer.status {
            200..=299 => Ok(()),
            404 if server_message(&answer.body).as_deref() != Some("not found") => {
                Err(ClientError::NoSuchToken {
                    name: name.to_owned(),
                })
            }
            _ => Err(failure(&answer, &url, name)),
        }
    }

    fn post<B: Serialize>(
        &self,
        path: &str,
        body: Option<&B>,
        auth: bool,
    ) -> Result<Answer, ClientError> {
        let url = format!("{}{path}", self.base);
        let mut request = self.agent.post(&url).header("Accept", "application/json");
        if let Some(t) = self.token.as_ref().filter(|_| auth) {
            request = request.header("Authorization", bearer(t));
        }
        let result = match body {
            Some(body) => {
                let bytes = serde_json::to_vec(body).map_err(|e| {
                    ClientError::InvalidRequest(format!("cannot write the request: {e}"))
                })?;
                request
                    .header("Content-Type", "application/json")
                    .send(&bytes[..])
            }
            None => request.send_empty(),
        };
        self.answer(&url, result)
    }

    /// Reads the whole answer, or classifies the failure.
    fn answer(
        &self,
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Answer, ClientError> {
        let mut response = result.map_err(|e| self.classify(url, e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| self.classify(url, e))?;
        Ok(Answer { status, body })
    }

    fn created(
        &self,
        answer: &Answer,
        name: &str,
        path: &str,
    ) -> Result<CreatedToken, ClientError> {
        if answer.status != 201 && answer.status != 200 {
            return Err(failure(answer, &format!("{}{path}", self.base), name));
        }
        let bad = |reason: String| ClientError::UnexpectedBody {
            status: answer.status,
            reason,
        };
        // Servers answer with `content-type: json`; the body decides, not the header.
        let body: CreatedBody = serde_json::from_str(&answer.body)
            .map_err(|e| bad(format!("not the created-token object: {e}")))?;
        let token = Token::parse_lenient(&body.token).map_err(|e| bad(e.to_string()))?;
        let hash = TokenHash::from_hex(&body.hash).map_err(|e| bad(e.to_string()))?;
        if hash != token.hash() {
            return Err(bad(
                "the hash the server sent is not the SHA-512 of the token".to_owned(),
            ));
        }
        Ok(CreatedToken {
            id: body.id,
            name: body.name,
            token,
            hash,
            created_at: body.created_at,
            expiry: body.expiry,
        })
    }

    fn classify(&self, url: &str, error: ureq::Error) -> ClientError {
        let url = url.to_owned();
        match error {
            ureq::Error::Timeout(phase) => ClientError::Timeout {
                url,
                after: self.timeout,
                phase: phase.to_string(),
            },
            ureq::Error::HostNotFound => ClientError::Connect {
                url,
                reason: "host not found".to_owned(),
            },
            ureq::Error::ConnectionFailed => ClientError::Connect {
                url,
                reason: "the connection failed".to_owned(),
            },
            ureq::Error::Rustls(e) => ClientError::Tls {
                url,
                reason: e.to_string(),
            },
            ureq::Error::Tls(e) => ClientError::Tls {
                url,
                reason: e.to_owned(),
            },
            ureq::Error::BadUri(reason) => ClientError::InvalidHost { host: url, reason },
            ureq::Error::Io(e) => {
                if let Some(tls) = e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                {
                    return ClientError::Tls {
                        url,
                        reason: tls.to_string(),
                    };
                }
                match e.kind() {
                    std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::AddrNotAvailable
                    | std::io::ErrorKind::NetworkUnreachable
                    | std::io::ErrorKind::HostUnreachable => ClientError::Connect {
                        url,
                        reason: e.to_string(),
                    },
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                        ClientError::Timeout {
                            url,
                            after: self.timeout,
                            phase: e.to_string(),
                        }
                    }
                    std::io::ErrorKind::UnexpectedEof => ClientError::Connection {
                        url,
                        reason: "the server closed the connection before the answer was complete"
                            .to_owned(),
                    },
                    _ => ClientError::Connection {
                        url,
                        reason: e.to_string(),
                    },
                }
            }
            other => ClientError::Connection {
                url,
                reason: other.to_string(),
            },
        }
    }
}

fn bearer(token: &Token) -> String {
    format!("Bearer {}", token.expose_secret())
}

/// The server's message: the `error` of a JSON object, or the trimmed text.
fn server_message(body: &str) -> Option<String> {
    let text = body.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text)
        && let Some(serde_json::Value::String(message)) = map.get("error")
    {
        return Some(message.clone());
    }
    let mut message: String = text.chars().take(500).collect();
    if message.len() < text.len() {
        message.push('…');
    }
    Some(message)
}

/// The failure class of a non-success answer.
fn failure(answer: &Answer, url: &str, name: &str) -> ClientError {
    let message = server_message(&answer.body);
    match answer.status {
        400 => ClientError::BadRequest { message },
        401 => ClientError::Unauthenticated { message },
        403 => ClientError::Forbidden { message },
        404 => ClientError::NotFound {
            url: url.to_owned(),
            message,
        },
        405 => ClientError::NotAllowed { message },
        409 => ClientError::NameTaken {
            name: name.to_owned(),
            message,
        },
        415 => ClientError::UnsupportedMediaType { message },
        status @ 500..=599 => ClientError::Server { status, message },
        status => ClientError::UnexpectedStatus { status, message },
    }
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
