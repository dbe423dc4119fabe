//! The public parse error: what went wrong, where, and what to do about it.

use std::fmt;
use std::ops::Range;

use crate::{Action, ResourceType, SystemResource};

/// The part of `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS` that is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// `RESOURCE_NAMES`.
    ResourceNames,
    /// `ACTIONS`.
    Actions,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::ResourceNames => "RESOURCE_NAMES",
            Part::Actions => "ACTIONS",
        })
    }
}

/// What is wrong with a permission.
///
/// Each variant's `Display` is one lowercase sentence; values taken from the input are
/// shown between backticks with control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is empty.
    #[error("empty permission: expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`")]
    Empty,
    /// The input holds whitespace (which the server never accepts).
    #[error("whitespace is not allowed in a permission")]
    Whitespace,
    /// A `:` and the part after it are missing.
    #[error("missing `:{part}`: expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`")]
    MissingPart {
        /// The missing part.
        part: Part,
    },
    /// More than three parts.
    #[error("too many `:`: expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`")]
    TooManyParts,
    /// The resource type is empty (`:db1:read`).
    #[error("missing resource type: expected `db` or `system`")]
    EmptyResourceType,
    /// The resource type is not `db`, `system` or `*`.
    #[error("unknown resource type `{}`: expected `db` or `system`", Shown(found))]
    UnknownResourceType {
        /// The type given.
        found: String,
    },
    /// The `*` resource type outside the admin permission `*:*:*`.
    #[error("`*` resource type can only be set for admin token")]
    WildcardTypeNotAdmin,
    /// An empty name (`db::read`, `db:a,,b:read`, `db:a,:read`).
    #[error("empty resource name: expected a name or `*`")]
    EmptyResourceName,
    /// A database name holds a character other than a Unicode letter or digit, `/`,
    /// `_` or `-`.
    #[error(
        "invalid character `{}` in database name: use letters, digits, `/`, `_` or `-`",
        Shown(found.encode_utf8(&mut [0; 4]))
    )]
    InvalidNameCharacter {
        /// The character.
        found: char,
    },
    /// A database name longer than 511 bytes.
    #[error("database name is {bytes} bytes long: at most 511 are allowed")]
    NameTooLong {
        /// The name's length in bytes.
        bytes: usize,
    },
    /// `*` together with names (`db:a,*:read`).
    #[error("mixed wildcard (*) and resource name")]
    MixedWildcard,
    /// A system name other than `health`, `metrics`, `ping` and `ready`.
    #[error(
        "unknown system resource `{}`: expected `health`, `metrics`, `ping`, `ready` or `*`",
        Shown(found)
    )]
    UnknownSystemResource {
        /// The name given.
        found: String,
    },
    /// An empty action (`db:a:`, `db:a:read,`).
    #[error("empty action: expected {}", ActionList(*resource_type))]
    EmptyAction {
        /// The permission's resource type.
        resource_type: ResourceType,
    },
    /// An action the resource type does not have.
    #[error(
        "unknown action `{}` for `{resource_type}`: expected {}",
        Shown(found),
        ActionList(*resource_type)
    )]
    UnknownAction {
        /// The action given.
        found: String,
        /// The permission's resource type.
        resource_type: ResourceType,
    },
    /// The action `*` on `db` or `system`, which servers no longer accept.
    #[error(
        "action `*` is not allowed for `{resource_type}`: list the actions, from {}",
        ActionList(*resource_type)
    )]
    WildcardAction {
        /// The permission's resource type.
        resource_type: ResourceType,
    },
}

/// A value from the input inside a message: control, bidirectional and zero-width
/// characters escaped, and cut to [`MAX_SHOWN`] characters with `…`.
pub(crate) struct Shown<'a>(pub(crate) &'a str);

/// The most characters of one value a message shows.
const MAX_SHOWN: usize = 40;

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.chars().enumerate() {
            if i == MAX_SHOWN {
                return f.write_str("…");
            }
            write_char(f, c)?;
        }
        Ok(())
    }
}

