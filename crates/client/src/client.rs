//! The client: one configured agent for one server, and the tokens it creates.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use influxdb3_permission::Grants;
use influxdb3_token::{Lifetime, Timestamp, Token, TokenHash, TokenName};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde::Deserialize;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::error::{BodyProblem, CaError, ClientError, Phase, TlsFailure};
use crate::host::HostUrl;
use crate::mask;
use crate::request::{self, PreparedRequest, TokenRequest, USER_AGENT};
use crate::rows::TokenFilter;
use crate::server_text::{Upstream, server_message, upstream_text};
use crate::settings::ClientWarning;
use crate::tokens::{self, QueryFormat, TokenRow};

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
    Bytes(Vec<u8>),
}

/// Configures a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    host: HostUrl,
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

    /// Trust the CA certificate(s) in this file as well as Mozilla's roots: PEM or DER,
    /// told apart by the content.
    #[must_use]
    pub fn tls_ca_file(mut self, path: impl Into<PathBuf>) -> ClientBuilder {
        self.ca = Some(Ca::File(path.into()));
        self
    }

    /// Trust the CA certificate(s) in these bytes (PEM or DER, told apart by the
    /// content) as well as Mozilla's roots.
    #[must_use]
    pub fn tls_ca_bytes(mut self, bytes: impl Into<Vec<u8>>) -> ClientBuilder {
        self.ca = Some(Ca::Bytes(bytes.into()));
        self
    }

    /// Skip verifying the server's certificate. Dangerous: anyone on the path can read
    /// the admin token. For tests against self-signed servers only.
    #[must_use]
    pub fn no_verify(mut self, no_verify: bool) -> ClientBuilder {
        self.no_verify = no_verify;
        self
    }

    /// The risks this configuration takes, for the caller to show before anything is
    /// sent: [`ClientWarning::Unverified`] when [`no_verify`](ClientBuilder::no_verify)
    /// is set for an `https://` host. Empty for the defaults.
    pub fn warnings(&self) -> Vec<ClientWarning> {
        let mut warnings = Vec::new();
        if self.no_verify && self.host.is_https() {
            warnings.push(ClientWarning::Unverified);
        }
        warnings
    }

    /// How long to wait for a connection, TLS handshake included (default 10 s).
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
    /// [`ClientError::TlsCa`] for a CA that cannot be read or holds no certificate.
    pub fn build(self) -> Result<Client, ClientError> {
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
            .user_agent(USER_AGENT)
            .tls_config(tls.build())
            .build();
        Ok(Client {
            agent: ureq::Agent::new_with_config(config),
            base: self.host,
            token: self.token,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
        })
    }
}

/// The certificates of a CA file or its bytes: PEM when the text holds a `-----BEGIN`
/// line, else one DER certificate (an ASN.1 sequence).
/// The most read of a `--tls-ca` file, in bytes: 1 MiB, room for thousands of
/// certificates.
pub const MAX_CA_BYTES: u64 = 1 << 20;

fn read_ca(ca: &Ca) -> Result<Vec<Certificate<'static>>, ClientError> {
    let origin = match ca {
        Ca::File(path) => Some(path.clone()),
        Ca::Bytes(_) => None,
    };
    let err = |source| ClientError::TlsCa {
        origin: origin.clone(),
        source,
    };
    let bytes = match ca {
        Ca::File(path) => {
            // A FIFO or a device would block or never end: refuse before reading.
            let meta = std::fs::metadata(path).map_err(|e| err(CaError::Read(e)))?;
            if !meta.is_file() {
                return Err(err(CaError::Read(std::io::Error::other(
                    "it is not a regular file",
                ))));
            }
            if meta.len() > MAX_CA_BYTES {
                return Err(err(CaError::TooLarge(MAX_CA_BYTES)));
            }
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(
                    std::fs::File::open(path).map_err(|e| err(CaError::Read(e)))?,
                    MAX_CA_BYTES + 1,
                ),
                &mut bytes,
            )
            .map_err(|e| err(CaError::Read(e)))?;
            if bytes.len() as u64 > MAX_CA_BYTES {
                return Err(err(CaError::TooLarge(MAX_CA_BYTES)));
            }
            bytes
        }
        Ca::Bytes(bytes) => bytes.clone(),
    };
    let is_pem = bytes.windows(10).any(|w| w == b"-----BEGIN");
    let certs: Vec<CertificateDer<'static>> = if is_pem {
        CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<_, _>>()
            .map_err(|e| err(CaError::Pem(e)))?
    } else if bytes.first() == Some(&0x30) {
        vec![CertificateDer::from(bytes)]
    } else {
        Vec::new()
    };
    if certs.is_empty() {
        return Err(err(CaError::NoCertificate));
    }
    Ok(certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect())
}

