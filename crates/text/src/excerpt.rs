//! A bounded piece of a source line as a renderer shows it.

use std::ops::Range;

use crate::diagnostic::LineWindow;
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
    /// clipped to it) as shown: the byte ranges `secrets` (in order, apart) shown as
    /// `***`, [hidden](crate::is_hidden) characters escaped when `escape` (for a
    /// terminal; JSON escapes its own), at most `before` columns before the span and
    /// `columns` in all, with `…` where the line is cut. A span inside a secret points
    /// at its `***`. The work is bounded by the window's size, whatever the line's
    /// length.
    ///
    /// ```
    /// use influxdb3_text::{Diagnostic, Kind};
    ///
    /// #[derive(Debug)]
    /// struct Odd;
    /// impl Kind for Odd {
    ///     fn code(&self) -> &'static str { "odd" }
    /// }
    ///
    /// let d = Diagnostic::new("f", "key=SECRET, bad\x1b", 12..15, Odd, "odd");
    /// let line = d.line_window(100).ok_or("no line")?;
    /// let shown = line.excerpt(12..15, &[4..10], true, 40, 100);
    /// assert_eq!(shown.text, "key=***, bad\\x1b");
    /// assert_eq!(&shown.text[shown.span.clone()], "bad");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn excerpt(
        &self,
        span: Range<usize>,
        secrets: &[Range<usize>],
        escape: bool,
        before: usize,
        columns: usize,
    ) -> Excerpt {
        let line = self;
        let read = line.text;
        // A diagnostic's span is on character boundaries, and so is the window: clipping
        // to the window keeps them.
        let start = span.start.min(read.len());
        let end = span.end.clamp(start, read.len());

        let mut shown = String::new();
        let mut pieces = Vec::new();
        let mut secrets = secrets.iter().peekable();
        let mut chars = read.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let at = shown.len();
            if let Some(secret) = secrets.next_if(|s| s.start == i) {
                while chars.next_if(|&(j, _)| j < secret.end).is_some() {}
                shown.push_str("***");
                pieces.push(Piece {
                    raw: secret.clone(),
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
        // The window: up to `before` columns before the span, then up to `columns` in
        // all.
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
