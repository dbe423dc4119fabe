//! The two files as values, and their JSON.
//!
//! Deserialization is written by hand (no `#[serde(flatten)]`) so that every error,
//! including a duplicate name found half-way through the list, carries `serde_json`'s
//! line and column, and so that unknown fields keep their order and values.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};

use influxdb3_permission::{Permission, check_database_name};
use influxdb3_token::{Expiry, Token, TokenName};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::ParseError;

/// One token of a permission tokens file.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenEntry {
    token: Token,
    name: String,
    expiry_millis: Option<i64>,
    permissions: Vec<Permission>,
    /// Boxed: nearly every file has none, and a file can hold 100,000 entries.
    extra: Option<Box<Map<String, Value>>>,
}

impl TokenEntry {
    /// An entry for a new permission token.
    ///
    /// # Errors
    ///
    /// [`AddError::ReservedName`] for `_admin`, which the server keeps for its operator
    /// admin token: a tokens file holding it stops the server from starting.
    pub fn new(
        token: Token,
        name: TokenName,
        expiry: Expiry,
        permissions: Vec<Permission>,
    ) -> Result<TokenEntry, AddError> {
        if name.is_admin() {
            return Err(AddError::ReservedName);
        }
        Ok(TokenEntry {
            token,
            name: name.into_string(),
            expiry_millis: expiry.expiry_millis(),
            permissions,
            extra: None,
        })
    }

    /// The token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The token's name, unique in its file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it expires.
    pub fn expiry(&self) -> Expiry {
        Expiry::from_millis(self.expiry_millis)
    }

    /// Its permissions.
    pub fn permissions(&self) -> &[Permission] {
        &self.permissions
    }

    /// Fields this library does not know, as they were in the file.
    pub fn extra(&self) -> Option<&Map<String, Value>> {
        self.extra.as_deref()
    }
}

/// A permission tokens file, as `influxdb3 serve --permission-tokens-file` loads it.
///
/// ```
/// use influxdb3_tokenfile::TokenFile;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
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
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenFile {
    create_databases: Option<Vec<String>>,
    tokens: Vec<TokenEntry>,
    extra: Map<String, Value>,
}

impl TokenFile {
    /// An empty file: no databases to create, no tokens.
    pub fn new() -> TokenFile {
        TokenFile::default()
    }

    /// Reads a file's text, checking every token, name and permission.
    ///
    /// # Errors
    ///
    /// [`ParseError`] with the line, the column and what is wrong: not JSON, not an
    /// object, `tokens` missing or not a list, a token without `apiv3_`, a permission
    /// that does not parse, a database name that is not valid, a name or a token value
    /// that repeats.
    pub fn parse(text: &str) -> Result<TokenFile, ParseError> {
        serde_json::from_str(text).map_err(|e| ParseError::from_json(&e))
    }

    /// Pretty-printed JSON (2-space indent) with a trailing newline; known keys in
    /// upstream's order, then unknown ones as they were.
    pub fn to_json(&self) -> String {
        pretty_string(self)
    }

    /// Writes [`to_json`](Self::to_json) to `writer`.
    ///
    /// # Errors
    ///
    /// When the writer fails.
    pub fn write_json(&self, writer: impl std::io::Write) -> std::io::Result<()> {
        write_pretty(self, writer)
    }

    /// The databases the server creates before loading the tokens; `None` when the file
    /// has no `create_databases` key.
    pub fn create_databases(&self) -> Option<&[String]> {
        self.create_databases.as_deref()
    }

    /// The tokens, in file order.
    pub fn tokens(&self) -> &[TokenEntry] {
        &self.tokens
    }

    /// Top-level fields this library does not know, as they were.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// Adds `entry` and the databases in `create_databases` (set union, first-seen
    /// order).
    ///
    /// # Errors
    ///
    /// [`AddError`] when the name or the token value is already in the file, or a
    /// database name is not valid; the file is then unchanged.
    pub fn add(&mut self, entry: TokenEntry, create_databases: &[String]) -> Result<(), AddError> {
        for db in create_databases {
            check_database_name(db).map_err(|e| AddError::InvalidDatabase {
                name: db.clone(),
                reason: e.kind().to_string(),
            })?;
        }
        if self.tokens.iter().any(|t| t.name == entry.name) {
            return Err(AddError::NameTaken { name: entry.name });
        }
        // Token equality runs in constant time.
        if let Some(t) = self.tokens.iter().find(|t| t.token == entry.token) {
            return Err(AddError::TokenTaken {
                name: t.name.clone(),
            });
        }
        if !create_databases.is_empty() {
            let list = self.create_databases.get_or_insert_with(Vec::new);
            for db in create_databases {
                if !list.contains(db) {
                    list.push(db.clone());
                }
            }
        }
        self.tokens.push(entry);
        Ok(())
    }
}

