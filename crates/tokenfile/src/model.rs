//! The two files as values, and their JSON.
//!
//! A file read from a text borrows from it (see [`crate::load`], the one reader):
//! names without escapes are not copied, and fields this library does not know are kept
//! as their raw JSON text, in their order, and written back byte for byte.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use influxdb3_permission::{DatabaseName, Grants, Permission, PermissionSet, Scope};
use influxdb3_text::escape;
use influxdb3_token::{Quoted, Timestamp, Token, TokenName};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde_json::value::RawValue;

use crate::error::AddError;
use crate::finding::Finding;

/// Fields this library does not know, as raw JSON in their order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra<'a>(pub(crate) Vec<(Cow<'a, str>, Cow<'a, RawValue>)>);

impl Extra<'_> {
    fn into_owned(self) -> Extra<'static> {
        Extra(
            self.0
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned())))
                .collect(),
        )
    }

    fn serialize_into<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        Ok(())
    }
}

impl Extra<'_> {
    /// The members, as `serde_json`'s pretty printer writes them at `indent`.
    fn write_json(&self, w: &mut impl Write, first: &mut bool, indent: &str) -> io::Result<()> {
        for (k, v) in &self.0 {
            member(w, first, indent, k)?;
            w.write_all(v.get().as_bytes())?;
        }
        Ok(())
    }
}

/// A JSON string: as it is between quotes when nothing in it needs an escape (the
/// usual case), else as `serde_json` escapes it.
#[allow(clippy::needless_bitwise_bool)] // on purpose: no branch per byte
fn string(w: &mut impl Write, s: &str) -> io::Result<()> {
    // Without a branch per byte, so that it runs on whole vectors.
    if s.bytes()
        .fold(true, |ok, b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'))
    {
        w.write_all(b"\"")?;
        w.write_all(s.as_bytes())?;
        w.write_all(b"\"")
    } else {
        serde_json::to_writer(w, s).map_err(io::Error::from)
    }
}

/// An integer in decimal, as JSON writes it.
fn integer(w: &mut impl Write, n: i64) -> io::Result<()> {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        // A digit: 0 to 9.
        digits[at] = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        w.write_all(b"-")?;
    }
    w.write_all(&digits[at..])
}

/// `,` (but for the first), a line break, `indent`, and `"key": `.
fn member(w: &mut impl Write, first: &mut bool, indent: &str, key: &str) -> io::Result<()> {
    if !std::mem::take(first) {
        w.write_all(b",")?;
    }
    w.write_all(b"\n")?;
    w.write_all(indent.as_bytes())?;
    string(w, key)?;
    w.write_all(b": ")
}

/// A list of strings, one per line, as the pretty printer writes it at `indent`; `[]`
/// when empty.
fn list<'s>(
    w: &mut impl Write,
    indent: &str,
    items: impl Iterator<Item = &'s str>,
) -> io::Result<()> {
    let mut empty = true;
    for item in items {
        w.write_all(if empty { b"[" } else { b"," })?;
        empty = false;
        w.write_all(b"\n")?;
        w.write_all(indent.as_bytes())?;
        w.write_all(b"  ")?;
        string(w, item)?;
    }
    if empty {
        return w.write_all(b"[]");
    }
    w.write_all(b"\n")?;
    w.write_all(indent.as_bytes())?;
    w.write_all(b"]")
}

impl PartialEq for Extra<'_> {
    /// The same keys, in the same order, with the same JSON text.
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((k1, v1), (k2, v2))| k1 == k2 && v1.get() == v2.get())
    }
}

/// What a permission entry and an admin token file share: the token, its name, when it
/// expires, and the fields this library does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord<'a> {
    token: Token,
    name: Cow<'a, str>,
    expiry: Option<Timestamp>,
    extra: Extra<'a>,
}

