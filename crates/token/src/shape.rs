//! Token-shaped text: the one definition used to mask secrets wherever text is shown.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use crate::PREFIX;
use crate::secret::in_alphabet;

/// What [`mask_token_shaped`] puts in place of each token-shaped run.
const MASKED: &str = "apiv3_***";

/// The byte ranges of the token-shaped runs of `text`, in order: each is `apiv3_` and
/// every character of the token alphabet (`A-Z a-z 0-9 - _ . ~ + / =`) that follows it,
/// up to the first character that is not in the alphabet or the end of the text.
///
/// - The prefix counts wherever it is, also inside a word (`token=apiv3_…`,
///   `xapiv3_…`): a secret pasted against other text is still a secret.
/// - A bare `apiv3_` (followed by nothing of the alphabet) is not a run: it holds no
///   secret, and documentation writes it that way (`apiv3_…`, `` `apiv3_` ``).
/// - Runs never overlap: `apiv3_apiv3_x` is one run.
///
/// One pass over the text, without backtracking.
///
/// ```
/// use influxdb3_token::token_shaped_runs;
///
/// let text = r#"{"token":"apiv3_abc-DEF_1=","note":"apiv3_"}"#;
/// let runs: Vec<_> = token_shaped_runs(text).collect();
/// assert_eq!(runs, [10..26]);
/// assert_eq!(&text[runs[0].clone()], "apiv3_abc-DEF_1=");
/// ```
pub fn token_shaped_runs(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let start = from + text.get(from..)?.find(PREFIX)?;
            let after = start + PREFIX.len();
            let end = after
                + text.as_bytes()[after..]
                    .iter()
                    .take_while(|&&b| in_alphabet(b))
                    .count();
            // The prefix and the alphabet are ASCII: `end` is a character boundary.
            from = end;
            if end > after {
                return Some(start..end);
            }
        }
    })
}

/// The byte ranges of `text` that are secret: what follows `apiv3_` in each
/// [token-shaped run](token_shaped_runs), the ranges a renderer masks
/// ([`influxdb3_text::LineWindow::excerpt`] takes them). When `text` is a window that
/// starts in the middle of its line (`cut_before`), a run of the token alphabet it
/// starts with may be the tail of a token whose prefix lies before the window: that
/// run is taken for a secret too.
///
/// ```
/// use influxdb3_token::secret_ranges;
///
/// assert_eq!(secret_ranges("k=apiv3_abc, x", false), [8..11]);
/// // Cut from a longer line, `abc` may be the end of a token.
/// assert_eq!(secret_ranges("abc, apiv3_d", true), [0..3, 11..12]);
/// assert_eq!(secret_ranges("abc, x", false), []);
/// ```
pub fn secret_ranges(text: &str, cut_before: bool) -> Vec<Range<usize>> {
    if cut_before {
        let whole = format!("{PREFIX}{text}");
        token_shaped_runs(&whole)
            .map(|run| run.start..run.end - PREFIX.len())
            .collect()
    } else {
        token_shaped_runs(text)
            .map(|run| run.start + PREFIX.len()..run.end)
            .collect()
    }
}

/// `text` with each of its [token-shaped runs](token_shaped_runs) replaced by
/// `apiv3_***`; borrowed as it is when it has none (the usual case).
///
/// The masked text has no token-shaped run left, so masking twice changes nothing.
///
/// ```
/// use influxdb3_token::mask_token_shaped;
///
/// assert_eq!(
///     mask_token_shaped("Bearer apiv3_abc.def~+/=, then apiv3_x!"),
///     "Bearer apiv3_***, then apiv3_***!"
/// );
/// assert_eq!(mask_token_shaped("see `apiv3_`"), "see `apiv3_`");
/// ```
pub fn mask_token_shaped(text: &str) -> Cow<'_, str> {
    let mut runs = token_shaped_runs(text).peekable();
    if runs.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut shown = 0;
    for run in runs {
        out.push_str(&text[shown..run.start]);
        out.push_str(MASKED);
        shown = run.end;
    }
    out.push_str(&text[shown..]);
    Cow::Owned(out)
}

