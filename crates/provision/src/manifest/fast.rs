//! The fast path: the usual shape of a manifest, read by a scanner of its own.
//!
//! It takes `create_databases = [...]` at the top, then `[[token]]` tables whose keys
//! are `name`, `permissions`, `expiry` and `expires_at`; every value a string in quotes
//! without escapes, or a list of such strings (over several lines and with comments,
//! if need be); blank lines and comments. Anything else, a syntax error included,
//! gives `None`, and the caller reads the text with `toml`'s document instead, which
//! knows all of TOML and says what is wrong. What this path accepts, it reads exactly
//! as the other does (the fuzz target `manifest` checks it); where TOML's rules are
//! subtle (control characters in comments), it gives up rather than decide.

use std::borrow::Cow;
use std::ops::Range;

use super::{RawManifest, RawToken, Str};

/// Reads `text`, or gives up (`None`) on anything outside the usual shape.
pub(super) fn read(text: &str) -> Option<RawManifest<'_>> {
    let mut scan = Scan { text, at: 0 };
    let mut raw = RawManifest::default();
    let mut databases_read = false;
    loop {
        scan.blank();
        match scan.peek() {
            None => return Some(raw),
            Some(b'\n' | b'\r' | b'#') => {}
            Some(b'[') => {
                let start = scan.at;
                scan.literal("[[token]]")?;
                raw.tokens.push(RawToken {
                    span: start..scan.at,
                    ..RawToken::default()
                });
            }
            Some(_) => {
                let key = scan.key()?;
                scan.blank();
                scan.literal("=")?;
                scan.blank();
                match (raw.tokens.last_mut(), key) {
                    (None, "create_databases") if !databases_read => {
                        databases_read = true;
                        raw.create_databases = scan.list()?.1;
                    }
                    (Some(token), "name") if token.name.is_none() => {
                        token.name = Some(scan.string()?);
                    }
                    (Some(token), "permissions") if token.permissions.is_none() => {
                        token.permissions = Some(scan.list()?);
                    }
                    (Some(token), "expiry") if token.expiry.is_none() => {
                        token.expiry = Some(scan.string()?);
                    }
                    (Some(token), "expires_at") if token.expires_at.is_none() => {
                        token.expires_at = Some(scan.string()?);
                    }
                    _ => return None,
                }
            }
        }
        // What a line holds after its header or its `key = value`.
        scan.line_end()?;
    }
}

/// A cursor over the text.
struct Scan<'t> {
    text: &'t str,
    /// The byte offset read up to.
    at: usize,
}

impl<'t> Scan<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn rest(&self) -> &'t [u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    /// Spaces and tabs, TOML's whitespace.
    fn blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// `expected`, as written.
    fn literal(&mut self, expected: &str) -> Option<()> {
        self.rest().starts_with(expected.as_bytes()).then(|| {
            self.at += expected.len();
        })
    }

    /// A bare key (letters, digits, `_` and `-`).
    fn key(&mut self) -> Option<&'t str> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.at += 1;
        }
        (self.at > start).then(|| &self.text[start..self.at])
    }

    /// A comment, if one begins here, up to (not including) its line break. Any control
    /// character but a tab gives up, a line break's CR aside.
    fn comment(&mut self) -> Option<()> {
        if self.peek() != Some(b'#') {
            return Some(());
        }
        let rest = self.rest();
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let body = rest.get(..end)?;
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if !plain(body) {
            return None;
        }
        self.at += body.len();
        Some(())
    }

    /// The end of a line: blanks, a comment, and a line break (LF or CRLF) or the end
    /// of the text.
    fn line_end(&mut self) -> Option<()> {
        self.blank();
        self.comment()?;
        if self.peek().is_none() {
            return Some(());
        }
        if self.literal("\n").is_none() {
            self.literal("\r\n")?;
        }
        Some(())
    }

    /// What may stand between the items of a list: blanks, comments and line breaks.
    fn between_items(&mut self) -> Option<()> {
        loop {
            self.blank();
            match self.peek() {
                Some(b'#') => self.comment()?,
                Some(b'\n') => self.at += 1,
                Some(b'\r') => self.literal("\r\n")?,
                _ => return Some(()),
            }
        }
    }

    /// A string in quotes on one line, without escapes (`"…"` without a backslash, or
    /// `'…'`), and not the opening of a multi-line one.
    fn string(&mut self) -> Option<Str<'t>> {
        let quote = match self.peek()? {
            b'"' if !self.rest().starts_with(b"\"\"\"") => b'"',
            b'\'' if !self.rest().starts_with(b"'''") => b'\'',
            _ => return None,
        };
        let start = self.at;
        let rest = self.rest().get(1..)?;
        let len = rest.iter().position(|&b| b == quote)?;
        let inner = rest.get(..len)?;
        if (quote == b'"' && inner.contains(&b'\\')) || !plain(inner) {
            return None;
        }
        self.at = start + len + 2;
        Some(Str {
            span: start..self.at,
            text: Cow::Borrowed(self.text.get(start + 1..start + 1 + len)?),
        })
    }

    /// A list of strings: where it is (its brackets included), and its strings.
    fn list(&mut self) -> Option<(Range<usize>, Vec<Str<'t>>)> {
        let start = self.at;
        self.literal("[")?;
        let mut items = Vec::new();
        loop {
            self.between_items()?;
            if self.literal("]").is_some() {
                return Some((start..self.at, items));
            }
            items.push(self.string()?);
            self.between_items()?;
            if self.literal(",").is_none() {
                self.literal("]")?;
                return Some((start..self.at, items));
            }
        }
    }
}

/// Whether `bytes` hold no control character but tabs (C1 controls included, as
/// `char::is_control` counts them): the rule of strings, and this path's for comments.
fn plain(bytes: &[u8]) -> bool {
    // Printable ASCII and tabs, the usual case, a byte at a time.
    if bytes
        .iter()
        .all(|&b| (b' '..=b'~').contains(&b) || b == b'\t')
    {
        return true;
    }
    std::str::from_utf8(bytes).is_ok_and(|s| !s.chars().any(|c| c.is_control() && c != '\t'))
}
