//! Actions, and non-empty sets of them.

use std::fmt;
use std::ops::BitOr;
use std::str::FromStr;

use crate::error::{ErrorKind, ParsePermissionError};
use crate::hints;

/// One action a permission can grant.
///
/// The order of the variants is the canonical order of actions in a permission string:
/// `create,describe,read,write,delete`. `Display` and `FromStr` use the lowercase name.
///
/// Upstream adds actions over time: a `match` on it needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Action {
    /// `create`: create a database (`db` only).
    Create,
    /// `describe`: list or describe a database (`db` only).
    Describe,
    /// `read`: query a database or read a system endpoint.
    Read,
    /// `write`: write to a database (`db` only).
    Write,
    /// `delete`: delete a database (`db` only).
    Delete,
}

/// Every action, in the order the docs list them.
pub(crate) const ALL: [Action; 5] = [
    Action::Create,
    Action::Describe,
    Action::Read,
    Action::Write,
    Action::Delete,
];

impl Action {
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Describe => "describe",
            Action::Read => "read",
            Action::Write => "write",
            Action::Delete => "delete",
        }
    }

    /// The action of this exact (lowercase) name.
    pub(crate) fn named(name: &str) -> Option<Action> {
        ALL.into_iter().find(|a| a.as_str() == name)
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The action a token names in a permission of the given type: `system` grants only
    /// `read`.
    pub(crate) fn for_type(token: &str, system: bool) -> Result<Action, ParsePermissionError> {
        let resource_type = if system { "system" } else { "db" };
        let whole = |kind, hint| ParsePermissionError::new(token, 0..token.len(), kind, hint);
        if token == "*" {
            return Err(whole(ErrorKind::WildcardAction { resource_type }, None));
        }
        match Action::named(token) {
            Some(action) if !system || action == Action::Read => Ok(action),
            _ => Err(whole(
                ErrorKind::UnknownAction {
                    found: token.to_owned(),
                    resource_type,
                },
                hint(token, system),
            )),
        }
    }
}

/// Hint for an action the type does not have.
fn hint(found: &str, system: bool) -> Option<String> {
    let lower = found.to_lowercase();
    if let Some(action) = Action::named(&lower) {
        return Some(if !system || action == Action::Read {
            format!("actions are lowercase: `{action}`")
        } else {
            "`system` permissions only grant `read`".to_owned()
        });
    }
    if matches!(found, "db" | "system" | "*") {
        return Some("to grant several permissions, give each one separately".to_owned());
    }
    if system {
        hints::did_you_mean(found, [Action::Read.as_str()])
    } else {
        hints::did_you_mean(found, ALL.map(Action::as_str))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = ParsePermissionError;

    /// The action named `s`, exactly (lowercase).
    fn from_str(s: &str) -> Result<Action, ParsePermissionError> {
        Action::named(s).ok_or_else(|| {
            ParsePermissionError::new(
                s,
                0..s.len(),
                ErrorKind::UnknownAction {
                    found: s.to_owned(),
                    resource_type: "db",
                },
                hint(s, false),
            )
        })
    }
}

/// A non-empty set of [`Action`]s, iterated and displayed in canonical order.
///
/// ```
/// use influxdb3_permission::{Action, Actions};
///
/// let rw = Actions::new([Action::Write, Action::Read]).unwrap();
/// assert_eq!(rw.to_string(), "read,write");
/// assert!(rw.contains(Action::Read) && !rw.contains(Action::Delete));
/// assert_eq!((rw | Action::Delete).to_string(), "read,write,delete");
/// assert!(Actions::new([]).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Actions(u8);

impl Actions {
    /// The set of `actions`, or `None` when there are none.
    pub fn new(actions: impl IntoIterator<Item = Action>) -> Option<Actions> {
        let bits = actions.into_iter().fold(0, |bits, a| bits | a.bit());
        (bits != 0).then_some(Actions(bits))
    }

    /// Whether `action` is in the set.
    pub const fn contains(self, action: Action) -> bool {
        self.0 & action.bit() != 0
    }

    /// The actions in canonical order.
    pub fn iter(self) -> impl Iterator<Item = Action> {
        ALL.into_iter().filter(move |a| self.contains(*a))
    }

    /// Every action.
    pub(crate) const ALL: Actions = Actions(0b1_1111);

    pub(crate) const fn bits(self) -> u8 {
        self.0
    }

    /// The set of bits, if any is set.
    pub(crate) const fn from_bits(bits: u8) -> Option<Actions> {
        let bits = bits & Actions::ALL.0;
        if bits == 0 { None } else { Some(Actions(bits)) }
    }
}

impl From<Action> for Actions {
    fn from(action: Action) -> Actions {
        Actions(action.bit())
    }
}

impl BitOr for Actions {
    type Output = Actions;

    fn bitor(self, other: Actions) -> Actions {
        Actions(self.0 | other.0)
    }
}

impl BitOr<Action> for Actions {
    type Output = Actions;

    fn bitor(self, other: Action) -> Actions {
        Actions(self.0 | other.bit())
    }
}

impl fmt::Display for Actions {
    /// The actions joined by `,` in canonical order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, action) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(action.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Actions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_order_and_set_operations() {
        let set = Actions::new([Action::Delete, Action::Create, Action::Read]).unwrap();
        assert_eq!(set.to_string(), "create,read,delete");
        assert_eq!(
            Actions::ALL.to_string(),
            "create,describe,read,write,delete"
        );
        assert_eq!(Actions::from_bits(0xff), Some(Actions::ALL));
        assert_eq!(Actions::from_bits(0xe0), None);
        assert_eq!(format!("{:?}", Actions::from(Action::Read)), "{Read}");
    }

    #[test]
    fn names_round_trip() {
        for action in ALL {
            assert_eq!(action.to_string().parse::<Action>().unwrap(), action);
        }
        assert!("READ".parse::<Action>().is_err());
        assert!(Action::for_type("write", true).is_err());
        assert_eq!(Action::for_type("read", true).unwrap(), Action::Read);
    }
}
