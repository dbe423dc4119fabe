//! What a permission is about: database names, system resources, and the scope of
//! names (`*` or a list).

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;
use std::ops::Deref;
use std::str::FromStr;

use crate::error::{ErrorKind, ParsePermissionError};
#[cfg(feature = "serde")]
use crate::error::{ParsingVisitor, Shown};
use crate::hints;

/// The longest database name, in bytes.
const MAX_DATABASE_NAME_BYTES: usize = 511;

/// A database name as the grammar accepts it: 1 to 511 bytes of Unicode letters and
/// digits, `/`, `_` and `-` (so never `:`, `,`, `*` or whitespace). Matched exactly,
/// case-sensitive.
///
/// ```
/// use influxdb3_permission::DatabaseName;
///
/// let name = DatabaseName::new("eu-west/cpu_2024")?;
/// assert_eq!(&*name, "eu-west/cpu_2024");
/// let err = DatabaseName::new("my db").unwrap_err();
/// assert_eq!((err.input(), err.span()), ("my db", 2..3));
/// # Ok::<(), influxdb3_permission::ParsePermissionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DatabaseName(String);

impl DatabaseName {
    /// Checks `name`.
    ///
    /// # Errors
    ///
    /// A [`ParsePermissionError`] whose input is `name` and whose span is the offending
    /// character (or the whole name when it is empty or too long).
    pub fn new(name: &str) -> Result<DatabaseName, ParsePermissionError> {
        let whole = |kind| ParsePermissionError::new(name, 0..name.len(), kind, None);
        if name.is_empty() {
            return Err(whole(ErrorKind::EmptyResourceName));
        }
        if let Some((at, found)) = name
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '/' | '_' | '-')))
        {
            return Err(ParsePermissionError::new(
                name,
                at..at + found.len_utf8(),
                ErrorKind::InvalidNameCharacter { found },
                name_character_hint(found),
            ));
        }
        if name.len() > MAX_DATABASE_NAME_BYTES {
            return Err(whole(ErrorKind::NameTooLong { bytes: name.len() }));
        }
        Ok(DatabaseName(name.to_owned()))
    }

    /// Why a server's HTTP API would refuse to create a database of this name, though
    /// a permission may name it (upstream's `validate_db_name`): not ASCII, not
    /// starting with a letter or a digit, more than one `/`, or ending in `/`. `None`
    /// when it can be created.
    ///
    /// ```
    /// use influxdb3_permission::DatabaseName;
    ///
    /// assert_eq!(DatabaseName::new("metrics")?.uncreatable(), None);
    /// assert_eq!(DatabaseName::new("db/rp")?.uncreatable(), None);
    /// assert!(DatabaseName::new("_internal")?.uncreatable().is_some());
    /// assert!(DatabaseName::new("données")?.uncreatable().is_some());
    /// # Ok::<(), influxdb3_permission::ParsePermissionError>(())
    /// ```
    pub fn uncreatable(&self) -> Option<&'static str> {
        let name = self.0.as_str();
        if !name.is_ascii() {
            Some("it holds characters that are not ASCII")
        } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            Some("it does not start with a letter or a digit")
        } else if name.matches('/').count() > 1 {
            Some("it holds more than one `/`")
        } else if name.ends_with('/') {
            Some("it ends with `/`")
        } else {
            None
        }
    }
}

/// Hint for a character a database name cannot hold.
fn name_character_hint(found: char) -> Option<String> {
    match found {
        '.' => Some(hints::SHELL_GLOB.to_owned()),
        '*' => Some("`*` stands alone and means every database; names cannot hold it".to_owned()),
        _ => None,
    }
}

impl Deref for DatabaseName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for DatabaseName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for DatabaseName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DatabaseName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for DatabaseName {
    type Err = ParsePermissionError;

    fn from_str(s: &str) -> Result<DatabaseName, ParsePermissionError> {
        DatabaseName::new(s)
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for DatabaseName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> serde::Deserialize<'de> for DatabaseName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParsingVisitor::new("a database name", |text: &str| {
            DatabaseName::new(text)
                .map_err(|e| format!("invalid database name `{}`: {}", Shown(text), e.kind()))
        }))
    }
}

