//! An error shown with its causes, on one line.

/// An error and its causes (its [`source`](std::error::Error::source) chain), joined
/// by `: `, as a one-line message shows them: each in its alternate form (`{:#}`),
/// which an error whose `Display` takes several lines (a caret snippet) gives as one
/// line.
///
/// ```
/// use influxdb3_text::chain;
///
/// let io = std::io::Error::new(std::io::ErrorKind::Other, "disk full");
/// #[derive(Debug)]
/// struct Save(std::io::Error);
/// impl std::fmt::Display for Save {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("cannot save")
///     }
/// }
/// impl std::error::Error for Save {
///     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
///         Some(&self.0)
///     }
/// }
/// assert_eq!(chain(&Save(io)), "cannot save: disk full");
/// ```
#[must_use]
pub fn chain(e: &dyn std::error::Error) -> String {
    use std::fmt::Write as _;
    let mut shown = format!("{e:#}");
    let mut source = e.source();
    while let Some(cause) = source {
        // Writing to a String cannot fail.
        let _ = write!(shown, ": {cause:#}");
        source = cause.source();
    }
    shown
}
