//! Messages as stderr shows them: an error with its snippet and hint, a warning, a
//! note, in text or as one JSON object; the labels' colours.
//!
//! Pure functions, so that the fuzz target `cli_render` can drive them.

use std::fmt::Write as _;

use influxdb3_text::escape_json;
use influxdb3_token::{MAX_LINE_CHARS, elide, message_line as line};

use crate::error::CliError;
pub(crate) use crate::paint::Paint;

/// An error as stderr shows it: `error: MESSAGE`, the snippet lines, `hint: HINT`; an
/// error that points into its source as its diagnostic shows it.
pub(crate) fn error(e: &CliError, paint: Paint) -> String {
    if let Some(d) = &e.diagnostic {
        let mut out = crate::diagnostic::render(d, paint);
        if let Some(hint) = e.hint.as_deref().filter(|h| Some(*h) != d.hint()) {
            let _ = writeln!(out, "{}: {}", paint.hint(), line(hint));
        }
        return out;
    }
    let mut out = format!("{}: {}\n", paint.error(), line(&e.message));
    if let Some(hint) = &e.hint {
        let _ = writeln!(out, "{}: {}", paint.hint(), line(hint));
    }
    out
}

/// A warning as stderr shows it.
pub(crate) fn warning(text: &str, paint: Paint) -> String {
    format!("{}: {}\n", paint.warning(), line(text))
}

/// A note as stderr shows it.
pub(crate) fn note(text: &str, paint: Paint) -> String {
    format!("{}: {}\n", paint.note(), line(text))
}

/// `{"KEY": "TEXT"}` and a newline: a warning or note in JSON.
pub(crate) fn json_line(key: &str, text: &str) -> String {
    let mut map = serde_json::Map::new();
    map.insert(
        key.to_owned(),
        serde_json::Value::String(elide(text, MAX_LINE_CHARS)),
    );
    format!(
        "{}\n",
        escape_json(&serde_json::Value::Object(map).to_string())
    )
}

/// An error as one JSON object on one line: `{"error": {"code", "kind", "message",
/// "hint", "span", "input", "diagnostic"}}`; `diagnostic` is the object of
/// `diagnostic::json` for an error that points into its source, else `null`.
pub(crate) fn error_json(e: &CliError) -> String {
    let diagnostic = e.diagnostic.as_deref().map(crate::diagnostic::json);
    let (span, input) = match &diagnostic {
        Some(d) => (d["span"].clone(), d["input"].clone()),
        None => (serde_json::Value::Null, serde_json::Value::Null),
    };
    let value = serde_json::json!({
        "error": {
            "code": e.code as u8,
            "kind": e.kind.as_str(),
            "message": elide(&e.message, MAX_LINE_CHARS),
            "hint": e.hint.as_deref().map(|hint| elide(hint, MAX_LINE_CHARS)),
            "span": span,
            "input": input,
            "diagnostic": diagnostic,
        }
    });
    format!("{}\n", escape_json(&value.to_string()))
}
