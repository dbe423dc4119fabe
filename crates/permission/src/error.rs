//! The public parse error: what went wrong, where, and what to do about it.

use std::fmt;
use std::ops::Range;

use influxdb3_text::{is_hidden, write_escaped};

/// What is wrong with a permission.
///
/// Each variant's `Display` is one lowercase sentence; values taken from the input are
/// shown between backticks with hidden characters escaped, cut at 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is empty.
    Empty,
    /// The input holds whitespace (which the server never accepts).
    Whitespace,
    /// `:RESOURCE_NAMES` is missing (`db`).
    MissingNames,
    /// `:ACTIONS` is missing (`db:a`).
    MissingActions,
    /// More than three parts.
    TooManyParts,
    /// The resource type is not `db`, `system` or `*` (or is empty).
    UnknownResourceType {
        /// The type given.
        found: String,
    },
    /// The `*` resource type outside the admin permission `*:*:*`.
    WildcardTypeNotAdmin,
    /// An empty name (`db::read`, `db:a,,b:read`).
    EmptyResourceName,
    /// A database name holds a character other than a Unicode letter or digit, `/`,
    /// `_` or `-`.
    InvalidNameCharacter {
        /// The character.
        found: char,
    },
    /// A database name longer than 511 bytes.
    NameTooLong {
        /// The name's length in bytes.
        bytes: usize,
    },
    /// `*` together with names (`db:a,*:read`).
    MixedWildcard,
    /// A system name other than `health`, `metrics`, `ping` and `ready`.
    UnknownSystemResource {
        /// The name given.
        found: String,
    },
    /// An action the resource type does not have (or an empty one).
    UnknownAction {
        /// The action given.
        found: String,
        /// `db` or `system`.
        resource_type: &'static str,
    },
    /// The action `*` on `db` or `system`, which servers no longer accept.
    WildcardAction {
        /// `db` or `system`.
        resource_type: &'static str,
    },
}

const SHAPE: &str = "expected `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`";

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Empty => write!(f, "empty permission: {SHAPE}"),
            ErrorKind::Whitespace => f.write_str("whitespace is not allowed in a permission"),
            ErrorKind::MissingNames => write!(f, "missing `:RESOURCE_NAMES`: {SHAPE}"),
            ErrorKind::MissingActions => write!(f, "missing `:ACTIONS`: {SHAPE}"),
            ErrorKind::TooManyParts => write!(f, "too many `:`: {SHAPE}"),
            ErrorKind::UnknownResourceType { found } if found.is_empty() => {
                f.write_str("missing resource type: expected `db` or `system`")
            }
            ErrorKind::UnknownResourceType { found } => write!(
                f,
                "unknown resource type `{}`: expected `db` or `system`",
                Shown(found)
            ),
            ErrorKind::WildcardTypeNotAdmin => {
                f.write_str("`*` resource type can only be set for admin token")
            }
            ErrorKind::EmptyResourceName => {
                f.write_str("empty resource name: expected a name or `*`")
            }
            ErrorKind::InvalidNameCharacter { found } => write!(
                f,
                "invalid character `{}` in database name: use letters, digits, `/`, `_` or `-`",
                Shown(found.encode_utf8(&mut [0; 4]))
            ),
            ErrorKind::NameTooLong { bytes } => write!(
                f,
                "database name is {bytes} bytes long: at most 511 are allowed"
            ),
            ErrorKind::MixedWildcard => f.write_str("mixed wildcard (*) and resource name"),
            ErrorKind::UnknownSystemResource { found } => write!(
                f,
                "unknown system resource `{}`: expected `health`, `metrics`, `ping`, `ready` or `*`",
                Shown(found)
            ),
            ErrorKind::UnknownAction {
                found,
                resource_type,
            } if found.is_empty() => {
                write!(f, "empty action: expected {}", ActionList(resource_type))
            }
            ErrorKind::UnknownAction {
                found,
                resource_type,
            } => write!(
                f,
                "unknown action `{}` for `{resource_type}`: expected {}",
                Shown(found),
                ActionList(resource_type)
            ),
            ErrorKind::WildcardAction { resource_type } => write!(
                f,
                "action `*` is not allowed for `{resource_type}`: list the actions, from {}",
                ActionList(resource_type)
            ),
        }
    }
}

/// A serde visitor that parses a string with `parse`, so that the deserializer places
/// the error (`serde_json` adds its line and column).
#[cfg(feature = "serde")]
pub(crate) struct ParsingVisitor<F> {
    expecting: &'static str,
    parse: F,
}

#[cfg(feature = "serde")]
impl<F> ParsingVisitor<F> {
    pub(crate) fn new(expecting: &'static str, parse: F) -> Self {
        ParsingVisitor { expecting, parse }
    }
}

