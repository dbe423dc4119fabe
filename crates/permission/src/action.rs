//! Actions and sets of actions.

use std::fmt;

/// One action a permission can grant.
///
/// The order of the variants is the canonical order of actions in a permission string:
/// `create,describe,read,write,delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

impl Action {
    /// Every action, in canonical order.
    pub const ALL: [Action; 5] = [
        Action::Create,
        Action::Describe,
        Action::Read,
        Action::Write,
        Action::Delete,
    ];

    /// The action's name as written in a permission string.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Describe => "describe",
            Action::Read => "read",
            Action::Write => "write",
            Action::Delete => "delete",
        }
    }

    /// The action named `name` (exact, lowercase), if there is one.
    pub fn from_name(name: &str) -> Option<Action> {
        Some(match name {
            "create" => Action::Create,
            "describe" => Action::Describe,
            "read" => Action::Read,
            "write" => Action::Write,
            "delete" => Action::Delete,
            _ => return None,
        })
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`Action`]s, iterated and displayed in canonical order.
///
/// ```
/// use influxdb3_permission::{Action, Actions};
///
/// let rw = Actions::from([Action::Write, Action::Read]);
/// assert_eq!(rw.to_string(), "read,write");
/// assert!(rw.contains(Action::Read));
/// assert!(rw.contains_all(Actions::from(Action::Write)));
/// assert!(!rw.contains(Action::Delete));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Actions(u8);

impl Actions {
    /// No action.
    pub const EMPTY: Actions = Actions(0);
    /// Every action.
    pub const ALL: Actions = Actions(0b1_1111);

    /// Whether the set holds no action.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many actions the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether `action` is in the set.
    pub const fn contains(self, action: Action) -> bool {
        self.0 & action.bit() != 0
    }

    /// Whether every action of `other` is in the set.
    pub const fn contains_all(self, other: Actions) -> bool {
        self.0 & other.0 == other.0
    }

    /// The set with `action` added.
    #[must_use]
    pub const fn with(self, action: Action) -> Actions {
        Actions(self.0 | action.bit())
    }

    /// The actions in either set.
    #[must_use]
    pub const fn union(self, other: Actions) -> Actions {
        Actions(self.0 | other.0)
    }

    /// The actions of `self` that are not in `other`.
    #[must_use]
    pub const fn difference(self, other: Actions) -> Actions {
        Actions(self.0 & !other.0)
    }

    /// The actions in canonical order.
    pub fn iter(self) -> impl Iterator<Item = Action> {
        Action::ALL.into_iter().filter(move |a| self.contains(*a))
    }

    /// The set as a bit mask (bit `n` is the `n`th action of [`Action::ALL`]).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The set of a bit mask; bits above the fifth are ignored.
    pub const fn from_bits(bits: u8) -> Actions {
        Actions(bits & Actions::ALL.0)
    }

    pub(crate) fn insert(&mut self, action: Action) {
        self.0 |= action.bit();
    }
}

impl From<Action> for Actions {
    fn from(action: Action) -> Self {
        Actions(action.bit())
    }
}

impl<const N: usize> From<[Action; N]> for Actions {
    fn from(actions: [Action; N]) -> Self {
        actions.into_iter().collect()
    }
}

impl FromIterator<Action> for Actions {
    fn from_iter<I: IntoIterator<Item = Action>>(iter: I) -> Self {
        let mut set = Actions::EMPTY;
        for action in iter {
            set.insert(action);
        }
        set
    }
}

impl fmt::Display for Actions {
    /// The actions joined by `,` in canonical order (empty for the empty set).
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
        let set: Actions = [Action::Delete, Action::Create, Action::Read].into();
        assert_eq!(set.to_string(), "create,read,delete");
        assert_eq!(set.len(), 3);
        assert_eq!(
            set.difference(Action::Read.into()).to_string(),
            "create,delete"
        );
        assert_eq!(
            Actions::ALL.to_string(),
            "create,describe,read,write,delete"
        );
        assert_eq!(Actions::from_bits(0xff), Actions::ALL);
        assert!(Actions::EMPTY.is_empty());
        assert_eq!(format!("{:?}", Actions::from(Action::Read)), "{Read}");
    }

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.as_str()), Some(action));
        }
        assert_eq!(Action::from_name("READ"), None);
        assert_eq!(Action::from_name("*"), None);
    }
}
