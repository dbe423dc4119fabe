//! The rows of `system.tokens` as `show tokens` shows them: which to keep (its
//! filters), and each format as the server writes it, for the rows kept. (Written apart
//! from the test server's rendering on purpose: that one stands for the real server,
//! this one is under test.)

use std::fmt::Write as _;

use influxdb3_permission::{Action, PermissionSet, Resource};
use influxdb3_token::{Lifetime, Timestamp, mask_token_shaped};
use serde_json::{Map, Value};

use crate::tokens::{QueryFormat, TokenRow};

/// The widest cell of a table drawn here, in characters: a longer one is cut in the
/// middle with `…`, so that one huge cell cannot pad every row.
const MAX_CELL: usize = 120;

/// The columns of `system.tokens`, in upstream's order.
const COLUMNS: [&str; 10] = [
    "token_id",
    "name",
    "hash",
    "created_at",
    "description",
    "created_by_token_id",
    "updated_at",
    "updated_by_token_id",
    "expiry",
    "permissions",
];

/// Which rows of `system.tokens` to keep: `show tokens`' filters. None keeps all.
///
/// ```
/// use influxdb3_token_client::TokenFilter;
///
/// let filter = TokenFilter::default().database("metrics").expired(true);
/// assert!(!filter.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenFilter {
    name: Option<String>,
    database: Option<String>,
    expired: bool,
    within: Option<Lifetime>,
}

impl TokenFilter {
    /// Only the token of this name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only tokens that grant some action on this database (through `*` too).
    #[must_use]
    pub fn database(mut self, database: impl Into<String>) -> Self {
        self.database = Some(database.into());
        self
    }

    /// Only tokens that have expired.
    #[must_use]
    pub fn expired(mut self, expired: bool) -> Self {
        self.expired = expired;
        self
    }

    /// Only tokens that expire within `within` of now (not those expired already).
    #[must_use]
    pub fn expiring_within(mut self, within: Lifetime) -> Self {
        self.within = Some(within);
        self
    }

    /// Whether it keeps every row.
    pub fn is_empty(&self) -> bool {
        *self == TokenFilter::default()
    }

    /// Whether it keeps `row`, at `now`.
    pub fn keeps(&self, row: &TokenRow, now: Timestamp) -> bool {
        if self.name.as_ref().is_some_and(|n| *n != row.name) {
            return false;
        }
        if let Some(db) = &self.database {
            let set: PermissionSet = row.permissions.iter().collect();
            let rights = [
                Action::Create,
                Action::Describe,
                Action::Read,
                Action::Write,
                Action::Delete,
            ];
            if !rights
                .into_iter()
                .any(|a| set.allows(Resource::Database(db), a))
            {
                return false;
            }
        }
        if self.expired && row.expiry.is_none_or(|at| at > now) {
            return false;
        }
        if let Some(within) = self.within {
            let Ok(until) = within.ends(now) else {
                return row.expiry.is_some_and(|at| at > now);
            };
            if !row.expiry.is_some_and(|at| at > now && at <= until) {
                return false;
            }
        }
        true
    }
}

impl QueryFormat {
    /// `rows` as the server writes them in this format (a name that looks like a
    /// token masked, cells of a table cut at a bounded width).
    pub fn render(self, rows: &[TokenRow]) -> String {
        render(rows, self)
    }
}

/// `text` cut to [`MAX_CELL`] characters, keeping its start and end around `…`.
fn elide(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_CELL {
        return text.to_owned();
    }
    let keep = MAX_CELL - 1;
    let head: String = text.chars().take(keep - keep / 2).collect();
    let tail: String = text.chars().skip(count - keep / 2).collect();
    format!("{head}…{tail}")
}

/// A time as `system.tokens` writes it: no zone.
fn time(at: Timestamp) -> String {
    let mut shown = at.to_string();
    if shown.ends_with('Z') {
        shown.pop();
    }
    shown
}

fn cells(row: &TokenRow) -> [Option<String>; 10] {
    [
        Some(row.id.to_string()),
        // Names are the server's data, kept as they are for plans; shown masked.
        Some(mask_token_shaped(&row.name).into_owned()),
        Some(row.hash.clone()),
        row.created_at.map(time),
        row.description.clone(),
        row.created_by.map(|id| id.to_string()),
        row.updated_at.map(time),
        row.updated_by.map(|id| id.to_string()),
        row.expiry.map(time),
        Some(
            row.permissions
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ),
    ]
}

/// Rows in the server's own layout for `format`. (Written apart from the test server's
/// rendering on purpose: that one stands for the real server, this one is under test.)
fn render(rows: &[TokenRow], format: QueryFormat) -> String {
    let table: Vec<[Option<String>; 10]> = rows.iter().map(cells).collect();
    let object = |row: &[Option<String>; 10]| {
        let mut map = Map::new();
        for (column, cell) in COLUMNS.iter().zip(row) {
            let Some(cell) = cell else { continue };
            let value = match (*column, cell.parse::<u64>()) {
                ("token_id" | "created_by_token_id" | "updated_by_token_id", Ok(id)) => {
                    Value::from(id)
                }
                _ => Value::from(cell.clone()),
            };
            map.insert((*column).to_owned(), value);
        }
        Value::Object(map)
    };
    match format {
        QueryFormat::Json => Value::Array(table.iter().map(object).collect()).to_string(),
        QueryFormat::JsonLines => table.iter().fold(String::new(), |mut out, row| {
            let _ = writeln!(out, "{}", object(row));
            out
        }),
        QueryFormat::Csv => {
            let quote = |cell: &str| {
                // A cell a spreadsheet would run as a formula is neutralised as OWASP
                // recommends: a `'` in front.
                let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    format!("'{cell}")
                } else {
                    cell.to_owned()
                };
                if cell.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell
                }
            };
            let mut out = COLUMNS.join(",");
            out.push('\n');
            for row in &table {
                let line: Vec<String> = row
                    .iter()
                    .map(|c| c.as_deref().map(quote).unwrap_or_default())
                    .collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
            out
        }
        _ => pretty(&table),
    }
}

/// The ASCII table of upstream's `pretty`.
fn pretty(rows: &[[Option<String>; 10]]) -> String {
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    // Cells bounded before they are measured: one huge cell cannot pad every row.
    let rows: Vec<[Option<String>; 10]> = rows
        .iter()
        .map(|row| row.clone().map(|c| c.map(|c| elide(&c))))
        .collect();
    let rows = &rows[..];
    let mut widths: Vec<usize> = COLUMNS.iter().map(|c| width(c)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.as_deref().map_or(0, width));
        }
    }
    let border = widths.iter().fold(String::from("+"), |mut out, w| {
        out.push_str(&"-".repeat(w + 2));
        out.push('+');
        out
    });
    let line = |cells: Vec<&str>| {
        let mut out = String::from("|");
        for (cell, w) in cells.iter().zip(&widths) {
            let _ = write!(out, " {cell}{} |", " ".repeat(w - width(cell)));
        }
        out
    };
    let mut out = vec![border.clone(), line(COLUMNS.to_vec()), border.clone()];
    for row in rows {
        out.push(line(
            row.iter().map(|c| c.as_deref().unwrap_or("")).collect(),
        ));
    }
    out.push(border);
    out.join("\n")
}
