//! The manifest: the tokens that should exist, as TOML.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use influxdb3_permission::{DatabaseName, Grants, GrantsError, Permission};
use influxdb3_token::{Expiry, Lifetime, Timestamp, TokenName};
use serde::Deserialize;
use toml::Spanned;

/// The tokens that should exist, and the databases they need.
///
/// ```toml
/// create_databases = ["metrics", "logs"]
///
/// [[token]]
/// name = "telegraf"
/// permissions = ["db:metrics:write"]
/// expiry = "90d"            # or expires_at = "2027-01-01T00:00:00Z"; or none: never
/// ```
///
/// Every value is checked when the manifest is read: names as `create token --name`
/// checks them (and `_admin` refused), permissions by the grammar (`*:*:*` refused: a
/// permission token), one of `expiry` and `expires_at` at most, no key that is not
/// listed here, no name twice.
///
/// ```
/// use influxdb3_provision::Manifest;
///
/// let manifest: Manifest = r#"
/// create_databases = ["metrics"]
/// [[token]]
/// name = "telegraf"
/// permissions = ["db:metrics:write"]
/// expiry = "90d"
/// "#.parse()?;
/// assert_eq!(manifest.tokens()[0].name().as_str(), "telegraf");
///
/// let err = "[[token]]\nname = \"x\"\npermissions = [\"db:m:reed\"]\n".parse::<Manifest>().unwrap_err();
/// assert_eq!((err.line, err.column), (3, 22));
/// # Ok::<(), influxdb3_provision::ManifestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    create_databases: Vec<DatabaseName>,
    tokens: Vec<Desired>,
}

/// One token the manifest wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desired {
    name: TokenName,
    grants: Grants,
    expiry: Expiry,
}

impl Desired {
    /// Its name.
    pub fn name(&self) -> &TokenName {
        &self.name
    }

    /// Its permissions.
    pub fn grants(&self) -> &Grants {
        &self.grants
    }

    /// When it expires: after a lifetime counted from its creation, at an instant, or
    /// never.
    pub fn expiry(&self) -> Expiry {
        self.expiry
    }
}

impl Desired {
    /// Checks one `[[token]]` table.
    fn check(text: &str, token: RawToken) -> Result<Desired, ManifestError> {
        let name = TokenName::new(token.name.get_ref()).map_err(|e| {
            fail(
                text,
                Some(token.name.span()),
                format!("invalid token name: {e}"),
            )
        })?;
        if name.is_admin() {
            return Err(fail(
                text,
                Some(token.name.span()),
                "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token".to_owned(),
            ));
        }
        let mut permissions = Vec::with_capacity(token.permissions.get_ref().len());
        for p in token.permissions.get_ref() {
            let permission = p.get_ref().parse::<Permission>().map_err(|e| {
                // The bad part itself when the string has no escapes: its opening
                // quote, then the grammar's span.
                let at = p.span();
                let span = if at.len() == p.get_ref().len() + 2 {
                    at.start + 1 + e.span().start..at.start + 1 + e.span().end
                } else {
                    at
                };
                fail(
                    text,
                    Some(span),
                    format!(
                        "invalid permission `{}`: {}",
                        influxdb3_permission::escape(p.get_ref()),
                        e.kind()
                    ),
                )
            })?;
            permissions.push(permission);
        }
        let grants = Grants::try_from(permissions).map_err(|e| {
            fail(
                text,
                Some(token.permissions.span()),
                match e {
                    GrantsError::Admin => "`*:*:*` is the admin permission: a manifest lists permission tokens (create admin tokens with `create token --admin`)".to_owned(),
                    _ => "a token needs at least one permission".to_owned(),
                },
            )
        })?;
        let expiry = match (token.expiry, token.expires_at) {
            (Some(_), Some(at)) => {
                return Err(fail(
                    text,
                    Some(at.span()),
                    "give `expiry` or `expires_at`, not both".to_owned(),
                ));
            }
            (Some(lifetime), None) => {
                Expiry::After(lifetime.get_ref().parse::<Lifetime>().map_err(|e| {
                    fail(
                        text,
                        Some(lifetime.span()),
                        format!("invalid `expiry`: {e}"),
                    )
                })?)
            }
            (None, Some(at)) => {
                let written = match at.get_ref() {
                    When::Text(s) => s.clone(),
                    When::Date(d) => d.to_string(),
                };
                Expiry::At(written.parse::<Timestamp>().map_err(|e| {
                    fail(text, Some(at.span()), format!("invalid `expires_at`: {e}"))
                })?)
            }
            (None, None) => Expiry::Never,
        };
        Ok(Desired {
            name,
            grants,
            expiry,
        })
    }
}

