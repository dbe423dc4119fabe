//! The `Permission` value, its string form and its wire form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, ParsePermissionError};
use crate::parser;
use std::collections::HashSet;

use crate::resource::{NameList, Names};
use crate::{Action, Actions, ResourceNames, ResourceType, SystemResource};

/// One permission: a resource type, the names it covers and the actions it grants.
///
/// Its string form is `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`. [`FromStr`] accepts what an
/// InfluxDB 3 Enterprise server accepts; [`Display`](fmt::Display) writes the canonical
/// form (names in first-seen order without duplicates, actions in the order
/// `create,describe,read,write,delete`, system names lowercase), which parses back to
/// the same value.
///
/// ```
/// use influxdb3_permission::{Action, Permission, ResourceType};
///
/// # fn main() -> Result<(), influxdb3_permission::ParsePermissionError> {
/// let p: Permission = "db:db1,db2,db1:write,read".parse()?;
/// assert_eq!(p.resource_type(), ResourceType::Database);
/// assert!(p.actions().contains(Action::Write));
/// assert_eq!(p.to_string(), "db:db1,db2:read,write");
/// # Ok(())
/// # }
/// ```
///
/// The values are always valid: the constructors check what the parser checks. The
/// admin permission `*:*:*` parses to [`Permission::admin`]; callers that mint
/// permission tokens refuse it with [`is_admin`](Permission::is_admin).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Permission {
    resource_type: ResourceType,
    names: ResourceNames,
    actions: Actions,
}

impl Permission {
    /// The admin permission `*:*:*`: every action on every resource.
    pub fn admin() -> Permission {
        Permission {
            resource_type: ResourceType::Wildcard,
            names: ResourceNames::All,
            actions: Actions::ALL,
        }
    }

