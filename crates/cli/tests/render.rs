//! What the binary renders, pinned without a child process: the diagnostic renderer's
//! layout, bounds and masking, and completion (quoting is `influxdb3-token`'s, and
//! tested there).

use std::fmt::Write as _;
use std::ops::Range;

use influxdb3_cli::testing::{
    bash_registration, complete_permission, diagnostic as render, diagnostic_json as json,
    diagnostic_painted, permission_error,
};
use influxdb3_text::{Diagnostic, Kind, Severity};
use influxdb3_token::PREFIX;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bad;
impl Kind for Bad {
    fn code(&self) -> &'static str {
        "bad"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Risky;
impl Kind for Risky {
    fn code(&self) -> &'static str {
        "risky"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
}

fn at(text: &str, span: Range<usize>) -> Diagnostic<Bad> {
    Diagnostic::new("f.json", text, span, Bad, "bad thing")
}

/// The source line and the caret line of a plain rendering, without the gutter.
fn lines(d: &Diagnostic<impl Kind>) -> (String, String) {
    let out = render(d);
    let mut rows = out.lines().skip(3).map(|row| {
        let (_, shown) = row.split_once('|').unwrap();
        shown.strip_prefix(' ').unwrap_or(shown).to_owned()
    });
    (rows.next().unwrap(), rows.next().unwrap())
}

/// Display columns before the first caret, and the number of carets.
fn caret(carets: &str) -> (usize, usize) {
    let before = carets.find('^').unwrap();
    (before, carets[before..].matches('^').count())
}

#[test]
fn the_whole_layout() {
    let d = at("line one\nsay reed here\n", 13..17).with_hint("did you mean `read`?");
    assert_eq!(
        render(&d),
        "error[bad]: bad thing\n \
         --> f.json:2:5\n  \
         |\n\
         2 | say reed here\n  \
         |     ^^^^\n\
         hint: did you mean `read`?\n"
    );
    let d = Diagnostic::new("f.json", "x", 0..1, Risky, "odd");
    assert!(render(&d).starts_with("warning[risky]: odd\n --> f.json:1:1\n"));
}

#[test]
fn colour_only_when_painted() {
    let d = at("abc", 1..2).with_hint("h");
    assert!(!render(&d).contains('\x1b'));
    let painted = diagnostic_painted(&d);
    assert!(painted.contains("\x1b["));
    let plain = anstream::adapter::strip_str(&painted).to_string();
    assert_eq!(plain, render(&d));
}

#[test]
fn caret_under_a_wide_character() {
    let d = at("db:数据库:reed", 3..6);
    let (source, carets) = lines(&d);
    assert_eq!(source, "db:数据库:reed");
    assert_eq!(caret(&carets), (3, 2));
    assert!(render(&d).contains("--> f.json:1:4\n"));
    let d = at("db:数据库:reed", 13..17);
    let (_, carets) = lines(&d);
    assert_eq!(caret(&carets), (10, 4));
}

#[test]
fn caret_after_an_escaped_hidden_character() {
    let d = at("a\x1b[31mb\u{202e}c:x", 10..11);
    let (source, carets) = lines(&d);
    assert_eq!(source, "a\\x1b[31mb\\u202ec:x");
    assert_eq!(&source[caret(&carets).0..], "c:x");
    assert_eq!(caret(&carets).1, 1);
    // The place is the source's, not the escaped line's.
    assert!(render(&d).contains("--> f.json:1:9\n"));
    // A tab is escaped too, so that it cannot shift the caret.
    let (source, carets) = lines(&at("\tx", 1..2));
    assert_eq!(source, "\\tx");
    assert_eq!(caret(&carets), (2, 1));
}

#[test]
fn caret_after_a_masked_token() {
    let token = format!("apiv3_{}", "q".repeat(86));
    let text = format!(r#"{{"token":"{token}","nmae":1}}"#);
    let span = text.find("nmae").unwrap();
    let d = at(&text, span..span + 4);
    let (source, carets) = lines(&d);
    assert_eq!(source, r#"{"token":"apiv3_***","nmae":1}"#);
    assert_eq!(&source[caret(&carets).0..], r#"nmae":1}"#);
    assert_eq!(caret(&carets).1, 4);
    assert!(render(&d).contains(&format!("--> f.json:1:{}\n", span + 1)));
    assert!(!render(&d).contains("qqqq"));
    // A span on the token itself points at its mask.
    let start = text.find("apiv3_").unwrap();
    let (source, carets) = lines(&at(&text, start..start + token.len()));
    assert_eq!(caret(&carets), (source.find("apiv3_").unwrap(), 9));
    let (_, carets) = lines(&at(&text, start + 20..start + 20));
    assert_eq!(caret(&carets), (source.find("***").unwrap(), 3));
}

#[test]
fn caret_in_a_window_cut_from_a_long_line() {
    let mut text = "[".to_owned();
    for i in 0..200_000 {
        let _ = write!(text, r#"{{"name":"t{i}"}},"#);
    }
    let span = text.find(r#""t100000""#).unwrap();
    text.push(']');
    let d = at(&text, span..span + 9);
    let out = render(&d);
    assert!(out.lines().all(|l| l.chars().count() < 130), "{out}");
    let (source, carets) = lines(&d);
    assert!(source.starts_with('…') && source.ends_with('…'));
    let (before, count) = caret(&carets);
    assert_eq!(count, 9);
    assert!(
        source
            .chars()
            .skip(before)
            .collect::<String>()
            .starts_with(r#""t100000""#)
    );
    assert!(out.contains(&format!("--> f.json:1:{}\n", span + 1)));
    // A token whose prefix is further back than the part read is masked all the same.
    let long = format!("x apiv3_{} nmae", "s".repeat(10_000));
    let span = long.find("nmae").unwrap();
    let (source, carets) = lines(&at(&long, span..span + 4));
    assert_eq!(source, "…*** nmae");
    assert_eq!(caret(&carets), (5, 4));
}

#[test]
fn crlf_lines_show_without_their_carriage_return() {
    let d = at("a\r\nb x\r\nc", 5..6);
    let (source, carets) = lines(&d);
    assert_eq!(source, "b x");
    assert_eq!(caret(&carets), (2, 1));
    assert!(render(&d).contains("--> f.json:2:3\n"));
    // A span that reaches into the line break stops at the line's end.
    let (_, carets) = lines(&at("a\r\nb x\r\nc", 5..8));
    assert_eq!(caret(&carets), (2, 1));
}

#[test]
fn span_at_the_end_of_the_text() {
    let d = at("db:a:", 5..5);
    let (source, carets) = lines(&d);
    assert_eq!(source, "db:a:");
    assert_eq!(caret(&carets), (5, 1));
    assert!(render(&d).contains("--> f.json:1:6\n"));
    // An empty line still gets its caret.
    let (source, carets) = lines(&at("", 0..0));
    assert_eq!((source.as_str(), caret(&carets)), ("", (0, 1)));
    let (source, carets) = lines(&at("a\n\nb", 2..2));
    assert_eq!((source.as_str(), caret(&carets)), ("", (0, 1)));
}

#[test]
fn whole_source_has_no_snippet() {
    let d = Diagnostic::whole("f.json", "{}", Bad, "not a tokens file").with_hint("h");
    assert_eq!(
        render(&d),
        "error[bad]: not a tokens file\n --> f.json\nhint: h\n"
    );
    let value = json(&d);
    assert!(value["span"].is_null() && value["input"].is_null() && value["line"].is_null());
}

#[test]
fn secrets_and_hidden_characters_never_reach_the_message() {
    let d = Diagnostic::new(
        "apiv3_fromorigin",
        "apiv3_abcdefgh:x",
        15..16,
        Bad,
        "bad `apiv3_abcdefgh`\x1b[2J",
    )
    .with_hint("not apiv3_abcdefgh");
    let out = render(&d);
    assert!(
        !out.contains("abcdefgh") && !out.contains("fromorigin"),
        "{out}"
    );
    assert!(
        out.starts_with("error[bad]: bad `apiv3_***`\\x1b[2J\n"),
        "{out}"
    );
    let value = json(&d);
    assert!(!value.to_string().contains("abcdefgh"), "{value}");
}

#[test]
fn json_keeps_the_keys_of_findings_and_errors() {
    let d = at("db:a:reed", 5..9).with_hint("did you mean `read`?");
    assert_eq!(
        json(&d),
        json!({
            "origin": "f.json",
            "line": 1,
            "column": 6,
            "span": [5, 9],
            "severity": "error",
            "code": "bad",
            "message": "bad thing",
            "hint": "did you mean `read`?",
            "input": "db:a:reed",
        })
    );
    // JSON escapes what it must itself; secrets are masked there too.
    let d = at("\u{202e}apiv3_abc x", 13..14);
    assert_eq!(json(&d)["input"], "\u{202e}apiv3_*** x");
}

/// Text made of what matters to the excerpt: tokens (long and short), hidden and
/// wide characters, line breaks, and anything else.
fn sources() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop::collection::vec(
        prop_oneof![
            Just("apiv3_".to_owned()),
            "[A-Za-z0-9._~+/=-]{0,300}",
            "[ \"',:\\\\é数\n\r\t\x1b\u{202e}]{0,3}",
            ".{0,4}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest::proptest! {
    #[test]
    fn what_is_shown_is_bounded_and_masked(
        text in sources(),
        start in 0usize..4000,
        len in 0usize..400,
    ) {
        let d = at(&text, start..start + len);
        let out = render(&d);
        for line in out.lines() {
            proptest::prop_assert!(line.chars().count() < 130, "{out}");
            proptest::prop_assert!(!line.chars().any(influxdb3_text::is_hidden), "{out}");
        }
        for shown in [out, json(&d).to_string()] {
            for (i, _) in shown.match_indices(PREFIX) {
                let after = shown[i + PREFIX.len()..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"-_.~+/=".contains(b))
                    .count();
                proptest::prop_assert!(after < 8, "{shown}");
            }
        }
    }
}

#[test]
fn the_permission_error_of_the_grammar() {
    assert_eq!(
        permission_error("--permission", "db:a,*:read").unwrap(),
        "error[invalid-permission]: mixed wildcard (*) and resource name\n \
         --> --permission:1:6\n  \
         |\n\
         1 | db:a,*:read\n  \
         |      ^\n"
    );
}

#[test]
fn the_bash_script_quotes_what_it_inserts() {
    let script = bash_registration();
    // clap_complete's shape is the expected one: both rewrites took place.
    assert!(script.contains("set -f\n    COMPREPLY=( $("), "{script}");
    assert!(script.contains("printf -v \"COMPREPLY["), "{script}");
}

#[test]
fn completion_is_the_grammars() {
    assert_eq!(complete_permission("s"), ["system:"]);
    assert_eq!(complete_permission("db:a:r"), ["db:a:read"]);
}
