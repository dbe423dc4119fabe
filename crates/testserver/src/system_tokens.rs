//! `select * from system.tokens` on `_internal`, as a server answers `POST
//! /api/v3/query_sql`: upstream's columns, in its four formats.

use std::fmt::Write as _;

use influxdb3_permission::Permission;
use influxdb3_token::Timestamp;
use serde_json::{Map, Value};

use crate::mode::Mode;
use crate::state::{Record, State};

/// The columns, in upstream's order.
pub(crate) const COLUMNS: [&str; 10] = [
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

/// The one query the test server knows, as upstream's `show tokens` sends it.
pub(crate) const QUERY: &str = "select * from system.tokens";

/// A time as `system.tokens` shows it: RFC 3339 with milliseconds, no zone (UTC).
fn time(at: Timestamp) -> String {
    let mut shown = at.to_string();
    if shown.ends_with('Z') {
        shown.pop();
    }
    shown
}

/// The cells of one row; `None` for a null.
fn cells(mode: Mode, record: &Record, hash: &str) -> [Option<String>; 10] {
    let permissions = if record.admin || mode == Mode::Core {
        "*:*:*".to_owned()
    } else {
        record
            .listed
            .iter()
            .map(Permission::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    [
        Some(record.id.to_string()),
        Some(record.name.clone()),
        Some(hash.to_owned()),
        Some(time(record.created)),
        record.description.clone(),
        None,
        record.updated.map(|(at, _)| time(at)),
        record.updated.map(|(_, by)| by.to_string()),
        record.expiry.map(time),
        Some(permissions),
    ]
}

/// The body for `format` (`json`, `jsonl`/`json_lines`, `csv`, `pretty`), or `None`
/// for a format the server does not know.
pub(crate) fn body(mode: Mode, state: &State, format: &str) -> Option<String> {
    let rows: Vec<[Option<String>; 10]> = state
        .rows()
        .into_iter()
        .map(|(record, hash)| cells(mode, record, &hash))
        .collect();
    Some(match format {
        "json" => {
            let objects: Vec<Value> = rows.iter().map(object).collect();
            Value::Array(objects).to_string()
        }
        "jsonl" | "json_lines" => rows.iter().fold(String::new(), |mut out, row| {
            let _ = writeln!(out, "{}", object(row));
            out
        }),
        "csv" => csv(&rows),
        "pretty" => pretty(&rows),
        _ => return None,
    })
}

/// A JSON object of a row: nulls left out, `token_id` a number.
fn object(row: &[Option<String>; 10]) -> Value {
    let mut map = Map::new();
    for (column, cell) in COLUMNS.iter().zip(row) {
        let Some(cell) = cell else { continue };
        // The ids are numbers; the rest strings.
        let value = if column.ends_with("token_id") {
            cell.parse::<u64>()
                .map_or_else(|_| Value::from(cell.clone()), Value::from)
        } else {
            Value::from(cell.clone())
        };
        map.insert((*column).to_owned(), value);
    }
    Value::Object(map)
}

/// CSV with a header; a cell with a comma, a quote or a line break is quoted.
fn csv(rows: &[[Option<String>; 10]]) -> String {
    let quote = |cell: &str| {
        if cell.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_owned()
        }
    };
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .map(|c| c.as_deref().map(quote).unwrap_or_default())
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The ASCII table of upstream's `pretty`: `+---+` borders, `| a | b |` rows, empty
/// cells for nulls; no newline after the last border.
fn pretty(rows: &[[Option<String>; 10]]) -> String {
    let mut widths: Vec<usize> = COLUMNS.iter().map(|c| c.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.as_deref().map_or(0, |c| c.chars().count()));
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
            let _ = write!(out, " {cell}{} |", " ".repeat(w - cell.chars().count()));
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