    /// A permission from its three parts, checked as the parser checks them: `names`
    /// is `["*"]` for every resource of the type, or names (duplicates folded, system
    /// names lowercased). This is the shape of the HTTP wire object.
    ///
    /// # Errors
    ///
    /// When the parts do not make a valid permission (see [`ErrorKind`]): an empty list,
    /// `*` mixed with names, an invalid name, no action, an action the type does not
    /// have. The type `*` is valid only as `*:*:*` with every action. The error's input
    /// is the offending name, or the names joined by `,`.
    ///
    /// ```
    /// use influxdb3_permission::{Action, Actions, Permission, ResourceType};
    ///
    /// # fn main() -> Result<(), influxdb3_permission::ParsePermissionError> {
    /// let rw = Actions::from([Action::Read, Action::Write]);
    /// let p = Permission::new(ResourceType::Database, ["sensors", "logs"], rw)?;
    /// assert_eq!(p.to_string(), "db:sensors,logs:read,write");
    /// let all = Permission::new(ResourceType::Database, ["*"], rw)?;
    /// assert_eq!(all.to_string(), "db:*:read,write");
    /// let err = Permission::new(ResourceType::Database, ["ok", "not ok"], rw).unwrap_err();
    /// assert_eq!((err.input(), err.span()), ("not ok", 3..4));
    /// # Ok(())
    /// # }
    /// ```
    pub fn new<I, S>(
        resource_type: ResourceType,
        names: I,
        actions: Actions,
    ) -> Result<Permission, ParsePermissionError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        /// Past this many names, duplicates are found with a hash set.
        const LINEAR_DEDUP: usize = 32;
        let names: Vec<S> = names.into_iter().collect();
        let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
        let joined = || names.join(",");
        if resource_type == ResourceType::Wildcard {
            if names == ["*"] && actions == Actions::ALL {
                return Ok(Permission::admin());
            }
            let input = joined();
            return Err(ParsePermissionError::new(
                &input,
                0..input.len(),
                ErrorKind::WildcardTypeNotAdmin,
                None,
            ));
        }
        if names.is_empty() {
            return Err(empty_list());
        }
        if let Some(star) = names.iter().position(|n| *n == "*") {
            if let Some(other) = names.iter().position(|n| *n != "*") {
                let input = joined();
                let at: usize = names[..star.max(other)].iter().map(|n| n.len() + 1).sum();
                let len = names[star.max(other)].len();
                return Err(ParsePermissionError::new(
                    &input,
                    at..at + len,
                    ErrorKind::MixedWildcard,
                    None,
                ));
            }
            Permission::check_actions(resource_type, actions)?;
            return Ok(Permission::from_parts(
                resource_type,
                ResourceNames::All,
                actions,
            ));
        }
        let mut list = NameList::with_capacity(names.iter().map(|n| n.len() + 1).sum());
        let mut seen: HashSet<&str> = HashSet::new();
        for name in &names {
            let name: &str = if resource_type == ResourceType::System {
                parser::system_name(name)
                    .map_err(|p| p.into_error(name))?
                    .as_str()
            } else {
                parser::database_name(name).map_err(|p| p.into_error(name))?;
                name
            };
            let new = if names.len() > LINEAR_DEDUP {
                seen.insert(name)
            } else {
                !list.contains(name)
            };
            if new {
                list.push_new(name);
            }
        }
        Permission::check_actions(resource_type, actions)?;
        Ok(Permission::from_parts(
            resource_type,
            ResourceNames::Names(list),
            actions,
        ))
    }

    /// A `db` permission on the databases `names`: [`Permission::new`] with the type
    /// `db`.
    ///
    /// # Errors
    ///
    /// As [`Permission::new`].
    pub fn databases<I, S>(names: I, actions: Actions) -> Result<Permission, ParsePermissionError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Permission::new(ResourceType::Database, names, actions)
    }

    /// A `db:*` permission: `actions` on every database, including those created later.
    ///
    /// # Errors
    ///
    /// When `actions` is empty.
    pub fn all_databases(actions: Actions) -> Result<Permission, ParsePermissionError> {
        Permission::new(ResourceType::Database, ["*"], actions)
    }

    /// A `system` permission (`read`) on these system endpoints.
    ///
    /// # Errors
    ///
    /// When `resources` is empty.
    pub fn system<I>(resources: I) -> Result<Permission, ParsePermissionError>
    where
        I: IntoIterator<Item = SystemResource>,
    {
        let mut list: Vec<SystemResource> = Vec::new();
        for r in resources {
            if !list.contains(&r) {
                list.push(r);
            }
        }
        if list.is_empty() {
            return Err(empty_list());
        }
        Ok(Permission::from_parts(
            ResourceType::System,
            ResourceNames::Names(parser::system_list(&list)),
            Action::Read.into(),
        ))
    }

    /// `system:*:read`: every system endpoint.
    pub fn all_system() -> Permission {
        Permission::from_parts(
            ResourceType::System,
            ResourceNames::All,
            Action::Read.into(),
        )
    }

    /// Checks the actions are not empty and fit the type.
    fn check_actions(
        resource_type: ResourceType,
        actions: Actions,
    ) -> Result<(), ParsePermissionError> {
        if actions.is_empty() {
            return Err(ParsePermissionError::new(
                "",
                0..0,
                ErrorKind::EmptyAction { resource_type },
                None,
            ));
        }
        let extra = actions.difference(resource_type.valid_actions());
        if let Some(action) = extra.iter().next() {
            // The parser's check refuses it too, with the same message and hint.
            let name = action.as_str();
            parser::action(name, resource_type).map_err(|p| p.into_error(name))?;
        }
        Ok(())
    }

    /// Assembles already checked parts.
    pub(crate) fn from_parts(
        resource_type: ResourceType,
        names: ResourceNames,
        actions: Actions,
    ) -> Permission {
        Permission {
            resource_type,
            names,
            actions,
        }
    }

    /// The resource type.
    pub fn resource_type(&self) -> ResourceType {
        self.resource_type
    }

    /// The names: `*` or a list.
    pub fn resource_names(&self) -> &ResourceNames {
        &self.names
    }

    /// The actions granted (every action for the admin permission).
    pub fn actions(&self) -> Actions {
        self.actions
    }

    /// Whether this is the admin permission `*:*:*`.
    pub fn is_admin(&self) -> bool {
        self.resource_type == ResourceType::Wildcard
    }

    /// The databases this permission names (none for `db:*`, `system` and admin).
    pub fn database_names(&self) -> Names<'_> {
        match (&self.resource_type, &self.names) {
            (ResourceType::Database, ResourceNames::Names(names)) => names.iter(),
            _ => Names::empty(),
        }
    }

    /// The wire form sent to and received from the server's token endpoints.
    pub fn to_wire(&self) -> WirePermission {
        let resource_names = match &self.names {
            ResourceNames::All => vec!["*".to_owned()],
            ResourceNames::Names(names) => names.iter().map(str::to_owned).collect(),
        };
        let actions = if self.is_admin() {
            vec!["*".to_owned()]
        } else {
            self.actions.iter().map(|a| a.as_str().to_owned()).collect()
        };
        WirePermission {
            resource_type: self.resource_type.as_str().to_owned(),
            resource_names,
            actions,
        }
    }

    /// The permission of a wire object, checked as a string would be.
    ///
    /// # Errors
    ///
    /// When a field does not validate; the error's input is that one value.
    pub fn from_wire(wire: &WirePermission) -> Result<Permission, ParsePermissionError> {
        let ty = &wire.resource_type;
        let resource_type = parser::resource_type(ty).map_err(|p| p.into_error(ty))?;
        if resource_type == ResourceType::Wildcard {
            // Only the admin permission: `["*"]` names and `["*"]` actions.
            let actions = if wire.actions == ["*"] {
                Actions::ALL
            } else {
                Actions::EMPTY
            };
            return Permission::new(resource_type, &wire.resource_names, actions);
        }
        let mut actions = Actions::EMPTY;
        for action in &wire.actions {
            actions
                .insert(parser::action(action, resource_type).map_err(|p| p.into_error(action))?);
        }
        Permission::new(resource_type, &wire.resource_names, actions)
    }
}

