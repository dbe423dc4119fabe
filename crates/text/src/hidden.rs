//! Characters a terminal would hide, and text with them made visible.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Whether a terminal would hide `c` or let it change what follows: control characters
/// (ESC included), bidirectional controls, zero-width and other invisible characters
/// (soft hyphen, word joiners, the byte order mark, tag characters).
///
/// Token names and database names refuse them; everything the crates show is
/// [escaped](escape) by the same rule.
///
/// ```
/// use influxdb3_text::is_hidden;
///
/// assert!(is_hidden('\x1b') && is_hidden('\u{202e}') && is_hidden('\u{200b}'));
/// assert!(!is_hidden('é') && !is_hidden('数') && !is_hidden(' '));
/// ```
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `text` with every [hidden](is_hidden) character escaped the way a shell's `$'…'`
/// reads it back (`\n`, `\t`, `\r`, `\x1b`, `\u202e`, `\U000e0041`), so that what
/// reaches a terminal is exactly what it says. Text without such characters is
/// borrowed as it is.
///
/// ```
/// use influxdb3_text::escape;
///
/// assert_eq!(escape("db\x1b[31m\u{202e}"), "db\\x1b[31m\\u202e");
/// assert_eq!(escape("数据库"), "数据库");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the usual case, is checked a byte at a time.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) || !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        let _ = write_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// `text` with every [hidden](is_hidden) character escaped as [`escape`] does, except
/// its own line breaks (`\n`), which stay: text of several lines (a table, a document)
/// shown as its lines.
///
/// ```
/// use influxdb3_text::escape_lines;
///
/// assert_eq!(escape_lines("a\tb\nc\x1b\n"), "a\\tb\nc\\x1b\n");
/// assert_eq!(escape_lines("x\r\ny"), "x\\r\ny");
/// ```
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hidden(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        let _ = if c == '\n' {
            out.write_char(c)
        } else {
            write_escaped(&mut out, c)
        };
    }
    Cow::Owned(out)
}

/// A JSON document with every [hidden](is_hidden) character inside its strings written
/// as a `\uXXXX` escape (two for a character past U+FFFF), so that a terminal shows it
/// as it is, and the document stays the same JSON with the same values. Outside
/// strings the document's layout stays as it is (a server's body may be indented with
/// tabs and end its lines with `\r\n`), but for a `\r` not followed by `\n`, which would
/// let the rest of a line overwrite its start on a terminal: it becomes a space, which
/// JSON reads the same. A raw line break stays anywhere (inside a string it is invalid
/// JSON and can only be a broken document's own line); any other hidden character
/// outside strings (in a document that is not JSON then) is escaped too. A document
/// without hidden characters is borrowed as it is.
///
/// ```
/// use influxdb3_text::escape_json;
///
/// let doc = "{\r\n\t\"name\": \"x\u{202e}\ty\"\r\n}";
/// assert_eq!(escape_json(doc), "{\r\n\t\"name\": \"x\\u202e\\u0009y\"\r\n}");
/// ```
pub fn escape_json(json: &str) -> Cow<'_, str> {
    let plain = |b: &u8| *b == b'\n' || (0x20..0x7f).contains(b);
    if json.as_bytes().iter().all(plain) || !json.chars().any(|c| c != '\n' && is_hidden(c)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            // A backslash escapes the next character, so `\"` does not end the string.
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
        } else {
            in_string = c == '"';
            let layout = match c {
                '\t' => Some('\t'),
                '\r' if chars.peek() == Some(&'\n') => Some('\r'),
                '\r' => Some(' '),
                _ => None,
            };
            if let Some(kept) = layout {
                out.push(kept);
                continue;
            }
        }
        if c != '\n' && is_hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `c` as [`escape`] shows it: itself, or its escape.
///
/// # Errors
///
/// Those of `f`.
pub fn write_escaped(f: &mut impl fmt::Write, c: char) -> fmt::Result {
    if !is_hidden(c) {
        return f.write_char(c);
    }
    match c {
        '\n' => f.write_str("\\n"),
        '\t' => f.write_str("\\t"),
        '\r' => f.write_str("\\r"),
        c if u32::from(c) < 0x80 => write!(f, "\\x{:02x}", u32::from(c)),
        c if u32::from(c) <= 0xFFFF => write!(f, "\\u{:04x}", u32::from(c)),
        c => write!(f, "\\U{:08x}", u32::from(c)),
    }
}

