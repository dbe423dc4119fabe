//! A bounded piece of a source line as a renderer shows it.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Kind, LineWindow};
use crate::hidden::{width, write_escaped};

/// A bounded piece of one source line as shown, and the span in it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Excerpt {
    /// The piece as shown.
    pub text: String,
    /// The span's bytes in `text`.
    pub span: Range<usize>,
}

/// How much of a line an [`Excerpt`] shows, and how: by default, hidden characters
/// escaped, at most 40 columns before the span and 100 in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct ExcerptOptions {
    escape: bool,
    before: usize,
    columns: usize,
}

impl Default for ExcerptOptions {
    fn default() -> Self {
        ExcerptOptions {
            escape: true,
            before: 40,
            columns: 100,
        }
    }
}

impl ExcerptOptions {
    /// Escape [hidden](crate::is_hidden) characters (for a terminal), or leave them
    /// (for JSON, which escapes its own).
    pub fn escape(mut self, escape: bool) -> Self {
        self.escape = escape;
        self
    }

    /// The most columns shown before the span.
    pub fn before(mut self, columns: usize) -> Self {
        self.before = columns;
        self
    }

    /// The most columns shown in all (a `…` at either cut comes on top; the piece under
    /// the span is shown however wide).
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = columns;
        self
    }
}

/// One shown piece of a line: a character (or its escape), or `***` in place of a
/// secret.
struct Piece {
    /// Its bytes in the line.
    raw: Range<usize>,
    /// Its bytes in the shown text.
    shown: Range<usize>,
    /// Its columns on a terminal.
    width: usize,
}

impl LineWindow<'_> {
    /// The part of this window around the bytes `span` (relative to the window,
    /// clipped to it) as shown: the byte ranges `secrets` (the caller's: this crate
    /// does not know what a secret looks like) shown as `***` from the first character
    /// that begins inside each, [hidden](crate::is_hidden) characters escaped when
    /// `options` say ([`ExcerptOptions::escape`]), and no more of the line than
    /// `options` allow (the character under the span always), with `…` where the line
    /// is cut. A span inside a secret points at its `***`. The work is bounded by the
    /// window's size and the number of `secrets`, whatever the line's length.
    ///
    /// ```
    /// use influxdb3_text::{Diagnostic, ExcerptOptions, Kind};
    ///
    /// #[derive(Debug)]
    /// struct Odd;
    /// impl Kind for Odd {
    ///     fn code(&self) -> &'static str { "odd" }
    /// }
    ///
    /// let d = Diagnostic::new("f", "key=SECRET, bad\x1b", 12..15, Odd, "odd");
    /// let line = d.line_window(100).ok_or("no line")?;
    /// let shown = line.excerpt(12..15, &[4..10], ExcerptOptions::default());
    /// assert_eq!(shown.text, "key=***, bad\\x1b");
    /// assert_eq!(&shown.text[shown.span.clone()], "bad");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn excerpt(
        &self,
        span: Range<usize>,
        secrets: &[Range<usize>],
        options: ExcerptOptions,
    ) -> Excerpt {
        let ExcerptOptions {
            escape,
            before,
            columns,
        } = options;
        let line = self;
        let read = line.text;
        // A diagnostic's span is on character boundaries, and so is the window: clipping
        // to the window keeps them.
        let start = span.start.min(read.len());
        let end = span.end.clamp(start, read.len());

        let mut shown = String::new();
        let mut pieces = Vec::new();
        let mut secrets = secrets.to_vec();
        secrets.sort_unstable_by_key(|s| s.start);
        let mut secrets = secrets.iter().peekable();
        let mut chars = read.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let at = shown.len();
            // A secret that covers any byte of this character masks it, wherever it
            // began: ranges out of order or not on a character's start mask all they
            // touch.
            while secrets.next_if(|s| s.end <= i).is_some() {}
            if let Some(secret) = secrets.next_if(|s| s.start < i + c.len_utf8()) {
                while chars.next_if(|&(j, _)| j < secret.end).is_some() {}
                shown.push_str("***");
                pieces.push(Piece {
                    raw: i..secret.end.clamp(i + c.len_utf8(), read.len()),
                    shown: at..shown.len(),
                    width: 3,
                });
                continue;
            }
            if escape {
                let _ = write_escaped(&mut shown, c);
            } else {
                shown.push(c);
            }
            pieces.push(Piece {
                raw: i..i + c.len_utf8(),
                shown: at..shown.len(),
                width: width(&shown[at..]),
            });
        }

        // The pieces under the span: from the one holding its start; an empty span inside
        // a secret still points at the secret's `***`.
        let first_marked = pieces.partition_point(|p| p.raw.end <= start);
        let past_marked = pieces.partition_point(|p| p.raw.start < end);
        // The window: up to `before` columns before the span (leaving room for the
        // piece under it), then up to `columns` in all.
        let marked_width = pieces.get(first_marked).map_or(0, |p| p.width);
        let before = before.min(columns.saturating_sub(marked_width));
        let mut first = first_marked;
        let mut used = 0;
        while first > 0 && used + pieces[first - 1].width <= before {
            first -= 1;
            used += pieces[first].width;
        }
        let mut past = first;
        let mut used = 0;
        while past < pieces.len() && used + pieces[past].width <= columns {
            used += pieces[past].width;
            past += 1;
        }
        // The piece under the span is shown, however few the columns.
        if past <= first_marked && first_marked < pieces.len() {
            past = first_marked + 1;
        }
        let from = pieces.get(first).map_or(shown.len(), |p| p.shown.start);
        let to = if past > first {
            pieces[past - 1].shown.end
        } else {
            from
        };
        let at = |piece: usize| {
            pieces
                .get(piece)
                .map_or(to, |p| p.shown.start)
                .clamp(from, to)
        };
        let marked_start = at(first_marked);
        let marked_end = if past_marked > first_marked {
            pieces[past_marked.min(past) - 1]
                .shown
                .end
                .max(marked_start)
        } else {
            marked_start
        };

        let mut text = String::with_capacity(to - from + 6);
        if first > 0 || line.cut_before {
            text.push('…');
        }
        let shift = text.len();
        text.push_str(&shown[from..to]);
        if past < pieces.len() || line.cut_after {
            text.push('…');
        }
        Excerpt {
            text,
            span: marked_start - from + shift..marked_end - from + shift,
        }
    }
}

