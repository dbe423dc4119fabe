//! Everything wrong or risky in a permission tokens file, reported instead of refused:
//! the loader for `tokens lint`, which reads files that [`TokenFile::parse`] will not.
//!
//! The text is walked as raw JSON values (`serde_json`'s [`RawValue`], which borrows
//! from the text), so that every finding has the line of the value it is about.
//!
//! [`TokenFile::parse`]: crate::TokenFile::parse

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use influxdb3_permission::{DatabaseName, Permission, Scope};
use influxdb3_text::escape;
use influxdb3_token::{Timestamp, Token};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::TokenFileError;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Risky or probably unintended; the server loads the file.
    Warning,
    /// The server will not load the file, or it grants what a permission file must not.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about; its [`as_str`](Self::as_str) form is stable, for scripts
/// and for CI rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `not-json` (error): the text is not JSON.
    NotJson,
    /// `wrong-shape` (error): JSON, but not a tokens file: not an object, no `tokens`
    /// list, a token that is not an object or lacks a field, a field of the wrong type.
    WrongShape,
    /// `duplicate-field` (error): one object has a key twice.
    DuplicateField,
    /// `invalid-name` (error): an empty token name, or one with a control character.
    InvalidName,
    /// `reserved-name` (error): a permission token named `_admin`, which the server
    /// keeps for its operator admin token.
    ReservedName,
    /// `duplicate-name` (error): two tokens with one name.
    DuplicateName,
    /// `token-prefix` (error): a token value without `apiv3_`, or with whitespace or a
    /// control character.
    TokenPrefix,
    /// `token-length` (warning): a token value that is not 64 random bytes in URL-safe
    /// base64 after `apiv3_`, as generated tokens are: written by hand, or guessable.
    TokenLength,
    /// `duplicate-token` (error): two tokens with one value.
    DuplicateToken,
    /// `invalid-permission` (error): a permission that does not parse.
    InvalidPermission,
    /// `admin-permission` (error): `*:*:*`, which makes a permission token an admin
    /// token.
    AdminPermission,
    /// `no-permissions` (warning): a token with an empty `permissions` list.
    NoPermissions,
    /// `invalid-database-name` (error): a name in `create_databases` that is not a
    /// valid database name.
    InvalidDatabaseName,
    /// `unknown-database` (warning): a permission on a database the file does not
    /// create; the server will not load the file unless it exists.
    UnknownDatabase,
    /// `wildcard-database` (warning): a `db:*` permission.
    WildcardDatabase,
    /// `expired` (warning): a token whose expiry has passed.
    Expired,
    /// `no-expiry` (warning): a token that never expires.
    NoExpiry,
    /// `readable-file` (warning): the file can be read by its group or others.
    ReadableFile,
}

