//! The one reader of the offline files: [`TokenFile::parse`] stops at the first problem
//! that keeps a file from loading, [`lint`](crate::lint) goes on and reports them all,
//! each as a [`Diagnostic`] of a [`Code`] that points at the offending character.
//!
//! The text is walked as raw JSON values (`serde_json`'s [`RawValue`], which borrows
//! from the text), so that every value's place is its offset in the text; a string's
//! content is borrowed as it is when it has no escape, and its places are mapped through
//! the escapes when it has. Lines and columns are not worked out here: a diagnostic
//! has a byte span, and [`lint`](crate::lint) turns the spans of all its findings into
//! lines and columns in one pass.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::ops::Range;
use std::sync::Arc;

use influxdb3_permission::{DatabaseName, Permission, Scope};
use influxdb3_text::Diagnostic;
use influxdb3_text::escape;
use influxdb3_token::{Timestamp, Token, TokenError};
use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::value::RawValue;

use crate::code::Code;
use crate::error::ParseError;
use crate::model::{AdminTokenFile, Extra, TokenEntry, TokenFile, TokenRecord};
use crate::names::{self, Concern};

/// The origin of the diagnostics of a text whose file is not known; the caller puts
/// the path in its place ([`Diagnostic::with_origin`], [`ParseError::with_origin`]).
pub(crate) const UNNAMED: &str = "<text>";

impl<'a> TokenFile<'a> {
    /// Reads a file's text, checking every token, name and permission; the result
    /// borrows from `text` (names and permissions without escapes are not copied), and
    /// fields this library does not know are kept as their raw JSON text.
    ///
    /// # Errors
    ///
    /// [`ParseError`] for the first problem that keeps the file from loading: a
    /// [`Diagnostic`] of one of the [`Code`]s that [`stop a load`](Code::stops_load)
    /// (not JSON, not an object, `tokens` missing or not a list, a token without
    /// `apiv3_`, a permission that does not parse, a database name that is not valid, a
    /// name or a token value that repeats), pointing at the offending character. Its
    /// origin is a placeholder: put the file's path in with
    /// [`ParseError::with_origin`].
    ///
    /// # Example
    ///
    /// ```
    /// use influxdb3_tokenfile::{Code, TokenFile};
    ///
    /// let text = "{\"tokens\": [\n  {\"token\": \"apiv3_a\", \"name\": \"a\", \"permissions\": [\"db:a,*:read\"]}\n]}";
    /// let err = TokenFile::parse(text).unwrap_err();
    /// assert_eq!(err.code(), Code::InvalidPermission);
    /// let at = err.diagnostic().location().unwrap();
    /// assert_eq!((at.line, at.column), (2, 59)); // the `*`
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &'a str) -> Result<TokenFile<'a>, ParseError> {
        let mut loader = Loader::new(text, None);
        match loader.file() {
            Ok(Some(file)) => Ok(file),
            // A strict walk reads what it cannot use as a problem, and stops there.
            Ok(None) | Err(Stop) => Err(loader.first_problem()),
        }
    }
}

impl<'a> AdminTokenFile<'a> {
    /// Reads an admin token file's text; the result borrows from `text`.
    ///
    /// # Errors
    ///
    /// [`ParseError`] for the first problem, pointing at it, as
    /// [`TokenFile::parse`].
    pub fn parse(text: &'a str) -> Result<AdminTokenFile<'a>, ParseError> {
        let mut loader = Loader::new(text, None);
        match loader.admin_file() {
            Ok(Some(file)) => Ok(file),
            Ok(None) | Err(Stop) => Err(loader.first_problem()),
        }
    }
}

/// A problem found, before it becomes a [`Diagnostic`].
pub(crate) struct Problem {
    pub(crate) code: Code,
    /// `None` for the file as a whole.
    pub(crate) span: Option<Range<usize>>,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// The name of the token it is about.
    pub(crate) token: Option<String>,
}

impl Problem {
    fn new(code: Code, span: Range<usize>, message: impl Into<String>) -> Problem {
        Problem {
            code,
            span: Some(span),
            message: message.into(),
            hint: None,
            token: None,
        }
    }

    fn hint(mut self, hint: Option<&str>) -> Problem {
        self.hint = hint.map(str::to_owned);
        self
    }

    fn about(mut self, token: Option<&str>) -> Problem {
        self.token = token.map(str::to_owned);
        self
    }

    /// The diagnostic, in `text` (shared by all the problems of one file) from
    /// `origin`.
    pub(crate) fn into_diagnostic(self, origin: &Arc<str>, text: &Arc<str>) -> Diagnostic<Code> {
        let d = match self.span {
            Some(span) => Diagnostic::new(
                Arc::clone(origin),
                Arc::clone(text),
                span,
                self.code,
                self.message,
            ),
            None => Diagnostic::whole(
                Arc::clone(origin),
                Arc::clone(text),
                self.code,
                self.message,
            ),
        };
        match self.hint {
            Some(hint) => d.with_hint(hint),
            None => d,
        }
    }
}

/// A strict walk found a problem that stops a load: it is the last one found.
pub(crate) struct Stop;

type Step<T> = Result<T, Stop>;

/// The walk over one text.
pub(crate) struct Loader<'t> {
    text: &'t str,
    /// `None`: a strict load, which stops at the first problem that
    /// [stops a load](Code::stops_load) and does not look for the others; `Some`: a
    /// lint at that time, which reports everything.
    now: Option<Timestamp>,
    found: Vec<Problem>,
    /// Permission texts that had nothing to report.
    checked: Checked<'t>,
    /// Where the elements of the `tokens` list start, once one was needed.
    elements: Option<Vec<usize>>,
    /// The raw items of a token's `permissions`, and the members of a token object:
    /// lists kept from one token to the next.
    items: Vec<&'t RawValue>,
    members: Vec<(Cow<'t, str>, &'t RawValue)>,
}