#[cfg(feature = "serde")]
impl<T, F: FnOnce(&str) -> Result<T, String>> serde::de::Visitor<'_> for ParsingVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }
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
            write_escaped(f, c)?;
        }
        Ok(())
    }
}

/// The width `c` takes on a terminal once shown.
fn shown_width(c: char) -> usize {
    if is_hidden(c) {
        let mut s = String::new();
        let _ = write_escaped(&mut s, c);
        s.len()
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// "`create`, `describe`, `read`, `write` or `delete`" for `db`, "`read`" for `system`.
struct ActionList<'a>(&'a str);

impl fmt::Display for ActionList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 == "system" {
            "`read`"
        } else {
            "`create`, `describe`, `read`, `write` or `delete`"
        })
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

    /// The same error, as part of `outer`, where the input starts at byte `offset`.
    pub(crate) fn within(self, outer: &str, offset: usize) -> ParsePermissionError {
        ParsePermissionError {
            input: outer.to_owned(),
            span: self.span.start + offset..self.span.end + offset,
            kind: self.kind,
            hint: self.hint,
        }
    }

    pub(crate) fn into_parts(self) -> (Range<usize>, ErrorKind, Option<String>) {
        (self.span, self.kind, self.hint)
    }

    /// The text that failed: the whole permission string, or the one value (a database
    /// name, say) that a constructor refused.
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

    /// This error as a diagnostic of the text it read, which came from `origin` (a
    /// flag's name, a file's path): for a caller that shows every problem that points
    /// into text alike. Its code is `invalid-permission`.
    ///
    /// ```
    /// use influxdb3_permission::Permission;
    ///
    /// let err = "db:a,*:read".parse::<Permission>().unwrap_err();
    /// let d = err.diagnostic("--permission");
    /// assert_eq!(d.to_string(), "--permission:1:6: mixed wildcard (*) and resource name");
    /// ```
    pub fn diagnostic(&self, origin: &str) -> influxdb3_text::Diagnostic<ErrorKind> {
        let d = influxdb3_text::Diagnostic::new(
            origin,
            self.input.as_str(),
            self.span.clone(),
            self.kind.clone(),
            self.kind.to_string(),
        );
        match &self.hint {
            Some(hint) => d.with_hint(hint.as_str()),
            None => d,
        }
    }

    /// The message, the input with a caret line under the span, and the hint, as
    /// `Display` shows them; with `label` (a flag's name, say) in front of the input.
    ///
    /// Hidden characters are shown escaped; the carets line up in terminal columns with
    /// wide characters; a long input is cut to about 80 columns around the span, with
    /// `…`.
    ///
    /// ```
    /// use influxdb3_permission::Permission;
    ///
    /// let err = "db:数据库:reed".parse::<Permission>().unwrap_err();
    /// assert_eq!(
    ///     err.render(Some("--permission")).to_string(),
    ///     "unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete`\n\
    ///      \x20 --permission db:数据库:reed\n\
    ///      \x20                        ^^^^\n\
    ///      hint: did you mean `read`?"
    /// );
    /// ```
    pub fn render<'a>(&'a self, label: Option<&'a str>) -> impl fmt::Display + 'a {
        Rendered { error: self, label }
    }
}

/// The rendering of [`ParsePermissionError::render`].
struct Rendered<'a> {
    error: &'a ParsePermissionError,
    label: Option<&'a str>,
}

/// Columns of input shown before the span, at most, when the input is cut.
const CONTEXT_BEFORE: usize = 30;
/// Columns of input shown in all, at most.
const WINDOW: usize = 80;

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.error.kind)?;
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
            write_escaped(&mut line, c)?;
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
        if let Some(hint) = &self.error.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ParsePermissionError {
    /// [`render`](Self::render) without a label; in the alternate form (`{:#}`), one
    /// line, as [`influxdb3_text::chain`] shows a cause and a serde error carries it:
    /// `invalid permission `INPUT` at bytes A..B: WHAT (hint: HINT)`, the input escaped
    /// and cut.
    ///
    /// ```
    /// let err = "db:a,*:read".parse::<influxdb3_permission::Permission>().unwrap_err();
    /// assert_eq!(
    ///     format!("{err:#}"),
    ///     "invalid permission `db:a,*:read` at bytes 5..6: mixed wildcard (*) and resource name"
    /// );
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(
                f,
                "invalid permission `{}` at bytes {}..{}: {}",
                Shown(&self.input),
                self.span.start,
                self.span.end,
                self.kind,
            )?;
            match &self.hint {
                Some(hint) => write!(f, " (hint: {hint})"),
                None => Ok(()),
            }
        } else {
            self.render(None).fmt(f)
        }
    }
}

impl std::error::Error for ParsePermissionError {}

impl influxdb3_text::Kind for ErrorKind {
    /// `invalid-permission`, whatever the kind.
    fn code(&self) -> &'static str {
        "invalid-permission"
    }
}
