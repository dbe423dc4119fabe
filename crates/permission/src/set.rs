//! What a token may do: its permissions indexed for checks, and the grants of a
//! permission token.

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::{Action, Actions, DatabaseName, Names, Permission, Scope, SystemResource};

/// A resource that a request wants to act on, for [`PermissionSet::allows`].
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

/// The permissions of one token, indexed for authorization checks.
///
/// A request for an action on a resource is allowed when a permission grants it on that
/// exact resource, on every resource of the type (`db:*`, `system:*`), or on everything
/// (`*:*:*`). [`allows`](Self::allows) answers with at most one hash look-up, whatever
/// the number of permissions; [`granting`](Self::granting) names the permission that
/// decided. Two sets are equal when they grant the same, however they were written.
///
/// ```
/// use influxdb3_permission::{Action, Permission, PermissionSet, Resource, SystemResource};
///
/// let token: PermissionSet = ["db:sensors:write", "db:*:read", "system:health:read"]
///     .iter()
///     .map(|p| p.parse::<Permission>())
///     .collect::<Result<_, _>>()?;
/// assert!(token.allows(Resource::Database("sensors"), Action::Write));
/// assert!(token.allows(Resource::Database("created_later"), Action::Read));
/// assert!(!token.allows(Resource::Database("logs"), Action::Write));
/// assert!(token.allows(Resource::System(SystemResource::Health), Action::Read));
/// assert_eq!(
///     token.granting(Resource::Database("logs"), Action::Read).map(ToString::to_string),
///     Some("db:*:read".to_owned())
/// );
/// assert!(token.covers(&"db:a,b:read".parse()?));
/// # Ok::<(), influxdb3_permission::ParsePermissionError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PermissionSet {
    /// The permissions as given, in order, for [`granting`](Self::granting).
    permissions: Vec<Permission>,
    admin: bool,
    all_databases: u8,
    all_system: bool,
    /// What each named database is granted, and by which permissions.
    databases: HashMap<DatabaseName, (u8, Vec<usize>)>,
    /// Which system endpoints are granted `read`.
    system: [bool; 4],
}

impl PermissionSet {
    /// Adds the grants of `permission`.
    fn insert(&mut self, permission: Permission) {
        let at = self.permissions.len();
        match &permission {
            Permission::Admin => self.admin = true,
            Permission::Database {
                names: Scope::All,
                actions,
            } => self.all_databases |= actions.bits(),
            Permission::Database {
                names: Scope::Only(names),
                actions,
            } => {
                for name in names {
                    let entry = self.databases.entry(name.clone()).or_default();
                    entry.0 |= actions.bits();
                    entry.1.push(at);
                }
            }
            Permission::System(Scope::All) => self.all_system = true,
            Permission::System(Scope::Only(names)) => {
                for r in names {
                    self.system[*r as usize] = true;
                }
            }
        }
        self.permissions.push(permission);
    }

    /// The actions granted on `resource`, as bits.
    fn granted(&self, resource: Resource<'_>) -> u8 {
        if self.admin {
            return Actions::ALL.bits();
        }
        match resource {
            Resource::Database(name) => {
                self.databases.get(name).map_or(0, |(bits, _)| *bits) | self.all_databases
            }
            Resource::System(r) => {
                if self.all_system || self.system[r as usize] {
                    Actions::from(Action::Read).bits()
                } else {
                    0
                }
            }
        }
    }

    /// Whether `action` is granted on `resource`.
    pub fn allows(&self, resource: Resource<'_>, action: Action) -> bool {
        self.granted(resource) & Actions::from(action).bits() != 0
    }

    /// The first permission, in the order given, that grants `action` on `resource`:
    /// why [`allows`](Self::allows) said yes. `None` when it is not granted.
    pub fn granting(&self, resource: Resource<'_>, action: Action) -> Option<&Permission> {
        if !self.allows(resource, action) {
            return None;
        }
        self.permissions
            .iter()
            .find(|p| grants(p, resource, action))
    }

    /// Whether the set grants everything `permission` grants.
    pub fn covers(&self, permission: &Permission) -> bool {
        if self.admin {
            return true;
        }
        match permission {
            Permission::Admin => false,
            Permission::Database {
                names: Scope::All,
                actions,
            } => self.all_databases & actions.bits() == actions.bits(),
            Permission::Database {
                names: Scope::Only(names),
                actions,
            } => names
                .iter()
                .all(|n| self.granted(Resource::Database(n)) & actions.bits() == actions.bits()),
            Permission::System(Scope::All) => self.all_system,
            Permission::System(Scope::Only(names)) => names
                .iter()
                .all(|r| self.allows(Resource::System(*r), Action::Read)),
        }
    }

