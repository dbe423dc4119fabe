//! Why the test server could not start.

use influxdb3_token::TokenError;
use influxdb3_tokenfile::TokenFileError;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The socket could not be bound, or a file could not be written.
    #[error("cannot start the test server: {0}")]
    Io(#[from] std::io::Error),
    /// The certificates could not be made.
    #[error("cannot make the TLS certificates")]
    Certificates(#[source] rcgen::Error),
    /// The TLS configuration could not be made.
    #[error("cannot configure TLS")]
    Tls(#[source] rustls::Error),
    /// The random source failed.
    #[error("cannot make a token")]
    Random(#[source] TokenError),
    /// A tokens file does not load.
    #[error(transparent)]
    File(#[from] TokenFileError),
    /// A token from a file names a database the server does not have.
    #[error(
        "token `{token}` from the tokens file has a permission on database `{database}`, which does not exist"
    )]
    UnknownDatabase {
        /// The token's name.
        token: String,
        /// The database.
        database: String,
    },
    /// Two tokens have one name.
    #[error("two tokens are named `{0}`")]
    DuplicateName(String),
}
