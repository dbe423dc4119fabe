//! Values as messages show them, and command lines to paste: the libraries' forms
//! (`influxdb3_token::Quoted`, `command_line`, `message_line`; `influxdb3_text`'s
//! escapes), under the names the CLI's modules use.

use std::path::Path;

pub(crate) use influxdb3_text::{escape, escape_lines, path_origin as origin};
pub(crate) use influxdb3_token::command_line as command;

/// A value as messages show it: [`influxdb3_token::Quoted`].
pub(crate) fn quote(value: &str) -> String {
    influxdb3_token::Quoted(value).to_string()
}

/// A path, quoted as [`quote`] does (lossily for bytes that are not UTF-8).
pub(crate) fn quote_path(path: &Path) -> String {
    influxdb3_token::Quoted::path(path).to_string()
}