impl Code {
    /// The stable name: `not-json`, `duplicate-name`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NotJson => "not-json",
            Code::WrongShape => "wrong-shape",
            Code::DuplicateField => "duplicate-field",
            Code::InvalidName => "invalid-name",
            Code::ReservedName => "reserved-name",
            Code::DuplicateName => "duplicate-name",
            Code::TokenPrefix => "token-prefix",
            Code::TokenLength => "token-length",
            Code::DuplicateToken => "duplicate-token",
            Code::InvalidPermission => "invalid-permission",
            Code::AdminPermission => "admin-permission",
            Code::NoPermissions => "no-permissions",
            Code::InvalidDatabaseName => "invalid-database-name",
            Code::UnknownDatabase => "unknown-database",
            Code::WildcardDatabase => "wildcard-database",
            Code::Expired => "expired",
            Code::NoExpiry => "no-expiry",
            Code::ReadableFile => "readable-file",
        }
    }

    /// How bad it is.
    pub fn severity(self) -> Severity {
        match self {
            Code::TokenLength
            | Code::NoPermissions
            | Code::UnknownDatabase
            | Code::WildcardDatabase
            | Code::Expired
            | Code::NoExpiry
            | Code::ReadableFile => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding of [`lint`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lint {
    /// What it is about.
    pub code: Code,
    /// What is wrong, in one sentence; names from the file are escaped, secrets never
    /// shown.
    pub message: String,
    /// The 1-based line of the value it is about; 0 for the file as a whole.
    pub line: usize,
    /// The 1-based column (in characters) of that value; 0 with line 0.
    pub column: usize,
    /// The name of the token it is about, when there is one.
    pub token: Option<String>,
}

impl Lint {
    /// How bad it is: its code's severity.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl fmt::Display for Lint {
    /// `LINE:COLUMN: SEVERITY[CODE]: MESSAGE`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}[{}]: {}",
            self.line,
            self.column,
            self.severity(),
            self.code,
            self.message
        )
    }
}

/// Everything [`Code`] lists that is wrong with `text`, a permission tokens file, in
/// file order; tokens expired at `now` are reported. An empty list: the file is clean.
///
/// ```
/// use influxdb3_token::Timestamp;
/// use influxdb3_tokenfile::{Code, lint};
///
/// let text = r#"{
///   "tokens": [
///     {"token": "apiv3_a", "name": "x", "permissions": ["db:m:reed"]},
///     {"token": "apiv3_b", "name": "x", "permissions": ["*:*:*"]}
///   ]
/// }"#;
/// let found: Vec<(Code, usize)> = lint(text, Timestamp::from_millis(0))
///     .iter()
///     .map(|l| (l.code, l.line))
///     .collect();
/// assert!(found.contains(&(Code::InvalidPermission, 3)));
/// assert!(found.contains(&(Code::DuplicateName, 4)));
/// assert!(found.contains(&(Code::AdminPermission, 4)));
/// ```
pub fn lint(text: &str, now: Timestamp) -> Vec<Lint> {
    let mut linter = Linter {
        text,
        clean: HashSet::new(),
        line_starts: OnceCell::new(),
        found: Vec::new(),
        now,
    };
    linter.file();
    // In the order of the text (the file-wide ones, line 0, first).
    linter.found.sort_by_key(|l| (l.line, l.column));
    linter.found
}

/// [`lint`] of the regular file at `path`, read safely (a FIFO or a device is refused),
/// with [`Code::ReadableFile`] when its mode lets its group or others read it.
///
/// # Errors
///
/// When the file cannot be read: the refusals of [`read`](crate::read).
pub fn lint_file(path: impl AsRef<Path>, now: Timestamp) -> Result<Vec<Lint>, TokenFileError> {
    let (text, mode) = crate::read_with_mode(path)?;
    let mut found = lint(&text, now);
    if mode & 0o044 != 0 {
        found.insert(
            0,
            Lint {
                code: Code::ReadableFile,
                message: format!(
                    "the file can be read by its group or others (mode {mode:04o}) and holds secrets: `chmod 600` it"
                ),
                line: 0,
                column: 0,
                token: None,
            },
        );
    }
    Ok(found)
}

struct Linter<'t> {
    text: &'t str,
    /// Permission texts that had nothing to report.
    clean: HashSet<&'t str>,
    /// Byte offsets where lines start, worked out for the first finding.
    line_starts: OnceCell<Vec<usize>>,
    found: Vec<Lint>,
    now: Timestamp,
}

/// A key, borrowed from the text when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A JSON object's members, raw, in order.
struct RawObject<'t>(Vec<(Cow<'t, str>, &'t RawValue)>);

impl<'de> Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    members.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawObject(members))
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl<'t> RawObject<'t> {
    fn get(&self, key: &str) -> Option<&'t RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

/// The string a raw value holds, borrowed from the text when it has no escapes.
fn text_of(raw: &RawValue) -> Option<Cow<'_, str>> {
    match serde_json::from_str::<&str>(raw.get()) {
        Ok(text) => Some(Cow::Borrowed(text)),
        Err(_) => serde_json::from_str::<String>(raw.get())
            .ok()
            .map(Cow::Owned),
    }
}

/// What a raw value holds, for the messages.
fn kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// The token a finding is about, as messages name it: by its name, or else by its
/// place in the list.
struct Who<'a> {
    n: usize,
    name: Option<&'a str>,
}

impl fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => write!(f, "token `{}`", escape(name)),
            None => write!(f, "token {}", self.n),
        }
    }
}

/// A byte offset in the text.
#[derive(Clone, Copy)]
struct At(usize);

/// A token's string field.
enum Field<'t> {
    Missing,
    Wrong,
    Text(Cow<'t, str>, &'t RawValue),
}

impl<'t> Linter<'t> {
    /// Where a value of the text is (its line and column are worked out only for a
    /// finding).
    fn place(&self, raw: &RawValue) -> At {
        At((raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize))
    }