/// The error for a permission with no names.
fn empty_list() -> ParsePermissionError {
    ParsePermissionError::new("", 0..0, ErrorKind::EmptyResourceName, None)
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_admin() {
            return f.write_str("*:*:*");
        }
        write!(f, "{}:{}:{}", self.resource_type, self.names, self.actions)
    }
}

impl FromStr for Permission {
    type Err = ParsePermissionError;

    /// Parses `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`.
    fn from_str(s: &str) -> Result<Permission, ParsePermissionError> {
        parser::parse(s)
    }
}

impl TryFrom<&str> for Permission {
    type Error = ParsePermissionError;

    fn try_from(s: &str) -> Result<Permission, ParsePermissionError> {
        parser::parse(s)
    }
}

impl Serialize for Permission {
    /// As the canonical string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Permission {
    /// From the grammar string.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Permission;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a permission string such as `db:db1:read,write`")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Permission, E> {
                s.parse::<Permission>().map_err(|e| {
                    let hint = e
                        .hint()
                        .map(|h| format!(" (hint: {h})"))
                        .unwrap_or_default();
                    E::custom(format_args!(
                        "invalid permission `{}` at bytes {}..{}: {}{hint}",
                        crate::error::Shown(s),
                        e.span().start,
                        e.span().end,
                        e.kind(),
                    ))
                })
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A permission as the HTTP API carries it:
/// `{"resource_type":"db","resource_names":["db1"],"actions":["read"]}`.
///
/// `*` is written `["*"]` in `resource_names` (and in `actions` for the admin
/// permission only).
///
/// ```
/// use influxdb3_permission::Permission;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let p: Permission = "db:db1,db2:read,write".parse()?;
/// let json = serde_json::to_string(&p.to_wire())?;
/// assert_eq!(
///     json,
///     r#"{"resource_type":"db","resource_names":["db1","db2"],"actions":["read","write"]}"#
/// );
/// assert_eq!(Permission::from_wire(&serde_json::from_str(&json)?)?, p);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WirePermission {
    /// `db`, `system` or `*`.
    pub resource_type: String,
    /// The names, or `["*"]`.
    pub resource_names: Vec<String>,
    /// The action names.
    pub actions: Vec<String>,
}

impl From<&Permission> for WirePermission {
    fn from(p: &Permission) -> Self {
        p.to_wire()
    }
}

impl TryFrom<&WirePermission> for Permission {
    type Error = ParsePermissionError;

    fn try_from(wire: &WirePermission) -> Result<Self, Self::Error> {
        Permission::from_wire(wire)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Permission {
    /// Valid permissions only: names are built from letters, digits and `/ _ -`.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        const CHARS: &[char] = &[
            'a', 'b', 'z', 'A', 'Z', '0', '9', '/', '_', '-', 'é', 'ß', 'Ж', '数', '٣',
        ];
        match u.int_in_range(0u8..=9)? {
            0 => Ok(Permission::admin()),
            1..=3 => Ok(Permission::all_system()),
            4 => {
                let n = u.int_in_range(1..=4)?;
                let mut picks = Vec::with_capacity(n);
                for _ in 0..n {
                    picks.push(*u.choose(&SystemResource::ALL)?);
                }
                Permission::system(picks).map_err(|_| arbitrary::Error::IncorrectFormat)
            }
            _ => {
                let actions = Actions::from_bits(u.int_in_range(1u8..=31)?);
                if u.ratio(1u8, 4)? {
                    return Permission::all_databases(actions)
                        .map_err(|_| arbitrary::Error::IncorrectFormat);
                }
                let count = u.int_in_range(1usize..=6)?;
                let mut names = Vec::with_capacity(count);
                for _ in 0..count {
                    let len = u.int_in_range(1usize..=12)?;
                    let mut name = String::new();
                    for _ in 0..len {
                        name.push(*u.choose(CHARS)?);
                    }
                    names.push(name);
                }
                Permission::databases(names, actions).map_err(|_| arbitrary::Error::IncorrectFormat)
            }
        }
    }
}
