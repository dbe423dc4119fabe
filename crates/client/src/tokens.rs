//! The server's tokens, as `system.tokens` lists them (what upstream's `show tokens`
//! asks for).

use std::borrow::Cow;
use std::fmt;

use influxdb3_permission::{Permission, parse_joined};
use influxdb3_token::Timestamp;
use serde::Deserialize;

use crate::error::BodyProblem;

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

    /// A listing's `body` in this format as a terminal may show it (tokens in it are
    /// already masked by the client): [hidden](influxdb3_text::is_hidden) characters
    /// escaped the way the format reads them back, as `\uXXXX` in the JSON formats
    /// ([`influxdb3_text::escape_json`]) and as [`influxdb3_text::escape`] does in the
    /// table and CSV, whose line breaks stay ([`influxdb3_text::escape_lines`]).
    ///
    /// ```
    /// use influxdb3_token_client::QueryFormat;
    ///
    /// let row = "[{\"name\":\"a\u{202e}b\"}]";
    /// assert_eq!(QueryFormat::Json.shown(row), "[{\"name\":\"a\\u202eb\"}]");
    /// assert_eq!(QueryFormat::Csv.shown("name\na\u{202e}b\n"), "name\na\\u202eb\n");
    /// ```
    pub fn shown(self, body: &str) -> Cow<'_, str> {
        match self {
            QueryFormat::Json | QueryFormat::JsonLines => influxdb3_text::escape_json(body),
            QueryFormat::Pretty | QueryFormat::Csv => influxdb3_text::escape_lines(body),
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
                Some(text) => parse_joined(text).map_err(|source| BodyProblem::Permissions {
                    row: i + 1,
                    source: Box::new(source),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(permissions: &str) -> String {
        format!(
            r#"[{{"token_id":1,"name":"n","hash":"fd23bcc1a","permissions":{}}}]"#,
            serde_json::to_string(permissions).unwrap()
        )
    }

    #[test]
    fn joined_permissions_split_back() {
        let shown = |text: &str| -> Vec<String> {
            rows(&row(text)).unwrap()[0]
                .permissions
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(shown("*:*:*"), ["*:*:*"]);
        assert_eq!(shown(""), Vec::<String>::new());
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
    }

    #[test]
    fn a_column_that_does_not_parse_is_a_typed_error_into_it() {
        let err = rows(&row("db:a:read,db:b:reed")).unwrap_err();
        let BodyProblem::Permissions { row, source } = &err else {
            panic!("{err:?}");
        };
        assert_eq!((*row, source.span()), (1, 15..19));
        assert_eq!(source.input(), "db:a:read,db:b:reed");
        assert_eq!(err.to_string(), "row 1: its permissions do not parse");
    }
}