impl TokenRecord<'_> {
    fn new(token: Token, name: TokenName, expiry: Option<Timestamp>) -> TokenRecord<'static> {
        TokenRecord {
            token,
            name: Cow::Owned(name.into_string()),
            expiry,
            extra: Extra::default(),
        }
    }

    /// A record as a file holds it.
    pub(crate) fn read<'a>(
        token: Token,
        name: Cow<'a, str>,
        expiry: Option<Timestamp>,
        extra: Extra<'a>,
    ) -> TokenRecord<'a> {
        TokenRecord {
            token,
            name,
            expiry,
            extra,
        }
    }

    fn into_owned(self) -> TokenRecord<'static> {
        TokenRecord {
            token: self.token,
            name: Cow::Owned(self.name.into_owned()),
            expiry: self.expiry,
            extra: self.extra.into_owned(),
        }
    }

    /// The token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The token's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it expires (`expiry_millis`); `None` for never.
    pub fn expiry(&self) -> Option<Timestamp> {
        self.expiry
    }

    /// Whether it has expired at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expiry.is_some_and(|at| at <= now)
    }

    /// The names of the fields this library does not know, in their order (their values
    /// are written back as they were).
    pub fn extra_fields(&self) -> impl Iterator<Item = &str> {
        self.extra.0.iter().map(|(k, _)| k.as_ref())
    }

    /// The shared fields, then the `permissions` of an entry, then the unknown ones.
    fn serialize_with<S: Serializer>(
        &self,
        serializer: S,
        permissions: Option<&[Cow<'_, str>]>,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("token", self.token.expose_secret())?;
        map.serialize_entry("name", &self.name)?;
        if let Some(at) = self.expiry {
            map.serialize_entry("expiry_millis", &at.millis())?;
        }
        if let Some(permissions) = permissions {
            map.serialize_entry("permissions", permissions)?;
        }
        self.extra.serialize_into(&mut map)?;
        map.end()
    }
}

/// One token of a permission tokens file.
///
/// It derefs to its [`TokenRecord`] (token, name, expiry). Its permissions are kept as
/// the file writes them, each checked against the grammar when the file was read, and
/// written back unchanged; [`permissions`](Self::permissions) parses them.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenEntry<'a> {
    record: TokenRecord<'a>,
    permissions: Texts<'a>,
}

