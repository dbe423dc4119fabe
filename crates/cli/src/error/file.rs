//! A tokens file that could not be used, as the user reads it.

use std::path::Path;

use influxdb3_tokenfile::{AddError, FileStoreError, TokenFileError};

use super::{CliError, Exit, Kind, chain};
use crate::quote::{command, origin, quote, quote_path};

impl CliError {
    /// No token of this name in the file at `path`: exit code 2 for every command that
    /// takes a `--name` of the file (`check`, `remove`, `rotate`), as any other bad input.
    pub(crate) fn no_token(path: &Path, name: &str) -> CliError {
        CliError::new(
            Exit::Usage,
            Kind::NotFound,
            format!(
                "there is no token named {} in {}",
                quote(name),
                if path.as_os_str() == "-" {
                    "standard input".to_owned()
                } else {
                    quote_path(path)
                }
            ),
        )
        .hint(format!(
            "{} lists the tokens of the file",
            command("influxdb3 tokens list {}", &[("FILE", path.as_os_str())])
        ))
    }

    /// A token named `name` is already in the file at `path`; the file is as it was.
    fn name_taken(path: &Path, name: &str) -> CliError {
        CliError::new(
            Exit::NameTaken,
            Kind::NameTaken,
            format!(
                "a token named {} is already in {}: token names are unique in a file",
                quote(name),
                quote_path(path)
            ),
        )
        .hint("choose another --name; the file was left as it was")
    }