    /// What this set grants that `other` does not, as canonical permissions: `*:*:*`
    /// alone when only this set is admin; otherwise actions on `db:*`, then named
    /// databases grouped by the actions they gain (a database counts only the actions
    /// that `db:*` does not already report), then system endpoints. Empty when `other`
    /// grants at least as much. `new.beyond(&old)` is what a change widened,
    /// `old.beyond(&new)` what it narrowed.
    ///
    /// ```
    /// use influxdb3_permission::{Permission, PermissionSet};
    ///
    /// let set = |list: &[&str]| -> PermissionSet {
    ///     list.iter().map(|p| p.parse::<Permission>().unwrap()).collect()
    /// };
    /// let old = set(&["db:a,b:read"]);
    /// let new = set(&["db:a:read", "db:b:read,write", "db:c:write"]);
    /// let widened: Vec<String> = new.beyond(&old).iter().map(ToString::to_string).collect();
    /// assert_eq!(widened, ["db:b,c:write"]);
    /// assert!(old.beyond(&new).is_empty());
    /// assert!(set(&["db:a:read", "db:b:read"]).beyond(&set(&["db:a,b:read"])).is_empty());
    /// ```
    pub fn beyond(&self, other: &PermissionSet) -> Vec<Permission> {
        if other.admin {
            return Vec::new();
        }
        if self.admin {
            return vec![Permission::Admin];
        }
        let mut out = Vec::new();
        let all_gain = self.all_databases & !other.all_databases;
        if let Some(actions) = Actions::from_bits(all_gain) {
            out.push(Permission::Database {
                names: Scope::All,
                actions,
            });
        }
        // Named databases, grouped by what they gain, in the order the set names them.
        let mut groups: Vec<(u8, Vec<DatabaseName>)> = Vec::new();
        for name in self.named_databases() {
            let gain = self.granted(Resource::Database(name))
                & !other.granted(Resource::Database(name))
                & !all_gain;
            if gain == 0 {
                continue;
            }
            match groups.iter_mut().find(|(bits, _)| *bits == gain) {
                Some((_, names)) => names.push(name.clone()),
                None => groups.push((gain, vec![name.clone()])),
            }
        }
        for (bits, names) in groups {
            if let (Some(actions), Some(names)) = (Actions::from_bits(bits), Names::new(names)) {
                out.push(Permission::Database {
                    names: Scope::Only(names),
                    actions,
                });
            }
        }
        if self.all_system && !other.all_system {
            out.push(Permission::System(Scope::All));
        } else if !self.all_system {
            let gained = SystemResource::ALL.into_iter().filter(|r| {
                self.allows(Resource::System(*r), Action::Read)
                    && !other.allows(Resource::System(*r), Action::Read)
            });
            if let Some(names) = Names::new(gained) {
                out.push(Permission::System(Scope::Only(names)));
            }
        }
        out
    }

    /// The databases the permissions name, in the order they first appear.
    fn named_databases(&self) -> impl Iterator<Item = &DatabaseName> {
        let mut seen = std::collections::HashSet::new();
        self.permissions
            .iter()
            .filter_map(|p| match p {
                Permission::Database {
                    names: Scope::Only(names),
                    ..
                } => Some(names.iter()),
                _ => None,
            })
            .flatten()
            .filter(move |n| seen.insert(*n))
    }
}

/// Whether `permission` alone grants `action` on `resource`.
fn grants(permission: &Permission, resource: Resource<'_>, action: Action) -> bool {
    match (permission, resource) {
        (Permission::Admin, _) => true,
        (Permission::Database { names, actions }, Resource::Database(name)) => {
            actions.contains(action)
                && match names {
                    Scope::All => true,
                    Scope::Only(names) => names.iter().any(|n| &**n == name),
                }
        }
        (Permission::System(names), Resource::System(r)) => {
            action == Action::Read
                && match names {
                    Scope::All => true,
                    Scope::Only(names) => names.contains(&r),
                }
        }
        _ => false,
    }
}

impl PartialEq for PermissionSet {
    /// Equal when both grant the same actions on the same resources.
    fn eq(&self, other: &PermissionSet) -> bool {
        if self.admin || other.admin {
            return self.admin == other.admin;
        }
        let system = |s: &PermissionSet| {
            SystemResource::ALL.map(|r| s.allows(Resource::System(r), Action::Read))
        };
        self.all_databases == other.all_databases
            && self.all_system == other.all_system
            && system(self) == system(other)
            && self
                .databases
                .keys()
                .chain(other.databases.keys())
                .all(|n| {
                    self.granted(Resource::Database(n)) == other.granted(Resource::Database(n))
                })
    }
}

impl Eq for PermissionSet {}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = PermissionSet::default();
        set.extend(iter);
        set
    }
}

impl<'a> FromIterator<&'a Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = &'a Permission>>(iter: I) -> Self {
        iter.into_iter().cloned().collect()
    }
}

impl Extend<Permission> for PermissionSet {
    fn extend<I: IntoIterator<Item = Permission>>(&mut self, iter: I) {
        for p in iter {
            self.insert(p);
        }
    }
}