/// Permission strings that had nothing to report: a file that scripts wrote repeats a
/// few, and each is looked at once.
#[derive(Default)]
struct Checked<'t> {
    seen: HashSet<&'t str>,
    /// The previous token's permissions, by position: a file that scripts wrote gives
    /// its tokens the same list, and a string compare is cheaper than a hash.
    last: Vec<&'t str>,
}

impl<'t> Checked<'t> {
    fn contains(&self, at: usize, text: &str) -> bool {
        self.last.get(at).is_some_and(|&t| t == text) || self.seen.contains(text)
    }

    fn insert(&mut self, at: usize, text: &'t str) {
        self.seen.insert(text);
        if at < self.last.len() {
            self.last[at] = text;
        } else if at == self.last.len() {
            self.last.push(text);
        }
    }
}

/// A JSON object's members, raw, in order.
struct RawObject<'t>(Vec<(Cow<'t, str>, &'t RawValue)>);

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

impl<'de> Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    members.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawObject(members))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// A string of the text: its content (borrowed when it has no escape), and where its
/// raw JSON is.
struct Str<'t> {
    text: Cow<'t, str>,
    raw: &'t str,
    at: usize,
}

impl Str<'_> {
    /// The bytes of the file that hold the bytes `range` of the content.
    fn span(&self, range: Range<usize>) -> Range<usize> {
        let start = self.at + 1;
        if let Cow::Owned(_) = self.text {
            let content = &self.raw[1..self.raw.len() - 1];
            start + raw_offset(content, range.start)..start + raw_offset(content, range.end)
        } else {
            start + range.start..start + range.end
        }
    }

    /// The bytes of the file that hold the whole content.
    fn whole(&self) -> Range<usize> {
        self.span(0..self.text.len())
    }

    /// The bytes of the file that hold the character at byte `at` of the content.
    fn char_at(&self, at: usize) -> Range<usize> {
        let len = self.text[at..].chars().next().map_or(0, char::len_utf8);
        self.span(at..at + len)
    }
}

/// The offset in `content`, a JSON string's raw content, of the byte `decoded` of the
/// string it stands for.
fn raw_offset(content: &str, decoded: usize) -> usize {
    let bytes = content.as_bytes();
    let (mut raw, mut out) = (0, 0);
    while raw < bytes.len() && out < decoded {
        if bytes[raw] != b'\\' {
            raw += 1;
            out += 1;
            continue;
        }
        if bytes.get(raw + 1) == Some(&b'u') {
            let unit = content
                .get(raw + 2..raw + 6)
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .unwrap_or(0xFFFD);
            if (0xD800..0xDC00).contains(&unit) && content.get(raw + 6..raw + 8) == Some("\\u") {
                // A surrogate pair: one character of four bytes.
                raw += 12;
                out += 4;
            } else {
                raw += 6;
                out += char::from_u32(unit).map_or(3, char::len_utf8);
            }
        } else {
            raw += 2;
            out += 1;
        }
    }
    raw
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

/// The token a problem is about, as messages name it: by its name, or else by its
/// place in the list (0: the admin token file's).
#[derive(Clone, Copy)]
struct Who<'a> {
    n: usize,
    name: Option<&'a str>,
}

impl fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name, self.n) {
            (Some(name), _) => write!(f, "token `{}`", escape(name)),
            (None, 0) => f.write_str("the admin token file"),
            (None, n) => write!(f, "token {n}"),
        }
    }
}

/// The members of a token object that this library knows, as raw values (the first of
/// each; a repeat is a [`Code::DuplicateField`]), and the others.
#[derive(Default)]
struct Members<'t> {
    token: Option<&'t RawValue>,
    name: Option<&'t RawValue>,
    expiry: Option<&'t RawValue>,
    permissions: Option<&'t RawValue>,
    extra: Extra<'t>,
}

/// The bytes of `value`, a token value that `e` refuses, that `e` is about.
fn token_error_at(value: &str, e: &TokenError) -> Range<usize> {
    let nth = |position: usize| {
        value
            .char_indices()
            .nth(position.saturating_sub(1))
            .map_or(value.len()..value.len(), |(i, c)| i..i + c.len_utf8())
    };
    match e {
        TokenError::MissingPrefix => {
            let same = value
                .bytes()
                .zip("apiv3_".bytes())
                .take_while(|(a, b)| a == b)
                .count();
            nth(same + 1)
        }
        TokenError::Character { position } | TokenError::Unprintable { position } => nth(*position),
        // A length or the last character's bits: about the whole value (a lint only
        // reports those when the value is no chosen secret either, a matter of length).
        _ => 0..value.len(),
    }
}

impl<'t> Loader<'t> {
    pub(crate) fn new(text: &'t str, now: Option<Timestamp>) -> Loader<'t> {
        Loader {
            text,
            now,
            found: Vec::new(),
            checked: Checked::default(),
            elements: None,
            items: Vec::new(),
            members: Vec::new(),
        }
    }

    /// Whether this walk looks for problems of `code`.
    fn wants(&self, code: Code) -> bool {
        self.now.is_some() || code.stops_load()
    }

    /// Notes `problem`; stops a strict walk at one that stops a load.
    fn report(&mut self, problem: Problem) -> Step<()> {
        if !self.wants(problem.code) {
            return Ok(());
        }
        let stop = self.now.is_none();
        self.found.push(problem);
        if stop { Err(Stop) } else { Ok(()) }
    }

    /// What a lint found, in the order found.
    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.found
    }

    /// The problem that stopped a strict walk, as a [`ParseError`].
    fn first_problem(&mut self) -> ParseError {
        let problem = self.found.pop().unwrap_or_else(|| Problem {
            code: Code::WrongShape,
            span: None,
            message: "the file does not load".to_owned(),
            hint: None,
            token: None,
        });
        let origin: Arc<str> = Arc::from(UNNAMED);
        let text: Arc<str> = Arc::from(self.text);
        ParseError::new(problem.into_diagnostic(&origin, &text))
    }

