//! Text from a server made safe to show: the one place where it is masked.
//!
//! Every token-shaped run (the token crate's one definition,
//! [`mask_token_shaped`]) becomes `apiv3_***`, and so does this client's admin token,
//! even one that is not token-shaped (`--token` takes any printable value that starts
//! with `apiv3_`), in the form the text's encoding gives it.
//!
//! What the encoding needs survives: a mask never crosses a `"` (it is not in the
//! token alphabet), so JSON stays JSON and CSV keeps its fields; a table is drawn again
//! so that its borders line up. Text with nothing to mask is returned as it is, byte
//! for byte: rows never legitimately carry secrets.

use std::borrow::Cow;

use influxdb3_token::{Token, mask_token_shaped};
use unicode_width::UnicodeWidthChar;

use crate::tokens::QueryFormat;

/// How a text is written, which decides the form the admin token takes in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// A message, as it is.
    Plain,
    /// JSON, or JSON objects one a line: the admin token as a JSON string's content.
    Json,
    /// CSV: the admin token with its `"` doubled, as a quoted field holds it.
    Csv,
    /// An ASCII table (`+---+` borders, `| a | b |` rows): masked cell by cell.
    Table,
}

impl From<QueryFormat> for Encoding {
    fn from(format: QueryFormat) -> Encoding {
        match format {
            QueryFormat::Pretty => Encoding::Table,
            QueryFormat::Json | QueryFormat::JsonLines => Encoding::Json,
            QueryFormat::Csv => Encoding::Csv,
        }
    }
}

/// What takes the admin token's place before the scan: the prefix and one character
/// of the alphabet, so that the scan masks it together with whatever token-shaped text
/// is glued to it.
const STAND_IN: &str = "apiv3_A";

/// `text` with every token-shaped run and the admin token masked; borrowed as it is
/// when there is nothing to mask (the usual case).
pub(crate) fn mask<'t>(text: &'t str, admin: Option<&Token>, encoding: Encoding) -> Cow<'t, str> {
    match encoding {
        Encoding::Table => table(text, admin),
        _ => mask_text(text, admin, encoding),
    }
}

/// [`mask`] as an owned string.
pub(crate) fn masked(text: &str, admin: Option<&Token>, encoding: Encoding) -> String {
    mask(text, admin, encoding).into_owned()
}

/// The admin token as `encoding` writes it inside a value, and what replaces it.
fn admin_form(admin: &Token, encoding: Encoding) -> (Cow<'_, str>, Cow<'static, str>) {
    let secret = admin.expose_secret();
    match encoding {
        Encoding::Json if secret.contains(['"', '\\']) => {
            // A token holds no control character: only `"` and `\` are escaped.
            let quoted = serde_json::to_string(secret).unwrap_or_default();
            let inner = quoted[1..quoted.len() - 1].to_owned();
            (Cow::Owned(inner), Cow::Borrowed(STAND_IN))
        }
        Encoding::Csv if secret.contains([',', '"']) => {
            // Where it stood, its `,` and `"` stay: a field is never split or joined.
            let doubled = secret.replace('"', "\"\"");
            let kept: String = doubled.chars().filter(|c| matches!(c, ',' | '"')).collect();
            (Cow::Owned(doubled), Cow::Owned(format!("{STAND_IN}{kept}")))
        }
        _ => (Cow::Borrowed(secret), Cow::Borrowed(STAND_IN)),
    }
}

/// The admin token replaced by its stand-in, then every token-shaped run masked.
fn mask_text<'t>(text: &'t str, admin: Option<&Token>, encoding: Encoding) -> Cow<'t, str> {
    let text = match admin.map(|a| admin_form(a, encoding)) {
        Some((form, stand_in)) if text.contains(&*form) => {
            Cow::Owned(text.replace(&*form, &stand_in))
        }
        _ => Cow::Borrowed(text),
    };
    match text {
        Cow::Borrowed(text) => mask_token_shaped(text),
        Cow::Owned(text) => Cow::Owned(mask_token_shaped(&text).into_owned()),
    }
}

