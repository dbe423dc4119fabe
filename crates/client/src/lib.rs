//! A blocking HTTP client for the token endpoints of InfluxDB 3 Enterprise.
//!
//! One [`Client`] holds one configured agent (host URL with any path prefix kept, admin
//! token, trusted roots, timeouts) and creates permission tokens, admin tokens and named
//! admin tokens, regenerates the admin token and deletes tokens. Every failure is a
//! [`ClientError`] of its class, with the server's message; the admin token never
//! appears in an error or in `Debug`, and tokens in the server's text are replaced by
//! `apiv3_***`. A create is never retried on its own. [`ServerOptions`] makes a client
//! from the `influxdb3` command's server options (`--host`, the admin token's flags and
//! variables, `--tls-ca`, `--tls-no-verify`) by the command's rules.
//!
//! # Example
//!
//! ```
//! use influxdb3_permission::{Grants, Permission};
//! use influxdb3_testserver::TestServer;
//! use influxdb3_token_client::Client;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = TestServer::builder().database("sensors").start()?;
//! # let admin = server.add_admin_token("ops")?;
//! # let url = server.url();
//! let client = Client::builder(url.parse()?).admin_token(admin).build()?;
//! let grants = Grants::try_from(vec!["db:sensors:write".parse::<Permission>()?])?;
//! let created = client.create_token(&"ingest".parse()?, &grants, Some("7d".parse()?))?;
//! assert_eq!(created.name, "ingest");
//! assert_eq!(created.hash, created.token.hash()); // checked by the client too
//! println!("Authorization: Bearer {}", created.token.expose_secret());
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod client;
mod error;
mod host;
mod mask;
mod options;
mod request;
mod rows;
mod server_text;
mod settings;
mod store;
mod tokens;

pub use client::{Client, ClientBuilder, CreatedToken, Edition, MAX_CA_BYTES};
pub use error::{BodyProblem, CaError, ClientError, Phase, RequestError, TlsFailure};
pub use host::{DEFAULT_HOST, HostUrl, HostUrlError, mask_credentials};
pub use options::{ConnectError, Connection, Origin, ServerOptions, TokenFrom};
pub use request::{PERMISSION_TOKEN_PATH, PreparedRequest, TokenRequest};
pub use rows::TokenFilter;
pub use server_text::server_message;
pub use settings::{ClientWarning, MAX_TOKEN_LINE_BYTES, TokenInputError, read_token_line};
pub use store::ServerStore;
pub use tokens::{QueryFormat, TokenRow};