/// The width of `text` on a terminal, in columns (printable ASCII, the usual case, is
/// one column a byte), for aligning names in columns.
///
/// ```
/// assert_eq!(influxdb3_text::width("reader"), 6);
/// assert_eq!(influxdb3_text::width("数据"), 4);
/// ```
pub fn width(text: &str) -> usize {
    if text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        text.len()
    } else {
        unicode_width::UnicodeWidthStr::width(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escaping_keeps_what_shows_and_names_what_hides() {
        assert_eq!(escape("ok\u{200b}\x07"), "ok\\u200b\\x07");
        assert_eq!(escape("数据 é"), "数据 é");
        assert!(matches!(escape("plain"), Cow::Borrowed("plain")));
        assert_eq!(escape("\u{e0041}"), "\\U000e0041");
    }

    #[test]
    fn lines_keep_their_breaks_and_nothing_else() {
        assert_eq!(
            escape_lines("+--+\n|a\u{202e}|\n+--+"),
            "+--+\n|a\\u202e|\n+--+"
        );
        assert_eq!(escape_lines("a\r\n\tb"), "a\\r\n\\tb");
        assert!(matches!(escape_lines("a\nb\n"), Cow::Borrowed("a\nb\n")));
    }

    #[test]
    fn json_strings_get_unicode_escapes() {
        assert_eq!(
            escape_json("{\"a\":\"x\u{202e}y\"}"),
            "{\"a\":\"x\\u202ey\"}"
        );
        // Past U+FFFF a character is two UTF-16 escapes, as JSON writes it.
        assert_eq!(escape_json("[\"\u{e0041}\"]"), "[\"\\udb40\\udc41\"]");
        assert_eq!(
            escape_json("{\n  \"a\": \"数\"\n}"),
            "{\n  \"a\": \"数\"\n}"
        );
        assert!(matches!(escape_json("[1,\n2]"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_layout_stays_json() {
        // A server's CRLF body indented with tabs: the layout stays, the tab and the
        // escape character inside its strings are escaped, and it is still the same JSON.
        let body = "[\r\n\t{\"a\": \"x\ty\", \"b\\\"\": \"\\\"\u{1b}[2J\"}\r\n]\r\n";
        let shown = escape_json(body);
        assert_eq!(
            shown,
            "[\r\n\t{\"a\": \"x\\u0009y\", \"b\\\"\": \"\\\"\\u001b[2J\"}\r\n]\r\n"
        );
        let value = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
        assert_eq!(
            value(&shown),
            serde_json::json!([{"a": "x\ty", "b\"": "\"\u{1b}[2J"}])
        );
        // A lone `\r` would hide the start of its line on a terminal: a space is the
        // same JSON.
        assert_eq!(escape_json("{\"a\":1,\r\"b\":2}"), "{\"a\":1, \"b\":2}");
        // Outside strings, another hidden character (no JSON then) is still escaped.
        assert_eq!(escape_json("\u{1b}[2J{}"), "\\u001b[2J{}");
    }

    proptest! {
        /// Whatever the text, what the three escapes show has no hidden character
        /// left but the line breaks that `escape_lines` and `escape_json` keep, and
        /// as many of those as the text had.
        #[test]
        fn nothing_hidden_is_left(text in ".{0,40}|[a\"\\\\\n\r\t\u{1b}\u{202e}\u{e0041}]{0,20}") {
            prop_assert!(!escape(&text).chars().any(is_hidden));
            let json = escape_json(&text);
            // JSON keeps its layout: tabs, and `\r` before `\n`.
            let layout = json.replace("\r\n", "\n").replace('\t', "");
            for shown in [escape_lines(&text), Cow::Owned(layout)] {
                prop_assert!(!shown.chars().any(|c| c != '\n' && is_hidden(c)), "{:?}", shown);
                prop_assert_eq!(shown.matches('\n').count(), text.matches('\n').count());
            }
        }

        /// A JSON document, laid out with any whitespace and holding any strings, is
        /// the same JSON after `escape_json`.
        #[test]
        fn json_stays_the_same_json(
            strings in proptest::collection::vec(".{0,8}|[a\"\\\\\t\r\u{1b}\u{202e}]{0,8}", 1..4),
            space in "[ \t\n]|\r\n|\r",
        ) {
            let items: Vec<String> = strings
                .iter()
                .map(|s| serde_json::Value::String(s.clone()).to_string())
                .collect();
            let doc = format!("[{space}{}{space}]", items.join(&format!(",{space}")));
            let shown = escape_json(&doc);
            prop_assert_eq!(
                serde_json::from_str::<serde_json::Value>(&shown).unwrap(),
                serde_json::from_str::<serde_json::Value>(&doc).unwrap()
            );
        }
    }
}
