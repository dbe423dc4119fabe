//! One look for every problem that points into text (a `--permission` value, a line of
//! a tokens file or a manifest), drawn with annotate-snippets as cargo and rustc draw
//! theirs:
//!
//! ```text
//! error[invalid-permission]: mixed wildcard (*) and resource name
//!  --> --permission:1:6
//!   |
//! 1 | db:a,*:read
//!   |      ^
//! hint: …
//! ```
//!
//! and one JSON object for the same diagnostic. What comes from the source is bounded
//! and safe before it is shown: token-shaped values are masked (`apiv3_***`), hidden
//! characters escaped, and a long line cut to a window around the span, so that a
//! one-line JSON file of megabytes costs a few kilobytes of work and one short line.

use std::fmt::Write as _;

use annotate_snippets::renderer::DEFAULT_LINE_NUM_STYLE;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use influxdb3_text::{Diagnostic, Excerpt, ExcerptOptions, Kind, Severity};
use influxdb3_token::{MAX_LINE_CHARS, elide, message_line as line, secret_ranges};
use serde_json::{Value, json};

use crate::paint::Paint;

/// Columns of the source line shown before the span, at most.
const BEFORE: usize = 40;
/// Columns of the source line shown in all, at most (a `…` at either cut comes on top).
const WINDOW: usize = 100;
/// Bytes of the line read on either side of the span's start, at most
/// ([`Diagnostic::line_window`]): more than the window needs after escaping (at most
/// ten columns a character) and masking.
const READ: usize = 2048;

/// `error` in bold red and `warning` in bold yellow, as [`Paint`] shows them elsewhere.
const ERROR_STYLE: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();
const WARNING_STYLE: anstyle::Style = anstyle::AnsiColor::Yellow.on_default().bold();

/// `d` as stderr shows it: `SEVERITY[CODE]: MESSAGE`, the place as `--> ORIGIN:LINE:COLUMN`,
/// the source line in a gutter with a caret under the span, and `hint: HINT`. A
/// diagnostic about the source as a whole has its origin alone as the place, and no
/// source line. Styled with `Paint::On` (anstream strips it where colour is off).
pub(crate) fn render<K: Kind>(d: &Diagnostic<K>, paint: Paint) -> String {
    let level = match d.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let renderer = match paint {
        Paint::On => Renderer::styled()
            .error(ERROR_STYLE)
            .warning(WARNING_STYLE)
            .line_num(DEFAULT_LINE_NUM_STYLE),
        Paint::Off => Renderer::plain(),
    };
    let title = level.primary_title(line(d.message())).id(d.kind().code());
    let origin = line(d.origin());
    let (drawn, place, gutter) = match (excerpt(d, true), d.location()) {
        (Some(shown), Some(at)) => {
            let snippet = Snippet::source(shown.text)
                .line_start(at.line)
                .annotation(AnnotationKind::Primary.span(shown.span));
            (
                renderer.render(&[title.element(snippet)]),
                format!("{origin}:{}:{}", at.line, at.column),
                at.line.to_string().len(),
            )
        }
        _ => (renderer.render(&[Group::with_title(title)]), origin, 1),
    };
    // annotate-snippets would compute the column from the excerpt, which is masked,
    // escaped and cut: the place line is ours, in its style, with the source's own
    // line and column.
    let arrow = match paint {
        Paint::On => format!("{DEFAULT_LINE_NUM_STYLE}-->{DEFAULT_LINE_NUM_STYLE:#}"),
        Paint::Off => "-->".to_owned(),
    };
    let (head, body) = drawn.split_once('\n').unwrap_or((&drawn, ""));
    let mut out = format!("{head}\n{:gutter$}{arrow} {place}\n", "");
    if !body.is_empty() {
        out.push_str(body);
        out.push('\n');
    }
    if let Some(hint) = d.hint() {
        let _ = writeln!(out, "{}: {}", paint.hint(), line(hint));
    }
    out
}

/// `d` as one JSON object, the same for every diagnostic:
/// `{"origin", "line", "column", "span", "severity", "code", "message", "hint",
/// "input"}`. `line` and `column` are 1-based (the column in characters), `span` is
/// `[start, end]` in bytes of the source; `input` is the source line as shown (secrets
/// masked, cut to a window around the span with `…`); `line`, `column`, `span` and
/// `input` are `null` for a diagnostic about the source as a whole, `hint` where
/// there is none.
pub(crate) fn json<K: Kind>(d: &Diagnostic<K>) -> Value {
    let at = d.location();
    let input = excerpt(d, false).map(|shown| shown.text);
    json!({
        "origin": elide(d.origin(), MAX_LINE_CHARS),
        "line": at.map(|at| at.line),
        "column": at.map(|at| at.column),
        "span": d.span().map(|span| [span.start, span.end]),
        "severity": d.severity().as_str(),
        "code": d.kind().code(),
        "message": elide(d.message(), MAX_LINE_CHARS),
        "hint": d.hint().map(|hint| elide(hint, MAX_LINE_CHARS)),
        "input": input,
    })
}

/// The part of `d`'s line around its span as shown: its token secrets masked
/// ([`secret_ranges`]), at most [`BEFORE`] columns before the span and [`WINDOW`] in all.
fn excerpt<K: Kind>(d: &Diagnostic<K>, escape: bool) -> Option<Excerpt> {
    let options = ExcerptOptions::default()
        .escape(escape)
        .before(BEFORE)
        .columns(WINDOW);
    d.excerpt(READ, secret_ranges, options)
}