/// Why [`TokenFile::add`] refused an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddError {
    /// A token of this name is in the file.
    #[error("a token named `{name}` is already in the file: token names are unique in a file")]
    NameTaken {
        /// The name.
        name: String,
    },
    /// The same token value is in the file.
    #[error("the same token value is already in the file, as `{name}`")]
    TokenTaken {
        /// The name of the token already there.
        name: String,
    },
    /// The name `_admin`, which the server keeps for its operator admin token.
    #[error(
        "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token"
    )]
    ReservedName,
    /// A database to create has an invalid name.
    #[error("invalid database name `{name}` to create: {reason}")]
    InvalidDatabase {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// An admin token file, as `influxdb3 serve --admin-token-file` loads it:
/// `{"token":"apiv3_…","name":"_admin","expiry_millis":…}`.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminTokenFile {
    token: Token,
    name: String,
    expiry_millis: Option<i64>,
    extra: Map<String, Value>,
}

impl AdminTokenFile {
    /// A file for this admin token.
    pub fn new(token: Token, name: TokenName, expiry: Expiry) -> AdminTokenFile {
        AdminTokenFile {
            token,
            name: name.into_string(),
            expiry_millis: expiry.expiry_millis(),
            extra: Map::new(),
        }
    }

    /// Reads an admin token file's text.
    ///
    /// # Errors
    ///
    /// [`ParseError`] with the line, the column and what is wrong.
    pub fn parse(text: &str) -> Result<AdminTokenFile, ParseError> {
        serde_json::from_str(text).map_err(|e| ParseError::from_json(&e))
    }

    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        pretty_string(self)
    }

    /// The token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The token's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it expires.
    pub fn expiry(&self) -> Expiry {
        Expiry::from_millis(self.expiry_millis)
    }
}

/// Pretty JSON with a trailing newline, in memory (which cannot fail to be written;
/// `serde_json` writes UTF-8 only).
fn pretty_string(value: &impl Serialize) -> String {
    let mut out = Vec::new();
    let _ = write_pretty(value, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn write_pretty(value: &impl Serialize, mut writer: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut writer, value).map_err(std::io::Error::from)?;
    writer.write_all(b"\n")
}

/// A token name: not empty, no control characters (it is printed and sent in JSON).
fn check_token_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a token name cannot be empty".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "token name `{}` holds a control character",
            name.escape_debug()
        ));
    }
    Ok(())
}

// ---- serialization ----

impl Serialize for TokenEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("token", &self.token)?;
        map.serialize_entry("name", &self.name)?;
        if let Some(ms) = self.expiry_millis {
            map.serialize_entry("expiry_millis", &ms)?;
        }
        map.serialize_entry("permissions", &self.permissions)?;
        for (k, v) in self.extra.iter().flat_map(|m| m.iter()) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for TokenFile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(dbs) = &self.create_databases {
            map.serialize_entry("create_databases", dbs)?;
        }
        map.serialize_entry("tokens", &self.tokens)?;
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for AdminTokenFile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("token", &self.token)?;
        map.serialize_entry("name", &self.name)?;
        if let Some(ms) = self.expiry_millis {
            map.serialize_entry("expiry_millis", &ms)?;
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

// ---- deserialization ----

/// The fields of one token object, read in any order; the rest kept in `extra`.
struct EntryFields {
    token: Option<Token>,
    name: Option<String>,
    expiry_millis: Option<i64>,
    permissions: Option<Vec<Permission>>,
    extra: Map<String, Value>,
}

impl EntryFields {
    fn read<'de, A: MapAccess<'de>>(
        mut map: A,
        with_permissions: bool,
    ) -> Result<EntryFields, A::Error> {
        let mut f = EntryFields {
            token: None,
            name: None,
            expiry_millis: None,
            permissions: None,
            extra: Map::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "token" => {
                    once(f.token.is_some(), "token")?;
                    f.token = Some(map.next_value()?);
                }
                "name" => {
                    once(f.name.is_some(), "name")?;
                    let name: String = map.next_value()?;
                    check_token_name(&name).map_err(de::Error::custom)?;
                    f.name = Some(name);
                }
                "expiry_millis" => f.expiry_millis = map.next_value()?,
                "permissions" if with_permissions => {
                    once(f.permissions.is_some(), "permissions")?;
                    f.permissions = Some(map.next_value()?);
                }
                _ => {
                    let value: Value = map.next_value()?;
                    f.extra.insert(key, value);
                }
            }
        }
        Ok(f)
    }
}

fn once<E: de::Error>(seen: bool, key: &str) -> Result<(), E> {
    if seen {
        Err(E::custom(format_args!(
            "`{key}` appears twice in one object"
        )))
    } else {
        Ok(())
    }
}

fn missing<E: de::Error>(what: &str, key: &str) -> E {
    E::custom(format_args!("{what} has no `{key}`"))
}

