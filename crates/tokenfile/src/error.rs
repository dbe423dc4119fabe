//! Errors: a file that does not load, a token that cannot be added, a write that fails.

use std::fmt;
use std::io;
use std::path::PathBuf;

use std::sync::Arc;

use influxdb3_text::Diagnostic;

use crate::code::Code;
use influxdb3_token::Quoted;

/// What keeps a file's text from loading, and where: the first problem of the file
/// that [stops a load](Code::stops_load), as a diagnostic of the same [`Code`]s that
/// [`lint`](crate::lint) reports, pointing at the offending character.
///
/// `Display` gives `line L, column C: MESSAGE (hint: HINT)`; a caller that shows the
/// source line renders the [`diagnostic`](Self::diagnostic) itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(Box<Diagnostic<Code>>);

impl ParseError {
    pub(crate) fn new(diagnostic: Diagnostic<Code>) -> ParseError {
        ParseError(Box::new(diagnostic))
    }

    /// What the problem is.
    pub fn code(&self) -> Code {
        *self.0.kind()
    }

    /// The problem as a diagnostic: its origin (the file's path when it was loaded
    /// from one, else a placeholder), the file's text, the span of the offending part,
    /// the message and a hint.
    pub fn diagnostic(&self) -> &Diagnostic<Code> {
        &self.0
    }

    /// The diagnostic, taken out.
    pub fn into_diagnostic(self) -> Diagnostic<Code> {
        *self.0
    }

    /// This error with another origin: the path of the file whose text was parsed.
    #[must_use]
    pub fn with_origin(self, origin: impl Into<Arc<str>>) -> ParseError {
        ParseError(Box::new(self.0.with_origin(origin)))
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = self.0.location() {
            write!(f, "line {}, column {}: ", at.line, at.column)?;
        }
        f.write_str(self.0.message())?;
        match self.0.hint() {
            Some(hint) => write!(f, " (hint: {hint})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ParseError {}

/// Why [`TokenFile::add`](crate::TokenFile::add) refused an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddError {
    /// A token of this name is in the file.
    #[error(
        "a token named {} is already in the file: token names are unique in a file",
        Quoted(name)
    )]
    NameTaken {
        /// The name.
        name: String,
    },
    /// The same token value is in the file.
    #[error("the same token value is already in the file, as {}", Quoted(name))]
    TokenTaken {
        /// The name of the token already there.
        name: String,
    },
    /// The name `_admin`, which the server keeps for its operator admin token.
    #[error(
        "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token"
    )]
    ReservedName,
    /// A name that `create token` refuses (hidden characters, space at either end, too
    /// long), copied from a file that holds it.
    #[error("the name cannot be a new token's")]
    InvalidName(#[source] influxdb3_token::TokenNameError),
    /// Permissions that a permission token cannot have (none, or `*:*:*`), copied by
    /// [`TokenEntry::alike`](crate::TokenEntry::alike) from an entry read from a file.
    #[error("the permissions cannot be a permission token's")]
    NotGrants(#[source] influxdb3_permission::GrantsError),
}

/// What stands at a path instead of a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A FIFO (named pipe), or the pipe behind `/dev/stdout`.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device (a terminal, `/dev/null`).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A symbolic link, where one is never followed (a plain output file's path).
    SymbolicLink,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// The kind of what `meta` describes, or `None` for a regular file.
    pub(crate) fn of(meta: &std::fs::Metadata) -> Option<FileKind> {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        Some(if t.is_file() {
            return None;
        } else if t.is_dir() {
            FileKind::Directory
        } else if t.is_fifo() {
            FileKind::Fifo
        } else if t.is_socket() {
            FileKind::Socket
        } else if t.is_char_device() {
            FileKind::CharDevice
        } else if t.is_block_device() {
            FileKind::BlockDevice
        } else if t.is_symlink() {
            FileKind::SymbolicLink
        } else {
            FileKind::Other
        })
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO (a pipe)",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::SymbolicLink => "a symbolic link",
            FileKind::Other => "not a regular file",
        })
    }
}