    fn place_of(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&start| start <= offset);
        let start = starts[line.saturating_sub(1)];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, column)
    }

    fn push(&mut self, code: Code, at: At, token: Option<&str>, message: String) {
        let (line, column) = self.place_of(at.0);
        self.found.push(Lint {
            code,
            message,
            line,
            column,
            token: token.map(str::to_owned),
        });
    }

    /// Members of an object, a duplicate key reported.
    fn object(&mut self, raw: &'t RawValue, token: Option<&str>) -> Option<RawObject<'t>> {
        let object: RawObject<'t> = serde_json::from_str(raw.get()).ok()?;
        self.duplicate_keys(&object, token);
        Some(object)
    }

    /// Each key that an object has twice, reported at its second value.
    fn duplicate_keys(&mut self, object: &RawObject<'t>, token: Option<&str>) {
        // A token has a handful of keys, compared in place; a hostile object may have
        // millions, which a set keeps linear.
        let mut seen = HashSet::new();
        let many = object.0.len() > 16;
        for (i, (key, value)) in object.0.iter().enumerate() {
            let again = if many {
                !seen.insert(key.as_ref())
            } else {
                object.0[..i].iter().any(|(k, _)| k == key)
            };
            if again {
                let at = self.place(value);
                self.push(
                    Code::DuplicateField,
                    at,
                    token,
                    format!(
                        "`{}` appears twice in one object; the server may read either",
                        escape(key)
                    ),
                );
            }
        }
    }

    fn file(&mut self) {
        // The usual case, an object, in one pass; anything else is looked at again.
        let top = match serde_json::from_str::<RawObject<'t>>(self.text) {
            Ok(top) => {
                self.duplicate_keys(&top, None);
                top
            }
            Err(_) => match self.not_an_object() {
                Some(top) => top,
                None => return,
            },
        };
        self.tokens(&top);
    }

    /// The text when it is not read as an object: what it is instead, reported; the
    /// object it is after all, if so.
    fn not_an_object(&mut self) -> Option<RawObject<'t>> {
        let root: &'t RawValue = match serde_json::from_str(self.text) {
            Ok(root) => root,
            Err(e) => {
                // A raw value takes any JSON: only a syntax error (or the end of the
                // text) stops it, which the strict loader words the same way.
                let e = crate::ParseError::from_json(&e);
                self.found.push(Lint {
                    code: Code::NotJson,
                    message: e.message,
                    line: e.line,
                    column: e.column,
                    token: None,
                });
                return None;
            }
        };
        let Some(top) = self.object(root, None) else {
            let at = self.place(root);
            self.push(
                Code::WrongShape,
                at,
                None,
                format!(
                    "the file is {}, not a tokens file (an object with a `tokens` list)",
                    kind(root)
                ),
            );
            return None;
        };
        Some(top)
    }

    /// The file's `create_databases` and `tokens`.
    fn tokens(&mut self, top: &RawObject<'t>) {
        let creates = self.create_databases(top);
        let Some(tokens) = top.get("tokens") else {
            self.push(
                Code::WrongShape,
                At(0),
                None,
                "the file has no `tokens` list".to_owned(),
            );
            return;
        };
        let Ok(list) = serde_json::from_str::<Vec<&'t RawValue>>(tokens.get()) else {
            let at = self.place(tokens);
            self.push(
                Code::WrongShape,
                at,
                None,
                format!("`tokens` is {}, not a list", kind(tokens)),
            );
            return;
        };
        let mut names: HashMap<Cow<'t, str>, usize> = HashMap::with_capacity(list.len());
        let mut values: HashMap<Cow<'t, str>, (usize, Option<Cow<'t, str>>)> =
            HashMap::with_capacity(list.len());
        for (i, raw) in list.into_iter().enumerate() {
            self.token(i + 1, raw, creates.as_ref(), &mut names, &mut values);
        }
    }

    /// `create_databases`, checked; the valid names, or `None` when the key is absent.
    fn create_databases(&mut self, top: &RawObject<'t>) -> Option<HashSet<DatabaseName>> {
        let raw = top.get("create_databases")?;
        let Ok(list) = serde_json::from_str::<Vec<&'t RawValue>>(raw.get()) else {
            let at = self.place(raw);
            self.push(
                Code::WrongShape,
                at,
                None,
                format!("`create_databases` is {}, not a list of names", kind(raw)),
            );
            return Some(HashSet::new());
        };
        let mut names = HashSet::new();
        for item in list {
            let at = self.place(item);
            match text_of(item) {
                Some(name) => match DatabaseName::new(&name) {
                    Ok(db) => {
                        names.insert(db);
                    }
                    Err(e) => self.push(
                        Code::InvalidDatabaseName,
                        at,
                        None,
                        format!(
                            "`{}` in `create_databases` is not a valid database name: {}",
                            escape(&name),
                            e.kind()
                        ),
                    ),
                },
                None => self.push(
                    Code::WrongShape,
                    at,
                    None,
                    format!(
                        "`create_databases` holds {}, not a database name",
                        kind(item)
                    ),
                ),
            }
        }
        Some(names)
    }

    fn string(object: &RawObject<'t>, key: &str) -> Field<'t> {
        match object.get(key) {
            None => Field::Missing,
            Some(raw) => match text_of(raw) {
                Some(text) => Field::Text(text, raw),
                None => Field::Wrong,
            },
        }
    }

    #[allow(clippy::too_many_lines)] // one check after the other, in field order
    fn token(
        &mut self,
        n: usize,
        raw: &'t RawValue,
        creates: Option<&HashSet<DatabaseName>>,
        names: &mut HashMap<Cow<'t, str>, usize>,
        values: &mut HashMap<Cow<'t, str>, (usize, Option<Cow<'t, str>>)>,
    ) {
        let at = self.place(raw);
        let Some(object) = self.object(raw, None) else {
            self.push(
                Code::WrongShape,
                at,
                None,
                format!("token {n} is {}, not an object", kind(raw)),
            );
            return;
        };
        // The name first: every other finding names the token.
        let name = match Self::string(&object, "name") {
            Field::Text(name, raw_name) => {
                let name_at = self.place(raw_name);
                if name.is_empty() || name.chars().any(char::is_control) {
                    self.push(
                        Code::InvalidName,
                        name_at,
                        None,
                        format!(
                            "token {n} has the name `{}`: a name is not empty and holds no control character",
                            escape(&name)
                        ),
                    );
                } else if name == "_admin" {
                    self.push(
                        Code::ReservedName,
                        name_at,
                        Some(&name),
                        "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token".to_owned(),
                    );
                }
                match names.entry(name.clone()) {
                    Entry::Occupied(first) => {
                        let line = self.place_of(*first.get()).0;
                        self.push(
                            Code::DuplicateName,
                            name_at,
                            Some(&name),
                            format!(
                                "token `{}` is named like the token at line {line}: names are unique in a file",
                                escape(&name)
                            ),
                        );
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(at.0);
                    }
                }
                Some(name)
            }
            Field::Missing => {
                self.push(
                    Code::WrongShape,
                    at,
                    None,
                    format!("token {n} has no `name`"),
                );
                None
            }
            Field::Wrong => {
                self.push(
                    Code::WrongShape,
                    at,
                    None,
                    format!("token {n} has a `name` that is not a string"),
                );
                None
            }
        };
        let owned_name = name;
        let name = owned_name.as_deref();
        let who = Who { n, name };

        match Self::string(&object, "token") {
            Field::Text(value, raw_value) => {
                let value_at = self.place(raw_value);
                // A generated token (the usual case) passes the strict check, and then
                // the lenient one too.
                if let Err(strict) = Token::parse(&value) {
                    match Token::parse_lenient(&value) {
                        Err(e) => self.push(
                            Code::TokenPrefix,
                            value_at,
                            name,
                            format!("{who} has a token value the server will not accept: {e}"),
                        ),
                        Ok(_) => self.push(
                            Code::TokenLength,
                            value_at,
                            name,
                            format!(
                                "{who} has a token value that was not generated as tokens are (64 random bytes): {strict}; it may be guessable: rotate it"
                            ),
                        ),
                    }
                }
                match values.entry(value) {
                    Entry::Occupied(seen) => {
                        let (offset, first) = seen.get();
                        let line = self.place_of(*offset).0;
                        let first = first
                            .as_deref()
                            .map_or_else(String::new, |f| format!(" (`{}`)", escape(f)));
                        self.push(
                            Code::DuplicateToken,
                            value_at,
                            name,
                            format!(
                                "{who} has the same token value as the token at line {line}{first}: values are unique in a file"
                            ),
                        );
                    }
                    Entry::Vacant(slot) => {
                        slot.insert((at.0, owned_name.clone()));
                    }
                }
            }
            Field::Missing => {
                self.push(Code::WrongShape, at, name, format!("{who} has no `token`"));
            }
            Field::Wrong => self.push(
                Code::WrongShape,
                at,
                name,
                format!("{who} has a `token` that is not a string"),
            ),
        }

        match object.get("expiry_millis") {
            None => self.push(Code::NoExpiry, at, name, format!("{who} never expires")),
            Some(raw) => match serde_json::from_str::<Option<i64>>(raw.get()) {
                Ok(None) => self.push(Code::NoExpiry, at, name, format!("{who} never expires")),
                Ok(Some(millis)) => {
                    let when = Timestamp::from_millis(millis);
                    if when <= self.now {
                        let at = self.place(raw);
                        self.push(Code::Expired, at, name, format!("{who} expired at {when}"));
                    }
                }
                Err(_) => {
                    let at = self.place(raw);
                    self.push(
                        Code::WrongShape,
                        at,
                        name,
                        format!(
                            "{who} has an `expiry_millis` that is {}, not a whole number of milliseconds",
                            kind(raw)
                        ),
                    );
                }
            },
        }

        let Some(raw_list) = object.get("permissions") else {
            self.push(
                Code::WrongShape,
                at,
                name,
                format!("{who} has no `permissions`"),
            );
            return;
        };
        let Ok(list) = serde_json::from_str::<Vec<&'t RawValue>>(raw_list.get()) else {
            let at = self.place(raw_list);
            self.push(
                Code::WrongShape,
                at,
                name,
                format!(
                    "{who} has `permissions` that are {}, not a list",
                    kind(raw_list)
                ),
            );
            return;
        };
        if list.is_empty() {
            let at = self.place(raw_list);
            self.push(
                Code::NoPermissions,
                at,
                name,
                format!("{who} has no permission: it can do nothing"),
            );
        }
        for item in list {
            let item_at = self.place(item);
            let Some(text) = text_of(item) else {
                self.push(
                    Code::WrongShape,
                    item_at,
                    name,
                    format!(
                        "{who} has a permission that is {}, not a string",
                        kind(item)
                    ),
                );
                continue;
            };
            // A permission that had nothing to report is not looked at again (a file
            // of 100,000 tokens repeats a few).
            if self.clean.contains(text.as_ref()) {
                continue;
            }
            let before = self.found.len();
            self.permission(&who, name, &text, item, creates);
            if self.found.len() == before
                && let Cow::Borrowed(text) = text
            {
                self.clean.insert(text);
            }
        }
    }

    fn permission(
        &mut self,
        who: &Who<'_>,
        name: Option<&str>,
        text: &str,
        raw: &'t RawValue,
        creates: Option<&HashSet<DatabaseName>>,
    ) {
        let at = self.place(raw);
        match text.parse::<Permission>() {
            Err(e) => {
                // The column of the bad part, when the string has no escapes (the
                // usual case): the opening quote, then the span's start.
                let bad = if raw.get().len() == text.len() + 2 {
                    At(at.0 + 1 + e.span().start)
                } else {
                    at
                };
                self.push(
                    Code::InvalidPermission,
                    bad,
                    name,
                    format!(
                        "{who} has an invalid permission {}",
                        crate::error::InvalidPermission(text, &e)
                    ),
                );
            }
            Ok(Permission::Admin) => self.push(
                Code::AdminPermission,
                at,
                name,
                format!(
                    "{who} has `*:*:*`, which gives it every right of an admin token: a permission file is no place for it"
                ),
            ),
            Ok(Permission::Database {
                names: Scope::All, ..
            }) => self.push(
                Code::WildcardDatabase,
                at,
                name,
                format!(
                    "{who} has `{}`: it reaches every database, those created later included; some server versions look for a database named `*` when they load a tokens file",
                    escape(text)
                ),
            ),
            Ok(Permission::Database {
                names: Scope::Only(dbs),
                ..
            }) => {
                for db in dbs.iter().filter(|db| !creates.is_some_and(|c| c.contains(*db))) {
                    self.push(
                        Code::UnknownDatabase,
                        at,
                        name,
                        format!(
                            "{who} has a permission on database `{db}`, which the file does not create: the server will not load the file unless `{db}` exists"
                        ),
                    );
                }
            }
            Ok(Permission::System(_)) => {}
        }
    }
}