    /// The offset of `s`, a part of the text, in it.
    fn offset(&self, s: &str) -> usize {
        (s.as_ptr() as usize)
            .saturating_sub(self.text.as_ptr() as usize)
            .min(self.text.len())
    }

    /// The first character of a raw value.
    fn at(&self, raw: &RawValue) -> Range<usize> {
        let at = self.offset(raw.get());
        at..at + 1
    }

    /// The string `raw` holds, if it is one.
    fn string(&self, raw: &'t RawValue) -> Option<Str<'t>> {
        let json = raw.get();
        if !json.starts_with('"') {
            return None;
        }
        // A raw string is valid JSON: without a backslash, its content is the string.
        let content = &json[1..json.len() - 1];
        let text = if content.contains('\\') {
            Cow::Owned(serde_json::from_str::<String>(json).ok()?)
        } else {
            Cow::Borrowed(content)
        };
        Some(Str {
            text,
            raw: json,
            at: self.offset(json),
        })
    }

    /// The text that is not JSON, reported where `serde_json` stopped.
    fn not_json(&mut self, e: &serde_json::Error) -> Step<()> {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let what = full.strip_suffix(&suffix).unwrap_or(&full);
        let mut start = 0;
        for _ in 1..e.line() {
            start = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i + 1);
        }
        // `serde_json` counts the bytes of the line, the offending one included.
        let at = (start + e.column().saturating_sub(1)).min(self.text.len());
        self.report(Problem::new(
            Code::NotJson,
            at..at + 1,
            format!("not valid JSON: {what}"),
        ))
    }

