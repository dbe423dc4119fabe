//! Arbitrary permission text, names, server bodies and paths through the command
//! line's message rendering: no raw hidden character reaches the terminal, the message
//! stays short whatever the input's length, and a caret sits under a character of the
//! source line above it, in the renderer's gutter layout (`N | SOURCE` over
//! `  |   ^^^`).
#![no_main]

use influxdb3_cli::fuzzing::message;
use influxdb3_text::is_hidden;
use libfuzzer_sys::fuzz_target;
use unicode_width::UnicodeWidthChar;

/// The longest message any input may give, in bytes.
const MAX_MESSAGE: usize = 4096;

fuzz_target!(|input: (u8, &str)| {
    let (what, text) = input;
    let Some(shown) = message(what, text) else {
        return;
    };
    assert!(shown.len() <= MAX_MESSAGE, "{} bytes", shown.len());
    assert!(
        !shown.chars().any(|c| c != '\n' && is_hidden(c)),
        "a raw hidden character: {shown:?}"
    );
    let lines: Vec<&str> = shown.lines().collect();
    // The gutter layout: the source as `N | SOURCE`, the carets under it as
    // `  |   ^^^`, the `|` of both in one column.
    let carets = lines.iter().position(|l| {
        l.trim_start()
            .strip_prefix('|')
            .is_some_and(|marks| marks.trim_start().starts_with('^'))
    });
    if let Some(i) = carets {
        let (gutter, marks) = lines[i].split_once('|').expect("a gutter");
        let (number, source) = lines[i - 1]
            .split_once('|')
            .unwrap_or_else(|| panic!("no source line above the carets: {shown}"));
        assert_eq!(gutter.len(), number.len(), "gutters apart: {shown}");
        assert!(
            number.trim().bytes().all(|b| b.is_ascii_digit()) && !number.trim().is_empty(),
            "no line number: {shown}"
        );
        let marks = marks.strip_prefix(' ').unwrap_or(marks);
        let source = source.strip_prefix(' ').unwrap_or(source);
        // The caret's column is where a character of the source line starts (or just
        // past its end, for a span at the end of the text).
        let column = marks.len() - marks.trim_start().len();
        let mut at = 0;
        let mut starts = vec![0];
        for c in source.chars() {
            at += c.width().unwrap_or(0);
            starts.push(at);
        }
        assert!(starts.contains(&column), "caret at {column}: {shown}");
    }
});