impl<'de> Deserialize<'de> for TokenEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TokenEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a token object with `token`, `name` and `permissions`")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TokenEntry, A::Error> {
                let f = EntryFields::read(map, true)?;
                Ok(TokenEntry {
                    token: f.token.ok_or_else(|| missing("a token", "token"))?,
                    name: f.name.ok_or_else(|| missing("a token", "name"))?,
                    expiry_millis: f.expiry_millis,
                    permissions: f
                        .permissions
                        .ok_or_else(|| missing("a token", "permissions"))?,
                    extra: (!f.extra.is_empty()).then(|| Box::new(f.extra)),
                })
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for AdminTokenFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AdminTokenFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an admin token file: a JSON object with `token` and `name`")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<AdminTokenFile, A::Error> {
                let f = EntryFields::read(map, false)?;
                Ok(AdminTokenFile {
                    token: f
                        .token
                        .ok_or_else(|| missing("the admin token file", "token"))?,
                    name: f
                        .name
                        .ok_or_else(|| missing("the admin token file", "name"))?,
                    expiry_millis: f.expiry_millis,
                    extra: f.extra,
                })
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// The `tokens` list: names and token values unique, checked as each entry is read so
/// that the error points at the repeat.
struct TokenList(Vec<TokenEntry>);

impl<'de> Deserialize<'de> for TokenList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TokenList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`tokens` to be a list of token objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TokenList, A::Error> {
                // Fingerprints (keyed SipHash) of names and token values point at the
                // tokens that have them; a hit is confirmed by comparing the strings.
                let keys = RandomState::new();
                let mut tokens: Vec<TokenEntry> = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                let mut names: HashMap<u64, usize> = HashMap::new();
                let mut values: HashMap<u64, usize> = HashMap::new();
                while let Some(entry) = seq.next_element::<TokenEntry>()? {
                    let n = tokens.len() + 1;
                    let same_name = |t: &TokenEntry| t.name == entry.name;
                    if let Some(first) =
                        first_with(&tokens, &mut names, keys.hash_one(&entry.name), same_name)
                    {
                        return Err(de::Error::custom(format_args!(
                            "token {n} is named `{}` like token {}: token names are unique in a file",
                            entry.name,
                            first + 1
                        )));
                    }
                    let secret = keys.hash_one(entry.token.expose_secret());
                    if let Some(first) =
                        first_with(&tokens, &mut values, secret, |t| t.token == entry.token)
                    {
                        return Err(de::Error::custom(format_args!(
                            "token {n} (`{}`) has the same token value as token {} (`{}`)",
                            entry.name,
                            first + 1,
                            tokens[first].name
                        )));
                    }
                    tokens.push(entry);
                }
                Ok(TokenList(tokens))
            }
        }
        deserializer.deserialize_seq(V)
    }
}

/// The first token that `same` matches, found through its fingerprint in `seen`; records
/// the next token's index under `fingerprint` when there is none. Two different strings
/// with one fingerprint (about one chance in 2^64) fall back to a scan, so the answer is
/// always exact.
fn first_with(
    tokens: &[TokenEntry],
    seen: &mut HashMap<u64, usize>,
    fingerprint: u64,
    same: impl Fn(&TokenEntry) -> bool,
) -> Option<usize> {
    match seen.entry(fingerprint) {
        std::collections::hash_map::Entry::Occupied(first) => {
            let first = *first.get();
            if same(&tokens[first]) {
                Some(first)
            } else {
                tokens.iter().position(same)
            }
        }
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(tokens.len());
            None
        }
    }
}

/// `create_databases`: valid database names.
struct DatabaseList(Vec<String>);

impl<'de> Deserialize<'de> for DatabaseList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(deserializer)?;
        for name in &names {
            check_database_name(name).map_err(|e| {
                de::Error::custom(format_args!(
                    "invalid database name `{}` in `create_databases`: {}",
                    name.escape_debug(),
                    e.kind()
                ))
            })?;
        }
        Ok(DatabaseList(names))
    }
}

impl<'de> Deserialize<'de> for TokenFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TokenFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a permission tokens file: a JSON object with a `tokens` list")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TokenFile, A::Error> {
                let mut create_databases = None;
                let mut tokens = None;
                let mut extra = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "create_databases" => {
                            once(create_databases.is_some(), "create_databases")?;
                            create_databases = Some(map.next_value::<DatabaseList>()?.0);
                        }
                        "tokens" => {
                            once(tokens.is_some(), "tokens")?;
                            tokens = Some(map.next_value::<TokenList>()?.0);
                        }
                        _ => {
                            let value: Value = map.next_value()?;
                            extra.insert(key, value);
                        }
                    }
                }
                Ok(TokenFile {
                    create_databases,
                    tokens: tokens.ok_or_else(|| missing("the file", "tokens"))?,
                    extra,
                })
            }
        }
        deserializer.deserialize_map(V)
    }
}
