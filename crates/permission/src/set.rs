//! The permissions of one token, and the question "may it do this?".

use std::collections::HashMap;

use crate::parser::system_list;
use crate::resource::NameList;
use crate::{Action, Actions, Permission, Resource, ResourceNames, ResourceType, SystemResource};

/// The permissions of one token, indexed for authorization checks.
///
/// A request for some actions on a resource is allowed when the union of the token's
/// grants for that exact resource, for `TYPE:*` and for `*:*:*` holds every requested
/// action. [`allows`](Self::allows) answers with two hash look-ups at most, whatever the
/// number of permissions.
///
/// ```
/// use influxdb3_permission::{Action, PermissionSet, Resource, SystemResource};
///
/// # fn main() -> Result<(), influxdb3_permission::ParsePermissionError> {
/// let token = PermissionSet::parse(["db:sensors:write", "db:*:read", "system:health:read"])?;
/// assert!(token.allows(Resource::Database("sensors"), [Action::Read, Action::Write]));
/// assert!(token.allows(Resource::Database("created_later"), Action::Read));
/// assert!(!token.allows(Resource::Database("logs"), Action::Write));
/// assert!(token.allows(Resource::System(SystemResource::Health), Action::Read));
/// assert!(!token.allows(Resource::System(SystemResource::Metrics), Action::Read));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet {
    admin: bool,
    all_databases: Actions,
    all_system: Actions,
    /// Database grants in first-seen order, and where each name sits.
    databases: Vec<(String, Actions)>,
    index: HashMap<String, usize>,
    /// System grants by [`SystemResource::index`].
    system: [Actions; 4],
}

impl PermissionSet {
    /// An empty set: it allows nothing.
    pub fn new() -> PermissionSet {
        PermissionSet::default()
    }

    /// A set of permissions parsed from strings.
    ///
    /// # Errors
    ///
    /// The first string that does not parse.
    pub fn parse<I, S>(permissions: I) -> Result<PermissionSet, crate::ParsePermissionError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = PermissionSet::new();
        for p in permissions {
            set.insert(&p.as_ref().parse()?);
        }
        Ok(set)
    }

    /// Adds the grants of `permission`.
    pub fn insert(&mut self, permission: &Permission) {
        let actions = permission.actions();
        match (permission.resource_type(), permission.resource_names()) {
            (ResourceType::Wildcard, _) => self.admin = true,
            (ResourceType::Database, ResourceNames::All) => {
                self.all_databases = self.all_databases.union(actions);
            }
            (ResourceType::System, ResourceNames::All) => {
                self.all_system = self.all_system.union(actions);
            }
            (ResourceType::Database, ResourceNames::Names(names)) => {
                for name in names {
                    if let Some(&i) = self.index.get(name) {
                        self.databases[i].1 = self.databases[i].1.union(actions);
                    } else {
                        self.index.insert(name.to_owned(), self.databases.len());
                        self.databases.push((name.to_owned(), actions));
                    }
                }
            }
            (ResourceType::System, ResourceNames::Names(names)) => {
                for resource in names.iter().filter_map(SystemResource::from_name) {
                    let slot = &mut self.system[resource.index()];
                    *slot = slot.union(actions);
                }
            }
        }
    }

    /// Whether the set holds the admin permission `*:*:*`.
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// Every action granted on `resource`.
    pub fn granted(&self, resource: Resource<'_>) -> Actions {
        if self.admin {
            return Actions::ALL;
        }
        match resource {
            Resource::Database(name) => {
                let exact = self
                    .index
                    .get(name)
                    .map_or(Actions::EMPTY, |&i| self.databases[i].1);
                exact.union(self.all_databases)
            }
            Resource::System(r) => self.system[r.index()].union(self.all_system),
        }
    }

    /// Whether every action of `actions` is granted on `resource`.
    ///
    /// A request for no action at all is refused: it is a caller's mistake, and
    /// allowing it would make that mistake grant access.
    pub fn allows(&self, resource: Resource<'_>, actions: impl Into<Actions>) -> bool {
        let actions = actions.into();
        !actions.is_empty() && self.granted(resource).contains_all(actions)
    }

    /// The smallest list of permissions, in canonical form, that grants exactly what
    /// this set grants.
    ///
    /// `*:*:*` alone if the set holds it; otherwise `db:*` first (if granted), then
    /// database names grouped into as few permissions as possible (grants already
    /// covered by `db:*` left out), then `system`. The result depends only on what the
    /// set grants, not on how or in which order it was built: two sets that grant the
    /// same have equal normal forms, and normalizing a normal form gives it back. Names
    /// are in byte order, and groups are ordered by their first name.
    ///
    /// ```
    /// use influxdb3_permission::PermissionSet;
    ///
    /// # fn main() -> Result<(), influxdb3_permission::ParsePermissionError> {
    /// let set = PermissionSet::parse([
    ///     "db:a:read", "db:b:read", "db:a:write", "db:*:write", "system:ping:read",
    /// ])?;
    /// let list: Vec<String> = set.normalize().iter().map(ToString::to_string).collect();
    /// assert_eq!(list, ["db:*:write", "db:a,b:read", "system:ping:read"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn normalize(&self) -> Vec<Permission> {
        if self.admin {
            return vec![Permission::admin()];
        }
        let mut out = Vec::new();
        if !self.all_databases.is_empty() {
            out.push(Permission::from_parts(
                ResourceType::Database,
                ResourceNames::All,
                self.all_databases,
            ));
        }
        let mut residual: Vec<(&str, Actions)> = self
            .databases
            .iter()
            .map(|(name, actions)| (name.as_str(), actions.difference(self.all_databases)))
            .filter(|(_, actions)| !actions.is_empty())
            .collect();
        residual.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (actions, names) in cover(&residual) {
            out.push(Permission::from_parts(
                ResourceType::Database,
                ResourceNames::Names(names),
                actions,
            ));
        }
        let read = Actions::from(Action::Read);
        if self.all_system.contains_all(read) {
            out.push(Permission::all_system());
        } else if self.system.iter().any(|a| a.contains(Action::Read)) {
            let granted: Vec<SystemResource> = SystemResource::ALL
                .into_iter()
                .filter(|r| self.system[r.index()].contains(Action::Read))
                .collect();
            out.push(Permission::from_parts(
                ResourceType::System,
                ResourceNames::Names(system_list(&granted)),
                read,
            ));
        }
        out
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = PermissionSet::new();
        for p in iter {
            set.insert(&p);
        }
        set
    }
}