    /// The text as an object (an admin token file's), or what it is instead,
    /// reported.
    fn top(&mut self, what: &str) -> Step<Option<RawObject<'t>>> {
        let mut de = serde_json::Deserializer::from_str(self.text);
        let e = match RawObject::deserialize(&mut de).and_then(|top| de.end().map(|()| top)) {
            Ok(top) => {
                self.duplicate_keys(&top)?;
                return Ok(Some(top));
            }
            Err(e) => e,
        };
        if !e.is_data() {
            self.not_json(&e)?;
            return Ok(None);
        }
        self.not_an_object(what)?;
        Ok(None)
    }

    /// Each key that an object has twice, reported at its repeat.
    fn duplicate_keys(&mut self, object: &RawObject<'t>) -> Step<()> {
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
                // The key's opening quote, when it is borrowed from the text.
                let at = match key {
                    Cow::Borrowed(k) => {
                        let at = self.offset(k).saturating_sub(1);
                        at..at + 1
                    }
                    Cow::Owned(_) => self.at(value),
                };
                self.report(Problem::new(
                    Code::DuplicateField,
                    at,
                    format!(
                        "`{}` appears twice in one object; the server may read either",
                        escape(key)
                    ),
                ))?;
            }
        }
        Ok(())
    }

    /// A permission tokens file; `None` when it is too broken to hold one (a lint
    /// goes on past a broken token, and has no file either).
    ///
    /// One pass over the text: the `tokens` list is walked as `serde_json` reads it,
    /// each token's members taken raw.
    pub(crate) fn file(&mut self) -> Step<Option<TokenFile<'t>>> {
        let mut de = serde_json::Deserializer::from_str(self.text);
        let read = de
            .deserialize_map(FileVisitor(self))
            .and_then(|file| de.end().map(|()| file));
        let e = match read {
            Ok(file) => return Ok(file),
            Err(_) if self.stopped() => return Err(Stop),
            Err(e) => e,
        };
        if !e.is_data() {
            self.not_json(&e)?;
            return Ok(None);
        }
        // Not an object: what then (or where it stops being JSON).
        self.not_an_object("a tokens file (an object with a `tokens` list)")?;
        Ok(None)
    }

    /// Whether a strict walk has found the problem it stops at.
    fn stopped(&self) -> bool {
        self.now.is_none() && !self.found.is_empty()
    }

    /// Where the value of the member whose key is `key` starts: after the key, its
    /// colon and whitespace (when the key is borrowed from the text).
    #[allow(clippy::ptr_arg)] // whether the key is borrowed is what matters
    fn value_at(&self, key: &Cow<'t, str>) -> Option<usize> {
        let Cow::Borrowed(key) = key else {
            return None;
        };
        let bytes = self.text.as_bytes();
        let mut at = self.offset(key) + key.len() + 1;
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r' | b':') {
            at += 1;
        }
        Some(at)
    }

    /// The opening quote of `key`, when it is borrowed from the text.
    #[allow(clippy::ptr_arg)] // whether the key is borrowed is what matters
    fn key_at(&self, key: &Cow<'t, str>) -> Option<usize> {
        match key {
            Cow::Borrowed(key) => Some(self.offset(key).saturating_sub(1)),
            Cow::Owned(_) => None,
        }
    }

    /// The first character of the text: where the file's object starts.
    fn start(&self) -> Range<usize> {
        let start = self.text.len() - self.text.trim_start().len();
        start..start + 1
    }

    /// The text, which is not an object: what it is instead, reported.
    fn not_an_object(&mut self, what: &str) -> Step<()> {
        match serde_json::from_str::<&'t RawValue>(self.text) {
            Ok(root) => {
                let at = self.at(root);
                self.report(Problem::new(
                    Code::WrongShape,
                    at,
                    format!("the file is {}, not {what}", kind(root)),
                ))
            }
            Err(e) => self.not_json(&e),
        }
    }

    /// Where the `n`th element (1-based) of the list at `list` starts, for an element
    /// that does not say so itself (not an object, or an empty one): the elements'
    /// places are worked out once, when the first such one is met.
    fn element_at(&mut self, list: Option<usize>, n: usize) -> Range<usize> {
        let Some(list) = list else {
            return self.start();
        };
        if self.elements.is_none() {
            let mut de = serde_json::Deserializer::from_str(&self.text[list..]);
            let places = <&RawValue>::deserialize(&mut de)
                .ok()
                .and_then(|raw| serde_json::from_str::<Vec<&RawValue>>(raw.get()).ok())
                .map(|items| items.iter().map(|i| self.offset(i.get())).collect())
                .unwrap_or_default();
            self.elements = Some(places);
        }
        let at = self
            .elements
            .as_ref()
            .and_then(|places| places.get(n - 1).copied())
            .unwrap_or(list);
        at..at + 1
    }

    /// The top-level members: the tokens (checked as they are read) and the rest.
    fn file_members<A: MapAccess<'t>>(
        &mut self,
        mut map: A,
    ) -> Result<Option<TokenFile<'t>>, A::Error> {
        let mut keys: HashSet<Cow<'t, str>> = HashSet::new();
        let mut create_databases: Option<Vec<DatabaseName>> = None;
        let mut tokens: Option<Option<Vec<TokenEntry<'t>>>> = None;
        let mut extra = Extra::default();
        let mut pending = Vec::new();
        let stop = |Stop| A::Error::custom("stopped");
        while let Some(Key(key)) = map.next_key::<Key<'t>>()? {
            let repeat = !keys.insert(key.clone());
            if repeat {
                let at = self.key_at(&key).unwrap_or_else(|| self.start().start);
                self.report(Problem::new(
                    Code::DuplicateField,
                    at..at + 1,
                    format!(
                        "`{}` appears twice in one object; the server may read either",
                        escape(&key)
                    ),
                ))
                .map_err(stop)?;
            }
            match key.as_ref() {
                "create_databases" if !repeat => {
                    let raw: &'t RawValue = map.next_value()?;
                    create_databases = Some(self.create_databases(raw).map_err(stop)?);
                }
                "tokens" if !repeat => {
                    let at = self.value_at(&key);
                    let creates = if create_databases.is_some() || self.now.is_none() {
                        Creates::Known(create_databases.iter().flatten().collect())
                    } else {
                        // `create_databases` may come later: a lint checks at the end.
                        Creates::Later(Vec::new())
                    };
                    let mut list = TokenList {
                        loader: self,
                        at,
                        creates,
                    };
                    tokens = Some(map.next_value_seed(&mut list)?);
                    if let Creates::Later(later) = list.creates {
                        pending = later;
                    }
                }
                "create_databases" | "tokens" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    let raw: &'t RawValue = map.next_value()?;
                    extra.0.push((key, Cow::Borrowed(raw)));
                }
            }
        }
        // The databases of the permissions read before `create_databases` was.
        let known: HashSet<&DatabaseName> = create_databases.iter().flatten().collect();
        for (db, problem) in pending {
            if !known.contains(&db) {
                self.report(problem).map_err(stop)?;
            }
        }
        let Some(tokens) = tokens else {
            let at = self.start();
            self.report(Problem::new(
                Code::WrongShape,
                at,
                "the file has no `tokens` list",
            ))
            .map_err(stop)?;
            return Ok(None);
        };
        Ok(tokens.map(|tokens| TokenFile {
            create_databases,
            tokens,
            extra,
        }))
    }

    /// `create_databases`, checked: the valid names.
    fn create_databases(&mut self, raw: &'t RawValue) -> Step<Vec<DatabaseName>> {
        let Ok(list) = serde_json::from_str::<Vec<&'t RawValue>>(raw.get()) else {
            let at = self.at(raw);
            self.report(Problem::new(
                Code::WrongShape,
                at,
                format!("`create_databases` is {}, not a list of names", kind(raw)),
            ))?;
            return Ok(Vec::new());
        };
        let mut names = Vec::with_capacity(list.len());
        for item in list {
            let Some(name) = self.string(item) else {
                let at = self.at(item);
                self.report(Problem::new(
                    Code::WrongShape,
                    at,
                    format!(
                        "`create_databases` holds {}, not a database name",
                        kind(item)
                    ),
                ))?;
                continue;
            };
            match DatabaseName::new(&name.text) {
                Ok(db) => names.push(db),
                Err(e) => self.report(
                    Problem::new(
                        Code::InvalidDatabaseName,
                        name.span(e.span()),
                        format!(
                            "invalid database name `{}` in `create_databases`: {}",
                            escape(&name.text),
                            e.kind()
                        ),
                    )
                    .hint(e.hint()),
                )?,
            }
        }
        Ok(names)
    }

    /// The members of a token object, a repeat reported.
    fn members(object: &RawObject<'t>, permissions: bool) -> Members<'t> {
        let mut m = Members::default();
        for (key, value) in &object.0 {
            let slot = match key.as_ref() {
                "token" => &mut m.token,
                "name" => &mut m.name,
                "expiry_millis" => &mut m.expiry,
                "permissions" if permissions => &mut m.permissions,
                _ => {
                    m.extra.0.push((key.clone(), Cow::Borrowed(*value)));
                    continue;
                }
            };
            slot.get_or_insert(*value);
        }
        m
    }

    /// A token's name: not empty, no control character; `None` when it is missing or
    /// not a string.
    fn name(
        &mut self,
        who: Who<'_>,
        object: Range<usize>,
        raw: Option<&'t RawValue>,
    ) -> Step<Option<Str<'t>>> {
        let Some(raw) = raw else {
            self.report(Problem::new(
                Code::WrongShape,
                object,
                format!("{who} has no `name`"),
            ))?;
            return Ok(None);
        };
        let Some(name) = self.string(raw) else {
            let at = self.at(raw);
            self.report(Problem::new(
                Code::WrongShape,
                at,
                format!("{who} has a `name` that is {}, not a string", kind(raw)),
            ))?;
            return Ok(None);
        };
        if name.text.is_empty() {
            self.report(Problem::new(
                Code::InvalidName,
                name.span(0..0),
                format!("{who} has an empty name"),
            ))?;
        } else if let Some((i, _)) = name.text.char_indices().find(|(_, c)| c.is_control()) {
            self.report(Problem::new(
                Code::InvalidName,
                name.char_at(i),
                format!(
                    "{who} has the name `{}`, which holds a control character",
                    escape(&name.text)
                ),
            ))?;
        } else if self.wants(Code::ConfusableName) {
            // A lint (neither is a reason for a strict load to refuse the file).
            let problem = match names::concern(&name.text) {
                Some(Concern::Unsafe { at, error }) => Problem::new(
                    Code::UnsafeName,
                    at.map_or_else(|| name.whole(), |i| name.char_at(i)),
                    format!(
                        "{who} has the name `{}`, which `create token` refuses: {error}",
                        escape(&name.text)
                    ),
                )
                .hint(Some(
                    "a listing does not show this name as it is: give the token a clear name",
                )),
                Some(Concern::Mixed { at }) => {
                    let c = name.text[at..].chars().next().unwrap_or_default();
                    Problem::new(
                        Code::ConfusableName,
                        name.char_at(at),
                        format!(
                            "{who} has the name `{}`, which mixes scripts as a look-alike would: `{c}` (U+{:04X}) is not of the script of the letters before it",
                            escape(&name.text),
                            u32::from(c)
                        ),
                    )
                }
                None => return Ok(Some(name)),
            };
            self.report(problem.about(Some(&name.text)))?;
        }
        Ok(Some(name))
    }

    /// A token's value, as the server reads it (it starts with `apiv3_`).
    fn value(
        &mut self,
        who: Who<'_>,
        object: Range<usize>,
        raw: Option<&'t RawValue>,
    ) -> Step<Option<(Token, Str<'t>)>> {
        let Some(raw) = raw else {
            self.report(
                Problem::new(Code::WrongShape, object, format!("{who} has no `token`"))
                    .about(who.name),
            )?;
            return Ok(None);
        };
        let Some(value) = self.string(raw) else {
            let at = self.at(raw);
            self.report(
                Problem::new(
                    Code::WrongShape,
                    at,
                    format!("{who} has a `token` that is {}, not a string", kind(raw)),
                )
                .about(who.name),
            )?;
            return Ok(None);
        };
        match Token::parse_lenient(&value.text) {
            Err(e) => {
                self.report(
                    Problem::new(
                        Code::TokenPrefix,
                        value.span(token_error_at(&value.text, &e)),
                        format!("{who} has a token value the server will not accept: {e}"),
                    )
                    .about(who.name),
                )?;
                Ok(None)
            }
            Ok(token) => {
                // A generated token (the usual case) passes the strict check too; a
                // secret its operator chose passes the chosen rule (long enough, of
                // the token alphabet).
                if self.wants(Code::TokenLength)
                    && let Err(e) = Token::parse(&value.text)
                    && let Err(chosen) = Token::parse_chosen(&value.text)
                {
                    let at = match chosen {
                        TokenError::ChosenCharacter { .. } => token_error_at(&value.text, &e),
                        _ => 0..value.text.len(),
                    };
                    self.report(
                            Problem::new(
                                Code::TokenLength,
                                value.span(at),
                                format!(
                                    "{who} has a token value that is neither generated as tokens are (64 random bytes) nor a chosen secret: {chosen}; it may be guessable: rotate it"
                                ),
                            )
                            .about(who.name),
                        )?;
                }
                Ok(Some((token, value)))
            }
        }
    }

    /// A token's expiry; a lint reports a token that never expires, or has expired.
    fn expiry(
        &mut self,
        who: Who<'_>,
        object: Range<usize>,
        raw: Option<&'t RawValue>,
    ) -> Step<Option<Timestamp>> {
        let never =
            |at| Problem::new(Code::NoExpiry, at, format!("{who} never expires")).about(who.name);
        let Some(raw) = raw else {
            if self.wants(Code::NoExpiry) {
                self.report(never(object))?;
            }
            return Ok(None);
        };
        // Raw JSON that is `null` or an integer reads as Rust reads it.
        let millis = match raw.get() {
            "null" => Ok(None),
            number => number.parse::<i64>().map(Some),
        };
        match millis {
            Ok(None) => {
                if self.wants(Code::NoExpiry) {
                    let at = self.at(raw);
                    self.report(never(at))?;
                }
                Ok(None)
            }
            Ok(Some(millis)) => {
                let when = Timestamp::from_millis(millis);
                if self.now.is_some_and(|now| when <= now) {
                    let at = self.at(raw);
                    self.report(
                        Problem::new(Code::Expired, at, format!("{who} expired at {when}"))
                            .about(who.name),
                    )?;
                }
                Ok(Some(when))
            }
            Err(_) => {
                let at = self.at(raw);
                self.report(
                    Problem::new(
                        Code::WrongShape,
                        at,
                        format!(
                            "{who} has an `expiry_millis` that is {}, not a whole number of milliseconds",
                            kind(raw)
                        ),
                    )
                    .about(who.name),
                )?;
                Ok(None)
            }
        }
    }

    /// The `n`th token of the `tokens` list, an object at `at`, added to `seen`;
    /// whether it is a whole entry.
    fn token(
        &mut self,
        n: usize,
        at: Range<usize>,
        object: &RawObject<'t>,
        seen: &mut Seen<'t>,
        creates: &mut Creates<'_>,
    ) -> Step<bool> {
        self.duplicate_keys(object)?;
        let members = Self::members(object, true);
        // The name first: every other problem names the token.
        let name = self.name(Who { n, name: None }, at.clone(), members.name)?;
        if let Some(name) = &name {
            if name.text == influxdb3_token::OPERATOR_TOKEN {
                self.report(
                    Problem::new(
                        Code::ReservedName,
                        name.whole(),
                        "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token",
                    )
                    .about(Some(influxdb3_token::OPERATOR_TOKEN)),
                )?;
            }
            if self.wants(Code::ConfusableName)
                && let Some(first) = seen.first_alike(n, &name.text)
            {
                let other = seen.strings(first).0.unwrap_or_default().to_owned();
                self.report(
                    Problem::new(
                        Code::ConfusableName,
                        name.whole(),
                        format!(
                            "token {n} is named `{}`, which looks like `{}`, the name of token {first}",
                            escape(&name.text),
                            escape(&other)
                        ),
                    )
                    .about(Some(&name.text)),
                )?;
            }
            if let Some(first) = seen.first_named(n, &name.text) {
                self.report(
                    Problem::new(
                        Code::DuplicateName,
                        name.whole(),
                        format!(
                            "token {n} is named `{}` like token {first}: token names are unique in a file",
                            escape(&name.text)
                        ),
                    )
                    .about(Some(&name.text)),
                )?;
            }
        }
        let who = Who {
            n,
            name: name.as_ref().map(|s| s.text.as_ref()),
        };
        let (token, value) = match self.value(who, at.clone(), members.token)? {
            Some((token, value)) => {
                if let Some(first) = seen.first_valued(n, &value.text) {
                    self.report(
                        Problem::new(
                            Code::DuplicateToken,
                            value.whole(),
                            format!(
                                "{who} has the same token value as token {first}: token values are unique in a file"
                            ),
                        )
                        .about(who.name),
                    )?;
                }
                (Some(token), Some(value.text))
            }
            None => (None, None),
        };
        let expiry = self.expiry(who, at.clone(), members.expiry)?;
        let permissions = self.permissions(who, at, members.permissions, creates)?;
        Ok(match (token, name, permissions) {
            (Some(token), Some(name), Some(permissions)) => {
                seen.add_entry(TokenEntry::read(
                    TokenRecord::read(token, name.text, expiry, members.extra),
                    permissions,
                ));
                true
            }
            (_, name, _) => {
                seen.add_broken(name.map(|s| s.text), value);
                false
            }
        })
    }

    /// A token's `permissions`, each checked against the grammar.
    fn permissions(
        &mut self,
        who: Who<'_>,
        object: Range<usize>,
        raw: Option<&'t RawValue>,
        creates: &mut Creates<'_>,
    ) -> Step<Option<Vec<Cow<'t, str>>>> {
        let Some(raw) = raw else {
            self.report(
                Problem::new(
                    Code::WrongShape,
                    object,
                    format!("{who} has no `permissions`"),
                )
                .about(who.name),
            )?;
            return Ok(None);
        };
        // Into a list kept from one token to the next: one allocation less per token.
        let mut list = std::mem::take(&mut self.items);
        list.clear();
        let mut de = serde_json::Deserializer::from_str(raw.get());
        if Items(&mut list).deserialize(&mut de).is_err() {
            let at = self.at(raw);
            self.report(
                Problem::new(
                    Code::WrongShape,
                    at,
                    format!("{who} has `permissions` that are {}, not a list", kind(raw)),
                )
                .about(who.name),
            )?;
            return Ok(None);
        }
        let texts = self.permission_texts(who, raw, &list, creates);
        self.items = list;
        texts
    }

    /// The permissions of a token, from the raw `items` of its list `raw`.
    fn permission_texts(
        &mut self,
        who: Who<'_>,
        raw: &'t RawValue,
        list: &[&'t RawValue],
        creates: &mut Creates<'_>,
    ) -> Step<Option<Vec<Cow<'t, str>>>> {
        if list.is_empty() && self.wants(Code::NoPermissions) {
            let at = self.at(raw);
            self.report(
                Problem::new(
                    Code::NoPermissions,
                    at,
                    format!("{who} has no permission: it can do nothing"),
                )
                .about(who.name),
            )?;
        }
        let mut texts = Vec::with_capacity(list.len());
        let mut whole = true;
        for (i, &item) in list.iter().enumerate() {
            let Some(text) = self.string(item) else {
                let at = self.at(item);
                self.report(
                    Problem::new(
                        Code::WrongShape,
                        at,
                        format!(
                            "{who} has a permission that is {}, not a string",
                            kind(item)
                        ),
                    )
                    .about(who.name),
                )?;
                whole = false;
                continue;
            };
            if !self.checked.contains(i, &text.text) {
                let before = self.found.len();
                self.permission(who, &text, creates)?;
                if self.found.len() == before
                    && matches!(creates, Creates::Known(_))
                    && let Cow::Borrowed(t) = text.text
                {
                    self.checked.insert(i, t);
                }
            }
            texts.push(text.text);
        }
        Ok(whole.then_some(texts))
    }

    /// One permission string.
    fn permission(&mut self, who: Who<'_>, text: &Str<'t>, creates: &mut Creates<'_>) -> Step<()> {
        let about = |p: Problem| p.about(who.name);
        match text.text.parse::<Permission>() {
            Err(e) => self.report(about(
                Problem::new(
                    Code::InvalidPermission,
                    text.span(e.span()),
                    format!(
                        "{who} has an invalid permission `{}`: {}",
                        escape(&text.text),
                        e.kind()
                    ),
                )
                .hint(e.hint()),
            )),
            Ok(Permission::Admin) if self.wants(Code::AdminPermission) => self.report(about(Problem::new(
                Code::AdminPermission,
                text.whole(),
                format!(
                    "{who} has `*:*:*`, which gives it every right of an admin token: a permission file is no place for it"
                ),
            ))),
            // `db:*`: the `*` is the fourth character.
            Ok(Permission::Database {
                names: Scope::All, ..
            }) if self.wants(Code::WildcardDatabase) => self.report(about(Problem::new(
                Code::WildcardDatabase,
                text.char_at(3),
                format!(
                    "{who} has `{}`: it reaches every database, those created later included; some server versions look for a database named `*` when they load a tokens file",
                    escape(&text.text)
                ),
            ))),
            Ok(Permission::Database {
                names: Scope::Only(dbs),
                ..
            }) if self.wants(Code::UnknownDatabase) => {
                for db in &dbs {
                    if matches!(creates, Creates::Known(set) if set.contains(db)) {
                        continue;
                    }
                    let at = name_at(&text.text, db);
                    let problem = about(Problem::new(
                        Code::UnknownDatabase,
                        text.span(at..at + db.len()),
                        format!(
                            "{who} has a permission on database `{db}`, which the file does not create: the server will not load the file unless `{db}` exists"
                        ),
                    ));
                    match creates {
                        Creates::Known(_) => self.report(problem)?,
                        Creates::Later(pending) => pending.push((db.clone(), problem)),
                    }
                }
                Ok(())
            }
            Ok(_) => Ok(()),
        }
    }

    /// An admin token file; `None` when it is not one.
    fn admin_file(&mut self) -> Step<Option<AdminTokenFile<'t>>> {
        let Some(top) = self.top("an admin token file (an object with `token` and `name`)")? else {
            return Ok(None);
        };
        let start = self.text.len() - self.text.trim_start().len();
        let at = start..start + 1;
        let members = Self::members(&top, false);
        let who = Who { n: 0, name: None };
        let token = self.value(who, at.clone(), members.token)?;
        let name = self.name(who, at.clone(), members.name)?;
        let expiry = self.expiry(who, at, members.expiry)?;
        Ok(match (token, name) {
            (Some((token, _)), Some(name)) => Some(AdminTokenFile::read(TokenRecord::read(
                token,
                name.text,
                expiry,
                members.extra,
            ))),
            _ => None,
        })
    }
}

