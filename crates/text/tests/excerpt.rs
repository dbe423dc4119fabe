//! `LineWindow::excerpt` on any line, span, secrets and options: it never panics, its
//! span is a place in its text, and no character of a secret is shown.

use influxdb3_text::{Diagnostic, ExcerptOptions, Kind};
use proptest::prelude::*;

#[derive(Debug)]
struct Odd;
impl Kind for Odd {
    fn code(&self) -> &'static str {
        "odd"
    }
}

/// A piece of a line: plain text (never `S`) or a secret (`S`s, which are shown only if
/// masking failed).
fn pieces() -> impl Strategy<Value = Vec<(bool, String)>> {
    let plain = "[a-z é数\u{1b}\u{202e}\t]{0,6}".prop_map(|t| (false, t));
    let secret = "S{1,5}".prop_map(|t| (true, t));
    prop::collection::vec(prop_oneof![3 => plain, 1 => secret], 0..12)
}

proptest! {
    #[test]
    fn no_panic_no_secret_and_a_span_in_the_text(
        pieces in pieces(),
        span in (0usize..80, 0usize..8),
        before in 0usize..12,
        columns in 0usize..30,
        escape in any::<bool>(),
        reversed in any::<bool>(),
    ) {
        let mut line = String::new();
        let mut secrets = Vec::new();
        for (secret, text) in &pieces {
            if *secret {
                secrets.push(line.len()..line.len() + text.len());
            }
            line.push_str(text);
        }
        if reversed {
            // Out of order, each twice, and one reaching past the line's end.
            let copies = secrets.clone();
            secrets.extend(copies);
            secrets.reverse();
            if let Some(last) = secrets.first_mut() {
                last.end += 3;
            }
        }
        let start = span.0.min(line.len());
        let end = (start + span.1).min(line.len());
        let d = Diagnostic::new("f", line.as_str(), start..end, Odd, "odd");
        let Some(window) = d.line_window(usize::MAX) else {
            return Ok(());
        };
        let span = d.span().unwrap_or(0..0);
        let options = ExcerptOptions::default().escape(escape).before(before).columns(columns);
        let shown = window.excerpt(span, &secrets, options);
        prop_assert!(!shown.text.contains('S'), "{:?} from {line:?}", shown.text);
        prop_assert!(shown.span.start <= shown.span.end && shown.span.end <= shown.text.len());
        prop_assert!(shown.text.is_char_boundary(shown.span.start));
        prop_assert!(shown.text.is_char_boundary(shown.span.end));
    }
}