/// `text` with token-shaped runs masked, then cut to `max` characters, keeping its start
/// and end around `…` (masked first, so that a cut never leaves a secret's tail in
/// view). Nothing is escaped: that is the caller's, as for a table's cells.
///
/// ```
/// assert_eq!(influxdb3_token::elide("abcdefghij", 5), "ab…ij");
/// assert_eq!(influxdb3_token::elide(&format!("k=apiv3_{}", "x".repeat(86)), 20), "k=apiv3_***");
/// ```
pub fn elide(text: &str, max: usize) -> String {
    let text = &*mask_token_shaped(text);
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let keep = max.saturating_sub(1);
    let head = text.chars().take(keep - keep / 2);
    let tail = text.chars().skip(count - keep / 2);
    head.chain(std::iter::once('…')).chain(tail).collect()
}

/// The most characters of a value that [`Quoted`] shows; a longer one is cut in the
/// middle with `…`.
pub const MAX_QUOTED_CHARS: usize = 120;

/// A value as a message names it: between backticks, token-shaped text masked
/// (`apiv3_***`), cut in the middle with `…` past [`MAX_QUOTED_CHARS`] characters (after
/// masking, so that a cut never leaves part of a secret in view), its own `\` and
/// `` ` `` written `\\` and `` \` `` (so that neither can be taken for an escape or the
/// value's end), and hidden characters escaped as [`influxdb3_text::escape`] does.
///
/// ```
/// use influxdb3_token::Quoted;
///
/// assert_eq!(Quoted("tokens.json").to_string(), "`tokens.json`");
/// assert_eq!(Quoted("a`b\\c").to_string(), "`a\\`b\\\\c`");
/// assert_eq!(Quoted("red\x1b[31m").to_string(), "`red\\x1b[31m`");
/// let secret = format!("apiv3_{}", "x".repeat(86));
/// assert_eq!(Quoted(&secret).to_string(), "`apiv3_***`");
/// assert_eq!(Quoted(&"n".repeat(1000)).to_string().chars().count(), 122);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Quoted<'a>(pub &'a str);

impl<'a> Quoted<'a> {
    /// A path, lossily for bytes that are not UTF-8.
    pub fn path(path: &'a std::path::Path) -> QuotedPath<'a> {
        QuotedPath(path)
    }

    /// The first `show` of `values`, each quoted, as a sentence lists them, and how
    /// many more there are.
    ///
    /// ```
    /// use influxdb3_token::Quoted;
    ///
    /// assert_eq!(Quoted::list(["a", "b", "c"], 3), "`a`, `b` and `c`");
    /// assert_eq!(Quoted::list(["a", "b", "c", "d"], 2), "`a`, `b` and 2 more");
    /// assert_eq!(Quoted::list(["a", "b"], 0), "2 more");
    /// ```
    pub fn list<'v>(values: impl IntoIterator<Item = &'v str>, show: usize) -> String {
        let mut values = values.into_iter();
        let shown: Vec<String> = values
            .by_ref()
            .take(show)
            .map(|v| Quoted(v).to_string())
            .collect();
        let rest = values.count();
        match (shown.split_last(), rest) {
            (None, 0) => String::new(),
            (None, rest) => format!("{rest} more"),
            (Some((last, [])), 0) => last.clone(),
            (Some((last, first)), 0) => format!("{} and {last}", first.join(", ")),
            (Some(_), rest) => format!("{} and {rest} more", shown.join(", ")),
        }
    }
}

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The usual value, short printable ASCII with nothing to mask or escape: as it is.
        let plain = |b: &u8| (b.is_ascii_graphic() && *b != b'\\' && *b != b'`') || *b == b' ';
        if self.0.len() <= MAX_QUOTED_CHARS
            && self.0.as_bytes().iter().all(plain)
            && !self.0.contains(PREFIX)
        {
            f.write_char('`')?;
            f.write_str(self.0)?;
            return f.write_char('`');
        }
        let masked = mask_token_shaped(self.0);
        let count = masked.chars().count();
        f.write_char('`')?;
        if count <= MAX_QUOTED_CHARS {
            write_quoted(f, masked.chars())?;
        } else {
            let keep = MAX_QUOTED_CHARS - 1;
            write_quoted(f, masked.chars().take(keep - keep / 2))?;
            f.write_char('…')?;
            write_quoted(f, masked.chars().skip(count - keep / 2))?;
        }
        f.write_char('`')
    }
}