/// The tokens read so far, and their names and values, each found through a
/// fingerprint (keyed `SipHash`) that points at the first token that has it: the maps
/// hold only numbers, and grow without hashing a string again. A hit is confirmed by
/// comparing the strings; two strings with one fingerprint (about one chance in 2^64)
/// fall back to a scan, so the answer is always exact.
struct Seen<'t> {
    /// The keys of the fingerprints, new for each file.
    keys: RandomState,
    names: HashMap<u64, usize, BuildHasherDefault<Fingerprint>>,
    /// The first token of each name skeleton (UTS #39), for a lint.
    skeletons: HashMap<String, usize>,
    values: HashMap<u64, usize, BuildHasherDefault<Fingerprint>>,
    /// Where each token is, by its number (from 1) less one.
    places: Vec<Place>,
    entries: Vec<TokenEntry<'t>>,
    /// The names and values of the tokens that are no entry (a lint goes on past
    /// them).
    broken: Vec<NameAndValue<'t>>,
}

/// A token's name and value, as far as it has them.
type NameAndValue<'t> = (Option<Cow<'t, str>>, Option<Cow<'t, str>>);

/// Where a token read is.
#[derive(Clone, Copy)]
enum Place {
    Entry(usize),
    Broken(usize),
}

/// One of a token's strings (its name or its value) from the pair [`Seen::strings`]
/// gives.
type PickString = for<'s> fn((Option<&'s str>, Option<&'s str>)) -> Option<&'s str>;

