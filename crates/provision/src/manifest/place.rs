//! Where a part of a value is written: the value of `"a\u0041b"` is `aAb`, and its `b`
//! is byte 8 of the string as written.
//!
//! `toml`'s own decoder (`toml_parser`, the layer under `toml`'s document) decodes the
//! string again, and says which pieces of the value it copied from the source and
//! which it made from an escape; nothing here reads TOML itself. Only errors need it.

use std::ops::Range;

use toml_parser::Source;
use toml_parser::decoder::StringBuilder;
use toml_parser::lexer::TokenKind;

/// The bytes of `text` that hold the bytes `inner` of the value written at `span`: a
/// string with its quotes (of any of TOML's four kinds), or a bare key or any other
/// value, whose value is what is written. A part made by an escape is the whole escape;
/// an empty part is where it would be (the closing quote, at the end of a string).
pub(super) fn source_range(text: &str, span: Range<usize>, inner: Range<usize>) -> Range<usize> {
    let Some(written) = text.get(span.clone()) else {
        return span;
    };
    let pieces = Pieces::of(written);
    let start = pieces.start_of(inner.start);
    let end = if inner.end > inner.start {
        pieces.end_of(inner.end).max(start)
    } else {
        start
    };
    span.start + start..span.start + end
}

/// One piece of a value: copied from the source, or made by an escape.
#[derive(Debug)]
struct Piece {
    /// Where it is in the value.
    value: Range<usize>,
    /// Where it is written, in the string as written (for an escape, the whole escape).
    source: Range<usize>,
    copied: bool,
}

/// A value as its pieces, in order.
#[derive(Debug)]
struct Pieces<'w> {
    written: &'w str,
    list: Vec<Piece>,
    /// The value's length so far.
    len: usize,
}

impl<'w> Pieces<'w> {
    fn of(written: &'w str) -> Pieces<'w> {
        let mut pieces = Pieces {
            written,
            list: Vec::new(),
            len: 0,
        };
        let source = Source::new(written);
        let string = source.lex().next().filter(|token| {
            matches!(
                token.kind(),
                TokenKind::BasicString
                    | TokenKind::LiteralString
                    | TokenKind::MlBasicString
                    | TokenKind::MlLiteralString
            ) && token.span().end() == written.len()
        });
        if let Some(raw) = string.and_then(|token| source.get(token)) {
            // The string has been read once by `toml` without error: none now.
            let _ = raw.decode_scalar(&mut pieces, &mut ());
            pieces.close(written.len());
        } else {
            // Not a string: the value is as written.
            pieces.list.push(Piece {
                value: 0..written.len(),
                source: 0..written.len(),
                copied: true,
            });
            pieces.len = written.len();
        }
        pieces
    }

    /// Ends an escape that is still open at `at` (the start of the next piece).
    fn close(&mut self, at: usize) {
        if let Some(last) = self.list.last_mut()
            && !last.copied
            && last.source.end == usize::MAX
        {
            last.source.end = at.max(last.source.start);
        }
    }

    /// Where the value's byte `at` is written (where the value ends, for its length).
    fn start_of(&self, at: usize) -> usize {
        for piece in &self.list {
            if piece.value.contains(&at) {
                return if piece.copied {
                    piece.source.start + (at - piece.value.start)
                } else {
                    piece.source.start
                };
            }
        }
        self.list.last().map_or(0, |piece| piece.source.end)
    }

    /// Where the value's bytes up to `at` (excluded, `at > 0`) end as written.
    fn end_of(&self, at: usize) -> usize {
        for piece in &self.list {
            if piece.value.start < at && at <= piece.value.end {
                return if piece.copied {
                    piece.source.start + (at - piece.value.start)
                } else {
                    piece.source.end
                };
            }
        }
        self.list.last().map_or(0, |piece| piece.source.end)
    }

    /// The end of the last piece as written.
    fn end(&self) -> usize {
        self.list.last().map_or(0, |piece| piece.source.end)
    }
}

impl<'w> StringBuilder<'w> for Pieces<'w> {
    fn clear(&mut self) {
        self.list.clear();
        self.len = 0;
    }

    fn push_str(&mut self, append: &'w str) -> bool {
        let within = append
            .as_ptr()
            .addr()
            .checked_sub(self.written.as_ptr().addr())
            .filter(|at| at + append.len() <= self.written.len());
        let Some(at) = within else {
            // Not a slice of the source (never so today): like an escape.
            return self.push_made(append.len());
        };
        self.close(at);
        self.list.push(Piece {
            value: self.len..self.len + append.len(),
            source: at..at + append.len(),
            copied: true,
        });
        self.len += append.len();
        true
    }

    fn push_char(&mut self, append: char) -> bool {
        self.push_made(append.len_utf8())
    }
}

impl Pieces<'_> {
    /// A part of the value made by an escape, written from the end of the piece before
    /// to the start of the next.
    fn push_made(&mut self, len: usize) -> bool {
        if let Some(last) = self.list.last_mut()
            && !last.copied
            && last.source.end == usize::MAX
        {
            // Two made pieces without a copied one between (never so today): one.
            last.value.end += len;
            self.len += len;
            return true;
        }
        let start = self.end();
        self.close(start);
        self.list.push(Piece {
            value: self.len..self.len + len,
            source: start..usize::MAX,
            copied: false,
        });
        self.len += len;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::source_range;

    /// The text at the place of bytes `inner` of the value written as the whole `text`.
    fn at(text: &str, inner: std::ops::Range<usize>) -> &str {
        &text[source_range(text, 0..text.len(), inner)]
    }

    #[test]
    fn plain_strings_of_each_kind() {
        assert_eq!(at(r#""db:a:x""#, 5..6), "x");
        assert_eq!(at("'db:a:x'", 5..6), "x");
        assert_eq!(at("\"\"\"\ndb:a:x\"\"\"", 5..6), "x");
        assert_eq!(at("'''\r\ndb:a:x'''", 2..5), ":a:");
    }

    #[test]
    fn escapes_are_mapped() {
        // `\u0041` is one byte of the value, six written.
        let text = r#""a\u0041b""#;
        assert_eq!(at(text, 1..2), r"\u0041");
        assert_eq!(at(text, 2..3), "b");
        assert_eq!(at(text, 0..3), r"a\u0041b");
        // Two escapes in a row, then a character of two bytes.
        let text = r#""\t\"é!""#;
        assert_eq!(at(text, 1..2), r#"\""#);
        assert_eq!(at(text, 2..4), "é");
        assert_eq!(at(text, 4..5), "!");
        // A line-ending backslash makes nothing.
        let text = "\"\"\"a\\\n   b\"\"\"";
        assert_eq!(at(text, 1..2), "b");
    }

    #[test]
    fn the_end_of_a_string_is_its_closing_quote() {
        assert_eq!(at(r#""ab""#, 2..2), "");
        assert_eq!(source_range(r#""ab""#, 0..4, 2..2), 3..3);
        assert_eq!(source_range(r#""""#, 0..2, 0..0), 1..1);
        assert_eq!(source_range(r#""a\n""#, 0..5, 1..2), 2..4);
    }

    #[test]
    fn other_values_are_as_written() {
        assert_eq!(at("name", 1..3), "am");
        assert_eq!(at("2027-01-01T00:00:00Z", 0..4), "2027");
        assert_eq!(source_range("x = 1", 4..5, 0..9), 4..5);
    }
}
