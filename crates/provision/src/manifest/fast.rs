//! The fast path: the usual shape of a manifest read from `toml_parser`'s events.
//!
//! It takes `create_databases = [...]` at the top, then `[[token]]` tables whose keys
//! are `name`, `permissions`, `expiry` and `expires_at`, every value a string (or a
//! list of strings) in quotes without escapes. Anything else, a syntax error included,
//! gives `None`, and the caller reads the text with `toml`'s document instead, which
//! knows all of TOML and says what is wrong. What this path accepts, it reads exactly as
//! the other does (the fuzz target `manifest` checks it).

use std::borrow::Cow;
use std::ops::Range;

use toml_parser::decoder::Encoding;
use toml_parser::parser::{EventReceiver, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Source, Span};

use super::{RawManifest, RawToken, Str};

/// Reads `text`, or gives up (`None`) on anything outside the usual shape.
pub(super) fn read(text: &str) -> Option<RawManifest<'_>> {
    read_in(text, 1 << 16)
}

/// [`read`], lexing `text` in pieces of about `size` bytes (each up to the line of a
/// `[[token]]` header), so that the lexer's tokens of a manifest of thousands of tokens
/// are never held all at once. A cut falls where a line begins with `[[token]]`: were
/// that inside a string or a list of the whole text, the piece before it would end
/// with the string or the list open, which is an error, and this path gives up.
pub(super) fn read_in(text: &str, size: usize) -> Option<RawManifest<'_>> {
    let mut walk = Walk {
        text,
        offset: 0,
        ok: true,
        in_header: false,
        header_start: 0,
        header: Vec::new(),
        key: None,
        expecting_value: false,
        list: None,
        in_token: false,
        line_done: false,
        raw: RawManifest::default(),
        top_keys: Vec::new(),
    };
    let mut tokens = Vec::new();
    let mut errors: Vec<ParseError> = Vec::new();
    let mut start = 0usize;
    loop {
        let end = cut(text, start.saturating_add(size.max(1)));
        let piece = &text[start..end];
        let source = Source::new(piece);
        tokens.clear();
        tokens.extend(source.lex());
        walk.text = piece;
        walk.offset = start;
        // With the same check of whitespace and comments as `toml`'s document.
        let mut receiver = ValidateWhitespace::new(&mut walk, source);
        toml_parser::parser::parse_document(&tokens, &mut receiver, &mut errors);
        let open = walk.in_header || walk.key.is_some() || walk.list.is_some();
        if !walk.ok || !errors.is_empty() || open {
            return None;
        }
        if end == text.len() {
            return Some(walk.raw);
        }
        start = end;
    }
}

/// Where the piece that should end near `from` ends: at the next line of `text` that
/// begins with `[[token]]`, or at its end.
fn cut(text: &str, from: usize) -> usize {
    const HEADER: &[u8] = b"\n[[token]]";
    text.as_bytes()
        .get(from.saturating_sub(1)..)
        .and_then(|rest| rest.windows(HEADER.len()).position(|w| w == HEADER))
        .map_or(text.len(), |at| from + at)
}

/// The state of the walk over the events.
#[allow(clippy::struct_excessive_bools)] // the states of one walk
struct Walk<'t> {
    /// The piece of the text being read, and where it begins in the text.
    text: &'t str,
    offset: usize,
    /// Still the usual shape.
    ok: bool,
    in_header: bool,
    header_start: usize,
    /// The keys of the header being read (`token` for `[[token]]`).
    header: Vec<&'t str>,
    /// The key whose value comes next.
    key: Option<&'t str>,
    /// After `=`.
    expecting_value: bool,
    /// A list being read: where it opened, its strings.
    list: Option<(usize, Vec<Str<'t>>)>,
    /// In a `[[token]]` (else at the top).
    in_token: bool,
    /// A header or a key's value has been read: only a comment or a line break may
    /// follow.
    line_done: bool,
    raw: RawManifest<'t>,
    /// Keys seen at the top (each once).
    top_keys: Vec<&'t str>,
}

