//! A problem at a place in a source text.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::escape;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Risky or probably unintended; the input is still usable.
    Warning,
    /// The input cannot be used as it is.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a diagnostic is about: each crate has its own enum of kinds (the grammar's
/// error kinds, a tokens file's lint codes, a manifest's problems), each with a stable
/// code for scripts and a severity.
pub trait Kind: fmt::Debug {
    /// The stable code, in kebab case: `invalid-permission`, `duplicate-name`, ….
    fn code(&self) -> &'static str;

    /// How bad it is; an error unless the kind says otherwise.
    fn severity(&self) -> Severity {
        Severity::Error
    }
}

/// Any crate's kind reduced to what is shown of it, its code and severity: for a list
/// that holds the diagnostics of several crates ([`Diagnostic::erase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnyKind {
    code: &'static str,
    severity: Severity,
}

impl Kind for AnyKind {
    fn code(&self) -> &'static str {
        self.code
    }

    fn severity(&self) -> Severity {
        self.severity
    }
}

/// A 1-based line and column (in characters) of a place in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, in characters, from 1.
    pub column: usize,
}

/// A problem at a place in a source text: where the text came from (a file's path, a
/// flag's name), the text itself (shared, so that the many findings of one file do not
/// copy it), the byte span of the offending part, what kind of problem, a message and
/// a hint.
///
/// A diagnostic without a span is about the source as a whole (a file that is not
/// JSON at all, a file its group can read).
///
/// `Display` gives the one-line form `SOURCE:LINE:COLUMN: MESSAGE` (`SOURCE: MESSAGE`
/// without a span), hidden characters escaped; a caller that shows source lines renders
/// them itself from [`line_text`](Self::line_text) and [`location`](Self::location).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic<K> {
    origin: Arc<str>,
    text: Arc<str>,
    span: Option<Range<usize>>,
    kind: K,
    message: String,
    hint: Option<String>,
}

impl<K: Kind> Diagnostic<K> {
    /// A problem of kind `kind` at the bytes `span` of `text`, which came from
    /// `origin`. A span that is not within `text`, or not on character boundaries, is
    /// narrowed to the nearest one that is.
    pub fn new(
        origin: impl Into<Arc<str>>,
        text: impl Into<Arc<str>>,
        span: Range<usize>,
        kind: K,
        message: impl Into<String>,
    ) -> Diagnostic<K> {
        let text = text.into();
        let span = clamp(&text, span);
        Diagnostic {
            origin: origin.into(),
            text,
            span: Some(span),
            kind,
            message: message.into(),
            hint: None,
        }
    }

    /// A problem of kind `kind` with the whole of `text`, from `origin`.
    pub fn whole(
        origin: impl Into<Arc<str>>,
        text: impl Into<Arc<str>>,
        kind: K,
        message: impl Into<String>,
    ) -> Diagnostic<K> {
        Diagnostic {
            origin: origin.into(),
            text: text.into(),
            span: None,
            kind,
            message: message.into(),
            hint: None,
        }
    }

    /// This diagnostic with `hint`.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic<K> {
        self.hint = Some(hint.into());
        self
    }

    /// This diagnostic with another origin (a caller that knows the file's path puts it
    /// in place of a placeholder).
    #[must_use]
    pub fn with_origin(mut self, origin: impl Into<Arc<str>>) -> Diagnostic<K> {
        self.origin = origin.into();
        self
    }

    /// This diagnostic with its kind mapped (a crate that embeds another's diagnostic
    /// in its own kinds).
    pub fn map_kind<L: Kind>(self, f: impl FnOnce(K) -> L) -> Diagnostic<L> {
        Diagnostic {
            origin: self.origin,
            text: self.text,
            span: self.span,
            kind: f(self.kind),
            message: self.message,
            hint: self.hint,
        }
    }

    /// This diagnostic with its kind reduced to its code and severity.
    pub fn erase(self) -> Diagnostic<AnyKind> {
        self.map_kind(|k| AnyKind {
            code: k.code(),
            severity: k.severity(),
        })
    }

    /// Where the text came from: a file's path, a flag's name.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The whole source text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte span of the offending part of [`text`](Self::text); `None` for the
    /// source as a whole.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// What kind of problem.
    pub fn kind(&self) -> &K {
        &self.kind
    }

    /// How bad: the kind's severity.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }

    /// What is wrong, in one lowercase sentence.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do about it, where a hint helps.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The line and column of the span's start; `None` for the source as a whole.
    pub fn location(&self) -> Option<Location> {
        let span = self.span.as_ref()?;
        let before = &self.text[..span.start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some(Location {
            line: before.bytes().filter(|&b| b == b'\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        })
    }

    /// The line of the text the span starts on (without its line break), and the byte
    /// offset of that line in the text; `None` for the source as a whole.
    pub fn line_at(&self) -> Option<(usize, &str)> {
        let span = self.span.as_ref()?;
        let start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = self.text[span.start..]
            .find('\n')
            .map_or(self.text.len(), |i| span.start + i);
        let line = &self.text[start..end];
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    }

    /// The line of the text the span starts on, without its line break.
    pub fn line_text(&self) -> Option<&str> {
        self.line_at().map(|(_, line)| line)
    }
}

/// `span` narrowed to `text`'s length and character boundaries.
fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

impl<K: Kind> fmt::Display for Diagnostic<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.origin))?;
        if let Some(at) = self.location() {
            write!(f, ":{}:{}", at.line, at.column)?;
        }
        write!(f, ": {}", escape(&self.message))
    }
}

impl<K: Kind> std::error::Error for Diagnostic<K> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct K;
    impl Kind for K {
        fn code(&self) -> &'static str {
            "k"
        }
    }

    #[test]
    fn locations_count_characters_and_lines() {
        let d = Diagnostic::new("f", "ab\r\nдб:x", 8..9, K, "m");
        assert_eq!(d.location(), Some(Location { line: 2, column: 3 }));
        assert_eq!(d.line_text(), Some("дб:x"));
        assert_eq!(d.line_at().map(|(o, _)| o), Some(4));
    }

    #[test]
    fn spans_are_clamped_to_the_text() {
        let d = Diagnostic::new("f", "дб", 1..99, K, "m");
        assert_eq!(d.span(), Some(0..4));
        let d = Diagnostic::whole("f", "x", K, "m");
        assert_eq!(d.location(), None);
        assert_eq!(d.to_string(), "f: m");
    }
}
