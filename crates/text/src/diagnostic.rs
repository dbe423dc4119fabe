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
/// them itself from [`line_window`](Self::line_window) and [`location`](Self::location).
///
/// Finding a place costs a scan of the text before it: the many diagnostics of one
/// text are [`locate`](Self::locate)d together, in one pass.
#[derive(Debug, Clone)]
pub struct Diagnostic<K> {
    origin: Arc<str>,
    text: Arc<str>,
    span: Option<Range<usize>>,
    kind: K,
    message: Box<str>,
    hint: Option<Box<str>>,
    /// The span's place, once [`locate`](Self::locate) worked it out; not part of what
    /// the diagnostic says (two diagnostics that differ only in it are equal).
    location: Option<Location>,
}

/// A bounded part of the line a [`Diagnostic`]'s span starts on
/// ([`Diagnostic::line_window`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineWindow<'t> {
    /// The part of the line, without its line break.
    pub text: &'t str,
    /// Its byte offset in the diagnostic's text.
    pub offset: usize,
    /// Whether the line goes on before it.
    pub cut_before: bool,
    /// Whether the line goes on after it.
    pub cut_after: bool,
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
            message: message.into().into_boxed_str(),
            hint: None,
            location: None,
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
            message: message.into().into_boxed_str(),
            hint: None,
            location: None,
        }
    }

    /// This diagnostic with `hint`.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic<K> {
        self.hint = Some(hint.into().into_boxed_str());
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
            location: self.location,
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
    ///
    /// Scans the text up to the span, unless [`locate`](Self::locate) has already
    /// worked it out.
    pub fn location(&self) -> Option<Location> {
        let span = self.span.as_ref()?;
        if self.location.is_some() {
            return self.location;
        }
        Some(Sweep::new(&self.text).location(span.start))
    }

    /// Works out the [`location`](Self::location) of each of `diagnostics` in one pass
    /// over each text they point into, instead of one scan from the start of the text
    /// per diagnostic: for the many findings of one file, linear in the size of the
    /// file whatever its layout (pretty, or all on one line). The diagnostics stay in
    /// their order.
    ///
    /// # Example
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use influxdb3_text::{Diagnostic, Kind, Location};
    ///
    /// #[derive(Debug)]
    /// struct Odd;
    /// impl Kind for Odd {
    ///     fn code(&self) -> &'static str { "odd" }
    /// }
    ///
    /// let text: Arc<str> = Arc::from("ab\ncd\nef");
    /// let mut found: Vec<Diagnostic<Odd>> = [7, 1, 4]
    ///     .into_iter()
    ///     .map(|at| Diagnostic::new("f", Arc::clone(&text), at..at + 1, Odd, "odd"))
    ///     .collect();
    /// Diagnostic::locate(&mut found);
    /// let at = found[0].location().ok_or("no place")?;
    /// assert_eq!(at, Location { line: 3, column: 2 });
    /// assert_eq!(found[1].location(), Some(Location { line: 1, column: 2 }));
    /// # Ok(())
    /// # }
    /// ```
    pub fn locate(diagnostics: &mut [Diagnostic<K>]) {
        // By text (diagnostics of one text share it), then by place in it.
        let mut order: Vec<usize> = (0..diagnostics.len())
            .filter(|&i| diagnostics[i].span.is_some() && diagnostics[i].location.is_none())
            .collect();
        let key = |d: &Diagnostic<K>| {
            (
                d.text.as_ptr() as usize,
                d.span.as_ref().map_or(0, |s| s.start),
            )
        };
        order.sort_by_key(|&i| key(&diagnostics[i]));
        let mut sweep: Option<Sweep<'_>> = None;
        let mut text: Option<Arc<str>> = None;
        let mut found = Vec::with_capacity(order.len());
        for &i in &order {
            let d = &diagnostics[i];
            if !text.as_ref().is_some_and(|t| Arc::ptr_eq(t, &d.text)) {
                text = Some(Arc::clone(&d.text));
                sweep = None;
            }
            let start = d.span.as_ref().map_or(0, |s| s.start);
            let at = sweep
                .get_or_insert_with(|| Sweep::new(&d.text))
                .location(start);
            found.push((i, at));
        }
        for (i, at) in found {
            diagnostics[i].location = Some(at);
        }
    }

    /// The part of the line the span starts on that lies within `reach` bytes of the
    /// span's start (widened to character boundaries), without the line break; `None`
    /// for the source as a whole. Reads at most `reach` bytes on either side, however
    /// long the line: a renderer shows a window around the span of a line of
    /// megabytes at the cost of the window.
    ///
    /// # Example
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use influxdb3_text::{Diagnostic, Kind};
    ///
    /// #[derive(Debug)]
    /// struct Odd;
    /// impl Kind for Odd {
    ///     fn code(&self) -> &'static str { "odd" }
    /// }
    ///
    /// let d = Diagnostic::new("f", "one\ntwo three four\n", 8..13, Odd, "odd");
    /// let near = d.line_window(5).ok_or("no line")?;
    /// assert_eq!((near.text, near.offset), ("two three", 4));
    /// assert!(!near.cut_before && near.cut_after);
    /// let all = d.line_window(usize::MAX).ok_or("no line")?;
    /// assert_eq!(all.text, "two three four");
    /// assert!(!all.cut_after);
    /// # Ok(())
    /// # }
    /// ```
    pub fn line_window(&self, reach: usize) -> Option<LineWindow<'_>> {
        let span = self.span.as_ref()?;
        let text = &*self.text;
        let lo = floor_boundary(text, span.start.saturating_sub(reach));
        let hi = ceil_boundary(text, span.start.saturating_add(reach));
        let start = text[lo..span.start].rfind('\n').map_or(lo, |i| lo + i + 1);
        let end = text[span.start..hi]
            .find('\n')
            .map_or(hi, |i| span.start + i);
        let cut_before = start == lo && lo > 0 && text.as_bytes()[lo - 1] != b'\n';
        // What follows the part: the line's break (`\n` or `\r\n`), the end of the
        // text, or more of the line.
        let mut part = &text[start..end];
        let rest = &text[end..];
        let cut_after = if rest.is_empty() || rest.starts_with('\n') {
            part = part.strip_suffix('\r').unwrap_or(part);
            false
        } else {
            !(rest == "\r" || rest.starts_with("\r\n"))
        };
        Some(LineWindow {
            text: part,
            offset: start,
            cut_before,
            cut_after,
        })
    }

    /// The whole line of the text the span starts on, without its line break; `None`
    /// for the source as a whole. Reads the whole line: a renderer reads a bounded
    /// [`line_window`](Self::line_window) instead.
    pub fn line_text(&self) -> Option<&str> {
        self.line_window(usize::MAX).map(|line| line.text)
    }
}

