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
//! # Example
//!
//! ```
//! use influxdb3_permission::Permission;
//! use influxdb3_token::{Expiry, SystemClock, Token};
//! use influxdb3_tokenfile::{TokenEntry, TokenFile};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let path = dir.path().join("tokens.json");
//! let entry = TokenEntry::new(
//!     Token::generate()?,
//!     "ingest",
//!     Expiry::after("30d", &SystemClock)?,
//!     vec!["db:sensors:write".parse::<Permission>()?],
//! )?;
//! let appended = TokenFile::append(&path, entry, &["sensors".into()], &SystemClock)?;
//! assert!(appended.created);
//! assert!(appended.findings.is_empty());
//!
//! let file = TokenFile::load(&path)?;
//! assert_eq!(file.create_databases(), Some(&["sensors".to_owned()][..]));
//! assert_eq!(file.tokens()[0].name(), "ingest");
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! [`TokenFileError`] says which file and what went wrong: it cannot be read, it does
//! not load ([`ParseError`] with line and column), the token cannot be added
//! ([`AddError`]: a name already there), the lock or the write failed. In every case
//! the file is as it was.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;
mod model;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use influxdb3_permission::{ResourceNames, ResourceType};
use influxdb3_token::{Clock, rfc3339};

pub use error::{ParseError, TokenFileError};
pub use model::{AddError, AdminTokenFile, TokenEntry, TokenFile};

/// Something worth a warning after a successful write; the caller decides how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The new token has a permission on a database the file does not create: the
    /// server refuses to load it unless the database already exists.
    UnknownDatabase {
        /// The token's name.
        token: String,
        /// The database.
        database: String,
    },
    /// The new token has a `db:*` permission; some server versions look for a database
    /// literally named `*` when they load a file.
    WildcardDatabase {
        /// The token's name.
        token: String,
    },
    /// A token in the file has already expired.
    Expired {
        /// The token's name.
        token: String,
        /// When it expired.
        expiry_millis: i64,
    },
    /// The file can be read by its group or by others, and it holds secrets.
    Readable {
        /// The file.
        path: PathBuf,
        /// Its mode.
        mode: u32,
    },
    /// The file's owner or group could not be kept when it was replaced.
    OwnerChanged {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::UnknownDatabase { token, database } => write!(
                f,
                "token `{token}` has a permission on database `{database}`, which the file does not create: the server will not load it unless `{database}` exists; add it to `create_databases`"
            ),
            Finding::WildcardDatabase { token } => write!(
                f,
                "token `{token}` has a `db:*` permission: some server versions look for a database named `*` when they load a tokens file"
            ),
            Finding::Expired {
                token,
                expiry_millis,
            } => write!(f, "token `{token}` expired at {}", rfc3339(*expiry_millis)),
            Finding::Readable { path, mode } => write!(
                f,
                "`{}` can be read by its group or others (mode {mode:04o}) and holds secrets: `chmod 600` it",
                path.display()
            ),
            Finding::OwnerChanged { path } => write!(
                f,
                "the owner or group of `{}` could not be kept when it was rewritten: check that the server can still read it",
                path.display()
            ),
        }
    }
}

/// What [`TokenFile::append`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The file written: the given path with its symbolic links followed.
    pub path: PathBuf,
    /// Whether the file was created (it did not exist, or was empty).
    pub created: bool,
    /// How many tokens the file holds now.
    pub tokens: usize,
    /// Warnings for the caller to show.
    pub findings: Vec<Finding>,
}

/// What [`AdminTokenFile::write`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file written: the given path with its symbolic links followed.
    pub path: PathBuf,
    /// Whether the file was created.
    pub created: bool,
    /// Warnings for the caller to show.
    pub findings: Vec<Finding>,
}

impl TokenFile {
    /// Loads and checks the file at `path`.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Read`] when it cannot be read (or does not exist),
    /// [`TokenFileError::Invalid`] when it does not load.
    pub fn load(path: impl AsRef<Path>) -> Result<TokenFile, TokenFileError> {
        load_with(path.as_ref(), TokenFile::parse)
    }