/// An entry's permission texts: as a file held them, or made for new tokens (and then
/// shared by the entries made [`alike`](TokenEntry::alike)).
#[derive(Clone)]
enum Texts<'a> {
    Read(Vec<Cow<'a, str>>),
    Made(Arc<[Cow<'static, str>]>),
}

impl<'a> Texts<'a> {
    fn as_slice(&self) -> &[Cow<'a, str>] {
        match self {
            Texts::Read(texts) => texts,
            Texts::Made(texts) => texts,
        }
    }

    fn into_owned(self) -> Texts<'static> {
        match self {
            Texts::Read(texts) => Texts::Read(
                texts
                    .into_iter()
                    .map(|t| Cow::Owned(t.into_owned()))
                    .collect(),
            ),
            Texts::Made(texts) => Texts::Made(texts),
        }
    }
}

impl PartialEq for Texts<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl fmt::Debug for Texts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl TokenEntry<'_> {
    /// An entry for a new permission token.
    ///
    /// # Errors
    ///
    /// [`AddError::ReservedName`] for `_admin`, which the server keeps for its operator
    /// admin token: a tokens file holding it stops the server from starting.
    pub fn new(
        token: Token,
        name: TokenName,
        expiry: Option<Timestamp>,
        grants: &Grants,
    ) -> Result<TokenEntry<'static>, AddError> {
        if name.is_admin() {
            return Err(AddError::ReservedName);
        }
        Ok(TokenEntry {
            record: TokenRecord::new(token, name, expiry),
            permissions: Texts::Made(
                grants
                    .iter()
                    .map(|p| {
                        let mut text = String::with_capacity(32);
                        let _ = fmt::Write::write_fmt(&mut text, format_args!("{p}"));
                        Cow::Owned(text)
                    })
                    .collect(),
            ),
        })
    }

    /// An entry for another new permission token with this one's permissions, which
    /// the two share: a batch of tokens alike holds its permission texts once. The
    /// permissions of an entry read from a file are checked as [`Grants`] first (a file
    /// may hold a token with none, or with `*:*:*`).
    ///
    /// ```
    /// use influxdb3_permission::{Grants, Permission};
    /// use influxdb3_token::{Token, TokenName};
    /// use influxdb3_tokenfile::TokenEntry;
    ///
    /// let grants = Grants::try_from(vec!["db:metrics:write".parse::<Permission>()?])?;
    /// let first = TokenEntry::new(Token::generate()?, TokenName::new("a")?, None, &grants)?;
    /// let second = first.alike(Token::generate()?, TokenName::new("b")?, None)?;
    /// assert_eq!(second.permission_texts().collect::<Vec<_>>(), ["db:metrics:write"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AddError::ReservedName`], as [`new`](Self::new); [`AddError::NotGrants`] for
    /// an entry read from a file whose permissions are not a permission token's.
    pub fn alike(
        &self,
        token: Token,
        name: TokenName,
        expiry: Option<Timestamp>,
    ) -> Result<TokenEntry<'static>, AddError> {
        if name.is_admin() {
            return Err(AddError::ReservedName);
        }
        match &self.permissions {
            Texts::Made(texts) => Ok(TokenEntry {
                record: TokenRecord::new(token, name, expiry),
                permissions: Texts::Made(Arc::clone(texts)),
            }),
            Texts::Read(_) => {
                let grants = Grants::try_from(self.permissions().collect::<Vec<_>>())
                    .map_err(AddError::NotGrants)?;
                TokenEntry::new(token, name, expiry, &grants)
            }
        }
    }

    /// An entry as a file holds it: its permissions checked, and kept as written.
    pub(crate) fn read<'a>(
        record: TokenRecord<'a>,
        permissions: Vec<Cow<'a, str>>,
    ) -> TokenEntry<'a> {
        TokenEntry {
            record,
            permissions: Texts::Read(permissions),
        }
    }

    /// The same entry, owning all it holds (to add it to another file).
    pub fn into_owned(self) -> TokenEntry<'static> {
        TokenEntry {
            record: self.record.into_owned(),
            permissions: self.permissions.into_owned(),
        }
    }

    /// Its permissions, in file order (a file may hold no permission, or `*:*:*`: the
    /// server loads it; `tokens lint` reports it).
    pub fn permissions(&self) -> impl Iterator<Item = Permission> + '_ {
        // Each was checked when the file was read or the entry made, so none is
        // skipped; were one to fail, it would grant nothing rather than panic.
        self.permissions
            .as_slice()
            .iter()
            .filter_map(|p| p.parse().ok())
    }

    /// Its permissions as the file writes them (each one valid).
    pub fn permission_texts(&self) -> impl ExactSizeIterator<Item = &str> {
        self.permissions.as_slice().iter().map(AsRef::as_ref)
    }

    /// What it may do: its permissions as a set, to ask
    /// [`allows`](PermissionSet::allows).
    pub fn grants(&self) -> PermissionSet {
        self.permissions().collect()
    }

    /// Whether it may do all that `asked` grants, at `now`: which permission of its
    /// own grants it alone (for one resource and one action, as `tokens check` asks,
    /// one does or none), and when it expired if it has.
    ///
    /// ```
    /// use influxdb3_token::Timestamp;
    /// use influxdb3_tokenfile::TokenFile;
    ///
    /// let secret = format!("apiv3_{}", "A".repeat(43));
    /// let text = format!(
    ///     r#"{{"tokens":[{{"token":"{secret}","name":"t","permissions":["db:a,b:read,write"]}}]}}"#
    /// );
    /// let file = TokenFile::parse(&text)?;
    /// let entry = file.get("t").ok_or("no token t")?;
    /// let check = entry.check(&"db:b:write".parse()?, Timestamp::now());
    /// assert!(check.allowed());
    /// assert_eq!(check.granted_by.map(|p| p.to_string()).as_deref(), Some("db:a,b:read,write"));
    /// assert!(!entry.check(&"db:c:read".parse()?, Timestamp::now()).allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self, asked: &Permission, now: Timestamp) -> Check {
        let granted_by = self
            .permissions()
            .find(|p| PermissionSet::from_iter([p.clone()]).covers(asked));
        Check {
            // Several resources or actions may be granted by several permissions
            // together.
            covered: granted_by.is_some() || self.grants().covers(asked),
            granted_by,
            expired_at: self.expiry().filter(|_| self.is_expired(now)),
            token: self.name().to_owned(),
            asked: asked.clone(),
        }
    }
}

