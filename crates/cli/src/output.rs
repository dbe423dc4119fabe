//! Writing to the terminal without ever panicking: a failed write to stderr is ignored
//! (the exit code stays the command's), a failed write to stdout is reported. Colour
//! goes through anstream, which honours `NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE` and
//! `TERM=dumb`, and strips styling where the stream is not a terminal.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::CliError;
use crate::render::{self, Paint};

/// Whether stderr speaks JSON (`--format json`): one object per error or warning.
static JSON: AtomicBool = AtomicBool::new(false);

pub(crate) fn set_json(on: bool) {
    JSON.store(on, Ordering::Relaxed);
}

pub(crate) fn json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Writes `text` to stderr; a failure (a closed or full stderr) is ignored.
fn stderr(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// `text` on stderr as it is (already rendered: clap's own messages).
pub(crate) fn raw_stderr(text: &str) {
    stderr(text);
}

/// `warning: TEXT` on stderr (`{"warning": TEXT}` in JSON).
pub(crate) fn warn(text: &str) {
    if json() {
        stderr(&render::json_line("warning", text));
    } else {
        stderr(&render::warning(text, Paint::On));
    }
}

/// `note: TEXT` on stderr (`{"note": TEXT}` in JSON).
pub(crate) fn note(text: &str) {
    if json() {
        stderr(&render::json_line("note", text));
    } else {
        stderr(&render::note(text, Paint::On));
    }
}

/// The error, its snippet and its hint on stderr; one JSON object in JSON.
pub(crate) fn error(e: &CliError) {
    if json() {
        stderr(&render::error_json(e));
    } else {
        stderr(&render::error(e, Paint::On));
    }
}

/// Warnings that must show before a request is sent (it may take a while, or fail).
pub(crate) fn warn_all(warnings: &mut Vec<String>) {
    for w in warnings.drain(..) {
        warn(&w);
    }
}

/// A question on stderr, without a newline.
pub(crate) fn prompt(question: &str) {
    stderr(&influxdb3_token::message_line(question));
}

/// Writes `text` to stdout (styling stripped where colour is off).
///
/// # Errors
///
/// When stdout cannot take it: closed (`EPIPE`), full, or gone.
pub(crate) fn stdout(text: &str) -> std::io::Result<()> {
    // Up to the first styling there is nothing for anstream to strip: written as it is
    // (a provisioning run prints megabytes of plan and secrets, and styles one word at
    // the end).
    let plain = text.bytes().position(|b| b == 0x1b).unwrap_or(text.len());
    let (head, styled) = text.split_at(plain);
    let mut raw = std::io::stdout().lock();
    raw.write_all(head.as_bytes())?;
    raw.flush()?;
    drop(raw);
    if !styled.is_empty() {
        let mut out = anstream::stdout().lock();
        out.write_all(styled.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// A report as `--format` asks: its words, or one JSON document.
pub(crate) fn report(
    format: crate::args::Format,
    report: &(impl std::fmt::Display + serde::Serialize),
) -> String {
    match format {
        crate::args::Format::Json => json_doc(report),
        crate::args::Format::Text => report.to_string(),
    }
}

/// One JSON document for stdout and a newline, hidden characters escaped as `\uXXXX`.
pub(crate) fn json_doc(value: &impl serde::Serialize) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    influxdb3_text::escape_json(&out).into_owned()
}

/// What a command has to say.
pub(crate) struct Outcome {
    /// For stdout.
    pub(crate) stdout: String,
    /// For stderr, without the `warning: ` prefix.
    pub(crate) warnings: Vec<String>,
    /// For stderr, after the warnings, without the `note: ` prefix.
    pub(crate) note: Option<String>,
    /// The exit code (0, or the "no" of `check`, `lint`, `diff --fail-on-widen`).
    pub(crate) code: u8,
    /// When stdout holds new secrets: the error to report if it cannot be written.
    pub(crate) unshown: Option<CliError>,
    /// Those secrets exist nowhere else (a server minted them): a reader of stdout
    /// that goes away loses them, which is then an error too.
    pub(crate) lost_unless_shown: bool,
}

impl Outcome {
    pub(crate) fn ok(stdout: String) -> Outcome {
        Outcome {
            stdout,
            warnings: Vec::new(),
            note: None,
            code: 0,
            unshown: None,
            lost_unless_shown: false,
        }
    }
}