impl<'t> Seen<'t> {
    fn new() -> Seen<'t> {
        Seen {
            keys: RandomState::new(),
            names: HashMap::default(),
            skeletons: HashMap::new(),
            values: HashMap::default(),
            places: Vec::new(),
            entries: Vec::new(),
            broken: Vec::new(),
        }
    }

    fn add_entry(&mut self, entry: TokenEntry<'t>) {
        self.places.push(Place::Entry(self.entries.len()));
        self.entries.push(entry);
    }

    fn add_broken(&mut self, name: Option<Cow<'t, str>>, value: Option<Cow<'t, str>>) {
        self.places.push(Place::Broken(self.broken.len()));
        self.broken.push((name, value));
    }

    /// The name and value of token `n`.
    fn strings(&self, n: usize) -> (Option<&str>, Option<&str>) {
        match self.places.get(n.wrapping_sub(1)) {
            Some(Place::Entry(i)) => {
                let entry = &self.entries[*i];
                (Some(entry.name()), Some(entry.token().expose_secret()))
            }
            Some(Place::Broken(i)) => {
                let (name, value) = &self.broken[*i];
                (name.as_deref(), value.as_deref())
            }
            None => (None, None),
        }
    }

    /// The first token before token `n` named `name`; none: token `n` is the first.
    fn first_named(&mut self, n: usize, name: &str) -> Option<usize> {
        let first = *self.names.entry(self.keys.hash_one(name)).or_insert(n);
        if first == n {
            None
        } else {
            self.same_string(first, n, name, |(name, _)| name)
        }
    }

    /// `first`, a token whose string (`of` it: its name or its value) hashes as `text`
    /// does, when that string is `text`; else (two strings whose hashes collide) the
    /// first token before `n` whose string is `text`.
    fn same_string(&self, first: usize, n: usize, text: &str, of: PickString) -> Option<usize> {
        if of(self.strings(first)) == Some(text) {
            Some(first)
        } else {
            (1..n).find(|&m| of(self.strings(m)) == Some(text))
        }
    }

    /// The first token before token `n` whose name looks like `name` without being it
    /// (one skeleton, another text).
    fn first_alike(&mut self, n: usize, name: &str) -> Option<usize> {
        let first = *self.skeletons.entry(names::skeleton(name)).or_insert(n);
        (first != n && self.strings(first).0 != Some(name)).then_some(first)
    }

    /// The first token before token `n` with the value `value`, as messages name it:
    /// by its number and name; none: token `n` is the first.
    fn first_valued(&mut self, n: usize, value: &str) -> Option<String> {
        let first = *self.values.entry(self.keys.hash_one(value)).or_insert(n);
        if first == n {
            return None;
        }
        let first = self.same_string(first, n, value, |(_, value)| value)?;
        Some(match self.strings(first).0 {
            Some(name) => format!("{first} (`{}`)", escape(name)),
            None => first.to_string(),
        })
    }
}

