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

/// The ranges of `S` runs in `text`, as a caller's secret finder would give them; a
/// window cut before its start also counts a leading run of `s` as a secret's tail.
fn runs_of_s(text: &str, cut_before: bool) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    if cut_before {
        let tail = text.bytes().take_while(|&b| b == b's').count();
        if tail > 0 {
            found.push(0..tail);
        }
    }
    let mut at = 0;
    while let Some(i) = text[at..].find('S') {
        let start = at + i;
        let end = start + text[start..].bytes().take_while(|&b| b == b'S').count();
        found.push(start..end);
        at = end;
    }
    found
}

#[test]
fn a_diagnostics_excerpt_is_its_line_windows_with_the_secrets_found_there() {
    let text = format!(
        "first\n{}SSS x bad {}\nlast",
        "s".repeat(50),
        "y".repeat(50)
    );
    let bad = text.find("bad").unwrap();
    let d = Diagnostic::new("f", text.as_str(), bad..bad + 3, Odd, "odd");
    let options = ExcerptOptions::default().before(10).columns(30);
    // Read 8 bytes either side: the window starts inside the line, amid the `s` run.
    let shown = d.excerpt(8, runs_of_s, options).unwrap();
    let window = d.line_window(8).unwrap();
    assert!(window.cut_before && window.cut_after);
    let by_hand = window.excerpt(
        bad - window.offset..bad + 3 - window.offset,
        &runs_of_s(window.text, true),
        options,
    );
    assert_eq!(shown, by_hand);
    assert_eq!(shown.text, "…****** x bad yyyy…");
    assert_eq!(&shown.text[shown.span.clone()], "bad");
    // Read whole, the `s` run is no secret: the finder is told the window is whole.
    let whole = d.excerpt(usize::MAX, runs_of_s, options).unwrap();
    assert!(whole.text.contains("s*** x bad"), "{}", whole.text);
    // A diagnostic about the whole source has no line to show.
    let all = Diagnostic::whole("f", text.as_str(), Odd, "odd");
    assert_eq!(all.excerpt(8, |_, _| unreachable!(), options), None);
}
