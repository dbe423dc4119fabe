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

/// One finding of [`lint`]: a [`Diagnostic`] of a [`Code`], located, and the token it
/// is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    diagnostic: Diagnostic<Code>,
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
    /// file as a whole. The diagnostic's [`location`](Diagnostic::location), worked
    /// out for all the findings of a file in one pass over it
    /// ([`Diagnostic::locate`]).
    pub fn location(&self) -> Option<Location> {
        self.diagnostic.location()
    }

    /// The name of the token it is about, when there is one.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The finding as a diagnostic: the file's path (or a placeholder for [`lint`] of
    /// a text), its text (one copy shared by all the findings of the file), the span of
    /// the offending part with its place already worked out, the message (names from
    /// the file escaped, secrets never shown) and a hint.
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
        if let Some(at) = self.location() {
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

/// How many errors and warnings a [`lint`] found: `2 errors, 1 warning`, or `no
/// problems found` ([`Display`](fmt::Display)), as `influxdb3 tokens lint` sums a file
/// up after its name.
///
/// ```
/// use influxdb3_token::Timestamp;
/// use influxdb3_tokenfile::{LintCount, lint};
///
/// // A value the server refuses (an error), a token that never expires (a warning).
/// let found = lint(r#"{"tokens": [{"token": "nope", "name": "x", "permissions": []}]}"#, Timestamp::now());
/// let count = LintCount::of(&found);
/// assert!(count.errors > 0 && count.fails(false));
/// assert_eq!(LintCount::of(&[]).to_string(), "no problems found");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LintCount {
    /// The findings of [`Severity::Error`].
    pub errors: usize,
    /// The others: [`Severity::Warning`].
    pub warnings: usize,
}

impl LintCount {
    /// The count of `found`.
    pub fn of(found: &[Lint]) -> LintCount {
        let errors = found
            .iter()
            .filter(|l| l.severity() == Severity::Error)
            .count();
        LintCount {
            errors,
            warnings: found.len() - errors,
        }
    }

    /// Whether the file fails the lint: it has an error, or, when `strict`, a warning.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors > 0 || (strict && self.warnings > 0)
    }
}

impl fmt::Display for LintCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (errors, warnings) = (self.errors, self.warnings);
        if errors + warnings == 0 {
            return f.write_str("no problems found");
        }
        let plural =
            |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        write!(
            f,
            "{errors} {}, {warnings} {}",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
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

/// [`lint_file`] of the tokens file `path` names, as [`read_input`](crate::read_input)
/// reads it: for `-`, [`lint`] of what `stdin` gives.
///
/// # Errors
///
/// When the file or standard input cannot be read: the refusals of
/// [`read_input`](crate::read_input).
pub fn lint_input(
    path: impl AsRef<Path>,
    stdin: impl std::io::Read,
    now: Timestamp,
) -> Result<Vec<Lint>, TokenFileError> {
    let path = path.as_ref();
    if crate::is_stdin(path) {
        Ok(lint(&crate::read_input(path, stdin)?, now))
    } else {
        lint_file(path, now)
    }
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
    let (mut diagnostics, tokens): (Vec<Diagnostic<Code>>, Vec<Option<String>>) = problems
        .into_iter()
        .map(|mut p| {
            let token = p.token.take();
            (p.into_diagnostic(&origin, &shared), token)
        })
        .unzip();
    // Each place in one pass over the text, not one scan from its start per finding.
    Diagnostic::locate(&mut diagnostics);
    diagnostics
        .into_iter()
        .zip(tokens)
        .map(|(diagnostic, token)| Lint { diagnostic, token })
        .collect()
}