    /// Appends `entry` to the file at `path` (created if missing or empty) and adds
    /// `create_databases` to its list, under the lock, atomically and durably.
    ///
    /// # Errors
    ///
    /// As [`TokenFileError`]; the file is then unchanged.
    pub fn append(
        path: impl AsRef<Path>,
        entry: TokenEntry,
        create_databases: &[String],
        clock: &impl Clock,
    ) -> Result<Appended, TokenFileError> {
        let target = write::resolve(path.as_ref())?;
        let _lock = write::lock(&target)?;
        write::remove_stale_temps(&target);
        let (mut file, created) = match write::read(&target)? {
            Some(text) => {
                let file = TokenFile::parse(&text).map_err(|error| TokenFileError::Invalid {
                    path: target.clone(),
                    error,
                })?;
                (file, false)
            }
            None => (TokenFile::new(), true),
        };
        let name = entry.name().to_owned();
        file.add(entry, create_databases)
            .map_err(|error| TokenFileError::Conflict {
                path: target.clone(),
                error,
            })?;
        let replaced = write::replace(&target, |out| file.write_json(out))?;
        let mut findings = file.findings(&name, clock);
        findings.extend(file_findings(&target, replaced));
        Ok(Appended {
            path: target,
            created,
            tokens: file.tokens().len(),
            findings,
        })
    }

    /// Warnings about the token named `name` and about expired tokens.
    fn findings(&self, name: &str, clock: &impl Clock) -> Vec<Finding> {
        let mut findings = Vec::new();
        let creates = self.create_databases().unwrap_or_default();
        if let Some(entry) = self.tokens().iter().find(|t| t.name() == name) {
            for p in entry.permissions() {
                if p.resource_type() != ResourceType::Database {
                    continue;
                }
                match p.resource_names() {
                    ResourceNames::All => findings.push(Finding::WildcardDatabase {
                        token: name.to_owned(),
                    }),
                    ResourceNames::Names(names) => {
                        for db in names.iter().filter(|db| !creates.iter().any(|c| c == db)) {
                            findings.push(Finding::UnknownDatabase {
                                token: name.to_owned(),
                                database: db.to_owned(),
                            });
                        }
                    }
                }
            }
        }
        for entry in self.tokens() {
            if entry.expiry().is_expired(clock) {
                findings.push(Finding::Expired {
                    token: entry.name().to_owned(),
                    expiry_millis: entry.expiry().expiry_millis().unwrap_or_default(),
                });
            }
        }
        findings
    }
}

impl AdminTokenFile {
    /// Loads the admin token file at `path`.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Read`] or [`TokenFileError::Invalid`].
    pub fn load(path: impl AsRef<Path>) -> Result<AdminTokenFile, TokenFileError> {
        load_with(path.as_ref(), AdminTokenFile::parse)
    }

    /// Writes this admin token to `path`, replacing the admin token file there, with the
    /// same lock and durable write as [`TokenFile::append`]. A file at `path` that is not
    /// an admin token file (a permission tokens file given by mistake, say) is left
    /// alone.
    ///
    /// # Errors
    ///
    /// As [`TokenFileError`]; the file is then unchanged.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<Written, TokenFileError> {
        let target = write::resolve(path.as_ref())?;
        let _lock = write::lock(&target)?;
        write::remove_stale_temps(&target);
        if let Some(text) = write::read(&target)? {
            AdminTokenFile::parse(&text).map_err(|error| TokenFileError::Invalid {
                path: target.clone(),
                error,
            })?;
        }
        let replaced = write::replace(&target, |out| out.write_all(self.to_json().as_bytes()))?;
        Ok(Written {
            findings: file_findings(&target, replaced),
            path: target,
            created: replaced.created,
        })
    }
}

/// Reads `path` and parses it with `parse`, naming the file in the error.
fn load_with<T>(
    path: &Path,
    parse: fn(&str) -> Result<T, ParseError>,
) -> Result<T, TokenFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| TokenFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text).map_err(|error| TokenFileError::Invalid {
        path: path.to_path_buf(),
        error,
    })
}

fn file_findings(target: &Path, replaced: write::Replaced) -> Vec<Finding> {
    let mut findings = Vec::new();
    if replaced.mode & 0o044 != 0 {
        findings.push(Finding::Readable {
            path: target.to_path_buf(),
            mode: replaced.mode,
        });
    }
    if replaced.owner_changed {
        findings.push(Finding::OwnerChanged {
            path: target.to_path_buf(),
        });
    }
    findings
}
