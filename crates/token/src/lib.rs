//! InfluxDB 3 token secrets: generation, hashing as the server does it, and expiry.
//!
//! A token is `apiv3_` followed by 64 random bytes from the operating system in URL-safe
//! base64 without padding: 92 characters. The server stores only the SHA-512 of the
//! whole string, as 128 lowercase hex characters; [`Token::hash`] gives the same.
//!
//! Text that is shown (a file's line in an error, a server's message) goes through
//! [`mask_token_shaped`] first: every `apiv3_` run of the token alphabet becomes
//! `apiv3_***` ([`token_shaped_runs`] finds them). Messages name a value as [`Quoted`]
//! shows it, make a whole line safe with [`message_line`], and offer a command to paste
//! with [`command_line`], which quotes its values for every common shell.
//!
//! # Example
//!
//! ```
//! use influxdb3_token::{Lifetime, Timestamp, Token};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let token = Token::generate()?;
//! let hash = token.hash(); // what the server keeps
//! let lifetime: Lifetime = "7d".parse()?;
//! let expiry = lifetime.ends(Timestamp::now())?; // what a tokens file holds
//!
//! // The secret is read only on purpose; everywhere else it is redacted.
//! let header = format!("Authorization: Bearer {}", token.expose_secret());
//! assert!(!format!("{token:?}").contains(&token.expose_secret()[10..]));
//! assert_eq!(header.len(), 22 + 92);
//! assert_eq!(lifetime.secs(), 7 * 86_400); // what an HTTP request says
//! # let _ = (hash, expiry);
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! [`TokenError`] for a token string of the wrong shape (it never contains the token),
//! [`LifetimeError`] for a duration that cannot be a lifetime: zero, under a second,
//! negative, or ending past the last instant an `i64` of milliseconds holds;
//! [`ExpiryError`] for the texts of an expiry that say none ([`Expiry::from_texts`]);
//! [`TokenNameError`] for a name a listing could not show as it is.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod expiry;
mod message;
mod name;
mod secret;
mod shape;

pub use expiry::{Expiry, ExpiryError, Lifetime, LifetimeError, Timestamp, TimestampError};
pub use message::{MAX_LINE_CHARS, command_line, message_line};
pub use name::{MAX_NAME_CHARS, OPERATOR_TOKEN, TokenName, TokenNameError};
pub use secret::{
    CHOSEN_MAX, CHOSEN_MIN, PREFIX, SECRET_BYTES, TOKEN_LEN, Token, TokenError, TokenHash,
};
pub use shape::{
    MAX_QUOTED_CHARS, Quoted, QuotedPath, elide, mask_token_shaped, secret_ranges,
    token_shaped_runs,
};
