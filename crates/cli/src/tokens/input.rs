//! Reading the tokens files the `tokens` commands are given, and saying why one cannot
//! be used.

use std::path::Path;

use influxdb3_tokenfile::{TokenFile, TokenFileError};

use crate::error::{CliError, Exit, Kind};
use crate::quote::command;

pub(super) use influxdb3_tokenfile::is_stdin;

/// A tokens file (`-`: standard input, in its own words) that cannot be read.
pub(super) fn input_error(path: &Path, e: &TokenFileError) -> CliError {
    match e {
        TokenFileError::TooLarge { limit, .. } if is_stdin(path) => CliError::new(
            Exit::TokensFile,
            Kind::TooLarge,
            format!(
                "standard input is longer than {} MiB: it was not read as a tokens file",
                limit >> 20
            ),
        ),
        TokenFileError::Read { source, .. } if is_stdin(path) => CliError::new(
            Exit::TokensFile,
            Kind::Stdin,
            format!("cannot read standard input: {source}"),
        ),
        e => unusable(e),
    }
}

/// Reads and checks a tokens file (`-`: standard input) into `text`; a file that does
/// not load points at `tokens lint`.
pub(super) fn load<'t>(path: &Path, text: &'t mut String) -> Result<TokenFile<'t>, CliError> {
    TokenFile::load_input(path, std::io::stdin().lock(), text).map_err(|e| input_error(path, &e))
}

/// A tokens file that cannot be used, for the commands that only read it.
pub(super) fn unusable(e: &TokenFileError) -> CliError {
    let err = CliError::from_file(e);
    match e {
        TokenFileError::Invalid { path, .. } => err.hint(format!(
            "{} lists every problem of the file, with its line",
            command("influxdb3 tokens lint {}", &[("FILE", path.as_os_str())])
        )),
        _ => err,
    }
}