/// A value of a key.
enum Value<'t> {
    One(Str<'t>),
    List(Range<usize>, Vec<Str<'t>>),
}

impl<'t> Walk<'t> {
    fn give_up(&mut self) {
        self.ok = false;
    }

    /// Where `span` of the piece is in the text.
    fn at(&self, span: Span) -> Range<usize> {
        self.offset + span.start()..self.offset + span.end()
    }

    fn slice(&self, span: Span) -> Option<&'t str> {
        self.text.get(span.start()..span.end())
    }

    /// A string in quotes without escapes, as written.
    fn string(&self, span: Span, encoding: Option<Encoding>) -> Option<Str<'t>> {
        let raw = self.slice(span)?;
        let quote = match encoding? {
            Encoding::BasicString if !raw.contains('\\') => '"',
            Encoding::LiteralString => '\'',
            _ => return None,
        };
        // Closed by its quote (an unclosed one is an error, left to the other path),
        // and without the control characters TOML forbids in a string.
        let inner = raw.strip_prefix(quote)?.strip_suffix(quote)?;
        if inner.chars().any(|c| c.is_control() && c != '\t') {
            return None;
        }
        Some(Str {
            span: self.at(span),
            text: Cow::Borrowed(inner),
        })
    }

    /// `key = value` read: put it where it goes, or give up.
    fn assign(&mut self, value: Value<'t>) {
        let Some(key) = self.key.take() else {
            return self.give_up();
        };
        self.expecting_value = false;
        self.line_done = true;
        if !self.in_token {
            return match (key, value) {
                ("create_databases", Value::List(_, items)) if !self.top_keys.contains(&key) => {
                    self.top_keys.push(key);
                    self.raw.create_databases = items;
                }
                _ => self.give_up(),
            };
        }
        let Some(token) = self.raw.tokens.last_mut() else {
            return self.give_up();
        };
        let accepted = match (key, value) {
            ("name", Value::One(s)) if token.name.is_none() => {
                token.name = Some(s);
                true
            }
            ("permissions", Value::List(span, items)) if token.permissions.is_none() => {
                token.permissions = Some((span, items));
                true
            }
            ("expiry", Value::One(s)) if token.expiry.is_none() => {
                token.expiry = Some(s);
                true
            }
            ("expires_at", Value::One(s)) if token.expires_at.is_none() => {
                token.expires_at = Some(s);
                true
            }
            _ => false,
        };
        if !accepted {
            self.give_up();
        }
    }
}

impl EventReceiver for Walk<'_> {
    fn std_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.give_up();
    }

    fn array_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        if self.key.is_some() || self.list.is_some() || self.line_done || self.in_header {
            return self.give_up();
        }
        self.in_header = true;
        self.header_start = self.at(span).start;
        self.header.clear();
    }

    fn array_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.in_header = false;
        if self.header != ["token"] || self.top_keys.contains(&"token") {
            return self.give_up();
        }
        self.in_token = true;
        self.line_done = true;
        self.raw.tokens.push(RawToken {
            span: self.header_start..self.at(span).end,
            ..RawToken::default()
        });
    }

    fn inline_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        self.give_up();
        true
    }

    fn array_open(&mut self, span: Span, _error: &mut dyn ErrorSink) -> bool {
        if !self.expecting_value || self.list.is_some() {
            self.give_up();
        } else {
            self.list = Some((self.at(span).start, Vec::new()));
        }
        true
    }

    fn array_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        match self.list.take() {
            Some((start, items)) => {
                let end = self.at(span).end;
                self.assign(Value::List(start..end, items));
            }
            None => self.give_up(),
        }
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        // A bare key, as TOML spells one.
        let bare = |k: &&str| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        let Some(key) = self.slice(span).filter(|_| encoding.is_none()).filter(bare) else {
            return self.give_up();
        };
        if self.line_done {
            return self.give_up();
        }
        if self.in_header {
            self.header.push(key);
        } else if self.key.is_some() || self.list.is_some() {
            self.give_up();
        } else {
            self.key = Some(key);
        }
    }

    fn key_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        // A dotted key.
        self.give_up();
    }

    fn key_val_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if self.key.is_none() {
            return self.give_up();
        }
        self.expecting_value = true;
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let Some(s) = self.string(span, encoding) else {
            return self.give_up();
        };
        match &mut self.list {
            Some((_, items)) => items.push(s),
            None if self.expecting_value => self.assign(Value::One(s)),
            None => self.give_up(),
        }
    }

    fn newline(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if self.list.is_none() && (self.key.is_some() || self.in_header) {
            // A key without its value, or a header cut by a line break.
            return self.give_up();
        }
        if self.list.is_none() {
            self.line_done = false;
        }
    }

    fn error(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.give_up();
    }
}
