//! The `Permission` value and its canonical string. It never calls the parser: the
//! parser (`crate::parser`) reads the string form, `crate::wire` the wire form.

use std::fmt;

use crate::action::Actions;
#[cfg(feature = "arbitrary")]
use crate::name::Names;
use crate::name::{DatabaseName, Scope, SystemResource};

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
/// [`FromStr`]: std::str::FromStr
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

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for Permission {
    /// As the canonical string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
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