/// A path as [`Quoted`] shows a value ([`Quoted::path`]).
#[derive(Debug, Clone, Copy)]
pub struct QuotedPath<'a>(&'a std::path::Path);

impl std::fmt::Display for QuotedPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Quoted(&self.0.to_string_lossy()).fmt(f)
    }
}

fn write_quoted(
    f: &mut std::fmt::Formatter<'_>,
    chars: impl Iterator<Item = char>,
) -> std::fmt::Result {
    for c in chars {
        match c {
            '\\' => f.write_str("\\\\")?,
            '`' => f.write_str("\\`")?,
            c => influxdb3_text::write_escaped(f, c)?,
        }
    }
    Ok(())
}

#[cfg(test)]
// The runs found are compared with arrays of ranges, often of one.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the value, what `Quoted` shows is one backticked value: no bare
        /// backtick inside, every backslash starting an escape, no hidden character,
        /// at most 120 of its characters; plain short ASCII is shown as it is.
        #[test]
        fn quoted_is_one_bounded_value(value in ".{0,300}") {
            let shown = Quoted(&value).to_string();
            let inner = shown.strip_prefix('`').and_then(|s| s.strip_suffix('`'));
            prop_assert!(inner.is_some(), "{}", shown);
            let mut chars = inner.unwrap_or_default().chars();
            let mut count = 0;
            while let Some(c) = chars.next() {
                prop_assert!(c != '`' && !influxdb3_text::is_hidden(c), "{}", shown);
                if c == '\\' {
                    prop_assert!(chars.next().is_some(), "{}", shown);
                }
                count += 1;
            }
            prop_assert!(count <= 10 * MAX_QUOTED_CHARS, "{}", shown);
            let plain = value.len() <= MAX_QUOTED_CHARS
                && value.bytes().all(|b| (b.is_ascii_graphic() && b != b'\\' && b != b'`') || b == b' ')
                && !value.contains(PREFIX);
            if plain {
                prop_assert_eq!(&shown, &format!("`{value}`"));
            }
        }
    }

    fn runs(text: &str) -> Vec<Range<usize>> {
        token_shaped_runs(text).collect()
    }

    #[test]
    fn runs_at_the_start_and_end_of_the_text() {
        assert_eq!(runs("apiv3_abc"), [0..9]);
        assert_eq!(runs("x apiv3_abc"), [2..11]);
        assert_eq!(runs("apiv3_abc x"), [0..9]);
        assert_eq!(mask_token_shaped("apiv3_abc"), "apiv3_***");
        assert_eq!(mask_token_shaped("say apiv3_a"), "say apiv3_***");
    }

    #[test]
    fn the_whole_alphabet_is_masked_and_nothing_else() {
        let alphabet = "ABCXYZabcxyz0189-_.~+/=";
        let text = format!("apiv3_{alphabet}*apiv3_{alphabet}");
        assert_eq!(mask_token_shaped(&text), "apiv3_****apiv3_***");
        for stop in [
            ' ', '"', '\'', ',', ':', ';', '!', '*', '\n', '\\', '%', '&',
        ] {
            assert_eq!(
                mask_token_shaped(&format!("apiv3_ab{stop}cd")),
                format!("apiv3_***{stop}cd")
            );
        }
    }

    #[test]
    fn adjacent_runs_are_one_run_and_separated_runs_are_two() {
        assert_eq!(runs("apiv3_aapiv3_b"), [0..14]);
        assert_eq!(runs("apiv3_apiv3_"), [0..12]);
        assert_eq!(runs("apiv3_a,apiv3_b"), [0..7, 8..15]);
        assert_eq!(mask_token_shaped("apiv3_a apiv3_b"), "apiv3_*** apiv3_***");
    }

    #[test]
    fn a_bare_prefix_is_not_a_run() {
        assert_eq!(runs("apiv3_"), []);
        assert_eq!(runs("apiv3_ apiv3_…"), []);
        assert!(matches!(mask_token_shaped("apiv3_…"), Cow::Borrowed(_)));
        // A bare prefix does not hide the run that follows it.
        assert_eq!(runs("apiv3_ apiv3_x"), [7..14]);
    }

    #[test]
    fn the_prefix_counts_inside_a_word() {
        assert_eq!(runs("xapiv3_abc"), [1..10]);
        assert_eq!(mask_token_shaped("token=apiv3_abc"), "token=apiv3_***");
        assert_eq!(
            mask_token_shaped("APIV3_abc apiv_abc"),
            "APIV3_abc apiv_abc"
        );
    }

    #[test]
    fn non_ascii_text_around_a_run_is_kept() {
        assert_eq!(mask_token_shaped("数据apiv3_abc库"), "数据apiv3_***库");
        assert_eq!(mask_token_shaped("é apiv3_é"), "é apiv3_é");
        assert_eq!(mask_token_shaped("apiv3_abé"), "apiv3_***é");
        assert_eq!(runs("\u{202e}apiv3_ab\u{200b}"), [3..11]);
    }

    #[test]
    fn json_string_content_is_masked_inside_its_quotes() {
        let doc = r#"[{"token":"apiv3_q9-_Zw","name":"a"},{"token":"apiv3_x/y+z="}]"#;
        assert_eq!(
            mask_token_shaped(doc),
            r#"[{"token":"apiv3_***","name":"a"},{"token":"apiv3_***"}]"#
        );
        // An escaped quote ends the run at the backslash.
        assert_eq!(mask_token_shaped(r#""apiv3_ab\"cd""#), r#""apiv3_***\"cd""#);
    }

    /// Text made of the pieces that matter: the prefix, parts of it, alphabet runs,
    /// characters that end a run, and anything else.
    fn texts() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("apiv3_".to_owned()),
                Just("apiv3".to_owned()),
                Just("piv3_".to_owned()),
                "[A-Za-z0-9._~+/=-]{0,12}",
                "[ \"',:*\\\\é数\n\u{202e}]{0,2}",
                ".{0,3}",
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    /// How many characters of the alphabet follow `at` in `text`.
    fn alphabet_after(text: &str, at: usize) -> usize {
        text.as_bytes()[at..]
            .iter()
            .take_while(|&&b| in_alphabet(b))
            .count()
    }

    proptest! {
        #[test]
        fn masked_text_has_no_secret_left(text in texts()) {
            let masked = mask_token_shaped(&text);
            // Checked without the scanner under test: no `apiv3_` is followed by a run
            // of 8 or more characters of the alphabet.
            for (at, _) in masked.match_indices(PREFIX) {
                prop_assert!(alphabet_after(&masked, at + PREFIX.len()) < 8, "{masked:?}");
            }
            prop_assert_eq!(token_shaped_runs(&masked).count(), 0);
            prop_assert_eq!(mask_token_shaped(&masked), masked.clone());
        }

        #[test]
        fn runs_are_exactly_the_prefixes_with_alphabet_after_them(text in texts()) {
            let found = runs(&text);
            for run in &found {
                prop_assert!(text[run.clone()].starts_with(PREFIX));
                prop_assert_eq!(run.start + PREFIX.len() + alphabet_after(&text, run.start + PREFIX.len()), run.end);
                prop_assert!(run.end > run.start + PREFIX.len());
            }
            // Every prefix outside a run is bare.
            for (at, _) in text.match_indices(PREFIX) {
                if !found.iter().any(|r| r.contains(&at)) {
                    prop_assert_eq!(alphabet_after(&text, at + PREFIX.len()), 0);
                }
            }
        }

        #[test]
        fn text_without_the_prefix_is_borrowed_unchanged(text in "[^_]{0,40}|.{0,40}") {
            prop_assume!(!text.contains(PREFIX));
            prop_assert!(matches!(mask_token_shaped(&text), Cow::Borrowed(t) if t == text));
        }
    }
}
