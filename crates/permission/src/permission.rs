//! The `Permission` value, its string form and its wire form.

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};

use crate::error::{ParsePermissionError, Shown};
use crate::{Action, Actions, DatabaseName, Names, Scope, SystemResource};

/// One permission, shaped as the grammar `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS` is:
/// the admin permission `*:*:*`, actions on databases, or read access to system
/// endpoints. Every value is valid; there is nothing to check after construction.
///
/// [`FromStr`] accepts what an InfluxDB 3 Enterprise server accepts; [`Display`]
/// writes the canonical form (names in first-seen order without duplicates, actions in
/// the order `create,describe,read,write,delete`, system names lowercase), which parses
/// back to the same value. Serde uses the string form.
///
/// ```
/// use influxdb3_permission::{Action, Actions, DatabaseName, Names, Permission, Scope};
///
/// let p: Permission = "db:db1,db2,db1:write,read".parse()?;
/// assert_eq!(p.to_string(), "db:db1,db2:read,write");
///
/// // The same permission, built in code.
/// let names = Names::new([DatabaseName::new("db1")?, DatabaseName::new("db2")?]).unwrap();
/// let actions = Actions::new([Action::Read, Action::Write]).unwrap();
/// assert_eq!(p, Permission::Database { names: Scope::Only(names), actions });
/// # Ok::<(), influxdb3_permission::ParsePermissionError>(())
/// ```
///
/// [`Display`]: fmt::Display
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Permission {
    /// `*:*:*`: every action on every resource. Only admin tokens have it.
    Admin,
    /// `db:NAMES:ACTIONS`.
    Database {
        /// The databases: `*`, or these names.
        names: Scope<DatabaseName>,
        /// What may be done to them.
        actions: Actions,
    },
    /// `system:NAMES:read`: `read` is the only action on system endpoints.
    System(Scope<SystemResource>),
}

impl Permission {
    /// The wire form the server's token endpoints carry, for serializing:
    /// `{"resource_type":"db","resource_names":["db1"],"actions":["read"]}`, with `*`
    /// written `["*"]` (and the admin permission's actions `["*"]`). It borrows the
    /// permission; nothing is copied.
    ///
    /// ```
    /// use influxdb3_permission::Permission;
    ///
    /// let p: Permission = "db:db1,db2:read,write".parse()?;
    /// assert_eq!(
    ///     serde_json::to_string(&p.wire())?,
    ///     r#"{"resource_type":"db","resource_names":["db1","db2"],"actions":["read","write"]}"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wire(&self) -> impl Serialize + '_ {
        Wire(self)
    }

    /// Reads a permission in its wire form (with `#[serde(deserialize_with = …)]`, say),
    /// checking each field as the string form is checked: a name that holds a `,` is one
    /// invalid name, not two.
    ///
    /// ```
    /// use influxdb3_permission::Permission;
    ///
    /// let json = r#"{"resource_type":"system","resource_names":["health"],"actions":["read"]}"#;
    /// let p = Permission::deserialize_wire(&mut serde_json::Deserializer::from_str(json))?;
    /// assert_eq!(p.to_string(), "system:health:read");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The deserializer's error, with the field and value that do not check.
    pub fn deserialize_wire<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Permission, D::Error> {
        let wire = OwnedWire::deserialize(deserializer)?;
        wire.check().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Pieces written one by one (no format string): a file of 100,000 tokens
        // writes as many.
        match self {
            Permission::Admin => f.write_str("*:*:*"),
            Permission::Database { names, actions } => {
                f.write_str("db:")?;
                fmt::Display::fmt(names, f)?;
                f.write_str(":")?;
                fmt::Display::fmt(actions, f)
            }
            Permission::System(names) => {
                f.write_str("system:")?;
                fmt::Display::fmt(names, f)?;
                f.write_str(":read")
            }
        }
    }
}

impl FromStr for Permission {
    type Err = ParsePermissionError;

    /// Parses `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`.
    fn from_str(s: &str) -> Result<Permission, ParsePermissionError> {
        crate::parser::parse(s)
    }
}

impl Serialize for Permission {
    /// As the canonical string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Permission {
    /// From the grammar string; the error names the value, the byte span and what is
    /// wrong.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(crate::error::ParsingVisitor::new(
            "a permission string such as `db:db1:read,write`",
            |text: &str| {
                text.parse::<Permission>().map_err(|e| {
                    let hint = e
                        .hint()
                        .map(|h| format!(" (hint: {h})"))
                        .unwrap_or_default();
                    format!(
                        "invalid permission `{}` at bytes {}..{}: {}{hint}",
                        Shown(text),
                        e.span().start,
                        e.span().end,
                        e.kind(),
                    )
                })
            },
        ))
    }
}

/// The borrowing wire serializer of [`Permission::wire`].
struct Wire<'a>(&'a Permission);