/// A line of a table.
enum Line<'a> {
    /// `+---+---+`, drawn with this character.
    Border(char),
    /// `| a | b |`: the cells' contents, masked, without their padding.
    Cells(Vec<Cow<'a, str>>),
    /// A line that does not fit the table, masked as plain text.
    Other(Cow<'a, str>),
}

/// A table as upstream's `pretty` draws it, masked cell by cell and drawn again: each
/// column keeps its width, and widens where a mask is longer than what it hid
/// (`apiv3_x` becomes `apiv3_***`). Lines that do not fit the table (text that is no
/// table, a cell measured otherwise) are masked as plain text. A table with nothing to
/// mask is returned as it is.
fn table<'t>(text: &'t str, admin: Option<&Token>) -> Cow<'t, str> {
    let plain = mask_text(text, admin, Encoding::Plain);
    if matches!(plain, Cow::Borrowed(_)) {
        return plain;
    }
    let Some(stops) = text.split('\n').find_map(border_stops) else {
        return plain;
    };
    let mut widths: Vec<usize> = stops.windows(2).map(|w| w[1] - w[0] - 3).collect();
    let lines: Vec<Line<'_>> = text
        .split('\n')
        .map(|line| {
            if border_stops(line).as_ref() == Some(&stops) {
                return Line::Border(line.chars().nth(1).unwrap_or('-'));
            }
            let Some(cells) = cells(line, &stops) else {
                return Line::Other(mask_text(line, admin, Encoding::Plain));
            };
            let cells: Vec<Cow<'_, str>> = cells
                .into_iter()
                .map(|cell| mask_text(cell, admin, Encoding::Plain))
                .collect();
            for (width, cell) in widths.iter_mut().zip(&cells) {
                *width = (*width).max(columns(cell));
            }
            Line::Cells(cells)
        })
        .collect();
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line {
            Line::Border(fill) => {
                out.push('+');
                for width in &widths {
                    out.extend(std::iter::repeat_n(*fill, width + 2));
                    out.push('+');
                }
            }
            Line::Cells(cells) => {
                out.push('|');
                for (cell, width) in cells.iter().zip(&widths) {
                    out.push(' ');
                    out.push_str(cell);
                    out.extend(std::iter::repeat_n(' ', width + 1 - columns(cell)));
                    out.push('|');
                }
            }
            Line::Other(text) => out.push_str(text),
        }
    }
    Cow::Owned(out)
}

/// The columns of the `+` of a border line (`+---+-----+`, or drawn with `=`), `None`
/// for any other line.
fn border_stops(line: &str) -> Option<Vec<usize>> {
    let ok = line.len() >= 2
        && line.starts_with('+')
        && line.ends_with('+')
        && line.bytes().all(|b| matches!(b, b'+' | b'-' | b'='));
    ok.then(|| {
        line.bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'+')
            .map(|(at, _)| at)
            .collect::<Vec<_>>()
    })
    .filter(|stops| stops.windows(2).all(|w| w[1] - w[0] >= 3))
}

/// The contents of the cells of a row drawn to these column stops (a `|` at each, one
/// space either side of each content), without their padding; `None` when the line
/// does not fit them.
fn cells<'a>(line: &'a str, stops: &[usize]) -> Option<Vec<&'a str>> {
    let mut bars = Vec::with_capacity(stops.len());
    let mut next = stops.iter().peekable();
    let mut column = 0;
    for (at, c) in line.char_indices() {
        if next.peek() == Some(&&column) {
            if c != '|' {
                return None;
            }
            bars.push(at);
            next.next();
        }
        column += c.width().unwrap_or(0);
    }
    if next.peek().is_some() || Some(&column) != stops.last().map(|s| s + 1).as_ref() {
        return None;
    }
    bars.windows(2)
        .map(|w| {
            let inner = line[w[0] + 1..w[1]].strip_prefix(' ')?;
            Some(inner.trim_end_matches(' '))
        })
        .collect()
}