impl Manifest {
    /// Reads a manifest.
    ///
    /// # Errors
    ///
    /// [`ManifestError`] with the line and column of the first problem.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let raw: RawManifest =
            toml::from_str(text).map_err(|e| fail(text, e.span(), e.message().to_owned()))?;
        let mut create_databases = Vec::new();
        for db in raw.create_databases {
            let name = DatabaseName::new(db.get_ref()).map_err(|e| {
                fail(
                    text,
                    Some(db.span()),
                    format!(
                        "`{}` in `create_databases` is not a valid database name: {}",
                        influxdb3_permission::escape(db.get_ref()),
                        e.kind()
                    ),
                )
            })?;
            if !create_databases.contains(&name) {
                create_databases.push(name);
            }
        }
        let mut tokens: Vec<Desired> = Vec::with_capacity(raw.token.len());
        let mut names = std::collections::HashSet::new();
        for token in raw.token {
            let name_span = token.get_ref().name.span();
            let desired = Desired::check(text, token.into_inner())?;
            if !names.insert(desired.name.clone()) {
                return Err(fail(
                    text,
                    Some(name_span),
                    format!(
                        "a token named `{}` is already in the manifest: names are unique",
                        influxdb3_permission::escape(desired.name.as_str())
                    ),
                ));
            }
            tokens.push(desired);
        }
        Ok(Manifest {
            create_databases,
            tokens,
        })
    }

    /// The databases the tokens need created, in order, without repeats.
    pub fn create_databases(&self) -> &[DatabaseName] {
        &self.create_databases
    }

    /// The tokens, in order.
    pub fn tokens(&self) -> &[Desired] {
        &self.tokens
    }
}

impl FromStr for Manifest {
    type Err = ManifestError;

    fn from_str(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(text)
    }
}

/// What is wrong with a manifest, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
#[non_exhaustive]
pub struct ManifestError {
    /// 1-based line (0 when the problem has no place).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// An error at `span` of `text`.
fn fail(text: &str, span: Option<Range<usize>>, message: String) -> ManifestError {
    ManifestError {
        line: 0,
        column: 0,
        message,
    }
    .at(text, span)
}

impl ManifestError {
    fn at(mut self, text: &str, span: Option<Range<usize>>) -> ManifestError {
        if let Some(span) = span {
            let start = span.start.min(text.len());
            let before = text.get(..start).unwrap_or_default();
            self.line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            self.column = before[line_start..].chars().count() + 1;
        }
        // toml's messages may span lines; ours are one.
        self.message = self
            .message
            .trim()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        self
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    create_databases: Vec<Spanned<String>>,
    #[serde(default)]
    token: Vec<Spanned<RawToken>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    name: Spanned<String>,
    permissions: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    expiry: Option<Spanned<String>>,
    #[serde(default)]
    expires_at: Option<Spanned<When>>,
}

/// `expires_at` as a string or as a TOML date-time.
#[derive(Deserialize)]
#[serde(untagged)]
enum When {
    Text(String),
    Date(toml::value::Datetime),
}

impl fmt::Debug for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Text(s) => write!(f, "{s:?}"),
            When::Date(d) => write!(f, "{d}"),
        }
    }
}