/// A hasher for keys that are fingerprints already: the key is the hash.
#[derive(Default)]
struct Fingerprint(u64);

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The byte offset of the database name `db` in `permission`, a valid `db:NAMES:ACTIONS`.
fn name_at(permission: &str, db: &str) -> usize {
    let names = permission.get(3..).unwrap_or_default();
    let names = &names[..names.find(':').unwrap_or(names.len())];
    let mut at = 3;
    for name in names.split(',') {
        if name == db {
            return at;
        }
        at += name.len() + 1;
    }
    3
}

/// The databases a file creates, as far as the walk knows them.
enum Creates<'d> {
    /// `create_databases` was read before the tokens (or the walk is strict, and
    /// does not look).
    Known(HashSet<&'d DatabaseName>),
    /// A lint of a file whose `create_databases` may come after its tokens: the
    /// `unknown-database` problems, with their databases, checked at the end.
    Later(Vec<(DatabaseName, Problem)>),
}

/// The stop of a strict walk, carried through `serde_json` as an error.
fn stop<E: de::Error>(Stop: Stop) -> E {
    E::custom("stopped")
}

/// The file's object.
struct FileVisitor<'l, 't>(&'l mut Loader<'t>);

impl<'t> Visitor<'t> for FileVisitor<'_, 't> {
    type Value = Option<TokenFile<'t>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a permission tokens file: a JSON object with a `tokens` list")
    }

    fn visit_map<A: MapAccess<'t>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.file_members(map)
    }
}

