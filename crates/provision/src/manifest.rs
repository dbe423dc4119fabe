//! The manifest: the tokens that should exist, as TOML.
//!
//! Read in two steps: the document into [`RawManifest`] (every string with its place),
//! then every value checked into a [`Manifest`]. The first step has a fast path for the
//! shape manifests have (`create_databases = [...]`, then `[[token]]` tables of plain
//! strings), read by a scanner of its own without building a table per token;
//! anything else (inline tables, escapes, dates, a syntax error) goes through `toml`'s
//! document, which knows all of TOML and words its errors. Both give the same result.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::str::FromStr;

use influxdb3_permission::{DatabaseName, Grants, GrantsError, Permission};
use influxdb3_token::{Expiry, Lifetime, Timestamp, TokenName};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod fast;

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

/// A string of the document, and its place (its quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Str<'a> {
    span: Range<usize>,
    text: Cow<'a, str>,
}

/// One `[[token]]` as written, before its values are checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct RawToken<'a> {
    /// The table (its header, for a `[[token]]`).
    span: Range<usize>,
    name: Option<Str<'a>>,
    /// The list's place, and its strings.
    permissions: Option<(Range<usize>, Vec<Str<'a>>)>,
    expiry: Option<Str<'a>>,
    /// A string, or a TOML date-time written out.
    expires_at: Option<Str<'a>>,
}

/// The document as written: strings with their places.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct RawManifest<'a> {
    create_databases: Vec<Str<'a>>,
    tokens: Vec<RawToken<'a>>,
}

/// A value of `toml`'s document, with its place.
type Node<'i> = Spanned<DeValue<'i>>;

/// The slow path: `toml`'s document, with all of TOML, and the errors of shape (a
/// value of the wrong type, a key that is not known) at their place.
struct Slow<'t> {
    text: &'t str,
}

impl<'t> Slow<'t> {
    fn fail(&self, span: Range<usize>, message: String) -> ManifestError {
        fail(self.text, Some(span), message)
    }

    fn string<'i>(&self, node: &Node<'i>, what: &str) -> Result<Str<'i>, ManifestError> {
        match node.get_ref() {
            DeValue::String(s) => Ok(Str {
                span: node.span(),
                text: s.clone(),
            }),
            other => Err(self.fail(
                node.span(),
                format!("{what} must be a string, not {}", other.type_str()),
            )),
        }
    }

    fn strings<'i>(
        &self,
        node: &Node<'i>,
        what: &str,
        each: &str,
    ) -> Result<Vec<Str<'i>>, ManifestError> {
        match node.get_ref() {
            DeValue::Array(a) => a.iter().map(|item| self.string(item, each)).collect(),
            other => Err(self.fail(
                node.span(),
                format!("{what} must be a list, not {}", other.type_str()),
            )),
        }
    }

    fn read(&self) -> Result<RawManifest<'t>, ManifestError> {
        let doc = DeTable::parse(self.text)
            .map_err(|e| fail(self.text, e.span(), e.message().to_owned()))?;
        let mut raw = RawManifest::default();
        for (key, value) in doc.get_ref() {
            match key.get_ref().as_ref() {
                "create_databases" => {
                    raw.create_databases = self.strings(
                        value,
                        "`create_databases`",
                        "each database of `create_databases`",
                    )?;
                }
                "token" => {
                    let DeValue::Array(list) = value.get_ref() else {
                        return Err(self.fail(
                            value.span(),
                            format!(
                                "`token` must be a list of tables (`[[token]]`), not {}",
                                value.get_ref().type_str()
                            ),
                        ));
                    };
                    for node in &**list {
                        raw.tokens.push(self.token(node)?);
                    }
                }
                other => {
                    return Err(self.fail(
                        key.span(),
                        format!(
                            "unknown key `{}`: a manifest has `create_databases` and `[[token]]` tables",
                            influxdb3_text::escape(other)
                        ),
                    ));
                }
            }
        }
        Ok(raw)
    }

    fn token(&self, node: &Node<'t>) -> Result<RawToken<'t>, ManifestError> {
        let DeValue::Table(table) = node.get_ref() else {
            return Err(self.fail(
                node.span(),
                format!(
                    "each `[[token]]` must be a table, not {}",
                    node.get_ref().type_str()
                ),
            ));
        };
        let mut token = RawToken {
            span: node.span(),
            ..RawToken::default()
        };
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "name" => token.name = Some(self.string(value, "`name`")?),
                "permissions" => {
                    token.permissions = Some((
                        value.span(),
                        self.strings(value, "`permissions`", "each permission")?,
                    ));
                }
                "expiry" => token.expiry = Some(self.string(value, "`expiry`")?),
                "expires_at" => {
                    token.expires_at = Some(match value.get_ref() {
                        // A TOML date-time (`expires_at = 2027-01-01T00:00:00Z`).
                        DeValue::Datetime(d) => Str {
                            span: value.span(),
                            text: Cow::Owned(d.to_string()),
                        },
                        _ => self.string(value, "`expires_at`")?,
                    });
                }
                other => {
                    return Err(self.fail(
                        key.span(),
                        format!(
                            "unknown key `{}` in a `[[token]]`: it takes `name`, `permissions`, and `expiry` or `expires_at`",
                            influxdb3_text::escape(other)
                        ),
                    ));
                }
            }
        }
        Ok(token)
    }
}

