//! The manifest: the tokens that should exist, as TOML.
//!
//! Read by `toml` alone, into its spanned document ([`DeTable`]); then every value is
//! checked into a [`Manifest`] in one pass over the document. A problem is a
//! [`ManifestError`] that points at the offending character: inside a string, through
//! its escapes ([`place`]).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::mem;
use std::ops::Range;
use std::str::FromStr;

use influxdb3_permission::{DatabaseName, Grants, GrantsError, Permission};
use influxdb3_text::{Diagnostic, escape};
use influxdb3_token::{
    Expiry, Lifetime, MAX_NAME_CHARS, Timestamp, Token, TokenName, TokenNameError,
};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod error;
mod place;

use error::ORIGIN;
pub use error::{ManifestError, ManifestKind};

/// The tokens that should exist, and the databases they need.
///
/// ```toml
/// create_databases = ["metrics", "logs"]
///
/// [[token]]
/// name = "telegraf"
/// permissions = ["db:metrics:write"]
/// expiry = "90d"            # or expires_at = "2027-01-01T00:00:00Z"; or none: never
/// secret_file = "secrets/telegraf"   # optional: a chosen secret, pinned
/// ```
///
/// A `secret_file` names the file that holds the token's chosen secret, relative to the
/// manifest's directory. This crate reads no file: the caller reads each
/// ([`Desired::secret_file`]) and hands the secret in with [`Manifest::set_secret`].
///
/// Every value is checked when the manifest is read: names as `create token --name`
/// checks them (and `_admin` refused), permissions by the grammar (`*:*:*` refused: a
/// permission token), one of `expiry` and `expires_at` at most, no key that is not
/// listed here, no name twice.
///
/// ```
/// use influxdb3_provision::{Manifest, ManifestKind};
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
/// let at = err.location().unwrap();
/// assert_eq!((at.line, at.column), (3, 22));
/// assert_eq!(*err.kind(), ManifestKind::InvalidPermission);
/// assert_eq!(err.hint(), Some("did you mean `read`?"));
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
    secret_file: Option<String>,
    secret: Option<Token>,
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

    /// The file its `secret_file` names, as written (relative to the manifest's
    /// directory); `None`: the store mints its secret.
    pub fn secret_file(&self) -> Option<&str> {
        self.secret_file.as_deref()
    }

    /// The secret read from its `secret_file` ([`Manifest::set_secret`]).
    pub fn secret(&self) -> Option<&Token> {
        self.secret.as_ref()
    }
}

/// A value of `toml`'s document, with its place.
type Node<'i> = Spanned<DeValue<'i>>;

/// A key of `toml`'s document, with its place.
type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;

/// A string of the document: where it is written (its quotes included), and its value.
#[derive(Debug, Clone)]
struct Str<'d> {
    span: Range<usize>,
    text: &'d str,
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

/// The checks of every value of the document, each error at its place.
struct Reader<'t> {
    text: &'t str,
    seen: Seen,
}

