//! Characters a terminal would hide, and text with them made visible.

use std::borrow::Cow;
use std::fmt;

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
