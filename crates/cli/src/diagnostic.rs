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
use std::ops::Range;

use annotate_snippets::renderer::DEFAULT_LINE_NUM_STYLE;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use influxdb3_text::{Diagnostic, Excerpt, ExcerptOptions, Kind, LineWindow, Severity};
use influxdb3_token::{PREFIX, mask_token_shaped, token_shaped_runs};
use serde_json::{Value, json};

use crate::paint::Paint;
use crate::quote::{self, line};

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
    let title = level
        .primary_title(line(&mask_token_shaped(d.message())))
        .id(d.kind().code());
    let origin = line(&mask_token_shaped(d.origin()));
    let (drawn, place, gutter) = match (d.line_window(READ), d.span(), d.location()) {
        (Some(line), Some(span), Some(at)) => {
            let shown = excerpt(
                &line,
                span.start - line.offset..span.end - line.offset,
                true,
            );
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
        let _ = writeln!(out, "{}: {}", paint.hint(), line(&mask_token_shaped(hint)));
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
    let input = d.line_window(READ).zip(d.span()).map(|(line, span)| {
        excerpt(
            &line,
            span.start - line.offset..span.end - line.offset,
            false,
        )
        .text
    });
    json!({
        "origin": quote::elide(d.origin(), quote::MAX_LINE),
        "line": at.map(|at| at.line),
        "column": at.map(|at| at.column),
        "span": d.span().map(|span| [span.start, span.end]),
        "severity": d.severity().as_str(),
        "code": d.kind().code(),
        "message": quote::elide(d.message(), quote::MAX_LINE),
        "hint": d.hint().map(|hint| quote::elide(hint, quote::MAX_LINE)),
        "input": input,
    })
}

/// The byte ranges of `read` that are secret: what follows `apiv3_` in each
/// token-shaped run. When `read` starts in the middle of its line (`cut`), a run of the
/// alphabet it starts with may be the tail of a token whose prefix lies before it:
/// that run is taken for a secret too.
fn secret_parts(read: &str, cut: bool) -> Vec<Range<usize>> {
    if cut {
        let whole = format!("{PREFIX}{read}");
        token_shaped_runs(&whole)
            .map(|run| run.start..run.end - PREFIX.len())
            .collect()
    } else {
        token_shaped_runs(read)
            .map(|run| run.start + PREFIX.len()..run.end)
            .collect()
    }
}

/// The part of the window `line` around `span` as shown: its secrets masked (see
/// [`secret_parts`]), at most [`BEFORE`] columns before the span and [`WINDOW`] in all.
fn excerpt(line: &LineWindow<'_>, span: Range<usize>, escape: bool) -> Excerpt {
    let secrets = secret_parts(line.text, line.cut_before);
    let options = ExcerptOptions::default()
        .escape(escape)
        .before(BEFORE)
        .columns(WINDOW);
    line.excerpt(span, &secrets, options)
}