    /// A tokens file that could not be used; it is as it was.
    #[allow(clippy::too_many_lines)] // one table: a message and a hint per variant
    pub(crate) fn from_file(e: &TokenFileError) -> CliError {
        let unchanged = "the file was left as it was";
        match e {
            TokenFileError::Read { path, source } => CliError::new(
                Exit::TokensFile,
                Kind::FileUnreadable,
                format!("cannot read {}: {source}", quote_path(path)),
            ),
            TokenFileError::NotRegular { path, kind } => CliError::new(
                Exit::TokensFile,
                Kind::NotARegularFile,
                format!("{} is {kind}, not a regular file", quote_path(path)),
            )
            .hint("a tokens file must be a regular file (or a symbolic link to one); nothing was opened for writing"),
            TokenFileError::DanglingLink { path, target } => CliError::new(
                Exit::TokensFile,
                Kind::DanglingLink,
                format!(
                    "{} is a symbolic link to {}, which does not exist",
                    quote_path(path),
                    quote_path(target)
                ),
            )
            .hint("nothing is created where a link points: create the file first, or name the target itself"),
            TokenFileError::HardLinked { path, links } => CliError::new(
                Exit::TokensFile,
                Kind::HardLinked,
                format!(
                    "{} has {links} hard links: replacing it would leave its other names with the old tokens",
                    quote_path(path)
                ),
            )
            .hint("give each copy its own file (`cp` it), or remove the other links"),
            TokenFileError::NotWritable { path, source } => CliError::new(
                Exit::TokensFile,
                Kind::NotWritable,
                format!("{} is not writable by this user: {source}", quote_path(path)),
            )
            .hint("the file's permissions are honoured: run as its owner, or change its mode"),
            TokenFileError::OwnerWouldChange { path, uid, gid } => CliError::new(
                Exit::TokensFile,
                Kind::OwnerWouldChange,
                format!(
                    "{} belongs to user {uid} and group {gid}: replacing it as this user would change its owner",
                    quote_path(path)
                ),
            )
            .hint("run the command as the file's owner"),
            TokenFileError::Invalid { path, error } => {
                // Drawn as its diagnostic, in the file named as the user named it; the
                // one-line message stays for `--format json`.
                let d = error.diagnostic().clone().with_origin(origin(path));
                let mut err = CliError::from_diagnostic(d);
                err.code = Exit::TokensFile;
                err.kind = Kind::InvalidFile;
                err.message = format!("{} is not a valid tokens file: {error}", quote_path(path));
                err.hint(format!("{unchanged}: fix it, or write to another --output-file"))
            }
            TokenFileError::Exists { path } => CliError::new(
                Exit::TokensFile,
                Kind::Exists,
                format!("{} already exists", quote_path(path)),
            )
            .hint("a file of secrets is created new, never written over: choose another path, or move the old file away"),
            TokenFileError::Conflict { path, error } => match error {
                AddError::NameTaken { name } => CliError::name_taken(path, name),
                AddError::ReservedName => CliError::usage(error.to_string())
                    .kind(Kind::ReservedName)
                    .hint("choose another --name; admin tokens are made with --admin"),
                AddError::TokenTaken { name } => CliError::new(
                    Exit::Failure,
                    Kind::TokenTaken,
                    format!(
                        "the new token's value is already in {}, as {}",
                        quote_path(path),
                        quote(name)
                    ),
                ),
                _ => CliError::new(Exit::Failure, Kind::Conflict, error.to_string()),
            },
            TokenFileError::NoDirectory { path, directory } => CliError::usage(format!(
                "cannot write {}: the directory {} does not exist",
                quote_path(path),
                quote_path(directory)
            ))
            .kind(Kind::NoDirectory)
            .hint(format!(
                "create it first ({}), or choose another --output-file",
                command("mkdir -p {}", &[("DIR", directory.as_os_str())])
            )),
            TokenFileError::Lock { path, source } => CliError::new(
                Exit::TokensFile,
                Kind::LockFailed,
                format!("cannot lock {}: {source}", quote_path(path)),
            ),
            TokenFileError::LockTimeout { path, waited } => CliError::new(
                Exit::TokensFile,
                Kind::LockTimeout,
                format!(
                    "gave up waiting for the lock on {} after {}: another process holds it",
                    quote_path(path),
                    humantime::format_duration(*waited)
                ),
            )
            .hint("wait for the other writer, or give it longer with --lock-timeout"),
            TokenFileError::Changed { path } => CliError::new(
                Exit::TokensFile,
                Kind::Changed,
                format!(
                    "{} was changed by another program while this one wrote it",
                    quote_path(path)
                ),
            )
            .hint("nothing was written: run the command again"),
            TokenFileError::SharedDirectory { path, uid } => CliError::new(
                Exit::TokensFile,
                Kind::SharedDirectory,
                format!(
                    "{} belongs to user {uid} and lies in a directory everyone may write to (sticky, as /tmp): another user could have put it there",
                    quote_path(path)
                ),
            )
            .hint("write the file in a directory of your own, or remove the other user's file first; nothing was written"),
            TokenFileError::TooLarge { path, limit } => CliError::new(
                Exit::TokensFile,
                Kind::TooLarge,
                format!(
                    "{} is larger than {} and was not read",
                    quote_path(path),
                    if *limit >= 1 << 20 {
                        format!("{} MiB", limit >> 20)
                    } else {
                        format!("{limit} bytes")
                    }
                ),
            )
            .hint("a tokens file or a manifest is read up to 256 MiB, a token file up to 256 bytes"),
            TokenFileError::Write { path, source } => CliError::new(
                Exit::TokensFile,
                Kind::WriteFailed,
                format!("cannot write {}: {source}", quote_path(path)),
            )
            .hint(unchanged),
            _ => CliError::new(Exit::TokensFile, Kind::TokensFile, chain(e)),
        }
    }
}

impl CliError {
    /// A change to a tokens file that failed; the file is as it was.
    pub(crate) fn from_file_store(e: &FileStoreError) -> CliError {
        match e {
            FileStoreError::File(e) => CliError::from_file(e),
            FileStoreError::NameTaken { path, name } => CliError::name_taken(path, name),
            FileStoreError::NotFound { path, name } => CliError::no_token(path, name),
            FileStoreError::Add { path, source, .. } => {
                CliError::from_file(&TokenFileError::Conflict {
                    path: path.clone(),
                    error: source.clone(),
                })
            }
            FileStoreError::Random(source) => {
                CliError::new(Exit::Failure, Kind::Random, chain(source))
            }
            _ => CliError::new(Exit::TokensFile, Kind::TokensFile, chain(e)),
        }
    }
}
