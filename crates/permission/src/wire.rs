//! The wire form of a permission, as the server's token endpoints carry it:
//! `{"resource_type":"db","resource_names":["db1"],"actions":["read"]}`. Written from a
//! [`Permission`]; read through the parser's checks, with its error.

use std::fmt;
use std::ops::Range;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::error::ParsePermissionError;
use crate::name::Scope;
use crate::parser;
use crate::permission::Permission;

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
    /// checked by the parser's own checks, in the same order as the string form: the
    /// type, the names, the actions. Each field's items are taken as they are, so a name
    /// that holds a `,` is one invalid name, not two.
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
    /// The deserializer's error: for a wire object that does not check, a custom error
    /// with the message of the [`ParsePermissionError`] that the permission string the
    /// fields spell gives, in the one-line form that `Deserialize` for [`Permission`]
    /// uses too: ``invalid permission `db:a,b:read` at bytes 4..5: invalid character
    /// `,` in database name: …``.
    pub fn deserialize_wire<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Permission, D::Error> {
        let wire = OwnedWire::deserialize(deserializer)?;
        wire.check()
            .map_err(|e| serde::de::Error::custom(format!("{e:#}")))
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
    /// The permission the fields spell, checked by [`parser::check_parts`] on the
    /// permission string they spell (`TYPE:NAME,NAME:ACTION`), each item where it lies
    /// in that string: errors point into it.
    fn check(&self) -> Result<Permission, ParsePermissionError> {
        let mut text = String::with_capacity(
            self.resource_type.len()
                + [&self.resource_names, &self.actions]
                    .iter()
                    .flat_map(|l| l.iter().map(|i| i.len() + 1))
                    .sum::<usize>()
                + 2,
        );
        text.push_str(&self.resource_type);
        text.push(':');
        let names = append(&mut text, &self.resource_names);
        text.push(':');
        let actions = append(&mut text, &self.actions);
        let list = |(whole, items): &(Range<usize>, Vec<Range<usize>>)| {
            (
                &text[whole.clone()],
                items.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(),
            )
        };
        parser::check_parts(
            &text,
            &text[..self.resource_type.len()],
            list(&names),
            list(&actions),
        )
    }
}

/// Appends `items` joined by `,` to `text`: the range of the whole, and of each item
/// (one empty item when there are none, as in `db::read`).
fn append(text: &mut String, items: &[String]) -> (Range<usize>, Vec<Range<usize>>) {
    let start = text.len();
    let mut ranges = Vec::with_capacity(items.len().max(1));
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        ranges.push(text.len()..text.len() + item.len());
        text.push_str(item);
    }
    if ranges.is_empty() {
        ranges.push(start..start);
    }
    (start..text.len(), ranges)
}
