//! Values as messages show them: escaped (hidden characters made visible), cut with `…`
//! past a length, between backticks; command lines quoted so that they paste into a shell.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::Path;

use influxdb3_token::mask_token_shaped;

/// The longest value shown inside a message, in characters; longer ones are cut in the
/// middle with `…`.
pub const MAX_VALUE: usize = influxdb3_token::MAX_QUOTED_CHARS;
/// The longest line written to stderr, in characters (a last guard: values are already
/// cut, and a permission's snippet is about 80 columns).
pub(crate) const MAX_LINE: usize = 1000;

use influxdb3_text::is_hidden;

/// The one escaping function: `text` with every hidden character escaped, so that what
/// reaches a terminal is exactly what it says (the rule of `influxdb3-text`, which the
/// libraries' messages follow too).
pub fn escape(text: &str) -> String {
    influxdb3_text::escape(text).into_owned()
}

/// `text` escaped line by line: its own line breaks stay, every other hidden character
/// is escaped.
pub(crate) fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

pub use influxdb3_token::elide;

/// A value as messages show it: [`influxdb3_token::Quoted`], the one form the
/// libraries' messages use too (between backticks, masked, cut, escaped).
pub fn quote(value: &str) -> String {
    influxdb3_token::Quoted(value).to_string()
}

/// `value` (free of hidden characters) quoted for all four shells: single quotes, with
/// `'` as `"'"` and `\` as `"\\"` between them.
fn portable(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let mut open = false;
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            if open {
                out.push('\'');
                open = false;
            }
            out.push_str(if c == '\'' { "\"'\"" } else { "\"\\\\\"" });
        } else {
            if !open {
                out.push('\'');
                open = true;
            }
            out.push(c);
        }
    }
    if open || out.is_empty() {
        if out.is_empty() {
            out.push('\'');
        }
        out.push('\'');
    }
    out
}

/// A command line to paste, between backticks: `template` with each `{}` replaced by the
/// next value, quoted so that sh, bash, zsh and fish read the same
/// arguments. A value that no shell would read back as shown (hidden or control
/// characters, bytes that are not UTF-8, token-shaped text, or too long to show whole)
/// is not written out: its placeholder (`FILE`, `NAME`) stands in the command and a
/// sentence after it says why.
pub(crate) fn command(template: &str, values: &[(&str, &OsStr)]) -> String {
    let mut line = String::with_capacity(template.len() + 16);
    let mut why: Vec<String> = Vec::new();
    let mut parts = template.split("{}");
    line.push_str(parts.next().unwrap_or_default());
    for (part, (placeholder, value)) in parts.zip(values) {
        let reason = match value.to_str() {
            None => Some("is not UTF-8"),
            Some(v) if v.chars().any(is_hidden) => Some(
                "holds a control or hidden character, which a terminal would not show as it is",
            ),
            Some(v) if mask_token_shaped(v) != v => Some("looks like a token's secret"),
            Some(v) if v.chars().count() > MAX_VALUE => Some("is too long to show whole"),
            Some(_) => None,
        };
        match (reason, value.to_str()) {
            // A plain word needs no quotes in any of the four shells.
            (None, Some(v))
                if !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_./-:,".contains(&b)) =>
            {
                line.push_str(v);
            }
            (None, Some(v)) => line.push_str(&portable(v)),
            (reason, _) => {
                line.push_str(placeholder);
                why.push(format!("{placeholder} {}", reason.unwrap_or_default()));
            }
        }
        line.push_str(part);
    }
    if why.is_empty() {
        format!("`{line}`")
    } else {
        format!("`{line}` (not written out: {})", why.join("; "))
    }
}

/// The command that deletes the token `name` from the server, to paste.
pub(crate) fn delete_command(name: &str) -> String {
    command(
        "influxdb3 delete token --token-name {}",
        &[("NAME", name.as_ref())],
    )
}

/// A path, quoted as [`quote`] does (lossily for bytes that are not UTF-8).
pub(crate) fn quote_path(path: &Path) -> String {
    influxdb3_token::Quoted::path(path).to_string()
}

/// `` `a`, `b`, `c` and 17 more ``: the first few values of a long list, quoted.
pub fn quote_list<'a>(values: impl IntoIterator<Item = &'a str>, show: usize) -> String {
    influxdb3_token::Quoted::list(values, show)
}

/// A JSON document with every hidden character inside its strings written as a
/// `\uXXXX` escape (still the same JSON), so that a terminal shows it as it is.
/// `serde_json` already escapes control characters inside strings, so a raw newline is
/// the document's own layout and stays.
pub fn escape_json(json: &str) -> String {
    let hidden = |c: char| c != '\n' && is_hidden(c);
    let plain = |b: &u8| *b == b'\n' || (0x20..0x7f).contains(b);
    if json.as_bytes().iter().all(plain) || !json.chars().any(hidden) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One line of a message: token-shaped values masked, escaped, and cut at [`MAX_LINE`]
/// characters (its values are already cut: [`quote`]).
pub(crate) fn line(text: &str) -> String {
    elide(&escape(&mask_token_shaped(text)), MAX_LINE)
}

/// A tokens file's path as a diagnostic names it: `<stdin>` for `-`, as compilers
/// write it.
pub(crate) fn origin(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.to_string_lossy().into_owned()
    }
}
