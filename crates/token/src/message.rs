//! Text that messages are made of, beside [`Quoted`](crate::Quoted) values: a whole line
//! made safe to show, and command lines to paste into a shell.

use std::ffi::OsStr;

use influxdb3_text::is_hidden;

use crate::{MAX_QUOTED_CHARS, elide, mask_token_shaped};

/// The most characters of a line that [`message_line`] shows; a longer one is cut in the
/// middle with `…`. A last guard: the values in a message are already cut
/// ([`MAX_QUOTED_CHARS`]), and a permission's snippet is about 80 columns.
pub const MAX_LINE_CHARS: usize = 1000;

/// One line of a message as a terminal may show it: token-shaped text masked
/// (`apiv3_***`), then [hidden](is_hidden) characters escaped as
/// [`influxdb3_text::escape`] does, then cut to [`MAX_LINE_CHARS`] characters.
///
/// ```
/// use influxdb3_token::message_line;
///
/// let secret = format!("apiv3_{}", "x".repeat(86));
/// assert_eq!(message_line(&format!("bad {secret}\x1b[2J")), "bad apiv3_***\\x1b[2J");
/// assert_eq!(message_line(&"n".repeat(5000)).chars().count(), 1000);
/// ```
pub fn message_line(text: &str) -> String {
    elide(
        &influxdb3_text::escape(&mask_token_shaped(text)),
        MAX_LINE_CHARS,
    )
}

/// Why `value` cannot be written out in a command line to paste, if it cannot.
fn not_written_out(value: &OsStr) -> Option<&'static str> {
    match value.to_str() {
        None => Some("is not UTF-8"),
        Some(v) if v.chars().any(is_hidden) => {
            Some("holds a control or hidden character, which a terminal would not show as it is")
        }
        Some(v) if mask_token_shaped(v) != v => Some("looks like a token's secret"),
        Some(v) if v.chars().count() > MAX_QUOTED_CHARS => Some("is too long to show whole"),
        Some(_) => None,
    }
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

/// A command line for a message to offer, between backticks: `template` with each `{}`
/// replaced by the next of `values`, each a placeholder (`FILE`, `NAME`) and its value,
/// quoted so that sh, bash, zsh and fish all read back the same arguments (a plain
/// word as it is, anything else in single quotes).
///
/// A value that no shell would read back as shown is not written out: one that is not
/// UTF-8, holds hidden or control characters, looks like a token's secret, or is too
/// long to show whole ([`MAX_QUOTED_CHARS`]). Its placeholder stands in the command,
/// and a sentence after it says why.
///
/// A value that starts with `-` (other than `-` alone, standard input), which the
/// command would take for an option, is
/// written as one: after a long flag as `--flag=VALUE`; as a `FILE` or `DIR` as
/// `./VALUE`; anywhere else it is not written out. Placeholders past the last `{}` are not used; a
/// `{}` past the last value stays as it is written, and the template's text after it
/// too.
///
/// ```
/// use std::ffi::OsStr;
/// use influxdb3_token::command_line;
///
/// let file = OsStr::new("my tokens/it's.json");
/// assert_eq!(
///     command_line("influxdb3 tokens list {}", &[("FILE", file)]),
///     "`influxdb3 tokens list 'my tokens/it'\"'\"'s.json'`"
/// );
/// assert_eq!(
///     command_line("chmod 600 {}", &[("FILE", OsStr::new("a\x1bb"))]),
///     "`chmod 600 FILE` (not written out: FILE holds a control or hidden character, \
///      which a terminal would not show as it is)"
/// );
/// ```
pub fn command_line(template: &str, values: &[(&str, &OsStr)]) -> String {
    let mut line = String::with_capacity(template.len() + 16);
    let mut why: Vec<String> = Vec::new();
    let mut parts = template.split("{}");
    line.push_str(parts.next().unwrap_or_default());
    let mut values = values.iter();
    for part in parts {
        let Some((placeholder, value)) = values.next() else {
            line.push_str("{}");
            line.push_str(part);
            continue;
        };
        // `-` alone is standard input, not an option.
        let dash = value
            .to_str()
            .is_some_and(|v| v.starts_with('-') && v != "-");
        let flag = line.ends_with(' ')
            && line
                .rsplit(' ')
                .nth(1)
                .is_some_and(|w| w.starts_with("--") && w.len() > 2);
        let reason = not_written_out(value).or_else(|| {
            let path = matches!(*placeholder, "FILE" | "DIR");
            (dash && !flag && !path)
                .then_some("starts with `-`, which the command would take for an option")
        });
        if dash && reason.is_none() {
            if flag {
                line.pop();
                line.push('=');
            } else {
                line.push_str("./");
            }
        }
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