/// Whether a terminal would hide `c` or let it change what follows: control characters
/// (ESC included), bidirectional controls, zero-width and other invisible characters
/// (soft hyphen, word joiners, the byte order mark, tag characters).
///
/// Every message of this crate shows such characters escaped (see [`escape`]); the
/// other crates of the workspace use the same rule for names and for whatever they
/// show.
///
/// ```
/// use influxdb3_permission::is_hidden;
///
/// assert!(is_hidden('\x1b') && is_hidden('\u{202e}') && is_hidden('\u{200b}'));
/// assert!(!is_hidden('é') && !is_hidden('数') && !is_hidden(' '));
/// ```
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `text` with every [hidden](is_hidden) character escaped the way a shell's `$'…'`
/// reads it back (`\n`, `\t`, `\r`, `\x1b`, `\u202e`, `\U000e0041`), so that what
/// reaches a terminal is exactly what it says. Text without such characters is
/// borrowed as it is.
///
/// ```
/// use influxdb3_permission::escape;
///
/// assert_eq!(escape("db\x1b[31m\u{202e}"), "db\\x1b[31m\\u202e");
/// assert_eq!(escape("数据库"), "数据库");
/// ```
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        let _ = write_char(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// `c` as shown: itself, or its escape.
fn write_char(f: &mut impl fmt::Write, c: char) -> fmt::Result {
    if !is_hidden(c) {
        return f.write_char(c);
    }
    match c {
        '\n' => f.write_str("\\n"),
        '\t' => f.write_str("\\t"),
        '\r' => f.write_str("\\r"),
        c if u32::from(c) < 0x80 => write!(f, "\\x{:02x}", u32::from(c)),
        c if u32::from(c) <= 0xFFFF => write!(f, "\\u{:04x}", u32::from(c)),
        c => write!(f, "\\U{:08x}", u32::from(c)),
    }
}

/// The width `c` takes on a terminal once shown.
fn shown_width(c: char) -> usize {
    if is_hidden(c) {
        let mut s = String::new();
        let _ = write_char(&mut s, c);
        s.len()
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// "`create`, `describe`, `read`, `write` or `delete`" for a type.
struct ActionList(ResourceType);

impl fmt::Display for ActionList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let actions: Vec<Action> = self.0.valid_actions().iter().collect();
        for (i, action) in actions.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == actions.len() { " or " } else { ", " })?;
            }
            write!(f, "`{action}`")?;
        }
        Ok(())
    }
}

/// A permission string that does not parse, or a part that does not validate.
///
/// It holds the input, the byte span of the offending part, what is wrong
/// ([`ErrorKind`]) and, where one helps, a hint. `Display` prints the message, the
/// input and a caret line under the span, then the hint:
///
/// ```
/// use influxdb3_permission::Permission;
///
/// let err = "db:my_database:reed".parse::<Permission>().unwrap_err();
/// assert_eq!(err.span(), 15..19);
/// assert_eq!(err.hint(), Some("did you mean `read`?"));
/// assert_eq!(
///     err.to_string(),
///     "unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete`\n\
///      \x20 db:my_database:reed\n\
///      \x20                ^^^^\n\
///      hint: did you mean `read`?"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsePermissionError {
    input: String,
    span: Range<usize>,
    kind: ErrorKind,
    hint: Option<String>,
}

impl ParsePermissionError {
    pub(crate) fn new(
        input: &str,
        span: Range<usize>,
        kind: ErrorKind,
        hint: Option<String>,
    ) -> ParsePermissionError {
        debug_assert!(span.start <= span.end && span.end <= input.len());
        ParsePermissionError {
            input: input.to_owned(),
            span,
            kind,
            hint,
        }
    }

    /// The text that failed: the whole permission string, or the one value (a name, an
    /// action) that a constructor refused.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The byte range of the offending part within [`input`](Self::input); empty
    /// where something is missing.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// What is wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What to do about it, if we can tell.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The input on one line and a caret line under the span, both indented by two
    /// spaces, with `label` (a flag name, say) in front of the input when given.
    ///
    /// Control, bidirectional and zero-width characters are shown escaped; the carets
    /// line up in terminal columns with wide characters; a long input is cut to about
    /// 80 columns around the span, with `…`.
    ///
    /// ```
    /// use influxdb3_permission::Permission;
    ///
    /// let err = "db:数据库:reed".parse::<Permission>().unwrap_err();
    /// assert_eq!(
    ///     err.snippet(Some("--permission")).to_string(),
    ///     "  --permission db:数据库:reed\n                         ^^^^"
    /// );
    /// ```
    pub fn snippet<'a>(&'a self, label: Option<&'a str>) -> Snippet<'a> {
        Snippet { error: self, label }
    }
}

/// The input and a caret line under the span: see [`ParsePermissionError::snippet`].
#[derive(Debug, Clone, Copy)]
pub struct Snippet<'a> {
    error: &'a ParsePermissionError,
    label: Option<&'a str>,
}

