//! `influxdb3 show tokens`: the server's tokens, as upstream lists them, with filters.
//!
//! What the server wrote comes masked from the client (`Client::show_tokens` and
//! `list_tokens`): every token-shaped value and the admin token are `apiv3_***`, and a
//! `pretty` table with masked cells is drawn again there, so that its borders line up.
//! Filtered rows are rendered here from those masked rows.

use std::fmt::Write as _;

use clap::ArgMatches;
use influxdb3_permission::{Action as Right, PermissionSet, Resource};
use influxdb3_token::{Lifetime, Timestamp};
use influxdb3_token_client::{QueryFormat, TokenRow};
use serde_json::{Map, Value};

use crate::args::{ShowFormat, ShowTokens};
use crate::error::{Action, CliError, Kind};
use crate::output::Outcome;
use crate::quote::{escape_json, escape_lines, quote};

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

/// Which rows to keep.
struct Filter {
    name: Option<String>,
    database: Option<String>,
    expired: bool,
    within: Option<Lifetime>,
}

impl Filter {
    fn any(&self) -> bool {
        self.name.is_some() || self.database.is_some() || self.expired || self.within.is_some()
    }

    fn keeps(&self, row: &TokenRow, now: Timestamp) -> bool {
        if self.name.as_ref().is_some_and(|n| *n != row.name) {
            return false;
        }
        if let Some(db) = &self.database {
            let set: PermissionSet = row.permissions.iter().collect();
            let rights = [
                Right::Create,
                Right::Describe,
                Right::Read,
                Right::Write,
                Right::Delete,
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

fn wire(format: ShowFormat) -> QueryFormat {
    match format {
        ShowFormat::Pretty => QueryFormat::Pretty,
        ShowFormat::Json => QueryFormat::Json,
        ShowFormat::Jsonl => QueryFormat::JsonLines,
        ShowFormat::Csv => QueryFormat::Csv,
    }
}

/// `influxdb3 show tokens`.
pub(crate) fn run(args: ShowTokens, m: &ArgMatches) -> Result<Outcome, CliError> {
    let within = args
        .expiring_within
        .as_deref()
        .map(|text| {
            text.parse::<Lifetime>().map_err(|e| {
                CliError::usage(format!("invalid --expiring-within {}: {e}", quote(text)))
                    .kind(Kind::InvalidDuration)
            })
        })
        .transpose()?;
    let filter = Filter {
        name: args.name.clone(),
        database: args.database.clone(),
        expired: args.expired,
        within,
    };
    let format = args.format;
    let online = crate::options::online(args.server, m)?;
    // Before the request, which may take a while or fail.
    for w in &online.warnings {
        crate::output::warn(w);
    }
    let failed = |e| online.error(&e, Action::List, "");
    let body = if filter.any() {
        let now = Timestamp::now();
        let rows: Vec<TokenRow> = online
            .client
            .list_tokens()
            .map_err(failed)?
            .into_iter()
            .filter(|row| filter.keeps(row, now))
            .collect();
        render(&rows, format)
    } else {
        // As the server wrote it: scripts written against upstream keep working.
        online.client.show_tokens(wire(format)).map_err(failed)?
    };
    // The body and one line break, as upstream prints it (hidden characters escaped).
    let mut stdout = match format {
        ShowFormat::Json | ShowFormat::Jsonl => escape_json(&body),
        ShowFormat::Pretty | ShowFormat::Csv => escape_lines(&body),
    };
    stdout.push('\n');
    Ok(Outcome::ok(stdout))
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
        Some(influxdb3_token::mask_token_shaped(&row.name).into_owned()),
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
fn render(rows: &[TokenRow], format: ShowFormat) -> String {
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
        ShowFormat::Json => Value::Array(table.iter().map(object).collect()).to_string(),
        ShowFormat::Jsonl => table.iter().fold(String::new(), |mut out, row| {
            let _ = writeln!(out, "{}", object(row));
            out
        }),
        ShowFormat::Csv => {
            let quote = |cell: &str| {
                if cell.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.to_owned()
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
        ShowFormat::Pretty => pretty(&table),
    }
}

/// The ASCII table of upstream's `pretty`.
fn pretty(rows: &[[Option<String>; 10]]) -> String {
    let width = crate::quote::width;
    // Cells bounded before they are measured: one huge cell cannot pad every row.
    let rows: Vec<[Option<String>; 10]> = rows
        .iter()
        .map(|row| {
            row.clone()
                .map(|c| c.map(|c| crate::quote::elide(&c, crate::quote::MAX_VALUE)))
        })
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