impl<K: Kind> Diagnostic<K> {
    /// The piece of this diagnostic's line around its span as a renderer shows it: the
    /// [window](Diagnostic::line_window) of the line within `reach` bytes of the span's
    /// start, then [`LineWindow::excerpt`] of it, masking the byte ranges that `secrets`
    /// finds in the window's text. `secrets` is given that text and whether the window
    /// starts inside its line ([`LineWindow::cut_before`]), where a secret may have
    /// begun before it. `None` for a diagnostic about its source as a whole.
    ///
    /// ```
    /// use influxdb3_text::{Diagnostic, ExcerptOptions, Kind};
    ///
    /// #[derive(Debug)]
    /// struct Odd;
    /// impl Kind for Odd {
    ///     fn code(&self) -> &'static str { "odd" }
    /// }
    ///
    /// let d = Diagnostic::new("f", "one\nkey=SECRET, bad\n", 16..19, Odd, "odd");
    /// let after_key = |text: &str, _cut: bool| text.find("SECRET").map(|i| i..i + 6).into_iter().collect();
    /// let shown = d.excerpt(100, after_key, ExcerptOptions::default()).ok_or("no line")?;
    /// assert_eq!(shown.text, "key=***, bad");
    /// assert_eq!(&shown.text[shown.span.clone()], "bad");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn excerpt(
        &self,
        reach: usize,
        secrets: impl FnOnce(&str, bool) -> Vec<Range<usize>>,
        options: ExcerptOptions,
    ) -> Option<Excerpt> {
        let line = self.line_window(reach)?;
        let span = self.span()?;
        let secrets = secrets(line.text, line.cut_before);
        let span = span.start.saturating_sub(line.offset)..span.end.saturating_sub(line.offset);
        Some(line.excerpt(span, &secrets, options))
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // lists of one secret
mod tests {
    use super::ExcerptOptions;
    use crate::{Diagnostic, Kind};

    #[derive(Debug)]
    struct Odd;
    impl Kind for Odd {
        fn code(&self) -> &'static str {
            "odd"
        }
    }

    fn shown(
        text: &str,
        span: std::ops::Range<usize>,
        secrets: &[std::ops::Range<usize>],
        columns: usize,
    ) -> String {
        let d = Diagnostic::new("f", text, span.clone(), Odd, "odd");
        let line = d.line_window(1000).expect("a line");
        let options = ExcerptOptions::default().before(columns).columns(columns);
        line.excerpt(span, secrets, options).text
    }

    #[test]
    fn the_character_under_the_span_is_shown_however_few_the_columns() {
        assert_eq!(shown("abc", 0..1, &[], 0), "a…");
        assert_eq!(shown("abc", 0..1, &[0..2], 0), "***…");
        assert_eq!(shown("abc", 2..3, &[], 0), "…c");
        assert_eq!(shown("", 0..0, &[], 0), "");
    }

    #[test]
    fn secrets_are_masked_in_any_order_and_from_inside_a_character() {
        assert_eq!(
            shown("aa SECRET bb OTHER", 0..1, &[13..18, 3..9], 100),
            "aa *** bb ***"
        );
        // A range that starts inside `é` masks it too, and one inside it alone masks it.
        assert_eq!(shown("xéSECRET y", 0..1, &[2..9], 100), "x*** y");
        assert_eq!(shown("xé y", 0..1, &[2..3], 100), "x*** y");
        // A range past the line's end masks to its end, the span still on the `***`.
        assert_eq!(shown("key=SECRET", 5..6, &[4..99], 100), "key=***");
    }

    #[test]
    fn the_columns_before_the_span_leave_room_for_it() {
        let d = Diagnostic::new("f", "abcdefghij", 9..10, Odd, "odd");
        let line = d.line_window(1000).expect("a line");
        let options = ExcerptOptions::default().before(8).columns(3);
        let shown = line.excerpt(9..10, &[], options);
        assert_eq!(shown.text, "…hij");
        assert_eq!(&shown.text[shown.span.clone()], "j");
    }
}
