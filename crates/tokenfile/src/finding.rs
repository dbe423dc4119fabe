//! Warnings about a file that was written.

use std::fmt;
use std::path::PathBuf;

use influxdb3_permission::DatabaseName;
use influxdb3_token::{Quoted, Timestamp};

/// Something worth a warning; the caller decides how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// A token has a permission on a database the file does not create: the server
    /// refuses to load the file unless the database already exists.
    UnknownDatabase {
        /// The token's name.
        token: String,
        /// The database.
        database: DatabaseName,
    },
    /// A token has a `db:*` permission; some server versions look for a database
    /// literally named `*` when they load a file.
    WildcardDatabase {
        /// The token's name.
        token: String,
    },
    /// A token in the file has expired.
    Expired {
        /// The token's name.
        token: String,
        /// When it expired.
        at: Timestamp,
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
                "token {} has a permission on database `{database}`, which the file does not create: the server will not load it unless `{database}` exists",
                Quoted(token)
            ),
            Finding::WildcardDatabase { token } => write!(
                f,
                "token {} has a `db:*` permission: some server versions look for a database named `*` when they load a tokens file",
                Quoted(token)
            ),
            Finding::Expired { token, at } => write!(f, "token {} expired at {at}", Quoted(token)),
            Finding::Readable { path, mode } => write!(
                f,
                "{} can be read by its group or others (mode {mode:04o}) and holds secrets: `chmod 600` it",
                Quoted::path(path)
            ),
        }
    }
}