/// A system endpoint that `system` permissions cover. `Display` writes the lowercase
/// name; `FromStr` matches case-insensitively, as the server does.
///
/// Upstream adds system endpoints over time: a `match` on it needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SystemResource {
    /// `health`: `GET /health`.
    Health,
    /// `metrics`: `GET /metrics`.
    Metrics,
    /// `ping`: `GET /ping`.
    Ping,
    /// `ready`: `GET /ready`.
    Ready,
}

impl SystemResource {
    pub(crate) const ALL: [SystemResource; 4] = [
        SystemResource::Health,
        SystemResource::Metrics,
        SystemResource::Ping,
        SystemResource::Ready,
    ];

    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            SystemResource::Health => "health",
            SystemResource::Metrics => "metrics",
            SystemResource::Ping => "ping",
            SystemResource::Ready => "ready",
        }
    }
}

/// Hint for an unknown system name.
fn system_resource_hint(found: &str) -> Option<String> {
    if found.contains('.') {
        return Some(hints::SHELL_GLOB.to_owned());
    }
    hints::did_you_mean(found, SystemResource::ALL.map(SystemResource::as_str))
}

impl fmt::Display for SystemResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SystemResource {
    type Err = ParsePermissionError;

    fn from_str(s: &str) -> Result<SystemResource, ParsePermissionError> {
        if s.is_empty() {
            return Err(ParsePermissionError::new(
                s,
                0..0,
                ErrorKind::EmptyResourceName,
                None,
            ));
        }
        SystemResource::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                ParsePermissionError::new(
                    s,
                    0..s.len(),
                    ErrorKind::UnknownSystemResource {
                        found: s.to_owned(),
                    },
                    system_resource_hint(s),
                )
            })
    }
}

/// A non-empty list of distinct names in the order they were first given. It derefs to
/// a slice.
///
/// ```
/// use influxdb3_permission::{DatabaseName, Names};
///
/// let names = Names::new(["b", "a", "b"].map(DatabaseName::new).into_iter().collect::<Result<Vec<_>, _>>()?).unwrap();
/// assert_eq!(names.len(), 2);
/// assert_eq!(&*names[0], "b");
/// assert!(Names::<DatabaseName>::new([]).is_none());
/// # Ok::<(), influxdb3_permission::ParsePermissionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Names<T>(Vec<T>);

impl<T: Eq + Hash + Clone> Names<T> {
    /// The distinct `names` in first-seen order, or `None` when there are none.
    pub fn new(names: impl IntoIterator<Item = T>) -> Option<Names<T>> {
        let mut list: Vec<T> = names.into_iter().collect();
        if list.len() > 8 {
            let mut seen = HashSet::with_capacity(list.len());
            list.retain(|n| seen.insert(n.clone()));
        } else {
            let mut kept = Vec::with_capacity(list.len());
            for n in list {
                if !kept.contains(&n) {
                    kept.push(n);
                }
            }
            list = kept;
        }
        (!list.is_empty()).then_some(Names(list))
    }
}

impl<T> Deref for Names<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a Names<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// What a permission covers of one type of resource: every one (`*`, including those
/// created later), or only these.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope<T> {
    /// `*`: every resource of the type, including those created later.
    All,
    /// These resources, matched exactly.
    Only(Names<T>),
}

impl<T: fmt::Display> fmt::Display for Scope<T> {
    /// `*`, or the names joined by `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("*"),
            Scope::Only(names) => {
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    fmt::Display::fmt(name, f)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_ordered_also_when_many() {
        let many: Vec<DatabaseName> = (0..100)
            .map(|i| DatabaseName::new(&format!("n{}", i % 40)).unwrap())
            .collect();
        let names = Names::new(many).unwrap();
        assert_eq!(names.len(), 40);
        assert_eq!(&*names[39], "n39");
    }

    #[test]
    fn system_names_fold_case() {
        assert_eq!(
            "HEALTH".parse::<SystemResource>().unwrap(),
            SystemResource::Health
        );
        assert!("healthz".parse::<SystemResource>().is_err());
    }
}