/// The display width of `text`, counted as [`cells`] counts it.
fn columns(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn token(text: &str) -> Token {
        Token::parse_lenient(text).unwrap()
    }

    #[test]
    fn text_without_secrets_is_returned_as_it_is() {
        let admin = Token::generate().unwrap();
        for encoding in [
            Encoding::Plain,
            Encoding::Json,
            Encoding::Csv,
            Encoding::Table,
        ] {
            let text = "+---+\n| a |\n+---+ apiv3_ `apiv3_…`";
            assert!(matches!(mask(text, Some(&admin), encoding), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn the_admin_token_is_masked_even_when_it_is_not_token_shaped() {
        let admin = token(r#"apiv3_se!cr"et\x,y"#);
        let plain = r#"got apiv3_se!cr"et\x,y, then apiv3_abc"#;
        assert_eq!(
            masked(plain, Some(&admin), Encoding::Plain),
            "got apiv3_***, then apiv3_***"
        );
        // Glued to more of the alphabet: all of it goes.
        assert_eq!(
            masked(r#"apiv3_se!cr"et\x,yMORE"#, Some(&admin), Encoding::Plain),
            "apiv3_***"
        );
        // In JSON, as a string holds it.
        let json = serde_json::json!([{ "description": format!("a {} b", admin.expose_secret()) }])
            .to_string();
        let out = masked(&json, Some(&admin), Encoding::Json);
        assert_eq!(out, r#"[{"description":"a apiv3_*** b"}]"#);
        // In CSV, its commas and quotes stay, so that no field is split or joined.
        let csv = "name,description\nx,\"a apiv3_se!cr\"\"et\\x,y b\"\n";
        let out = masked(csv, Some(&admin), Encoding::Csv);
        assert_eq!(out, "name,description\nx,\"a apiv3_***\"\", b\"\n");
        assert!(!out.contains("se!cr"));
    }

    #[test]
    fn a_table_is_drawn_again_with_its_borders_in_line() {
        let table = "\
+----+------------------+--------+
| id | name             | note   |
+----+------------------+--------+
| 0  | apiv3_abcdefghij | é数    |
| 1  | apiv3_x          | a|b    |
+----+------------------+--------+";
        let out = masked(table, None, Encoding::Table);
        assert_eq!(
            out,
            "\
+----+------------------+--------+
| id | name             | note   |
+----+------------------+--------+
| 0  | apiv3_***        | é数    |
| 1  | apiv3_***        | a|b    |
+----+------------------+--------+"
        );
        // A mask longer than what it hid widens its column.
        let narrow = "+---------+\n| n       |\n+---------+\n| apiv3_x |\n+---------+\n";
        assert_eq!(
            masked(narrow, None, Encoding::Table),
            "+-----------+\n| n         |\n+-----------+\n| apiv3_*** |\n+-----------+\n"
        );
        // Text that is no table is masked as text.
        assert_eq!(
            masked("no table apiv3_abc", None, Encoding::Table),
            "no table apiv3_***"
        );
    }

    /// Text for a JSON string: the pieces that matter (the prefix, the alphabet,
    /// quotes, backslashes, escapes, non-ASCII).
    fn strings() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("apiv3_".to_owned()),
                "[A-Za-z0-9._~+/=-]{0,10}",
                "[\"\\\\ ,|\n\té数\u{1}]{0,2}",
                ".{0,3}",
            ],
            0..10,
        )
        .prop_map(|parts| parts.concat())
    }

    /// An admin token: the prefix and printable characters, backslashes included (not
    /// `"`: a token that holds one could be found in a document's structure by chance,
    /// `…apiv3_"` at the end of a value, whatever the masking).
    fn admins() -> impl Strategy<Value = Token> {
        "[A-Za-z0-9_\\\\,|!-]{0,12}".prop_map(|rest| token(&format!("apiv3_{rest}")))
    }

    proptest! {
        /// A mask never crosses a `"`: masked JSON is JSON, and holds neither a
        /// token-shaped value nor the admin token.
        #[test]
        fn masked_json_is_json_without_secrets(
            values in prop::collection::vec(strings(), 1..5),
            admin in admins(),
            with_admin in any::<bool>(),
        ) {
            let values: Vec<String> = values
                .into_iter()
                .map(|v| if with_admin { format!("{v}{}{v}", admin.expose_secret()) } else { v })
                .collect();
            let doc = serde_json::json!(values
                .iter()
                .map(|v| serde_json::json!({ "name": v, v.clone(): 1 }))
                .collect::<Vec<_>>());
            for text in [doc.to_string(), serde_json::to_string_pretty(&doc).unwrap()] {
                let out = masked(&text, Some(&admin), Encoding::Json);
                let back: serde_json::Value = serde_json::from_str(&out)
                    .map_err(|e| TestCaseError::fail(format!("{e}: {out}")))?;
                let strings = back.to_string();
                prop_assert_eq!(influxdb3_token::token_shaped_runs(&out).count(), 0);
                // The admin token, as JSON writes it, is in no string of the output.
                let secret = admin.expose_secret();
                let encoded = serde_json::to_string(secret).unwrap();
                let encoded = &encoded[1..encoded.len() - 1];
                for shown in [&out, &strings] {
                    prop_assert!(!shown.contains(encoded) || secret == "apiv3_");
                }
                // Every string, decoded, is masked too, and holds no admin token.
                for v in back.as_array().unwrap() {
                    for (key, value) in v.as_object().unwrap() {
                        let value = value.as_str().unwrap_or("");
                        prop_assert_eq!(influxdb3_token::token_shaped_runs(key).count(), 0);
                        prop_assert_eq!(influxdb3_token::token_shaped_runs(value).count(), 0);
                        prop_assert!(secret == "apiv3_" || !(key.contains(secret) || value.contains(secret)));
                    }
                }
            }
        }

        /// A masked table keeps its shape: as many lines, all of one width.
        #[test]
        fn masked_tables_line_up(rows in prop::collection::vec(
            prop::collection::vec(strings().prop_map(|s| s.replace(['\n', '\t', '\u{1}'], " ")), 3), 0..5)
        ) {
            let mut widths = [4usize, 4, 4];
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(columns(cell));
                }
            }
            let border: String = widths.iter().fold("+".to_owned(), |out, w| format!("{out}{}+", "-".repeat(w + 2)));
            let line = |cells: &[String]| cells.iter().zip(&widths).fold("|".to_owned(), |out, (c, w)| {
                format!("{out} {c}{} |", " ".repeat(w - columns(c)))
            });
            let mut lines = vec![border.clone(), line(&["id".into(), "name".into(), "note".into()]), border.clone()];
            lines.extend(rows.iter().map(|r| line(r)));
            lines.push(border);
            let text = lines.join("\n");
            let out = masked(&text, None, Encoding::Table);
            prop_assert_eq!(influxdb3_token::token_shaped_runs(&out).count(), 0);
            let shown: Vec<&str> = out.split('\n').collect();
            prop_assert_eq!(shown.len(), lines.len());
            let width = columns(shown[0]);
            for l in &shown {
                prop_assert_eq!(columns(l), width, "{}", out);
            }
        }
    }
}
