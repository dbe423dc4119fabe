//! The server's tokens, as `system.tokens` lists them (what upstream's `show tokens`
//! asks for).

use std::fmt;

use influxdb3_permission::Permission;
use influxdb3_token::Timestamp;
use serde::Deserialize;

use crate::BodyProblem;

/// The database and query of upstream's `show tokens`.
pub(crate) const INTERNAL_DB: &str = "_internal";
pub(crate) const TOKENS_QUERY: &str = "select * from system.tokens";
/// `POST` with a JSON body: `{"db", "q", "format", "params": null}`.
pub(crate) const QUERY_PATH: &str = "/api/v3/query_sql";

/// The formats a server answers a query in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QueryFormat {
    /// An ASCII table (`+---+` borders).
    Pretty,
    /// A JSON array of objects (null columns left out).
    Json,
    /// One JSON object per line (`--format jsonl`; `json_lines` on the wire).
    JsonLines,
    /// CSV with a header.
    Csv,
}

impl QueryFormat {
    /// The `format` of the request body.
    pub fn wire(self) -> &'static str {
        match self {
            QueryFormat::Pretty => "pretty",
            QueryFormat::Json => "json",
            QueryFormat::JsonLines => "json_lines",
            QueryFormat::Csv => "csv",
        }
    }
}

impl fmt::Display for QueryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire())
    }
}

/// One row of `system.tokens`: what the server knows about a token, never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenRow {
    /// The server's id.
    pub id: u64,
    /// The name.
    pub name: String,
    /// The first 9 hexadecimal characters of the token's SHA-512.
    pub hash: String,
    /// When it was created.
    pub created_at: Option<Timestamp>,
    /// Its description, if the server keeps one.
    pub description: Option<String>,
    /// The id of the token that created it, if the server says.
    pub created_by: Option<u64>,
    /// When it was last changed, if ever.
    pub updated_at: Option<Timestamp>,
    /// The id of the token that last changed it, if the server says.
    pub updated_by: Option<u64>,
    /// When it expires; `None` for never.
    pub expiry: Option<Timestamp>,
    /// Its permissions (`*:*:*` for an admin token).
    pub permissions: Vec<Permission>,
}

impl TokenRow {
    /// Whether it is an admin token (`*:*:*`).
    pub fn is_admin(&self) -> bool {
        self.permissions.contains(&Permission::Admin)
    }
}

/// A row as the server writes it in JSON.
#[derive(Deserialize)]
struct Wire {
    token_id: u64,
    name: String,
    hash: String,
    created_at: Option<String>,
    description: Option<String>,
    created_by_token_id: Option<u64>,
    updated_at: Option<String>,
    updated_by_token_id: Option<u64>,
    expiry: Option<String>,
    permissions: Option<String>,
}

/// The rows of a JSON answer to [`TOKENS_QUERY`].
pub(crate) fn rows(body: &str) -> Result<Vec<TokenRow>, BodyProblem> {
    let wire: Vec<Wire> = serde_json::from_str(body).map_err(BodyProblem::Json)?;
    wire.into_iter()
        .enumerate()
        .map(|(i, w)| {
            let bad = |what: String| BodyProblem::Row { row: i + 1, what };
            let time = |text: Option<String>| -> Result<Option<Timestamp>, BodyProblem> {
                text.map(|t| {
                    // `system.tokens` writes UTC without a zone.
                    let zoned = if t.ends_with('Z') {
                        t.clone()
                    } else {
                        format!("{t}Z")
                    };
                    zoned
                        .parse::<Timestamp>()
                        .map_err(|_| bad(format!("`{}` is not a time", influxdb3_text::escape(&t))))
                })
                .transpose()
            };
            let permissions = match w.permissions.as_deref() {
                None | Some("") => Vec::new(),
                Some(text) => split(text).ok_or_else(|| {
                    bad(format!(
                        "the permissions `{}` do not parse",
                        influxdb3_text::escape(text)
                    ))
                })?,
            };
            Ok(TokenRow {
                id: w.token_id,
                created_at: time(w.created_at)?,
                description: w.description,
                created_by: w.created_by_token_id,
                updated_at: time(w.updated_at)?,
                updated_by: w.updated_by_token_id,
                expiry: time(w.expiry)?,
                name: w.name,
                hash: w.hash,
                permissions,
            })
        })
        .collect()
}

/// Permissions joined by `,`, as `system.tokens` writes them: a permission holds commas
/// of its own (`db:a,b:read,write`), so the pieces are grouped back by the grammar, the
/// first grouping that parses in full (left to right, shortest first) winning.
pub(crate) fn split(text: &str) -> Option<Vec<Permission>> {
    let pieces: Vec<&str> = text.split(',').collect();
    let mut out = Vec::new();
    // Where a grouping of the rest is known to fail: each start is tried once, so a
    // hostile answer costs at most pieces² parses.
    let mut dead = vec![false; pieces.len() + 1];
    if group(&pieces, 0, &mut out, &mut dead) {
        Some(out)
    } else {
        None
    }
}

fn group(pieces: &[&str], start: usize, out: &mut Vec<Permission>, dead: &mut [bool]) -> bool {
    if start == pieces.len() {
        return true;
    }
    if dead[start] {
        return false;
    }
    for end in start + 1..=pieces.len() {
        let candidate = pieces[start..end].join(",");
        if let Ok(p) = candidate.parse::<Permission>() {
            out.push(p);
            if group(pieces, end, out, dead) {
                return true;
            }
            out.pop();
        }
    }
    dead[start] = true;
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<String> {
        split(text)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn joined_permissions_split_back() {
        assert_eq!(shown("*:*:*"), ["*:*:*"]);
        assert_eq!(shown("db:a,b:read,write"), ["db:a,b:read,write"]);
        assert_eq!(
            shown("db:a,b:read,write,system:health:read,db:c:delete"),
            ["db:a,b:read,write", "system:health:read", "db:c:delete"]
        );
        // A database named `db`, and one named like an action.
        assert_eq!(
            shown("db:x,db:read,db:read:write"),
            ["db:x,db:read", "db:read:write"]
        );
        assert!(split("db:a:reed").is_none());
    }
}
