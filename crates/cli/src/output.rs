//! Writing to the terminal without ever panicking: a failed write to stderr is ignored
//! (the exit code stays the command's), a failed write to stdout is reported. Colour
//! goes through anstream, which honours `NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE` and
//! `TERM=dumb`, and strips styling where the stream is not a terminal.

use std::io::Write;

use crate::error::CliError;
use crate::render::{self, Paint};

/// Writes `text` to stderr; a failure (a closed or full stderr) is ignored.
fn stderr(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// `warning: TEXT` on stderr.
pub(crate) fn warn(text: &str) {
    stderr(&render::warning(text, Paint::On));
}

/// The error, its snippet and its hint on stderr.
pub(crate) fn error(e: &CliError) {
    stderr(&render::error(e, Paint::On));
}

/// A question on stderr, without a newline.
pub(crate) fn prompt(question: &str) {
    stderr(&render::line(question));
}

/// Writes `text` to stdout (styling stripped where colour is off).
///
/// # Errors
///
/// When stdout cannot take it: closed (`EPIPE`), full, or gone.
pub(crate) fn stdout(text: &str) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}
