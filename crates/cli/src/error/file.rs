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

    /// A tokens file that could not be used; it is as it was. The hint is the
    /// library's ([`TokenFileError::hint`]) unless it names this binary's flags.
    pub(crate) fn from_file(e: &TokenFileError) -> CliError {
        use TokenFileError as E;
        let (code, kind) = match e {
            E::Read { .. } => (Exit::TokensFile, Kind::FileUnreadable),
            E::NotRegular { .. } => (Exit::TokensFile, Kind::NotARegularFile),
            E::DanglingLink { .. } => (Exit::TokensFile, Kind::DanglingLink),
            E::HardLinked { .. } => (Exit::TokensFile, Kind::HardLinked),
            E::NotWritable { .. } => (Exit::TokensFile, Kind::NotWritable),
            E::OwnerWouldChange { .. } => (Exit::TokensFile, Kind::OwnerWouldChange),
            E::Invalid { path, error } => {
                // Drawn as its diagnostic, in the file named as the user named it; the
                // one-line message stays for `--format json`.
                let d = error.diagnostic().clone().with_origin(origin(path));
                let mut err = CliError::from_diagnostic(d);
                err.code = Exit::TokensFile;
                err.kind = Kind::InvalidFile;
                err.message = chain(e);
                return err.hint(
                    "the file was left as it was: fix it, or write to another --output-file",
                );
            }
            E::Exists { .. } => (Exit::TokensFile, Kind::Exists),
            E::Conflict { error, .. } => {
                let (code, kind, hint) = match error {
                    AddError::NameTaken { .. } => (Exit::NameTaken, Kind::NameTaken, NAME_TAKEN),
                    AddError::ReservedName => (Exit::Usage, Kind::ReservedName, RESERVED),
                    AddError::TokenTaken { .. } => (Exit::Failure, Kind::TokenTaken, ""),
                    _ => (Exit::Failure, Kind::Conflict, ""),
                };
                let err = CliError::new(code, kind, chain(e));
                return if hint.is_empty() { err } else { err.hint(hint) };
            }
            E::NoDirectory { directory, .. } => {
                return CliError::new(Exit::Usage, Kind::NoDirectory, chain(e)).hint(format!(
                    "create it first ({}), or choose another --output-file",
                    command("mkdir -p {}", &[("DIR", directory.as_os_str())])
                ));
            }
            E::Lock { .. } => (Exit::TokensFile, Kind::LockFailed),
            E::LockTimeout { .. } => {
                return CliError::new(Exit::TokensFile, Kind::LockTimeout, chain(e))
                    .hint("wait for the other writer, or give it longer with --lock-timeout");
            }
            E::Changed { .. } => (Exit::TokensFile, Kind::Changed),
            E::SharedDirectory { .. } => (Exit::TokensFile, Kind::SharedDirectory),
            E::TooLarge { .. } => (Exit::TokensFile, Kind::TooLarge),
            E::Write { .. } => (Exit::TokensFile, Kind::WriteFailed),
            _ => (Exit::TokensFile, Kind::TokensFile),
        };
        let err = CliError::new(code, kind, chain(e));
        match e.hint() {
            Some(hint) => err.hint(hint),
            None => err,
        }
    }

    /// A change to a tokens file that failed; the file is as it was.
    pub(crate) fn from_file_store(e: &FileStoreError) -> CliError {
        let err = |code, kind| CliError::new(code, kind, chain(e));
        match e {
            FileStoreError::File(e) => CliError::from_file(e),
            FileStoreError::NameTaken { .. } => {
                err(Exit::NameTaken, Kind::NameTaken).hint(NAME_TAKEN)
            }
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

/// What to do about a name a tokens file holds already.
const NAME_TAKEN: &str = "choose another --name; the file was left as it was";

/// What to do about a name reserved for the operator token.
pub(super) const RESERVED: &str = "choose another --name; admin tokens are made with --admin";

/// The command that lists the tokens of the file at `path`.
fn list_hint(path: &Path) -> String {
    format!(
        "{} lists the tokens of the file",
        command("influxdb3 tokens list {}", &[("FILE", path.as_os_str())])
    )
}