/// Columns of input shown before the span, at most, when the input is cut.
const CONTEXT_BEFORE: usize = 30;
/// Columns of input shown in all, at most.
const WINDOW: usize = 80;

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = self.error.input.as_str();
        let span = self.error.span.clone();
        // The window: up to CONTEXT_BEFORE columns before the span, then up to WINDOW.
        let mut start = span.start;
        let mut width = 0;
        for (i, c) in input[..span.start].char_indices().rev() {
            width += shown_width(c);
            if width > CONTEXT_BEFORE {
                break;
            }
            start = i;
        }
        let mut end = start;
        let mut width = 0;
        for (i, c) in input[start..].char_indices() {
            width += shown_width(c);
            if width > WINDOW {
                break;
            }
            end = start + i + c.len_utf8();
        }
        let cut_before = start > 0;
        let cut_after = end < input.len();
        let mut line = String::new();
        let mut carets = String::new();
        if let Some(label) = self.label {
            line.push_str(label);
            line.push(' ');
            carets.push_str(&" ".repeat(label.chars().count() + 1));
        }
        if cut_before {
            line.push('…');
            carets.push(' ');
        }
        let mut marked = 0;
        for (i, c) in input[start..end].char_indices() {
            let at = start + i;
            write_char(&mut line, c)?;
            let w = shown_width(c);
            let mark = if span.contains(&at) { '^' } else { ' ' };
            if at < span.start || span.contains(&at) {
                carets.push_str(&mark.to_string().repeat(w));
                if mark == '^' {
                    marked += w;
                }
            }
        }
        if cut_after {
            line.push('…');
        }
        if marked == 0 {
            // An empty span (something missing), or one that starts past the window.
            carets.push('^');
        }
        write!(f, "  {line}\n  {}", carets.trim_end())?;
        Ok(())
    }
}

impl fmt::Display for ParsePermissionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}", self.kind, self.snippet(None))?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParsePermissionError {}

/// Hints: the closest known word, and advice for common slips.
pub(crate) mod hints {
    use super::{Action, ActionList, ResourceType, SystemResource};

    /// The hint for a `*` the shell may have replaced by file names.
    pub(crate) const SHELL_GLOB: &str = "if you typed `*`, the shell may have expanded it into file names: quote the argument, as in 'db:*:read'";

    /// `did you mean `x`?` for the candidate closest to `found`, if it is close.
    pub(crate) fn did_you_mean<'a>(
        found: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        let lower = found.to_lowercase();
        candidates
            .into_iter()
            .map(|c| (distance(&lower, c), c))
            .filter(|(d, c)| *d <= 2 && *d < c.len())
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| format!("did you mean `{c}`?"))
    }

    /// Hint for a resource type that is not `db`, `system` or `*`.
    pub(crate) fn resource_type(found: &str) -> Option<String> {
        let lower = found.to_lowercase();
        if let Some(ty) = ResourceType::from_name(&lower) {
            return Some(format!("resource types are lowercase: `{ty}`"));
        }
        if matches!(lower.as_str(), "database" | "databases" | "dbs") {
            return Some("did you mean `db`?".to_owned());
        }
        if found.contains('.') {
            return Some(SHELL_GLOB.to_owned());
        }
        did_you_mean(found, ["db", "system"])
    }

    /// Hint for an action the type does not have.
    pub(crate) fn action(found: &str, resource_type: ResourceType) -> Option<String> {
        let valid = resource_type.valid_actions();
        if let Some(action) = Action::from_name(&found.to_lowercase()) {
            return Some(if valid.contains(action) {
                format!("actions are lowercase: `{action}`")
            } else {
                format!(
                    "`{resource_type}` permissions only grant {}",
                    ActionList(resource_type)
                )
            });
        }
        if ResourceType::from_name(found).is_some() {
            return Some("to grant several permissions, give each one separately".to_owned());
        }
        did_you_mean(found, valid.iter().map(Action::as_str))
    }

    /// Hint for an unknown system name.
    pub(crate) fn system_resource(found: &str) -> Option<String> {
        if found.contains('.') {
            return Some(SHELL_GLOB.to_owned());
        }
        did_you_mean(found, SystemResource::ALL.iter().map(|r| r.as_str()))
    }

    /// Optimal-string-alignment distance (Levenshtein plus adjacent swaps).
    fn distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        if a.len().abs_diff(b.len()) > 2 {
            return usize::MAX;
        }
        let width = b.len() + 1;
        let mut d = vec![0usize; (a.len() + 1) * width];
        for i in 0..=a.len() {
            d[i * width] = i;
        }
        for (j, cell) in d.iter_mut().enumerate().take(width) {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                d[i * width + j] = best;
            }
        }
        d[a.len() * width + b.len()]
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn distance_counts_edits_and_swaps() {
            assert_eq!(distance("read", "read"), 0);
            assert_eq!(distance("reed", "read"), 1);
            assert_eq!(distance("wirte", "write"), 1);
            assert_eq!(distance("rd", "read"), 2);
            assert_eq!(distance("r", "describe"), usize::MAX);
        }

        #[test]
        fn suggestions() {
            assert_eq!(
                did_you_mean("wrte", ["read", "write"]).as_deref(),
                Some("did you mean `write`?")
            );
            assert_eq!(did_you_mean("xyz", ["read", "write"]), None);
            // Two letters away from a two-letter word is not "close".
            assert_eq!(did_you_mean("xy", ["db"]), None);
        }
    }
}