impl<'a> FromIterator<&'a Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = &'a Permission>>(iter: I) -> Self {
        let mut set = PermissionSet::new();
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl Extend<Permission> for PermissionSet {
    fn extend<I: IntoIterator<Item = Permission>>(&mut self, iter: I) {
        for p in iter {
            self.insert(&p);
        }
    }
}

/// Groups names with their action sets into as few `(actions, names)` permissions as
/// possible, so that the union of the groups a name is in equals its set.
///
/// With five actions there are at most 31 distinct sets, and five groups always do
/// (one per action), so the smallest family of action sets is found by trying families
/// of size 1, 2, … drawn from the subsets of the sets that occur. Ties go to the family
/// that uses the occurring sets themselves. `residual` is sorted by name; the result
/// depends only on its contents.
fn cover(residual: &[(&str, Actions)]) -> Vec<(Actions, NameList)> {
    // Distinct sets, ordered by their bits.
    let mut sets: Vec<Actions> = residual.iter().map(|(_, a)| *a).collect();
    sets.sort_unstable_by_key(|a| a.bits());
    sets.dedup();
    if sets.is_empty() {
        return Vec::new();
    }
    // Candidate groups: the sets themselves, then every other subset of one of them.
    let mut candidates = sets.clone();
    for bits in 1..=Actions::ALL.bits() {
        let s = Actions::from_bits(bits);
        if !candidates.contains(&s) && sets.iter().any(|t| t.contains_all(s)) {
            candidates.push(s);
        }
    }
    let covers = |family: &[Actions]| {
        sets.iter().all(|t| {
            family
                .iter()
                .filter(|s| t.contains_all(**s))
                .fold(Actions::EMPTY, |u, s| u.union(*s))
                == *t
        })
    };
    let max = sets.len().min(Action::ALL.len());
    let family = (1..=max)
        .find_map(|k| first_combination(&candidates, k, &covers))
        .unwrap_or_else(|| sets.clone());

    // Which groups each distinct set uses: larger groups first, skipping one whose
    // actions the groups already kept grant.
    let mut by_size: Vec<usize> = (0..family.len()).collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(family[i].len()));
    let uses = |t: Actions| -> Vec<usize> {
        let mut kept = Vec::new();
        let mut granted = Actions::EMPTY;
        for &i in &by_size {
            let s = family[i];
            if t.contains_all(s) && !granted.contains_all(s) {
                granted = granted.union(s);
                kept.push(i);
            }
        }
        kept
    };
    let mut groups: Vec<(Actions, NameList)> = family
        .iter()
        .map(|s| (*s, NameList::with_capacity(0)))
        .collect();
    let mut first_seen: Vec<usize> = vec![usize::MAX; family.len()];
    for (position, (name, t)) in residual.iter().enumerate() {
        for i in uses(*t) {
            // Names in `residual` are distinct.
            groups[i].1.push_new(name);
            first_seen[i] = first_seen[i].min(position);
        }
    }
    let mut order: Vec<usize> = (0..groups.len())
        .filter(|&i| !groups[i].1.is_empty())
        .collect();
    order.sort_by_key(|&i| first_seen[i]);
    let mut slots: Vec<Option<(Actions, NameList)>> = groups.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The first `k`-combination of `candidates` (in lexicographic order of positions)