/// Permissions, lists of them and lifetimes already checked in one manifest: a manifest
/// of thousands of tokens repeats a few, and each is parsed once (and a list of
/// permissions held once: the tokens that have it share its [`Grants`]).
#[derive(Default)]
struct Seen {
    permissions: HashMap<String, Permission>,
    /// Keyed by the texts of the list, each after its length (so that no two lists
    /// share a key).
    grants: HashMap<String, Grants>,
    /// The key being looked up.
    key: String,
    lifetimes: HashMap<String, Lifetime>,
}

/// The checks of every value, with the error at its place.
struct Checker<'t> {
    text: &'t str,
    seen: Seen,
}

impl Checker<'_> {
    fn fail(&self, span: Range<usize>, message: String) -> ManifestError {
        fail(self.text, Some(span), message)
    }

    fn manifest(&mut self, raw: RawManifest<'_>) -> Result<Manifest, ManifestError> {
        let mut create_databases: Vec<DatabaseName> = Vec::new();
        let mut listed = HashSet::new();
        for db in &raw.create_databases {
            let name = DatabaseName::new(&db.text).map_err(|e| {
                self.fail(
                    db.span.clone(),
                    format!(
                        "`{}` in `create_databases` is not a valid database name: {}",
                        influxdb3_text::escape(&db.text),
                        e.kind()
                    ),
                )
            })?;
            if listed.insert(name.clone()) {
                create_databases.push(name);
            }
        }
        let mut tokens = Vec::with_capacity(raw.tokens.len());
        let mut names = HashSet::with_capacity(raw.tokens.len());
        for token in raw.tokens {
            let name_span = token.name.as_ref().map(|n| n.span.clone());
            let desired = self.token(&token)?;
            if !names.insert(desired.name.clone()) {
                return Err(self.fail(
                    name_span.unwrap_or_default(),
                    format!(
                        "a token named `{}` is already in the manifest: names are unique",
                        influxdb3_text::escape(desired.name.as_str())
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

    fn token(&mut self, token: &RawToken<'_>) -> Result<Desired, ManifestError> {
        let missing = |key: &str| {
            fail(
                self.text,
                Some(token.span.clone()),
                format!("a `[[token]]` has no `{key}`"),
            )
        };
        let name = token.name.as_ref().ok_or_else(|| missing("name"))?;
        let (list_span, list) = token
            .permissions
            .as_ref()
            .ok_or_else(|| missing("permissions"))?;
        let checked = TokenName::new(&name.text)
            .map_err(|e| self.fail(name.span.clone(), format!("invalid token name: {e}")))?;
        if checked.is_admin() {
            return Err(self.fail(
                name.span.clone(),
                "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token".to_owned(),
            ));
        }
        let grants = self.grants(list_span, list)?;
        let expiry = self.expiry(token.expiry.as_ref(), token.expires_at.as_ref())?;
        Ok(Desired {
            name: checked,
            grants,
            expiry,
        })
    }

    /// `permissions`: each checked by the grammar (once per distinct text), at least one,
    /// not `*:*:*`.
    fn grants(
        &mut self,
        list_span: &Range<usize>,
        list: &[Str<'_>],
    ) -> Result<Grants, ManifestError> {
        let key = &mut self.seen.key;
        key.clear();
        for p in list {
            let _ = write!(key, "{}:", p.text.len());
            key.push_str(&p.text);
        }
        if let Some(known) = self.seen.grants.get(key.as_str()) {
            return Ok(known.clone());
        }
        let mut permissions = Vec::with_capacity(list.len());
        for p in list {
            if let Some(known) = self.seen.permissions.get(p.text.as_ref()) {
                permissions.push(known.clone());
                continue;
            }
            let permission = p.text.parse::<Permission>().map_err(|e| {
                // The bad part itself when the string has no escapes: its opening
                // quote, then the grammar's span.
                let at = p.span.clone();
                let span = if at.len() == p.text.len() + 2 {
                    at.start + 1 + e.span().start..at.start + 1 + e.span().end
                } else {
                    at
                };
                let hint = e
                    .hint()
                    .map(|h| format!(" (hint: {h})"))
                    .unwrap_or_default();
                self.fail(
                    span,
                    format!(
                        "invalid permission `{}`: {}{hint}",
                        influxdb3_text::escape(&p.text),
                        e.kind()
                    ),
                )
            })?;
            self.seen
                .permissions
                .insert(p.text.clone().into_owned(), permission.clone());
            permissions.push(permission);
        }
        let grants = Grants::try_from(permissions).map_err(|e| {
            self.fail(
                list_span.clone(),
                match e {
                    GrantsError::Admin => "`*:*:*` is the admin permission: a manifest lists permission tokens (create admin tokens with `create token --admin`)".to_owned(),
                    _ => "a token needs at least one permission".to_owned(),
                },
            )
        })?;
        self.seen
            .grants
            .insert(self.seen.key.clone(), grants.clone());
        Ok(grants)
    }

    /// `expiry` (a lifetime), or `expires_at` (an instant), or neither (never).
    fn expiry(
        &mut self,
        expiry: Option<&Str<'_>>,
        expires_at: Option<&Str<'_>>,
    ) -> Result<Expiry, ManifestError> {
        Ok(match (expiry, expires_at) {
            (Some(_), Some(at)) => {
                return Err(self.fail(
                    at.span.clone(),
                    "give `expiry` or `expires_at`, not both".to_owned(),
                ));
            }
            (Some(lifetime), None) => Expiry::After(
                if let Some(known) = self.seen.lifetimes.get(lifetime.text.as_ref()) {
                    *known
                } else {
                    let parsed = lifetime.text.parse::<Lifetime>().map_err(|e| {
                        self.fail(lifetime.span.clone(), format!("invalid `expiry`: {e}"))
                    })?;
                    self.seen
                        .lifetimes
                        .insert(lifetime.text.clone().into_owned(), parsed);
                    parsed
                },
            ),
            (None, Some(at)) => {
                Expiry::At(at.text.parse::<Timestamp>().map_err(|e| {
                    self.fail(at.span.clone(), format!("invalid `expires_at`: {e}"))
                })?)
            }
            (None, None) => Expiry::Never,
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
        let raw = match fast::read(text) {
            Some(raw) => raw,
            None => Slow { text }.read()?,
        };
        Checker {
            text,
            seen: Seen::default(),
        }
        .manifest(raw)
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

/// For the fuzz target `manifest` only: whether the fast path and `toml`'s document
/// read `text` alike (`None` when the fast path leaves it to the other). Not an API.
#[doc(hidden)]
pub fn fuzz_paths_agree(text: &str) -> Option<bool> {
    let fast = fast::read(text)?;
    Some(Slow { text }.read().is_ok_and(|slow| slow == fast))
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