impl Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// `["*"]`, or the names.
        struct List<'a, T>(&'a Scope<T>);
        impl<T: fmt::Display> Serialize for List<'_, T> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    Scope::All => s.collect_seq(["*"]),
                    Scope::Only(names) => s.collect_seq(names.iter().map(Collected)),
                }
            }
        }
        /// A `Display` value as a JSON string.
        struct Collected<T>(T);
        impl<T: fmt::Display> Serialize for Collected<T> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }
        let mut wire = serializer.serialize_struct("Permission", 3)?;
        match self.0 {
            Permission::Admin => {
                wire.serialize_field("resource_type", "*")?;
                wire.serialize_field("resource_names", &["*"])?;
                wire.serialize_field("actions", &["*"])?;
            }
            Permission::Database { names, actions } => {
                wire.serialize_field("resource_type", "db")?;
                wire.serialize_field("resource_names", &List(names))?;
                let actions: Vec<Collected<Action>> = actions.iter().map(Collected).collect();
                wire.serialize_field("actions", &actions)?;
            }
            Permission::System(names) => {
                wire.serialize_field("resource_type", "system")?;
                wire.serialize_field("resource_names", &List(names))?;
                wire.serialize_field("actions", &["read"])?;
            }
        }
        wire.end()
    }
}

/// The wire form as it arrives, before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnedWire {
    resource_type: String,
    resource_names: Vec<String>,
    actions: Vec<String>,
}

impl OwnedWire {
    fn check(&self) -> Result<Permission, String> {
        let only_star = |list: &[String]| list.len() == 1 && list[0] == "*";
        match self.resource_type.as_str() {
            "*" if only_star(&self.resource_names) && only_star(&self.actions) => {
                Ok(Permission::Admin)
            }
            "*" => Err("the `*` resource type can only be set for an admin token".to_owned()),
            "db" => Ok(Permission::Database {
                names: self.scope(DatabaseName::new)?,
                actions: self.actions(false)?,
            }),
            "system" => {
                self.actions(true)?;
                Ok(Permission::System(
                    self.scope(str::parse::<SystemResource>)?,
                ))
            }
            other => Err(format!("unknown resource type `{}`", Shown(other))),
        }
    }

    /// `["*"]`, or names that `name` checks one by one.
    fn scope<T: Eq + std::hash::Hash + Clone>(
        &self,
        name: impl Fn(&str) -> Result<T, ParsePermissionError>,
    ) -> Result<Scope<T>, String> {
        let names = &self.resource_names;
        if names.len() == 1 && names[0] == "*" {
            return Ok(Scope::All);
        }
        if names.iter().any(|n| n == "*") {
            return Err("mixed wildcard (*) and resource name".to_owned());
        }
        let checked = names
            .iter()
            .map(|n| name(n).map_err(|e| invalid("resource name", &e)))
            .collect::<Result<Vec<T>, String>>()?;
        Names::new(checked)
            .map(Scope::Only)
            .ok_or_else(|| "no resource names".to_owned())
    }

    fn actions(&self, system: bool) -> Result<Actions, String> {
        let checked = self
            .actions
            .iter()
            .map(|a| Action::for_type(a, system).map_err(|e| invalid("action", &e)))
            .collect::<Result<Vec<Action>, String>>()?;
        Actions::new(checked).ok_or_else(|| "no actions".to_owned())
    }
}

/// `invalid FIELD `VALUE`: WHAT`.
fn invalid(field: &str, e: &ParsePermissionError) -> String {
    format!("invalid {field} `{}`: {}", Shown(e.input()), e.kind())
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Permission {
    /// Valid permissions only: names are built from letters, digits and `/ _ -`.
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        const CHARS: &[char] = &[
            'a', 'b', 'z', 'A', 'Z', '0', '9', '/', '_', '-', 'é', 'ß', 'Ж', '数', '٣',
        ];
        Ok(match u.int_in_range(0u8..=9)? {
            0 => Permission::Admin,
            1..=3 => {
                if u.ratio(1u8, 3)? {
                    Permission::System(Scope::All)
                } else {
                    let n = u.int_in_range(1..=4)?;
                    let mut picks = Vec::with_capacity(n);
                    for _ in 0..n {
                        picks.push(*u.choose(&SystemResource::ALL)?);
                    }
                    Permission::System(Scope::Only(
                        Names::new(picks).ok_or(arbitrary::Error::IncorrectFormat)?,
                    ))
                }
            }
            _ => {
                let actions = Actions::from_bits(u.int_in_range(1u8..=31)?)
                    .ok_or(arbitrary::Error::IncorrectFormat)?;
                let names = if u.ratio(1u8, 4)? {
                    Scope::All
                } else {
                    let count = u.int_in_range(1usize..=6)?;
                    let mut names = Vec::with_capacity(count);
                    for _ in 0..count {
                        let len = u.int_in_range(1usize..=12)?;
                        let mut name = String::new();
                        for _ in 0..len {
                            name.push(*u.choose(CHARS)?);
                        }
                        names.push(
                            DatabaseName::new(&name)
                                .map_err(|_| arbitrary::Error::IncorrectFormat)?,
                        );
                    }
                    Scope::Only(Names::new(names).ok_or(arbitrary::Error::IncorrectFormat)?)
                };
                Permission::Database { names, actions }
            }
        })
    }
}