/// The answer of [`TokenEntry::check`]: in words ([`Display`](fmt::Display)) and as a
/// JSON object ([`Serialize`]), as `influxdb3 tokens check` gives it.
///
/// ```
/// use influxdb3_token::Timestamp;
/// use influxdb3_tokenfile::TokenFile;
///
/// let secret = format!("apiv3_{}", "A".repeat(43));
/// let text = format!(
///     r#"{{"tokens":[{{"token":"{secret}","name":"t","permissions":["db:*:read"]}}]}}"#
/// );
/// let file = TokenFile::parse(&text)?;
/// let entry = file.get("t").ok_or("no token t")?;
/// let check = entry.check(&"db:metrics:read".parse()?, Timestamp::now());
/// assert_eq!(check.to_string(), "allowed: db:*:read grants `t` read on db:metrics\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// The token's permission that grants what was asked, alone; `None` when none
    /// does (several may, together, for what names several resources or actions).
    pub granted_by: Option<Permission>,
    /// When the token expired, if it has: it may then do nothing.
    pub expired_at: Option<Timestamp>,
    covered: bool,
    /// The token's name.
    token: String,
    /// What was asked.
    asked: Permission,
}

impl Check {
    /// Whether what was asked is allowed: granted, and the token not expired.
    pub fn allowed(&self) -> bool {
        self.covered && self.expired_at.is_none()
    }

    /// What was asked, as its resource and its action: `db:metrics` and `write`.
    fn question(&self) -> (String, String) {
        let asked = self.asked.to_string();
        match asked.rsplit_once(':') {
            Some((resource, action)) => (resource.to_owned(), action.to_owned()),
            None => (asked, String::new()),
        }
    }
}

impl fmt::Display for Check {
    /// `allowed: PERMISSION grants `NAME` ACTION on RESOURCE`, or why not: the token
    /// expired (and which permission would grant it), or no permission grants it; with
    /// its line break.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = Quoted(&self.token);
        let (resource, action) = self.question();
        let what = format_args!("{action} on {}", escape(&resource));
        match (&self.granted_by, self.expired_at) {
            (Some(p), None) => writeln!(f, "allowed: {p} grants {who} {what}"),
            (Some(p), Some(at)) => {
                writeln!(f, "denied: {who} expired at {at} ({p} would grant {what})")
            }
            (None, _) => writeln!(f, "denied: no permission of {who} grants {what}"),
        }
    }
}

impl Serialize for Check {
    /// `{"allowed", "granted_by": PERMISSION | null, "expired", "token", "action",
    /// "resource"}`: the token's name, and the action and resource asked about.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (resource, action) = self.question();
        let mut s = serializer.serialize_struct("Check", 6)?;
        s.serialize_field("allowed", &self.allowed())?;
        s.serialize_field(
            "granted_by",
            &self.granted_by.as_ref().map(ToString::to_string),
        )?;
        s.serialize_field("expired", &self.expired_at.is_some())?;
        s.serialize_field("token", &self.token)?;
        s.serialize_field("action", &action)?;
        s.serialize_field("resource", &resource)?;
        s.end()
    }
}