/// The `tokens` list, each token checked as it is read.
struct TokenList<'l, 't, 'd> {
    loader: &'l mut Loader<'t>,
    /// Where the list starts, when its key says so.
    at: Option<usize>,
    creates: Creates<'d>,
}

impl<'t> TokenList<'_, 't, '_> {
    fn not_a_list<E: de::Error>(&mut self, kind: &str) -> Result<Option<Vec<TokenEntry<'t>>>, E> {
        let at = match self.at {
            Some(at) => at..at + 1,
            None => self.loader.start(),
        };
        self.loader
            .report(Problem::new(
                Code::WrongShape,
                at,
                format!("`tokens` is {kind}, not a list"),
            ))
            .map_err(stop)?;
        Ok(None)
    }
}

impl<'t> DeserializeSeed<'t> for &mut TokenList<'_, 't, '_> {
    type Value = Option<Vec<TokenEntry<'t>>>;

    fn deserialize<D: Deserializer<'t>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for &mut TokenList<'_, 't, '_> {
    type Value = Option<Vec<TokenEntry<'t>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`tokens` to be a list of token objects")
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut seen = Seen::new();
        let mut whole = true;
        for n in 1.. {
            let item = TokenItem {
                list: &mut *self,
                n,
                seen: &mut seen,
            };
            match seq.next_element_seed(item)? {
                None => break,
                Some(entry) => whole &= entry,
            }
        }
        Ok(whole.then_some(seen.entries))
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_a_list("an object")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        self.not_a_list("a boolean")
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        self.not_a_list("a number")
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        self.not_a_list("a number")
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        self.not_a_list("a number")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        self.not_a_list("a string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.not_a_list("null")
    }
}

/// The `n`th token of the list.
struct TokenItem<'a, 'l, 't, 'd> {
    list: &'a mut TokenList<'l, 't, 'd>,
    n: usize,
    seen: &'a mut Seen<'t>,
}

impl TokenItem<'_, '_, '_, '_> {
    fn not_an_object<E: de::Error>(self, kind: &str) -> Result<bool, E> {
        let loader = &mut *self.list.loader;
        let at = loader.element_at(self.list.at, self.n);
        loader
            .report(Problem::new(
                Code::WrongShape,
                at,
                format!("token {} is {kind}, not an object", self.n),
            ))
            .map_err(stop)?;
        self.seen.add_broken(None, None);
        Ok(false)
    }
}

impl<'t> DeserializeSeed<'t> for TokenItem<'_, '_, 't, '_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'t>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for TokenItem<'_, '_, 't, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a token object with `token`, `name` and `permissions`")
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let list = &mut *self.list;
        let loader = &mut *list.loader;
        let mut members = std::mem::take(&mut loader.members);
        members.clear();
        while let Some(Key(key)) = map.next_key::<Key<'t>>()? {
            members.push((key, map.next_value::<&'t RawValue>()?));
        }
        let object = RawObject(members);
        // The object starts before its first key, with only whitespace between.
        let at = match object.0.first().and_then(|(key, _)| loader.key_at(key)) {
            Some(quote) => {
                let at = loader.text[..quote].rfind('{').unwrap_or(quote);
                at..at + 1
            }
            None => loader.element_at(list.at, self.n),
        };
        let entry = loader.token(self.n, at, &object, self.seen, &mut list.creates);
        loader.members = object.0;
        entry.map_err(stop)
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object("a list")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        self.not_an_object("a boolean")
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        self.not_an_object("a number")
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        self.not_an_object("a number")
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        self.not_an_object("a number")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        self.not_an_object("a string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.not_an_object("null")
    }
}

/// The raw items of a JSON list, appended to a list.
struct Items<'v, 't>(&'v mut Vec<&'t RawValue>);

impl<'t> DeserializeSeed<'t> for Items<'_, 't> {
    type Value = ();

    fn deserialize<D: Deserializer<'t>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'t> Visitor<'t> for Items<'_, 't> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<&'t RawValue>()? {
            self.0.push(item);
        }
        Ok(())
    }
}