impl Reader<'_> {
    fn fail(
        &self,
        span: Range<usize>,
        kind: ManifestKind,
        message: impl Into<String>,
    ) -> ManifestError {
        Diagnostic::new(ORIGIN, self.text, span, kind, message)
    }

    /// An error at the bytes `inner` of the value written at `span` (a string, or a
    /// key).
    fn fail_in(
        &self,
        span: Range<usize>,
        inner: Range<usize>,
        kind: ManifestKind,
        message: impl Into<String>,
    ) -> ManifestError {
        self.fail(place::source_range(self.text, span, inner), kind, message)
    }

    /// An error at the whole value of a string.
    fn fail_at(
        &self,
        s: &Str<'_>,
        kind: ManifestKind,
        message: impl Into<String>,
    ) -> ManifestError {
        self.fail_in(s.span.clone(), 0..s.text.len(), kind, message)
    }

    fn wrong_type(&self, node: &Node<'_>, what: &str, expected: &str) -> ManifestError {
        self.fail(
            node.span(),
            ManifestKind::WrongType,
            format!(
                "{what} must be {expected}, not {}",
                node.get_ref().type_str()
            ),
        )
    }

    fn unknown_key(&self, key: &Key<'_>, message: String, hint: &str) -> ManifestError {
        self.fail_in(
            key.span(),
            0..key.get_ref().len(),
            ManifestKind::UnknownKey,
            message,
        )
        .with_hint(hint)
    }

    fn string<'d>(&self, node: &'d Node<'_>, what: &str) -> Result<Str<'d>, ManifestError> {
        match node.get_ref() {
            DeValue::String(s) => Ok(Str {
                span: node.span(),
                text: s,
            }),
            _ => Err(self.wrong_type(node, what, "a string")),
        }
    }

    fn manifest(&mut self, doc: &DeTable<'_>) -> Result<Manifest, ManifestError> {
        let mut manifest = Manifest {
            create_databases: Vec::new(),
            tokens: Vec::new(),
        };
        for (key, value) in doc {
            match key.get_ref().as_ref() {
                "create_databases" => manifest.create_databases = self.databases(value)?,
                "token" => manifest.tokens = self.tokens(value)?,
                other => {
                    return Err(self.unknown_key(
                        key,
                        format!("unknown key `{}`", escape(other)),
                        "a manifest has `create_databases` and `[[token]]` tables",
                    ));
                }
            }
        }
        Ok(manifest)
    }

    /// `create_databases`: valid names, in order, without repeats.
    fn databases(&self, node: &Node<'_>) -> Result<Vec<DatabaseName>, ManifestError> {
        let DeValue::Array(list) = node.get_ref() else {
            return Err(self.wrong_type(node, "`create_databases`", "a list"));
        };
        let mut databases = Vec::with_capacity(list.len());
        let mut listed = HashSet::with_capacity(list.len());
        for item in &**list {
            let db = self.string(item, "each database of `create_databases`")?;
            let name = DatabaseName::new(db.text).map_err(|e| {
                let mut err = self.fail_in(
                    db.span.clone(),
                    e.span(),
                    ManifestKind::InvalidDatabaseName,
                    format!(
                        "`{}` in `create_databases` is not a valid database name: {}",
                        escape(db.text),
                        e.kind()
                    ),
                );
                if let Some(hint) = e.hint() {
                    err = err.with_hint(hint);
                }
                err
            })?;
            if listed.insert(db.text) {
                databases.push(name);
            }
        }
        Ok(databases)
    }

    /// The `[[token]]` tables: each checked, no name twice.
    fn tokens(&mut self, node: &Node<'_>) -> Result<Vec<Desired>, ManifestError> {
        let DeValue::Array(list) = node.get_ref() else {
            return Err(self.wrong_type(node, "`token`", "a list of tables (`[[token]]`)"));
        };
        let mut tokens = Vec::with_capacity(list.len());
        let mut names = HashSet::with_capacity(list.len());
        for item in &**list {
            let (desired, name) = self.token(item)?;
            if !names.insert(name.text) {
                return Err(self.fail_at(
                    &name,
                    ManifestKind::DuplicateName,
                    format!(
                        "a token named `{}` is already in the manifest: names are unique",
                        escape(name.text)
                    ),
                ));
            }
            tokens.push(desired);
        }
        Ok(tokens)
    }

    /// One `[[token]]`, and its name as written.
    fn token<'d>(&mut self, node: &'d Node<'_>) -> Result<(Desired, Str<'d>), ManifestError> {
        let DeValue::Table(table) = node.get_ref() else {
            return Err(self.wrong_type(node, "each `[[token]]`", "a table"));
        };
        let (mut name, mut permissions, mut expiry, mut expires_at) = (None, None, None, None);
        let mut secret_file = None;
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "name" => name = Some(self.string(value, "`name`")?),
                "permissions" => permissions = Some(value),
                "expiry" => expiry = Some((key.span(), self.string(value, "`expiry`")?)),
                "expires_at" => expires_at = Some((key.span(), value)),
                "secret_file" => secret_file = Some(self.secret_file(value)?),
                other => {
                    return Err(self.unknown_key(
                        key,
                        format!("unknown key `{}` in a `[[token]]`", escape(other)),
                        "a `[[token]]` takes `name`, `permissions`, `expiry` or `expires_at`, and `secret_file`",
                    ));
                }
            }
        }
        let missing = |key: &str| {
            self.fail(
                node.span(),
                ManifestKind::MissingKey,
                format!("a `[[token]]` has no `{key}`"),
            )
        };
        let name = name.ok_or_else(|| missing("name"))?;
        let permissions = permissions.ok_or_else(|| missing("permissions"))?;
        let checked = self.name(&name)?;
        let grants = self.grants(permissions)?;
        let expiry = self.expiry(expiry, expires_at)?;
        let desired = Desired {
            name: checked,
            grants,
            expiry,
            secret_file,
            secret: None,
        };
        Ok((desired, name))
    }

    /// `secret_file`: a path, not empty, without a control character.
    fn secret_file(&self, node: &Node<'_>) -> Result<String, ManifestError> {
        let path = self.string(node, "`secret_file`")?;
        if path.text.is_empty() || path.text.chars().any(char::is_control) {
            return Err(self.fail(
                path.span,
                ManifestKind::WrongType,
                "`secret_file` is the path of a file, relative to the manifest's directory",
            ));
        }
        Ok(path.text.to_owned())
    }

    /// `name`: as `create token --name` checks it, and not `_admin`.
    fn name(&self, name: &Str<'_>) -> Result<TokenName, ManifestError> {
        let checked = TokenName::new(name.text).map_err(|e| {
            // The character at fault (1-based positions, in characters).
            let character = match e {
                TokenNameError::Invisible { position, .. }
                | TokenNameError::OuterWhitespace { position } => Some(position - 1),
                TokenNameError::TooLong { .. } => Some(MAX_NAME_CHARS),
                _ => None,
            };
            let inner = character
                .and_then(|c| name.text.char_indices().nth(c))
                .map_or(0..name.text.len(), |(at, c)| at..at + c.len_utf8());
            let message = format!("invalid token name: {e}");
            if name.text.is_empty() {
                self.fail(name.span.clone(), ManifestKind::InvalidName, message)
            } else {
                self.fail_in(name.span.clone(), inner, ManifestKind::InvalidName, message)
            }
        })?;
        if checked.is_admin() {
            return Err(self.fail_at(
                name,
                ManifestKind::ReservedName,
                "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token",
            ));
        }
        Ok(checked)
    }

    /// `permissions`: each checked by the grammar (once per distinct text), at least one,
    /// not `*:*:*`.
    fn grants(&mut self, node: &Node<'_>) -> Result<Grants, ManifestError> {
        let DeValue::Array(list) = node.get_ref() else {
            return Err(self.wrong_type(node, "`permissions`", "a list"));
        };
        let mut key = mem::take(&mut self.seen.key);
        key.clear();
        for item in &**list {
            let p = self.string(item, "each permission")?;
            let _ = write!(key, "{}:", p.text.len());
            key.push_str(p.text);
        }
        let grants = match self.seen.grants.get(&key) {
            Some(known) => Ok(known.clone()),
            None => self.new_grants(node, list).inspect(|grants| {
                self.seen.grants.insert(key.clone(), grants.clone());
            }),
        };
        self.seen.key = key;
        grants
    }

    /// A list of permissions not seen before in this manifest (all of them strings).
    fn new_grants(&mut self, node: &Node<'_>, list: &[Node<'_>]) -> Result<Grants, ManifestError> {
        let mut permissions = Vec::with_capacity(list.len());
        for item in list {
            let p = self.string(item, "each permission")?;
            if let Some(known) = self.seen.permissions.get(p.text) {
                permissions.push(known.clone());
                continue;
            }
            let permission = p.text.parse::<Permission>().map_err(|e| {
                let err = self.fail_in(
                    p.span.clone(),
                    e.span(),
                    ManifestKind::InvalidPermission,
                    format!("invalid permission `{}`: {}", escape(p.text), e.kind()),
                );
                match e.hint() {
                    Some(hint) => err.with_hint(hint),
                    None => err,
                }
            })?;
            self.seen
                .permissions
                .insert(p.text.to_owned(), permission.clone());
            permissions.push(permission);
        }
        let admin = permissions.iter().position(|p| *p == Permission::Admin);
        Grants::try_from(permissions).map_err(|e| match (e, admin) {
            (GrantsError::Admin, Some(i)) => {
                let at = self.string(&list[i], "each permission").map_or_else(
                    |_| node.span(),
                    |p| place::source_range(self.text, p.span.clone(), 0..p.text.len()),
                );
                self.fail(
                    at,
                    ManifestKind::AdminPermission,
                    "`*:*:*` is the admin permission: a manifest lists permission tokens",
                )
                .with_hint("create admin tokens with `create token --admin`")
            }
            _ => self.fail(
                node.span(),
                ManifestKind::NoPermissions,
                "a token needs at least one permission",
            ),
        })
    }

    /// `expiry` (a lifetime), or `expires_at` (an instant, a string or a TOML
    /// date-time), or neither (never). Each with the place of its key.
    fn expiry(
        &mut self,
        expiry: Option<(Range<usize>, Str<'_>)>,
        expires_at: Option<(Range<usize>, &Node<'_>)>,
    ) -> Result<Expiry, ManifestError> {
        Ok(match (expiry, expires_at) {
            (Some((one, _)), Some((other, _))) => {
                // The second of the two keys, as written.
                let second = if one.start > other.start { one } else { other };
                return Err(self.fail(
                    second,
                    ManifestKind::ConflictingExpiry,
                    "give `expiry` or `expires_at`, not both",
                ));
            }
            (Some((_, lifetime)), None) => Expiry::After(self.lifetime(&lifetime)?),
            (None, Some((_, node))) => Expiry::At(self.instant(node)?),
            (None, None) => Expiry::Never,
        })
    }

    fn lifetime(&mut self, lifetime: &Str<'_>) -> Result<Lifetime, ManifestError> {
        if let Some(known) = self.seen.lifetimes.get(lifetime.text) {
            return Ok(*known);
        }
        let parsed = lifetime.text.parse::<Lifetime>().map_err(|e| {
            self.fail_at(
                lifetime,
                ManifestKind::InvalidExpiry,
                format!("invalid `expiry`: {e}"),
            )
        })?;
        self.seen.lifetimes.insert(lifetime.text.to_owned(), parsed);
        Ok(parsed)
    }

    fn instant(&self, node: &Node<'_>) -> Result<Timestamp, ManifestError> {
        let invalid = |e: &dyn std::fmt::Display, span: Range<usize>| {
            self.fail(
                span,
                ManifestKind::InvalidExpiry,
                format!("invalid `expires_at`: {e}"),
            )
        };
        // A TOML date-time (`expires_at = 2027-01-01T00:00:00Z`), or a string.
        if let DeValue::Datetime(d) = node.get_ref() {
            return d
                .to_string()
                .parse::<Timestamp>()
                .map_err(|e| invalid(&e, node.span()));
        }
        let at = self.string(node, "`expires_at`")?;
        at.text.parse::<Timestamp>().map_err(|e| {
            invalid(
                &e,
                place::source_range(self.text, at.span.clone(), 0..at.text.len()),
            )
        })
    }
}

/// `toml`'s error, at its place: its first line the message, the others (what it
/// expected) the hint.
fn invalid_toml(text: &str, e: &toml::de::Error) -> ManifestError {
    let mut lines = e.message().trim().lines().map(str::trim);
    let message = lines.next().unwrap_or("invalid TOML").to_owned();
    let rest: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let err = match e.span() {
        Some(span) => Diagnostic::new(ORIGIN, text, span, ManifestKind::InvalidToml, message),
        None => Diagnostic::whole(ORIGIN, text, ManifestKind::InvalidToml, message),
    };
    if rest.is_empty() {
        err
    } else {
        err.with_hint(rest.join("; "))
    }
}

impl Manifest {
    /// Reads a manifest.
    ///
    /// # Errors
    ///
    /// [`ManifestError`], a diagnostic at the first problem (its origin `<manifest>`:
    /// set the file's path with [`with_origin`](influxdb3_text::Diagnostic::with_origin)).
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let doc = DeTable::parse(text).map_err(|e| invalid_toml(text, &e))?;
        Reader {
            text,
            seen: Seen::default(),
        }
        .manifest(doc.get_ref())
    }

    /// The databases the tokens need created, in order, without repeats.
    pub fn create_databases(&self) -> &[DatabaseName] {
        &self.create_databases
    }

    /// The tokens, in order.
    pub fn tokens(&self) -> &[Desired] {
        &self.tokens
    }

    /// Gives the token `name` the secret read from its `secret_file`; `false` when the
    /// manifest has no token of that name.
    pub fn set_secret(&mut self, name: &str, secret: Token) -> bool {
        self.tokens
            .iter_mut()
            .find(|d| d.name.as_str() == name)
            .map(|d| d.secret = Some(secret))
            .is_some()
    }
}

impl FromStr for Manifest {
    type Err = ManifestError;

    fn from_str(text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse(text)
    }
}
