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
//! use influxdb3_tokenfile::{TokenEntry, TokenFile, WriteOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let path = dir.path().join("tokens.json");
//! let entry = TokenEntry::new(
//!     Token::generate()?,
//!     "ingest".parse()?,
//!     Expiry::after("30d", &SystemClock)?,
//!     vec!["db:sensors:write".parse::<Permission>()?],
//! )?;
//! let options = WriteOptions::default();
//! let appended = TokenFile::append(&path, entry, &["sensors".into()], &SystemClock, &options)?;
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
use std::time::Duration;

use influxdb3_permission::{ResourceNames, ResourceType};
use influxdb3_token::{Clock, rfc3339};

pub use error::{FileKind, ParseError, TokenFileError};
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

/// How a write waits for the lock on a file (`.NAME.lock` beside it).
///
/// ```
/// use std::time::Duration;
/// use influxdb3_tokenfile::WriteOptions;
///
/// let tell = |path: &std::path::Path| eprintln!("waiting for the lock on {}", path.display());
/// let options = WriteOptions::default()
///     .lock_timeout(Duration::from_secs(5))
///     .on_lock_wait(&tell);
/// # let _ = options;
/// ```
#[derive(Clone, Copy)]
pub struct WriteOptions<'a> {
    lock_timeout: Duration,
    on_lock_wait: Option<&'a dyn Fn(&Path)>,
}

impl Default for WriteOptions<'_> {
    /// Wait up to 30 seconds, silently.
    fn default() -> Self {
        WriteOptions {
            lock_timeout: Duration::from_secs(30),
            on_lock_wait: None,
        }
    }
}

impl fmt::Debug for WriteOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteOptions")
            .field("lock_timeout", &self.lock_timeout)
            .field("on_lock_wait", &self.on_lock_wait.is_some())
            .finish()
    }
}

impl<'a> WriteOptions<'a> {
    /// How long to wait for another writer to release the lock before giving up with
    /// [`TokenFileError::LockTimeout`].
    #[must_use]
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Called once, with the file's path, when the lock has been held by another process
    /// for about a second.
    #[must_use]
    pub fn on_lock_wait(mut self, on_wait: &'a dyn Fn(&Path)) -> Self {
        self.on_lock_wait = Some(on_wait);
        self
    }
}

/// Resolves `path`, takes the lock, reads what is there and checks this process may
/// replace it, then writes what `change` makes of it. `change` gets the file's text
/// (`None` when it is missing or empty) and gives the new value, or an error that
/// leaves the file untouched; `render` writes that value out.
fn locked_write<T>(
    path: &Path,
    options: &WriteOptions<'_>,
    change: impl FnOnce(&Path, Option<&str>) -> Result<T, TokenFileError>,
    render: impl FnOnce(&T, &mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(PathBuf, T, write::Replaced), TokenFileError> {
    let target = write::resolve(path)?;
    // Refused before the lock is taken, so that the user hears why (and nothing is
    // created beside a file they may not change).
    write::check_writable(&target)?;
    let _lock = write::lock(&target, options)?;
    write::remove_stale_temps(&target);
    let existing = write::read_existing(&target)?;
    if existing.is_some() {
        write::check_writable(&target)?;
    }
    let text = existing
        .as_ref()
        .map(|e| e.text.as_str())
        .filter(|t| !t.is_empty());
    let value = change(&target, text)?;
    let replaced = write::replace(&target, existing.as_ref(), |out| render(&value, out))?;
    Ok((target, value, replaced))
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
        options: &WriteOptions<'_>,
    ) -> Result<Appended, TokenFileError> {
        let name = entry.name().to_owned();
        let (target, (file, created), replaced) = locked_write(
            path.as_ref(),
            options,
            |target, text| {
                let (mut file, created) = match text {
                    Some(text) => {
                        let file =
                            TokenFile::parse(text).map_err(|error| TokenFileError::Invalid {
                                path: target.to_path_buf(),
                                error,
                            })?;
                        (file, false)
                    }
                    None => (TokenFile::new(), true),
                };
                file.add(entry, create_databases)
                    .map_err(|error| TokenFileError::Conflict {
                        path: target.to_path_buf(),
                        error,
                    })?;
                Ok((file, created))
            },
            |(file, _), out| file.write_json(out),
        )?;
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
    pub fn write(
        &self,
        path: impl AsRef<Path>,
        options: &WriteOptions<'_>,
    ) -> Result<Written, TokenFileError> {
        let (target, (), replaced) = locked_write(
            path.as_ref(),
            options,
            |target, text| {
                if let Some(text) = text {
                    AdminTokenFile::parse(text).map_err(|error| TokenFileError::Invalid {
                        path: target.to_path_buf(),
                        error,
                    })?;
                }
                Ok(())
            },
            |(), out| out.write_all(self.to_json().as_bytes()),
        )?;
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
    let text = write::read_regular(path)?;
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
    findings
}
