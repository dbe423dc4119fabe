//! Resource types, resource names and the resources a request asks for.

use std::fmt;

use crate::Actions;
use crate::action::Action;

/// The longest database name, in bytes.
pub const MAX_DATABASE_NAME_BYTES: usize = 511;

/// The kind of resource a permission is about: the first part of `db:db1:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceType {
    /// `db`: databases.
    Database,
    /// `system`: the system endpoints (`/health`, `/metrics`, `/ping`, `/ready`).
    System,
    /// `*`: every resource; only in the admin permission `*:*:*`.
    Wildcard,
}

impl ResourceType {
    /// The type as written in a permission string: `db`, `system` or `*`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResourceType::Database => "db",
            ResourceType::System => "system",
            ResourceType::Wildcard => "*",
        }
    }

    /// The type written `name` (exact, lowercase), if there is one.
    pub fn from_name(name: &str) -> Option<ResourceType> {
        Some(match name {
            "db" => ResourceType::Database,
            "system" => ResourceType::System,
            "*" => ResourceType::Wildcard,
            _ => return None,
        })
    }

    /// The actions a permission of this type may grant (all of them for `*`).
    pub const fn valid_actions(self) -> Actions {
        match self {
            ResourceType::Database | ResourceType::Wildcard => Actions::ALL,
            ResourceType::System => Actions::EMPTY.with(Action::Read),
        }
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A system endpoint that `system` permissions cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// Every system resource.
    pub const ALL: [SystemResource; 4] = [
        SystemResource::Health,
        SystemResource::Metrics,
        SystemResource::Ping,
        SystemResource::Ready,
    ];

    /// The canonical (lowercase) name.
    pub const fn as_str(self) -> &'static str {
        match self {
            SystemResource::Health => "health",
            SystemResource::Metrics => "metrics",
            SystemResource::Ping => "ping",
            SystemResource::Ready => "ready",
        }
    }

    /// The resource named `name`, matched case-insensitively as the server does.
    pub fn from_name(name: &str) -> Option<SystemResource> {
        SystemResource::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name))
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for SystemResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The names part of a permission: `*` or a list of names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceNames {
    /// `*`: every resource of the type, including those created later.
    All,
    /// These resources, matched exactly.
    Names(NameList),
}

impl ResourceNames {
    /// The names, or `None` for `*`.
    pub fn as_list(&self) -> Option<&NameList> {
        match self {
            ResourceNames::All => None,
            ResourceNames::Names(names) => Some(names),
        }
    }
}

impl fmt::Display for ResourceNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceNames::All => f.write_str("*"),
            ResourceNames::Names(names) => f.write_str(names.as_str()),
        }
    }
}

/// A non-empty list of distinct, valid resource names in the order they were first
/// given (system names lowercase).
///
/// It is stored as one string, the names joined by `,` (which no name can hold), so a
/// list costs one allocation however many names it has. Lists are made by the parser
/// and by [`Permission::new`](crate::Permission::new), which validate every name.
///
/// ```
/// use influxdb3_permission::Permission;
///
/// # fn main() -> Result<(), influxdb3_permission::ParsePermissionError> {
/// let p: Permission = "db:b,a,b:read".parse()?;
/// let names = p.resource_names().as_list().unwrap();
/// assert_eq!(names.len(), 2);
/// assert_eq!(names.iter().collect::<Vec<_>>(), ["b", "a"]);
/// assert!(names.contains("a"));
/// assert_eq!(names.as_str(), "b,a");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NameList {
    joined: String,
    len: usize,
}

impl NameList {
    /// An empty list with room for `bytes` bytes of names and separators.
    pub(crate) fn with_capacity(bytes: usize) -> NameList {
        NameList {
            joined: String::with_capacity(bytes),
            len: 0,
        }
    }

    /// Adds a name the caller has validated and found new.
    pub(crate) fn push_new(&mut self, name: &str) {
        if self.len > 0 {
            self.joined.push(',');
        }
        self.joined.push_str(name);
        self.len += 1;
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always `false` for a list inside a [`Permission`](crate::Permission).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The names in order.
    pub fn iter(&self) -> Names<'_> {
        Names {
            rest: (self.len > 0).then_some(self.joined.as_str()),
        }
    }

    /// Whether `name` is in the list (exact match).
    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }

    /// The first name.
    pub fn first(&self) -> Option<&str> {
        self.iter().next()
    }

    /// The names joined by `,`, as in the permission string.
    pub fn as_str(&self) -> &str {
        &self.joined
    }
}

impl fmt::Debug for NameList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a NameList {
    type Item = &'a str;
    type IntoIter = Names<'a>;

    fn into_iter(self) -> Names<'a> {
        self.iter()
    }
}

/// The names of a [`NameList`], in order.
#[derive(Debug, Clone)]
pub struct Names<'a> {
    rest: Option<&'a str>,
}

impl<'a> Names<'a> {
    /// No names.
    pub(crate) fn empty() -> Names<'a> {
        Names { rest: None }
    }
}

impl<'a> Iterator for Names<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        if let Some((name, tail)) = rest.split_once(',') {
            self.rest = Some(tail);
            Some(name)
        } else {
            self.rest = None;
            Some(rest)
        }
    }
}

/// A resource that a request wants to act on, for [`PermissionSet::allows`].
///
/// [`PermissionSet::allows`]: crate::PermissionSet::allows
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource<'a> {
    /// The database of this name (case-sensitive).
    Database(&'a str),
    /// A system endpoint.
    System(SystemResource),
}

impl fmt::Display for Resource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resource::Database(name) => write!(f, "db:{name}"),
            Resource::System(resource) => write!(f, "system:{resource}"),
        }
    }
}

/// Checks a database name as the grammar does: 1 to 511 bytes of Unicode letters and
/// digits, `/`, `_` and `-`.
///
/// # Errors
///
/// A [`ParsePermissionError`](crate::ParsePermissionError) whose input is `name` and
/// whose span points at the offending part.
///
/// ```
/// use influxdb3_permission::check_database_name;
///
/// assert!(check_database_name("eu-west/cpu_2024").is_ok());
/// let err = check_database_name("my db").unwrap_err();
/// assert_eq!(err.span(), 2..3);
/// ```
pub fn check_database_name(name: &str) -> Result<(), crate::ParsePermissionError> {
    crate::parser::database_name(name).map_err(|p| p.into_error(name))
}

/// Whether `c` may appear in a database name: Unicode alphanumeric, `/`, `_` or `-`.
pub fn is_database_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '/' | '_' | '-')
}