impl TokenEntry<'_> {
    /// What deserves a warning about this token's databases: those that `created`
    /// says the file does not create, and `db:*`.
    pub(crate) fn database_findings(
        &self,
        created: impl Fn(&DatabaseName) -> bool,
        findings: &mut Vec<Finding>,
    ) {
        let token = || self.name().to_owned();
        for p in self.permissions() {
            match p {
                Permission::Database {
                    names: Scope::All, ..
                } => findings.push(Finding::WildcardDatabase { token: token() }),
                Permission::Database {
                    names: Scope::Only(names),
                    ..
                } => {
                    for db in names.iter().filter(|db| !created(db)) {
                        findings.push(Finding::UnknownDatabase {
                            token: token(),
                            database: db.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// The members of the entry, as the pretty printer writes them inside `{ … }` at
    /// the depth of a token of a file.
    fn write_json(&self, w: &mut impl Write) -> io::Result<()> {
        const INDENT: &str = "      ";
        let mut first = true;
        let record = &self.record;
        member(w, &mut first, INDENT, "token")?;
        string(w, record.token.expose_secret())?;
        member(w, &mut first, INDENT, "name")?;
        string(w, &record.name)?;
        if let Some(at) = record.expiry {
            member(w, &mut first, INDENT, "expiry_millis")?;
            integer(w, at.millis())?;
        }
        member(w, &mut first, INDENT, "permissions")?;
        list(w, INDENT, self.permission_texts())?;
        record.extra.write_json(w, &mut first, INDENT)
    }
}

impl<'a> std::ops::Deref for TokenEntry<'a> {
    type Target = TokenRecord<'a>;

    fn deref(&self) -> &TokenRecord<'a> {
        &self.record
    }
}

/// A permission tokens file, as `influxdb3 serve --permission-tokens-file` loads it.
///
/// ```
/// use influxdb3_tokenfile::TokenFile;
///
/// let text = r#"{
///   "create_databases": [
///     "db1",
///     "db2",
///     "db3"
///   ],
///   "tokens": [
///     {
///       "token": "apiv3_0XXXX-xxxXxXxxxXX_OxxxX",
///       "name": "example-token",
///       "expiry_millis": 1756400061529,
///       "permissions": [
///         "db:db1,db2:read,write",
///         "db:db3:read"
///       ]
///     }
///   ]
/// }
/// "#;
/// let file = TokenFile::parse(text)?;
/// assert_eq!(file.tokens()[0].name(), "example-token");
/// assert_eq!(file.to_json(), text);
/// # Ok::<(), influxdb3_tokenfile::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenFile<'a> {
    pub(crate) create_databases: Option<Vec<DatabaseName>>,
    pub(crate) tokens: Vec<TokenEntry<'a>>,
    pub(crate) extra: Extra<'a>,
}

impl<'a> TokenFile<'a> {
    /// An empty file: no databases to create, no tokens.
    pub fn new() -> TokenFile<'static> {
        TokenFile::default()
    }

    /// Pretty-printed JSON (2-space indent) with a trailing newline; known keys in
    /// upstream's order, then unknown ones as they were.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory cannot fail, and serde_json writes UTF-8 only.
        let _ = self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes [`to_json`](Self::to_json) to `writer`.
    ///
    /// # Errors
    ///
    /// When the writer fails.
    pub fn write_json(&self, mut writer: impl Write) -> io::Result<()> {
        // What `serde_json::to_writer_pretty` writes (the fuzz target `tokenfile_load`
        // compares the two), with the strings that need no escape (tokens, permissions,
        // most names: nearly all of a file) copied as they are: a file of 100,000 tokens
        // is written in half the time.
        // Built in memory a piece at a time (the writer may be behind a `dyn Write`,
        // and a call per piece through it costs more than the piece), and handed over
        // in chunks of about 64 KiB.
        const CHUNK: usize = 1 << 16;
        let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
        let w = &mut buffer;
        w.write_all(b"{")?;
        let mut first = true;
        if let Some(dbs) = &self.create_databases {
            member(w, &mut first, "  ", "create_databases")?;
            list(w, "  ", dbs.iter().map(|d| &**d))?;
        }
        member(w, &mut first, "  ", "tokens")?;
        if self.tokens.is_empty() {
            w.write_all(b"[]")?;
        } else {
            w.write_all(b"[")?;
            for (i, entry) in self.tokens.iter().enumerate() {
                w.write_all(if i == 0 { b"\n    {" } else { b",\n    {" })?;
                entry.write_json(w)?;
                w.write_all(b"\n    }")?;
                if w.len() >= CHUNK {
                    writer.write_all(w)?;
                    w.clear();
                }
            }
            w.write_all(b"\n  ]")?;
        }
        self.extra.write_json(w, &mut first, "  ")?;
        w.write_all(b"\n}\n")?;
        writer.write_all(w)
    }

    /// The databases the server creates before loading the tokens; `None` when the file
    /// has no `create_databases` key.
    pub fn create_databases(&self) -> Option<&[DatabaseName]> {
        self.create_databases.as_deref()
    }

    /// The tokens, in file order.
    pub fn tokens(&self) -> &[TokenEntry<'a>] {
        &self.tokens
    }

    /// The token named `name`.
    pub fn get(&self, name: &str) -> Option<&TokenEntry<'a>> {
        self.tokens.iter().find(|t| t.name() == name)
    }

    /// Adds `entry` and the databases in `create_databases` (set union, first-seen
    /// order).
    ///
    /// # Errors
    ///
    /// [`AddError`] when the name or the token value is already in the file; the file
    /// is then unchanged.
    pub fn add(
        &mut self,
        entry: TokenEntry<'a>,
        create_databases: &[DatabaseName],
    ) -> Result<(), AddError> {
        if self.get(entry.name()).is_some() {
            return Err(AddError::NameTaken {
                name: entry.name().to_owned(),
            });
        }
        // Token equality runs in constant time.
        if let Some(t) = self.tokens.iter().find(|t| t.token == entry.token) {
            return Err(AddError::TokenTaken {
                name: t.name().to_owned(),
            });
        }
        self.add_databases(create_databases);
        self.tokens.push(entry);
        Ok(())
    }

    /// Puts `entry` in the place of the token of the same name, which keeps its position
    /// and the fields this library does not know, and gives the old entry back; adds it
    /// at the end when there is none. `create_databases` are added as by
    /// [`add`](Self::add).
    ///
    /// # Errors
    ///
    /// [`AddError::TokenTaken`] when another token has the new token's value; the file
    /// is then unchanged.
    pub fn replace(
        &mut self,
        mut entry: TokenEntry<'a>,
        create_databases: &[DatabaseName],
    ) -> Result<Option<TokenEntry<'a>>, AddError> {
        if let Some(t) = self
            .tokens
            .iter()
            .find(|t| t.token == entry.token && t.name() != entry.name())
        {
            return Err(AddError::TokenTaken {
                name: t.name().to_owned(),
            });
        }
        let Some(at) = self.tokens.iter().position(|t| t.name() == entry.name()) else {
            self.add(entry, create_databases)?;
            return Ok(None);
        };
        self.add_databases(create_databases);
        entry.record.extra = std::mem::take(&mut self.tokens[at].record.extra);
        Ok(Some(std::mem::replace(&mut self.tokens[at], entry)))
    }

    /// Takes the token named `name` out of the file, and gives it back.
    pub fn remove(&mut self, name: &str) -> Option<TokenEntry<'a>> {
        let at = self.tokens.iter().position(|t| t.name() == name)?;
        Some(self.tokens.remove(at))
    }

    /// Gives the token named `name` a new value, keeping its name, permissions, expiry,
    /// place and unknown fields; gives the old value back (`None`: no token of that
    /// name, and nothing changed).
    ///
    /// # Errors
    ///
    /// [`AddError::TokenTaken`] when another token has the new value; the file is then
    /// unchanged.
    pub fn rotate(&mut self, name: &str, token: Token) -> Result<Option<Token>, AddError> {
        if let Some(t) = self
            .tokens
            .iter()
            .find(|t| t.token == token && t.name() != name)
        {
            return Err(AddError::TokenTaken {
                name: t.name().to_owned(),
            });
        }
        Ok(self
            .tokens
            .iter_mut()
            .find(|t| t.name() == name)
            .map(|t| std::mem::replace(&mut t.record.token, token)))
    }

    /// Adds every entry of `entries`, in order, and `create_databases` (as
    /// [`add`](Self::add) does for one, in time linear in the file and the entries:
    /// for provisioning thousands of tokens in one write).
    ///
    /// # Errors
    ///
    /// [`AddError`] for the first name or token value that is in the file already, or
    /// twice in `entries`; the file is then unchanged.
    pub fn add_many(
        &mut self,
        entries: Vec<TokenEntry<'a>>,
        create_databases: &[DatabaseName],
    ) -> Result<(), AddError> {
        {
            let mut names: HashMap<&str, &str> =
                HashMap::with_capacity(self.tokens.len() + entries.len());
            let mut values: HashMap<&str, &str> =
                HashMap::with_capacity(self.tokens.len() + entries.len());
            for t in &self.tokens {
                names.insert(t.name(), t.name());
                values.insert(t.token.expose_secret(), t.name());
            }
            for e in &entries {
                if names.insert(e.name(), e.name()).is_some() {
                    return Err(AddError::NameTaken {
                        name: e.name().to_owned(),
                    });
                }
                if let Some(first) = values.insert(e.token.expose_secret(), e.name()) {
                    return Err(AddError::TokenTaken {
                        name: first.to_owned(),
                    });
                }
            }
        }
        self.add_databases(create_databases);
        self.tokens.extend(entries);
        Ok(())
    }

    /// Puts each of `entries` in the place of the token of the same name, as
    /// [`replace`](Self::replace) does for one (its place and unknown fields kept; at
    /// the end when there is none), in time linear in the file and the entries: for
    /// updating thousands of tokens in one write.
    ///
    /// # Errors
    ///
    /// [`AddError::TokenTaken`] when a token of another name has an entry's value, and
    /// [`AddError::NameTaken`] or [`AddError::TokenTaken`] when two entries share a
    /// name or a value; the file is then unchanged.
    pub fn replace_many(&mut self, entries: Vec<TokenEntry<'a>>) -> Result<(), AddError> {
        let mut places: Vec<Option<usize>> = Vec::with_capacity(entries.len());
        {
            let at: HashMap<&str, usize> = self
                .tokens
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name(), i))
                .collect();
            let mut values: HashMap<&str, &str> = self
                .tokens
                .iter()
                .map(|t| (t.token.expose_secret(), t.name()))
                .collect();
            let mut names: HashSet<&str> = HashSet::with_capacity(entries.len());
            for e in &entries {
                if !names.insert(e.name()) {
                    return Err(AddError::NameTaken {
                        name: e.name().to_owned(),
                    });
                }
                match values.insert(e.token.expose_secret(), e.name()) {
                    Some(holder) if holder != e.name() => {
                        return Err(AddError::TokenTaken {
                            name: holder.to_owned(),
                        });
                    }
                    _ => {}
                }
                places.push(at.get(e.name()).copied());
            }
        }
        for (mut entry, place) in entries.into_iter().zip(places) {
            match place {
                Some(at) => {
                    entry.record.extra = std::mem::take(&mut self.tokens[at].record.extra);
                    self.tokens[at] = entry;
                }
                None => self.tokens.push(entry),
            }
        }
        Ok(())
    }

    /// Takes the tokens named in `names` out of the file, in one pass, and gives them
    /// back in file order.
    pub fn remove_many(&mut self, names: &HashSet<&str>) -> Vec<TokenEntry<'a>> {
        let (gone, kept) = std::mem::take(&mut self.tokens)
            .into_iter()
            .partition(|t| names.contains(t.name()));
        self.tokens = kept;
        gone
    }

    /// The same file, owning all it holds.
    pub fn into_owned(self) -> TokenFile<'static> {
        TokenFile {
            create_databases: self.create_databases,
            tokens: self
                .tokens
                .into_iter()
                .map(TokenEntry::into_owned)
                .collect(),
            extra: self.extra.into_owned(),
        }
    }

    /// Adds databases to `create_databases` (set union, first-seen order); creates the
    /// key when the file has none.
    pub fn add_databases(&mut self, create_databases: &[DatabaseName]) {
        if create_databases.is_empty() {
            return;
        }
        let list = self.create_databases.get_or_insert_with(Vec::new);
        let mut known: HashSet<&DatabaseName> = list.iter().collect();
        let added: Vec<DatabaseName> = create_databases
            .iter()
            .filter(|db| known.insert(db))
            .cloned()
            .collect();
        list.extend(added);
    }

    /// What deserves a warning about the token named `name` (databases the file does
    /// not create, `db:*`), and about every token that has expired at `now`.
    pub fn findings(&self, name: &str, now: Timestamp) -> Vec<Finding> {
        let mut findings = Vec::new();
        let creates = self.create_databases().unwrap_or_default();
        if let Some(entry) = self.get(name) {
            entry.database_findings(|db| creates.contains(db), &mut findings);
        }
        for entry in &self.tokens {
            if let Some(at) = entry.expiry().filter(|_| entry.is_expired(now)) {
                findings.push(Finding::Expired {
                    token: entry.name().to_owned(),
                    at,
                });
            }
        }
        findings
    }
}