/// The grants of a permission token: at least one permission, none of them the admin
/// permission `*:*:*`. What the token client and the tokens-file crate take, checked
/// once. It derefs to the permissions in the order given. A clone is cheap: clones
/// share one list, so a batch of tokens with the same grants holds them once.
///
/// ```
/// use influxdb3_permission::{Grants, GrantsError, Permission};
///
/// let grants = Grants::try_from(vec!["db:sensors:write".parse::<Permission>()?])?;
/// assert_eq!(grants.len(), 1);
/// assert_eq!(Grants::try_from(vec![]).unwrap_err(), GrantsError::Empty);
/// assert_eq!(Grants::try_from(vec![Permission::Admin]).unwrap_err(), GrantsError::Admin);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grants(Arc<[Permission]>);

/// Why a list of permissions cannot be a permission token's grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum GrantsError {
    /// No permission at all.
    #[error("a permission token needs at least one permission")]
    Empty,
    /// `*:*:*`, which only admin tokens have.
    #[error("`*:*:*` is the admin permission: a permission token cannot have it")]
    Admin,
}

impl TryFrom<Vec<Permission>> for Grants {
    type Error = GrantsError;

    fn try_from(permissions: Vec<Permission>) -> Result<Grants, GrantsError> {
        if permissions.is_empty() {
            return Err(GrantsError::Empty);
        }
        if permissions.contains(&Permission::Admin) {
            return Err(GrantsError::Admin);
        }
        Ok(Grants(permissions.into()))
    }
}

impl Deref for Grants {
    type Target = [Permission];

    fn deref(&self) -> &[Permission] {
        &self.0
    }
}

impl Grants {
    /// The databases its `db:` permissions name, in order (a name given twice comes
    /// twice; `db:*` names none): what a tokens file must create for the server to
    /// load it.
    ///
    /// ```
    /// use influxdb3_permission::{Grants, Permission};
    ///
    /// let grants = Grants::try_from(vec![
    ///     "db:a,b:read".parse::<Permission>()?,
    ///     "db:*:write".parse()?,
    ///     "system:health:read".parse()?,
    /// ])?;
    /// let named: Vec<String> = grants.databases().map(ToString::to_string).collect();
    /// assert_eq!(named, ["a", "b"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn databases(&self) -> impl Iterator<Item = &DatabaseName> {
        self.0.iter().flat_map(|p| match p {
            Permission::Database {
                names: Scope::Only(names),
                ..
            } => &names[..],
            _ => &[],
        })
    }
}

impl<'a> IntoIterator for &'a Grants {
    type Item = &'a Permission;
    type IntoIter = std::slice::Iter<'a, Permission>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Grants> for Vec<Permission> {
    fn from(grants: Grants) -> Vec<Permission> {
        grants.0.to_vec()
    }
}

impl From<&Grants> for PermissionSet {
    fn from(grants: &Grants) -> PermissionSet {
        grants.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &[&str]) -> PermissionSet {
        list.iter()
            .map(|p| p.parse::<Permission>().unwrap())
            .collect()
    }

    #[test]
    fn admin_allows_everything() {
        let admin = set(&["*:*:*"]);
        assert!(admin.allows(Resource::Database("x"), Action::Delete));
        assert!(!PermissionSet::default().allows(Resource::Database("x"), Action::Read));
        assert!(admin.covers(&Permission::Admin));
    }

    #[test]
    fn grants_add_up_and_names_are_case_sensitive() {
        let s = set(&["db:a:read", "db:a:write", "db:*:delete"]);
        for action in [Action::Read, Action::Write, Action::Delete] {
            assert!(s.allows(Resource::Database("a"), action));
        }
        assert!(!s.allows(Resource::Database("A"), Action::Read));
        assert_eq!(
            s.granting(Resource::Database("a"), Action::Delete),
            Some(&"db:*:delete".parse().unwrap())
        );
        assert_eq!(
            s.granting(Resource::Database("a"), Action::Write),
            Some(&"db:a:write".parse().unwrap())
        );
    }

    #[test]
    fn equality_is_on_what_is_granted() {
        assert_eq!(set(&["db:a,b:read"]), set(&["db:b:read", "db:a:read"]));
        assert_eq!(set(&["db:*:read", "db:a:read"]), set(&["db:*:read"]));
        assert_ne!(set(&["db:a:read"]), set(&["db:a:write"]));
        assert_eq!(
            set(&["system:health,ping:read"]),
            set(&["system:ping:read", "system:HEALTH:read"])
        );
        assert_eq!(set(&["*:*:*", "db:a:read"]), set(&["*:*:*"]));
    }

    #[test]
    fn beyond_reports_by_database_and_action() {
        assert_eq!(
            set(&["db:*:read", "db:a:read,write"])
                .beyond(&set(&["db:a:read"]))
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["db:*:read", "db:a:write"]
        );
        assert_eq!(
            set(&["system:*:read"]).beyond(&set(&["system:ping:read"])),
            [Permission::System(Scope::All)]
        );
        assert_eq!(
            set(&["*:*:*"]).beyond(&set(&["db:a:read"])),
            [Permission::Admin]
        );
        assert!(set(&["db:a:read"]).beyond(&set(&["*:*:*"])).is_empty());
    }
}
