//! A tokens file that could not be used, as the user reads it: the library's message,
//! with the exit code, kind and hint chosen here by variant.

use std::path::Path;

use influxdb3_tokenfile::{AddError, FileStoreError, TokenFileError};

use super::{CliError, Exit, Kind, chain};
use crate::quote::{command, origin};

impl CliError {
    /// No token of this name in the file at `path`: exit code 2 for every command that
    /// takes a `--name` of the file (`check`, `remove`, `rotate`), as any other bad input.
    pub(crate) fn no_token(path: &Path, name: &str) -> CliError {
        // Standard input named as compilers name it (`<stdin>`), listed again with `-`.
        let err = CliError::from_file_store(&FileStoreError::NotFound {
            path: origin(path).into(),
            name: name.to_owned(),
        });
        err.hint(list_hint(path))
    }

    /// A tokens file that could not be used; it is as it was.
    #[allow(clippy::too_many_lines)] // one table: a kind and a hint per variant
    pub(crate) fn from_file(e: &TokenFileError) -> CliError {
        use TokenFileError as E;
        let unchanged = "the file was left as it was";
        let (code, kind, hint) = match e {
            E::Read { .. } => (Exit::TokensFile, Kind::FileUnreadable, None),
            E::NotRegular { .. } => (
                Exit::TokensFile,
                Kind::NotARegularFile,
                Some(
                    "a tokens file must be a regular file (or a symbolic link to one); nothing was opened for writing",
                ),
            ),
            E::DanglingLink { .. } => (
                Exit::TokensFile,
                Kind::DanglingLink,
                Some(
                    "nothing is created where a link points: create the file first, or name the target itself",
                ),
            ),
            E::HardLinked { .. } => (
                Exit::TokensFile,
                Kind::HardLinked,
                Some("give each copy its own file (`cp` it), or remove the other links"),
            ),
            E::NotWritable { .. } => (
                Exit::TokensFile,
                Kind::NotWritable,
                Some("the file's permissions are honoured: run as its owner, or change its mode"),
            ),
            E::OwnerWouldChange { .. } => (
                Exit::TokensFile,
                Kind::OwnerWouldChange,
                Some("run the command as the file's owner"),
            ),
            E::Invalid { path, error } => {
                // Drawn as its diagnostic, in the file named as the user named it; the
                // one-line message stays for `--format json`.
                let d = error.diagnostic().clone().with_origin(origin(path));
                let mut err = CliError::from_diagnostic(d);
                err.code = Exit::TokensFile;
                err.kind = Kind::InvalidFile;
                err.message = chain(e);
                return err.hint(format!(
                    "{unchanged}: fix it, or write to another --output-file"
                ));
            }
            E::Exists { .. } => (
                Exit::TokensFile,
                Kind::Exists,
                Some(
                    "a file of secrets is created new, never written over: choose another path, or move the old file away",
                ),
            ),
            E::Conflict { error, .. } => match error {
                AddError::NameTaken { .. } => (
                    Exit::NameTaken,
                    Kind::NameTaken,
                    Some("choose another --name; the file was left as it was"),
                ),
                AddError::ReservedName => (
                    Exit::Usage,
                    Kind::ReservedName,
                    Some("choose another --name; admin tokens are made with --admin"),
                ),
                AddError::TokenTaken { .. } => (Exit::Failure, Kind::TokenTaken, None),
                _ => (Exit::Failure, Kind::Conflict, None),
            },
            E::NoDirectory { directory, .. } => {
                return CliError::new(Exit::Usage, Kind::NoDirectory, chain(e)).hint(format!(
                    "create it first ({}), or choose another --output-file",
                    command("mkdir -p {}", &[("DIR", directory.as_os_str())])
                ));
            }
            E::Lock { .. } => (Exit::TokensFile, Kind::LockFailed, None),
            E::LockTimeout { .. } => (
                Exit::TokensFile,
                Kind::LockTimeout,
                Some("wait for the other writer, or give it longer with --lock-timeout"),
            ),
            E::Changed { .. } => (
                Exit::TokensFile,
                Kind::Changed,
                Some("nothing was written: run the command again"),
            ),
            E::SharedDirectory { .. } => (
                Exit::TokensFile,
                Kind::SharedDirectory,
                Some(
                    "write the file in a directory of your own, or remove the other user's file first; nothing was written",
                ),
            ),
            E::TooLarge { .. } => (
                Exit::TokensFile,
                Kind::TooLarge,
                Some(
                    "a tokens file or a manifest is read up to 256 MiB, a token file up to 256 bytes",
                ),
            ),
            E::Write { .. } => (Exit::TokensFile, Kind::WriteFailed, Some(unchanged)),
            _ => (Exit::TokensFile, Kind::TokensFile, None),
        };
        let err = CliError::new(code, kind, chain(e));
        match hint {
            Some(hint) => err.hint(hint),
            None => err,
        }
    }

    /// A change to a tokens file that failed; the file is as it was.
    pub(crate) fn from_file_store(e: &FileStoreError) -> CliError {
        let err = |code, kind| CliError::new(code, kind, chain(e));
        match e {
            FileStoreError::File(e) => CliError::from_file(e),
            FileStoreError::NameTaken { .. } => err(Exit::NameTaken, Kind::NameTaken)
                .hint("choose another --name; the file was left as it was"),
            FileStoreError::NotFound { path, .. } => {
                err(Exit::Usage, Kind::NotFound).hint(list_hint(path))
            }
            FileStoreError::Add { path, source, .. } => {
                let file = CliError::from_file(&TokenFileError::Conflict {
                    path: path.clone(),
                    error: source.clone(),
                });
                CliError {
                    message: chain(e),
                    ..file
                }
            }
            FileStoreError::Random(_) => err(Exit::Failure, Kind::Random),
            _ => err(Exit::TokensFile, Kind::TokensFile),
        }
    }
}

/// The command that lists the tokens of the file at `path`.
fn list_hint(path: &Path) -> String {
    format!(
        "{} lists the tokens of the file",
        command("influxdb3 tokens list {}", &[("FILE", path.as_os_str())])
    )
}