impl<K: PartialEq> PartialEq for Diagnostic<K> {
    fn eq(&self, other: &Diagnostic<K>) -> bool {
        // Not the location: it is worked out from the text and the span.
        self.origin == other.origin
            && self.text == other.text
            && self.span == other.span
            && self.kind == other.kind
            && self.message == other.message
            && self.hint == other.hint
    }
}

impl<K: Eq> Eq for Diagnostic<K> {}

/// Lines and columns of offsets that come in order, in one pass over a text.
struct Sweep<'t> {
    text: &'t str,
    offset: usize,
    at: Location,
}

impl<'t> Sweep<'t> {
    fn new(text: &'t str) -> Sweep<'t> {
        Sweep {
            text,
            offset: 0,
            at: Location { line: 1, column: 1 },
        }
    }

    /// The location of `offset` (a character boundary), no smaller than the one
    /// before.
    fn location(&mut self, offset: usize) -> Location {
        if let Some(between) = self.text.get(self.offset..offset) {
            for c in between.chars() {
                if c == '\n' {
                    self.at.line += 1;
                    self.at.column = 1;
                } else {
                    self.at.column += 1;
                }
            }
            self.offset = offset;
        }
        self.at
    }
}

/// `at`, or the nearest character boundary of `text` before it.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `at`, or the nearest character boundary of `text` after it.
fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// `span` narrowed to `text`'s length and character boundaries.
fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_boundary(text, span.start);
    start..ceil_boundary(text, span.end.max(start))
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
        assert_eq!(d.line_window(99).map(|l| l.offset), Some(4));
    }

    #[test]
    fn located_together_as_one_by_one() {
        let text: Arc<str> = Arc::from("a\nдб\r\n\nxyz\nq");
        let other: Arc<str> = Arc::from("x\ny");
        let mut all: Vec<Diagnostic<K>> = (0..=text.len())
            .rev()
            .filter(|&i| text.is_char_boundary(i))
            .map(|i| Diagnostic::new("f", Arc::clone(&text), i..i, K, "m"))
            .chain([
                Diagnostic::new("g", Arc::clone(&other), 2..3, K, "m"),
                Diagnostic::whole("f", Arc::clone(&text), K, "m"),
            ])
            .collect();
        let one_by_one: Vec<_> = all.iter().map(Diagnostic::location).collect();
        let before = all.clone();
        Diagnostic::locate(&mut all);
        assert!(all.iter().all(|d| d.location.is_some() == d.span.is_some()));
        assert_eq!(
            all.iter().map(Diagnostic::location).collect::<Vec<_>>(),
            one_by_one
        );
        // The place is worked out, not said: located or not, the diagnostics are equal.
        assert_eq!(all, before);
        assert_eq!(
            all[all.len() - 2].location(),
            Some(Location { line: 2, column: 1 })
        );
    }

    #[test]
    fn a_line_window_reads_a_bounded_part() {
        let long = format!("head\n{}\r\ntail", "x".repeat(1_000_000));
        let d = Diagnostic::new("f", long.as_str(), 500_000..500_001, K, "m");
        let w = d.line_window(100).unwrap();
        assert_eq!((w.text.len(), w.offset), (200, 499_900));
        assert!(w.cut_before && w.cut_after);
        let w = d.line_window(600_000).unwrap();
        assert_eq!((w.text.len(), w.offset), (1_000_000, 5));
        assert!(!w.cut_before && !w.cut_after);
        // A window that stops at the `\r` of a `\r\n` is not cut; one that takes it
        // leaves it out.
        let d = Diagnostic::new("f", "ab\r\nc", 1..2, K, "m");
        for reach in [1, 2, 3] {
            let w = d.line_window(reach).unwrap();
            assert_eq!(
                (w.text, w.cut_after),
                (&"ab"[..(1 + reach).min(2)], reach < 1)
            );
        }
        // Character boundaries: the window widens to whole characters.
        let d = Diagnostic::new("f", "дбx", 4..5, K, "m");
        assert_eq!(d.line_window(1).unwrap().text, "бx");
        assert_eq!(Diagnostic::whole("f", "x", K, "m").line_window(1), None);
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