/// that `accept` takes.
fn first_combination(
    candidates: &[Actions],
    k: usize,
    accept: &impl Fn(&[Actions]) -> bool,
) -> Option<Vec<Actions>> {
    let n = candidates.len();
    if k > n {
        return None;
    }
    let mut idx: Vec<usize> = (0..k).collect();
    let mut family = vec![Actions::EMPTY; k];
    loop {
        for (slot, &i) in family.iter_mut().zip(&idx) {
            *slot = candidates[i];
        }
        if accept(&family) {
            return Some(family);
        }
        // Advance to the next combination.
        let mut pos = k;
        loop {
            if pos == 0 {
                return None;
            }
            pos -= 1;
            if idx[pos] < n - k + pos {
                break;
            }
        }
        idx[pos] += 1;
        for j in pos + 1..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(list: &[&str]) -> Vec<String> {
        let set = PermissionSet::parse(list).unwrap();
        set.normalize().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn normalize_finds_fewer_permissions_than_grouping_by_set() {
        // a:{read,write}, b:{read}, c:{write}: grouping by set needs three, two do.
        assert_eq!(
            normalized(&["db:a:read,write", "db:b:read", "db:c:write"]),
            ["db:a,b:read", "db:a,c:write"]
        );
    }

    #[test]
    fn normalize_keeps_whole_sets_on_a_tie() {
        assert_eq!(
            normalized(&["db:a:read,write", "db:b:read"]),
            ["db:a:read,write", "db:b:read"]
        );
        // The same grants given in another order normalize the same.
        assert_eq!(
            normalized(&["db:b:read", "db:a:write", "db:a:read"]),
            ["db:a:read,write", "db:b:read"]
        );
    }

    #[test]
    fn normalize_drops_what_wildcards_cover() {
        assert_eq!(
            normalized(&["db:a:read", "db:*:read,write"]),
            ["db:*:read,write"]
        );
        assert_eq!(
            normalized(&["system:health:read", "system:*:read", "system:ping:read"]),
            ["system:*:read"]
        );
        assert_eq!(normalized(&["db:a:read", "*:*:*"]), ["*:*:*"]);
        assert!(normalized(&[]).is_empty());
    }

    #[test]
    fn admin_allows_everything_and_empty_requests_nothing() {
        let set = PermissionSet::parse(["*:*:*"]).unwrap();
        assert!(set.is_admin());
        assert!(set.allows(Resource::Database("x"), Actions::ALL));
        assert!(!set.allows(Resource::Database("x"), Actions::EMPTY));
        assert!(!PermissionSet::new().allows(Resource::Database("x"), Action::Read));
    }

    #[test]
    fn grants_add_up_across_permissions() {
        let set = PermissionSet::parse(["db:a:read", "db:a:write", "db:*:delete"]).unwrap();
        assert_eq!(
            set.granted(Resource::Database("a")).to_string(),
            "read,write,delete"
        );
        assert!(set.allows(
            Resource::Database("a"),
            [Action::Read, Action::Write, Action::Delete]
        ));
        assert!(
            !set.allows(Resource::Database("A"), Action::Read),
            "names are case-sensitive"
        );
    }
}
