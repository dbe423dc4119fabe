//! Everything wrong or risky in a permission tokens file, reported instead of refused:
//! [`lint`] reads the file with the same loader as [`TokenFile::parse`], which goes on
//! past each problem instead of stopping at the first.
//!
//! [`TokenFile::parse`]: crate::TokenFile::parse

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use influxdb3_text::{Diagnostic, Location};
use influxdb3_token::Timestamp;

use crate::code::{Code, Severity};
use crate::error::TokenFileError;
use crate::load::{Loader, Problem, UNNAMED};

/// One finding of [`lint`]: a [`Diagnostic`] of a [`Code`], its line and column, and
/// the token it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    diagnostic: Diagnostic<Code>,
    location: Option<Location>,
    token: Option<String>,
}

impl Lint {
    /// What it is about.
    pub fn code(&self) -> Code {
        *self.diagnostic.kind()
    }

    /// How bad it is: its code's severity.
    pub fn severity(&self) -> Severity {
        self.code().severity()
    }

    /// The line and column (in characters) of the offending character; `None` for the
    /// file as a whole. The same as the diagnostic's
    /// [`location`](Diagnostic::location), worked out for all the findings of a file in
    /// one pass over it.
    pub fn location(&self) -> Option<Location> {
        self.location
    }

    /// The name of the token it is about, when there is one.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The finding as a diagnostic: the file's path (or a placeholder for [`lint`] of
    /// a text), its text (one copy shared by all the findings of the file), the span of
    /// the offending part, the message (names from the file escaped, secrets never
    /// shown) and a hint.
    pub fn diagnostic(&self) -> &Diagnostic<Code> {
        &self.diagnostic
    }

    /// The diagnostic, taken out.
    pub fn into_diagnostic(self) -> Diagnostic<Code> {
        self.diagnostic
    }
}

impl fmt::Display for Lint {
    /// `LINE:COLUMN: SEVERITY[CODE]: MESSAGE` (without the place for the file as a
    /// whole).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = self.location {
            write!(f, "{}:{}: ", at.line, at.column)?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity(),
            self.code(),
            self.diagnostic.message()
        )
    }
}

/// Everything [`Code`] lists that is wrong with `text`, a permission tokens file, in
/// file order (the findings about the file as a whole first); tokens expired at `now`
/// are reported. An empty list: the file is clean. The findings' origin is a
/// placeholder: put the file's name in with [`Diagnostic::with_origin`].
///
/// Linear in the size of `text`, however it is laid out.
///
/// # Example
///
/// ```
/// use influxdb3_token::Timestamp;
/// use influxdb3_tokenfile::{Code, lint};
///
/// let text = r#"{
///   "tokens": [
///     {"token": "apiv3_a", "name": "x", "permissions": ["db:m:reed"]},
///     {"token": "apiv3_b", "name": "x", "permissions": ["*:*:*"]}
///   ]
/// }"#;
/// let found: Vec<(Code, usize, usize)> = lint(text, Timestamp::from_millis(0))
///     .iter()
///     .filter_map(|l| l.location().map(|at| (l.code(), at.line, at.column)))
///     .collect();
/// assert!(found.contains(&(Code::InvalidPermission, 3, 61))); // the `r` of `reed`
/// assert!(found.contains(&(Code::DuplicateName, 4, 35))); // the second `x`
/// assert!(found.contains(&(Code::AdminPermission, 4, 56)));
/// ```
pub fn lint(text: &str, now: Timestamp) -> Vec<Lint> {
    findings(UNNAMED, text, now, None)
}

/// [`lint`] of the regular file at `path`, read safely (a FIFO or a device is refused),
/// with [`Code::ReadableFile`] when its mode lets its group or others read it; the
/// findings' origin is `path`.
///
/// # Errors
///
/// When the file cannot be read: the refusals of [`read`](crate::read).
pub fn lint_file(path: impl AsRef<Path>, now: Timestamp) -> Result<Vec<Lint>, TokenFileError> {
    let path = path.as_ref();
    let file = crate::write::read_regular(path)?;
    let mode = file.mode();
    Ok(findings(
        &path.to_string_lossy(),
        &file.text,
        now,
        Some(mode),
    ))
}

/// The findings of `text`, from `origin`, with the mode of its file if there is one.
fn findings(origin: &str, text: &str, now: Timestamp, mode: Option<u32>) -> Vec<Lint> {
    let mut loader = Loader::new(text, Some(now));
    // A lint never stops, and has no use for the file.
    let _ = loader.file();
    let mut problems = loader.into_problems();
    if let Some(mode) = mode.filter(|m| m & 0o044 != 0) {
        problems.push(Problem {
            code: Code::ReadableFile,
            span: None,
            message: format!(
                "the file can be read by its group or others (mode {mode:04o}) and holds secrets: `chmod 600` it"
            ),
            hint: None,
            token: None,
        });
    }
    if problems.is_empty() {
        return Vec::new();
    }
    // In the order of the text, the file-wide ones first.
    problems.sort_by_key(|p| p.span.as_ref().map(|s| s.start));
    // One copy of the text and of the origin for all the findings.
    let origin: Arc<str> = Arc::from(origin);
    let shared: Arc<str> = Arc::from(text);
    let mut at = Sweep::new(text);
    problems
        .into_iter()
        .map(|mut p| {
            let token = p.token.take();
            let diagnostic = p.into_diagnostic(&origin, &shared);
            Lint {
                location: diagnostic.span().map(|s| at.location(s.start)),
                diagnostic,
                token,
            }
        })
        .collect()
}

/// Lines and columns of offsets that come in order, in one pass over the text.
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

    /// The location of `offset`, no smaller than the one before.
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