/// A tokens file that cannot be read, loaded, added to or written. In every case the
/// file is as it was; secrets never appear in the messages. Variants that wrap another
/// error keep it as their [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenFileError {
    /// The file cannot be read.
    #[error("cannot read {}", Quoted::path(path))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Something other than a regular file is at the path; nothing was opened for
    /// writing.
    #[error("{} is {kind}, not a regular file", Quoted::path(path))]
    NotRegular {
        /// The path given.
        path: PathBuf,
        /// What is there.
        kind: FileKind,
    },
    /// The path is a symbolic link to nothing; nothing is created where it points.
    #[error(
        "{} is a symbolic link to {}, which does not exist",
        Quoted::path(path),
        Quoted::path(target)
    )]
    DanglingLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// The file has other hard links, which a replacement would silently split off.
    #[error(
        "{} has {links} hard links: replacing it would leave the other names with the old content",
        Quoted::path(path)
    )]
    HardLinked {
        /// The file.
        path: PathBuf,
        /// How many names it has.
        links: u64,
    },
    /// This process may not write the file; its permissions are honoured, not bypassed.
    #[error("{} is not writable by this user", Quoted::path(path))]
    NotWritable {
        /// The file.
        path: PathBuf,
        /// What opening it for writing said.
        #[source]
        source: io::Error,
    },
    /// Replacing the file would give it another owner or group, which this process
    /// cannot keep.
    #[error(
        "{} belongs to user {uid} and group {gid}: replacing it as this user would change its owner",
        Quoted::path(path)
    )]
    OwnerWouldChange {
        /// The file.
        path: PathBuf,
        /// Its owner.
        uid: u32,
        /// Its group.
        gid: u32,
    },
    /// The file's content is not a tokens file this library understands.
    #[error("{} is not a valid tokens file", Quoted::path(path))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        #[source]
        error: ParseError,
    },
    /// The token cannot be added.
    #[error("cannot add the token to {}", Quoted::path(path))]
    Conflict {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        error: AddError,
    },
    /// A new file was to be created where something already is; it was left alone.
    #[error("{} already exists", Quoted::path(path))]
    Exists {
        /// The path.
        path: PathBuf,
    },
    /// A new file was to be created at a path that names a file the same run reads or
    /// writes ([`SecretsFile::check_apart`](crate::SecretsFile::check_apart)); nothing
    /// was read or written.
    #[error(
        "{} names {}, which the run reads or writes: it needs a file of its own",
        Quoted::path(path),
        Quoted::path(other)
    )]
    SameFile {
        /// The path.
        path: PathBuf,
        /// The file it names.
        other: PathBuf,
    },
    /// The directory the file goes in does not exist; nothing was written.
    #[error(
        "cannot write {}: the directory {} does not exist",
        Quoted::path(path),
        Quoted::path(directory)
    )]
    NoDirectory {
        /// The file.
        path: PathBuf,
        /// Its directory.
        directory: PathBuf,
    },
    /// The lock beside the file cannot be taken.
    #[error("cannot lock {}", Quoted::path(path))]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Another process held the lock for longer than the timeout.
    #[error("gave up waiting for the lock on {} after {}s: another process holds it", Quoted::path(path), waited.as_secs_f64())]
    LockTimeout {
        /// The file.
        path: PathBuf,
        /// How long we waited.
        waited: std::time::Duration,
    },
    /// The file was replaced or removed by someone who does not take the lock while it
    /// was being written; it was left as they left it.
    #[error(
        "{} was changed by another program while this one wrote it",
        Quoted::path(path)
    )]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// The file (or the link that names it) belongs to another user and lies in a
    /// directory everyone may write to (sticky, as `/tmp`): another user could have put
    /// it there for this one to fill with secrets. Refused, as the kernel's
    /// `protected_regular` and `protected_symlinks` would.
    #[error(
        "{} belongs to user {uid} and lies in a directory everyone may write to (sticky, as /tmp): another user could have put it there",
        Quoted::path(path)
    )]
    SharedDirectory {
        /// The file or link.
        path: PathBuf,
        /// Its owner.
        uid: u32,
    },
    /// The file is larger than what is read of such a file ([`MAX_FILE_BYTES`] for a
    /// tokens file or a manifest): it was not read.
    ///
    /// [`MAX_FILE_BYTES`]: crate::MAX_FILE_BYTES
    #[error("{} is larger than {} and was not read", Quoted::path(path), size(*limit))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A secret file (`--secret-file`) whose value is not a chosen secret (the value
    /// is never in the message).
    #[error("{} does not hold a secret this tool takes", Quoted::path(path))]
    InvalidSecret {
        /// The file (`<stdin>` for standard input).
        path: PathBuf,
        /// Why.
        #[source]
        source: influxdb3_token::TokenError,
    },
    /// A file of one secret that its group or others may read (the admin token of
    /// `--token-file`): refused, and its secret not used.
    #[error(
        "{} holds a secret and can be read by its group or others (mode {mode:04o})",
        Quoted::path(path)
    )]
    Readable {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// [`run_one`](crate::run_one) was given a plan that is not of one token: the file
    /// was not read.
    #[error(
        "{} was left alone: a plan of {steps} steps is not a plan of one token",
        Quoted::path(path)
    )]
    NotOneToken {
        /// The file.
        path: PathBuf,
        /// How many steps the plan has.
        steps: usize,
    },
    /// The new content cannot be written.
    #[error("cannot write {}", Quoted::path(path))]
    Write {
        /// The file (or its temporary file, or its directory).
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

/// A size limit as messages give it: `256 MiB`, `256 bytes`.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

impl TokenFileError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            TokenFileError::Read { path, .. }
            | TokenFileError::NotRegular { path, .. }
            | TokenFileError::DanglingLink { path, .. }
            | TokenFileError::HardLinked { path, .. }
            | TokenFileError::NotWritable { path, .. }
            | TokenFileError::OwnerWouldChange { path, .. }
            | TokenFileError::Invalid { path, .. }
            | TokenFileError::Conflict { path, .. }
            | TokenFileError::NoDirectory { path, .. }
            | TokenFileError::Exists { path }
            | TokenFileError::SameFile { path, .. }
            | TokenFileError::TooLarge { path, .. }
            | TokenFileError::InvalidSecret { path, .. }
            | TokenFileError::Readable { path, .. }
            | TokenFileError::SharedDirectory { path, .. }
            | TokenFileError::Lock { path, .. }
            | TokenFileError::LockTimeout { path, .. }
            | TokenFileError::Changed { path }
            | TokenFileError::NotOneToken { path, .. }
            | TokenFileError::Write { path, .. } => path,
        }
    }

    /// What to do about it, where the rule it keeps has one answer: a `hint` for the
    /// user, in the words of this crate's messages (lowercase, no final stop); `None`
    /// where what to do depends on the caller (which file it asked for, and how).
    ///
    /// ```
    /// use influxdb3_tokenfile::TokenFileError;
    ///
    /// let e = TokenFileError::Changed { path: "tokens.json".into() };
    /// assert_eq!(e.hint(), Some("nothing was written: run the command again"));
    /// ```
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            TokenFileError::NotRegular { .. } => {
                "a tokens file must be a regular file (or a symbolic link to one); nothing was opened for writing"
            }
            TokenFileError::DanglingLink { .. } => {
                "nothing is created where a link points: create the file first, or name the target itself"
            }
            TokenFileError::HardLinked { .. } => {
                "give each copy its own file (`cp` it), or remove the other links"
            }
            TokenFileError::NotWritable { .. } => {
                "the file's permissions are honoured: run as its owner, or change its mode"
            }
            TokenFileError::OwnerWouldChange { .. } => "run the command as the file's owner",
            TokenFileError::Exists { .. } => {
                "a file of secrets is created new, never written over: choose another path, or move the old file away"
            }
            TokenFileError::Changed { .. } => "nothing was written: run the command again",
            TokenFileError::SharedDirectory { .. } => {
                "write the file in a directory of your own, or remove the other user's file first; nothing was written"
            }
            TokenFileError::TooLarge { .. } => {
                "a tokens file or a manifest is read up to 256 MiB, a token file up to 256 bytes"
            }
            TokenFileError::InvalidSecret { .. } => {
                "a chosen secret is `apiv3_` and 32 to 250 characters of `A-Z a-z 0-9 - _ . ~ + / =`, alone in the file; nothing was written"
            }
            TokenFileError::Write { .. } => "the file was left as it was",
            _ => return None,
        })
    }
}