/// A client for one server. Cheap to share by reference; connections are reused.
pub struct Client {
    agent: ureq::Agent,
    base: HostUrl,
    token: Option<Token>,
    timeout: Duration,
    connect_timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("token", &self.token) // redacted by `Token`
            .finish_non_exhaustive()
    }
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
    /// `x-influxdb-build`: the edition a server says it is.
    build: Option<String>,
    body: String,
}

/// Which InfluxDB 3 a server says it is (its `x-influxdb-build` header on `/ping`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Edition {
    /// InfluxDB 3 Core: admin tokens only, no permission tokens.
    Core,
    /// InfluxDB 3 Enterprise: admin and permission tokens.
    Enterprise,
}

impl Client {
    /// A client for the server at `host`.
    pub fn builder(host: HostUrl) -> ClientBuilder {
        ClientBuilder {
            host,
            token: None,
            ca: None,
            no_verify: false,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }

    /// The base URL, path prefix included, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// The server's URL, as [`builder`](Client::builder) took it.
    pub fn host(&self) -> &HostUrl {
        &self.base
    }

    /// Whether requests carry an admin token
    /// ([`ClientBuilder::admin_token`]).
    pub fn has_admin_token(&self) -> bool {
        self.token.is_some()
    }

    /// Creates a permission token (`POST /api/v3/enterprise/configure/token`) with these
    /// grants, living `lifetime` (`None`: it never expires).
    ///
    /// # Errors
    ///
    /// [`ClientError::InvalidRequest`] for the name `_admin` (nothing is sent), otherwise
    /// the request's failure class; [`ClientError::NameTaken`] for a taken name,
    /// [`ClientError::NotFound`] for a server without permission tokens.
    pub fn create_token(
        &self,
        name: &TokenName,
        grants: &Grants,
        lifetime: Option<Lifetime>,
    ) -> Result<CreatedToken, ClientError> {
        self.created(&TokenRequest::Create {
            name,
            grants,
            lifetime,
        })
    }

    /// Creates the operator admin token `_admin` (`POST /api/v3/configure/token/admin`,
    /// no authentication; `409` once it exists).
    ///
    /// # Errors
    ///
    /// The request's failure class; [`ClientError::NameTaken`] when `_admin` exists.
    pub fn create_admin_token(&self) -> Result<CreatedToken, ClientError> {
        self.created(&TokenRequest::Admin)
    }

    /// Replaces the operator admin token with a new one (authenticated with the current).
    ///
    /// # Errors
    ///
    /// The request's failure class.
    pub fn regenerate_admin_token(&self) -> Result<CreatedToken, ClientError> {
        self.created(&TokenRequest::Regenerate)
    }

    /// Creates a named admin token, living `lifetime` (`None`: it never expires).
    ///
    /// # Errors
    ///
    /// The request's failure class; [`ClientError::NameTaken`] for a taken name.
    pub fn create_named_admin_token(
        &self,
        name: &TokenName,
        lifetime: Option<Lifetime>,
    ) -> Result<CreatedToken, ClientError> {
        self.created(&TokenRequest::NamedAdmin { name, lifetime })
    }

    /// Deletes the token named `name` (`DELETE /api/v3/configure/token?token_name=`).
    ///
    /// # Errors
    ///
    /// [`ClientError::NoSuchToken`] when there is none, [`ClientError::NotAllowed`] for
    /// `_admin`, otherwise the request's failure class.
    pub fn delete_token(&self, name: &str) -> Result<(), ClientError> {
        let request = self.prepare(&TokenRequest::Delete { name })?;
        let answer = self.send(&request)?;
        match answer.status {
            200..=299 => Ok(()),
            404 if upstream_text(self.message(&answer.body).as_deref())
                != Some(Upstream::RouteNotFound) =>
            {
                Err(ClientError::NoSuchToken {
                    name: name.to_owned(),
                })
            }
            _ => Err(self.failure(&answer, &request.url, name)),
        }
    }

    /// The server's tokens as it lists them (`select * from system.tokens`), in
    /// `format`, as the body it answers: what upstream's `show tokens` prints, with
    /// every token-shaped value and this client's admin token masked as `apiv3_***`
    /// (rows never legitimately hold a secret, so a real answer is returned byte for
    /// byte). JSON stays JSON, CSV keeps its fields, and a `pretty` table whose cells
    /// were masked is drawn again so that its borders line up: each column keeps its
    /// width, and widens where a mask is longer than what it hid.
    ///
    /// # Errors
    ///
    /// As the other requests: [`ClientError::Unauthenticated`] (401),
    /// [`ClientError::Forbidden`] (403), a connection or TLS failure, …
    pub fn show_tokens(&self, format: QueryFormat) -> Result<String, ClientError> {
        let body = self.query_tokens(format)?;
        Ok(
            match mask::mask(&body, self.token.as_ref(), format.into()) {
                Cow::Borrowed(_) => body,
                Cow::Owned(masked) => masked,
            },
        )
    }

    /// The server's tokens that `filter` keeps (at `now`), in `format`: with no
    /// filter, the body as [`show_tokens`](Self::show_tokens) gives it (so that scripts
    /// written against upstream keep working); else the rows kept
    /// ([`list_tokens`](Self::list_tokens)), written as the server writes them
    /// ([`QueryFormat::render`]).
    ///
    /// # Errors
    ///
    /// As [`show_tokens`](Self::show_tokens) and [`list_tokens`](Self::list_tokens).
    pub fn show_tokens_where(
        &self,
        format: QueryFormat,
        filter: &TokenFilter,
        now: Timestamp,
    ) -> Result<String, ClientError> {
        if filter.is_empty() {
            return self.show_tokens(format);
        }
        let mut rows = self.list_tokens()?;
        rows.retain(|row| filter.keeps(row, now));
        Ok(format.render(&rows))
    }

    /// The answer to the tokens query in `format`, as the server wrote it.
    fn query_tokens(&self, format: QueryFormat) -> Result<String, ClientError> {
        let request = self.prepare(&TokenRequest::ShowTokens { format })?;
        let answer = self.send(&request)?;
        if answer.status == 200 {
            Ok(answer.body)
        } else {
            Err(self.failure(&answer, &request.url, ""))
        }
    }

    /// The server's tokens, as data: names and permissions as the server holds them
    /// (a plan deletes a token by its name), each description masked as
    /// [`show_tokens`](Self::show_tokens) masks it (a description is free text, and
    /// holds no secret worth keeping). Whoever shows a name shows it masked.
    ///
    /// # Errors
    ///
    /// As [`show_tokens`](Self::show_tokens), and [`ClientError::UnexpectedBody`] when
    /// the answer is not the rows of `system.tokens`.
    pub fn list_tokens(&self) -> Result<Vec<TokenRow>, ClientError> {
        let body = self.query_tokens(QueryFormat::Json)?;
        let mut rows = tokens::rows(&body).map_err(|problem| ClientError::UnexpectedBody {
            status: 200,
            problem,
        })?;
        for row in &mut rows {
            if let Some(d) = &mut row.description {
                *d = mask::masked(d, self.token.as_ref(), mask::Encoding::Plain);
            }
        }
        Ok(rows)
    }

    /// The edition the server says it is (`GET /ping`, its `x-influxdb-build`
    /// header); `None` when it does not say (a server that names no edition, a proxy, a
    /// `/ping` that refuses this token), which tells nothing.
    ///
    /// # Errors
    ///
    /// A connection, TLS or timeout failure.
    pub fn edition(&self) -> Result<Option<Edition>, ClientError> {
        let answer = self.send(&self.prepare(&TokenRequest::Ping)?)?;
        Ok(match (answer.status, answer.build.as_deref()) {
            (200, Some(build)) if build.eq_ignore_ascii_case("core") => Some(Edition::Core),
            (200, Some(build)) if build.eq_ignore_ascii_case("enterprise") => {
                Some(Edition::Enterprise)
            }
            _ => None,
        })
    }

    /// The request `what` would send, without sending it: for a dry run. Nothing
    /// connects.
    ///
    /// ```
    /// use influxdb3_permission::Grants;
    /// use influxdb3_token::Token;
    /// use influxdb3_token_client::{Client, TokenRequest};
    ///
    /// let client = Client::builder("http://127.0.0.1:8181".parse()?)
    ///     .admin_token(Token::generate()?)
    ///     .build()?;
    /// let grants = Grants::try_from(vec!["db:sensors:write".parse()?])?;
    /// let name = "ingest".parse()?;
    /// let request = client.prepare(&TokenRequest::Create { name: &name, grants: &grants, lifetime: None })?;
    /// assert_eq!(request.url(), "http://127.0.0.1:8181/api/v3/enterprise/configure/token");
    /// assert!(request.to_string().contains("Authorization: Bearer ***\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ClientError::InvalidRequest`] for a permission token named `_admin`.
    pub fn prepare(&self, what: &TokenRequest<'_>) -> Result<PreparedRequest, ClientError> {
        request::prepare(&self.base, self.token.is_some(), what)
    }

    /// Sends `request` as prepared (the admin token in its header when it says so).
    fn send(&self, request: &PreparedRequest) -> Result<Answer, ClientError> {
        let url = request.url.as_str();
        let mut builder = ureq::http::Request::builder()
            .method(request.method)
            .uri(url)
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT);
        if let Some(t) = self.token.as_ref().filter(|_| request.authorization) {
            builder = builder.header("Authorization", bearer(t));
        }
        let result = match &request.body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body.clone().into_bytes())
                .map_err(|e| self.classify(url, ureq::Error::Http(e)))
                .and_then(|r| self.agent.run(r).map_err(|e| self.classify(url, e))),
            None => builder
                .body(Vec::new())
                .map_err(|e| self.classify(url, ureq::Error::Http(e)))
                .and_then(|r| self.agent.run(r).map_err(|e| self.classify(url, e))),
        };
        let mut response = result?;
        let status = response.status().as_u16();
        let build = response
            .headers()
            .get("x-influxdb-build")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .body_mut()
            .with_config()
            .limit(request.limit)
            .lossy_utf8(true)
            .read_to_string()
            .map_err(|e| self.classify(url, e))?;
        Ok(Answer {
            status,
            build,
            body,
        })
    }

    /// Sends a request that creates a token, and reads the token it answers.
    pub(crate) fn created(&self, what: &TokenRequest<'_>) -> Result<CreatedToken, ClientError> {
        let request = self.prepare(what)?;
        let answer = &self.send(&request)?;
        let name = what.name();
        if answer.status != 201 && answer.status != 200 {
            return Err(self.failure(answer, &request.url, name));
        }
        // From here on the token exists on the server.
        let unreadable = |problem| ClientError::CreatedButUnreadable {
            name: name.to_owned(),
            status: answer.status,
            problem,
        };
        // Servers answer with `content-type: json`; the body decides, not the header.
        let body: CreatedBody =
            serde_json::from_str(&answer.body).map_err(|e| unreadable(BodyProblem::Json(e)))?;
        let token =
            Token::parse_lenient(&body.token).map_err(|e| unreadable(BodyProblem::Token(e)))?;
        let hash = TokenHash::from_hex(&body.hash).map_err(|e| unreadable(BodyProblem::Hash(e)))?;
        if hash != token.hash() {
            return Err(unreadable(BodyProblem::HashMismatch));
        }
        // A server that echoes the caller's admin token has minted nothing to show.
        if self.token.as_ref() == Some(&token) {
            return Err(unreadable(BodyProblem::AdminToken));
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

    /// The server's message in an error body, with this client's admin token and every token-shaped value masked.
    fn message(&self, body: &str) -> Option<String> {
        server_message(body, self.token.as_ref())
    }

    /// Text from the server, with this client's admin token and every token-shaped
    /// value masked.
    fn masked(&self, text: &str) -> String {
        mask::masked(text, self.token.as_ref(), mask::Encoding::Plain)
    }

    /// The failure class of a non-success answer.
    fn failure(&self, answer: &Answer, url: &str, name: &str) -> ClientError {
        let message = self.message(&answer.body);
        match answer.status {
            400 => ClientError::BadRequest { message },
            401 => ClientError::Unauthenticated { message },
            403 => ClientError::Forbidden { message },
            404 => ClientError::NotFound {
                url: url.to_owned(),
                message,
            },
            405 if upstream_text(message.as_deref()) == Some(Upstream::WithoutAuth) => {
                ClientError::WithoutAuth { message }
            }
            405 => ClientError::NotAllowed { message },
            409 => ClientError::NameTaken {
                name: name.to_owned(),
                message,
            },
            415 => ClientError::UnsupportedMediaType { message },
            status @ 500..=599 => match upstream_text(message.as_deref()) {
                Some(Upstream::InvalidResource(database)) => ClientError::UnknownDatabase {
                    status,
                    database: database.to_owned(),
                    message,
                },
                _ => ClientError::Server { status, message },
            },
            status => ClientError::UnexpectedStatus { status, message },
        }
    }

    fn classify(&self, url: &str, error: ureq::Error) -> ClientError {
        use std::io::ErrorKind as K;
        let url = url.to_owned();
        let connect = |source| ClientError::Connect {
            url: url.clone(),
            source,
        };
        let broken = |sent: bool, not_http: bool, source| ClientError::Connection {
            url: url.clone(),
            sent,
            not_http,
            source,
        };
        match error {
            ureq::Error::Timeout(timeout) => {
                use ureq::Timeout as T;
                let phase = match timeout {
                    T::Resolve | T::Connect => Phase::Connect,
                    T::SendRequest | T::SendBody | T::PerWrite => Phase::Send,
                    _ => Phase::Receive,
                };
                let after = if phase == Phase::Connect {
                    self.connect_timeout
                } else {
                    self.timeout
                };
                ClientError::Timeout { url, phase, after }
            }
            ureq::Error::HostNotFound => connect(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the host name was not found",
            )),
            ureq::Error::ConnectionFailed => connect(std::io::Error::other("no connection")),
            ureq::Error::BodyExceedsLimit(limit) => ClientError::TooLarge { url, limit },
            ureq::Error::Rustls(e) => tls_failure(url, e),
            ureq::Error::Tls(e) => ClientError::Tls {
                url,
                kind: TlsFailure::Other,
                source: std::io::Error::other(e),
            },
            ureq::Error::Protocol(e) => broken(
                true,
                true,
                std::io::Error::other(self.masked(&e.to_string())),
            ),
            ureq::Error::Io(e) => {
                if e.get_ref()
                    .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
                {
                    let rustls = e
                        .into_inner()
                        .and_then(|inner| inner.downcast::<rustls::Error>().ok());
                    if let Some(rustls) = rustls {
                        return tls_failure(url, *rustls);
                    }
                    return broken(false, false, std::io::Error::other("TLS failed"));
                }
                match e.kind() {
                    K::ConnectionRefused
                    | K::AddrNotAvailable
                    | K::NetworkUnreachable
                    | K::HostUnreachable
                    | K::NotFound => connect(e),
                    K::TimedOut | K::WouldBlock => ClientError::Timeout {
                        url,
                        phase: Phase::Receive,
                        after: self.timeout,
                    },
                    K::UnexpectedEof => broken(
                        true,
                        false,
                        std::io::Error::new(
                            K::UnexpectedEof,
                            "the server closed the connection before the answer was complete",
                        ),
                    ),
                    _ => broken(true, false, e),
                }
            }
            other => broken(
                true,
                false,
                std::io::Error::other(self.masked(&other.to_string())),
            ),
        }
    }
}

/// The class of a TLS failure.
fn tls_failure(url: String, error: rustls::Error) -> ClientError {
    use rustls::CertificateError as C;
    let kind = match &error {
        // A CA with the same name that did not sign it fails its signature check.
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => {
            TlsFailure::UnknownIssuer
        }
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => TlsFailure::WrongName,
        rustls::Error::InvalidCertificate(
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
        ) => TlsFailure::Expired,
        rustls::Error::InvalidMessage(_) | rustls::Error::PeerSentOversizedRecord => {
            TlsFailure::NotTls
        }
        _ => TlsFailure::Other,
    };
    ClientError::Tls {
        url,
        kind,
        source: std::io::Error::other(error),
    }
}

fn bearer(token: &Token) -> String {
    format!("Bearer {}", token.expose_secret())
}