/// An admin token file, as `influxdb3 serve --admin-token-file` loads it:
/// `{"token":"apiv3_…","name":"_admin","expiry_millis":…}`. It derefs to its
/// [`TokenRecord`].
#[derive(Debug, Clone, PartialEq)]
pub struct AdminTokenFile<'a>(TokenRecord<'a>);

impl<'a> AdminTokenFile<'a> {
    /// The file of a record read from a text.
    pub(crate) fn read(record: TokenRecord<'a>) -> AdminTokenFile<'a> {
        AdminTokenFile(record)
    }

    /// A file for this admin token.
    pub fn new(
        token: Token,
        name: TokenName,
        expiry: Option<Timestamp>,
    ) -> AdminTokenFile<'static> {
        AdminTokenFile(TokenRecord::new(token, name, expiry))
    }

    /// The same file, owning its text.
    pub(crate) fn into_owned(self) -> AdminTokenFile<'static> {
        AdminTokenFile(self.0.into_owned())
    }

    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}

impl<'a> std::ops::Deref for AdminTokenFile<'a> {
    type Target = TokenRecord<'a>;

    fn deref(&self) -> &TokenRecord<'a> {
        &self.0
    }
}

// ---- serialization ----

impl Serialize for TokenEntry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.record
            .serialize_with(serializer, Some(self.permissions.as_slice()))
    }
}

impl Serialize for AdminTokenFile<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_with(serializer, None)
    }
}

impl Serialize for TokenFile<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(dbs) = &self.create_databases {
            map.serialize_entry("create_databases", dbs)?;
        }
        map.serialize_entry("tokens", &self.tokens)?;
        self.extra.serialize_into(&mut map)?;
        map.end()
    }
}
