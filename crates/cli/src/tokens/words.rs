//! How the `tokens` commands word what they show: aligned tables, counts, permission
//! lists, expiries, drift, JSON.

use std::borrow::Cow;

use influxdb3_permission::Permission;
use influxdb3_token::Timestamp;

use crate::quote::{MAX_VALUE, elide, width};

/// Rows as aligned columns (by display width; cells are escaped first), two spaces
/// apart, the last column not padded.
pub(super) fn table<const N: usize>(header: [&str; N], rows: &[[Cow<'_, str>; N]]) -> String {
    // Each cell escaped, with its width, once.
    let rows: Vec<[(Cow<'_, str>, usize); N]> = rows
        .iter()
        .map(|row| {
            row.each_ref().map(|cell| {
                // Bounded before it is measured: one huge cell cannot pad every row.
                let escaped = influxdb3_text::escape(cell);
                let shown = if escaped.len() > MAX_VALUE {
                    Cow::Owned(elide(&escaped, MAX_VALUE))
                } else {
                    escaped
                };
                let width = width(&shown);
                (shown, width)
            })
        })
        .collect();
    let mut widths = header.map(width);
    for row in &rows {
        for (w, (_, cell)) in widths.iter_mut().zip(row) {
            *w = (*w).max(*cell);
        }
    }
    let line_len = widths.iter().sum::<usize>() + 2 * N + 1;
    let mut out = String::with_capacity(line_len * (rows.len() + 1));
    let mut line = |cells: &mut dyn Iterator<Item = (&str, usize)>| {
        let start = out.len();
        for (i, (cell, width)) in cells.enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            if i + 1 < N {
                out.extend(std::iter::repeat_n(' ', widths[i].saturating_sub(width)));
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    line(&mut header.iter().map(|h| (*h, width(h))));
    for row in &rows {
        line(&mut row.iter().map(|(cell, width)| (cell.as_ref(), *width)));
    }
    out
}

/// `one` or `many`, as `n` asks.
pub(super) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `n` and the word for it: `1 token`, `3 tokens`.
pub(super) fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// Permissions in their canonical form.
pub(super) fn strings(list: &[Permission]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

/// Permissions in their canonical form, joined by `, `.
pub(super) fn joined(list: &[Permission]) -> String {
    strings(list).join(", ")
}

/// An expiry as shown: RFC 3339, or `never`.
pub(super) fn expiry_text(at: Option<Timestamp>) -> String {
    at.map_or_else(|| "never".to_owned(), |at| at.to_string())
}

/// One JSON document and a newline, hidden characters escaped as `\uXXXX`.
pub(super) fn json(value: &impl serde::Serialize) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    crate::quote::escape_json(&out)
}
