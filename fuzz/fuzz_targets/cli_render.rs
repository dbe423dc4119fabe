//! Arbitrary permission text, names, server bodies and paths through the command
//! line's message rendering: no raw hidden character reaches the terminal, the message
//! stays short whatever the input's length, and a caret sits under a character of the
//! line above it.
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
    if let Some(i) = lines.iter().position(|l| l.trim_start().starts_with('^')) {
        // The caret's column is where a character of the line above starts.
        let column = lines[i].len() - lines[i].trim_start().len();
        let mut at = 0;
        let mut starts = vec![0];
        for c in lines[i - 1].chars() {
            at += c.width().unwrap_or(0);
            starts.push(at);
        }
        assert!(starts.contains(&column), "caret at {column}: {shown}");
    }
});
