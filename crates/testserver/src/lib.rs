//! An in-process HTTP/1.1 server that speaks the InfluxDB 3 Enterprise token protocol.
//!
//! For tests, and for trying the `influxdb3 create token` command online without an
//! Enterprise server. It listens on 127.0.0.1, plain or TLS (a CA and a certificate for
//! `127.0.0.1` and `localhost` are made at start; the CA is written to a file for
//! `--tls-ca`), and answers as a real server does:
//!
//! - `POST /api/v3/enterprise/configure/token`: a permission token (`201` with
//!   `content-type: json`; `409` for a taken name; `401`/`403` for a missing, unknown
//!   or non-admin token; `415`; `400` for a body it cannot read; `500` for a permission
//!   on a database that does not exist). In [`Mode::Core`] it answers `404`; in
//!   [`Mode::WithoutAuth`], `405`.
//! - `POST /api/v3/configure/token/admin`, `…/admin/regenerate`,
//!   `…/named_admin`, `DELETE /api/v3/configure/token?token_name=NAME`.
//! - `GET /health`, `/ping`, `/metrics` (guarded by `system` grants),
//!   `POST /api/v3/write_lp?db=` and `GET /api/v3/query_sql?db=` (guarded by `db`
//!   grants), `POST /api/v3/configure/database`: so that a minted token can be shown
//!   to work, and to do exactly what its permissions say.
//!
//! It stores only SHA-512 hashes of tokens, and can load a permission tokens file and
//! an admin token file at start, as `influxdb3 serve` does.
//!
//! # Example
//!
//! ```
//! use influxdb3_testserver::TestServer;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = TestServer::builder().database("sensors").start()?;
//! let admin = server.add_admin_token("ops")?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! # let _ = admin;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;
mod http;
mod lock;
mod mode;
mod routes;
mod scripted;
mod server;
mod state;
mod system_tokens;
mod tls;

pub use error::StartError;
pub use http::RecordedRequest;
pub use mode::Mode;
pub use routes::PERMISSION_TOKEN_PATH;
pub use scripted::{Script, ScriptedServer, reply};
pub use server::{Builder, TestServer};
