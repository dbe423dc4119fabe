//! Errors: a file that does not load, a token that cannot be added, a write that fails.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::model::AddError;

/// What is wrong with a file's text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line, or 0 when the problem has no place in the text.
    pub line: usize,
    /// 1-based column, or 0 when the problem has no place in the text.
    pub column: usize,
    /// What is wrong, in one lowercase sentence.
    pub message: String,
}

impl ParseError {
    pub(crate) fn from_json(e: &serde_json::Error) -> ParseError {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        let message = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                format!("not valid JSON: {message}")
            }
            _ => message,
        };
        ParseError {
            line: e.line(),
            column: e.column(),
            message,
        }
    }

    pub(crate) fn message(message: String) -> ParseError {
        ParseError {
            line: 0,
            column: 0,
            message,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for ParseError {}

/// A tokens file that cannot be read, loaded, added to or written. Secrets never appear
/// in the messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenFileError {
    /// The file cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file's content is not a tokens file this library understands; it was not
    /// changed.
    #[error("`{}` is not a valid tokens file: {error}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        error: ParseError,
    },
    /// The token cannot be added; the file was not changed.
    #[error("cannot add the token to `{}`: {error}", path.display())]
    Conflict {
        /// The file.
        path: PathBuf,
        /// Why.
        error: AddError,
    },
    /// The directory the file goes in does not exist; nothing was written.
    #[error("cannot write `{}`: the directory `{}` does not exist", path.display(), directory.display())]
    NoDirectory {
        /// The file.
        path: PathBuf,
        /// Its directory.
        directory: PathBuf,
    },
    /// The lock beside the file cannot be taken.
    #[error("cannot lock `{}`: {source}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The new content cannot be written; the file is as it was.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file (or its temporary file, or its directory).
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}
