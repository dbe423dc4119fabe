//! InfluxDB 3 offline tokens files: load, validate, append and replace them without ever
//! losing a token.
//!
//! A permission tokens file (`influxdb3 serve --permission-tokens-file`) lists tokens
//! with their permissions and the databases to create first; an admin token file
//! (`--admin-token-file`) holds one admin token. Every write here is atomic and durable
//! (a temporary file created with mode 0600 beside the target, fsynced, renamed over it,
//! then the directory fsynced), serialized by a lock beside the target, and refused when
//! the file already there does not load: it then stays byte for byte as it was.
//!
//! # Platform
//!
//! Unix only (Linux, macOS, the BSDs): files are written with Unix modes and owners,
//! `O_NOFOLLOW` and fsynced directories. Elsewhere the build stops with one message.
//!
//! # Example
//!
//! ```
//! use influxdb3_permission::Grants;
//! use influxdb3_token::{Lifetime, Timestamp, Token};
//! use influxdb3_tokenfile::{TokenEntry, TokenFile, WriteOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let path = dir.path().join("tokens.json");
//! let expiry = "30d".parse::<Lifetime>()?.ends(Timestamp::now())?;
//! let grants = Grants::try_from(vec!["db:sensors:write".parse()?])?;
//! let entry = TokenEntry::new(Token::generate()?, "ingest".parse()?, Some(expiry), &grants)?;
//! let appended = TokenFile::append(&path, entry, &["sensors".parse()?], &WriteOptions::default())?;
//! assert!(appended.created);
//!
//! let mut text = String::new();
//! let file = TokenFile::load(&path, &mut text)?;
//! assert_eq!(file.create_databases().unwrap()[0].to_string(), "sensors");
//! assert_eq!(file.tokens()[0].name(), "ingest");
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! [`TokenFileError`] says which file and what went wrong: it is not a regular file, it
//! cannot be read or written, it does not load ([`ParseError`], a diagnostic that points
//! at the offending character), the token cannot be added ([`AddError`]: a name already
//! there), the lock cannot be taken. In every case the file is as it was.

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Unix only: the files are written with Unix modes and owners, `O_NOFOLLOW`,
// `O_NONBLOCK` and fsynced directories. Elsewhere the build stops here, with this one
// message rather than a wall of missing symbols (every module is Unix-only below).
#[cfg(not(unix))]
compile_error!(
    "influxdb3-tokenfile needs a Unix system (Linux, macOS, the BSDs): it writes tokens files with Unix file modes and owners, O_NOFOLLOW, O_NONBLOCK and fsynced directories"
);

// Each item is Unix-only (one `#[cfg(unix)]` each, not a macro: cargo-mutants reads the
// modules it mutates from these declarations).
#[cfg(unix)]
mod admin;
#[cfg(all(unix, feature = "manifest"))]
mod apply;
#[cfg(unix)]
mod asked;
#[cfg(unix)]
mod code;
#[cfg(unix)]
mod compare;
#[cfg(unix)]
mod disk;
#[cfg(unix)]
mod error;
#[cfg(unix)]
mod finding;
#[cfg(unix)]
mod lint;
#[cfg(unix)]
mod listing;
#[cfg(unix)]
mod load;
#[cfg(unix)]
mod merge;
#[cfg(unix)]
mod model;
#[cfg(unix)]
mod names;
#[cfg(unix)]
mod one;
#[cfg(unix)]
mod secrets;
#[cfg(unix)]
mod store;
#[cfg(unix)]
mod write;
#[cfg(unix)]
pub use admin::AdminFileStore;
#[cfg(unix)]
pub use asked::AskError;
#[cfg(unix)]
pub use code::{Code, Severity};
#[cfg(unix)]
pub use compare::{Added, Changed, FileDiff};
#[cfg(unix)]
pub use disk::{
    Edit, Written, chosen_secret_from, create_private_file, is_stdin, read, read_chosen_secret,
    read_from, read_input, read_private_token, read_token_file, read_with_mode, same_file,
    write_file,
};
#[cfg(unix)]
pub use error::{AddError, FileKind, ParseError, TokenFileError};
#[cfg(unix)]
pub use finding::Finding;
#[cfg(unix)]
pub use lint::{Lint, LintCount, lint, lint_file, lint_input};
#[cfg(unix)]
pub use listing::Listing;
#[cfg(unix)]
pub use merge::{MergeError, MergeInput, Merged, merge_files};
#[cfg(unix)]
pub use model::{AdminTokenFile, Check, TokenEntry, TokenFile, TokenRecord};
#[cfg(unix)]
pub use one::{Before, Edited, FileDryRun, OneOutcome, OneRun, run_one};
#[cfg(unix)]
pub use secrets::{ENV_PREFIX, SecretsFile, SecretsFormat, SecretsFormatError};
#[cfg(unix)]
pub use store::{FileStore, FileStoreError};
#[cfg(unix)]
pub use write::{MAX_FILE_BYTES, MAX_TOKEN_FILE_BYTES, WriteOptions};

#[cfg(all(unix, feature = "manifest"))]
#[cfg_attr(docsrs, doc(cfg(feature = "manifest")))]
pub use apply::{ManifestApplied, ManifestRun};
#[cfg(all(unix, feature = "manifest"))]
#[cfg_attr(docsrs, doc(cfg(feature = "manifest")))]
pub use disk::{ManifestFileError, read_manifest};
